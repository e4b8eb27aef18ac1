/**
 * emit (image-based): IR → the service package of generator 0.0.1 (SPEC §C.2) under
 * `<SERVICE_NAME>/`, plus `<SERVICE_NAME>.zip` whose single root entry is that directory
 * (H-04). YAML follows SPEC §0.3 (see `ib/yaml.ts`) with the docs' field order; the bytes
 * are the same for the same model. The 30 MB limit (IB-111) is checked on the finished
 * archive before the tree is handed back, so a build that fails it writes nothing.
 */
import type { Diagnostic, Span } from '../diagnostics.js';
import type { DisplayPage, EntityModel, OptionModel, PlanModel, ServiceModel, WhenModel, WhenOperand } from '../model/types.js';
import { spanOf } from '../rules/engine.js';
import { registerPackageEmitter } from './project.js';
import { utf8, type OutputTree } from './tree.js';

type Yaml = typeof import('../ib/yaml.js');

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Copies `keys` (in order) that are defined, then every other defined key. */
function ordered(o: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  for (const [k, v] of Object.entries(o)) if (!(k in out) && v !== undefined) out[k] = v;
  return out;
}

/** Field order of `schema` in the docs' option files (SPEC §C.7, §C.15). */
export const SCHEMA_ORDER = ['description', 'hint', 'type', 'const', 'enum', 'default', 'minimum', 'maximum', 'pattern', 'minLength', 'maxLength', 'tag', 'datasource'];

function datasourceYaml(y: Yaml, ds: unknown): unknown {
  if (!isPlainObject(ds)) return ds;
  const out = ordered(ds, ['type', 'value_is', 'filter']);
  if (isPlainObject(out.filter)) {
    const filter = ordered(out.filter, ['vcpus', 'ram', 'kind', 'shared', 'disk_class', 'name']);
    for (const k of ['vcpus', 'ram']) if (isPlainObject(filter[k])) filter[k] = y.flow(ordered(filter[k] as Record<string, unknown>, ['minimum', 'maximum']));
    for (const k of ['disk_class', 'name']) {
      const v = filter[k];
      if (isPlainObject(v) && Array.isArray(v.enum)) filter[k] = { ...v, enum: y.flow(v.enum) };
    }
    out.filter = filter;
  }
  return out;
}

function schemaYaml(y: Yaml, schema: unknown): unknown {
  if (!isPlainObject(schema)) return schema;
  const out = ordered(schema, SCHEMA_ORDER);
  if (Array.isArray(out.enum)) out.enum = y.flow(out.enum);
  if (out.datasource !== undefined) out.datasource = datasourceYaml(y, out.datasource);
  return out;
}

function billingYaml(billing: unknown): unknown {
  if (!isPlainObject(billing)) return billing;
  const out = ordered(billing, ['base', 'cost', 'unit']);
  if (isPlainObject(out.unit)) out.unit = ordered(out.unit, ['size', 'measurement']);
  return out;
}

/** `parameters/<name>.yaml`: actions, schema, billing (SPEC §C.7.1). */
export function optionFile(y: Yaml, o: OptionModel): Record<string, unknown> {
  const out: Record<string, unknown> = {
    actions: Array.isArray(o.actions) ? y.flow(o.actions) : o.actions,
    schema: schemaYaml(y, o.schema),
  };
  if (o.billing !== undefined) out.billing = billingYaml(o.billing);
  for (const [k, v] of Object.entries(o.extraRootKeys ?? {})) if (!(k in out)) out[k] = v;
  return out;
}

/** A `parameters_patch` entry: dotted form-A keys as they are, form-B sections in option-file order. */
function patchYaml(y: Yaml, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === 'schema') out[k] = schemaYaml(y, v);
    else if (k === 'billing') out[k] = billingYaml(v);
    else out[k] = Array.isArray(v) ? y.flow(v) : v;
  }
  return out;
}

function serviceFile(s: ServiceModel): Record<string, unknown> {
  const out = ordered(
    {
      id: s.id, revision: s.revision, name: s.name, short_description: s.short_description, singleton: s.singleton, auto_bind: s.auto_bind,
      icon: s.icon, help: s.help, bindable: s.bindable, plan_updateable: s.plan_updateable, deactivatable: s.deactivatable,
      bindings_retrievable: s.bindings_retrievable, instances_retrievable: s.instances_retrievable,
    },
    [],
  );
  out.plans = (Array.isArray(s.plans) ? s.plans : []).map((p) => ({ name: p.name }));
  out.preview = { parameters: (Array.isArray(s.preview) ? s.preview : []).map((p) => ({ name: p.name })) };
  for (const [k, v] of Object.entries(s.extra ?? {})) if (!(k in out)) out[k] = v;
  return out;
}

function planFile(y: Yaml, p: PlanModel): Record<string, unknown> {
  const out: Record<string, unknown> = ordered({ id: p.id, revision: p.revision, name: p.name, description: p.description, free: p.free }, []);
  if (p.billing !== undefined) {
    const b = p.billing as unknown as Record<string, unknown>;
    const billing = ordered({ cost: b.cost, refundable: b.refundable, billing_cycle_flat: b.billing_cycle_flat, billing_cycle_step: b.billing_cycle_step }, []);
    for (const [k, v] of Object.entries({ ...(p.billing.misplaced ?? {}), ...(p.billing.extra ?? {}) })) if (!(k in billing)) billing[k] = v;
    out.billing = billing;
  }
  const patches: Record<string, unknown> = {};
  for (const o of Array.isArray(p.options) ? p.options : []) if (o.patch && Object.keys(o.patch).length) patches[o.name] = patchYaml(y, o.patch);
  if (Object.keys(patches).length) out.parameters_patch = patches;
  if (p.resource_usages !== undefined) out.resource_usages = p.resource_usages;
  for (const [k, v] of Object.entries(p.extra ?? {})) if (!(k in out)) out[k] = v;
  return out;
}

