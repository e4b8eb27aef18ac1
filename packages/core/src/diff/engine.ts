/**
 * diff: snapshot vs snapshot, keyed by identities, never by array position:
 * unit (SERVICE_NAME / package) → entry (SaaS: service id + revision) → plan id →
 * option name; wizard pages and groups by name; deployment files by path; Terraform
 * resources by address. The result is a typed ChangeSet with risk flags.
 */
import type { AppKind, ProjectModel } from '../model/types.js';
import {
  asSnapshot, equalExcept, jsonEqual, shareHash, type Json, type JsonObject, type Snapshot, type SnapshotOption, type SnapshotOptionFile, type SnapshotPage, type SnapshotPlan,
  type SnapshotService, type SnapshotUnit,
} from './normalize.js';

export type ChangeKind = 'added' | 'removed' | 'changed';

/** What makes a change risky for customers or for the deploy. */
export type RiskFlag =
  | { kind: 'price-up' | 'price-down'; old: number; new: number; /** Null when the old price was 0. */ percent: number | null }
  | { kind: 'plan-removed' }
  | { kind: 'option-removed' }
  | { kind: 'service-removed' }
  /** A SaaS catalog section (a revision) is no longer in the catalog: Marketplace deletes that revision. */
  | { kind: 'section-removed'; revision: string }
  | { kind: 'range-narrowed'; bound: string; old: Json | null; new: Json | null }
  | { kind: 'enum-narrowed'; removed: Json[] }
  | { kind: 'default-changed'; old: Json | null; new: Json | null }
  | { kind: 'namespace-changed'; removed: string[]; added: string[] }
  | { kind: 'terraform-resource-removed'; resource: string };

export type RiskKind = RiskFlag['kind'];

export interface Change {
  kind: ChangeKind;
  /**
   * Identity path: SERVICE_NAME, then `entry:<revision>` when the catalog has several
   * entries, `plan:<name>`, `option:<name>` / `option-file:<name>`, `page:<name>`,
   * `group:<name>`, `resource:<type.name>`, and last the dotted field (`billing.cost`).
   */
  path: string[];
  old?: Json;
  new?: Json;
  flags: RiskFlag[];
  serviceName: string;
  appKind: AppKind;
  /** The service entry: its id and (head, else base) revision. */
  serviceId?: string;
  revision?: string;
  planId?: string;
  planName?: string;
  option?: string;
  /** The dotted field, when the change is about one field. */
  field?: string;
}

export interface PlanPair {
  id: string;
  base?: SnapshotPlan;
  head?: SnapshotPlan;
  /** Both sides present: the same content, revision aside. */
  same?: boolean;
}

export type EntryRelation = 'same-revision' | 'new-revision' | 'added' | 'removed';

export interface EntryPair {
  relation: EntryRelation;
  base?: SnapshotService;
  head?: SnapshotService;
  plans: PlanPair[];
  /** Both sides present: the same content (plans by id, revision and content), revision aside. */
  same?: boolean;
}

export interface UnitDiff {
  kind: AppKind;
  serviceName: string;
  base?: SnapshotUnit;
  head?: SnapshotUnit;
  entries: EntryPair[];
  /** SaaS: base sections `(id, revision)` that the head catalog no longer has. */
  removedSections: { id: string; revision: string }[];
  /** Plan ids in the head catalog and in no base entry / in base entries and in no head entry. */
  plansAdded: string[];
  plansRemoved: string[];
  changes: Change[];
}

export interface ChangeSet {
  base: Snapshot;
  head: Snapshot;
  units: UnitDiff[];
  /** Every change, in unit → entry → plan → option order. */
  changes: Change[];
  summary: { added: number; removed: number; changed: number; flags: Partial<Record<RiskKind, number>> };
}

// ---------------------------------------------------------------------------------------

const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const round1 = (x: number): number => Math.round(x * 10) / 10;

/** Price flag for a cost moving from `o` to `n`. */
export function priceFlag(o: unknown, n: unknown): RiskFlag | undefined {
  const a = typeof o === 'number' && Number.isFinite(o) ? o : 0;
  const b = typeof n === 'number' && Number.isFinite(n) ? n : 0;
  if (a === b) return undefined;
  return { kind: b > a ? 'price-up' : 'price-down', old: a, new: b, percent: a === 0 ? null : round1(((b - a) / a) * 100) };
}

