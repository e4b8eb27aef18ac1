/**
 * import: one marketplace option (a `schemas` property plus its `billing.options`
 * entry) → the DSL constructor call that emits exactly it. Keywords a constructor does
 * not model, or values of another type than its field, go through `raw` (the documented
 * escape hatch); what no constructor can emit is reported as inexpressible.
 */
import type { OptionModel } from '../model/types.js';
import { stableStringify } from '../util/json.js';
import { isPlainObject } from '../util/strings.js';
import { arr, call, cast, code, json, obj, prop, type Expr, type Prop } from './expr.js';

export type Ctor =
  | 'integer.const'
  | 'integer.enum'
  | 'integer.range'
  | 'integer.paidStep'
  | 'string.const'
  | 'string.input'
  | 'string.enum'
  | 'boolean.const'
  | 'boolean.switch'
  | 'postpaid.integer'
  | 'postpaid.number'
  | 'datasource.flavor'
  | 'datasource.az'
  | 'datasource.network'
  | 'datasource.subnet'
  | 'datasource.volumeType';

/** Fields of datasource options that select or filter the datasource (per-plan patches may not change them, H-10). */
export const DATASOURCE_FIELDS = ['vcpus', 'ram', 'kind', 'shared', 'valueIs', 'diskClass', 'names'];

/** The DSL form of one option definition. */
export interface OptionSpec {
  readonly ctor: Ctor;
  /** DSL input fields in source order; `undefined` values are absent. */
  readonly fields: Readonly<Record<string, unknown>>;
  /** `undefined`: the default `['create', 'update']`. */
  readonly actions?: readonly ('create' | 'update')[];
  readonly raw?: Readonly<Record<string, unknown>>;
  /** Fields whose values lie outside the DSL's literal types: written with `as never`. */
  readonly casts?: readonly string[];
}

export interface OptionMapping {
  spec?: OptionSpec;
  /** What the DSL cannot express, one sentence each. */
  inexpressible: string[];
  /** Schema keywords passed through `raw`. */
  rawKeys: string[];
  /** Typed fields whose values do not fit the DSL's types (the code will not type-check). */
  typeMismatches: string[];
}

type Check = (v: unknown) => boolean;
const isNum: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const isStr: Check = (v) => typeof v === 'string';
const isBool: Check = (v) => typeof v === 'boolean';
const arrayOf = (check: Check): Check => (v) => Array.isArray(v) && v.every(check);

interface FieldRule {
  field: string;
  key: string;
  check: Check;
  required?: boolean;
}
const f = (field: string, key: string, check: Check, required = false): FieldRule => ({ field, key, check, required });

const COMMON: FieldRule[] = [f('description', 'description', isStr, true), f('hint', 'hint', isStr)];
const SCHEMA_FIELDS: Record<Ctor, FieldRule[]> = {
  'integer.const': [f('value', 'const', isNum, true)],
  'integer.enum': [f('values', 'enum', arrayOf(isNum), true), f('default', 'default', isNum, true)],
  'integer.range': [f('default', 'default', isNum), f('minimum', 'minimum', isNum), f('maximum', 'maximum', isNum), f('tag', 'tag', isStr)],
  'integer.paidStep': [f('default', 'default', isNum), f('minimum', 'minimum', isNum), f('maximum', 'maximum', isNum)],
  'string.const': [f('value', 'const', isStr, true)],
  'string.input': [f('default', 'default', isStr), f('pattern', 'pattern', isStr), f('minLength', 'minLength', isNum), f('maxLength', 'maxLength', isNum)],
  'string.enum': [f('values', 'enum', arrayOf(isStr), true), f('default', 'default', isStr, true)],
  'boolean.const': [f('value', 'const', isBool, true)],
  'boolean.switch': [f('default', 'default', isBool)],
  'postpaid.integer': [],
  'postpaid.number': [],
  'datasource.flavor': [],
  'datasource.az': [f('default', 'default', isStr)],
  'datasource.network': [],
  'datasource.subnet': [],
  'datasource.volumeType': [f('default', 'default', isStr), f('tag', 'tag', isStr)],
};

