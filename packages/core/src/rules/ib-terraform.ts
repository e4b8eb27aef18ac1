/**
 * Terraform cross-checks of image-based plans (SPEC §C.10, IB-089…IB-106): each plan's
 * `deployment/*.tf` against its options, the special variables and the iVK CS / VK CS
 * conventions of the docs (`TF/*`, `MA/ivkcs/*`).
 *
 * The manifests are parsed once before the rules run (`ib/terraform.ts`, called by the
 * pipeline); a rule reads the plan's module with `planTerraform`. Diagnostics point at the
 * `.tf` file and line of the variable, resource, output or argument concerned.
 *
 * When a manifest does not parse (IB-089), the checks that need the whole module (missing
 * variables, hosts, clusters) are skipped for that plan: the part after the error is
 * unknown. Values are resolved through `locals` (`name = local.host` → the local's
 * expression); anything that needs evaluation (function calls, `count.index`) is not
 * guessed at.
 */
import type { Span } from '../diagnostics.js';
import { planTerraform } from '../ib/terraform.js';
import type { DeploymentFile, DisplayGroup, OptionModel, PlanModel, PlanOption } from '../model/types.js';
import { decodeUtf8 } from '../read/text.js';
import { tfTypeOfOption, type TerraformModule, type TfAttribute, type TfBody, type TfExpression, type TfResource } from '../terraform/index.js';
import { rule, type PlanRule, type Rule, type ServiceRule } from './engine.js';
import { classifyOption } from './option-checks.js';

const S = '§C.10';
const IB = ['image-based'] as const;
type Meta<R> = Omit<R, 'docs' | 'scope' | 'kinds'> & { source: string };
const plan = (r: Meta<PlanRule>): PlanRule => rule<PlanRule>({ scope: 'plan', kinds: IB, section: S, ...r });
const svc = (r: Meta<ServiceRule>): ServiceRule => rule<ServiceRule>({ scope: 'service', kinds: IB, section: S, ...r });

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
const label = (p: PlanModel): string => `Plan "${typeof p.name === 'string' ? p.name : '?'}"`;
const attr = (body: TfBody, name: string): TfAttribute | undefined => (Object.hasOwn(body.attributes, name) ? body.attributes[name] : undefined);
const blocks = (body: TfBody, type: string) => (Object.hasOwn(body.blocks, type) ? body.blocks[type]! : []);

export const SPECIAL_VARIABLES = ['instance_uuid', 'email'] as const;
/** `ivkcs_user_data` `target_os` values (`MA/ivkcs/ivkcs_resources/ivkcs_user_data/#target_os`). */
export const TARGET_OS = ['freebsd132', 'debian114', 'ubuntu2204', 'redos73', 'centos84', 'altserver10', 'astralinux17', 'almalinux9'] as const;
/** iVK CS resources and data sources whose `uuid` is the deployment ID (`var.instance_uuid`). */
const UUID_TYPES = new Set(['ivkcs_user_data', 'ivkcs_agent_init', 'ivkcs_agent_exec', 'ivkcs_agent_check', 'ivkcs_cert', 'ivkcs_agent_script_result']);
/** iVK CS resources whose `hosts` name the VMs (`_includes/_tf_hosts.md`). */
const HOSTS_TYPES = new Set(['ivkcs_user_data', 'ivkcs_agent_init', 'ivkcs_agent_exec', 'ivkcs_agent_check']);
const DNS_DOMAIN = 'xaas.msk.vkcs.cloud';
/** Provider arguments that carry credentials or endpoints of a local test setup. */
const CREDENTIAL_ARGS = new Set(['username', 'user_name', 'password', 'token', 'access_key', 'secret_key', 'auth_url', 'project_id', 'user_domain_name', 'user_domain_id', 'infra_url', 'region', 'application_credential_id', 'application_credential_secret']);

// ------------------------------------------------------------------ module helpers

interface Analysed {
  readonly tf: TerraformModule;
  readonly locals: ReadonlyMap<string, TfAttribute>;
  /** False when a manifest has syntax errors: declarations after the error are unknown. */
  readonly complete: boolean;
}

const analysed = new WeakMap<TerraformModule, Analysed>();

function analyse(p: PlanModel): Analysed | undefined {
  const tf = planTerraform(p);
  if (!tf) return undefined;
  let a = analysed.get(tf);
  if (!a) {
    const locals = new Map<string, TfAttribute>();
    for (const l of tf.locals) if (!locals.has(l.name)) locals.set(l.name, l);
    a = { tf, locals, complete: !tf.parseErrors.some((e) => e.kind === 'syntax') };
    analysed.set(tf, a);
  }
  return a;
}

const LOCAL_REF = /^local\.([A-Za-z_][A-Za-z0-9_-]*)$/;
const compact = (text: string): string => text.replace(/\s+/g, '');

/** The expression a whole-`local.x` reference stands for (followed through chains of locals). */
function resolve(expr: TfExpression, a: Analysed): TfExpression {
  let e = expr;
  for (let i = 0; i < 16; i++) {
    const m = e.kind === 'reference' ? LOCAL_REF.exec(compact(e.text)) : null;
    const next = m ? a.locals.get(m[1]!) : undefined;
    if (!next) return e;
    e = next;
  }
  return e;
}

