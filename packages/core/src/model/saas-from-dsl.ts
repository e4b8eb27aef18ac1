/**
 * model (SaaS): DSL service values → IR. Derives what vendors never write twice: wizard
 * indexes, the plan's option list (wizard ∪ hidden options), per-plan effective option
 * definitions, and the default billing periods (G-05).
 */
import type { RawSite } from '../load/load.js';
import { canonicalPeriod, DEFAULT_PERIOD } from '../util/period.js';
import { DslContext, OptionResolver, isBranded, optionModel, type DslIssueLike } from './dsl-context.js';
import type { DisplayPage, DisplayParam, Namespaces, PlanModel, PlanOption, ServiceModel } from './types.js';

const PLAN = Symbol.for('vkmp.plan');
const PAGE = Symbol.for('vkmp.page');
const GROUP = Symbol.for('vkmp.group');

interface DslNode<I> {
  input: I;
  site?: RawSite;
  issues?: readonly DslIssueLike[];
}

/** DSL field names of marketplace fields, used to point diagnostics at the right line. */
export const SERVICE_DSL_NAMES: Record<string, string> = {
  id: 'id', revision: 'revision', name: 'name', short_description: 'shortDescription', full_description: 'fullDescription',
  icon: 'icon', help: 'help', singleton: 'singleton', auto_bind: 'autoBind', bindable: 'bindable', plan_updateable: 'planUpdateable',
  deactivatable: 'deactivatable', bindings_retrievable: 'bindingsRetrievable', instances_retrievable: 'instancesRetrievable',
  metadata: 'metadata', preview: 'preview', plans: 'plans', serviceName: 'serviceName', options: 'options',
};
export const PLAN_DSL_NAMES: Record<string, string> = {
  id: 'id', revision: 'revision', name: 'name', description: 'description', free: 'free', plan_updateable: 'planUpdateable',
  metadata: 'metadata', billing: 'billing', display: 'wizard', saasPlanId: 'planId', cost: 'cost', refundable: 'refundable',
  billing_cycle_flat: 'period', billing_cycle_step: 'usagePeriod',
};

function namespaces(value: unknown): Namespaces | undefined {
  if (value === undefined) return undefined;
  const v = value as { testNs?: unknown; prodNs?: unknown };
  return { test_ns: v?.testNs as string[], prod_ns: v?.prodNs as string[] };
}

function textOf(ctx: DslContext, value: unknown, what: string, site: RawSite | undefined): { text: string; path?: string } {
  if (typeof value === 'string') return { text: value };
  const file = ctx.readFile(value, what, site);
  if (!file) return { text: '' };
  // Editors end files with a newline; the JSON string should not (one is stripped).
  return { text: new TextDecoder().decode(file.bytes).replace(/\r?\n$/, ''), path: file.path };
}

/** Builds the plan's wizard, option list and IR. */
function planModel(ctx: DslContext, resolver: OptionResolver, plan: DslNode<Record<string, unknown>>): PlanModel {
  const input = plan.input ?? {};
  const span = ctx.span(plan.site);
  ctx.issues(plan.issues);
  const options: PlanOption[] = [];
  const seen = new Map<string, PlanOption>();
  const use = (value: unknown, where: string, site: RawSite | undefined): DisplayParam | undefined => {
    const r = resolver.resolve(value, where, site);
    if (!r) return undefined;
    if ('unresolvedName' in r) return { name: r.unresolvedName, span: ctx.span(site) };
    if (!seen.has(r.name)) {
      const option = optionModel(r.name, r.effective, ctx.span(r.base.site));
      ctx.issues(r.overrides ? r.effective.issues.filter((i) => !r.base.issues.includes(i)) : []);
      const po: PlanOption = { name: r.name, option, span: ctx.span(r.site) };
      seen.set(r.name, po);
      options.push(po);
    }
    return { name: r.name, span: ctx.span(r.site) };
  };

  const pages: DisplayPage[] = [];
  const wizard = input.wizard;
  if (wizard !== undefined && !Array.isArray(wizard)) ctx.error('DSL-002', 'wizard must be an array of page(...) values.', 'wizard: [page("Settings", [group("", [o.x])])]', plan.site);
  (Array.isArray(wizard) ? wizard : []).forEach((p: unknown, pageIndex: number) => {
    if (!isBranded(p, PAGE)) {
      ctx.error('DSL-002', `wizard[${pageIndex}] is not a page(...) value.`, "Build pages with page(name, groups) from '@vkmp/sdk'.", plan.site);
      return;
    }
    const pg = p as { name: string; groups: unknown; site?: RawSite };
    const groups = Array.isArray(pg.groups) ? pg.groups : [];
    pages.push({
      name: pg.name,
      index: pageIndex,
      span: ctx.span(pg.site),
      groups: groups.map((g: unknown, groupIndex: number) => {
        if (!isBranded(g, GROUP)) {
          ctx.error('DSL-002', `Page "${pg.name}": groups[${groupIndex}] is not a group(...) value.`, "Build groups with group(name, options) from '@vkmp/sdk'.", pg.site);
          return { name: '', index: groupIndex, parameters: [] };
        }
        const gr = g as { name: string; options: unknown; when?: unknown; site?: RawSite; issues?: DslIssueLike[] };
        ctx.issues(gr.issues);
        const params = (Array.isArray(gr.options) ? gr.options : [])
          .map((o: unknown) => use(o, `group "${gr.name}"`, gr.site))
          .filter((x): x is DisplayParam => x !== undefined)
          .map((param, index) => ({ ...param, index, span: param.span ?? ctx.span(gr.site) }));
        return { name: gr.name, index: groupIndex, parameters: params, when: resolver.when(gr.when, gr.site), span: ctx.span(gr.site) };
      }),
    });
  });
  const hidden = input.hiddenOptions;
  for (const h of Array.isArray(hidden) ? hidden : []) use(h, 'hiddenOptions', plan.site);

  if (input.raw && typeof input.raw === 'object') ctx.rawWarning(Object.keys(input.raw), `Plan "${String(input.name)}"`, plan.site);
  const billingIn = (input.billing ?? {}) as Record<string, unknown>;
  const hasPostpaid = options.some((o) => o.option.actions.includes('resource_usages'));
  const hasPrepaid = options.some((o) => !o.option.actions.includes('resource_usages') && (o.option.billing?.cost ?? 0) > 0);
  const prepaid = !hasPostpaid && (input.free === false || (typeof billingIn.cost === 'number' && billingIn.cost > 0) || hasPrepaid);
  const period = typeof billingIn.period === 'string' ? canonicalPeriod(billingIn.period) : billingIn.period;
  const usagePeriod = typeof billingIn.usagePeriod === 'string' ? canonicalPeriod(billingIn.usagePeriod) : billingIn.usagePeriod;
  const billing: PlanModel['billing'] = {
    cost: billingIn.cost as number,
    refundable: billingIn.refundable as boolean | undefined,
    // G-05: always emit the period of a prepaid plan; the usage period of a postpaid one.
    billing_cycle_flat: (period as string | undefined) ?? (prepaid ? DEFAULT_PERIOD : undefined),
    billing_cycle_step: (usagePeriod as string | undefined) ?? (hasPostpaid ? DEFAULT_PERIOD : undefined),
    span,
    dslNames: PLAN_DSL_NAMES,
  };
  return {
    id: input.id as string,
    revision: input.revision as string,
    name: input.name as string,
    description: input.description as string,
    free: input.free as boolean,
    plan_updateable: input.planUpdateable as boolean | undefined,
    metadata: namespaces(input.metadata),
    billing,
    options,
    display: { pages, span },
    saasPlanId: input.planId as string | number,
    bindingProperties: (input.bindingParameters as Record<string, unknown> | undefined) ?? {},
    extra: input.raw as Record<string, unknown> | undefined,
    span,
    dslNames: PLAN_DSL_NAMES,
  };
}