/** Deep diff of JSON values: objects by key, everything else as a value. */
function walk(o: Json | undefined, n: Json | undefined, field: string, emit: (kind: ChangeKind, field: string, o?: Json, n?: Json) => void): void {
  if (o === undefined && n === undefined) return;
  if (o === undefined) return emit('added', field, undefined, n);
  if (n === undefined) return emit('removed', field, o, undefined);
  if (isObject(o) && isObject(n)) {
    for (const k of Object.keys(o)) walk(o[k], n[k], field ? `${field}.${k}` : k, emit);
    for (const k of Object.keys(n)) if (!(k in o)) walk(undefined, n[k], field ? `${field}.${k}` : k, emit);
    return;
  }
  if (!jsonEqual(o, n)) emit('changed', field, o, n);
}

const MIN_BOUNDS = new Set(['minimum', 'minLength']);
const MAX_BOUNDS = new Set(['maximum', 'maxLength']);

/** Customer-facing flags of an option change at `field` (`schema.maximum`, `billing.cost`…). */
function optionFlags(field: string, o: SnapshotOption, n: SnapshotOption, oldValue: Json | undefined, newValue: Json | undefined): RiskFlag[] {
  const flags: RiskFlag[] = [];
  if (field === 'billing.cost' || field === 'billing') {
    const f = priceFlag(o.billing?.cost, n.billing?.cost);
    if (f) flags.push(f);
  }
  const m = /^(schema|updateSchema)\.(\w+)$/.exec(field);
  const key = m?.[2] ?? (field === 'billing.base' ? 'base' : undefined);
  if (key && (MIN_BOUNDS.has(key) || key === 'base')) {
    const a = typeof oldValue === 'number' ? oldValue : 0;
    if (typeof newValue === 'number' && newValue > a) flags.push({ kind: 'range-narrowed', bound: key, old: oldValue ?? null, new: newValue });
  } else if (key && MAX_BOUNDS.has(key)) {
    if (typeof newValue === 'number' && (typeof oldValue !== 'number' || newValue < oldValue)) flags.push({ kind: 'range-narrowed', bound: key, old: oldValue ?? null, new: newValue });
  } else if (key === 'enum') {
    const before = Array.isArray(oldValue) ? oldValue : [];
    const after = Array.isArray(newValue) ? newValue : [];
    const removed = before.filter((v) => !after.some((w) => jsonEqual(v, w)));
    if (removed.length && newValue !== undefined) flags.push({ kind: 'enum-narrowed', removed });
  } else if (key === 'default') {
    flags.push({ kind: 'default-changed', old: oldValue ?? null, new: newValue ?? null });
  }
  return flags;
}

function namespaceFlag(o: Json | undefined, n: Json | undefined): RiskFlag {
  const list = (v: Json | undefined): string[] => {
    if (Array.isArray(v)) return v.map((x) => String(x));
    if (isObject(v)) return [...list(v.test_ns).map((x) => `test_ns:${x}`), ...list(v.prod_ns).map((x) => `prod_ns:${x}`)];
    return v === undefined || v === null ? [] : [String(v)];
  };
  const a = list(o);
  const b = list(n);
  return { kind: 'namespace-changed', removed: a.filter((x) => !b.includes(x)), added: b.filter((x) => !a.includes(x)) };
}

function byKey<T>(items: readonly T[], key: (t: T) => string): Map<string, T> {
  const m = new Map<string, T>();
  for (const t of items) {
    const k = key(t);
    if (!m.has(k)) m.set(k, t);
  }
  return m;
}

/** Keys of two maps in a stable order: base order, then keys only the head has. */
function unionKeys(a: Iterable<string>, b: Iterable<string>): string[] {
  const out = [...a];
  const seen = new Set(out);
  for (const k of b) if (!seen.has(k)) out.push(k);
  return out;
}

// ---------------------------------------------------------------------------------------

class UnitDiffer {
  readonly changes: Change[] = [];
  private prefix: string[] = [];
  private ctx: Partial<Change> = {};

  constructor(private readonly unit: { kind: AppKind; serviceName: string }) {}

  private push(kind: ChangeKind, segments: string[], field: string | undefined, o: Json | undefined, n: Json | undefined, flags: RiskFlag[] = [], extra: Partial<Change> = {}): void {
    const change: Change = {
      kind,
      path: [this.unit.serviceName, ...this.prefix, ...segments, ...(field ? [field] : [])],
      flags,
      serviceName: this.unit.serviceName,
      appKind: this.unit.kind,
      ...this.ctx,
      ...extra,
    };
    if (o !== undefined) change.old = o;
    if (n !== undefined) change.new = n;
    if (field) change.field = field;
    this.changes.push(change);
  }

