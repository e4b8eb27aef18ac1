/**
 * emit (SaaS): IR → `catalog_<SERVICE_NAME>.json` + `plan_mapping.json`. Key order
 * follows the docs' tables (SPEC §B.3, §B.4, §B.11), so diffs read like the docs.
 * `schemas` and `billing.options` are derived from each plan's options.
 */
import type { CatalogModel, DisplayPage, OptionModel, OptionSchema, PlanModel, ServiceModel, WhenModel } from '../model/types.js';
import { formatJson } from '../util/json.js';
import { utf8, type OutputTree } from './tree.js';

export const JSON_SCHEMA_DRAFT4 = 'http://json-schema.org/draft-04/schema#';

const pick = (o: Record<string, unknown>, keys: string[]): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
};

function when(w: WhenModel): Record<string, unknown> {
  const operand = (o: { param?: string; const?: unknown }) => (o.param !== undefined ? { param: o.param } : { const: o.const });
  return { [w.operator]: { key: operand(w.key), values: w.values.map(operand) } };
}

function display(pages: DisplayPage[]): Record<string, unknown> {
  return {
    pages: pages.map((p, pi) => ({
      name: p.name,
      index: p.index ?? pi,
      groups: p.groups.map((g, gi) => {
        const group: Record<string, unknown> = {
          name: g.name,
          index: g.index ?? gi,
          parameters: g.parameters.map((x, xi) => ({ name: x.name, index: x.index ?? xi })),
        };
        if (g.when) group.when = when(g.when);
        return group;
      }),
    })),
  };
}

const SCHEMA_ORDER = ['type', 'description', 'hint', 'const', 'enum', 'default', 'minimum', 'maximum', 'pattern', 'minLength', 'maxLength'];

function optionSchema(schema: OptionSchema): Record<string, unknown> {
  const out = pick(schema, SCHEMA_ORDER);
  for (const [k, v] of Object.entries(schema)) if (!(k in out) && v !== undefined) out[k] = v;
  return out;
}

function optionBilling(o: OptionModel): Record<string, unknown> | undefined {
  const b = o.billing;
  if (!b) return undefined;
  const out = pick(b as Record<string, unknown>, ['base', 'cost']);
  if (b.unit) out.unit = pick(b.unit as Record<string, unknown>, ['size', 'measurement']);
  for (const [k, v] of Object.entries(b)) if (!(k in out) && v !== undefined) out[k] = v;
  return out;
}

const params = (properties: Record<string, unknown>) => ({ parameters: { $schema: JSON_SCHEMA_DRAFT4, type: 'object', properties } });

function plan(p: PlanModel): Record<string, unknown> {
  const create: Record<string, unknown> = {};
  const update: Record<string, unknown> = {};
  const usages: Record<string, unknown> = {};
  const billingOptions: Record<string, unknown> = {};
  for (const o of p.options) {
    const actions = o.option.actions;
    if (actions.includes('resource_usages')) usages[o.name] = optionSchema(o.option.schema);
    if (actions.includes('create')) create[o.name] = optionSchema(o.option.schema);
    if (actions.includes('update')) update[o.name] = optionSchema(o.updateSchema ?? o.option.schema);
    const b = optionBilling(o.option);
    if (b) billingOptions[o.name] = b;
  }
  const billing: Record<string, unknown> = pick(p.billing as unknown as Record<string, unknown>, ['cost', 'billing_cycle_flat', 'billing_cycle_step', 'refundable']);
  if (p.billing.extra) Object.assign(billing, p.billing.extra);
  if (Object.keys(billingOptions).length) billing.options = billingOptions;
  const out: Record<string, unknown> = pick(p as unknown as Record<string, unknown>, ['id', 'revision', 'name', 'description', 'free', 'plan_updateable']);
  if (p.metadata) out.metadata = { test_ns: p.metadata.test_ns, prod_ns: p.metadata.prod_ns };
  out.display = display(p.display.pages);
  out.billing = billing;
  out.schemas = {
    service_instance: { create: params(create), update: params(update), resource_usages: params(usages) },
    service_binding: { create: { parameters: { type: 'object', properties: p.bindingProperties ?? {} } } },
  };
  if (p.extra) for (const [k, v] of Object.entries(p.extra)) if (!(k in out)) out[k] = v;
  return out;
}

function service(s: ServiceModel): Record<string, unknown> {
  const out: Record<string, unknown> = pick(s as unknown as Record<string, unknown>, ['id', 'revision', 'name', 'short_description']);
  out.full_description = s.full_description.text;
  Object.assign(out, pick(s as unknown as Record<string, unknown>, ['singleton', 'auto_bind', 'icon', 'help', 'bindable', 'plan_updateable', 'deactivatable', 'bindings_retrievable', 'instances_retrievable']));
  if (s.metadata) out.metadata = { test_ns: s.metadata.test_ns, prod_ns: s.metadata.prod_ns };
  out.preview = { parameters: s.preview.map((p) => ({ name: p.name })) };
  out.plans = s.plans.map(plan);
  if (s.extra) for (const [k, v] of Object.entries(s.extra)) if (!(k in out)) out[k] = v;
  return out;
}

/** The catalog JSON object of one SERVICE_NAME. */
export function catalogJson(c: CatalogModel): Record<string, unknown> {
  return { services: c.services.map(service) };
}

/** `<SERVICE_NAME>/catalog_<SERVICE_NAME>.json` and `<SERVICE_NAME>/plan_mapping.json`. */
export function emitCatalog(c: CatalogModel, tree: OutputTree = new Map()): OutputTree {
  tree.set(`${c.serviceName}/catalog_${c.serviceName}.json`, utf8(formatJson(catalogJson(c))));
  tree.set(`${c.serviceName}/plan_mapping.json`, utf8(formatJson(c.planMapping?.value ?? { [c.serviceName]: {} })));
  return tree;
}
