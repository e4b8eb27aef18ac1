/**
 * The corrections vkmp applies when it emits a SaaS catalog, applied to an input
 * catalog's JSON. `vkmp build` on an imported project reproduces the input *modulo
 * these corrections*; each one is reported so the vendor sees what changes:
 *
 * - plan-level `refundable` / `billing_cycle_flat` / `billing_cycle_step` are moved into
 *   `billing` (SAAS-045, G-03; the docs' full example has this defect);
 * - periods take the canonical form `<M> mons <D> days` (`1 mons` → `1 mons 0 days`, §0.3);
 * - `singleton` and `auto_bind` are always emitted, `false` when absent (H-06);
 * - a prepaid plan always has `billing_cycle_flat`, a plan with postpaid options always
 *   has `billing_cycle_step` (default `1 mons 0 days`, G-05);
 * - wizard pages, groups and options are ordered by their `index` (the documented ordinal)
 *   and renumbered 0-based and contiguous (SAAS-034, H-08);
 * - `plan_mapping.json` holds exactly the catalog's plan IDs (SAAS-061).
 */
import { canonicalPeriod, DEFAULT_PERIOD, parsePeriod } from '../util/period.js';
import { isPlainObject } from '../util/strings.js';

export interface Correction {
  /** The rule or open question the correction follows. */
  readonly code: string;
  /** JSON pointer of the corrected value in the input catalog. */
  readonly pointer: string;
  readonly message: string;
}

const MOVED = ['refundable', 'billing_cycle_flat', 'billing_cycle_step'] as const;

/** Items in the order of their `index` when every index is a distinct integer, else array order. */
export function orderByIndex<T>(items: readonly T[], indexOf: (item: T) => unknown): T[] {
  const indexes = items.map(indexOf);
  const valid = indexes.every((i) => Number.isInteger(i)) && new Set(indexes).size === indexes.length;
  if (!valid) return [...items];
  return items.map((item, pos) => ({ item, pos, index: indexes[pos] as number })).sort((a, b) => a.index - b.index || a.pos - b.pos).map((x) => x.item);
}

const props = (plan: Record<string, unknown>, section: string): Record<string, unknown> => {
  const s = plan.schemas;
  if (!isPlainObject(s) || !isPlainObject(s.service_instance)) return {};
  const sec = s.service_instance[section];
  if (!isPlainObject(sec) || !isPlainObject(sec.parameters) || !isPlainObject(sec.parameters.properties)) return {};
  return sec.parameters.properties;
};

/** Whether the DSL treats the plan as prepaid / as having postpaid options (as `saas-from-dsl` does). */
export function planKinds(plan: Record<string, unknown>): { prepaid: boolean; postpaid: boolean } {
  const usage = Object.keys(props(plan, 'resource_usages'));
  const billing = isPlainObject(plan.billing) ? plan.billing : {};
  const options = isPlainObject(billing.options) ? billing.options : {};
  const priced = [...new Set([...Object.keys(props(plan, 'create')), ...Object.keys(props(plan, 'update'))])].some((n) => {
    if (usage.includes(n)) return false;
    const b = Object.hasOwn(options, n) ? options[n] : undefined;
    return isPlainObject(b) && typeof b.cost === 'number' && b.cost > 0;
  });
  const postpaid = usage.length > 0;
  const prepaid = !postpaid && (plan.free === false || (typeof billing.cost === 'number' && billing.cost > 0) || priced);
  return { prepaid, postpaid };
}

interface IndexChanges {
  reordered: string[];
  renumbered: boolean;
}

function reindex(items: unknown, what: string, changes: IndexChanges, inner?: (item: Record<string, unknown>) => void): unknown {
  if (!Array.isArray(items)) return items;
  const ordered = orderByIndex(items, (x) => (isPlainObject(x) ? x.index : undefined));
  if (ordered.some((x, i) => x !== items[i])) changes.reordered.push(what);
  return ordered.map((x, i) => {
    if (!isPlainObject(x)) return x;
    inner?.(x);
    if (x.index !== i) changes.renumbered = true;
    return { ...x, index: i };
  });
}

function normalizeDisplay(display: unknown, pointer: string, planName: unknown, corrections: Correction[]): unknown {
  if (!isPlainObject(display)) return display;
  const changes: IndexChanges = { reordered: [], renumbered: false };
  const pages = reindex(display.pages, 'pages', changes, (page) => {
    page.groups = reindex(page.groups, `the groups of page ${JSON.stringify(page.name)}`, changes, (group) => {
      group.parameters = reindex(group.parameters, `the options of group ${JSON.stringify(group.name)}`, changes);
    });
  });
  const label = `The wizard of plan ${JSON.stringify(planName)}`;
  if (changes.reordered.length) {
    corrections.push({ code: 'SAAS-034', pointer, message: `${label}: ${changes.reordered.join(', ')} are put in the order of their index (the documented ordinal) and renumbered 0, 1, 2, ….` });
  } else if (changes.renumbered) {
    corrections.push({ code: 'SAAS-034', pointer, message: `${label}: missing or irregular indexes become 0, 1, 2, … in array order (H-08).` });
  }
  return { ...display, pages };
}

