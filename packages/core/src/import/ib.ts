/**
 * import (image-based): a service package (directory or zip, read by `read/ib.ts`) →
 * idiomatic DSL source, the inverse of the image-based emitter. The option files become
 * one `options({...})` set; each plan's `parameters_patch` becomes `o.x.with({...})`
 * where the option is shown; `display.yaml` becomes `page` / `group` / `when` and
 * `entity.vm(...)` …; the Terraform manifests are copied beside the code and referenced
 * with `file()`; `settings.yaml` becomes `deployment.settings`.
 *
 * The round trip is compared on the package's meaning (see {@link canonicalPackage}):
 * option files, each plan's effective options (patches applied — vkmp writes the patch
 * from `.with()` in its own form), wizard, entities, deployment files and settings.
 */
import { basename } from 'node:path';
import type { Diagnostic, Span } from '../diagnostics.js';
import { hasErrors } from '../diagnostics.js';
import type { EntityModel, OptionModel, PlanModel, ServiceModel, WhenOperand } from '../model/types.js';
import { readIbPackage, readIbPackageTree } from '../read/ib.js';
import { parseYaml } from '../read/yaml.js';
import { validateModel } from '../pipeline.js';
import { prepareTerraform } from '../ib/terraform.js';
import { canonicalPeriod, DEFAULT_PERIOD, parsePeriod } from '../util/period.js';
import { isPlainObject } from '../util/strings.js';
import { renderSource } from './codegen.js';
import { arr, call, cast, code, json, obj, prop, str, type Expr, type Prop } from './expr.js';
import { DATASOURCE_FIELDS, mapOption, valueKind, type OptionMapping } from './options.js';
import { DslWriter, IMPORT_DOCS, Reporter, reportMapping, type PlanUse } from './writer.js';

/** The preset vkmp writes when settings.yaml names none (H-12). */
const DEFAULT_PRESET = 'base_v3';
const ENTITY_KEYS: Record<string, readonly string[]> = {
  vm: ['entity', 'description', 'when', 'count', 'flavor', 'disks'],
  load_balancing: ['entity', 'description', 'when', 'count'],
  floating_ip: ['entity', 'description', 'when', 'count'],
};
const ENTITY_CTOR: Record<string, string> = { vm: 'entity.vm', load_balancing: 'entity.loadBalancer', floating_ip: 'entity.floatingIp' };

/** What `vkmp build` must reproduce for one image-based package: its canonical form. */
export interface ExpectedPackage {
  kind: 'image-based';
  serviceName: string;
  /** The package directory or zip. */
  source: string;
  /** {@link canonicalPackage} of the input, after vkmp's emit corrections. */
  canonical: unknown;
  /** The input position of a canonical pointer. */
  locate(pointer: string): Span | undefined;
}

export interface IbImportResult {
  ok: boolean;
  serviceName: string;
  /** Generated files, relative to the project root. */
  files: Map<string, string | Uint8Array>;
  expected?: ExpectedPackage;
  diagnostics: Diagnostic[];
}

/** A name from the input for messages, whatever its type. */
function label(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  try {
    return JSON.stringify(v) ?? String(typeof v);
  } catch {
    return typeof v;
  }
}
/** A directory name made from an input name (plan names are Latin letters and `_` when valid). */
const segment = (v: unknown): string => (typeof v === 'string' && /^[A-Za-z0-9_.-]+$/.test(v) && v !== '.' && v !== '..' ? v : label(v).replace(/[^A-Za-z0-9_-]+/g, '_') || 'plan');

const base64 = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString('base64') : null);
const sorted = (v: unknown) => (Array.isArray(v) ? [...v].map(String).sort() : v);

/** `settings.yaml` as values: preset (vkmp's default when absent) and retry as a boolean. */
interface Settings {
  preset: unknown;
  /** settings.yaml names the preset. */
  presetGiven: boolean;
  retry?: unknown;
  extra?: Record<string, unknown>;
  /** The file exists. */
  present: boolean;
}
function settingsOf(bytes: Uint8Array | undefined, file: string): Settings {
  if (!bytes) return { preset: DEFAULT_PRESET, presetGiven: false, present: false };
  const v = parseYaml(new TextDecoder().decode(bytes), file).value;
  const s = isPlainObject(v) ? v : {};
  const out: Settings = { preset: s.preset ?? DEFAULT_PRESET, presetGiven: Object.hasOwn(s, 'preset'), present: true };
  if (Object.hasOwn(s, 'retry')) out.retry = s.retry === 'yes' ? true : s.retry === 'no' ? false : s.retry;
  const extra = Object.fromEntries(Object.entries(s).filter(([k]) => k !== 'preset' && k !== 'retry'));
  if (Object.keys(extra).length) out.extra = extra;
  return out;
}