/** The value type `V` of the option's references (what `when` operands must have). */
export function valueKind(ctor: Ctor): 'number' | 'string' | 'boolean' {
  if (ctor.startsWith('string.') || ctor.startsWith('datasource.')) return 'string';
  if (ctor.startsWith('boolean.')) return 'boolean';
  return 'number';
}

export const isEnum = (ctor: Ctor): boolean => ctor === 'integer.enum' || ctor === 'string.enum';

const SUBTYPE_NAMES: Record<Ctor, string> = {
  'integer.const': 'integer const',
  'integer.enum': 'integer enum',
  'integer.range': 'integer (step 1)',
  'integer.paidStep': 'integer with a custom step',
  'string.const': 'string const',
  'string.input': 'string input',
  'string.enum': 'string enum',
  'boolean.const': 'boolean const',
  'boolean.switch': 'boolean switch',
  'postpaid.integer': 'postpaid integer',
  'postpaid.number': 'postpaid number',
  'datasource.flavor': 'VM type picker',
  'datasource.az': 'availability-zone picker',
  'datasource.network': 'network picker',
  'datasource.subnet': 'subnet picker',
  'datasource.volumeType': 'disk-type picker',
};

const DATASOURCE_CTORS: Record<string, Ctor> = {
  flavor: 'datasource.flavor',
  az: 'datasource.az',
  network: 'datasource.network',
  subnet: 'datasource.subnet',
  volume_type: 'datasource.volumeType',
};

export const describeCtor = (ctor: Ctor): string => SUBTYPE_NAMES[ctor];

function classify(o: OptionModel): Ctor | string {
  const s = o.schema as unknown;
  if (!isPlainObject(s)) return 'its schema is not an object';
  const type = s.type;
  if (!Array.isArray(o.actions) || !o.actions.every((a) => a === 'create' || a === 'update' || a === 'resource_usages') || new Set(o.actions).size !== o.actions.length) {
    return `actions ${JSON.stringify(o.actions)} (a list of create/update, or [resource_usages])`;
  }
  if (o.actions.includes('resource_usages')) {
    if (o.actions.length !== 1) return 'it is in resource_usages and also in create/update';
    if (type === 'integer') return 'postpaid.integer';
    if (type === 'number') return 'postpaid.number';
    return `a postpaid option of type ${JSON.stringify(type)} (only integer and number)`;
  }
  if (!o.actions.length) return 'it is priced in billing.options but defined in no schemas section';
  switch (type) {
    case 'integer':
      return Object.hasOwn(s, 'const') ? 'integer.const' : Object.hasOwn(s, 'enum') ? 'integer.enum' : o.billing !== undefined ? 'integer.paidStep' : 'integer.range';
    case 'string':
      if (Object.hasOwn(s, 'datasource')) {
        const ds = s.datasource;
        const t = isPlainObject(ds) ? ds.type : undefined;
        return typeof t === 'string' && Object.hasOwn(DATASOURCE_CTORS, t) ? DATASOURCE_CTORS[t]! : `the datasource ${JSON.stringify(isPlainObject(ds) ? ds.type : ds)} (flavor, az, network, subnet or volume_type)`;
      }
      return Object.hasOwn(s, 'const') ? 'string.const' : Object.hasOwn(s, 'enum') ? 'string.enum' : 'string.input';
    case 'boolean':
      return Object.hasOwn(s, 'const') ? 'boolean.const' : 'boolean.switch';
    case 'number':
      return 'a number option in create/update (the docs describe number only for postpaid options, H-16)';
    default:
      return `the option type ${JSON.stringify(type)} (integer, number, string or boolean)`;
  }
}

const keysOutside = (o: Record<string, unknown>, allowed: readonly string[]): string[] => Object.keys(o).filter((k) => !allowed.includes(k));

