/**
 * The intermediate representation (IR) shared by SaaS and image-based services, by the
 * DSL and by the readers of hand-written artifacts. It keeps the marketplace's own
 * field names and keyword form, so rules cite what vendors see in the docs.
 *
 * Field types state what a valid artifact holds. Readers of hand-written files may
 * place values of other types here (`as` casts at the boundary); rules therefore check
 * types defensively and report them with rule IDs instead of trusting these types.
 */
import type { Span } from '../diagnostics.js';

export type AppKind = 'saas' | 'image-based';

/** Where a node and (optionally) each of its fields came from. */
export interface Located {
  span?: Span;
  /** Spans of individual fields, keyed by marketplace field name (`short_description`). */
  fieldSpans?: Record<string, Span>;
  /** DSL nodes: the DSL field names (camelCase) for marketplace fields, to locate them in source. */
  dslNames?: Record<string, string>;
}

export interface Namespaces {
  test_ns: string[];
  prod_ns: string[];
}

/** Marketplace option `schema` keywords (SPEC §C.7.2). */
export interface OptionSchema {
  type: string;
  description: string;
  hint?: string;
  const?: unknown;
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  tag?: string;
  datasource?: Record<string, unknown>;
  [keyword: string]: unknown;
}

/** Marketplace option `billing` (SPEC §B.6, §C.7.5). */
export interface OptionBilling {
  base?: number;
  cost: number;
  unit?: { size: number; measurement?: string; [k: string]: unknown };
  [k: string]: unknown;
}

export type OptionAction = 'create' | 'update' | 'resource_usages';

/** One option definition (IB: `parameters/<name>.yaml`; SaaS: a `schemas` property). */
export interface OptionModel extends Located {
  name: string;
  actions: OptionAction[];
  schema: OptionSchema;
  billing?: OptionBilling;
  /** Keys passed through the escape hatch, reported as warnings. */
  rawKeys?: string[];
  /** Root keys of the option file beyond actions/schema/billing (readers only). */
  extraRootKeys?: Record<string, unknown>;
}

/** IB `parameters_patch` of one option: form A dotted keys and/or form B whole sections. */
export type OptionPatch = Record<string, unknown>;

/** An option as a plan uses it. */
export interface PlanOption extends Located {
  name: string;
  /** The effective definition in this plan (after per-plan overrides / patches). */
  option: OptionModel;
  /** SaaS: the `update` definition when it differs from `create` (SAAS-071). */
  updateSchema?: OptionSchema;
  /** IB: the plan's `parameters_patch` entry for this option. */
  patch?: OptionPatch;
  /** SaaS readers: priced in `billing.options` but defined in no schema (SAAS-046). */
  billingOnly?: boolean;
}

export interface WhenOperand {
  param?: string;
  const?: unknown;
}
export interface WhenModel extends Located {
  operator: 'in' | 'not_in';
  key: WhenOperand;
  values: WhenOperand[];
  /** Raw object for readers: keys present, to check the grammar (SAAS-036). */
  raw?: unknown;
}

export interface DisplayParam extends Located {
  name: string;
  index?: number;
}
export interface DisplayGroup extends Located {
  name: string;
  index?: number;
  parameters: DisplayParam[];
  when?: WhenModel;
}
export interface DisplayPage extends Located {
  name: string;
  index?: number;
  groups: DisplayGroup[];
}

/** IB `display.yaml` entity (priced infrastructure). */
export interface EntityModel extends Located {
  entity: string;
  description?: string;
  when?: WhenModel;
  count?: WhenOperand;
  flavor?: WhenOperand;
  disks?: { type?: WhenOperand; size?: WhenOperand; span?: Span }[];
  raw?: Record<string, unknown>;
}

export interface PlanBilling extends Located {
  cost: number;
  refundable?: boolean;
  billing_cycle_flat?: string;
  billing_cycle_step?: string;
  /** Keys found at plan level that belong in billing (SAAS-045), or unknown keys. */
  misplaced?: Record<string, unknown>;
  extra?: Record<string, unknown>;
}

/** A file of an IB plan's `deployment/` directory. */
export interface DeploymentFile {
  path: string;
  bytes: Uint8Array;
  span?: Span;
}

export interface PlanModel extends Located {
  id: string;
  revision: string;
  name: string;
  description: string;
  free: boolean;
  plan_updateable?: boolean;
  metadata?: Namespaces;
  billing: PlanBilling;
  /** The plan's options, in first-use order. */
  options: PlanOption[];
  display: { pages: DisplayPage[]; span?: Span };
  /** IB only. */
  entities?: EntityModel[];
  /** IB: explicit `resource_usages` list (SaaS derives it from option actions). */
  resource_usages?: string[];
  /** SaaS: the broker-side plan ID for `plan_mapping.json`. */
  saasPlanId?: string | number;
  /** SaaS: `schemas.service_binding.create.parameters.properties`. */
  bindingProperties?: Record<string, unknown>;
  /** IB: `deployment/` files (Terraform, settings.yaml). */
  deployment?: DeploymentFile[];
  /** Escape-hatch fields, emitted verbatim with a warning. */
  extra?: Record<string, unknown>;
}

export interface TextAsset {
  text: string;
  /** Source file, when the text came from a file. */
  path?: string;
}
export interface BinaryAsset {
  fileName: string;
  bytes: Uint8Array;
  path?: string;
}

export interface ServiceModel extends Located {
  kind: AppKind;
  /** SERVICE_NAME: catalog suffix / plan_mapping key (SaaS) or package directory (IB). */
  serviceName: string;
  id: string;
  revision: string;
  name: string;
  short_description: string;
  full_description: TextAsset;
  icon: string;
  /** SaaS: the SVG source to check (SAAS-012); IB: the file in `images/`. */
  iconAsset?: BinaryAsset;
  help: string;
  singleton?: boolean;
  auto_bind?: boolean;
  bindable: boolean;
  plan_updateable: boolean;
  deactivatable: boolean;
  bindings_retrievable: boolean;
  instances_retrievable: boolean;
  metadata?: Namespaces;
  preview: DisplayParam[];
  /** Option definitions of the service (IB: the `parameters/` files). */
  options: OptionModel[];
  plans: PlanModel[];
  /** IB `version.yaml` generator version. */
  generatorVersion?: string;
  extra?: Record<string, unknown>;
}

/** A SaaS catalog file: one or more service entries (revisions) with one SERVICE_NAME. */
export interface CatalogModel extends Located {
  serviceName: string;
  /** The catalog file, when read from disk (SAAS-001). */
  sourceFile?: string;
  services: ServiceModel[];
  /** `plan_mapping.json` content, when known. */
  planMapping?: { value: unknown; span?: Span; file?: string };
  /** `.env` content (validate only). */
  env?: { values: Record<string, string>; file: string };
}

/** What the validate stage sees: the SaaS catalogs and IB packages of a project or artifact. */
export interface ProjectModel {
  catalogs: CatalogModel[];
  packages: ServiceModel[];
}
