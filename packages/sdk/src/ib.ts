/**
 * Image-based services: compiled to a service package (generator 0.0.1, SPEC §C):
 * `version.yaml`, `service.yaml`, `full_description.md`, `images/`, `parameters/<option>.yaml`,
 * `plans/<plan>/{plan.yaml, display.yaml, deployment/}`, zipped for upload.
 *
 * Derived, never written twice: `resource_usages` (the plan's postpaid options),
 * `parameters_patch` (from `o.x.with({...})`), file names, `version.yaml`.
 */
import { PLAN, SERVICE, unknownKeyIssues, type DslIssue } from './brand.js';
import type { FileRef, PlanBillingInput, ServiceFlags } from './common.js';
import type { OptionLike, OptionRef, VolumeTypeName } from './options.js';
import { captureSite, type Site } from './site.js';
import type { WhenCondition, WizardPage } from './wizard.js';

/**
 * `deployment/settings.yaml` of a plan (SPEC §C.11). vkmp always writes the file with
 * `preset`, so a later change of Marketplace's "latest stable" preset never changes a
 * deployed plan silently (H-12).
 */
export interface DeploymentSettings {
  /**
   * Provider preset: `base_v2` (VK CS 0.5.5, iVK CS 1.0.1), `base_v3` (VK CS 0.7.1, iVK CS 1.2.0)
   * or `base_alpha` (the preset under test; not for published revisions). Default `base_v3`.
   * Marketplace: `preset`.
   */
  readonly preset?: 'base_v2' | 'base_v3' | 'base_alpha';
  /**
   * Whether the deployment system redeploys after a failed run (manifest error, no cloud
   * access, no health check, failed script). Omitted: Marketplace's default, `yes`.
   * Emitted as `yes`/`no`. Marketplace: `retry`.
   */
  readonly retry?: boolean;
}

/** A plan's deployment: its Terraform manifests and settings (`plans/<plan>/deployment/`). */
export interface DeploymentInput {
  /**
   * The plan's Terraform manifests, copied to `plans/<plan>/deployment/` (one flat directory):
   * `file('./terraform/basic')` (a directory: every `*.tf` directly in it, sorted) or a list
   * of files and directories, e.g. `[file('./terraform/common'), file('./terraform/basic.tf')]`.
   * Declare `variable "<option>"` for every option the plan shows (`number`, `string`, `bool`),
   * plus `instance_uuid` and `email` as needed (SPEC §C.10).
   */
  readonly terraform: FileRef | readonly FileRef[];
  /** `deployment/settings.yaml` (preset and retry). */
  readonly settings?: DeploymentSettings;
}

/**
 * An operand of an entity field: a constant (`{const: …}`) or an option shown in the plan's
 * wizard (`{param: <option>}`).
 */
export type EntityValue<V> = V | OptionRef<string, V, any>;

/** A disk of a VM entity: its type and size, as constants or options (paired by `tag`). */
export interface DiskInput {
  /**
   * A `option.datasource.volumeType` option, or a constant disk type (`ceph-ssd`, `ceph-hdd`,
   * `high-iops`). Marketplace: `disks[].type`.
   */
  readonly type: VolumeTypeName | OptionRef<string, string, any>;
  /** An integer option (the size in GB, sharing the type option's `tag`), or a constant size > 0. Marketplace: `disks[].size`. */
  readonly size: EntityValue<number>;
}

/** Common fields of priced infrastructure entities (`display.yaml` `entities`). */
export interface EntityCommon {
  /** Shown next to the infrastructure price. Marketplace: `description`. */
  readonly description?: string;
  /** Price this entity only when the condition holds. Marketplace: `when`. */
  readonly when?: WhenCondition;
  /** How many: a constant (≥ 0) or an integer option. Marketplace: `count`. */
  readonly count: EntityValue<number>;
}

/**
 * A priced infrastructure entity of the wizard (SPEC §C.9), made by {@link entity}. The
 * wizard prices it at VK Cloud tariffs; the Terraform manifests must create it.
 */
