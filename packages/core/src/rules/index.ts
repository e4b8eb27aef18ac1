/** The rule registry: every rule vkmp enforces, with its ID. */
import { billingRules } from './billing.js';
import { toolRules } from './dsl.js';
import type { Rule } from './engine.js';
import { ibRules } from './ib.js';
import { ibSettingsRules } from './ib-settings.js';
import { ibTerraformRules } from './ib-terraform.js';
import { revisionRules } from './revisions.js';
import { saasRules } from './saas.js';
import { historyRules } from '../diff/revisions.js';

const registry: Rule[] = [...saasRules, ...ibRules, ...ibTerraformRules, ...ibSettingsRules, ...billingRules, ...revisionRules, ...toolRules];
registry.push(...historyRules); // REV-001/002/003/004/005/007/009/013: checked by `vkmp diff` against a baseline

/** Adds rules (the image-based module registers its own). */
export function registerRules(rules: readonly Rule[]): void {
  registry.push(...rules);
}

/** Every registered rule, in registration order. */
export function allRules(): readonly Rule[] {
  return registry;
}

/** Distinct rule IDs, sorted. */
export function ruleIds(): string[] {
  return [...new Set(registry.map((r) => r.id))].sort();
}
