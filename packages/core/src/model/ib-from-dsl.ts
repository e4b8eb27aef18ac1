/**
 * model (image-based): `ib.service(...)` values → IR (SPEC §C). Derives what vendors never
 * write twice:
 * - each plan's options (wizard order) and their effective definitions after `.with()`;
 * - `parameters_patch` from `.with()` overrides: form A dotted keys (`schema.default`,
 *   `billing.cost`) for leaf changes, form B (a whole `billing`/`schema` section) when the
 *   override replaces the section or removes a key, never both forms for one section;
 * - `resource_usages` from the plan's postpaid options;
 * - `billing_cycle_flat` of prepaid plans (default `1 mons 0 days`);
 * - `deployment/`: the `.tf` files of the `file()` references (a directory gives its `*.tf`
 *   files, sorted) and `settings.yaml` from the typed settings (`preset` always, H-12).
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Span } from '../diagnostics.js';
import type { RawSite } from '../load/load.js';
import { canonicalPeriod, DEFAULT_PERIOD } from '../util/period.js';
import { DslContext, OptionResolver, isBranded, optionModel, type DslIssueLike, type DslOptionDef, type ResolvedOption } from './dsl-context.js';
import type {
  DeploymentFile, DisplayGroup, DisplayPage, DisplayParam, EntityModel, OptionModel, OptionPatch, PlanModel, PlanOption, ServiceModel, WhenOperand,
} from './types.js';

const PLAN = Symbol.for('vkmp.plan');
const PAGE = Symbol.for('vkmp.page');
const GROUP = Symbol.for('vkmp.group');
const FILE_REF = Symbol.for('vkmp.fileRef');
const OPTION_REF = Symbol.for('vkmp.optionRef');
const OPTION_USE = Symbol.for('vkmp.optionUse');

/** The only generator version the docs describe (SPEC §C.1). */
export const IB_GENERATOR_VERSION = '0.0.1';
/** H-12: the compiler pins the preset; `base_v3` is the latest stable one the docs name. */
export const DEFAULT_PRESET = 'base_v3';

interface DslNode<I> {
  input: I;
  site?: RawSite;
  issues?: readonly DslIssueLike[];
}

/** DSL field names of service.yaml fields, to point diagnostics at the right line. */
export const IB_SERVICE_DSL_NAMES: Record<string, string> = {
  id: 'id', revision: 'revision', name: 'name', short_description: 'shortDescription', full_description: 'fullDescription',
  icon: 'icon', help: 'help', singleton: 'singleton', auto_bind: 'autoBind', deactivatable: 'deactivatable',
  bindings_retrievable: 'bindingsRetrievable', instances_retrievable: 'instancesRetrievable', preview: 'preview', plans: 'plans',
  serviceName: 'serviceName', options: 'options', bindable: 'serviceName', plan_updateable: 'serviceName', generatorVersion: 'serviceName',
};
/** DSL field names of plan.yaml / display.yaml fields. */
export const IB_PLAN_DSL_NAMES: Record<string, string> = {
  id: 'id', revision: 'revision', name: 'name', description: 'description', free: 'free', billing: 'billing', display: 'wizard',
  pages: 'wizard', entities: 'entities', deployment: 'deployment', resource_usages: 'wizard', parameters_patch: 'wizard',
  cost: 'cost', refundable: 'refundable', billing_cycle_flat: 'period',
};
const ENTITY_DSL_NAMES: Record<string, string> = { description: 'description', when: 'when', count: 'count', flavor: 'flavor', disks: 'disks' };

/**
 * DSL names of the option fields the definition has, so a finding about `minimum` points at
 * `minimum:` in the constructor call. Absent fields are not mapped: a search for them would
 * find the same key in a later call.
 */
