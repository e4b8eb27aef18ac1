/**
 * diff (normalize): the IR → a snapshot that holds only what Marketplace sees, keyed by
 * identities and free of positions. The DSL builder and the artifact readers fill the
 * IR slightly differently (explicit vs. implied wizard indexes, reader-only fields); the
 * snapshot is where those differences disappear, so a build and its catalog compare equal.
 * Snapshots are also the `model` of the deployed state (`.vkmp/deployed/<service>.json`).
 */
import { createHash } from 'node:crypto';
import type {
  AppKind, CatalogModel, DisplayPage, EntityModel, Located, OptionModel, PlanModel, PlanOption, ProjectModel, ServiceModel, WhenModel, WhenOperand,
} from '../model/types.js';
import { terraformResourceAddresses } from './terraform.js';

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** An option as one plan uses it (its effective definition). */
export interface SnapshotOption {
  actions: string[];
  schema: JsonObject;
  billing?: JsonObject;
  /** SaaS: the `update` definition when it differs from `create`. */
  updateSchema?: JsonObject;
  /** IB: the plan's `parameters_patch` entry for the option. */
  patch?: JsonObject;
}

/** An IB option file `parameters/<name>.yaml`. */
export interface SnapshotOptionFile {
  actions: string[];
  schema: JsonObject;
  billing?: JsonObject;
  extra?: JsonObject;
}

export interface SnapshotGroup {
  name: string;
  /** Only when it differs from the position. */
  index?: number;
  parameters: { name: string; index?: number }[];
  when?: JsonObject;
}
export interface SnapshotPage {
  name: string;
  index?: number;
  groups: SnapshotGroup[];
}

export interface SnapshotPlan {
  id: string;
  revision: string;
  name: string;
  description: string;
  free: boolean;
  plan_updateable?: boolean;
  metadata?: JsonObject;
  billing: JsonObject;
  /** By option name. */
  options: Record<string, SnapshotOption>;
  display: { pages: SnapshotPage[] };
  /** IB `display.yaml` entities. */
  entities?: Json[];
  resource_usages?: string[];
  saasPlanId?: string | number;
  bindingProperties?: JsonObject;
  /** IB `deployment/` files: path → sha256. */
  deployment?: Record<string, string>;
  /** IB: `type.name` of every `resource` block of the deployment, sorted. */
  terraformResources?: string[];
  extra?: JsonObject;
}

/** One SaaS catalog entry (a revision of a service) or one IB package's service. */
export interface SnapshotService {
  id: string;
  revision: string;
  name: string;
  short_description: string;
  full_description: string;
  icon: string;
  /** IB: sha256 of the icon file. */
  iconHash?: string;
  help: string;
  singleton?: boolean;
  auto_bind?: boolean;
  bindable: boolean;
  plan_updateable: boolean;
  deactivatable: boolean;
  bindings_retrievable: boolean;
  instances_retrievable: boolean;
  metadata?: JsonObject;
  preview: string[];
  /** IB: option files by name. */
  options?: Record<string, SnapshotOptionFile>;
  generatorVersion?: string;
  plans: SnapshotPlan[];
  extra?: JsonObject;
}

/** What is deployed as one thing: a SaaS catalog (one SERVICE_NAME) or an IB package. */
export interface SnapshotUnit {
  kind: AppKind;
  /** SERVICE_NAME (SaaS catalog suffix) or the IB package directory. */
  serviceName: string;
  /** SaaS: every `services[]` entry; IB: exactly one. */
  entries: SnapshotService[];
  /** SaaS: `plan_mapping.json[SERVICE_NAME]`, when known. */
  planMapping?: JsonObject;
}

export interface Snapshot {
  units: SnapshotUnit[];
}

// ---------------------------------------------------------------------------------------
// Source nodes: head snapshots remember the IR node each entry and plan came from, so
// revision diagnostics point at the vendor's `revision:` line. Never serialized.
const sources = new WeakMap<object, Located>();

/** The IR node a snapshot entry or plan was built from (head snapshots of sources). */
export function sourceOf(node: SnapshotService | SnapshotPlan | SnapshotUnit): Located | undefined {
  return sources.get(node);
}