/** Whether the expression reads a traversal matching `test`, directly or through locals. */
function reaches(expr: TfExpression, a: Analysed, test: (ref: string) => boolean, seen = new Set<string>()): boolean {
  for (const ref of expr.references) {
    if (test(ref)) return true;
    const m = /^local\.([A-Za-z_][A-Za-z0-9_-]*)/.exec(ref);
    if (m && !seen.has(m[1]!)) {
      seen.add(m[1]!);
      const l = a.locals.get(m[1]!);
      if (l && reaches(l, a, test, seen)) return true;
    }
  }
  return false;
}

/** A comparable form of a name expression: a literal string as JSON, other expressions as compact source. */
function canon(expr: TfExpression, a: Analysed): string | undefined {
  const e = resolve(expr, a);
  if (e.kind === 'literal') return typeof e.literal === 'string' ? JSON.stringify(e.literal) : undefined;
  if (e.kind === 'template' || e.kind === 'reference' || e.kind === 'function_call' || e.kind === 'operation') return compact(e.text);
  return undefined;
}

/** The constant value of an expression (through locals), when it has one. */
function constantOf(expr: TfExpression, a: Analysed): { value: unknown } | undefined {
  const e = resolve(expr, a);
  return e.constant ? { value: e.value } : undefined;
}

const fileOf = (f: DeploymentFile): string => f.span?.file ?? `deployment/${f.path}`;
const spanOfFile = (f: DeploymentFile): Span => (f.span ? { file: f.span.file, line: f.span.line, column: f.span.column } : { file: fileOf(f), line: 1, column: 1 });

/** Top-level `.tf` files of the deployment (the ones Terraform loads). */
function tfFiles(p: PlanModel): DeploymentFile[] {
  return arr<DeploymentFile>(p.deployment).filter((f) => isPlainObject(f) && typeof f.path === 'string' && !f.path.includes('/') && f.path.endsWith('.tf'));
}

/** Option names the plan uses (H-11): shown in its wizard or listed in resource_usages. */
function usedNames(p: PlanModel): Set<string> {
  const names = new Set<string>();
  for (const pg of arr<{ groups?: unknown }>(p.display?.pages)) {
    if (!isPlainObject(pg)) continue;
    for (const g of arr<DisplayGroup>(pg.groups)) {
      if (!isPlainObject(g)) continue;
      for (const x of arr<{ name?: unknown }>(g.parameters)) if (isPlainObject(x) && typeof x.name === 'string') names.add(x.name);
    }
  }
  for (const n of arr<unknown>(p.resource_usages)) if (typeof n === 'string') names.add(n);
  return names;
}

/** The plan's used options with a readable definition. */
function usedOptions(p: PlanModel): PlanOption[] {
  const used = usedNames(p);
  return arr<PlanOption>(p.options).filter((o) => isPlainObject(o) && typeof o.name === 'string' && used.has(o.name) && isPlainObject(o.option));
}

const actionsOf = (o: OptionModel): unknown[] => arr<unknown>(o.actions);
/** create/update options: their values come from the wizard as Terraform variables. */
const isExternal = (o: OptionModel): boolean => classifyOption(o) !== 'postpaid' && actionsOf(o).some((a) => a === 'create' || a === 'update');
const optionTfType = (o: OptionModel): 'number' | 'string' | 'bool' | undefined => {
  const t = isPlainObject(o.schema) ? o.schema.type : undefined;
  return t === 'integer' || t === 'number' || t === 'string' || t === 'boolean' ? tfTypeOfOption(t) : undefined;
};

const variableSnippet = (name: string, type: string | undefined): string => `variable "${name}" { type = ${type ?? 'string'} }`;

/** Where to point at for something missing from the module: the first variable block, else the first .tf file. */
function moduleAnchor(p: PlanModel, tf: TerraformModule): Span | undefined {
  const v = tf.variables[0];
  if (v) return v.nameSpan;
  const f = tfFiles(p)[0];
  return f ? spanOfFile(f) : undefined;
}

const allBlocks = (tf: TerraformModule): TfResource[] => [...tf.resources, ...tf.data];
const ofType = (tf: TerraformModule, type: string): TfResource[] => tf.resources.filter((r) => r.type === type);

/** `hosts` of an iVK CS resource as a list of expressions, when it is a literal list (or a local holding one). */
function hostsList(r: TfResource, a: Analysed): TfExpression[] | undefined {
  const h = attr(r, 'hosts');
  if (!h) return undefined;
  const e = resolve(h, a);
  return e.kind === 'tuple' && e.items ? [...e.items] : undefined;
}

/** Number of VMs the manifests may create: undefined when a count is not a literal. */
function vmCount(tf: TerraformModule): number | undefined {
  let n = 0;
  for (const r of ofType(tf, 'vkcs_compute_instance')) {
    if (r.hasForEach) return undefined;
    if (r.hasCount) {
      const c = r.count;
      if (!c || c.kind !== 'literal' || typeof c.literal !== 'number') return undefined;
      n += c.literal;
    } else n += 1;
  }
  return n;
}

/** First segments of references that are not declarations: `count.index`, `each.key`, `self.id`, `path.module`… */
const BUILTIN_ROOTS = new Set(['count', 'each', 'self', 'path', 'terraform', 'module', 'provider']);