function optionDslNames(o: OptionModel): Record<string, string> {
  const names: Record<string, string> = {};
  const schema = o.schema as Record<string, unknown>;
  for (const k of ['description', 'hint', 'default', 'minimum', 'maximum', 'pattern', 'minLength', 'maxLength', 'tag']) if (schema[k] !== undefined) names[k] = k;
  if (schema.const !== undefined) names.const = 'value';
  if (schema.enum !== undefined) names.enum = 'values';
  if (o.billing !== undefined) names.billing = o.billing.unit !== undefined && o.actions[0] !== 'resource_usages' ? 'billing' : 'cost';
  const ds = schema.datasource as { filter?: Record<string, unknown>; value_is?: unknown } | undefined;
  const filterKey = ds?.filter ? Object.keys(ds.filter)[0] : undefined;
  const dsName = filterKey ? ({ vcpus: 'vcpus', ram: 'ram', kind: 'kind', shared: 'shared', disk_class: 'diskClass', name: 'names' } as Record<string, string>)[filterKey] : ds?.value_is !== undefined ? 'valueIs' : undefined;
  if (dsName) names.datasource = dsName;
  if (o.actions.join() !== 'create,update' && o.actions[0] !== 'resource_usages') names.actions = 'actions';
  return names;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const keyOf = (o: unknown, key: string): unknown => (isPlainObject(o) ? o[key] : undefined);

/** Leaf changes from `before` to `after`: dotted paths set, and whether any key was removed. */
function leafDiff(before: Record<string, unknown>, after: Record<string, unknown>, prefix: string): { set: [string, unknown][]; removed: string[] } {
  const set: [string, unknown][] = [];
  const removed: string[] = [];
  for (const [k, v] of Object.entries(after)) {
    if (v === undefined) continue;
    const path = `${prefix}.${k}`;
    const old = before[k];
    if (isPlainObject(v) && isPlainObject(old)) {
      const inner = leafDiff(old, v, path);
      set.push(...inner.set);
      removed.push(...inner.removed);
    } else if (!same(old, v)) set.push([path, structuredClone(v)]);
  }
  for (const [k, v] of Object.entries(before)) if (v !== undefined && after[k] === undefined) removed.push(`${prefix}.${k}`);
  return { set, removed };
}

/**
 * The `parameters_patch` entry that turns the option file (`base`) into this plan's
 * definition (`effective`). Undefined when the overrides change nothing.
 */
export function patchFromOverrides(
  base: Pick<DslOptionDef, 'schema' | 'billing' | 'actions' | 'wholeSections'>,
  effective: Pick<DslOptionDef, 'schema' | 'billing' | 'actions'>,
  overrideKeys: readonly string[],
): { patch?: OptionPatch; problems: string[] } {
  const patch: OptionPatch = {};
  const problems: string[] = [];
  if (!same(base.actions, effective.actions)) problems.push('it changes actions, which parameters_patch cannot do (H-10)');
  for (const section of ['schema', 'billing'] as const) {
    const before = base[section] as Record<string, unknown> | undefined;
    const after = effective[section] as Record<string, unknown> | undefined;
    if (same(before ?? null, after ?? null)) continue;
    if (after === undefined) {
      problems.push(`it removes the whole ${section} section, which parameters_patch cannot express`);
      continue;
    }
    const whole = base.wholeSections.includes(section) && overrideKeys.includes(section);
    const diff = leafDiff(before ?? {}, after, section);
    if (whole || diff.removed.length > 0) patch[section] = structuredClone(after); // form B
    else for (const [path, value] of diff.set) patch[path] = value; // form A
  }
  if (keyOf(base.schema, 'type') !== keyOf(effective.schema, 'type')) problems.push('it changes schema.type (H-10)');
  if (!same(keyOf(base.schema, 'datasource'), keyOf(effective.schema, 'datasource'))) problems.push('it changes the datasource or its filter, which the docs do not allow per plan (H-10)');
  return { patch: Object.keys(patch).length ? patch : undefined, problems };
}


function textOf(ctx: DslContext, value: unknown, what: string, site: RawSite | undefined): { text: string; path?: string } {
  if (typeof value === 'string') return { text: value };
  const file = ctx.readFile(value, what, site);
  if (!file) return { text: '' };
  return { text: new TextDecoder().decode(file.bytes), path: file.path };
}

/** Absolute path of a `file()` reference: relative to the source file that called `file()`. */
function refPath(ctx: DslContext, ref: { path: string; site?: RawSite }, site: RawSite | undefined): string {
  const from = ctx.span(ref.site) ?? ctx.span(site);
  return resolve(from ? dirname(from.file) : ctx.project.rootDir, ref.path);
}

const isFile = (path: string): boolean => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};
const isDirectory = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/** The service's option set, the plan's options and its wizard, resolved. */
class PlanBuilder {
  readonly options: PlanOption[] = [];
  private readonly byName = new Map<string, PlanOption>();

  constructor(
    private readonly ctx: DslContext,
    private readonly resolver: OptionResolver,
    private readonly planName: string,
  ) {}