const optionCanon = (o: OptionModel | undefined) =>
  o ? { actions: sorted(o.actions), schema: o.schema ?? null, billing: o.billing ?? null, extraRootKeys: o.extraRootKeys ?? {} } : null;

/** The options a plan uses: shown in the wizard, or listed in resource_usages (H-11). */
function usedNames(p: PlanModel): string[] {
  const names: string[] = [];
  for (const pg of Array.isArray(p.display?.pages) ? p.display.pages : []) {
    for (const g of Array.isArray(pg?.groups) ? pg.groups : []) for (const x of Array.isArray(g?.parameters) ? g.parameters : []) if (typeof x?.name === 'string' && !names.includes(x.name)) names.push(x.name);
  }
  for (const n of Array.isArray(p.resource_usages) ? p.resource_usages : []) if (typeof n === 'string' && !names.includes(n)) names.push(n);
  return names;
}

export interface CanonicalCorrection {
  code: string;
  span?: Span;
  message: string;
}

/**
 * The meaning of a package, for comparing an input with what vkmp builds from its import:
 * service.yaml fields, version, description and icon bytes, option files, and per plan the
 * plan fields, the effective definition of every option it uses, the wizard, the entities,
 * the deployment files and settings. With `corrections`, vkmp's emit corrections are
 * applied and recorded (defaults it always writes, canonical periods, dropped patches of
 * options the plan does not use).
 */
