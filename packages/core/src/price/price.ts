/**
 * The wizard's price (SPEC §B.6, §C.7.5, §F): plan cost plus paid options, per billing
 * period. Pure functions over the IR with no DOM and no Node APIs: the same code runs in
 * `vkmp preview`'s page (bundled into it) and in the tests, so they cannot disagree.
 *
 * Values are what the wizard shows and the user types: for a custom-step integer that is
 * the effective value `base + k·unit.size`, not the step count `k`.
 */
import type { OptionModel, PlanModel, WhenModel, WhenOperand } from '../model/types.js';
import { optionSubtype } from './subtype.js';
import { canonicalPeriod, DEFAULT_PERIOD } from '../util/period.js';

/** What the user can choose for one option, derived from its subtype (SPEC §C.7.3). */
export type OptionValueRange =
  /** int-const, str-const, bool-const: fixed and read-only. */
  | { kind: 'const'; value: unknown }
  /** int-enum, str-enum: one of `values`. */
  | { kind: 'enum'; type: 'integer' | 'string'; values: unknown[]; default: unknown }
  /** int-step1: integers in [min, max] with step 1 (free). */
  | { kind: 'range'; min: number; max?: number; default: number }
  /** int-custom-step: `base + k·size`, `minSteps ≤ k ≤ maxSteps`, each step costs `cost` per period. */
  | {
      kind: 'step';
      base: number;
      size: number;
      cost: number;
      measurement?: string;
      minSteps: number;
      maxSteps?: number;
      defaultSteps: number;
      /** Effective values: `base + minSteps·size` … `base + maxSteps·size`, starting at `base + defaultSteps·size`. */
      min: number;
      max?: number;
      default: number;
    }
  /** bool-switch: on or off; `cost` per period while on when the switch is paid. */
  | { kind: 'switch'; default: boolean; cost?: number }
  /** str-input. */
  | { kind: 'text'; default?: string; pattern?: string; minLength?: number; maxLength?: number }
  /** datasource: a cloud entity picker, never priced by the vendor. */
  | { kind: 'datasource'; source: string; default?: string; filter?: Record<string, unknown>; valueIs?: string }
  /** postpaid: set by usage metrics, charged `unitPrice` per unit. */
  | { kind: 'postpaid'; unitPrice: number; measurement?: string }
  /** An option whose `schema.type` is unknown: shown as text, never priced. */
  | { kind: 'invalid'; type: unknown };

/** One paid option in the price breakdown. */
export interface PriceLine {
  option: string;
  /** The option's label (`schema.description`). */
  description: string;
  kind: 'step' | 'switch';
  /** step: the number of paid steps `k`. */
  steps?: number;
  /** step: the effective value `base + k·size`; switch: on or off. */
  value?: number | boolean;
  /** Price of one step, or of the switch while on. */
  unitCost: number;
  measurement?: string;
  /** What this option adds per period: `k·cost`, or `cost` while the switch is on. */
  cost: number;
}

/** A postpaid option: listed with its unit price, never added to the total. */
export interface PostpaidLine {
  option: string;
  description: string;
  unitPrice: number;
  measurement?: string;
}

export interface PlanPrice {
  /** The prepaid billing period, canonical `<M> mons <D> days` (`billing_cycle_flat`, default `1 mons 0 days`). */
  period: string;
  /** SaaS plans with postpaid options: how often usage is collected (`billing_cycle_step`). */
  usagePeriod?: string;
  planCost: number;
  lines: PriceLine[];
  postpaid: PostpaidLine[];
  /** Plan cost plus every line's cost, per period. Not rounded (round for display only). */
  total: number;
  /** Options left out because their group is hidden by `when`. */
  hidden: string[];
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The effective value of `k` steps of a custom-step option: `base + k·size`. */
export function stepValue(base: number, size: number, k: number): number {
  return base + k * size;
}

/** The step count for an effective value: whole steps above `base`, rounded up, within the option's limits. */
export function stepsForValue(range: Extract<OptionValueRange, { kind: 'step' }>, value: unknown): number {
  const v = toNumber(value);
  if (v === undefined) return range.defaultSteps;
  // A value between two steps needs the next one; 1e-9 absorbs float noise (0.1 + 0.2).
  const k = Math.ceil((v - range.base) / range.size - 1e-9);
  return clamp(k, range.minSteps, range.maxSteps);
}

function clamp(n: number, min: number, max: number | undefined): number {
  let r = Math.max(n, min);
  if (max !== undefined) r = Math.min(r, max);
  return r;
}

/** A number from a number or a numeric string (a form field); undefined otherwise. */
export function toNumber(v: unknown): number | undefined {
  if (isNum(v)) return v;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    if (Number.isFinite(n)) return n;
  }
  return undefined;
}