// ---------------------------------------------------------------------------------------
// JSON helpers

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);

/**
 * A JSON value of `value`: undefined and functions dropped, bytes replaced by their
 * sha256, cycles cut. Copy-on-dirty: a part that is already plain JSON is returned as
 * is (shared, not copied), so snapshots of large models stay cheap. Snapshots are
 * read-only; never mutate one or the model it came from while using it.
 */
export function toJson(value: unknown): Json | undefined {
  return clean(value, []);
}

function clean(value: unknown, ancestors: object[]): Json | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value.toString();
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value === null) return null;
  if (value instanceof Uint8Array) return `sha256:${sha256(value)}`;
  // Ancestors are few (models are shallow), so a linear scan beats a Set here.
  if (ancestors.includes(value)) return null;
  ancestors.push(value);
  let out: Json[] | JsonObject | undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const x: unknown = value[i];
      const c = clean(x, ancestors) ?? null;
      if (out) (out as Json[])[i] = c;
      else if (c !== x) {
        out = value.slice(0, i) as Json[];
        out[i] = c;
      }
    }
  } else {
    const proto = Object.getPrototypeOf(value) as unknown;
    const plain = proto === Object.prototype || proto === null;
    const keys = Object.keys(value);
    if (!plain) out = {};
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const x = (value as Record<string, unknown>)[k];
      const c = clean(x, ancestors);
      if (out) {
        if (c !== undefined) (out as JsonObject)[k] = c;
      } else if (c !== x) {
        const o: JsonObject = {};
        for (let j = 0; j < i; j++) o[keys[j]!] = (value as Record<string, Json>)[keys[j]!]!;
        if (c !== undefined) o[k] = c;
        out = o;
      }
    }
  }
  ancestors.pop();
  return out ?? (value as Json);
}

const jsonObject = (value: unknown): JsonObject | undefined => {
  const j = toJson(value);
  return j !== undefined && isObject(j) ? (j as JsonObject) : undefined;
};
const nonEmptyObject = (value: unknown): JsonObject | undefined => {
  const o = jsonObject(value);
  return o && Object.keys(o).length ? o : undefined;
};
const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(toJson(v)) : String(v));
const bool = (v: unknown): boolean => v === true;
const optBool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);
const arr = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Deep equality of JSON values, ignoring object key order. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return typeof a === 'number' && typeof b === 'number' ? Number.isNaN(a) && Number.isNaN(b) : false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------
// IR → snapshot

function operand(o: WhenOperand | undefined): JsonObject {
  if (!isObject(o)) return { raw: toJson(o) ?? null };
  if (o.param !== undefined) return { param: str(o.param) };
  if ('const' in o) return { const: toJson(o.const) ?? null };
  return jsonObject(o) ?? {};
}

function when(w: WhenModel | undefined): JsonObject | undefined {
  if (!w) return undefined;
  if (!isObject(w)) return { raw: toJson(w) ?? null };
  return { [w.operator === 'not_in' ? 'not_in' : 'in']: { key: operand(w.key), values: arr<WhenOperand>(w.values).map(operand) } };
}

function display(pages: unknown): { pages: SnapshotPage[] } {
  const idx = (index: unknown, position: number): number | undefined => (typeof index === 'number' && index !== position ? index : undefined);
  const out: SnapshotPage[] = [];
  arr<DisplayPage>(pages).forEach((p, pi) => {
    if (!isObject(p)) return;
    const page: SnapshotPage = { name: str(p.name), groups: [] };
    const pix = idx(p.index, pi);
    if (pix !== undefined) page.index = pix;
    arr<DisplayPage['groups'][number]>(p.groups).forEach((g, gi) => {
      if (!isObject(g)) return;
      const group: SnapshotGroup = {
        name: str(g.name),
        parameters: arr<{ name?: unknown; index?: unknown }>(g.parameters).filter(isObject).map((x, xi) => {
          const param: { name: string; index?: number } = { name: str(x.name) };
          const xix = idx(x.index, xi);
          if (xix !== undefined) param.index = xix;
          return param;
        }),
      };
      const gix = idx(g.index, gi);
      if (gix !== undefined) group.index = gix;
      const w = when(g.when);
      if (w) group.when = w;
      page.groups.push(group);
    });
    out.push(page);
  });
  return { pages: out };
}