export function canonicalPackage(s: ServiceModel, corrections?: CanonicalCorrection[]): Record<string, unknown> {
  const note = (code: string, span: Span | undefined, message: string) => corrections?.push({ code, span, message });
  const flag = (key: 'singleton' | 'auto_bind') => {
    if (s[key] === undefined) note('H-06', s.span, `"${key}" is absent and is emitted as false (vkmp always emits it).`);
    return s[key] ?? false;
  };
  const options: Record<string, unknown> = {};
  for (const o of Array.isArray(s.options) ? s.options : []) options[o.name] = optionCanon(o);
  const plans = (Array.isArray(s.plans) ? s.plans : []).map((p) => {
    const used = usedNames(p);
    const effective: Record<string, unknown> = {};
    for (const po of Array.isArray(p.options) ? p.options : []) {
      if (used.includes(po.name)) effective[po.name] = optionCanon(po.option);
      else if (po.patch) note('IB-065', po.span, `Plan ${label(p.name)}: the parameters_patch of option "${po.name}", which the plan does not use, is dropped (it changes nothing).`);
    }
    const billing = isPlainObject(p.billing) ? (p.billing as unknown as Record<string, unknown>) : {};
    const postpaid = (Array.isArray(p.options) ? p.options : []).filter((o) => used.includes(o.name) && Array.isArray(o.option?.actions) && o.option.actions.length === 1 && o.option.actions[0] === 'resource_usages');
    const prepaidOptions = (Array.isArray(p.options) ? p.options : []).filter((o) => used.includes(o.name) && Array.isArray(o.option?.actions) && !o.option.actions.includes('resource_usages') && typeof o.option.billing?.cost === 'number' && o.option.billing.cost > 0);
    const prepaid = postpaid.length === 0 && (p.free === false || (typeof billing.cost === 'number' && billing.cost > 0) || prepaidOptions.length > 0);
    let flat = billing.billing_cycle_flat;
    if (typeof flat === 'string' && parsePeriod(flat) && canonicalPeriod(flat) !== flat) {
      note('IB-062', p.billing?.fieldSpans?.billing_cycle_flat ?? p.span, `"${flat}" is emitted in the canonical form "${canonicalPeriod(flat)}" (SPEC §0.3).`);
      flat = canonicalPeriod(flat);
    }
    if (flat === undefined && prepaid) {
      note('G-05', p.billing?.span ?? p.span, `The prepaid plan ${label(p.name)} gets billing_cycle_flat "${DEFAULT_PERIOD}" (the documented default, always emitted).`);
      flat = DEFAULT_PERIOD;
    }
    const files: Record<string, unknown> = {};
    let settingsBytes: Uint8Array | undefined;
    for (const f of p.deployment ?? []) {
      if (f.path === 'settings.yaml') settingsBytes = f.bytes;
      else files[f.path] = base64(f.bytes);
    }
    const settings = settingsOf(settingsBytes, `plans/${segment(p.name)}/deployment/settings.yaml`);
    if (!settings.present) note('H-12', p.span, `Plan ${label(p.name)} gets deployment/settings.yaml with preset: ${DEFAULT_PRESET} (vkmp always pins the preset).`);
    else if (!settings.presetGiven) note('H-12', p.span, `Plan ${label(p.name)}: settings.yaml gets preset: ${DEFAULT_PRESET} (vkmp always pins the preset).`);
    return {
      id: p.id,
      revision: p.revision,
      name: p.name,
      description: p.description,
      free: p.free,
      billing: { cost: billing.cost, refundable: billing.refundable ?? null, billing_cycle_flat: flat ?? null, billing_cycle_step: billing.billing_cycle_step ?? null, extra: billing.extra ?? {} },
      extra: p.extra ?? {},
      resource_usages: sorted(p.resource_usages ?? []),
      options: effective,
      pages: (Array.isArray(p.display?.pages) ? p.display.pages : []).map((pg) => ({
        name: pg?.name,
        groups: (Array.isArray(pg?.groups) ? pg.groups : []).map((g) => ({ name: g?.name, parameters: (Array.isArray(g?.parameters) ? g.parameters : []).map((x) => x?.name), when: g?.when?.raw ?? null })),
      })),
      entities: (Array.isArray(p.entities) ? p.entities : []).map((e) => (isPlainObject(e?.raw) ? e.raw : { entity: e?.entity, description: e?.description, when: e?.when?.raw, count: e?.count, flavor: e?.flavor, disks: e?.disks?.map((d) => ({ type: d.type, size: d.size })) })),
      deployment: { files, settings: { preset: settings.preset, retry: settings.retry ?? null, extra: settings.extra ?? {} } },
    };
  });
  return {
    service: {
      id: s.id, revision: s.revision, name: s.name, short_description: s.short_description, singleton: flag('singleton'), auto_bind: flag('auto_bind'),
      icon: s.icon, help: s.help, bindable: s.bindable, plan_updateable: s.plan_updateable, deactivatable: s.deactivatable,
      bindings_retrievable: s.bindings_retrievable, instances_retrievable: s.instances_retrievable, extra: s.extra ?? {},
      preview: (Array.isArray(s.preview) ? s.preview : []).map((x) => x?.name),
    },
    version: s.generatorVersion ?? null,
    description: s.full_description?.text ?? null,
    icon: base64(s.iconAsset?.bytes),
    options,
    plans,
  };
}