function normalizePlan(input: Record<string, unknown>, pointer: string, corrections: Correction[]): Record<string, unknown> {
  const plan: Record<string, unknown> = { ...input };
  if (!isPlainObject(plan.billing)) return plan;
  const billing: Record<string, unknown> = { ...plan.billing };
  for (const key of MOVED) {
    if (!Object.hasOwn(plan, key)) continue;
    if (billing[key] === undefined) {
      billing[key] = plan[key];
      corrections.push({ code: 'SAAS-045', pointer: `${pointer}/${key}`, message: `Plan-level "${key}" is moved into billing, where the docs' field tables put it (G-03).` });
    } else {
      corrections.push({ code: 'SAAS-045', pointer: `${pointer}/${key}`, message: `Plan-level "${key}" is dropped: billing.${key} is set and takes precedence.` });
    }
    delete plan[key];
  }
  for (const key of ['billing_cycle_flat', 'billing_cycle_step'] as const) {
    const value = billing[key];
    if (typeof value === 'string' && parsePeriod(value) && canonicalPeriod(value) !== value) {
      billing[key] = canonicalPeriod(value);
      corrections.push({ code: 'SAAS-043', pointer: `${pointer}/billing/${key}`, message: `"${value}" is emitted in the canonical form "${canonicalPeriod(value)}" (SPEC §0.3).` });
    }
  }
  plan.billing = billing;
  const kinds = planKinds(plan);
  if (kinds.prepaid && billing.billing_cycle_flat === undefined) {
    billing.billing_cycle_flat = DEFAULT_PERIOD;
    corrections.push({ code: 'G-05', pointer: `${pointer}/billing`, message: `The prepaid plan gets billing_cycle_flat "${DEFAULT_PERIOD}" (the documented default, always emitted).` });
  }
  if (kinds.postpaid && billing.billing_cycle_step === undefined) {
    billing.billing_cycle_step = DEFAULT_PERIOD;
    corrections.push({ code: 'BILL-009', pointer: `${pointer}/billing`, message: `The plan with postpaid options gets billing_cycle_step "${DEFAULT_PERIOD}" (the documented default, always emitted).` });
  }
  if (Object.hasOwn(plan, 'display')) plan.display = normalizeDisplay(plan.display, `${pointer}/display`, plan.name, corrections);
  return plan;
}

/** The catalog JSON as vkmp emits it after its corrections, with the list of corrections. */
export function normalizeCatalogJson(catalog: unknown): { value: unknown; corrections: Correction[] } {
  const corrections: Correction[] = [];
  if (!isPlainObject(catalog) || !Array.isArray(catalog.services)) return { value: catalog, corrections };
  catalog = structuredClone(catalog) as Record<string, unknown>;
  const services = (catalog as { services: unknown[] }).services.map((s, i) => {
    if (!isPlainObject(s)) return s;
    const service: Record<string, unknown> = { ...s };
    for (const key of ['singleton', 'auto_bind'] as const) {
      if (service[key] === undefined) {
        service[key] = false;
        corrections.push({ code: 'H-06', pointer: `/services/${i}`, message: `"${key}" is absent and is emitted as false (vkmp always emits it; the docs give no default).` });
      }
    }
    if (Array.isArray(service.plans)) service.plans = service.plans.map((p, j) => (isPlainObject(p) ? normalizePlan(p, `/services/${i}/plans/${j}`, corrections) : p));
    return service;
  });
  return { value: { ...(catalog as Record<string, unknown>), services }, corrections };
}

/** `plan_mapping.json` as vkmp emits it: the catalog's plan IDs only (SAAS-061). */
export function normalizePlanMapping(mapping: unknown, serviceName: string, planIds: readonly string[]): { value: unknown; corrections: Correction[] } {
  const corrections: Correction[] = [];
  if (!isPlainObject(mapping) || !isPlainObject(mapping[serviceName])) return { value: mapping, corrections };
  const inner = mapping[serviceName];
  const kept: Record<string, unknown> = {};
  for (const [id, value] of Object.entries(inner)) {
    if (planIds.includes(id)) kept[id] = value;
    else corrections.push({ code: 'SAAS-061', pointer: `/${escapePointer(serviceName)}/${escapePointer(id)}`, message: `Plan ID ${id} is in plan_mapping.json but in no plan of the catalog; vkmp derives the mapping from the plans, so it is dropped.` });
  }
  return { value: { ...mapping, [serviceName]: kept }, corrections };
}

export const escapePointer = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** One place where two JSON values differ. */
export interface JsonDifference {
  /** JSON pointer of the value (in the expected document). */
  readonly pointer: string;
  readonly note: string;
}

/** Where two JSON values differ (at most `limit` places). */
export function jsonDifferences(expected: unknown, actual: unknown, limit = 20): JsonDifference[] {
  const out: JsonDifference[] = [];
  const describe = (v: unknown) => (v === undefined ? 'nothing' : JSON.stringify(v).slice(0, 80));
  const walk = (a: unknown, b: unknown, p: string) => {
    if (out.length >= limit) return;
    if (Array.isArray(a) && Array.isArray(b)) {
      if (a.length !== b.length) out.push({ pointer: p, note: `an array of ${a.length} items becomes ${b.length}` });
      for (let i = 0; i < Math.min(a.length, b.length); i++) walk(a[i], b[i], `${p}/${i}`);
      return;
    }
    if (isPlainObject(a) && isPlainObject(b)) {
      for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
        const kp = `${p}/${escapePointer(k)}`;
        if (!Object.hasOwn(b, k)) out.push({ pointer: kp, note: 'is missing from the build' });
        else if (!Object.hasOwn(a, k)) out.push({ pointer: kp, note: `is added by the build (${describe(b[k])})` });
        else walk(a[k], b[k], kp);
        if (out.length >= limit) return;
      }
      return;
    }
    if (a !== b) out.push({ pointer: p, note: `${describe(a)} becomes ${describe(b)}` });
  };
  walk(expected, actual, '');
  return out;
}