export interface EntityDef {
  /** The kind of infrastructure. Marketplace: `entity`. */
  readonly entity: 'vm' | 'load_balancing' | 'floating_ip';
  /** Shown next to the price. Marketplace: `description`. */
  readonly description?: string;
  /** Price it only while the condition holds. Marketplace: `when`. */
  readonly when?: WhenCondition;
  /** How many: a constant ≥ 0 or an integer option. Marketplace: `count`. */
  readonly count: EntityValue<number>;
  /** VM type (vm only): a `datasource.flavor` option or a flavor ID. Marketplace: `flavor`. */
  readonly flavor?: EntityValue<string>;
  /** VM disks (vm only). Marketplace: `disks`. */
  readonly disks?: readonly DiskInput[];
  /** Where the entity was written. */
  readonly site?: Site;
  /** Problems found while building it (unknown keys). */
  readonly issues: readonly DslIssue[];
}

/** Entity constructors: the infrastructure the wizard prices at platform tariffs. */
export const entity = {
  /**
   * Virtual machines (`entity: vm`). `flavor`: a `datasource.flavor` option or a flavor ID;
   * `disks` are required when the wizard shows a disk-type option.
   */
  vm(input: EntityCommon & { readonly flavor: EntityValue<string>; readonly disks?: readonly DiskInput[] }): EntityDef {
    const site = captureSite();
    return Object.freeze({ entity: 'vm' as const, ...input, site, issues: unknownKeyIssues('entity.vm', input, ['description', 'when', 'count', 'flavor', 'disks'], site) });
  },
  /** Load balancers (`entity: load_balancing`). */
  loadBalancer(input: EntityCommon): EntityDef {
    const site = captureSite();
    return Object.freeze({ entity: 'load_balancing' as const, ...input, site, issues: unknownKeyIssues('entity.loadBalancer', input, ['description', 'when', 'count'], site) });
  },
  /** Floating (external) IP addresses (`entity: floating_ip`). */
  floatingIp(input: EntityCommon): EntityDef {
    const site = captureSite();
    return Object.freeze({ entity: 'floating_ip' as const, ...input, site, issues: unknownKeyIssues('entity.floatingIp', input, ['description', 'when', 'count'], site) });
  },
};

/** An image-based tariff plan (`plans/<name>/`). */
export interface IbPlanInput {
  /** UUID4 plan ID. Marketplace: `plan.yaml` `id`. */
  readonly id: string;
  /** Plan revision, ≤ 255; bump it whenever the plan or an option it uses changes. Marketplace: `revision`. */
  readonly revision: string;
  /** Directory and technical name: Latin letters and `_`. Marketplace: `name`. */
  readonly name: string;
  /** Displayed plan name, ≤ 255. Marketplace: `description`. */
  readonly description: string;
  /** Whether the plan is free. Postpaid options need `free: true`. Marketplace: `free`. */
  readonly free: boolean;
  /**
   * Plan price per period, excluding paid options and cloud infrastructure (`cost: 0` for a
   * free plan). A prepaid plan's `period` defaults to `1 mons 0 days` and is always written.
   * Marketplace: `plan.yaml` `billing`.
   */
  readonly billing: PlanBillingInput;
  /**
   * Wizard pages (≤ 5). The options they show are the plan's options: every option the plan
   * uses (entities, Terraform variables) appears in exactly one group, postpaid ones included.
   * `o.x.with({...})` here becomes the plan's `parameters_patch`; postpaid options shown here
   * become its `resource_usages`. Marketplace: `display.yaml` `pages`.
   */
  readonly wizard?: readonly WizardPage[];
  /** Priced infrastructure (`[]` for none). Marketplace: `display.yaml` `entities`. */
  readonly entities: readonly EntityDef[];
  /** Terraform manifests and settings. Marketplace: `plans/<name>/deployment/`. */
  readonly deployment: DeploymentInput;
  /**
   * Escape hatch: plan.yaml fields the docs do not describe, passed through with a warning.
   * Keys vkmp writes itself (id, billing, parameters_patch, …) keep vkmp's value.
   */
  readonly raw?: Readonly<Record<string, unknown>>;
}

/** A plan value made by {@link ib.plan}. */
export interface IbPlan {
  /** Brand: marks a plan value for the loader. */
  readonly [PLAN]: true;
  /** Always `image-based`. */
  readonly kind: 'image-based';
  /** The plan as written. */
  readonly input: IbPlanInput;
  /** Where the plan was written. */
  readonly site?: Site;
  /** Problems found while building it (unknown keys). */
  readonly issues: readonly DslIssue[];
}

