/**
 * Tariff options («тарифные опции»). Each option subtype of the marketplace has its
 * own constructor, so combinations the docs forbid (a `pattern` on an integer, a
 * price on a string) cannot be written. Constructors produce the marketplace's own
 * keyword form (`schema`, `billing`, `actions`), which the SaaS catalog and the
 * image-based `parameters/<name>.yaml` files share.
 */
import { OPTION, OPTION_REF, OPTION_USE, unknownKeyIssues, type DslIssue } from './brand.js';
import { captureSite, type Site } from './site.js';

/** When the option is editable: at connect (`create`) and/or at plan update (`update`). */
export type OptionAction = 'create' | 'update';

/** Subtypes of SPEC §C.7.3; the model and the rules use the same names. */
export type OptionSubtype =
  | 'int-const'
  | 'int-enum'
  | 'int-step1'
  | 'int-custom-step'
  | 'postpaid'
  | 'str-const'
  | 'str-input'
  | 'str-enum'
  | 'bool-const'
  | 'bool-switch'
  | 'datasource';

/** Disk types of the `volume_type` datasource. */
export type VolumeTypeName = 'ceph-ssd' | 'ceph-hdd' | 'high-iops';
/** Disk classes for the `volume_type` filter (`disk_class.enum`). */
export type DiskClass = 'ssd' | 'hdd' | 'high_iops_disk';

/** Fields every user-editable option has. */
export interface CommonOptionInput {
  /** Label above the field, in the matrix and the wizard. ≤ 255 characters. Marketplace: `schema.description`. */
  readonly description: string;
  /** Tooltip text. ≤ 255 characters. Marketplace: `schema.hint`. */
  readonly hint?: string;
  /**
   * When the user can set the option: at connect (`create`), at plan update (`update`), or both.
   * Default `['create', 'update']`. Marketplace: `actions` (IB) / the `schemas.service_instance`
   * section the option is placed in (SaaS).
   */
  readonly actions?: readonly OptionAction[];
  /**
   * Escape hatch: extra `schema` keywords the docs do not describe, passed through verbatim.
   * Every key used here is reported as a warning.
   */
  readonly raw?: Readonly<Record<string, unknown>>;
}

/** A fixed, read-only integer. Marketplace: `type: integer` + `const`. */
export interface IntegerConstInput extends CommonOptionInput {
  /** The fixed value. Marketplace: `schema.const`. */
  readonly value: number;
}
/** An integer chosen from a list. Marketplace: `type: integer` + `enum` + `default`. */
export interface IntegerEnumInput<T extends number = number> extends CommonOptionInput {
  /** The values to choose from. Marketplace: `schema.enum`. */
  readonly values: readonly T[];
  /** Initial value; one of `values`. Marketplace: `schema.default`. */
  readonly default: NoInfer<T>;
}
/** A free integer with step 1 (the "step 1" subtype). */
export interface IntegerRangeInput extends CommonOptionInput {
  /** Initial value, default 0. Marketplace: `schema.default`. */
  readonly default?: number;
  /** Smallest value, ≥ 0. Marketplace: `schema.minimum`. */
  readonly minimum?: number;
  /** Largest value, > 0. Marketplace: `schema.maximum`. */
  readonly maximum?: number;
  /** Links a disk-size option with a `volume_type` datasource option (image-based only). Marketplace: `schema.tag`. */
  readonly tag?: string;
}
/** Price and step of a paid integer ("custom step"). Marketplace: `billing`. */
export interface PaidStepBilling {
  /** Value included in the plan price and the minimum the user can set. Default 0. Marketplace: `billing.base`. */
  readonly base?: number;
  /** Price of one step per billing period, ≥ 0 (0 = free step). Marketplace: `billing.cost`. */
  readonly cost: number;
  /** Step size, an integer > 0. Marketplace: `billing.unit.size`. */
  readonly unitSize: number;
  /** Unit label shown to the user, ≤ 255 characters. Marketplace: `billing.unit.measurement`. */
  readonly measurement?: string;
}
/**
 * An integer bought in steps: the user picks `base + k·unitSize`, and pays `k·cost` per period.
 * `default`, `minimum` and `maximum` count steps (k), not values.
 */
