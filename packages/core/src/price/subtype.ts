/**
 * SPEC §C.7.3 option classification, for the price function. It mirrors
 * `classifyOption` (rules/option-checks.ts; a test proves they agree) but has no imports,
 * so the browser bundle of the preview page never pulls in the rule engine.
 */
import type { OptionModel } from '../model/types.js';

export type OptionSubtype =
  | 'int-const' | 'int-enum' | 'int-step1' | 'int-custom-step' | 'postpaid'
  | 'str-const' | 'str-enum' | 'str-input' | 'bool-const' | 'bool-switch' | 'datasource';

/** The option's subtype; undefined when `schema.type` is not a known type. */
export function optionSubtype(o: Pick<OptionModel, 'actions' | 'schema' | 'billing'>): OptionSubtype | undefined {
  const schema = (typeof o.schema === 'object' && o.schema !== null && !Array.isArray(o.schema) ? o.schema : {}) as Record<string, unknown>;
  if (Array.isArray(o.actions) && o.actions.length === 1 && o.actions[0] === 'resource_usages') return 'postpaid';
  if (schema.datasource !== undefined) return 'datasource';
  const hasConst = 'const' in schema && schema.const !== undefined;
  switch (schema.type) {
    case 'integer':
      if (hasConst) return 'int-const';
      if (schema.enum !== undefined) return 'int-enum';
      return o.billing !== undefined ? 'int-custom-step' : 'int-step1';
    case 'number':
      // H-16: prepaid `number` is undocumented; treated like the integer it most resembles.
      return o.billing !== undefined ? 'int-custom-step' : 'int-step1';
    case 'string':
      if (hasConst) return 'str-const';
      return schema.enum !== undefined ? 'str-enum' : 'str-input';
    case 'boolean':
      return hasConst ? 'bool-const' : 'bool-switch';
    default:
      return undefined;
  }
}
