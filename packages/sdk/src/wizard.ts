/**
 * The plan wizard («мастер конфигурации тарифного плана»): up to 5 pages of option
 * groups between the automatic first and last pages. Indexes are derived from order.
 */
import { GROUP, PAGE, unknownKeyIssues, type DslIssue } from './brand.js';
import type { OptionLike, OptionRef } from './options.js';
import { captureSite, type Site } from './site.js';

/** An operand of a condition: an option's current value, or a constant. */
export type Operand<V> = OptionLike<string, V> | V;

/**
 * Shows a group (or, image-based, prices an entity) only when a condition holds.
 * Marketplace: `when: {in|not_in: {key: {param}, values: [{const}|{param}…]}}`.
 */
export interface WhenCondition {
  readonly operator: 'in' | 'not_in';
  readonly key: OptionLike;
  readonly values: readonly unknown[];
  readonly site?: Site;
}

/** Condition builders. The values must have the key option's value type. */
export const when = {
  /** Shown if the key option equals at least one of `values`. Marketplace: `when.in`. */
  in<V>(key: OptionRef<string, V, any>, values: readonly [Operand<NoInfer<V>>, ...Operand<NoInfer<V>>[]]): WhenCondition {
    return Object.freeze({ operator: 'in' as const, key, values, site: captureSite() });
  },
  /** Shown if the key option equals none of `values`. Marketplace: `when.not_in`. */
  notIn<V>(key: OptionRef<string, V, any>, values: readonly [Operand<NoInfer<V>>, ...Operand<NoInfer<V>>[]]): WhenCondition {
    return Object.freeze({ operator: 'not_in' as const, key, values, site: captureSite() });
  },
};

/** Options of a group, with an optional condition. */
export interface GroupOptions {
  /** Show the group only when this holds (one level of dependency). Marketplace: `when`. */
  readonly when?: WhenCondition;
}

/** A group of options on a wizard page. */
export interface WizardGroup {
  readonly [GROUP]: true;
  /** Group title, ≤ 255 characters; may be empty. Marketplace: `groups[].name`. */
  readonly name: string;
  readonly options: readonly OptionLike[];
  readonly when?: WhenCondition;
  readonly site?: Site;
  readonly issues: readonly DslIssue[];
}

/** A wizard page. */
export interface WizardPage {
  readonly [PAGE]: true;
  /** Page title, ≤ 32 characters. Marketplace: `pages[].name`. */
  readonly name: string;
  readonly groups: readonly WizardGroup[];
  readonly site?: Site;
}

/**
 * A group of options shown together. Every option is in at most one group of a plan.
 * @param name group title (≤ 255 characters, may be `""`)
 * @param options the options, in display order
 */
export function group(name: string, options: readonly OptionLike[], settings?: GroupOptions): WizardGroup {
  const site = captureSite();
  return Object.freeze({ [GROUP]: true as const, name, options, when: settings?.when, site, issues: unknownKeyIssues('group settings', settings, ['when'], site) });
}

/**
 * A wizard page («страница мастера»). At most 5 pages per plan.
 * @param name page title (≤ 32 characters)
 * @param groups the groups, in display order
 */
export function page(name: string, groups: readonly WizardGroup[]): WizardPage {
  return Object.freeze({ [PAGE]: true as const, name, groups, site: captureSite() });
}