/** An image-based service (the package root). `bindable` is always true and `plan_updateable` always false (IB-010/011). */
export interface IbServiceInput extends ServiceFlags {
  /**
   * `SERVICE_NAME`: the package directory and the zip's root (`dist/<serviceName>/`,
   * `dist/<serviceName>.zip`), Latin letters and `_`; also `product` in the VMs' metadata.
   */
  readonly serviceName: string;
  /** UUID4 service ID. Marketplace: `service.yaml` `id`. */
  readonly id: string;
  /** Service revision, ≤ 255. Marketplace: `revision`. */
  readonly revision: string;
  /** Displayed name, ≤ 255. Marketplace: `name`. */
  readonly name: string;
  /** Catalog-card text, ≤ 120. Marketplace: `short_description`. */
  readonly shortDescription: string;
  /** `full_description.md` (SPEC §C.5 sections): `file('./full_description.md')` or Markdown text. */
  readonly fullDescription: string | FileRef;
  /**
   * The icon file, `file('./icon.svg')`: PNG or SVG, ≥ 62×62 px, ≤ 1 MB; copied to `images/`.
   * Marketplace: `icon` (its file name).
   */
  readonly icon: FileRef;
  /** Documentation URL, ≤ 512. Marketplace: `help`. */
  readonly help: string;
  /**
   * The service's options, from `options({...})`; each becomes `parameters/<name>.yaml` and is
   * the name of the plans' Terraform variable.
   */
  readonly options: Readonly<Record<string, OptionRef<string, any, any>>>;
  /** Options shown in the tariff matrix, in order. Marketplace: `preview.parameters`. */
  readonly preview?: readonly OptionLike[];
  /** The plans, each a directory `plans/<name>/`, in order. Marketplace: `service.yaml` `plans`. */
  readonly plans: readonly IbPlan[];
  /**
   * Escape hatch: service.yaml fields the docs do not describe, passed through with a warning.
   * Keys vkmp writes itself keep vkmp's value.
   */
  readonly raw?: Readonly<Record<string, unknown>>;
}

/** A service value made by {@link ib.service}. */
export interface IbService {
  /** Brand: marks a service value for the loader. */
  readonly [SERVICE]: true;
  /** Always `image-based`. */
  readonly kind: 'image-based';
  /** The service as written. */
  readonly input: IbServiceInput;
  /** Where the service was written. */
  readonly site?: Site;
  /** Problems found while building it (unknown keys). */
  readonly issues: readonly DslIssue[];
}

const PLAN_KEYS = ['id', 'revision', 'name', 'description', 'free', 'billing', 'wizard', 'entities', 'deployment', 'raw'];
const SERVICE_KEYS = [
  'serviceName', 'id', 'revision', 'name', 'shortDescription', 'fullDescription', 'icon', 'help', 'singleton', 'autoBind',
  'deactivatable', 'bindingsRetrievable', 'instancesRetrievable', 'options', 'preview', 'plans', 'raw',
];

/** Image-based DSL entry points. */
export const ib = {
  /** An image-based tariff plan. */
  plan(input: IbPlanInput): IbPlan {
    const site = captureSite();
    const issues = [
      ...unknownKeyIssues('ib.plan', input, PLAN_KEYS, site),
      ...unknownKeyIssues('plan billing', input?.billing, ['cost', 'refundable', 'period'], site),
      ...unknownKeyIssues('deployment', input?.deployment, ['terraform', 'settings'], site),
      ...unknownKeyIssues('deployment settings', input?.deployment?.settings, ['preset', 'retry'], site),
    ];
    return Object.freeze({ [PLAN]: true as const, kind: 'image-based' as const, input, site, issues });
  },
  /** An image-based service: export it as the default export of a service file. */
  service(input: IbServiceInput): IbService {
    const site = captureSite();
    return Object.freeze({ [SERVICE]: true as const, kind: 'image-based' as const, input, site, issues: unknownKeyIssues('ib.service', input, SERVICE_KEYS, site) });
  },
};