  unitAdded(u: SnapshotUnit): void {
    const e = u.entries[u.entries.length - 1];
    this.push('added', [], undefined, undefined, { revisions: u.entries.map((x) => x.revision), plans: e ? e.plans.map((p) => p.name) : [] }, [], e ? { serviceId: e.id, revision: e.revision } : {});
  }

  unitRemoved(u: SnapshotUnit): void {
    const e = u.entries[u.entries.length - 1];
    this.push('removed', [], undefined, { revisions: u.entries.map((x) => x.revision), plans: e ? e.plans.map((p) => p.name) : [] }, undefined, [{ kind: 'service-removed' }], e ? { serviceId: e.id, revision: e.revision } : {});
  }

  entry(pair: EntryPair, multi: boolean, headRevisions: Set<string>): void {
    const e = (pair.head ?? pair.base)!;
    this.prefix = multi ? [`entry:${e.revision}`] : [];
    this.ctx = { serviceId: e.id, revision: e.revision };
    if (pair.relation === 'added') {
      this.push('added', [], undefined, undefined, { id: e.id, revision: e.revision, plans: e.plans.map((p) => p.name) });
      return;
    }
    // Sections are a SaaS notion: an IB package is replaced by its next revision.
    const saas = this.unit.kind === 'saas';
    if (pair.relation === 'removed') {
      this.push('removed', [], undefined, { id: e.id, revision: e.revision, plans: e.plans.map((p) => p.name) }, undefined, saas ? [{ kind: 'section-removed', revision: e.revision }] : []);
      return;
    }
    const b = pair.base!;
    const h = pair.head!;
    if (b.revision !== h.revision) {
      const flags: RiskFlag[] = !saas || headRevisions.has(`${b.id}\u0000${b.revision}`) ? [] : [{ kind: 'section-removed', revision: b.revision }];
      this.push('changed', [], 'revision', b.revision, h.revision, flags);
    }
    const fieldsSame = equalExcept(b, h, 'revision', 'plans');
    if (!fieldsSame) {
      this.serviceFields(b, h);
      if (b.options || h.options) this.optionFiles(b.options ?? {}, h.options ?? {});
    }
    let plansSame = b.plans.length === h.plans.length;
    for (const pp of pair.plans) {
      this.plan(pp);
      if (!pp.same || pp.base!.revision !== pp.head!.revision) plansSame = false;
    }
    if (plansSame) for (let i = 0; i < b.plans.length; i++) if (b.plans[i]!.id !== h.plans[i]!.id) plansSame = false;
    pair.same = fieldsSame && plansSame;
    if (pair.same) shareHash(b, h);
  }

  private serviceFields(b: SnapshotService, h: SnapshotService): void {
    const skip = new Set(['revision', 'plans', 'options']);
    const keys = unionKeys(Object.keys(b), Object.keys(h)).filter((k) => !skip.has(k));
    for (const k of keys) {
      const o = (b as unknown as Record<string, Json>)[k];
      const n = (h as unknown as Record<string, Json>)[k];
      if (jsonEqual(o, n)) continue;
      if (k === 'metadata') {
        this.push(o === undefined ? 'added' : n === undefined ? 'removed' : 'changed', [], 'metadata', o, n, [namespaceFlag(o, n)]);
        continue;
      }
      if (k === 'extra') {
        walk(o, n, 'extra', (kind, f, ov, nv) => this.push(kind, [], f, ov, nv));
        continue;
      }
      this.push(o === undefined ? 'added' : n === undefined ? 'removed' : 'changed', [], k, o, n);
    }
  }

  private optionFiles(b: Record<string, SnapshotOptionFile>, h: Record<string, SnapshotOptionFile>): void {
    for (const name of unionKeys(Object.keys(b), Object.keys(h))) {
      const o = b[name];
      const n = h[name];
      const seg = [`option-file:${name}`];
      if (!o) this.push('added', seg, undefined, undefined, n as unknown as Json, [], { option: name });
      else if (!n) this.push('removed', seg, undefined, o as unknown as Json, undefined, [], { option: name });
      else if (!jsonEqual(o, n)) walk(o as unknown as Json, n as unknown as Json, '', (kind, f, ov, nv) => this.push(kind, seg, f, ov, nv, [], { option: name }));
    }
  }