function entity(e: EntityModel): Json {
  if (!isObject(e)) return toJson(e) ?? null;
  const out: JsonObject = { entity: str(e.entity) };
  if (e.description !== undefined) out.description = str(e.description);
  const w = when(e.when);
  if (w) out.when = w;
  if (e.count !== undefined) out.count = operand(e.count);
  if (e.flavor !== undefined) out.flavor = operand(e.flavor);
  if (e.disks !== undefined) out.disks = arr<{ type?: WhenOperand; size?: WhenOperand }>(e.disks).map((d) => {
    const disk: JsonObject = {};
    if (isObject(d) && d.type !== undefined) disk.type = operand(d.type);
    if (isObject(d) && d.size !== undefined) disk.size = operand(d.size);
    return disk;
  });
  return out;
}

/** Actions are a set (`[create, update]` = `[update, create]`). */
const actions = (v: unknown): string[] => {
  const list = arr<unknown>(v);
  for (let i = 0; i < list.length; i++) if (typeof list[i] !== 'string' || (i > 0 && (list[i] as string) < (list[i - 1] as string))) return list.map(str).sort();
  return list as string[];
};

function option(po: PlanOption): SnapshotOption {
  const o: OptionModel = isObject(po.option) ? po.option : ({ name: po.name, actions: [], schema: {} } as unknown as OptionModel);
  const out: SnapshotOption = { actions: actions(o.actions), schema: jsonObject(o.schema) ?? {} };
  const billing = jsonObject(o.billing);
  if (billing) out.billing = billing;
  const update = jsonObject(po.updateSchema);
  if (update) out.updateSchema = update;
  const patch = nonEmptyObject(po.patch);
  if (patch) out.patch = patch;
  return out;
}

function optionFile(o: OptionModel): SnapshotOptionFile {
  const out: SnapshotOptionFile = { actions: actions(o.actions), schema: jsonObject(o.schema) ?? {} };
  const billing = jsonObject(o.billing);
  if (billing) out.billing = billing;
  const extra = nonEmptyObject(o.extraRootKeys);
  if (extra) out.extra = extra;
  return out;
}

const decoder = new TextDecoder();

function plan(p: PlanModel, kind: AppKind): SnapshotPlan {
  const billingIn = isObject(p.billing) ? p.billing : ({} as PlanModel['billing']);
  const billing: JsonObject = {};
  for (const k of ['cost', 'refundable', 'billing_cycle_flat', 'billing_cycle_step'] as const) {
    const v = toJson(billingIn[k]);
    if (v !== undefined) billing[k] = v;
  }
  const bextra = nonEmptyObject(billingIn.extra);
  if (bextra) for (const [k, v] of Object.entries(bextra)) if (!(k in billing)) billing[k] = v;
  const options: Record<string, SnapshotOption> = {};
  for (const po of arr<PlanOption>(p.options)) {
    if (!isObject(po) || po.billingOnly) continue;
    const name = str(po.name);
    if (!(name in options)) options[name] = option(po);
  }
  // Reader-only: options priced in billing.options but defined in no schema keep their billing.
  for (const po of arr<PlanOption>(p.options)) {
    if (!isObject(po) || !po.billingOnly) continue;
    const b = jsonObject(po.option?.billing);
    billing.options = { ...(isObject(billing.options) ? (billing.options as JsonObject) : {}), [str(po.name)]: b ?? {} };
  }
  const out: SnapshotPlan = {
    id: str(p.id),
    revision: str(p.revision),
    name: str(p.name),
    description: str(p.description),
    free: bool(p.free),
    billing,
    options,
    display: display(isObject(p.display) ? p.display.pages : undefined),
  };
  const pu = optBool(p.plan_updateable);
  if (pu !== undefined) out.plan_updateable = pu;
  const md = jsonObject(p.metadata);
  if (md) out.metadata = md;
  if (kind === 'image-based' || p.entities !== undefined) out.entities = arr<EntityModel>(p.entities).map(entity);
  if (p.resource_usages !== undefined) out.resource_usages = arr<unknown>(p.resource_usages).map(str);
  // SaaS: the broker-side plan id lives in plan_mapping.json (the unit's planMapping), not in the catalog.
  if (kind !== 'saas' && (typeof p.saasPlanId === 'string' || typeof p.saasPlanId === 'number')) out.saasPlanId = p.saasPlanId;
  if (kind === 'saas') out.bindingProperties = jsonObject(p.bindingProperties) ?? {};
  if (p.deployment !== undefined) {
    const files = arr<{ path?: unknown; bytes?: unknown }>(p.deployment).filter((f) => isObject(f) && typeof f.path === 'string' && f.bytes instanceof Uint8Array) as { path: string; bytes: Uint8Array }[];
    const deployment: Record<string, string> = {};
    for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) deployment[f.path] = sha256(f.bytes);
    out.deployment = deployment;
    out.terraformResources = terraformResourceAddresses(files.filter((f) => f.path.endsWith('.tf')).map((f) => ({ path: f.path, text: decoder.decode(f.bytes) })));
  }
  const extra = nonEmptyObject(p.extra);
  if (extra) out.extra = extra;
  sources.set(out, p);
  return out;
}