function toBool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return undefined;
}

/** What the user can pick for `option`, with effective values for custom steps (SPEC §C.7.5). */
export function optionValueRange(option: Pick<OptionModel, 'actions' | 'schema' | 'billing'>): OptionValueRange {
  const s = isObj(option.schema) ? option.schema : ({ type: undefined } as unknown as OptionModel['schema']);
  const b = isObj(option.billing) ? option.billing : undefined;
  const subtype = optionSubtype(option);
  switch (subtype) {
    case 'int-const':
    case 'str-const':
    case 'bool-const':
      return { kind: 'const', value: s.const };
    case 'int-enum':
    case 'str-enum':
      return { kind: 'enum', type: subtype === 'int-enum' ? 'integer' : 'string', values: Array.isArray(s.enum) ? [...s.enum] : [], default: s.default };
    case 'int-step1': {
      const min = isNum(s.minimum) ? s.minimum : 0;
      const max = isNum(s.maximum) ? s.maximum : undefined;
      return { kind: 'range', min, max, default: clamp(isNum(s.default) ? s.default : 0, min, max) };
    }
    case 'int-custom-step': {
      const base = isNum(b?.base) ? b.base : 0;
      const unit = isObj(b?.unit) ? b.unit : undefined;
      const size = isNum(unit?.size) && unit.size > 0 ? unit.size : 1;
      const cost = isNum(b?.cost) ? b.cost : 0;
      const minSteps = Math.max(0, isNum(s.minimum) ? s.minimum : 0);
      const maxSteps = isNum(s.maximum) ? Math.max(minSteps, s.maximum) : undefined;
      const defaultSteps = clamp(isNum(s.default) ? s.default : 0, minSteps, maxSteps);
      const measurement = typeof unit?.measurement === 'string' ? unit.measurement : undefined;
      return {
        kind: 'step', base, size, cost, measurement, minSteps, maxSteps, defaultSteps,
        min: stepValue(base, size, minSteps),
        max: maxSteps === undefined ? undefined : stepValue(base, size, maxSteps),
        default: stepValue(base, size, defaultSteps),
      };
    }
    case 'bool-switch':
      return { kind: 'switch', default: s.default === true, cost: isNum(b?.cost) ? b.cost : undefined };
    case 'str-input':
      return {
        kind: 'text',
        default: typeof s.default === 'string' ? s.default : undefined,
        pattern: typeof s.pattern === 'string' ? s.pattern : undefined,
        minLength: isNum(s.minLength) ? s.minLength : undefined,
        maxLength: isNum(s.maxLength) ? s.maxLength : undefined,
      };
    case 'datasource': {
      const ds = isObj(s.datasource) ? s.datasource : {};
      return {
        kind: 'datasource',
        source: typeof ds.type === 'string' ? ds.type : 'unknown',
        default: typeof s.default === 'string' ? s.default : undefined,
        filter: isObj(ds.filter) ? ds.filter : undefined,
        valueIs: typeof ds.value_is === 'string' ? ds.value_is : undefined,
      };
    }
    case 'postpaid': {
      const unit = isObj(b?.unit) ? b.unit : undefined;
      return { kind: 'postpaid', unitPrice: isNum(b?.cost) ? b.cost : 0, measurement: typeof unit?.measurement === 'string' ? unit.measurement : undefined };
    }
    default:
      return { kind: 'invalid', type: s.type };
  }
}

/** The value each option of the plan starts with in the wizard (postpaid options have none). */
export function initialValues(plan: Pick<PlanModel, 'options'>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const po of plan.options) {
    const r = optionValueRange(po.option);
    switch (r.kind) {
      case 'const':
        values[po.name] = r.value;
        break;
      case 'enum':
      case 'range':
      case 'step':
      case 'switch':
        values[po.name] = r.default;
        break;
      case 'text':
        values[po.name] = r.default ?? '';
        break;
      case 'datasource':
        if (r.default !== undefined) values[po.name] = r.default;
        break;
      default:
        break;
    }
  }
  return values;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b && (typeof a === 'string' || typeof b === 'string')) return String(a) === String(b);
  return false;
}