  /** Records an option shown in the wizard; returns its display entry. */
  use(value: unknown, where: string, site: RawSite | undefined): DisplayParam | undefined {
    const r = this.resolver.resolve(value, where, site);
    if (!r) return undefined;
    if ('unresolvedName' in r) return { name: r.unresolvedName, span: this.ctx.span(site) };
    const span = this.ctx.span(r.site);
    const existing = this.byName.get(r.name);
    const patch = this.patchOf(r);
    if (existing) {
      if (r.overrides && !same(existing.patch, patch)) {
        this.ctx.error('DSL-002', `Plan "${this.planName}": option "${r.name}" is used with different overrides in one plan.`, 'A plan has one definition per option: put the .with({...}) overrides on one use only.', r.site);
      }
    } else {
      const option = optionModel(r.name, r.effective, span ?? this.ctx.span(r.base.site));
      const po: PlanOption = { name: r.name, option, span: span ?? this.ctx.span(site), ...(patch ? { patch } : {}) };
      this.byName.set(r.name, po);
      this.options.push(po);
    }
    return { name: r.name, span: span ?? this.ctx.span(site) };
  }

  private patchOf(r: ResolvedOption): OptionPatch | undefined {
    if (!r.overrides) return undefined;
    const known = new Set(r.base.issues.map((i) => i.message));
    this.ctx.issues(r.effective.issues.filter((i) => !known.has(i.message)).map((i) => ({ ...i, site: r.site ?? i.site })));
    const keys = isPlainObject(r.overrides) ? Object.keys(r.overrides) : [];
    const { patch, problems } = patchFromOverrides(r.base, r.effective, keys);
    for (const problem of problems) {
      this.ctx.error('DSL-002', `Plan "${this.planName}": the override of option "${r.name}" cannot be a parameters_patch: ${problem}.`, 'Define a separate option for this plan instead of overriding it.', r.site);
    }
    return patch;
  }

  /** An entity operand: an option reference → `{param}`, anything else → `{const}`. */
  operand(value: unknown, where: string, site: RawSite | undefined): WhenOperand | undefined {
    if (value === undefined) return undefined;
    if (isBranded(value, OPTION_REF) || isBranded(value, OPTION_USE)) {
      if (isBranded(value, OPTION_USE) && (value as { overrides?: unknown }).overrides !== undefined) {
        this.ctx.error('DSL-002', `${where}: per-plan overrides (.with) belong where the option is shown in the wizard, not in an entity.`, 'Refer to the option itself here, e.g. count: o.nodes.', (value as { site?: RawSite }).site ?? site);
      }
      const r = this.resolver.resolve(value, where, site);
      if (!r) return undefined;
      return { param: 'unresolvedName' in r ? r.unresolvedName : r.name };
    }
    return { const: value };
  }
}

function pagesOf(ctx: DslContext, builder: PlanBuilder, resolver: OptionResolver, wizard: unknown, site: RawSite | undefined): DisplayPage[] {
  const pages: DisplayPage[] = [];
  if (wizard !== undefined && !Array.isArray(wizard)) ctx.error('DSL-002', 'wizard must be an array of page(...) values.', 'wizard: [page("Server", [group("VM", [o.flavor])])]', site);
  (Array.isArray(wizard) ? wizard : []).forEach((p: unknown, pageIndex: number) => {
    if (!isBranded(p, PAGE)) {
      ctx.error('DSL-002', `wizard[${pageIndex}] is not a page(...) value.`, "Build pages with page(name, groups) from '@vkmp/sdk'.", site);
      return;
    }
    const pg = p as { name: string; groups: unknown; site?: RawSite };
    const groups: DisplayGroup[] = [];
    (Array.isArray(pg.groups) ? pg.groups : []).forEach((g: unknown, groupIndex: number) => {
      if (!isBranded(g, GROUP)) {
        ctx.error('DSL-002', `Page "${pg.name}": groups[${groupIndex}] is not a group(...) value.`, "Build groups with group(name, options) from '@vkmp/sdk'.", pg.site);
        return;
      }
      const gr = g as { name: string; options: unknown; when?: unknown; site?: RawSite; issues?: DslIssueLike[] };
      ctx.issues(gr.issues);
      const parameters = (Array.isArray(gr.options) ? gr.options : [])
        .map((o: unknown) => builder.use(o, `group "${gr.name}"`, gr.site))
        .filter((x): x is DisplayParam => x !== undefined)
        .map((param) => ({ ...param, span: param.span ?? ctx.span(gr.site) }));
      const group: DisplayGroup = { name: gr.name, parameters, span: ctx.span(gr.site) };
      const w = resolver.when(gr.when, gr.site);
      if (w) group.when = w;
      groups.push(group);
    });
    pages.push({ name: pg.name, groups, span: ctx.span(pg.site) });
  });
  return pages;
}