export interface IntegerPaidStepInput extends CommonOptionInput {
  /** Initial step count k, default 0. Marketplace: `schema.default`. */
  readonly default?: number;
  /** Smallest step count, ≥ 0. Marketplace: `schema.minimum`. */
  readonly minimum?: number;
  /** Largest step count, > 0. Marketplace: `schema.maximum`. */
  readonly maximum?: number;
  readonly billing: PaidStepBilling;
}
/** A fixed, read-only string. Marketplace: `type: string` + `const`. */
export interface StringConstInput extends CommonOptionInput {
  readonly value: string;
}
/** A free-text field. Marketplace: `type: string` with optional `pattern`, `minLength`, `maxLength`. */
export interface StringInputInput extends CommonOptionInput {
  readonly default?: string;
  /** Regular expression the value must match. Marketplace: `schema.pattern`. */
  readonly pattern?: string;
  /** Integer > 0. Marketplace: `schema.minLength`. */
  readonly minLength?: number;
  /** Integer > 0. Marketplace: `schema.maxLength`. */
  readonly maxLength?: number;
}
/** A string chosen from a list. Marketplace: `type: string` + `enum` + `default`. */
export interface StringEnumInput<T extends string = string> extends CommonOptionInput {
  readonly values: readonly T[];
  readonly default: NoInfer<T>;
}
/** A fixed boolean. Marketplace: `type: boolean` + `const`. */
export interface BooleanConstInput extends CommonOptionInput {
  readonly value: boolean;
}
/** A switch, free or paid. Marketplace: `type: boolean` (+ `billing.cost`). */
export interface BooleanSwitchInput extends CommonOptionInput {
  /** Initial state, default false. Marketplace: `schema.default`. */
  readonly default?: boolean;
  /** Price per period while switched on, ≥ 0. Omit for a free switch. Marketplace: `billing.cost`. */
  readonly cost?: number;
}
/**
 * A usage-based (postpaid) option: values come from usage reports, not from the user.
 * Allowed only in free plans. Marketplace: SaaS `resource_usages`; IB `actions: [resource_usages]`.
 */
export interface PostpaidInput {
  readonly description: string;
  readonly hint?: string;
  /** Price per unit, ≥ 0. For pull reports it equals the report `price`. Marketplace: `billing.cost`. */
  readonly cost: number;
  /** Unit label, ≤ 255 characters. Marketplace: `billing.unit.measurement`. (`unit.size` is always 1.) */
  readonly measurement?: string;
  readonly raw?: Readonly<Record<string, unknown>>;
}
/** VM type picker (image-based). Marketplace: `datasource.type: flavor`. */
export interface FlavorInput extends CommonOptionInput {
  /** vCPU limits. Marketplace: `datasource.filter.vcpus`. */
  readonly vcpus?: { readonly minimum?: number; readonly maximum?: number };
  /** RAM limits in MB. Marketplace: `datasource.filter.ram`. */
  readonly ram?: { readonly minimum?: number; readonly maximum?: number };
}
/** Availability-zone picker. Marketplace: `datasource.type: az`. */
export interface AzInput extends CommonOptionInput {
  /** `ms1` or `gz1` (Moscow region). Marketplace: `schema.default`. */
  readonly default?: 'ms1' | 'gz1' | (string & {});
}
/** Network picker. Marketplace: `datasource.type: network`. */
export interface NetworkInput extends CommonOptionInput {
  /** Which networks to list. Marketplace: `datasource.filter.kind`. */
  readonly kind?: 'external' | 'internal' | 'all';
  /** List shared networks too. Marketplace: `datasource.filter.shared`. */
  readonly shared?: boolean;
  /** What is passed and shown: network UUID or name. Marketplace: `datasource.value_is`. */
  readonly valueIs?: 'uuid' | 'name';
}
/** Subnet picker. Marketplace: `datasource.type: subnet`. */
export interface SubnetInput extends CommonOptionInput {}
/** Disk-type picker, paired with a disk-size integer by `tag`. Marketplace: `datasource.type: volume_type`. */
export interface VolumeTypeInput extends CommonOptionInput {
  readonly default?: VolumeTypeName;
  /** Marketplace: `datasource.filter.disk_class.enum`. */
  readonly diskClass?: readonly DiskClass[];
  /** Marketplace: `datasource.filter.name.enum`. */
  readonly names?: readonly VolumeTypeName[];
  /** Links this disk type with its disk-size option. Marketplace: `schema.tag`. */
  readonly tag?: string;
}

/**
 * An option definition: the marketplace keyword form plus where it was written.
 * `V` is the type of the option's value (used by `when` conditions); `P` the type of
 * per-plan overrides accepted by {@link OptionRef.with}.
 */
