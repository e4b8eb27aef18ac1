/** Building blocks shared by SaaS and image-based services. */
import { FILE_REF } from './brand.js';
import { captureSite, type Site } from './site.js';

/**
 * A billing period: `<M> mons`, `<D> days` or `<M> mons <D> days` (calendar months).
 * Marketplace: `billing_cycle_flat`, `billing_cycle_step`. Emitted as `<M> mons <D> days`.
 */
export type Period = `${number} mons` | `${number} days` | `${number} mons ${number} days`;

/** Marketplace namespaces a plan is shown in. Marketplace: `metadata`. */
export interface Namespaces {
  /** Test namespaces issued by Marketplace (vendor only). Marketplace: `metadata.test_ns`. */
  readonly testNs: readonly string[];
  /** Public namespaces issued by Marketplace. Marketplace: `metadata.prod_ns`. */
  readonly prodNs: readonly string[];
}

/** A file next to the vendor's source, resolved relative to the file that mentions it. */
export interface FileRef {
  readonly [FILE_REF]: true;
  /** The path as written. */
  readonly path: string;
  /** Where it was written; relative paths resolve against this file. */
  readonly site?: Site;
}

/**
 * A file beside your source, e.g. `file('./full_description.md')` or `file('./icon.svg')`.
 * The path is relative to the TypeScript file that calls `file`.
 */
export function file(path: string): FileRef {
  return Object.freeze({ [FILE_REF]: true as const, path, site: captureSite() });
}

/** True for values made by {@link file}. */
export function isFileRef(value: unknown): value is FileRef {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[FILE_REF] === true;
}

/** Service flags shared by both app kinds (SPEC §B.3). */
export interface ServiceFlags {
  /** At most one instance per cloud project. Emitted as `false` when omitted. Marketplace: `singleton`. */
  readonly singleton?: boolean;
  /** Create a binding automatically after deployment. Emitted as `false` when omitted. Marketplace: `auto_bind`. */
  readonly autoBind?: boolean;
  /** The service can be temporarily suspended. Marketplace: `deactivatable`. */
  readonly deactivatable: boolean;
  /** Retry failed binding creation for some time. Marketplace: `bindings_retrievable`. */
  readonly bindingsRetrievable: boolean;
  /** Retry failed instance creation for some time. Marketplace: `instances_retrievable`. */
  readonly instancesRetrievable: boolean;
}

/** Plan price (prepaid part). Marketplace: plan `billing`. */
export interface PlanBillingInput {
  /** Plan price per billing period, excluding paid options, ≥ 0; `0` for free plans. Marketplace: `billing.cost`. */
  readonly cost: number;
  /**
   * Refund the unused days when the plan changes or the instance is deleted. Prepaid plans only.
   * Default `true`. Marketplace: `billing.refundable`.
   */
  readonly refundable?: boolean;
  /** Billing period of a prepaid plan. Default `1 mons 0 days`. Marketplace: `billing.billing_cycle_flat`. */
  readonly period?: Period;
}