/** Maps one option definition to its DSL form. */
export function mapOption(o: OptionModel): OptionMapping {
  const out: OptionMapping = { inexpressible: [], rawKeys: [], typeMismatches: [] };
  const ctor = classify(o);
  const schema = o.schema as unknown as Record<string, unknown>;
  if (!(ctor in SCHEMA_FIELDS)) {
    out.inexpressible.push(`no DSL constructor emits ${ctor}`);
    return out;
  }
  const c = ctor as Ctor;
  const fields: Record<string, unknown> = {};
  const raw: Record<string, unknown> = {};
  const rules = [...COMMON, ...SCHEMA_FIELDS[c]];
  const used = new Set(['type']);
  const casts: string[] = [];
  if (c.startsWith('datasource.')) {
    used.add('datasource');
    mapDatasource(c, schema.datasource as Record<string, unknown>, fields, casts, out);
  }
  for (const rule of rules) {
    used.add(rule.key);
    if (!Object.hasOwn(schema, rule.key)) {
      if (rule.required) out.typeMismatches.push(`"${rule.key}" is missing; the DSL requires ${rule.field}`);
      continue;
    }
    const value = schema[rule.key];
    if (rule.check(value)) fields[rule.field] = value;
    else if (rule.required) {
      fields[rule.field] = value;
      out.typeMismatches.push(`"${rule.key}": ${JSON.stringify(value)} does not fit the DSL's ${rule.field} field`);
    } else raw[rule.key] = value;
  }
  if (isEnum(c) && Array.isArray(fields.values) && 'default' in fields && !fields.values.some((v) => v === fields.default)) {
    out.typeMismatches.push(`the default ${JSON.stringify(fields.default)} is not one of the values`);
  }
  for (const key of Object.keys(schema)) if (!used.has(key)) raw[key] = schema[key];
  mapBilling(c, o.billing, fields, out);
  let actions: ('create' | 'update')[] | undefined;
  if (!c.startsWith('postpaid.')) {
    const cu = o.actions.filter((a): a is 'create' | 'update' => a === 'create' || a === 'update');
    actions = cu.length === 2 ? undefined : cu;
  }
  if (c === 'datasource.volumeType' && typeof fields.default === 'string' && !VOLUME_TYPES.includes(fields.default)) casts.push('default');
  out.rawKeys = Object.keys(raw);
  out.spec = { ctor: c, fields, actions, raw: out.rawKeys.length ? raw : undefined, ...(casts.length ? { casts } : {}) };
  return out;
}

const VOLUME_TYPES = ['ceph-ssd', 'ceph-hdd', 'high-iops'];
const DISK_CLASSES = ['ssd', 'hdd', 'high_iops_disk'];

/** `schema.datasource` → the datasource constructor's fields (SPEC §C.7.4). */
function mapDatasource(c: Ctor, ds: Record<string, unknown>, fields: Record<string, unknown>, casts: string[], out: OptionMapping): void {
  const bad = (what: string): void => {
    out.inexpressible.push(what);
  };
  const only = (o: Record<string, unknown>, allowed: readonly string[], what: string) => {
    const extra = keysOutside(o, allowed);
    if (extra.length) bad(`${what} keys ${extra.map((k) => `"${k}"`).join(', ')} (the ${describeCtor(c)} emits ${allowed.join(', ')})`);
  };
  const filterOf = (allowed: readonly string[]): Record<string, unknown> | undefined => {
    if (!Object.hasOwn(ds, 'filter')) return undefined;
    const filter = ds.filter;
    if (!isPlainObject(filter) || Object.keys(filter).length === 0) {
      bad(`datasource.filter ${JSON.stringify(filter)} (an empty or malformed filter)`);
      return undefined;
    }
    only(filter, allowed, 'datasource.filter');
    return filter;
  };
  switch (c) {
    case 'datasource.flavor': {
      only(ds, ['type', 'filter'], 'datasource');
      const filter = filterOf(['vcpus', 'ram']);
      for (const key of ['vcpus', 'ram'] as const) {
        if (!filter || !Object.hasOwn(filter, key)) continue;
        const limits = filter[key];
        if (!isPlainObject(limits) || Object.keys(limits).length === 0 || keysOutside(limits, ['minimum', 'maximum']).length || !Object.values(limits).every(isNum)) {
          bad(`datasource.filter.${key} ${JSON.stringify(limits)} (the DSL takes {minimum, maximum} numbers)`);
          continue;
        }
        fields[key] = limits;
      }
      return;
    }
    case 'datasource.az':
    case 'datasource.subnet':
      only(ds, ['type'], 'datasource');
      return;
    case 'datasource.network': {
      only(ds, ['type', 'value_is', 'filter'], 'datasource');
      if (Object.hasOwn(ds, 'value_is')) {
        fields.valueIs = ds.value_is;
        if (ds.value_is !== 'uuid' && ds.value_is !== 'name') casts.push('valueIs');
      }
      const filter = filterOf(['kind', 'shared']);
      if (filter && Object.hasOwn(filter, 'kind')) {
        if (typeof filter.kind !== 'string') bad(`datasource.filter.kind ${JSON.stringify(filter.kind)} (the DSL writes one kind, the docs' scalar form)`);
        else {
          fields.kind = filter.kind;
          if (!['external', 'internal', 'all'].includes(filter.kind)) casts.push('kind');
        }
      }
      if (filter && Object.hasOwn(filter, 'shared')) {
        if (typeof filter.shared !== 'boolean') bad(`datasource.filter.shared ${JSON.stringify(filter.shared)} (the DSL writes one boolean, the docs' scalar form)`);
        else fields.shared = filter.shared;
      }
      return;
    }
    case 'datasource.volumeType': {
      only(ds, ['type', 'filter'], 'datasource');
      const filter = filterOf(['disk_class', 'name']);
      for (const [key, field, allowed] of [['disk_class', 'diskClass', DISK_CLASSES], ['name', 'names', VOLUME_TYPES]] as const) {
        if (!filter || !Object.hasOwn(filter, key)) continue;
        const v = filter[key];
        if (!isPlainObject(v) || keysOutside(v, ['enum']).length || !Array.isArray(v.enum) || !v.enum.every(isStr)) {
          bad(`datasource.filter.${key} ${JSON.stringify(v)} (the DSL writes {enum: [...]})`);
          continue;
        }
        fields[field] = v.enum;
        if (!v.enum.every((x) => (allowed as readonly string[]).includes(x as string))) casts.push(field);
      }
      return;
    }
    default:
      return;
  }
}