export interface OptionDef<V = unknown, P = unknown> {
  readonly [OPTION]: true;
  readonly subtype: OptionSubtype;
  /** Marketplace `actions`. */
  readonly actions: readonly ('create' | 'update' | 'resource_usages')[];
  /** Marketplace `schema` keywords, in emission order. */
  readonly schema: Readonly<Record<string, unknown>>;
  /** Marketplace `billing`, if the option is paid. */
  readonly billing?: Readonly<Record<string, unknown>>;
  /** Keys from `raw`, passed through with a warning. */
  readonly rawKeys: readonly string[];
  readonly site?: Site;
  readonly issues: readonly DslIssue[];
  /** Builds the same option with per-plan overrides applied. @internal */
  readonly rebuild: (patch: P) => OptionDef<V, P>;
  /** Keys of the override object that replace a whole marketplace section (form B). @internal */
  readonly wholeSections: readonly string[];
  /** Phantom value type. @internal */
  readonly __value?: V;
}

/** A reference to a named option of a service's option set. */
export interface OptionRef<N extends string = string, V = unknown, P = unknown> {
  readonly [OPTION_REF]: true;
  /** The option's canonical name (SaaS property key; IB file base name; Terraform variable). */
  readonly name: N;
  readonly def: OptionDef<V, P>;
  /**
   * This option with per-plan overrides (SaaS: the plan's own schema; image-based:
   * `parameters_patch`). Use the result wherever the option itself is accepted.
   */
  with(overrides: P): OptionUse<N, V, P>;
}

/** An option placed in a plan, possibly with per-plan overrides. */
export interface OptionUse<N extends string = string, V = unknown, P = unknown> {
  readonly [OPTION_USE]: true;
  readonly ref: OptionRef<N, V, P>;
  readonly overrides: P;
  readonly site?: Site;
}

/** Anything that names an option: the reference itself, or a reference with overrides. */
export type OptionLike<N extends string = string, V = unknown> = OptionRef<N, V, any> | OptionUse<N, V, any>;

type Overrides<I> = Partial<Omit<I, 'actions' | 'raw'>>;

const COMMON_KEYS = ['description', 'hint', 'actions', 'raw'] as const;