/** Builds the IR of one `saas.service(...)` value. */
export function saasServiceFromDsl(ctx: DslContext, service: DslNode<Record<string, unknown>>): ServiceModel {
  const input = service.input ?? {};
  const span = ctx.span(service.site);
  ctx.issues(service.issues);
  const set = (input.options ?? {}) as Record<string, unknown>;
  if (typeof set !== 'object' || set === null) ctx.error('DSL-002', 'options must be the object returned by options({...}).', '', service.site);
  const resolver = new OptionResolver(ctx, typeof set === 'object' && set ? set : {}, service.site);
  if (input.raw && typeof input.raw === 'object') ctx.rawWarning(Object.keys(input.raw), 'The service', service.site);
  const definitions = resolver.all().map(({ name, def }) => {
    ctx.issues(def.issues);
    ctx.rawWarning(def.rawKeys, `Option "${name}"`, def.site);
    return optionModel(name, def, ctx.span(def.site));
  });
  const preview: DisplayParam[] = [];
  for (const p of Array.isArray(input.preview) ? input.preview : []) {
    const r = resolver.resolve(p, 'preview', service.site);
    if (r) preview.push({ name: 'unresolvedName' in r ? r.unresolvedName : r.name, span: ctx.locate(span, 'preview') });
  }
  const plans: PlanModel[] = [];
  const planValues = input.plans;
  if (!Array.isArray(planValues)) ctx.error('DSL-002', 'plans must be an array of saas.plan(...) values.', '', service.site);
  for (const [i, p] of (Array.isArray(planValues) ? planValues : []).entries()) {
    if (!isBranded(p, PLAN) || (p as { kind?: string }).kind !== 'saas') {
      ctx.error('DSL-002', `plans[${i}] is not a saas.plan(...) value.`, "Build plans with saas.plan({...}) from '@vkmp/sdk'.", service.site);
      continue;
    }
    plans.push(planModel(ctx, resolver, p as DslNode<Record<string, unknown>>));
  }
  const description = textOf(ctx, input.fullDescription, 'fullDescription', service.site);
  let iconAsset: ServiceModel['iconAsset'];
  if (input.iconSource !== undefined) {
    const f = ctx.readFile(input.iconSource, 'iconSource', service.site);
    if (f) iconAsset = { fileName: f.path.split('/').pop() ?? f.path, bytes: f.bytes, path: f.path };
  }
  return {
    kind: 'saas',
    serviceName: input.serviceName as string,
    id: input.id as string,
    revision: input.revision as string,
    name: input.name as string,
    short_description: input.shortDescription as string,
    full_description: description,
    icon: input.icon as string,
    iconAsset,
    help: input.help as string,
    // H-06: the compiler always emits singleton and auto_bind.
    singleton: (input.singleton as boolean | undefined) ?? false,
    auto_bind: (input.autoBind as boolean | undefined) ?? false,
    bindable: input.bindable as boolean,
    plan_updateable: input.planUpdateable as boolean,
    deactivatable: input.deactivatable as boolean,
    bindings_retrievable: input.bindingsRetrievable as boolean,
    instances_retrievable: input.instancesRetrievable as boolean,
    metadata: namespaces(input.metadata),
    preview,
    options: definitions,
    plans,
    extra: input.raw as Record<string, unknown> | undefined,
    span,
    dslNames: SERVICE_DSL_NAMES,
  };
}