/** The input position of a canonical pointer (`/plans/0/options/x`, `/options/y`, …). */
function canonicalLocator(s: ServiceModel): (pointer: string) => Span | undefined {
  return (pointer) => {
    const parts = pointer.split('/').slice(1).map((x) => x.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (parts[0] === 'options') return s.options.find((o) => o.name === parts[1])?.span ?? s.span;
    if (parts[0] === 'plans') {
      const plan = s.plans[Number(parts[1])];
      if (!plan) return s.span;
      if (parts[2] === 'options') return plan.options.find((o) => o.name === parts[3])?.span ?? plan.span;
      if (parts[2] === 'pages' || parts[2] === 'entities') return plan.display?.span ?? plan.span;
      if (parts[2] === 'deployment') return plan.deployment?.find((f) => f.path === parts[5] || (parts[4] === 'settings' && f.path === 'settings.yaml'))?.span ?? plan.span;
      return plan.span;
    }
    if (parts[0] === 'description') return s.full_description?.path ? { file: s.full_description.path, line: 1, column: 1 } : s.span;
    if (parts[0] === 'icon') return s.iconAsset?.path ? { file: s.iconAsset.path, line: 1, column: 1 } : s.span;
    return s.span;
  };
}

class PackageWriter extends DslWriter {
  readonly files = new Map<string, string | Uint8Array>();

  constructor(
    r: Reporter,
    private readonly service: ServiceModel,
    private readonly dir: string,
    lossy: boolean,
  ) {
    super(r, 'o', lossy, DATASOURCE_FIELDS);
    this.imports.add('ib');
    this.imports.add('file');
  }

  private map(o: OptionModel, where: Span | undefined, seen: Map<OptionModel, OptionMapping>): OptionMapping {
    let m = seen.get(o);
    if (!m) {
      m = mapOption(o);
      if (o.extraRootKeys && Object.keys(o.extraRootKeys).length) m.inexpressible.push(`root keys ${Object.keys(o.extraRootKeys).map((k) => `"${k}"`).join(', ')} (an option file has actions, schema and billing, IB-023)`);
      reportMapping(this.r, m, o.name, where);
      seen.set(o, m);
    }
    return m;
  }

  private operand(value: WhenOperand | undefined, kind: 'number' | 'string', where: Span | undefined, what: string): Expr | undefined {
    if (!isPlainObject(value) || Object.keys(value).length !== 1) {
      this.r.inexpressible(where, `${what} ${JSON.stringify(value)} cannot be expressed: it is {const: …} or {param: <option>} (IB-083).`);
      return undefined;
    }
    if (typeof value.param === 'string') {
      const entry = this.entry(value.param);
      if (!entry) {
        this.r.inexpressible(where, `${what} names "${value.param}", which is not an option of this service.`);
        return undefined;
      }
      if (valueKind(entry.spec.ctor) === kind) return code(this.ref(value.param));
      this.r.warn('IMPORT-007', where, `${what} names option "${value.param}" of another value type; the generated code casts it (as never).`);
      return cast(code(this.ref(value.param)), 'never');
    }
    if (!Object.hasOwn(value, 'const')) {
      this.r.inexpressible(where, `${what} ${JSON.stringify(value)} cannot be expressed: it is {const: …} or {param: <option>}.`);
      return undefined;
    }
    if (typeof value.const === kind) return json(value.const);
    this.r.warn('IMPORT-007', where, `${what} ${JSON.stringify(value.const)} is not a ${kind}; the generated code casts it (as never).`);
    return cast(json(value.const), 'never');
  }

  private entityExpr(e: EntityModel, plan: PlanModel): Expr | undefined {
    const where = e?.span ?? plan.span;
    const raw = isPlainObject(e?.raw) ? e.raw : {};
    const kind = e?.entity;
    const ctor = typeof kind === 'string' && Object.hasOwn(ENTITY_CTOR, kind) ? ENTITY_CTOR[kind] : undefined;
    if (!ctor) {
      this.r.inexpressible(where, `The entity ${JSON.stringify(kind)} cannot be expressed (vm, load_balancing or floating_ip).`);
      return undefined;
    }
    const extra = Object.keys(raw).filter((k) => !ENTITY_KEYS[kind as string]!.includes(k));
    if (extra.length) this.r.inexpressible(where, `The ${kind as string} entity's keys ${extra.map((k) => `"${k}"`).join(', ')} cannot be expressed (entity.${ctor.split('.')[1]} takes ${ENTITY_KEYS[kind as string]!.slice(1).join(', ')}).`);
    this.imports.add('entity');
    const props: Prop[] = [];
    if (e.description !== undefined) props.push(prop('description', json(e.description)));
    if (e.when) {
      const w = this.whenExpr(e.when, () => e.when?.span ?? where, 'IB-080');
      if (w) props.push(prop('when', w));
    }
    const count = e.count !== undefined ? this.operand(e.count, 'number', where, `The ${kind as string} count`) : undefined;
    if (count) props.push(prop('count', count));
    else if (e.count === undefined) this.r.inexpressible(where, `The ${kind as string} entity has no count (IB-083); entity.${ctor.split('.')[1]} requires one.`);
    if (kind === 'vm') {
      const flavor = e.flavor !== undefined ? this.operand(e.flavor, 'string', where, 'The VM flavor') : undefined;
      if (flavor) props.push(prop('flavor', flavor));
      if (e.disks !== undefined) {
        if (!Array.isArray(e.disks)) this.r.inexpressible(where, 'The VM disks are not a list (IB-085).');
        else {
          props.push(
            prop(
              'disks',
              arr(
                e.disks.map((d) => {
                  const dp: Prop[] = [];
                  const t = this.operand(d?.type, 'string', d?.span ?? where, 'The VM disk type');
                  const size = this.operand(d?.size, 'number', d?.span ?? where, 'The VM disk size');
                  if (t) dp.push(prop('type', t));
                  if (size) dp.push(prop('size', size));
                  return obj(dp);
                }),
              ),
            ),
          );
        }
      }
    }
    return call(ctor, [obj(props)]);
  }

  private deployment(plan: PlanModel): Expr {
    const files = (plan.deployment ?? []).filter((f) => f.path !== 'settings.yaml');
    const nested = files.filter((f) => f.path.includes('/'));
    for (const f of nested) this.r.inexpressible(f.span ?? plan.span, `Plan ${label(plan.name)}: deployment/${f.path} is in a subdirectory; the DSL's deployment is one flat directory.`);
    const flat = files.filter((f) => !f.path.includes('/'));
    for (const f of flat) this.files.set(`${this.dir}/terraform/${segment(plan.name)}/${f.path}`, f.bytes);
    const props: Prop[] = [];
    if (flat.length && flat.every((f) => f.path.endsWith('.tf'))) props.push(prop('terraform', call('file', [str(`./terraform/${segment(plan.name)}`)])));
    else props.push(prop('terraform', arr(flat.map((f) => call('file', [str(`./terraform/${segment(plan.name)}/${f.path}`)])))));
    const settingsFile = (plan.deployment ?? []).find((f) => f.path === 'settings.yaml');
    if (settingsFile) {
      const s = settingsOf(settingsFile.bytes, settingsFile.span?.file ?? 'settings.yaml');
      const sp: Prop[] = [];
      if (s.presetGiven) sp.push(prop('preset', json(s.preset)));
      if (s.retry !== undefined) {
        if (typeof s.retry === 'boolean') sp.push(prop('retry', json(s.retry)));
        else this.r.inexpressible(settingsFile.span ?? plan.span, `Plan ${label(plan.name)}: settings.yaml retry ${JSON.stringify(s.retry)} cannot be expressed (yes or no, IB-109).`);
      }
      if (s.extra) this.r.inexpressible(settingsFile.span ?? plan.span, `Plan ${label(plan.name)}: settings.yaml keys ${Object.keys(s.extra).map((k) => `"${k}"`).join(', ')} cannot be expressed (preset and retry, IB-107).`);
      if (sp.length) props.push(prop('settings', obj(sp)));
    }
    return obj(props);
  }

  private planExpr(plan: PlanModel, uses: Map<string, PlanUse>): Expr {
    const props: Prop[] = [
      prop('id', json(plan.id)),
      prop('revision', json(plan.revision)),
      prop('name', json(plan.name)),
      prop('description', json(plan.description)),
      prop('free', json(plan.free)),
    ];
    const b = plan.billing;
    if (isPlainObject(b)) {
      const bp: Prop[] = [prop('cost', json(b.cost))];
      if (b.refundable !== undefined) bp.push(prop('refundable', json(b.refundable)));
      if (b.billing_cycle_flat !== undefined) bp.push(prop('period', typeof b.billing_cycle_flat === 'string' && parsePeriod(b.billing_cycle_flat) ? str(canonicalPeriod(b.billing_cycle_flat)) : json(b.billing_cycle_flat)));
      if (b.billing_cycle_step !== undefined) this.r.inexpressible(b.fieldSpans?.billing_cycle_step ?? plan.span, `Plan ${label(plan.name)}: billing.billing_cycle_step is SaaS-only (IB-063); the image-based DSL has no usage period.`);
      for (const k of Object.keys(b.extra ?? {})) this.r.inexpressible(b.fieldSpans?.[k] ?? plan.span, `Plan ${label(plan.name)}: billing.${k} is not documented and the DSL has no escape hatch inside billing.`);
      props.push(prop('billing', obj(bp)));
    } else props.push(prop('billing', json(b)));
    const wizard = this.wizardExpr(Array.isArray(plan.display?.pages) ? plan.display.pages : [], uses, (node) => node?.span ?? plan.display?.span ?? plan.span, 'IB-080');
    if (wizard) props.push(prop('wizard', wizard));
    const shown = new Set(usedNames({ ...plan, resource_usages: [] }));
    for (const n of Array.isArray(plan.resource_usages) ? plan.resource_usages : []) {
      if (!shown.has(n)) this.r.inexpressible(plan.fieldSpans?.resource_usages ?? plan.span, `Plan ${label(plan.name)}: the postpaid option "${n}" is in resource_usages but not in the wizard (IB-072); the DSL derives resource_usages from the wizard.`);
    }
    props.push(prop('entities', arr((Array.isArray(plan.entities) ? plan.entities : []).map((e) => this.entityExpr(e, plan)).filter((e): e is Expr => e !== undefined))));
    props.push(prop('deployment', this.deployment(plan)));
    if (plan.extra && Object.keys(plan.extra).length) {
      props.push(prop('raw', json(plan.extra)));
      this.r.raw(plan.span, `Plan ${label(plan.name)}`, Object.keys(plan.extra));
    }
    return call('ib.plan', [obj(props, true)]);
  }

  /** Statements and files of the package. */
  generate(): Expr {
    const s = this.service;
    const seen = new Map<OptionModel, OptionMapping>();
    // The option set in the order the plans first use the options, then the unused ones.
    const files = Array.isArray(s.options) ? s.options : [];
    const firstUse = [...new Set((Array.isArray(s.plans) ? s.plans : []).flatMap(usedNames))];
    const rank = (o: OptionModel) => (firstUse.includes(o.name) ? firstUse.indexOf(o.name) : firstUse.length + files.indexOf(o));
    for (const o of [...files].sort((a, b) => rank(a) - rank(b))) {
      const m = this.map(o, o.span, seen);
      if (m.spec && (m.inexpressible.length === 0 || this.lossy)) this.addBase(o.name, m.spec, `parameters/${o.name}.yaml`);
    }
    const planUses = (Array.isArray(s.plans) ? s.plans : []).map((plan) => {
      const uses = new Map<string, PlanUse>();
      const used = usedNames(plan);
      for (const po of Array.isArray(plan.options) ? plan.options : []) {
        if (!used.includes(po.name) || !po.option) continue;
        if (!po.patch) {
          if (this.has(po.name)) uses.set(po.name, { expr: code(this.ref(po.name)) });
          continue;
        }
        const m = this.map(po.option, po.span, seen);
        if (!m.spec || (m.inexpressible.length && !this.lossy)) continue;
        uses.set(po.name, this.useOf(po.name, m.spec, `plan ${label(plan.name)}`, po.span));
      }
      return uses;
    });
    const props: Prop[] = [
      prop('serviceName', str(s.serviceName)),
      prop('id', json(s.id)),
      prop('revision', json(s.revision)),
      prop('name', json(s.name)),
      prop('shortDescription', json(s.short_description)),
      prop('fullDescription', call('file', [str('./full_description.md')])),
    ];
    this.files.set(`${this.dir}/full_description.md`, s.full_description?.text ?? '');
    if (s.singleton !== undefined) props.push(prop('singleton', json(s.singleton)));
    if (s.auto_bind !== undefined) props.push(prop('autoBind', json(s.auto_bind)));
    if (s.iconAsset) {
      const name = basename(s.iconAsset.fileName);
      this.files.set(`${this.dir}/${name}`, s.iconAsset.bytes);
      props.push(prop('icon', call('file', [str(`./${name}`)])));
    } else this.r.inexpressible(s.fieldSpans?.icon ?? s.span, `The icon ${JSON.stringify(s.icon)} is not a file in images/ (IB-012); the DSL copies the icon from a file.`);
    props.push(
      prop('help', json(s.help)),
      prop('deactivatable', json(s.deactivatable)),
      prop('bindingsRetrievable', json(s.bindings_retrievable)),
      prop('instancesRetrievable', json(s.instances_retrievable)),
      prop('options', code(this.optionsVar)),
    );
    if (s.bindable !== true) this.r.inexpressible(s.fieldSpans?.bindable ?? s.span, 'bindable is not true (IB-010); the image-based DSL always emits true.');
    if (s.plan_updateable !== false) this.r.inexpressible(s.fieldSpans?.plan_updateable ?? s.span, 'plan_updateable is not false (IB-011); the image-based DSL always emits false.');
    const preview: Expr[] = [];
    for (const p of Array.isArray(s.preview) ? s.preview : []) {
      if (typeof p?.name === 'string' && this.has(p.name)) preview.push(code(this.ref(p.name)));
      else this.r.inexpressible(p?.span ?? s.span, `The preview option ${JSON.stringify(p?.name)} has no option file (IB-016).`);
    }
    if (preview.length) props.push(prop('preview', arr(preview)));
    const plans = Array.isArray(s.plans) ? s.plans : [];
    props.push(prop('plans', arr(plans.map((p, i) => this.planExpr(p, planUses[i]!)), true)));
    if (s.extra && Object.keys(s.extra).length) {
      props.push(prop('raw', json(s.extra)));
      this.r.raw(s.span, 'service.yaml', Object.keys(s.extra));
    }
    if (s.generatorVersion !== '0.0.1') this.r.inexpressible(s.fieldSpans?.generatorVersion ?? s.span, `version.yaml has ${JSON.stringify(s.generatorVersion)}; the DSL emits generator 0.0.1 (IB-002).`);
    return call('ib.service', [obj(props, true)]);
  }
}

/** Imports one image-based package (a directory or a zip). */
export async function importIbPackage(path: string, options: { allowInvalid?: boolean } = {}): Promise<IbImportResult> {
  const allowInvalid = options.allowInvalid ?? false;
  const read = await readIbPackage(path);
  const service = read.model.packages[0];
  const files = new Map<string, string | Uint8Array>();
  if (!service) {
    return { ok: false, serviceName: basename(path), files, diagnostics: [...read.diagnostics, { code: 'IMPORT-009', severity: 'error', message: `${path} holds no image-based package that could be read.`, span: { file: path, line: 1, column: 1 }, docs: IMPORT_DOCS }] };
  }
  // The keywords the generated code passes through `raw` are raw for the rules too.
  const markRaw = (o: OptionModel | undefined) => {
    if (!o || !isPlainObject(o.schema)) return;
    const keys = mapOption(o).rawKeys;
    if (keys.length) o.rawKeys = keys;
  };
  for (const o of service.options) markRaw(o);
  for (const p of service.plans) for (const po of p.options ?? []) markRaw(po.option);
  const prepared = await prepareTerraform(read.model);
  const inputDiagnostics = [...read.diagnostics, ...prepared, ...validateModel(read.model)];
  const errors = inputDiagnostics.filter((d) => d.severity === 'error');
  const diagnostics: Diagnostic[] = allowInvalid ? errors.map((d) => ({ ...d, severity: 'warning' as const, message: `${d.message} (imported anyway: --allow-invalid)` })) : errors;
  const r = new Reporter(allowInvalid, () => service.span);
  // What the reader left out of the model is left out of the import: name it.
  for (const d of read.diagnostics) {
    if (d.code === 'IB-015' || d.code === 'IB-113') r.warn('IMPORT-003', d.span, `${d.message} It is not imported. [${d.code}]`);
  }
  const corrections: CanonicalCorrection[] = [];
  const canonical = canonicalPackage(service, corrections);
  for (const c of corrections) r.warn('IMPORT-003', c.span, `${c.message} [${c.code}]`);

  const serviceName = service.serviceName;
  const dir = `services/${serviceName}`;
  const w = new PackageWriter(r, service, dir, allowInvalid);
  const optionsBeforeService = w.generate();
  diagnostics.push(...r.diagnostics);
  const source = await renderSource({
    header: [`Image-based service package "${serviceName}", imported by \`vkmp import\` from ${basename(path)}.`, '`vkmp build` writes it back as the package directory and zip.'],
    imports: [...w.imports],
    statements: [
      { kind: 'const', name: 'o', expr: w.optionsExpr() },
      { kind: 'export-default', expr: optionsBeforeService },
    ],
  });
  files.set(`${dir}/service.ts`, source);
  for (const [p, bytes] of w.files) files.set(p, bytes);
  return {
    ok: !hasErrors(diagnostics),
    serviceName,
    files,
    expected: { kind: 'image-based', serviceName, source: path, canonical, locate: canonicalLocator(service) },
    diagnostics,
  };
}

/** Reads the package `vkmp build` wrote into a tree (`<SERVICE_NAME>/…`) and returns its canonical form. */
export function builtPackageCanonical(tree: ReadonlyMap<string, Uint8Array>, serviceName: string, displayRoot: string): Record<string, unknown> | undefined {
  const entries = new Map<string, Uint8Array>();
  for (const [p, bytes] of tree) if (p.startsWith(`${serviceName}/`)) entries.set(p.slice(serviceName.length + 1), bytes);
  const r = readIbPackageTree({ root: displayRoot, entries, issues: [] }, { serviceName });
  return r.service ? canonicalPackage(r.service) : undefined;
}