function operand(y: Yaml, o: WhenOperand | undefined): unknown {
  if (!o) return undefined;
  return y.flow(o.param !== undefined ? { param: o.param } : { const: o.const });
}

function whenYaml(w: WhenModel): unknown {
  if (w.raw !== undefined) return w.raw;
  const op = (o: WhenOperand) => (o.param !== undefined ? { param: o.param } : { const: o.const });
  return { [w.operator]: { key: op(w.key), values: (Array.isArray(w.values) ? w.values : []).map(op) } };
}

function entityYaml(y: Yaml, e: EntityModel): Record<string, unknown> {
  const out: Record<string, unknown> = { entity: e.entity };
  if (e.description !== undefined) out.description = e.description;
  if (e.when) out.when = whenYaml(e.when);
  if (e.count) out.count = operand(y, e.count);
  if (e.flavor) out.flavor = operand(y, e.flavor);
  if (e.disks !== undefined) out.disks = e.disks.map((d) => ordered({ type: operand(y, d.type), size: operand(y, d.size) }, []));
  for (const [k, v] of Object.entries(e.raw ?? {})) if (!(k in out)) out[k] = v;
  return out;
}

function displayFile(y: Yaml, p: PlanModel): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const pages: DisplayPage[] = Array.isArray(p.display?.pages) ? p.display.pages : [];
  if (pages.length) {
    out.pages = pages.map((pg) => ({
      name: pg.name,
      groups: (Array.isArray(pg.groups) ? pg.groups : []).map((g) => {
        const group: Record<string, unknown> = { name: g.name, parameters: (Array.isArray(g.parameters) ? g.parameters : []).map((x) => ({ name: x.name })) };
        if (g.when) group.when = whenYaml(g.when);
        return group;
      }),
    }));
  }
  out.entities = (Array.isArray(p.entities) ? p.entities : []).map((e) => entityYaml(y, e));
  return out;
}

/** Every file of the package, keyed by path inside `<SERVICE_NAME>/`, with where each came from. */
export async function packageFiles(s: ServiceModel): Promise<Map<string, { bytes: Uint8Array; span?: Span }>> {
  const y = await import('../ib/yaml.js');
  const files = new Map<string, { bytes: Uint8Array; span?: Span }>();
  const put = (path: string, bytes: Uint8Array, span?: Span) => files.set(path, { bytes, ...(span ? { span } : {}) });
  const yaml = (value: Record<string, unknown>) => utf8(y.toYaml(value));
  put('version.yaml', yaml({ version: s.generatorVersion }), spanOf({ node: s, field: 'generatorVersion' }));
  put('service.yaml', yaml(serviceFile(s)), s.span);
  put('full_description.md', utf8(s.full_description?.text ?? ''), spanOf({ node: s, field: 'full_description' }));
  if (s.iconAsset) put(`images/${s.iconAsset.fileName}`, s.iconAsset.bytes, spanOf({ node: s, field: 'icon' }));
  for (const o of Array.isArray(s.options) ? s.options : []) put(`parameters/${o.name}.yaml`, yaml(optionFile(y, o)), o.span);
  for (const p of Array.isArray(s.plans) ? s.plans : []) {
    put(`plans/${p.name}/plan.yaml`, yaml(planFile(y, p)), p.span);
    put(`plans/${p.name}/display.yaml`, yaml(displayFile(y, p)), spanOf({ node: p, field: 'display' }));
    for (const f of p.deployment ?? []) put(`plans/${p.name}/deployment/${f.path}`, f.bytes, spanOf({ node: p, field: 'deployment' }));
  }
  return files;
}

const MB = 1048576;

/** Emits `<SERVICE_NAME>/…` and `<SERVICE_NAME>.zip` into the tree, unless the archive is over 30 MB. */
export async function emitPackage(s: ServiceModel, tree: OutputTree): Promise<Diagnostic[]> {
  const files = await packageFiles(s);
  const root = s.serviceName;
  const entries = [...files].map(([path, f]) => ({ path: `${root}/${path}`, bytes: f.bytes }));
  const { writeZip, checkPackageSize } = await import('../zip/index.js');
  const zip = await writeZip(entries);
  const issue = checkPackageSize(zip.length);
  const diagnostics: Diagnostic[] = [];
  if (issue) {
    // Point at the DSL line (or package file) that contributes the most bytes.
    const [largestPath, largest] = [...files].sort(([, a], [, b]) => b.bytes.length - a.bytes.length)[0]!;
    diagnostics.push({
      code: issue.code,
      severity: issue.severity,
      message: `${issue.message} The largest file is ${largestPath} (${(largest.bytes.length / MB).toFixed(2)} MB).`,
      ...(largest.span ?? s.span ? { span: largest.span ?? s.span } : {}),
      hint: issue.severity === 'error' ? 'Nothing was written. Keep images and manifests small; put large assets in the VM image instead of the package.' : undefined,
      docs: 'SPEC.md §C.12 · vkcloud-docs/tools-for-using-services/vendor-account/manage-apps/ibservice_add/ibservice_upload/ibservice_upload_package/ibservice_upload_package.md#upload_actions',
    });
    if (issue.severity === 'error') return diagnostics;
  }
  for (const e of entries) tree.set(e.path, e.bytes);
  tree.set(`${root}.zip`, zip);
  return diagnostics;
}

registerPackageEmitter(emitPackage);