function orderedSchema(entries: Record<string, unknown>, raw: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> {
  const order = ['type', 'description', 'hint', 'const', 'enum', 'default', 'minimum', 'maximum', 'pattern', 'minLength', 'maxLength', 'tag', 'datasource'];
  const out: Record<string, unknown> = {};
  for (const key of order) if (entries[key] !== undefined) out[key] = entries[key];
  if (raw) for (const [key, value] of Object.entries(raw)) if (!(key in out)) out[key] = value;
  return out;
}

function makeDef<I extends object, V>(
  what: string,
  subtype: OptionSubtype,
  allowedKeys: readonly string[],
  input: I,
  site: Site | undefined,
  toMarketplace: (i: I) => { schema: Record<string, unknown>; billing?: Record<string, unknown>; actions?: OptionDef['actions'] },
  wholeSections: readonly string[] = [],
): OptionDef<V, Overrides<I>> {
  const issues = unknownKeyIssues(what, input, allowedKeys, site);
  const common = input as unknown as CommonOptionInput;
  const built = toMarketplace(input);
  const def: OptionDef<V, Overrides<I>> = {
    [OPTION]: true,
    subtype,
    actions: built.actions ?? (common.actions ? [...common.actions] : ['create', 'update']),
    schema: Object.freeze(orderedSchema(built.schema, common.raw)),
    billing: built.billing ? Object.freeze(built.billing) : undefined,
    rawKeys: common.raw ? Object.keys(common.raw) : [],
    site,
    issues,
    rebuild: (patch) => makeDef<I, V>(what, subtype, allowedKeys, { ...input, ...patch }, site, toMarketplace, wholeSections),
    wholeSections,
  };
  return Object.freeze(def);
}

const base = (i: CommonOptionInput, type: string) => ({ type, description: i.description, hint: i.hint });

/** Integer options. */
export const integer = {
  /** A fixed, read-only integer (`const`). */
  const(input: IntegerConstInput): OptionDef<number, Overrides<IntegerConstInput>> {
    return makeDef('option.integer.const', 'int-const', [...COMMON_KEYS, 'value'], input, captureSite(), (i) => ({ schema: { ...base(i, 'integer'), const: i.value } }));
  },
  /** An integer chosen from `values` (`enum` + `default`). */
  enum<const T extends number>(input: IntegerEnumInput<T>): OptionDef<T, Overrides<IntegerEnumInput<T>>> {
    return makeDef('option.integer.enum', 'int-enum', [...COMMON_KEYS, 'values', 'default'], input, captureSite(), (i) => ({
      schema: { ...base(i, 'integer'), enum: [...i.values], default: i.default },
    }));
  },
  /** A free integer in [`minimum`, `maximum`] with step 1. */
  range(input: IntegerRangeInput): OptionDef<number, Overrides<IntegerRangeInput>> {
    return makeDef('option.integer.range', 'int-step1', [...COMMON_KEYS, 'default', 'minimum', 'maximum', 'tag'], input, captureSite(), (i) => ({
      schema: { ...base(i, 'integer'), default: i.default, minimum: i.minimum, maximum: i.maximum, tag: i.tag },
    }));
  },
  /** An integer bought in steps of `billing.unitSize` above `billing.base`, each step costing `billing.cost`. */
  paidStep(input: IntegerPaidStepInput): OptionDef<number, Overrides<IntegerPaidStepInput>> {
    return makeDef(
      'option.integer.paidStep',
      'int-custom-step',
      [...COMMON_KEYS, 'default', 'minimum', 'maximum', 'billing'],
      input,
      captureSite(),
      (i) => ({
        schema: { ...base(i, 'integer'), default: i.default, minimum: i.minimum, maximum: i.maximum },
        billing: paidStepBilling(i.billing),
      }),
      ['billing'],
    );
  },
};

function paidStepBilling(b: PaidStepBilling | undefined): Record<string, unknown> {
  if (!b || typeof b !== 'object') return {};
  const unit: Record<string, unknown> = { size: b.unitSize };
  if (b.measurement !== undefined) unit.measurement = b.measurement;
  const out: Record<string, unknown> = {};
  if (b.base !== undefined) out.base = b.base;
  out.cost = b.cost;
  out.unit = unit;
  return out;
}

/** String options. */
export const string = {
  /** A fixed, read-only string (`const`). */
  const(input: StringConstInput): OptionDef<string, Overrides<StringConstInput>> {
    return makeDef('option.string.const', 'str-const', [...COMMON_KEYS, 'value'], input, captureSite(), (i) => ({ schema: { ...base(i, 'string'), const: i.value } }));
  },
  /** A text field with optional `pattern`, `minLength`, `maxLength`. */
  input(input: StringInputInput): OptionDef<string, Overrides<StringInputInput>> {
    return makeDef('option.string.input', 'str-input', [...COMMON_KEYS, 'default', 'pattern', 'minLength', 'maxLength'], input, captureSite(), (i) => ({
      schema: { ...base(i, 'string'), default: i.default, pattern: i.pattern, minLength: i.minLength, maxLength: i.maxLength },
    }));
  },
  /** A string chosen from `values` (`enum` + `default`). */
  enum<const T extends string>(input: StringEnumInput<T>): OptionDef<T, Overrides<StringEnumInput<T>>> {
    return makeDef('option.string.enum', 'str-enum', [...COMMON_KEYS, 'values', 'default'], input, captureSite(), (i) => ({
      schema: { ...base(i, 'string'), enum: [...i.values], default: i.default },
    }));
  },
};

/** Boolean options. */
export const boolean = {
  /** A fixed, read-only boolean (`const`). */
  const(input: BooleanConstInput): OptionDef<boolean, Overrides<BooleanConstInput>> {
    return makeDef('option.boolean.const', 'bool-const', [...COMMON_KEYS, 'value'], input, captureSite(), (i) => ({ schema: { ...base(i, 'boolean'), const: i.value } }));
  },
  /** A switch; with `cost` it is a paid switch, charged while on. */
  switch(input: BooleanSwitchInput): OptionDef<boolean, Overrides<BooleanSwitchInput>> {
    return makeDef('option.boolean.switch', 'bool-switch', [...COMMON_KEYS, 'default', 'cost'], input, captureSite(), (i) => ({
      schema: { ...base(i, 'boolean'), default: i.default },
      billing: i.cost === undefined ? undefined : { cost: i.cost },
    }));
  },
};

function postpaidOf(type: 'integer' | 'number') {
  return (input: PostpaidInput): OptionDef<number, Overrides<PostpaidInput>> =>
    makeDef(`option.postpaid.${type}`, 'postpaid', ['description', 'hint', 'cost', 'measurement', 'raw'], input, captureSite(), (i) => {
      const unit: Record<string, unknown> = { size: 1 };
      if (i.measurement !== undefined) unit.measurement = i.measurement;
      return { schema: { type, description: i.description, hint: i.hint }, billing: { cost: i.cost, unit }, actions: ['resource_usages'] };
    });
}

/** Usage-based (postpaid) options: allowed only in free plans; values come from usage reports. */
export const postpaid = {
  /** A postpaid integer metric. */
  integer: postpaidOf('integer'),
  /** A postpaid number metric (e.g. GB stored, `2.55786`). */
  number: postpaidOf('number'),
};

function datasourceOf<I extends CommonOptionInput>(dsType: string, keys: readonly string[], build: (i: I) => { datasource: Record<string, unknown>; default?: unknown; tag?: string }) {
  return (input: I): OptionDef<string, Overrides<I>> =>
    makeDef(`option.datasource.${dsType === 'volume_type' ? 'volumeType' : dsType}`, 'datasource', [...COMMON_KEYS, ...keys], input, captureSite(), (i) => {
      const b = build(i);
      return { schema: { ...base(i, 'string'), default: b.default, tag: b.tag, datasource: { type: dsType, ...b.datasource } } };
    });
}

function compact(o: Record<string, unknown>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return Object.keys(out).length ? out : undefined;
}

/** Cloud-entity pickers (image-based only): the user picks from the project's own resources. */
export const datasource = {
  /** VM type; optional vCPU and RAM (MB) limits. */
  flavor: datasourceOf<FlavorInput>('flavor', ['vcpus', 'ram'], (i) => ({
    datasource: compact({ filter: compact({ vcpus: i.vcpus && compact({ ...i.vcpus }), ram: i.ram && compact({ ...i.ram }) }) }) ?? {},
  })),
  /** Availability zone; optional default `ms1` or `gz1`. */
  az: datasourceOf<AzInput>('az', ['default'], (i) => ({ datasource: {}, default: i.default })),
  /** Network; optional `kind`, `shared` filter and `valueIs`. */
  network: datasourceOf<NetworkInput>('network', ['kind', 'shared', 'valueIs'], (i) => ({
    datasource: compact({ value_is: i.valueIs, filter: compact({ kind: i.kind, shared: i.shared }) }) ?? {},
  })),
  /** Subnet of the user's project. */
  subnet: datasourceOf<SubnetInput>('subnet', [], () => ({ datasource: {} })),
  /** Disk type; pair it with a disk-size `integer.range` through the same `tag`. */
  volumeType: datasourceOf<VolumeTypeInput>('volume_type', ['default', 'diskClass', 'names', 'tag'], (i) => ({
    datasource:
      compact({
        filter: compact({
          disk_class: i.diskClass ? { enum: [...i.diskClass] } : undefined,
          name: i.names ? { enum: [...i.names] } : undefined,
        }),
      }) ?? {},
    default: i.default,
    tag: i.tag,
  })),
};

/** All option constructors, grouped by type. */
export const option = { integer, string, boolean, postpaid, datasource };

/** True for values made by an option constructor. */
export function isOptionDef(value: unknown): value is OptionDef {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[OPTION] === true;
}
/** True for option references from an option set. */
export function isOptionRef(value: unknown): value is OptionRef {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[OPTION_REF] === true;
}
/** True for options placed with overrides (`ref.with({...})`). */
export function isOptionUse(value: unknown): value is OptionUse {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[OPTION_USE] === true;
}

/** The references an option set exposes, one per key. */
export type OptionSet<D extends Record<string, OptionDef<any, any>>> = {
  readonly [K in keyof D & string]: D[K] extends OptionDef<infer V, infer P> ? OptionRef<K, V, P> : never;
};

/**
 * Names the options of a service. The keys are the canonical option names (SaaS JSON
 * property; IB `parameters/<name>.yaml`; Terraform variable). Every other part of
 * the DSL refers to options through the returned object, so a misspelt option is a
 * compile error.
 *
 * @example
 * const o = options({ seats: option.integer.paidStep({ ... }), backup: option.boolean.switch({ ... }) });
 * // o.seats, o.backup are references; o.seets does not compile.
 */
export function options<const D extends Record<string, OptionDef<any, any>>>(defs: D): OptionSet<D> {
  const out: Record<string, OptionRef> = {};
  for (const [name, def] of Object.entries(defs)) {
    const ref: OptionRef = {
      [OPTION_REF]: true,
      name,
      def,
      with(overrides: unknown): OptionUse {
        return Object.freeze({ [OPTION_USE]: true as const, ref, overrides, site: captureSite() });
      },
    };
    out[name] = Object.freeze(ref);
  }
  return Object.freeze(out) as OptionSet<D>;
}