  private plan(pp: PlanPair): void {
    const { base: b, head: h } = pp;
    const p = (h ?? b)!;
    const seg = [`plan:${p.name}`];
    const ctx = { planId: p.id, planName: p.name };
    if (!b) {
      this.push('added', seg, undefined, undefined, { id: p.id, revision: p.revision, free: p.free, cost: (p.billing.cost as Json) ?? null }, [], ctx);
      return;
    }
    if (!h) {
      this.push('removed', seg, undefined, { id: p.id, revision: p.revision, free: p.free, cost: (p.billing.cost as Json) ?? null }, undefined, [{ kind: 'plan-removed' }], ctx);
      return;
    }
    pp.same = equalExcept(b, h, 'revision');
    if (pp.same) {
      shareHash(b, h);
      if (b.revision !== h.revision) this.push('changed', seg, 'revision', b.revision, h.revision, [], ctx);
      return;
    }
    const scalar = ['revision', 'name', 'description', 'free', 'plan_updateable', 'saasPlanId', 'resource_usages', 'entities'] as const;
    for (const k of scalar) {
      const o = b[k] as Json | undefined;
      const n = h[k] as Json | undefined;
      if (!jsonEqual(o, n)) this.push(o === undefined ? 'added' : n === undefined ? 'removed' : 'changed', seg, k, o, n, [], ctx);
    }
    if (!jsonEqual(b.metadata, h.metadata)) this.push(b.metadata === undefined ? 'added' : h.metadata === undefined ? 'removed' : 'changed', seg, 'metadata', b.metadata, h.metadata, [namespaceFlag(b.metadata, h.metadata)], ctx);
    walk(b.billing, h.billing, 'billing', (kind, f, o, n) => {
      const flags: RiskFlag[] = [];
      if (f === 'billing.cost') {
        const pf = priceFlag(o, n);
        if (pf) flags.push(pf);
      }
      this.push(kind, seg, f, o, n, flags, ctx);
    });
    this.planOptions(seg, ctx, b.options, h.options);
    this.display(seg, ctx, b.display.pages, h.display.pages);
    walk(b.bindingProperties, h.bindingProperties, 'bindingProperties', (kind, f, o, n) => this.push(kind, seg, f, o, n, [], ctx));
    walk(b.extra, h.extra, 'extra', (kind, f, o, n) => this.push(kind, seg, f, o, n, [], ctx));
    this.deployment(seg, ctx, b, h);
  }

  private planOptions(seg: string[], ctx: Partial<Change>, b: Record<string, SnapshotOption>, h: Record<string, SnapshotOption>): void {
    const names: string[] = [];
    // Most options of a changed plan are unchanged: skip them without allocating.
    for (const name of Object.keys(b)) if (!(name in h) || !jsonEqual(b[name], h[name])) names.push(name);
    for (const name of Object.keys(h)) if (!(name in b)) names.push(name);
    for (const name of names) {
      const o = b[name];
      const n = h[name];
      const s = [...seg, `option:${name}`];
      const octx = { ...ctx, option: name };
      if (!o) {
        const pf = n?.billing ? priceFlag(0, n.billing.cost) : undefined;
        this.push('added', s, undefined, undefined, n as unknown as Json, pf ? [pf] : [], octx);
      } else if (!n) {
        this.push('removed', s, undefined, o as unknown as Json, undefined, [{ kind: 'option-removed' }], octx);
      } else if (!jsonEqual(o, n)) {
        walk(o as unknown as Json, n as unknown as Json, '', (kind, f, ov, nv) => this.push(kind, s, f, ov, nv, optionFlags(f, o, n, ov, nv), octx));
      }
    }
  }

