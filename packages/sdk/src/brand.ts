/**
 * Brands tag DSL values so the loader recognises them structurally. They use
 * `Symbol.for`, so a value made by one copy of the SDK is recognised by another
 * (the CLI bundle and the vendor's node_modules may hold different copies).
 */
import type { Site } from './site.js';

export const OPTION = Symbol.for('vkmp.option');
export const OPTION_REF = Symbol.for('vkmp.optionRef');
export const OPTION_USE = Symbol.for('vkmp.optionUse');
export const SERVICE = Symbol.for('vkmp.service');
export const PLAN = Symbol.for('vkmp.plan');
export const PAGE = Symbol.for('vkmp.page');
export const GROUP = Symbol.for('vkmp.group');
export const CONFIG = Symbol.for('vkmp.config');
export const FILE_REF = Symbol.for('vkmp.fileRef');

/**
 * A problem the DSL noticed while building a value (an unknown key, a value of the
 * wrong kind). DSL calls never throw for these: the validate stage reports them all
 * with rule IDs, beside every other diagnostic.
 */
export interface DslIssue {
  /** Rule ID, e.g. `DSL-001`. */
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
  readonly site?: Site;
  /** The DSL field the issue is about, used to point at its line. */
  readonly field?: string;
}

/** Reports keys of `input` that are not in `allowed` (the runtime twin of TS excess-property checks). */
export function unknownKeyIssues(what: string, input: object | undefined, allowed: readonly string[], site: Site | undefined): DslIssue[] {
  if (!input || typeof input !== 'object') return [];
  const issues: DslIssue[] = [];
  for (const key of Object.keys(input)) {
    if (!allowed.includes(key)) {
      issues.push({
        code: 'DSL-001',
        message: `Unknown key "${key}" in ${what}.`,
        hint: `Allowed keys: ${allowed.join(', ')}. Fields the docs do not describe go under "raw" (passed through with a warning).`,
        site,
        field: key,
      });
    }
  }
  return issues;
}
