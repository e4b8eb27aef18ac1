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

/** `settings.yaml` of a plan's deployment (SPEC §C.11). */
export interface DeploymentSettings {
  /**
   * Provider preset: `base_v2` (VK CS 0.5.5, iVK CS 1.0.1), `base_v3` (VK CS 0.7.1, iVK CS 1.2.0)
   * or `base_alpha` (testing only). Default `base_v3` (emitted always, H-12). Marketplace: `preset`.
   */
  readonly preset?: 'base_v2' | 'base_v3' | 'base_alpha';
  /** Redeploy after a failure (default `true`). Emitted as `yes`/`no`. Marketplace: `retry`. */
  readonly retry?: boolean;
}

/** A plan's deployment: its Terraform manifests and settings. */
export interface DeploymentInput {
  /**
   * The plan's `.tf` files: `file('./terraform/basic')` (a directory: every `*.tf` in it)
   * or a list of files. Copied to `plans/<plan>/deployment/`.
   */
  readonly terraform: FileRef | readonly FileRef[];
  /** `deployment/settings.yaml`. */
  readonly settings?: DeploymentSettings;
}

/** An operand of an entity field: a constant, or an option of the plan. */
export type EntityValue<V> = V | OptionRef<string, V, any>;

/** A disk of a VM entity: its type and size, as constants or options (paired by `tag`). */
export interface DiskInput {
  /** `volume_type` datasource option, or a constant disk type. Marketplace: `disks[].type`. */
  readonly type: EntityValue<string> | VolumeTypeName;
  /** Integer option (GB), or a constant size. Marketplace: `disks[].size`. */
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

/** A priced infrastructure entity of the wizard (SPEC §C.9). */
export interface EntityDef {
  readonly entity: 'vm' | 'load_balancing' | 'floating_ip';
  readonly description?: string;
  readonly when?: WhenCondition;
  readonly count: EntityValue<number>;
  readonly flavor?: EntityValue<string>;
  readonly disks?: readonly DiskInput[];
  readonly site?: Site;
  readonly issues: readonly DslIssue[];
}

/** Entity constructors: the infrastructure the wizard prices at platform tariffs. */
export const entity = {
  /** Virtual machines. `flavor`: a `datasource.flavor` option or a flavor ID. */
  vm(input: EntityCommon & { readonly flavor: EntityValue<string>; readonly disks?: readonly DiskInput[] }): EntityDef {
    const site = captureSite();
    return Object.freeze({ entity: 'vm' as const, ...input, site, issues: unknownKeyIssues('entity.vm', input, ['description', 'when', 'count', 'flavor', 'disks'], site) });
  },
  /** Load balancers. */
  loadBalancer(input: EntityCommon): EntityDef {
    const site = captureSite();
    return Object.freeze({ entity: 'load_balancing' as const, ...input, site, issues: unknownKeyIssues('entity.loadBalancer', input, ['description', 'when', 'count'], site) });
  },
  /** Floating IP addresses. */
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
  readonly billing: PlanBillingInput;
  /** Wizard pages (≤ 5); every option the plan uses appears in exactly one group. Marketplace: `display.yaml` `pages`. */
  readonly wizard?: readonly WizardPage[];
  /** Priced infrastructure. Marketplace: `display.yaml` `entities`. */
  readonly entities: readonly EntityDef[];
  readonly deployment: DeploymentInput;
  /** Escape hatch: plan.yaml fields the docs do not describe, passed through with a warning. */
  readonly raw?: Readonly<Record<string, unknown>>;
}

/** A plan value made by {@link ib.plan}. */
export interface IbPlan {
  readonly [PLAN]: true;
  readonly kind: 'image-based';
  readonly input: IbPlanInput;
  readonly site?: Site;
  readonly issues: readonly DslIssue[];
}

/** An image-based service (the package root). `bindable` is always true and `plan_updateable` always false (IB-010/011). */
export interface IbServiceInput extends ServiceFlags {
  /** `SERVICE_NAME`: the package directory and zip root, Latin letters and `_`. */
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
  /** PNG or SVG, ≥ 62×62 px, ≤ 1 MB; copied to `images/`. Marketplace: `icon` (its file name). */
  readonly icon: FileRef;
  /** Documentation URL, ≤ 512. Marketplace: `help`. */
  readonly help: string;
  /** The service's options, from `options({...})`; each becomes `parameters/<name>.yaml`. */
  readonly options: Readonly<Record<string, OptionRef<string, any, any>>>;
  /** Options shown in the tariff matrix. Marketplace: `preview.parameters`. */
  readonly preview?: readonly OptionLike[];
  readonly plans: readonly IbPlan[];
  /** Escape hatch: service.yaml fields the docs do not describe, passed through with a warning. */
  readonly raw?: Readonly<Record<string, unknown>>;
}

/** A service value made by {@link ib.service}. */
export interface IbService {
  readonly [SERVICE]: true;
  readonly kind: 'image-based';
  readonly input: IbServiceInput;
  readonly site?: Site;
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