function operandValue(op: WhenOperand | undefined, values: Record<string, unknown>): unknown {
  if (!op) return undefined;
  if (typeof op.param === 'string') return values[op.param];
  return op.const;
}

/** Whether a `when` condition holds for the current values (SPEC §B.5). No condition always holds. */
export function whenHolds(when: WhenModel | undefined, values: Record<string, unknown>): boolean {
  if (!when) return true;
  const key = operandValue(when.key, values);
  const hit = (Array.isArray(when.values) ? when.values : []).some((v) => sameValue(key, operandValue(v, values)));
  return when.operator === 'not_in' ? !hit : hit;
}

export interface WizardVisibility {
  /** Per described page: shown, and which of its groups are shown. */
  pages: { visible: boolean; groups: boolean[] }[];
  /** Options in hidden groups. */
  hidden: string[];
}

/**
 * Which described pages and groups the wizard shows for `values` (missing values take
 * their initial value). A group with `when` shows when it holds; a page is hidden when
 * all of its groups are hidden.
 */
export function wizardVisibility(plan: Pick<PlanModel, 'options' | 'display'>, values: Record<string, unknown> = {}): WizardVisibility {
  const current = { ...initialValues(plan), ...values };
  const hidden: string[] = [];
  const pages = (plan.display?.pages ?? []).map((page) => {
    const groups = page.groups.map((g) => {
      const shown = whenHolds(g.when, current);
      if (!shown) for (const p of g.parameters) hidden.push(p.name);
      return shown;
    });
    return { visible: groups.length === 0 || groups.some(Boolean), groups };
  });
  return { pages, hidden };
}

/**
 * The price of `plan` with the wizard set to `values` (option name → value; missing
 * options take their initial value): plan cost + custom steps (`k·cost`) + paid switches
 * that are on, per `period`. Postpaid options are listed with their unit price and not
 * summed. Options in groups hidden by `when` are not charged.
 */
export function planPrice(plan: Pick<PlanModel, 'billing' | 'options' | 'display'>, values: Record<string, unknown> = {}): PlanPrice {
  const current = { ...initialValues(plan), ...values };
  const { hidden } = wizardVisibility(plan, current);
  const hiddenSet = new Set(hidden);
  const billing = isObj(plan.billing) ? plan.billing : ({ cost: 0 } as PlanModel['billing']);
  const planCost = isNum(billing.cost) ? billing.cost : 0;
  const lines: PriceLine[] = [];
  const postpaid: PostpaidLine[] = [];
  for (const po of plan.options) {
    const r = optionValueRange(po.option);
    const description = typeof po.option.schema?.description === 'string' ? po.option.schema.description : po.name;
    if (r.kind === 'postpaid') {
      postpaid.push({ option: po.name, description, unitPrice: r.unitPrice, ...(r.measurement !== undefined ? { measurement: r.measurement } : {}) });
      continue;
    }
    if (hiddenSet.has(po.name)) continue;
    if (r.kind === 'step') {
      const steps = stepsForValue(r, current[po.name]);
      lines.push({
        option: po.name, description, kind: 'step', steps, value: stepValue(r.base, r.size, steps), unitCost: r.cost,
        ...(r.measurement !== undefined ? { measurement: r.measurement } : {}),
        cost: steps * r.cost,
      });
    } else if (r.kind === 'switch' && r.cost !== undefined) {
      const on = toBool(current[po.name]) ?? r.default;
      lines.push({ option: po.name, description, kind: 'switch', value: on, unitCost: r.cost, cost: on ? r.cost : 0 });
    }
  }
  const total = lines.reduce((sum, l) => sum + l.cost, planCost);
  const period = typeof billing.billing_cycle_flat === 'string' ? canonicalPeriod(billing.billing_cycle_flat) : DEFAULT_PERIOD;
  const usagePeriod = postpaid.length && typeof billing.billing_cycle_step === 'string' ? canonicalPeriod(billing.billing_cycle_step) : undefined;
  return { period, ...(usagePeriod !== undefined ? { usagePeriod } : {}), planCost, lines, postpaid, total, hidden };
}