/** Every argument of a body, nested blocks included. */
function* attributesOf(body: TfBody): Generator<TfAttribute> {
  for (const k of Object.keys(body.attributes)) yield body.attributes[k]!;
  for (const k of Object.keys(body.blocks)) for (const b of body.blocks[k]!) yield* attributesOf(b);
}

/** Iterator names of `dynamic` blocks (`dynamic "disk" { … disk.value … }`, or its `iterator`). */
function dynamicIterators(body: TfBody, out: Set<string>): Set<string> {
  for (const k of Object.keys(body.blocks)) {
    for (const b of body.blocks[k]!) {
      if (k === 'dynamic') {
        const it = attr(b, 'iterator');
        out.add(it && it.kind === 'reference' ? compact(it.text) : (b.labels[0] ?? ''));
      }
      dynamicIterators(b, out);
    }
  }
  return out;
}

/**
 * References to variables, locals, resources and data sources that no block declares (the
 * docs' own `local.hosts_names[0]` and `ivkcs_ssh_keypair.key`, §C.16 item 6). Once per
 * reference text and file.
 */
function undeclaredReferences(a: Analysed): { ref: string; what: string; span: Span; hint: string }[] {
  const tf = a.tf;
  const variables = new Set(tf.variables.map((v) => v.name));
  const managed = new Set(tf.resources.map((r) => `${r.type}.${r.name}`));
  const data = new Set(tf.data.map((r) => `${r.type}.${r.name}`));
  const iterators = new Set<string>();
  // `moved`, `import` and `removed` name addresses that need not (or must not) exist any more.
  const others = tf.otherBlocks.filter((b) => b.type !== 'moved' && b.type !== 'import' && b.type !== 'removed');
  const bodies: TfBody[] = [...tf.resources, ...tf.data, ...tf.outputs, ...tf.variables, ...tf.providers, ...others];
  for (const b of bodies) dynamicIterators(b, iterators);
  const out: { ref: string; what: string; span: Span; hint: string }[] = [];
  const seen = new Set<string>();
  const check = (expr: TfExpression) => {
    for (const ref of expr.references) {
      const parts = ref.split(/[.[]/);
      const root = parts[0]!;
      let problem: { what: string; hint: string } | undefined;
      if (root === 'var') {
        if (parts[1] && !variables.has(parts[1])) problem = { what: `the variable "${parts[1]}"`, hint: `Declare variable "${parts[1]}" { type = … } or fix the name.` };
      } else if (root === 'local') {
        if (parts[1] && !a.locals.has(parts[1])) problem = { what: `the local value "${parts[1]}"`, hint: `Declared locals: ${[...a.locals.keys()].join(', ') || 'none'}.` };
      } else if (root === 'data') {
        if (parts[1] && parts[2] && !data.has(`${parts[1]}.${parts[2]}`)) problem = { what: `the data source ${parts[1]}.${parts[2]}`, hint: `Declare data "${parts[1]}" "${parts[2]}" { … } or fix the name.` };
      } else if (!BUILTIN_ROOTS.has(root) && !iterators.has(root) && /_/.test(root) && parts[1]) {
        // A resource type is `<provider>_<kind>`; single words are iterators or built-ins.
        if (!managed.has(`${root}.${parts[1]}`)) {
          const same = tf.resources.filter((r) => r.type === root).map((r) => r.name);
          problem = { what: `the resource ${root}.${parts[1]}`, hint: same.length ? `${root} resources here are named ${same.join(', ')}.` : `Declare resource "${root}" "${parts[1]}" { … } or fix the name.` };
        }
      }
      if (!problem) continue;
      const key = `${expr.span.file}\u0000${ref}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ ref, ...problem, span: expr.span });
    }
  };
  for (const b of bodies) for (const x of attributesOf(b)) check(x);
  for (const l of tf.locals) check(l);
  for (const t of tf.terraform) for (const x of attributesOf(t)) check(x);
  return out;
}

// ------------------------------------------------------------------ rules

export const ibTerraformRules: Rule[] = [
  plan({
    id: 'IB-089', severity: 'error', source: 'MA/ibservice_add/ib_structure/#ib_structure_file',
    title: 'deployment/ has at least one .tf file, and every .tf file parses as HCL2.',
    check(p, _s, ctx) {
      if (!Array.isArray(p.deployment)) return; // IB-055 reports a missing deployment/
      const files = tfFiles(p);
      if (files.length === 0) {
        ctx.report({ node: p, field: 'deployment', message: `${label(p)}: deployment/ has no .tf file; the deployment system needs the Terraform manifest (deploy.tf or several *.tf files).`, hint: 'Add plans/<plan>/deployment/deploy.tf.' });
      }
      for (const f of arr<DeploymentFile>(p.deployment)) {
        if (!isPlainObject(f) || typeof f.path !== 'string' || !f.path.endsWith('.tf') || !f.path.includes('/') || f.path.startsWith('.terraform/')) continue;
        ctx.report({ span: spanOfFile(f), severity: 'warning', message: `${label(p)}: deployment/${f.path} is in a subdirectory; Terraform loads only the .tf files directly in deployment/, so it is ignored.`, hint: 'Move it to deployment/ or remove it.' });
      }
      for (const f of files) {
        if (!(f.bytes instanceof Uint8Array)) continue;
        for (const issue of decodeUtf8(f.bytes, fileOf(f)).issues) {
          ctx.report({ span: issue.span, severity: issue.kind === 'bom' ? 'warning' : 'error', message: `${label(p)}: deployment/${f.path}: ${issue.message}.`, hint: 'Save Terraform files as UTF-8 without a byte-order mark.' });
        }
      }
      const tf = planTerraform(p);
      for (const e of tf?.parseErrors ?? []) {
        ctx.report({ span: e.span, message: `${label(p)}: ${e.message}`, hint: e.kind === 'syntax' ? 'Quote string values ("…"); Terraform has no bare words. `terraform validate` shows the same error.' : undefined });
      }
      const a = analyse(p);
      if (a?.complete) {
        for (const u of undeclaredReferences(a)) {
          ctx.report({ span: u.span, message: `${label(p)}: ${u.ref} refers to ${u.what}, which the manifests do not declare; Terraform rejects the configuration.`, hint: u.hint });
        }
      }
    },
  }),
  plan({
    id: 'IB-090', severity: 'error', source: 'TF/tf_manifest_variable/#tf_manifest_variable',
    title: 'Every variable block declares type.',
    check(p, _s, ctx) {
      const a = analyse(p);
      for (const v of a?.tf.variables ?? []) {
        if (v.type === undefined) ctx.report({ span: v.nameSpan, message: `${label(p)}: variable "${v.name}" declares no type; the docs require type on every variable (changelog 17.07.24).`, hint: `Add type = string, number or bool: ${variableSnippet(v.name, undefined)}.` });
      }
    },
  }),
  plan({
    id: 'IB-091', severity: 'error', source: 'TF/tf_manifest_variable/#tf_manifest_variable',
    title: 'Every create/update option the plan uses has variable "<option name>" in its manifests.',
    check(p, _s, ctx) {
      const a = analyse(p);
      if (!a || !a.complete) return;
      const declared = new Set(a.tf.variables.map((v) => v.name));
      for (const o of usedOptions(p)) {
        if (!isExternal(o.option) || declared.has(o.name)) continue;
        ctx.report({
          span: moduleAnchor(p, a.tf) ?? o.span,
          message: `${label(p)} uses the option "${o.name}" (actions ${JSON.stringify(actionsOf(o.option))}), but its manifests declare no variable "${o.name}"; the wizard value never reaches Terraform.`,
          hint: `Declare ${variableSnippet(o.name, optionTfType(o.option))} (postpaid options need none).`,
        });
      }
    },
  }),
  plan({
    id: 'IB-092', severity: 'error', source: 'TF/tf_manifest_variable/#tf_manifest_variable',
    title: "An option's variable has the matching type: integer and number → number, string and datasource → string, boolean → bool.",
    check(p, _s, ctx) {
      const a = analyse(p);
      if (!a) return;
      const options = new Map(usedOptions(p).map((o) => [o.name, o.option]));
      for (const v of a.tf.variables) {
        const o = options.get(v.name);
        if (!o || v.type === undefined) continue;
        const expected = optionTfType(o);
        if (!expected || v.type === expected) continue;
        const quoted = v.type === `"${expected}"`;
        ctx.report({
          span: v.typeAttribute?.span ?? v.nameSpan,
          message: `${label(p)}: variable "${v.name}" has type ${v.type}, but the option "${v.name}" is ${String(o.schema?.type)}${classifyOption(o) === 'datasource' ? ' (a datasource)' : ''}; its variable must be type = ${expected}.`,
          hint: quoted ? `Write the type without quotes: type = ${expected}.` : `Use type = ${expected} (integer and number → number, string and datasource → string, boolean → bool).`,
        });
      }
    },
  }),
  svc({
    id: 'IB-093', severity: 'error', source: 'TF/tf_manifest_variable/#tf_manifest_variable',
    title: 'The special variables instance_uuid and email have type = string, and no option is named instance_uuid or email.',
    check(s, ctx) {
      for (const o of arr<OptionModel>(s.options)) {
        if (isPlainObject(o) && (SPECIAL_VARIABLES as readonly string[]).includes(o.name)) {
          ctx.report({ node: o, message: `The option file parameters/${o.name}.yaml uses the name of a special Terraform variable; "${o.name}" is filled in by the platform (the ${o.name === 'email' ? "connecting user's email" : 'deployment ID'}), not by the wizard.`, hint: 'Rename the option.' });
        }
      }
      for (const p of arr<PlanModel>(s.plans)) {
        if (!isPlainObject(p)) continue;
        for (const v of analyse(p)?.tf.variables ?? []) {
          if (!(SPECIAL_VARIABLES as readonly string[]).includes(v.name) || v.type === undefined || v.type === 'string') continue;
          ctx.report({ span: v.typeAttribute?.span ?? v.nameSpan, message: `${label(p)}: the special variable "${v.name}" has type ${v.type}; it is a string.`, hint: `variable "${v.name}" { type = string }` });
        }
      }
    },
  }),
  plan({
    id: 'IB-094', severity: 'error', source: 'TF/tf_manifest_variable/#tf_manifest_variable',
    title: 'Every variable that is neither special nor an option of the plan has a default.',
    check(p, s, ctx) {
      const a = analyse(p);
      if (!a) return;
      const external = new Set(usedOptions(p).filter((o) => isExternal(o.option)).map((o) => o.name));
      const serviceOptions = new Map(arr<OptionModel>(s.options).filter(isPlainObject).map((o) => [o.name, o]));
      const used = usedNames(p);
      for (const v of a.tf.variables) {
        if ((SPECIAL_VARIABLES as readonly string[]).includes(v.name) || external.has(v.name) || v.hasDefault) continue;
        const o = serviceOptions.get(v.name);
        const why = !o
          ? 'it is not an option of the plan, so nothing sets it'
          : classifyOption(o) === 'postpaid'
            ? `"${v.name}" is a postpaid option: its values arrive through usage pushes, never as a Terraform variable`
            : used.has(v.name)
              ? `the option "${v.name}" has no create/update action, so the wizard passes no value`
              : `the option "${v.name}" is not in this plan's wizard, so the wizard passes no value`;
        ctx.report({ span: v.nameSpan, message: `${label(p)}: variable "${v.name}" has no default; ${why}, and Terraform stops on a variable without a value.`, hint: `Give it a default (default = …), or show the option in the plan's wizard.` });
      }
    },
  }),
  plan({
    id: 'IB-095', severity: 'warning', source: 'TF/tf_manifest_steps/#tf_manifest_steps',
    title: 'iVK CS resources that take uuid set it to var.instance_uuid.',
    check(p, _s, ctx) {
      const a = analyse(p);
      if (!a) return;
      const ok = (ref: string) => ref === 'var.instance_uuid' || /^ivkcs_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.uuid$/.test(ref);
      for (const r of allBlocks(a.tf)) {
        if (!UUID_TYPES.has(r.type)) continue;
        const u = attr(r, 'uuid');
        if (!u) ctx.report({ span: r.nameSpan, message: `${label(p)}: ${r.address} has no uuid; iVK CS resources are bound to the deployment by uuid = var.instance_uuid.`, hint: 'Add uuid = var.instance_uuid (and declare variable "instance_uuid" { type = string }).' });
        else if (!reaches(u, a, ok)) ctx.report({ span: u.span, message: `${label(p)}: ${r.address} sets uuid = ${u.text}; it must be the deployment ID, var.instance_uuid.`, hint: 'Write uuid = var.instance_uuid; a literal UUID binds every deployment to one instance.' });
      }
    },
  }),
  plan({
    id: 'IB-096', severity: 'warning', source: 'MA/ivkcs/ivkcs_resources/ivkcs_agent_init/#ivkcs_agent_init',
    title: 'hosts lists name the vkcs_compute_instance VMs, and user_data[i] goes to the VM named hosts[i].',
    check(p, _s, ctx) {
      const a = analyse(p);
      if (!a || !a.complete) return;
      const vms = ofType(a.tf, 'vkcs_compute_instance');
      const counted = vms.some((v) => v.hasCount || v.hasForEach);
      const names = new Map<string, TfResource>();
      let comparable = vms.length > 0;
      for (const vm of vms) {
        const n = attr(vm, 'name');
        const c = n ? canon(n, a) : undefined;
        if (c === undefined) comparable = false;
        else names.set(c, vm);
      }
      if (!counted && comparable) {
        for (const r of a.tf.resources) {
          if (!HOSTS_TYPES.has(r.type)) continue;
          for (const h of hostsList(r, a) ?? []) {
            const c = canon(h, a);
            if (c !== undefined && !names.has(c)) {
              ctx.report({ span: h.span, message: `${label(p)}: ${r.address} lists the host ${h.text}, which is the name of no vkcs_compute_instance (${[...names.values()].map((v) => `${v.address}: ${attr(v, 'name')!.text}`).join(', ')}); the agent addresses hosts by VM name.`, hint: 'Use the same expression as the VM name, e.g. hosts = [local.host] with name = local.host.' });
            }
          }
        }
      }
      const userData = new Map(ofType(a.tf, 'ivkcs_user_data').map((r) => [r.name, r]));
      for (const vm of vms) {
        const ud = attr(vm, 'user_data');
        const vmName = attr(vm, 'name');
        if (!ud || !vmName || vm.hasCount || vm.hasForEach) continue;
        const m = /^ivkcs_user_data\.([A-Za-z_][A-Za-z0-9_-]*)\.user_data\[(\d+)\]$/.exec(compact(resolve(ud, a).text));
        if (!m) continue;
        const source = userData.get(m[1]!);
        const hosts = source ? hostsList(source, a) : undefined;
        if (!source || !hosts) continue;
        const i = Number(m[2]);
        if (i >= hosts.length) {
          ctx.report({ span: ud.span, message: `${label(p)}: ${vm.address} takes user_data[${i}] of ${source.address}, whose hosts list has ${hosts.length} item(s); the index is the position of this VM's name in hosts.`, hint: 'Use user_data[0] for a single VM.' });
          continue;
        }
        const want = canon(vmName, a);
        const got = canon(hosts[i]!, a);
        if (want !== undefined && got !== undefined && want !== got) {
          ctx.report({ span: ud.span, message: `${label(p)}: ${vm.address} (name ${vmName.text}) takes user_data[${i}] of ${source.address}, which is generated for hosts[${i}] = ${hosts[i]!.text}; the agent would register under the wrong host name.`, hint: 'user_data[i] must go to the VM named hosts[i].' });
        }
      }
    },
  }),
  plan({
    id: 'IB-097', severity: 'error', source: 'TF/tf_manifest_output/#tf_manifest_output',
    title: 'An output exposing a private key has sensitive = true; password outputs without it are a warning.',
    check(p, _s, ctx) {
      const a = analyse(p);
      if (!a) return;
      const privateKey = (ref: string) => /\.private_key(?:_pem|_openssh|_pem_pkcs8)?(?:$|[.[])/.test(ref) || /^ivkcs_cert\.[^.]+\.key(?:$|[.[])/.test(ref);
      const secret = (ref: string) => /^random_password\.[^.]+\.(?:result|bcrypt_hash)/.test(ref) || /\.(?:password|secret)(?:$|[.[])/.test(ref);
      for (const o of a.tf.outputs) {
        if (o.sensitive === true || !o.value) continue;
        if (o.sensitiveAttribute && o.sensitive === undefined) continue; // not a literal: cannot tell
        const at = o.sensitiveAttribute?.span ?? o.nameSpan;
        if (reaches(o.value, a, privateKey)) {
          ctx.report({ span: at, message: `${label(p)}: output "${o.name}" exposes a private key (${o.value.text}) without sensitive = true; the docs forbid it: outputs are emailed and otherwise written to the Terraform logs.`, hint: 'Add sensitive = true to the output.' });
        } else if (reaches(o.value, a, secret) || /pass(?:word)?|secret|token|credential/i.test(o.name)) {
          ctx.report({ span: at, severity: 'warning', message: `${label(p)}: output "${o.name}" looks like a password or secret (${o.value.text}) and is not sensitive; it would be written to the Terraform logs.`, hint: 'Add sensitive = true (the user still receives it by email).' });
        }
      }
    },
  }),
  plan({
    id: 'IB-098', severity: 'warning', source: 'TF/tf_manifest_image/#tf_manifest_image',
    title: 'VMs and volumes set metadata = { "sid" : "xaas", "product" : "<SERVICE_NAME>" }.',
    check(p, s, ctx) {
      const a = analyse(p);
      if (!a) return;
      const product = typeof s.serviceName === 'string' ? s.serviceName : undefined;
      const want = `{ "sid" : "xaas", "product" : "${product ?? '<SERVICE_NAME>'}" }`;
      for (const r of a.tf.resources) {
        if (r.type !== 'vkcs_compute_instance' && r.type !== 'vkcs_blockstorage_volume') continue;
        const m = attr(r, 'metadata');
        if (!m) {
          ctx.report({ span: r.nameSpan, message: `${label(p)}: ${r.address} has no metadata; Marketplace VMs and volumes carry metadata = ${want}, which groups them under the Marketplace block of the console.`, hint: `Add metadata = ${want}.` });
          continue;
        }
        const e = resolve(m, a);
        if (e.kind !== 'object' || !e.entries) continue; // merge(…) or a variable: not evaluated
        const entry = (k: string) => e.entries!.find((x) => x.key === k);
        for (const [k, expected] of [['sid', 'xaas'], ['product', product]] as const) {
          const x = entry(k);
          if (!x) {
            ctx.report({ span: m.span, message: `${label(p)}: ${r.address} metadata has no "${k}"; it must be ${want}.` });
            continue;
          }
          if (expected === undefined || x.value.kind !== 'literal') continue;
          if (x.value.literal !== expected) {
            ctx.report({ span: x.value.span, message: `${label(p)}: ${r.address} metadata "${k}" is ${x.value.text}; it must be "${expected}"${k === 'product' ? ' (SERVICE_NAME, the package directory name)' : ''}.`, hint: `metadata = ${want}` });
          }
        }
      }
    },
  }),
  plan({
    id: 'IB-099', severity: 'error', source: 'TF/tf_manifest_image/#tf_manifest_image_sdn',
    title: 'vkcs_networking_floatingip.pool is derived from the subnet SDN, not a bare literal.',
    check(p, _s, ctx) {
      const a = analyse(p);
      if (!a) return;
      const rule = 'pool = data.vkcs_networking_subnet.<name>.sdn == "neutron" ? "ext-net" : "internet"';
      for (const r of ofType(a.tf, 'vkcs_networking_floatingip')) {
        const pool = attr(r, 'pool');
        if (!pool) {
          ctx.report({ span: r.nameSpan, message: `${label(p)}: ${r.address} has no pool; the external network depends on the project's SDN.`, hint: `Write ${rule}.` });
          continue;
        }
        const c = constantOf(pool, a);
        if (c) {
          ctx.report({ span: pool.span, message: `${label(p)}: ${r.address} pool is the fixed value ${JSON.stringify(c.value)}; deployments in projects with the other SDN fail (neutron uses ext-net, sprut uses internet).`, hint: `Write ${rule}.` });
        } else if (!reaches(pool, a, (ref) => /\.sdn$/.test(ref))) {
          ctx.report({ span: pool.span, severity: 'warning', message: `${label(p)}: ${r.address} pool = ${pool.text} does not depend on the subnet's sdn; the external network name differs between SDNs.`, hint: `Write ${rule}.` });
        }
      }
    },
  }),
  plan({
    id: 'IB-100', severity: 'warning', source: 'TF/tf_manifest_image/#tf_manifest_image_sdn',
    title: 'Security groups and ports take sdn from data.vkcs_networking_subnet.',
    check(p, _s, ctx) {
      const a = analyse(p);
      if (!a) return;
      const fromSubnet = (ref: string) => /^data\.vkcs_networking_subnet\.[^.]+(?:\[[^\]]*\])?\.sdn$/.test(ref);
      for (const r of a.tf.resources) {
        if (r.type !== 'vkcs_networking_secgroup' && r.type !== 'vkcs_networking_port') continue;
        const sdn = attr(r, 'sdn');
        if (!sdn) ctx.report({ span: r.nameSpan, message: `${label(p)}: ${r.address} sets no sdn; it then uses the project's default SDN, which may differ from the subnet the user picked.`, hint: 'Add sdn = data.vkcs_networking_subnet.<name>.sdn.' });
        else if (!reaches(sdn, a, fromSubnet)) ctx.report({ span: sdn.span, message: `${label(p)}: ${r.address} sdn = ${sdn.text} does not come from data.vkcs_networking_subnet; it must match the SDN of the user's subnet.`, hint: 'Write sdn = data.vkcs_networking_subnet.<name>.sdn.' });
      }
    },
  }),
  plan({
    id: 'IB-101', severity: 'error', source: 'MA/ivkcs/ivkcs_resources/ivkcs_dns/#ivkcs_dns',
    title: `ivkcs_dns.domain is "${DNS_DOMAIN}".`,
    check(p, _s, ctx) {
      const a = analyse(p);
      if (!a) return;
      for (const r of ofType(a.tf, 'ivkcs_dns')) {
        const d = attr(r, 'domain');
        if (!d) {
          ctx.report({ span: r.nameSpan, message: `${label(p)}: ${r.address} has no domain; it must be "${DNS_DOMAIN}".`, hint: `domain = "${DNS_DOMAIN}"` });
          continue;
        }
        const c = constantOf(d, a);
        if (!c) ctx.report({ span: d.span, severity: 'warning', message: `${label(p)}: ${r.address} domain = ${d.text} cannot be checked; the only domain the platform serves is "${DNS_DOMAIN}".`, hint: `Write domain = "${DNS_DOMAIN}".` });
        else if (c.value !== DNS_DOMAIN) ctx.report({ span: d.span, message: `${label(p)}: ${r.address} domain is ${JSON.stringify(c.value)}; the platform DNS serves only "${DNS_DOMAIN}".`, hint: `domain = "${DNS_DOMAIN}"` });
      }
    },
  }),
  plan({
    id: 'IB-102', severity: 'warning', source: 'MA/ivkcs/ivkcs_resources/ivkcs_resources_list/#ivkcs_resources_list',
    title: 'ivkcs_agent_init is not used: it is deprecated in favour of ivkcs_user_data.',
    check(p, _s, ctx) {
      const a = analyse(p);
      if (!a) return;
      for (const r of ofType(a.tf, 'ivkcs_agent_init')) {
        ctx.report({ span: r.typeSpan, message: `${label(p)}: ${r.address} uses ivkcs_agent_init, which is being withdrawn; install the agent with ivkcs_user_data (cloud-init) instead.`, hint: 'resource "ivkcs_user_data" "init" { uuid = var.instance_uuid, hosts = [...], target_os = "almalinux9" } and user_data = ivkcs_user_data.init.user_data[0] on the VM.' });
      }
    },
  }),
  plan({
    id: 'IB-103', severity: 'warning', source: 'MA/ivkcs/ivkcs_resources/ivkcs_user_data/#target_os',
    title: 'target_os is one of the documented values; freebsd132 cannot install the agent.',
    check(p, _s, ctx) {
      const a = analyse(p);
      if (!a) return;
      for (const r of ofType(a.tf, 'ivkcs_user_data')) {
        const t = attr(r, 'target_os');
        if (!t) {
          ctx.report({ span: r.nameSpan, message: `${label(p)}: ${r.address} has no target_os (required); it selects the cloud-config for the image's OS.`, hint: `target_os = one of ${TARGET_OS.join(', ')}.` });
          continue;
        }
        const c = constantOf(t, a);
        if (!c || typeof c.value !== 'string') continue;
        if (!(TARGET_OS as readonly string[]).includes(c.value)) {
          ctx.report({ span: t.span, message: `${label(p)}: ${r.address} target_os ${JSON.stringify(c.value)} is not a documented value (${TARGET_OS.join(', ')}).`, hint: 'Use the value of the closest OS (e.g. ubuntu2204 for Ubuntu 21.10).' });
        } else if (c.value === 'freebsd132') {
          const install = attr(r, 'agent_install');
          const off = install ? constantOf(install, a)?.value === false : false;
          if (!off) ctx.report({ span: t.span, message: `${label(p)}: ${r.address} targets freebsd132, where the agent cannot be installed; scripts, health checks and script results will not work.`, hint: 'Set agent_install = false for a single-VM service that needs no agent, or use another OS.' });
        }
      }
    },
  }),
  plan({
    id: 'IB-104', severity: 'warning', source: 'MA/concepts/vendor-preconditions/ib_image_agent/#ib_image_agent',
    title: 'Multi-VM (cluster) manifests do not set agent_install = false.',
    check(p, _s, ctx) {
      const a = analyse(p);
      if (!a || !a.complete) return;
      const vms = vmCount(a.tf);
      const userData = ofType(a.tf, 'ivkcs_user_data');
      const hostCount = Math.max(0, ...userData.map((r) => hostsList(r, a)?.length ?? 0));
      const cluster = vms === undefined ? true : vms > 1 || hostCount > 1;
      if (!cluster) return;
      for (const r of userData) {
        const install = attr(r, 'agent_install');
        if (install && constantOf(install, a)?.value === false) {
          ctx.report({ span: install.span, message: `${label(p)}: ${r.address} sets agent_install = false in a multi-VM deployment (${vms === undefined ? 'VMs created with count/for_each' : `${Math.max(vms, hostCount)} hosts`}); the agent is mandatory for clusters.`, hint: 'Remove agent_install = false (it defaults to true).' });
        }
      }
    },
  }),
  plan({
    id: 'IB-105', severity: 'warning', source: 'UP/ibservice_upload_localtest/#ibservice_upload_localtest',
    title: 'No provider credential blocks and no local-test files (auth.tf, extended.tf, .terraform/, *.tfstate) in the package (H-18).',
    check(p, _s, ctx) {
      let terraformDir = false;
      for (const f of arr<DeploymentFile>(p.deployment)) {
        if (!isPlainObject(f) || typeof f.path !== 'string') continue;
        const name = f.path.split('/').pop()!;
        let why: string | undefined;
        if (f.path.startsWith('.terraform/')) {
          if (terraformDir) continue;
          terraformDir = true;
          why = '.terraform/ is the working directory of terraform init (providers, modules)';
        } else if (f.path === 'auth.tf') why = 'auth.tf holds the provider credentials of local testing';
        else if (f.path === 'extended.tf') why = 'extended.tf holds the extra resources of local testing';
        else if (/\.tfstate(?:\.backup)?$/.test(name)) why = `${name} is a Terraform state file (it can contain secrets)`;
        else if (name === '.terraform.lock.hcl') why = '.terraform.lock.hcl pins local provider builds';
        else if (/\.tfvars(?:\.json)?$/.test(name)) why = `${name} sets variable values for a local run`;
        else if (name === '.terraformrc' || name === 'terraform.rc') why = `${name} is the Terraform CLI configuration of a local machine`;
        if (why) ctx.report({ span: spanOfFile(f), message: `${label(p)}: deployment/${f.path.startsWith('.terraform/') ? '.terraform/' : f.path} is local-test scaffolding: ${why}; it does not belong in the package.`, hint: 'Remove it from deployment/ before zipping (the preset supplies providers).' });
      }
      const a = analyse(p);
      if (!a) return;
      for (const pr of a.tf.providers) {
        const creds = Object.keys(pr.attributes).filter((k) => CREDENTIAL_ARGS.has(k));
        ctx.report({
          span: pr.nameSpan,
          message: creds.length
            ? `${label(p)}: provider "${pr.name}" sets ${creds.join(', ')}; credentials of a local test must not ship in the package, and the settings.yaml preset supplies the providers.`
            : `${label(p)}: provider "${pr.name}" is configured in the package; the settings.yaml preset supplies and configures the providers (H-18).`,
          hint: 'Remove the provider block (keep it in a local auth.tf outside the package).',
        });
      }
      for (const t of a.tf.terraform) {
        const backend = blocks(t, 'backend').length > 0 || blocks(t, 'cloud').length > 0;
        ctx.report({ span: t.span, message: `${label(p)}: a terraform { } block${backend ? ' with a backend' : ''} is in the package; the deployment system supplies providers and state (H-18).`, hint: 'Remove it (keep required_providers for local testing in auth.tf outside the package).' });
      }
    },
  }),
  plan({
    id: 'IB-106', severity: 'warning', source: 'TF/tf_manifest_image/#tf_manifest_image',
    title: 'Data lives on a separate volume from the root disk (heuristic: a VM whose only disk is its boot disk).',
    check(p, _s, ctx) {
      const a = analyse(p);
      if (!a || !a.complete) return;
      const attached = new Set<string>();
      for (const r of ofType(a.tf, 'vkcs_compute_volume_attach')) {
        const i = attr(r, 'instance_id');
        for (const ref of i?.references ?? []) {
          const m = /^vkcs_compute_instance\.([A-Za-z_][A-Za-z0-9_-]*)/.exec(ref);
          if (m) attached.add(m[1]!);
        }
      }
      for (const vm of ofType(a.tf, 'vkcs_compute_instance')) {
        if (attached.has(vm.name)) continue;
        const devices = blocks(vm, 'block_device');
        const dataDevices = devices.filter((d) => {
          const b = attr(d, 'boot_index');
          return b !== undefined && !(b.kind === 'literal' && b.literal === 0);
        });
        if (dataDevices.length > 0 || blocks(vm, 'dynamic').some((d) => d.labels[0] === 'block_device')) continue;
        ctx.report({ span: vm.nameSpan, message: `${label(p)}: ${vm.address} has only its boot disk; the docs recommend keeping service data on a separate volume so it survives a reinstall.`, hint: 'Create a vkcs_blockstorage_volume for data and attach it with vkcs_compute_volume_attach.' });
      }
    },
  }),
];
