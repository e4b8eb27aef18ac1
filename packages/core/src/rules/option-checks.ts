/**
 * Option subtype classification and keyword checks (SPEC §C.7.3, IB-024…IB-052).
 * Shared by image-based option files (reported under the IB IDs) and SaaS option
 * properties (reported as SAAS-057, which adopts IB-027…IB-041 for SaaS).
 */
import type { Severity } from '../diagnostics.js';
import type { OptionModel } from '../model/types.js';
import { codePoints, describeType, isPlainObject } from '../util/strings.js';
import { text } from './engine.js';

export type Subtype =
  | 'int-const' | 'int-enum' | 'int-step1' | 'int-custom-step' | 'postpaid'
  | 'str-const' | 'str-input' | 'str-enum' | 'bool-const' | 'bool-switch' | 'datasource';

/** SPEC §C.7.3 classification. Undefined when `type` is not a known type. */
export function classifyOption(o: Pick<OptionModel, 'actions' | 'schema' | 'billing'>): Subtype | undefined {
  const schema = isPlainObject(o.schema) ? o.schema : ({} as Record<string, unknown>);
  if (Array.isArray(o.actions) && o.actions.length === 1 && o.actions[0] === 'resource_usages') return 'postpaid';
  if (schema.datasource !== undefined) return 'datasource';
  switch (schema.type) {
    case 'integer':
      if ('const' in schema && schema.const !== undefined) return 'int-const';
      if (schema.enum !== undefined) return 'int-enum';
      if (o.billing !== undefined) return 'int-custom-step';
      return 'int-step1';
    case 'number':
      // H-16: prepaid `number` is undocumented; treat it like the integer it most resembles.
      if (o.billing !== undefined) return 'int-custom-step';
      return 'int-step1';
    case 'string':
      if ('const' in schema && schema.const !== undefined) return 'str-const';
      if (schema.enum !== undefined) return 'str-enum';
      return 'str-input';
    case 'boolean':
      if ('const' in schema && schema.const !== undefined) return 'bool-const';
      return 'bool-switch';
    default:
      return undefined;
  }
}

export interface OptionFinding {
  /** The IB rule the finding belongs to. */
  rule: string;
  /** `schema` findings are SAAS-057 for SaaS; `billing` ones are SAAS-048…050. */
  area: 'schema' | 'billing' | 'actions';
  message: string;
  field?: string;
  severity?: Severity;
  hint?: string;
}