function mapBilling(c: Ctor, billing: unknown, fields: Record<string, unknown>, out: OptionMapping): void {
  const bad = (what: string): void => {
    out.inexpressible.push(what);
  };
  if (c === 'integer.paidStep') {
    if (!isPlainObject(billing)) return bad('its billing is not an object');
    const extra = keysOutside(billing, ['base', 'cost', 'unit']);
    if (extra.length) bad(`billing keys ${extra.map((k) => `"${k}"`).join(', ')} (the DSL emits base, cost and unit)`);
    const unit = billing.unit;
    if (!isPlainObject(unit)) return bad('billing.unit is missing or not an object (the DSL always emits unit.size)');
    const unitExtra = keysOutside(unit, ['size', 'measurement']);
    if (unitExtra.length) bad(`billing.unit keys ${unitExtra.map((k) => `"${k}"`).join(', ')}`);
    if (!(Object.hasOwn(unit, 'size'))) bad('billing.unit.size is missing');
    const b: Record<string, unknown> = {};
    if (Object.hasOwn(billing, 'base')) b.base = billing.base;
    b.cost = billing.cost;
    b.unitSize = unit.size;
    if (Object.hasOwn(unit, 'measurement')) b.measurement = unit.measurement;
    for (const [k, check] of [['base', isNum], ['cost', isNum], ['unitSize', isNum], ['measurement', isStr]] as const) {
      if (Object.hasOwn(b, k) && b[k] !== undefined && !check(b[k])) out.typeMismatches.push(`billing ${k} ${JSON.stringify(b[k])} does not fit the DSL's type`);
    }
    if (!(Object.hasOwn(billing, 'cost'))) out.typeMismatches.push('billing.cost is missing');
    fields.billing = b;
    return;
  }
  if (c === 'boolean.switch') {
    if (billing === undefined) return;
    if (!isPlainObject(billing)) return bad('its billing is not an object');
    const extra = keysOutside(billing, ['cost']);
    if (extra.length) bad(`billing keys ${extra.map((k) => `"${k}"`).join(', ')} on a switch (the DSL emits only cost)`);
    if (!(Object.hasOwn(billing, 'cost'))) return bad('billing without cost on a switch');
    fields.cost = billing.cost;
    if (!isNum(billing.cost)) out.typeMismatches.push(`billing cost ${JSON.stringify(billing.cost)} is not a number`);
    return;
  }
  if (c === 'postpaid.integer' || c === 'postpaid.number') {
    if (!isPlainObject(billing)) return bad('the postpaid option has no billing entry (the DSL always emits cost and unit.size 1)');
    const extra = keysOutside(billing, ['cost', 'unit']);
    if (extra.length) bad(`billing keys ${extra.map((k) => `"${k}"`).join(', ')}`);
    const unit = billing.unit;
    if (!isPlainObject(unit)) return bad('billing.unit is missing (the DSL always emits unit.size 1)');
    const unitExtra = keysOutside(unit, ['size', 'measurement']);
    if (unitExtra.length) bad(`billing.unit keys ${unitExtra.map((k) => `"${k}"`).join(', ')}`);
    if (unit.size !== 1) bad(`billing.unit.size ${JSON.stringify(unit.size)} (postpaid options always have unit.size 1)`);
    fields.cost = billing.cost;
    if (!isNum(billing.cost)) out.typeMismatches.push(`billing cost ${JSON.stringify(billing.cost)} is not a number`);
    if (Object.hasOwn(unit, 'measurement')) {
      fields.measurement = unit.measurement;
      if (!isStr(unit.measurement)) out.typeMismatches.push(`billing.unit.measurement ${JSON.stringify(unit.measurement)} is not a string`);
    }
    return;
  }
  if (billing !== undefined) bad(`a price (billing.options entry) on an option of kind ${describeCtor(c)}`);
}

