/**
 * SaaS services: compiled to `catalog_<SERVICE_NAME>.json` and `plan_mapping.json`
 * for the broker's `resources/` directory (SPEC §B).
 */
import { PLAN, SERVICE, unknownKeyIssues, type DslIssue } from './brand.js';
import type { FileRef, Namespaces, Period, PlanBillingInput, ServiceFlags } from './common.js';
import type { OptionLike, OptionRef } from './options.js';
import { captureSite, type Site } from './site.js';
import type { WizardPage } from './wizard.js';

/** Plan price of a SaaS plan. Marketplace: plan `billing`. */
export interface SaasPlanBillingInput extends PlanBillingInput {
  /**
   * How often Marketplace asks the broker for usage reports. Only for plans with postpaid
   * options. Default `1 mons 0 days`. Marketplace: `billing.billing_cycle_step`.
   */
  readonly usagePeriod?: Period;
}

/** A JSON-Schema property of the binding parameters (`schemas.service_binding.create`). */
export type BindingParameter = Readonly<Record<string, unknown>>;

/** A SaaS tariff plan («тарифный план»). */
export interface SaasPlanInput {
  /** UUID4 plan ID. Marketplace: `id`. */
  readonly id: string;
  /** Plan revision, ≤ 255 characters; change it whenever the plan changes. Marketplace: `revision`. */
  readonly revision: string;
  /** Technical name: Latin letters and `_`, ≤ 255 characters; not shown. Marketplace: `name`. */
  readonly name: string;
  /** The plan name users see, ≤ 255 characters. Marketplace: `description`. */
  readonly description: string;
  /** Whether the plan is free. Marketplace: `free`. */
  readonly free: boolean;
  /** The plan's ID on the SaaS side; becomes the value in `plan_mapping.json`. */
  readonly planId: string | number;
  /** Overrides the service's `planUpdateable`. Marketplace: plan `plan_updateable`. */
  readonly planUpdateable?: boolean;
  /** Overrides the service's namespaces. Marketplace: plan `metadata`. */
  readonly metadata?: Namespaces;
  readonly billing: SaasPlanBillingInput;
  /** Wizard pages (≤ 5). The options they show are the plan's options. Marketplace: `display.pages`. */
  readonly wizard?: readonly WizardPage[];
  /** Options the plan has but the wizard does not show (e.g. constants). */
  readonly hiddenOptions?: readonly OptionLike[];
  /** Binding parameters as JSON-Schema properties. Marketplace: `schemas.service_binding.create.parameters.properties`. */
  readonly bindingParameters?: Readonly<Record<string, BindingParameter>>;
  /** Escape hatch: plan fields the docs do not describe, passed through with a warning. */
  readonly raw?: Readonly<Record<string, unknown>>;
}

/** A plan value made by {@link saas.plan}. */
export interface SaasPlan {
  readonly [PLAN]: true;
  readonly kind: 'saas';
  readonly input: SaasPlanInput;
  readonly site?: Site;
  readonly issues: readonly DslIssue[];
}

/** A SaaS service (one `services[]` entry of the catalog). */
export interface SaasServiceInput extends ServiceFlags {
  /**
   * `SERVICE_NAME`: the catalog file suffix (`catalog_<SERVICE_NAME>.json`), the key of
   * `plan_mapping.json`, `BROKER_MODE` in `.env`, and `type` in usage reports. Several
   * services with the same `serviceName` (revisions of one service) share one catalog.
   */
  readonly serviceName: string;
  /** UUID4 service ID. Marketplace: `id`. */
  readonly id: string;
  /** Service revision, ≤ 255 characters. `(id, revision)` is unique across Marketplace. Marketplace: `revision`. */
  readonly revision: string;
  /** Displayed service name, ≤ 255 characters. Marketplace: `name`. */
  readonly name: string;
  /** Catalog-card text, ≤ 120 characters. Marketplace: `short_description`. */
  readonly shortDescription: string;
  /** Markdown for the «Описание сервиса» tab: a string or `file('./full_description.md')`. Marketplace: `full_description`. */
  readonly fullDescription: string | FileRef;
  /** Icon URL issued by Marketplace for your emailed SVG, ≤ 512 characters. Marketplace: `icon`. */
  readonly icon: string;
  /** The SVG you email to Marketplace, checked for size (≥ 62×62 px, ≤ 1 MB). Not emitted. */
  readonly iconSource?: FileRef;
  /** URL of the service documentation, ≤ 512 characters. Marketplace: `help`. */
  readonly help: string;
  /** Bindings can be created. Marketplace: `bindable`. */
  readonly bindable: boolean;
  /** Users can switch plans without deleting the service. Marketplace: `plan_updateable`. */
  readonly planUpdateable: boolean;
  /** Namespaces for every plan (a plan may override). Marketplace: `metadata`. */
  readonly metadata?: Namespaces;
  /** The service's options, from `options({...})`. */
  readonly options: Readonly<Record<string, OptionRef<string, any, any>>>;
  /** Options shown in the tariff matrix, in order. Marketplace: `preview.parameters`. */
  readonly preview?: readonly OptionLike[];
  readonly plans: readonly SaasPlan[];
  /** Escape hatch: service fields the docs do not describe, passed through with a warning. */
  readonly raw?: Readonly<Record<string, unknown>>;
}

/** A service value made by {@link saas.service}. */
export interface SaasService {
  readonly [SERVICE]: true;
  readonly kind: 'saas';
  readonly input: SaasServiceInput;
  readonly site?: Site;
  readonly issues: readonly DslIssue[];
}

const PLAN_KEYS = ['id', 'revision', 'name', 'description', 'free', 'planId', 'planUpdateable', 'metadata', 'billing', 'wizard', 'hiddenOptions', 'bindingParameters', 'raw'];
const BILLING_KEYS = ['cost', 'refundable', 'period', 'usagePeriod'];
const SERVICE_KEYS = [
  'serviceName', 'id', 'revision', 'name', 'shortDescription', 'fullDescription', 'icon', 'iconSource', 'help',
  'singleton', 'autoBind', 'bindable', 'planUpdateable', 'deactivatable', 'bindingsRetrievable', 'instancesRetrievable',
  'metadata', 'options', 'preview', 'plans', 'raw',
];
const NAMESPACE_KEYS = ['testNs', 'prodNs'];

/** SaaS DSL entry points. */
export const saas = {
  /** A SaaS tariff plan. */
  plan(input: SaasPlanInput): SaasPlan {
    const site = captureSite();
    const issues = [
      ...unknownKeyIssues('saas.plan', input, PLAN_KEYS, site),
      ...unknownKeyIssues('plan billing', input?.billing, BILLING_KEYS, site),
      ...unknownKeyIssues('plan metadata', input?.metadata, NAMESPACE_KEYS, site),
    ];
    return Object.freeze({ [PLAN]: true as const, kind: 'saas' as const, input, site, issues });
  },
  /** A SaaS service: export it as the default export of a service file. */
  service(input: SaasServiceInput): SaasService {
    const site = captureSite();
    const issues = [
      ...unknownKeyIssues('saas.service', input, SERVICE_KEYS, site),
      ...unknownKeyIssues('service metadata', input?.metadata, NAMESPACE_KEYS, site),
    ];
    return Object.freeze({ [SERVICE]: true as const, kind: 'saas' as const, input, site, issues });
  },
};