type Mark = 'R' | 'A' | 'X' | 'W';
// Rows: keyword; columns follow SUBTYPES. R required, A allowed, X forbidden, W undocumented (warning).
const SUBTYPES: Subtype[] = ['int-const', 'int-enum', 'int-step1', 'int-custom-step', 'postpaid', 'str-const', 'str-input', 'str-enum', 'bool-const', 'bool-switch', 'datasource'];
const MATRIX: Record<string, Mark[]> = {
  const: ['R', 'X', 'X', 'X', 'X', 'R', 'X', 'X', 'R', 'X', 'X'],
  enum: ['X', 'R', 'X', 'X', 'X', 'X', 'X', 'R', 'X', 'X', 'X'],
  default: ['X', 'R', 'A', 'A', 'X', 'X', 'A', 'R', 'X', 'A', 'A'],
  minimum: ['X', 'X', 'A', 'A', 'X', 'X', 'X', 'X', 'X', 'X', 'X'],
  maximum: ['X', 'X', 'A', 'A', 'X', 'X', 'X', 'X', 'X', 'X', 'X'],
  pattern: ['X', 'X', 'X', 'X', 'X', 'X', 'A', 'X', 'X', 'X', 'X'],
  minLength: ['X', 'X', 'X', 'X', 'X', 'X', 'A', 'X', 'X', 'X', 'X'],
  maxLength: ['X', 'X', 'X', 'X', 'X', 'X', 'A', 'X', 'X', 'X', 'X'],
  tag: ['X', 'X', 'A', 'W', 'X', 'X', 'X', 'X', 'X', 'X', 'A'],
  datasource: ['X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'R'],
};
const KNOWN_SCHEMA_KEYS = new Set(['type', 'description', 'hint', ...Object.keys(MATRIX)]);

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const valueMatchesType = (v: unknown, type: unknown): boolean =>
  type === 'integer' ? isInt(v) : type === 'number' ? isNum(v) : type === 'string' ? typeof v === 'string' : type === 'boolean' ? typeof v === 'boolean' : false;

export const DATASOURCE_TYPES = ['flavor', 'az', 'network', 'subnet', 'volume_type'];
export const VOLUME_TYPES = ['ceph-ssd', 'ceph-hdd', 'high-iops'];
export const DISK_CLASSES_MA = ['ssd', 'hdd', 'high_iops_disk'];

/**
 * Checks one option's actions, schema keywords and billing. `kind` decides which
 * findings apply: SaaS has no datasources (SAAS-055 reports those).
 */
export function checkOption(o: OptionModel, kind: 'saas' | 'image-based'): OptionFinding[] {
  const out: OptionFinding[] = [];
  const add = (rule: string, area: OptionFinding['area'], message: string, field?: string, severity?: Severity, hint?: string) =>
    out.push({ rule, area, message, field, severity, hint });
  const schema = (isPlainObject(o.schema) ? o.schema : {}) as Record<string, unknown>;
  const name = o.name;

  // IB-024 actions
  const actions = o.actions as unknown;
  if (kind === 'image-based') {
    const valid =
      Array.isArray(actions) &&
      ((actions.length === 1 && actions[0] === 'resource_usages') ||
        (actions.length > 0 && actions.every((a) => a === 'create' || a === 'update') && new Set(actions).size === actions.length));
    if (!valid) add('IB-024', 'actions', `Option "${name}": actions must be a list, a non-empty subset of [create, update] without duplicates, or exactly [resource_usages]; got ${JSON.stringify(actions)}.`, 'actions');
  }

  // IB-025 type
  const type = schema.type;
  if (!['integer', 'number', 'string', 'boolean'].includes(type as string)) {
    add('IB-025', 'schema', `Option "${name}": schema.type must be integer, number, string or boolean; got ${JSON.stringify(type)}.`, 'type');
  }
  const subtype = classifyOption(o);
  if (type === 'number' && subtype !== 'postpaid') {
    add('IB-026', 'schema', `Option "${name}": type number is documented only for postpaid options (H-16).`, 'type', 'warning', 'Use integer for prepaid and free options.');
  }
  // IB-027 description, IB-028 hint
  if (typeof schema.description !== 'string' || schema.description.length === 0) {
    add('IB-027', 'schema', `Option "${name}": schema.description is required (a string of ≤ 255 characters).`, 'description');
  } else if (codePoints(schema.description) > 255) {
    add('IB-027', 'schema', `Option "${name}": description is ${codePoints(schema.description)} characters; the limit is 255.`, 'description');
  }
  if (schema.hint !== undefined) {
    if (typeof schema.hint !== 'string') add('IB-028', 'schema', `Option "${name}": hint must be a string, got ${describeType(schema.hint)}.`, 'hint');
    else if (codePoints(schema.hint) > 255) add('IB-028', 'schema', `Option "${name}": hint is ${codePoints(schema.hint)} characters; the limit is 255.`, 'hint', undefined, 'Shorten the tooltip; move details to the full description.');
  }
  if (!subtype) return out;

  // IB-029 keyword matrix
  const col = SUBTYPES.indexOf(subtype);
  for (const [key, marks] of Object.entries(MATRIX)) {
    const mark = marks[col];
    const present = key in schema && schema[key] !== undefined;
    if (mark === 'R' && !present) {
      if (key === 'default' && subtype === 'int-enum') continue; // IB-031 reports it with context
      if (key === 'default' && subtype === 'str-enum') continue;
      add('IB-029', 'schema', `Option "${name}" (${subtype}): schema.${key} is required.`, key);
    } else if (mark === 'X' && present) {
      if (subtype === 'datasource' && key === 'default') continue; // IB-045 reports it
      if (subtype === 'datasource' && key === 'tag') continue; // IB-053
      add('IB-029', 'schema', `Option "${name}" (${subtype}): schema.${key} is not allowed for this subtype.`, key, undefined, 'Remove it, or use the option subtype that has it.');
    } else if (mark === 'W' && present) {
      add('IB-029', 'schema', `Option "${name}" (${subtype}): schema.${key} is undocumented for this subtype.`, key, 'warning');
    }
  }
  for (const key of Object.keys(schema)) {
    if (!KNOWN_SCHEMA_KEYS.has(key) && !(o.rawKeys ?? []).includes(key)) {
      add('IB-029', 'schema', `Option "${name}": unknown schema keyword "${key}".`, key, undefined, 'Remove it, or pass it through the escape hatch (raw) if Marketplace really accepts it.');
    }
  }
  // IB-030 const
  if ((subtype === 'int-const' || subtype === 'str-const' || subtype === 'bool-const') && !valueMatchesType(schema.const, type)) {
    add('IB-030', 'schema', `Option "${name}": const ${JSON.stringify(schema.const)} is not of type ${text(type)}.`, 'const');
  }
  // IB-031/032 enum
  if (subtype === 'int-enum' || subtype === 'str-enum') {
    const values = schema.enum;
    if (!Array.isArray(values) || values.length === 0) add('IB-031', 'schema', `Option "${name}": enum must be a non-empty list.`, 'enum');
    else {
      const bad = values.filter((v) => !valueMatchesType(v, type));
      if (bad.length) add('IB-031', 'schema', `Option "${name}": enum values ${JSON.stringify(bad)} are not of type ${text(type)}.`, 'enum');
      if (schema.default === undefined) add('IB-031', 'schema', `Option "${name}": an enum option needs a default, one of ${JSON.stringify(values)}.`, 'default');
      else if (!values.some((v) => v === schema.default)) add('IB-031', 'schema', `Option "${name}": default ${JSON.stringify(schema.default)} is not in enum ${JSON.stringify(values)}.`, 'default');
      if (new Set(values.map((v) => JSON.stringify(v))).size !== values.length) add('IB-032', 'schema', `Option "${name}": enum has duplicate values.`, 'enum', 'warning');
    }
  }
  // IB-033/034 step1, IB-036 custom step (step counts)
  if (subtype === 'int-step1' || subtype === 'int-custom-step') {
    const rule = subtype === 'int-step1' ? 'IB-033' : 'IB-036';
    const { minimum, maximum } = schema;
    if (minimum !== undefined && (!isInt(minimum) || minimum < 0)) add(rule, 'schema', `Option "${name}": minimum must be an integer ≥ 0; got ${JSON.stringify(minimum)}.`, 'minimum');
    if (maximum !== undefined && (!isInt(maximum) || maximum <= 0)) add(rule, 'schema', `Option "${name}": maximum must be an integer > 0; got ${JSON.stringify(maximum)}.`, 'maximum');
    if (isInt(minimum) && isInt(maximum) && minimum > maximum) add(rule, 'schema', `Option "${name}": minimum ${minimum} is greater than maximum ${maximum}.`, 'minimum');
    const def = schema.default;
    const dRule = subtype === 'int-step1' ? 'IB-034' : 'IB-036';
    if (def !== undefined) {
      if (!isInt(def)) add(dRule, 'schema', `Option "${name}": default must be an integer; got ${JSON.stringify(def)}.`, 'default');
      else {
        const lo = isInt(minimum) ? minimum : 0;
        if (def < lo) add(dRule, 'schema', `Option "${name}": default ${def} is below ${isInt(minimum) ? `minimum ${minimum}` : '0'}.`, 'default');
        if (isInt(maximum) && def > maximum) add(dRule, 'schema', `Option "${name}": default ${def} is above maximum ${maximum}.`, 'default');
      }
    }
  }
  // IB-035 custom-step billing
  if (subtype === 'int-custom-step') {
    const b = o.billing as unknown;
    if (!isPlainObject(b)) add('IB-035', 'billing', `Option "${name}": billing must be a map with cost and unit.size.`, 'billing');
    else {
      if (!isNum(b.cost) || b.cost < 0) add('IB-035', 'billing', `Option "${name}": billing.cost must be a number ≥ 0; got ${JSON.stringify(b.cost)}.`, 'billing');
      const unit = b.unit;
      if (!isPlainObject(unit)) add('IB-035', 'billing', `Option "${name}": billing.unit is required, with size (an integer > 0).`, 'billing');
      else {
        if (!isInt(unit.size) || unit.size <= 0) add('IB-035', 'billing', `Option "${name}": billing.unit.size must be an integer > 0; got ${JSON.stringify(unit.size)}.`, 'billing');
        if (unit.measurement !== undefined && (typeof unit.measurement !== 'string' || codePoints(unit.measurement) > 255)) add('IB-035', 'billing', `Option "${name}": billing.unit.measurement must be a string of ≤ 255 characters.`, 'billing');
        for (const k of Object.keys(unit)) if (k !== 'size' && k !== 'measurement') add('IB-035', 'billing', `Option "${name}": unknown key billing.unit.${k}.`, 'billing');
      }
      if (b.base !== undefined && !isInt(b.base)) add('IB-035', 'billing', `Option "${name}": billing.base must be an integer; got ${JSON.stringify(b.base)}.`, 'billing');
      for (const k of Object.keys(b)) if (!['base', 'cost', 'unit'].includes(k)) add('IB-035', 'billing', `Option "${name}": unknown key billing.${k}.`, 'billing');
    }
  }
  // IB-037/038 str-input
  if (subtype === 'str-input') {
    const { minLength, maxLength, pattern } = schema;
    if (minLength !== undefined && (!isInt(minLength) || minLength <= 0)) add('IB-037', 'schema', `Option "${name}": minLength must be an integer > 0.`, 'minLength');
    if (maxLength !== undefined && (!isInt(maxLength) || maxLength <= 0)) add('IB-037', 'schema', `Option "${name}": maxLength must be an integer > 0.`, 'maxLength');
    if (isInt(minLength) && isInt(maxLength) && minLength > maxLength) add('IB-037', 'schema', `Option "${name}": minLength ${minLength} is greater than maxLength ${maxLength}.`, 'minLength');
    let re: RegExp | undefined;
    if (pattern !== undefined) {
      if (typeof pattern !== 'string') add('IB-037', 'schema', `Option "${name}": pattern must be a string.`, 'pattern');
      else {
        try {
          re = new RegExp(pattern, 'u');
        } catch (error) {
          add('IB-037', 'schema', `Option "${name}": pattern does not compile: ${(error as Error).message}.`, 'pattern');
        }
      }
    }
    const def = schema.default;
    if (def !== undefined) {
      if (typeof def !== 'string') add('IB-038', 'schema', `Option "${name}": default must be a string.`, 'default', 'warning');
      else {
        if (re && !re.test(def)) add('IB-038', 'schema', `Option "${name}": default ${JSON.stringify(def)} does not match pattern.`, 'default', 'warning');
        if (isInt(minLength) && codePoints(def) < minLength) add('IB-038', 'schema', `Option "${name}": default is shorter than minLength.`, 'default', 'warning');
        if (isInt(maxLength) && codePoints(def) > maxLength) add('IB-038', 'schema', `Option "${name}": default is longer than maxLength.`, 'default', 'warning');
      }
    }
  }
  // IB-039 bool switch default
  if (subtype === 'bool-switch' && schema.default !== undefined && typeof schema.default !== 'boolean') {
    add('IB-039', 'schema', `Option "${name}": default must be a boolean; got ${JSON.stringify(schema.default)}.`, 'default');
  }
  // IB-040 billing placement, IB-041 paid switch
  if (o.billing !== undefined) {
    if (subtype === 'str-const' || subtype === 'str-input' || subtype === 'str-enum' || subtype === 'datasource') {
      add('IB-040', 'billing', `Option "${name}" (${subtype}) cannot be paid: string and datasource options never carry a price.`, 'billing', undefined, 'Remove billing from this option.');
    } else if (subtype === 'int-const' || subtype === 'int-enum' || subtype === 'bool-const') {
      add('IB-040', 'billing', `Option "${name}" (${subtype}): billing on this subtype is undocumented.`, 'billing', 'warning');
    }
    if (subtype === 'bool-switch') {
      const b = o.billing as unknown;
      if (!isPlainObject(b) || !isNum(b.cost) || b.cost < 0 || Object.keys(b).some((k) => k !== 'cost')) {
        add('IB-041', 'billing', `Option "${name}": a paid switch's billing has only cost, a number ≥ 0; got ${JSON.stringify(b)}.`, 'billing');
      }
    }
  }
  // IB-042 postpaid
  if (subtype === 'postpaid') {
    if (type !== 'integer' && type !== 'number') add('IB-042', 'schema', `Option "${name}": a postpaid option has type integer or number.`, 'type');
    const extra = Object.keys(schema).filter((k) => !['description', 'hint', 'type'].includes(k) && !(o.rawKeys ?? []).includes(k));
    if (extra.length) add('IB-042', 'schema', `Option "${name}": a postpaid option's schema has only description, hint and type; remove ${extra.join(', ')}.`, extra[0]);
    const b = o.billing as unknown;
    if (!isPlainObject(b)) add('IB-042', 'billing', `Option "${name}": a postpaid option needs billing with cost and unit.size: 1.`, 'billing');
    else {
      if (!isNum(b.cost) || b.cost < 0) add('IB-042', 'billing', `Option "${name}": billing.cost must be a number ≥ 0.`, 'billing');
      const unit = b.unit;
      if (!isPlainObject(unit) || unit.size !== 1) add('IB-042', 'billing', `Option "${name}": billing.unit.size must be exactly 1 for a postpaid option.`, 'billing');
      else if (unit.measurement !== undefined && (typeof unit.measurement !== 'string' || codePoints(unit.measurement) > 255)) add('IB-042', 'billing', `Option "${name}": billing.unit.measurement must be a string of ≤ 255 characters.`, 'billing');
    }
  }
  if (subtype === 'datasource' && kind === 'image-based') checkDatasource(o, schema, add);
  return out;
}

function checkDatasource(
  o: OptionModel,
  schema: Record<string, unknown>,
  add: (rule: string, area: OptionFinding['area'], message: string, field?: string, severity?: Severity, hint?: string) => void,
): void {
  const name = o.name;
  const ds = schema.datasource;
  if (!isPlainObject(ds)) {
    add('IB-044', 'schema', `Option "${name}": schema.datasource must be a map with a type.`, 'datasource');
    return;
  }
  const t = ds.type;
  if (schema.type !== 'string' || !DATASOURCE_TYPES.includes(t as string)) {
    add('IB-044', 'schema', `Option "${name}": a datasource option has type string and datasource.type one of ${DATASOURCE_TYPES.join(', ')}; got type ${JSON.stringify(schema.type)}, datasource.type ${JSON.stringify(t)}.`, 'datasource');
  }
  if (schema.default !== undefined) {
    if (t !== 'az' && t !== 'volume_type') add('IB-045', 'schema', `Option "${name}": a ${text(t)} datasource cannot have a default (only az and volume_type can).`, 'default');
    if (t === 'az' && schema.default !== 'ms1' && schema.default !== 'gz1') add('IB-046', 'schema', `Option "${name}": AZ default ${JSON.stringify(schema.default)} is not a documented Moscow-region zone (ms1, gz1).`, 'default', 'warning');
  }
  const filter = ds.filter;
  const names = isPlainObject(filter) && isPlainObject(filter.name) && Array.isArray(filter.name.enum) ? (filter.name.enum as unknown[]) : undefined;
  if (t === 'volume_type' && schema.default !== undefined) {
    if (!VOLUME_TYPES.includes(schema.default as string)) add('IB-047', 'schema', `Option "${name}": volume_type default must be one of ${VOLUME_TYPES.join(', ')}.`, 'default');
    else if (names && !names.includes(schema.default)) add('IB-047', 'schema', `Option "${name}": default ${JSON.stringify(schema.default)} is not among the filtered names ${JSON.stringify(names)}.`, 'default');
  }
  if (filter !== undefined) {
    const allowed: Record<string, string[]> = { flavor: ['vcpus', 'ram'], network: ['kind', 'shared'], volume_type: ['disk_class', 'name'] };
    const keys = typeof t === 'string' && Object.hasOwn(allowed, t) ? allowed[t] : undefined; // not "constructor" & co.
    if (!keys || !isPlainObject(filter)) add('IB-048', 'schema', `Option "${name}": datasource.filter is allowed only for flavor, network and volume_type.`, 'datasource');
    else {
      for (const k of Object.keys(filter)) if (!keys.includes(k)) add('IB-048', 'schema', `Option "${name}": filter key "${k}" is not allowed for ${text(t)} (allowed: ${keys.join(', ')}).`, 'datasource');
      if (t === 'flavor') {
        for (const k of ['vcpus', 'ram']) {
          const r = filter[k];
          if (r === undefined) continue;
          if (!isPlainObject(r) || Object.keys(r).some((x) => x !== 'minimum' && x !== 'maximum')) add('IB-049', 'schema', `Option "${name}": filter.${k} has only minimum and maximum.`, 'datasource');
          else {
            for (const x of ['minimum', 'maximum']) if (r[x] !== undefined && (!isInt(r[x]) || (r[x] as number) <= 0)) add('IB-049', 'schema', `Option "${name}": filter.${k}.${x} must be an integer > 0.`, 'datasource');
            if (isInt(r.minimum) && isInt(r.maximum) && r.minimum > r.maximum) add('IB-049', 'schema', `Option "${name}": filter.${k}.minimum is greater than maximum.`, 'datasource');
          }
        }
      }
      if (t === 'network') {
        const kinds = filter.kind === undefined ? [] : Array.isArray(filter.kind) ? filter.kind : [filter.kind];
        for (const k of kinds) if (!['external', 'internal', 'all'].includes(k as string)) add('IB-050', 'schema', `Option "${name}": filter.kind ${JSON.stringify(k)} is not one of external, internal, all.`, 'datasource', undefined, k === 'private' ? 'The docs example uses `private`, which Marketplace does not accept; use internal.' : undefined);
        const shared = filter.shared === undefined ? [] : Array.isArray(filter.shared) ? filter.shared : [filter.shared];
        for (const s of shared) if (typeof s !== 'boolean') add('IB-050', 'schema', `Option "${name}": filter.shared must be a boolean.`, 'datasource');
      }
      if (t === 'volume_type') {
        const dc = filter.disk_class;
        if (dc !== undefined) {
          if (!isPlainObject(dc) || !Array.isArray(dc.enum)) add('IB-051', 'schema', `Option "${name}": filter.disk_class must be a map with an enum list (enum nested under disk_class).`, 'datasource');
          else for (const v of dc.enum) {
            if (VOLUME_TYPES.includes(v as string)) add('IB-051', 'schema', `Option "${name}": disk_class ${JSON.stringify(v)} is the REF spelling; the MA spelling is ssd, hdd, high_iops_disk.`, 'datasource', 'warning');
            else if (!DISK_CLASSES_MA.includes(v as string)) add('IB-051', 'schema', `Option "${name}": disk_class ${JSON.stringify(v)} is not one of ${DISK_CLASSES_MA.join(', ')}.`, 'datasource');
          }
        }
        const nm = filter.name;
        if (nm !== undefined) {
          if (!isPlainObject(nm) || !Array.isArray(nm.enum)) add('IB-051', 'schema', `Option "${name}": filter.name must be a map with an enum list.`, 'datasource');
          else for (const v of nm.enum) if (!VOLUME_TYPES.includes(v as string)) add('IB-051', 'schema', `Option "${name}": filter.name ${JSON.stringify(v)} is not one of ${VOLUME_TYPES.join(', ')}.`, 'datasource');
        }
      }
    }
  }
  if (ds.value_is !== undefined) {
    if (ds.value_is !== 'uuid' && ds.value_is !== 'name') add('IB-052', 'schema', `Option "${name}": datasource.value_is must be uuid or name.`, 'datasource');
    else if (t !== 'network') add('IB-052', 'schema', `Option "${name}": value_is is documented only for network datasources.`, 'datasource', 'warning');
  }
  for (const k of Object.keys(ds)) if (!['type', 'filter', 'value_is'].includes(k)) add('IB-048', 'schema', `Option "${name}": unknown datasource key "${k}".`, 'datasource');
}