/** Whether two option definitions are the same DSL value. */
export const sameField = (a: unknown, b: unknown): boolean => stableStringify(a) === stableStringify(b);

/**
 * The per-plan overrides (`o.x.with({...})`) that turn `base` into `plan`, or why none can:
 * overrides cannot change the constructor, the actions or the raw keywords.
 */
export function overridesOf(base: OptionSpec, plan: OptionSpec): { overrides: Record<string, unknown> } | { conflict: string } {
  if (base.ctor !== plan.ctor) return { conflict: `option.${base.ctor} in one plan and option.${plan.ctor} in another` };
  const actions = (s: OptionSpec) => (s.actions ?? ['create', 'update']).join(' + ');
  if (!sameField(actions(base), actions(plan))) return { conflict: `actions ${actions(base)} in one plan and ${actions(plan)} in another` };
  if (!sameField(base.raw ?? {}, plan.raw ?? {})) return { conflict: 'different undocumented keywords (raw) in different plans' };
  const overrides: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(base.fields), ...Object.keys(plan.fields)])) {
    if (!sameField(base.fields[key], plan.fields[key])) overrides[key] = plan.fields[key];
  }
  return { overrides };
}

const FIELD_ORDER = [
  'description', 'hint', 'value', 'values', 'default', 'minimum', 'maximum', 'pattern', 'minLength', 'maxLength',
  'vcpus', 'ram', 'kind', 'shared', 'valueIs', 'diskClass', 'names', 'tag', 'billing', 'cost', 'measurement',
];

function fieldProps(fields: Readonly<Record<string, unknown>>, keepUndefined: boolean, casts: readonly string[] = []): Prop[] {
  const keys = Object.keys(fields).sort((a, b) => order(a) - order(b));
  return keys
    .filter((k) => keepUndefined || fields[k] !== undefined)
    .map((k) => prop(k, fields[k] === undefined ? code('undefined') : casts.includes(k) ? cast(json(fields[k]), 'never') : json(fields[k])));
}
const order = (k: string) => {
  const i = FIELD_ORDER.indexOf(k);
  return i < 0 ? FIELD_ORDER.length : i;
};

/** `option.integer.paidStep({...})` for a spec; `typeArgs` widens an enum's value type. */
export function optionExpr(spec: OptionSpec, typeArgs?: string): Expr {
  const props = fieldProps(spec.fields, false, spec.casts);
  if (spec.actions) props.push(prop('actions', arr(spec.actions.map((a) => json(a)))));
  if (spec.raw) props.push(prop('raw', json(spec.raw)));
  return call(`option.${spec.ctor}`, [obj(props)], typeArgs);
}

/** The object passed to `.with(...)`. */
export function overridesExpr(overrides: Record<string, unknown>, casts: readonly string[] = []): Expr {
  return obj(fieldProps(overrides, true, casts));
}