function entitiesOf(ctx: DslContext, builder: PlanBuilder, resolver: OptionResolver, value: unknown, site: RawSite | undefined): EntityModel[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    ctx.error('DSL-002', 'entities must be an array of entity.vm(...), entity.loadBalancer(...) or entity.floatingIp(...) values.', '', site);
    return undefined;
  }
  return value.map((e: unknown, i: number): EntityModel => {
    const def = (isPlainObject(e) ? e : {}) as { entity?: unknown; description?: unknown; when?: unknown; count?: unknown; flavor?: unknown; disks?: unknown; site?: RawSite; issues?: DslIssueLike[] };
    if (!isPlainObject(e) || typeof def.entity !== 'string') ctx.error('DSL-002', `entities[${i}] is not an entity.vm/loadBalancer/floatingIp(...) value.`, "Build entities with entity.vm({...}) from '@vkmp/sdk'.", site);
    ctx.issues(def.issues);
    const at = def.site ?? site;
    const kind = String(def.entity);
    const model: EntityModel = { entity: def.entity as string, span: ctx.span(at), dslNames: ENTITY_DSL_NAMES };
    if (def.description !== undefined) model.description = def.description as string;
    const w = resolver.when(def.when, at);
    if (w) model.when = w;
    const count = builder.operand(def.count, `${kind} entity count`, at);
    if (count) model.count = count;
    const flavor = builder.operand(def.flavor, `${kind} entity flavor`, at);
    if (flavor) model.flavor = flavor;
    if (def.disks !== undefined) {
      const disks = Array.isArray(def.disks) ? def.disks : [];
      if (!Array.isArray(def.disks)) ctx.error('DSL-002', `${kind} entity: disks must be an array of {type, size}.`, '', at);
      model.disks = disks.map((d: unknown) => {
        const disk = (isPlainObject(d) ? d : {}) as { type?: unknown; size?: unknown };
        return { type: builder.operand(disk.type, `${kind} entity disk type`, at), size: builder.operand(disk.size, `${kind} entity disk size`, at), span: ctx.locate(ctx.span(at), 'disks') };
      });
    }
    return model;
  });
}