  private display(seg: string[], ctx: Partial<Change>, b: SnapshotPage[], h: SnapshotPage[]): void {
    if (jsonEqual(b, h)) return;
    const unique = (names: string[]) => new Set(names).size === names.length;
    if (!unique(b.map((p) => p.name)) || !unique(h.map((p) => p.name)) || [...b, ...h].some((p) => !unique(p.groups.map((g) => g.name)))) {
      // Names are the identities; with duplicates, compare the wizard as one value.
      this.push('changed', seg, 'display.pages', b as unknown as Json, h as unknown as Json, [], ctx);
      return;
    }
    const bp = byKey(b, (p) => p.name);
    const hp = byKey(h, (p) => p.name);
    const bOrder = b.map((p) => p.name);
    const hOrder = h.map((p) => p.name);
    if (!jsonEqual(bOrder, hOrder) && bOrder.length === hOrder.length && bOrder.every((x) => hOrder.includes(x))) this.push('changed', seg, 'display.pages', bOrder, hOrder, [], ctx);
    for (const name of unionKeys(bp.keys(), hp.keys())) {
      const o = bp.get(name);
      const n = hp.get(name);
      const s = [...seg, `page:${name}`];
      if (!o) this.push('added', s, undefined, undefined, n!.groups.map((g) => g.name), [], ctx);
      else if (!n) this.push('removed', s, undefined, o.groups.map((g) => g.name), undefined, [], ctx);
      else if (!jsonEqual(o, n)) {
        if (!jsonEqual(o.index, n.index)) this.push('changed', s, 'index', o.index ?? null, n.index ?? null, [], ctx);
        const bg = byKey(o.groups, (g) => g.name);
        const hg = byKey(n.groups, (g) => g.name);
        const bgo = o.groups.map((g) => g.name);
        const hgo = n.groups.map((g) => g.name);
        if (!jsonEqual(bgo, hgo) && bgo.length === hgo.length && bgo.every((x) => hgo.includes(x))) this.push('changed', s, 'groups', bgo, hgo, [], ctx);
        for (const gname of unionKeys(bg.keys(), hg.keys())) {
          const og = bg.get(gname);
          const ng = hg.get(gname);
          const gs = [...s, `group:${gname}`];
          if (!og) this.push('added', gs, undefined, undefined, ng!.parameters.map((x) => x.name), [], ctx);
          else if (!ng) this.push('removed', gs, undefined, og.parameters.map((x) => x.name), undefined, [], ctx);
          else {
            const params = (g: typeof og) => g.parameters.map((x) => (x.index === undefined ? x.name : `${x.name}@${x.index}`));
            if (!jsonEqual(params(og), params(ng))) this.push('changed', gs, 'parameters', params(og), params(ng), [], ctx);
            if (!jsonEqual(og.when, ng.when)) this.push(og.when === undefined ? 'added' : ng.when === undefined ? 'removed' : 'changed', gs, 'when', og.when, ng.when, [], ctx);
            if (!jsonEqual(og.index, ng.index)) this.push('changed', gs, 'index', og.index ?? null, ng.index ?? null, [], ctx);
          }
        }
      }
    }
  }

  private deployment(seg: string[], ctx: Partial<Change>, b: SnapshotPlan, h: SnapshotPlan): void {
    const bd = b.deployment ?? {};
    const hd = h.deployment ?? {};
    for (const path of unionKeys(Object.keys(bd), Object.keys(hd))) {
      const o = bd[path];
      const n = hd[path];
      const f = `deployment/${path.replace(/^deployment\//, '')}`;
      if (o !== n) this.push(o === undefined ? 'added' : n === undefined ? 'removed' : 'changed', seg, f, o, n, [], ctx);
    }
    const br = new Set(b.terraformResources ?? []);
    const hr = new Set(h.terraformResources ?? []);
    for (const r of br) if (!hr.has(r)) this.push('removed', [...seg, `resource:${r}`], undefined, r, undefined, [{ kind: 'terraform-resource-removed', resource: r }], ctx);
    for (const r of hr) if (!br.has(r)) this.push('added', [...seg, `resource:${r}`], undefined, undefined, r, [], ctx);
  }
}

// ---------------------------------------------------------------------------------------

const entryKey = (e: { id: string; revision: string }): string => `${e.id}\u0000${e.revision}`;

/** Pairs the entries of two versions of one unit (SaaS sections; an IB package has one). */
function pairEntries(base: SnapshotService[], head: SnapshotService[]): EntryPair[] {
  const pairs: EntryPair[] = [];
  const used = new Set<SnapshotService>();
  const headPair = new Map<SnapshotService, SnapshotService>();
  const baseByKey = new Map<string, SnapshotService[]>();
  for (const b of base) baseByKey.set(entryKey(b), [...(baseByKey.get(entryKey(b)) ?? []), b]);
  // 1. The same (id, revision); duplicates (a REV-006 error) pair up in order.
  for (const h of head) {
    const b = baseByKey.get(entryKey(h))?.find((x) => !used.has(x));
    if (b) {
      used.add(b);
      headPair.set(h, b);
    }
  }
  // 2. A new revision of an id the base has: diff it against the latest base entry of that id,
  //    preferring one no other head entry kept.
  for (const h of head) {
    if (headPair.has(h)) continue;
    const same = base.filter((b) => b.id === h.id);
    const b = [...same].reverse().find((x) => !used.has(x)) ?? same[same.length - 1];
    if (b) {
      used.add(b);
      headPair.set(h, b);
    }
  }
  for (const h of head) {
    const b = headPair.get(h);
    pairs.push({ relation: b ? (b.revision === h.revision ? 'same-revision' : 'new-revision') : 'added', base: b, head: h, plans: pairPlans(b?.plans ?? [], h.plans) });
  }
  // 3. Base entries no head entry continues.
  for (const b of base) if (!used.has(b)) pairs.push({ relation: 'removed', base: b, plans: pairPlans(b.plans, []) });
  return pairs;
}