function service(s: ServiceModel): SnapshotService {
  const kind: AppKind = s.kind === 'image-based' ? 'image-based' : 'saas';
  const out: SnapshotService = {
    id: str(s.id),
    revision: str(s.revision),
    name: str(s.name),
    short_description: str(s.short_description),
    full_description: isObject(s.full_description) ? str(s.full_description.text) : str(s.full_description),
    icon: str(s.icon),
    help: str(s.help),
    bindable: bool(s.bindable),
    plan_updateable: bool(s.plan_updateable),
    deactivatable: bool(s.deactivatable),
    bindings_retrievable: bool(s.bindings_retrievable),
    instances_retrievable: bool(s.instances_retrievable),
    preview: arr<{ name?: unknown }>(s.preview).map((p) => (isObject(p) ? str(p.name) : str(p))),
    plans: arr<PlanModel>(s.plans).filter(isObject).map((p) => plan(p, kind)),
  };
  // H-06: the compiler always emits singleton and auto_bind as false; an absent flag means false.
  out.singleton = s.singleton === true;
  out.auto_bind = s.auto_bind === true;
  const md = jsonObject(s.metadata);
  if (md) out.metadata = md;
  if (kind === 'image-based') {
    const options: Record<string, SnapshotOptionFile> = {};
    for (const o of arr<OptionModel>(s.options)) if (isObject(o) && !(str(o.name) in options)) options[str(o.name)] = optionFile(o);
    out.options = options;
    if (s.iconAsset?.bytes instanceof Uint8Array) out.iconHash = sha256(s.iconAsset.bytes);
    if (s.generatorVersion !== undefined) out.generatorVersion = str(s.generatorVersion);
  }
  const extra = nonEmptyObject(s.extra);
  if (extra) out.extra = extra;
  sources.set(out, s);
  return out;
}

function mappingOf(c: CatalogModel): JsonObject | undefined {
  const value = c.planMapping?.value;
  if (!isObject(value)) return undefined;
  const inner = value[c.serviceName];
  return isObject(inner) ? jsonObject(inner) : undefined;
}

/** The snapshot of a project model (the IR of sources or of artifacts). */
export function normalizeProject(model: ProjectModel): Snapshot {
  const units: SnapshotUnit[] = [];
  for (const c of arr<CatalogModel>(model?.catalogs)) {
    if (!isObject(c)) continue;
    const unit: SnapshotUnit = { kind: 'saas', serviceName: str(c.serviceName), entries: arr<ServiceModel>(c.services).filter(isObject).map(service) };
    const mapping = mappingOf(c);
    if (mapping) unit.planMapping = mapping;
    sources.set(unit, c);
    units.push(unit);
  }
  for (const s of arr<ServiceModel>(model?.packages)) {
    if (!isObject(s)) continue;
    const unit: SnapshotUnit = { kind: 'image-based', serviceName: str(s.serviceName), entries: [service(s)] };
    sources.set(unit, s);
    units.push(unit);
  }
  return { units };
}

