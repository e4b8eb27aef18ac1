/**
 * Terraform manifests of image-based packages (SPEC §C.10): HCL2 parsing with positions,
 * and the small helpers the IB rules share.
 */
export { parseTerraformFiles } from './module.js';
export type {
  TerraformModule,
  TfAttribute,
  TfBlock,
  TfBody,
  TfExpression,
  TfExpressionKind,
  TfObjectEntry,
  TfOutput,
  TfParseError,
  TfProvider,
  TfResource,
  TfSettingsBlock,
  TfValue,
  TfVariable,
} from './types.js';
import type { TfExpression } from './types.js';

/** The Terraform type of an external variable for an option type (SPEC §C.10, IB-092). */
export function tfTypeOfOption(type: 'integer' | 'number' | 'string' | 'boolean'): 'number' | 'string' | 'bool' {
  switch (type) {
    case 'integer':
    case 'number':
      return 'number';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
  }
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Whether an expression reads `var.<name>` (also `var.<name>.x` or `var.<name>[0]`).
 * Given a parsed `TfExpression` the answer is exact (its `references`); given source text it
 * is a token match that also sees `var.<name>` spelled inside a plain string.
 */
export function referencesVar(expression: string | TfExpression, name: string): boolean {
  if (typeof expression !== 'string') {
    const root = `var.${name}`;
    return expression.references.some((r) => r === root || r.startsWith(`${root}.`) || r.startsWith(`${root}[`));
  }
  // HCL identifiers may contain letters, digits, `_` and `-`.
  return new RegExp(`(?<![\\p{ID_Continue}\\-.])var\\s*\\.\\s*${escapeRegExp(name)}(?![\\p{ID_Continue}\\-])`, 'u').test(expression);
}