/** `deployment/`: Terraform files from file() references, plus the generated settings.yaml. */
function deploymentOf(ctx: DslContext, input: unknown, planName: string, site: RawSite | undefined, planSpan: Span | undefined): DeploymentFile[] {
  const files: DeploymentFile[] = [];
  const dep = (isPlainObject(input) ? input : {}) as { terraform?: unknown; settings?: unknown };
  if (!isPlainObject(input)) ctx.error('DSL-002', `Plan "${planName}": deployment is required: { terraform: file('./terraform/${planName}') }.`, 'Every plan ships its Terraform manifests in plans/<plan>/deployment/.', site);
  const refs = dep.terraform === undefined ? [] : Array.isArray(dep.terraform) ? dep.terraform : [dep.terraform];
  if (isPlainObject(input) && refs.length === 0) ctx.error('DSL-002', `Plan "${planName}": deployment.terraform names no files.`, "Use file('./terraform/<plan>') for a directory of .tf files, or a list of file() references.", site);
  const add = (path: string, bytes: Uint8Array, from: RawSite | undefined) => {
    const name = basename(path);
    if (files.some((f) => f.path === name)) {
      ctx.error('DSL-002', `Plan "${planName}": two deployment files are named ${name}; deployment/ is one flat directory.`, 'Rename one of them.', from);
      return;
    }
    files.push({ path: name, bytes, span: { file: path, line: 1, column: 1 } });
  };
  for (const ref of refs) {
    if (!isBranded(ref, FILE_REF)) {
      ctx.error('DSL-002', `Plan "${planName}": deployment.terraform must be file('./dir') or a list of file() references.`, "Import file from '@vkmp/sdk'.", site);
      continue;
    }
    const fileRef = ref as { path: string; site?: RawSite };
    const path = refPath(ctx, fileRef, site);
    if (isDirectory(path)) {
      const tf = readdirSync(path).filter((n) => n.endsWith('.tf') && isFile(join(path, n))).sort();
      if (tf.length === 0) {
        ctx.error('DSL-003', `Plan "${planName}": ${fileRef.path} has no .tf files (resolved to ${path}).`, 'Put the plan\'s Terraform manifests (*.tf) in that directory, or point file() at them.', fileRef.site ?? site);
        continue;
      }
      for (const n of tf) {
        const f = ctx.readFile({ [FILE_REF]: true, path: join(path, n), site: fileRef.site }, `Plan "${planName}" deployment`, site);
        if (f) add(f.path, f.bytes, fileRef.site);
      }
    } else {
      const f = ctx.readFile(ref, `Plan "${planName}" deployment`, site);
      if (f) add(f.path, f.bytes, fileRef.site);
    }
  }
  if (files.some((f) => f.path === 'settings.yaml')) {
    ctx.error('DSL-002', `Plan "${planName}": settings.yaml is generated from deployment.settings; do not list it as a file.`, "Write deployment: { terraform: …, settings: { preset: 'base_v3', retry: false } }.", site);
    return files;
  }
  const settings = (isPlainObject(dep.settings) ? dep.settings : {}) as { preset?: unknown; retry?: unknown };
  const scalar = (v: unknown): string => (typeof v === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(v) && !/^(?:y|n|yes|no|on|off|true|false|null)$/i.test(v) ? v : JSON.stringify(v));
  let text = `preset: ${scalar(settings.preset ?? DEFAULT_PRESET)}\n`;
  if (settings.retry !== undefined) text += `retry: ${settings.retry === true ? 'yes' : settings.retry === false ? 'no' : JSON.stringify(settings.retry)}\n`;
  const at = ctx.locate(planSpan, dep.settings !== undefined ? 'settings' : 'deployment');
  files.push({ path: 'settings.yaml', bytes: new TextEncoder().encode(text), ...(at ? { span: at } : {}) });
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function planModel(ctx: DslContext, resolver: OptionResolver, plan: DslNode<Record<string, unknown>>): PlanModel {
  const input = plan.input ?? {};
  const span = ctx.span(plan.site);
  ctx.issues(plan.issues);
  const name = input.name as string;
  const builder = new PlanBuilder(ctx, resolver, String(name));
  const pages = pagesOf(ctx, builder, resolver, input.wizard, plan.site);
  const entities = entitiesOf(ctx, builder, resolver, input.entities, plan.site);
  if (input.raw !== undefined && isPlainObject(input.raw)) ctx.rawWarning(Object.keys(input.raw), `Plan "${String(name)}"`, plan.site);

  const options = builder.options;
  const postpaid = options.filter((o) => o.option.actions.length === 1 && o.option.actions[0] === 'resource_usages');
  const prepaidOptions = options.filter((o) => !o.option.actions.includes('resource_usages') && typeof o.option.billing?.cost === 'number' && o.option.billing.cost > 0);
  const billingIn = (isPlainObject(input.billing) ? input.billing : {}) as Record<string, unknown>;
  const prepaid = postpaid.length === 0 && (input.free === false || (typeof billingIn.cost === 'number' && billingIn.cost > 0) || prepaidOptions.length > 0);
  const period = typeof billingIn.period === 'string' ? canonicalPeriod(billingIn.period) : billingIn.period;
  const billing: PlanModel['billing'] = {
    cost: billingIn.cost as number,
    span: ctx.locate(span, 'billing'),
    dslNames: IB_PLAN_DSL_NAMES,
  };
  if (billingIn.refundable !== undefined) billing.refundable = billingIn.refundable as boolean;
  // G-05: the period of a prepaid plan is always written out.
  const cycle = (period as string | undefined) ?? (prepaid ? DEFAULT_PERIOD : undefined);
  if (cycle !== undefined) billing.billing_cycle_flat = cycle;

  const model: PlanModel = {
    id: input.id as string,
    revision: input.revision as string,
    name,
    description: input.description as string,
    free: input.free as boolean,
    billing: input.billing === undefined ? (undefined as never) : billing,
    options,
    display: { pages, span: ctx.locate(span, 'wizard') },
    deployment: deploymentOf(ctx, input.deployment, String(name), plan.site, span),
    span,
    dslNames: IB_PLAN_DSL_NAMES,
  };
  if (entities !== undefined) model.entities = entities;
  if (postpaid.length) model.resource_usages = postpaid.map((o) => o.name);
  if (isPlainObject(input.raw)) model.extra = input.raw;
  return model;
}

/** Builds the IR of one `ib.service(...)` value. */
export function ibServiceFromDsl(ctx: DslContext, service: DslNode<Record<string, unknown>>): ServiceModel {
  const input = service.input ?? {};
  const span = ctx.span(service.site);
  ctx.issues(service.issues);
  const set = input.options;
  if (!isPlainObject(set)) ctx.error('DSL-002', 'options must be the object returned by options({...}).', '', service.site);
  const resolver = new OptionResolver(ctx, isPlainObject(set) ? set : {}, service.site);
  if (isPlainObject(input.raw)) ctx.rawWarning(Object.keys(input.raw), 'The service', service.site);
  const definitions = resolver.all().map(({ name, def }) => {
    ctx.issues(def.issues);
    ctx.rawWarning(def.rawKeys, `Option "${name}"`, def.site);
    const model = optionModel(name, def, ctx.span(def.site));
    model.dslNames = optionDslNames(model);
    return model;
  });
  const preview: DisplayParam[] = [];
  for (const p of Array.isArray(input.preview) ? input.preview : []) {
    const r = resolver.resolve(p, 'preview', service.site);
    if (r) preview.push({ name: 'unresolvedName' in r ? r.unresolvedName : r.name, span: ctx.locate(span, 'preview') });
  }
  const plans: PlanModel[] = [];
  if (!Array.isArray(input.plans)) ctx.error('DSL-002', 'plans must be an array of ib.plan(...) values.', '', service.site);
  for (const [i, p] of (Array.isArray(input.plans) ? input.plans : []).entries()) {
    if (!isBranded(p, PLAN) || (p as { kind?: string }).kind !== 'image-based') {
      ctx.error('DSL-002', `plans[${i}] is not an ib.plan(...) value.`, "Build the plans of an image-based service with ib.plan({...}) from '@vkmp/sdk'.", service.site);
      continue;
    }
    plans.push(planModel(ctx, resolver, p as DslNode<Record<string, unknown>>));
  }
  const description = textOf(ctx, input.fullDescription, 'fullDescription', service.site);
  let icon: string | undefined;
  let iconAsset: ServiceModel['iconAsset'];
  if (isBranded(input.icon, FILE_REF)) {
    const ref = input.icon as { path: string; site?: RawSite };
    const path = refPath(ctx, ref, service.site);
    icon = basename(path);
    // A missing icon is IB-012 (the file is not in images/); other read errors are DSL-003.
    if (isFile(path)) {
      const f = ctx.readFile(ref, 'icon', service.site);
      if (f) iconAsset = { fileName: icon, bytes: f.bytes, path: f.path };
    }
  } else if (input.icon !== undefined) {
    ctx.error('DSL-002', "icon must be file('./icon.svg') (a PNG or SVG beside the service file); it is copied to images/.", 'Image-based icons are files in the package, not URLs.', ctx.locate(span, 'icon'));
    icon = typeof input.icon === 'string' ? input.icon : undefined;
  }
  return {
    kind: 'image-based',
    serviceName: input.serviceName as string,
    id: input.id as string,
    revision: input.revision as string,
    name: input.name as string,
    short_description: input.shortDescription as string,
    full_description: description,
    icon: icon as string,
    ...(iconAsset ? { iconAsset } : {}),
    help: input.help as string,
    // H-06: the compiler always emits singleton and auto_bind.
    singleton: (input.singleton as boolean | undefined) ?? false,
    auto_bind: (input.autoBind as boolean | undefined) ?? false,
    // IB-010/IB-011: fixed for image-based services.
    bindable: true,
    plan_updateable: false,
    deactivatable: input.deactivatable as boolean,
    bindings_retrievable: input.bindingsRetrievable as boolean,
    instances_retrievable: input.instancesRetrievable as boolean,
    preview,
    options: definitions,
    plans,
    generatorVersion: IB_GENERATOR_VERSION,
    ...(isPlainObject(input.raw) ? { extra: input.raw } : {}),
    span,
    dslNames: IB_SERVICE_DSL_NAMES,
  };
}