function pairPlans(base: SnapshotPlan[], head: SnapshotPlan[]): PlanPair[] {
  const bm = byKey(base, (p) => p.id);
  const hm = byKey(head, (p) => p.id);
  return unionKeys(bm.keys(), hm.keys()).map((id) => ({ id, base: bm.get(id), head: hm.get(id) }));
}

function diffUnit(kind: AppKind, serviceName: string, base: SnapshotUnit | undefined, head: SnapshotUnit | undefined): UnitDiff {
  const differ = new UnitDiffer({ kind, serviceName });
  const unit: UnitDiff = { kind, serviceName, base, head, entries: [], removedSections: [], plansAdded: [], plansRemoved: [], changes: differ.changes };
  if (!base && head) {
    unit.entries = head.entries.map((h) => ({ relation: 'added', head: h, plans: pairPlans([], h.plans) }));
    differ.unitAdded(head);
  } else if (base && !head) {
    unit.entries = base.entries.map((b) => ({ relation: 'removed', base: b, plans: pairPlans(b.plans, []) }));
    differ.unitRemoved(base);
  } else if (base && head) {
    unit.entries = pairEntries(base.entries, head.entries);
    const headKeys = new Set(head.entries.map(entryKey));
    if (kind === 'saas') unit.removedSections = base.entries.filter((b) => !headKeys.has(entryKey(b))).map((b) => ({ id: b.id, revision: b.revision }));
    const multi = base.entries.length > 1 || head.entries.length > 1;
    for (const pair of unit.entries) differ.entry(pair, multi, headKeys);
    // An unknown base mapping (a broker, a catalog without plan_mapping.json) is not a change.
    if (kind === 'saas' && base.planMapping !== undefined && !jsonEqual(base.planMapping, head.planMapping)) {
      walk(base.planMapping, head.planMapping, '', (k, f, o, n) => {
        const change: Change = { kind: k, path: [serviceName, 'plan_mapping', f], flags: [], serviceName, appKind: kind, field: `plan_mapping.${f}` };
        if (o !== undefined) change.old = o;
        if (n !== undefined) change.new = n;
        differ.changes.push(change);
      });
    }
  }
  const baseIds = new Set((base?.entries ?? []).flatMap((e) => e.plans.map((p) => p.id)));
  const headIds = new Set((head?.entries ?? []).flatMap((e) => e.plans.map((p) => p.id)));
  unit.plansAdded = [...headIds].filter((id) => !baseIds.has(id));
  unit.plansRemoved = [...baseIds].filter((id) => !headIds.has(id));
  return unit;
}

/**
 * Compares two versions of a project. Either side may be a project model (the IR of
 * sources or artifacts) or a snapshot (e.g. the deployed state). Never throws on
 * malformed models: what the snapshot cannot hold is compared as empty.
 */
export function diffModels(base: ProjectModel | Snapshot, head: ProjectModel | Snapshot): ChangeSet {
  const b = asSnapshot(base);
  const h = asSnapshot(head);
  const key = (u: SnapshotUnit) => `${u.kind}\u0000${u.serviceName}`;
  const bm = byKey(b.units, key);
  const hm = byKey(h.units, key);
  const units: UnitDiff[] = [];
  for (const k of unionKeys(bm.keys(), hm.keys())) {
    const bu = bm.get(k);
    const hu = hm.get(k);
    const u = (hu ?? bu)!;
    units.push(diffUnit(u.kind, u.serviceName, bu, hu));
  }
  const changes = units.flatMap((u) => u.changes);
  const summary: ChangeSet['summary'] = { added: 0, removed: 0, changed: 0, flags: {} };
  for (const c of changes) {
    summary[c.kind]++;
    for (const f of c.flags) summary.flags[f.kind] = (summary.flags[f.kind] ?? 0) + 1;
  }
  return { base: b, head: h, units, changes, summary };
}

export type { JsonObject };