/** Accepts either form: a snapshot passes through, a project model is normalized. */
export function asSnapshot(value: ProjectModel | Snapshot): Snapshot {
  return 'units' in value && Array.isArray((value as Snapshot).units) ? (value as Snapshot) : normalizeProject(value as ProjectModel);
}

// ---------------------------------------------------------------------------------------
// Content hashes: sha256 of canonical JSON (sorted keys). A hash excludes the node's own
// revision, so "same revision, other hash" means "changed without a bump". Hashes are
// computed lazily and cached per snapshot node; the diff itself compares values.

/** Canonical JSON: sorted keys, undefined dropped, written straight to a string. */
export function canonicalJson(value: unknown, skipTopLevel?: string): string {
  if (value === null || typeof value !== 'object') return value === undefined ? 'null' : (JSON.stringify(value) ?? 'null');
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const keys = Object.keys(value).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    if (k === skipTopLevel) continue;
    const v = (value as Record<string, unknown>)[k];
    if (v === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(k)}:${canonicalJson(v)}`;
    first = false;
  }
  return `${out}}`;
}

const hashCache = new WeakMap<object, string>();

function cached(node: object, compute: () => string): string {
  let h = hashCache.get(node);
  if (h === undefined) {
    h = compute();
    hashCache.set(node, h);
  }
  return h;
}

/**
 * Records a known hash for a node (the deployed state stores them; a head node equal
 * to a base node shares its hash), so it is not recomputed.
 */
export function seedHash(node: object, hash: string): void {
  hashCache.set(node, hash);
}

/** The cached hash of a node, if any (never computes). */
export function knownHash(node: object): string | undefined {
  return hashCache.get(node);
}

export function optionHash(o: SnapshotOption | SnapshotOptionFile): string {
  return cached(o, () => sha256(canonicalJson(o)));
}

/** The content hash of a plan: every field but `revision`. */
export function planHash(p: SnapshotPlan): string {
  return cached(p, () => sha256(canonicalJson(p, 'revision')));
}

/** The content hash of a service entry: every field but `revision`; plans (in order) by id, revision and hash. */
export function serviceHash(s: SnapshotService): string {
  return cached(s, () => {
    const { revision: _r, plans, ...rest } = s;
    return sha256(canonicalJson({ ...rest, plans: plans.map((p) => ({ id: p.id, revision: p.revision, hash: planHash(p) })) }));
  });
}

/** Equal JSON values at every top-level key but the skipped ones. */
export function equalExcept(a: object, b: object, ...skip: string[]): boolean {
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  let na = 0;
  for (const k of Object.keys(ra)) {
    if (skip.includes(k) || ra[k] === undefined) continue;
    na++;
    if (!jsonEqual(ra[k], rb[k])) return false;
  }
  let nb = 0;
  for (const k of Object.keys(rb)) if (!skip.includes(k) && rb[k] !== undefined) nb++;
  return na === nb;
}

/** Two nodes with the same content share a known hash. */
export function shareHash(a: object, b: object): void {
  const h = hashCache.get(a) ?? hashCache.get(b);
  if (h !== undefined) {
    hashCache.set(a, h);
    hashCache.set(b, h);
  }
}

/** Same plan content (revision aside). Shares a known hash from `a` to `b` when equal. */
export function samePlanContent(a: SnapshotPlan, b: SnapshotPlan): boolean {
  if (!equalExcept(a, b, 'revision')) return false;
  const h = hashCache.get(a) ?? hashCache.get(b);
  if (h !== undefined) {
    hashCache.set(a, h);
    hashCache.set(b, h);
  }
  return true;
}

/** Same entry content (revision aside): fields, option files, and plans by id, revision and content. */
export function sameServiceContent(a: SnapshotService, b: SnapshotService): boolean {
  const { plans: pa, revision: _ra, ...ra } = a;
  const { plans: pb, revision: _rb, ...rb } = b;
  if (!jsonEqual(ra, rb) || pa.length !== pb.length) return false;
  for (let i = 0; i < pa.length; i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x.id !== y.id || x.revision !== y.revision || !samePlanContent(x, y)) return false;
  }
  const h = hashCache.get(a) ?? hashCache.get(b);
  if (h !== undefined) {
    hashCache.set(a, h);
    hashCache.set(b, h);
  }
  return true;
}
