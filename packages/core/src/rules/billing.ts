/** Billing rules shared by both app kinds (SPEC §F). */
import type { PlanModel } from '../model/types.js';
import { parsePeriod } from '../util/period.js';
import { isPlainObject } from '../util/strings.js';
import { rule, text, type ListedRule, type PlanRule, type Rule, type ServiceRule } from './engine.js';
import { classifyOption } from './option-checks.js';

const F = '§F';
const both = ['saas', 'image-based'] as const;
const plan = (r: Omit<PlanRule, 'docs' | 'scope' | 'kinds'> & { source: string; kinds?: PlanRule['kinds'] }): PlanRule => rule<PlanRule>({ scope: 'plan', kinds: both, section: F, ...r });

/**
 * The plan's options that have a definition. An image-based reader keeps a
 * `parameters_patch` entry of an option without a file as a plan option without one
 * (IB-064 reports it); billing has nothing to say about it.
 */
const definedOptions = (p: PlanModel) => (Array.isArray(p.options) ? p.options : []).filter((o) => isPlainObject(o) && isPlainObject(o.option));

/** A plan's billing picture, derived once from its options. */
export function billingProfile(p: PlanModel) {
  // Keys priced only in billing.options are not options of the plan (SAAS-046 reports them).
  const opts = definedOptions(p).filter((o) => !o.billingOnly);
  const postpaid = opts.filter((o) => classifyOption(o.option) === 'postpaid');
  const prepaid = opts.filter((o) => classifyOption(o.option) !== 'postpaid' && isPlainObject(o.option.billing) && typeof o.option.billing.cost === 'number' && o.option.billing.cost > 0);
  const cost = isPlainObject(p.billing) ? p.billing.cost : undefined;
  const isPrepaidPlan = postpaid.length === 0 && (p.free === false || (typeof cost === 'number' && cost > 0) || prepaid.length > 0);
  return { postpaid, prepaid, cost, isPrepaidPlan };
}

const names = (xs: { name: string }[]) => xs.map((x) => `"${x.name}"`).join(', ');

export const billingRules: Rule[] = [
  plan({ id: 'BILL-001', severity: 'error', source: 'MA/concepts/vendor-preconditions/billing/#billing', title: 'Each plan is billed by exactly one model: free, prepaid, postpaid (or BYOL).', check(p, _s, ctx) {
    const { prepaid } = billingProfile(p);
    // H-15: free: true with paid prepaid options is both free and prepaid.
    if (p.free === true && prepaid.length) ctx.report({ node: p, field: 'free', severity: 'warning', message: `Plan "${text(p.name)}" is marked free but charges for ${names(prepaid)} (H-15).`, hint: 'Set free: false for a prepaid plan whose base price is 0, or make the options free.' });
  } }),
  plan({ id: 'BILL-002', severity: 'error', source: 'SR/billing-section/', title: 'No plan mixes prepaid and postpaid options.', check(p, _s, ctx) {
    const { prepaid, postpaid } = billingProfile(p);
    if (prepaid.length && postpaid.length) ctx.report({ node: p, message: `Plan "${text(p.name)}" mixes prepaid options (${names(prepaid)}) with postpaid options (${names(postpaid)}).`, hint: 'Put the postpaid options in a separate free plan.' });
  } }),
  plan({ id: 'BILL-003', severity: 'error', source: 'MA/concepts/about/#xaas_billing', title: 'Postpaid options exist only in free plans (free: true, cost 0).', check(p, _s, ctx) {
    const { postpaid, cost } = billingProfile(p);
    if (postpaid.length && (p.free !== true || cost !== 0)) ctx.report({ node: p, field: 'free', message: `Plan "${text(p.name)}" has postpaid options (${names(postpaid)}) but is not free (free: ${text(p.free)}, cost: ${text(cost)}).`, hint: 'Usage-based billing is allowed only in free plans: set free: true and billing.cost: 0.' });
  } }),
  plan({ id: 'BILL-004', severity: 'error', source: 'SR/billing-section/', title: 'Free plans cost 0; only prepaid plans have a non-zero cost.', check(p, _s, ctx) {
    const { cost, postpaid } = billingProfile(p);
    if (typeof cost !== 'number' || cost === 0) return;
    if (p.free === true) ctx.report({ node: p.billing, field: 'cost', message: `Plan "${text(p.name)}" is free but costs ${cost}.`, hint: 'Set cost: 0, or free: false.' });
    else if (postpaid.length) ctx.report({ node: p.billing, field: 'cost', message: `Plan "${text(p.name)}" has a plan cost of ${cost} and postpaid options; only prepaid plans have a cost.` });
  } }),
  plan({ id: 'BILL-005', severity: 'error', source: 'SR/billing-section/', title: 'Every cost is a finite number ≥ 0.', check(p, _s, ctx) {
    const bad = (v: unknown) => v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= 0);
    if (isPlainObject(p.billing) && bad(p.billing.cost)) ctx.report({ node: p.billing, field: 'cost', message: `Plan "${text(p.name)}": cost ${JSON.stringify(p.billing.cost)} is not a finite number ≥ 0.` });
    for (const o of definedOptions(p)) if (isPlainObject(o.option.billing) && bad(o.option.billing.cost)) ctx.report({ node: o, message: `Plan "${text(p.name)}": option "${o.name}" has cost ${JSON.stringify(o.option.billing.cost)}; costs are finite numbers ≥ 0.` });
  } }),
  rule<ListedRule>({ enforcedBy: ['SAAS-047', 'IB-040'], id: 'BILL-006', severity: 'error', scope: 'dsl', kinds: both, section: F, source: 'CFG/iboption/#iboption_billing', title: 'Only integer/number (prepaid or postpaid) and boolean (prepaid) options are paid. Enforced as SAAS-047 and IB-040, and by the DSL types.' }),
  rule<ListedRule>({ enforcedBy: ['SAAS-056', 'IB-042'], id: 'BILL-007', severity: 'error', scope: 'dsl', kinds: both, section: F, source: 'CFG/iboption/#iboption_billing', title: 'Boolean options are never postpaid. Enforced as SAAS-056 and IB-042, and by the DSL types.' }),
  plan({ id: 'BILL-008', severity: 'error', source: 'SR/billing-section/', title: 'billing_cycle_flat appears only on prepaid plans.', check(p, _s, ctx) {
    if (isPlainObject(p.billing) && p.billing.billing_cycle_flat !== undefined && !billingProfile(p).isPrepaidPlan) ctx.report({ node: p.billing, field: 'billing_cycle_flat', message: `Plan "${text(p.name)}" is not prepaid but sets billing_cycle_flat.`, hint: 'Remove the period; it applies only to prepaid plans.' });
  } }),
  plan({ id: 'BILL-009', severity: 'error', kinds: ['saas'], source: 'SR/billing-section/', title: 'billing_cycle_step appears only on SaaS plans with postpaid options.', check(p, _s, ctx) {
    if (isPlainObject(p.billing) && p.billing.billing_cycle_step !== undefined && billingProfile(p).postpaid.length === 0) ctx.report({ node: p.billing, field: 'billing_cycle_step', message: `Plan "${text(p.name)}" has no postpaid options but sets billing_cycle_step.` });
  } }),
  plan({ id: 'BILL-010', severity: 'error', source: 'SR/billing-section/', title: 'refundable appears only on prepaid plans.', check(p, _s, ctx) {
    if (isPlainObject(p.billing) && p.billing.refundable !== undefined && !billingProfile(p).isPrepaidPlan) ctx.report({ node: p.billing, field: 'refundable', message: `Plan "${text(p.name)}" is not prepaid but sets refundable.` });
  } }),
  plan({ id: 'BILL-011', severity: 'warning', source: 'SR/billing-section/', title: 'Period strings express intent (calendar months vs days).', check(p, _s, ctx) {
    if (!isPlainObject(p.billing)) return;
    for (const f of ['billing_cycle_flat', 'billing_cycle_step'] as const) {
      const period = parsePeriod(p.billing[f]);
      if (period && period.months === 0 && period.days >= 28 && period.days <= 31) ctx.report({ node: p.billing, field: f, message: `Plan "${text(p.name)}": ${f} is ${period.days} days, not a calendar month; "1 mons 0 days" bills monthly.` });
      if (period && period.months === 0 && period.days === 0) ctx.report({ node: p.billing, field: f, message: `Plan "${text(p.name)}": ${f} is a zero-length period.` });
    }
  } }),
  rule<ListedRule>({ enforcedBy: ['SAAS-057', 'IB-035', 'IB-036'], id: 'BILL-014', severity: 'error', scope: 'dsl', kinds: both, section: F, source: 'CFG/ibopt_fill_in/#option_int_step_prepayed', title: 'A prepaid step value is base + k·unit.size, k ≥ 0. Enforced as IB-035/IB-036 (SAAS-048/SAAS-057) and by the price function.' }),
  rule<ListedRule>({ enforcedBy: ['SAAS-050', 'IB-042'], id: 'BILL-015', severity: 'error', scope: 'dsl', kinds: both, section: F, source: 'CFG/iboption/#iboption_billing', title: 'A postpaid option has unit.size = 1. Enforced as SAAS-050 and IB-042.' }),
  rule<ServiceRule>({ id: 'BILL-019', severity: 'warning', scope: 'service', kinds: both, section: F, source: 'MA/concepts/about/#xaas_billing', title: 'A prepaid service without a free plan is deactivated on non-payment.', check(s, ctx) {
    const plans = Array.isArray(s.plans) ? s.plans : [];
    if (!plans.length || plans.some((p) => p.free === true)) return;
    if (plans.some((p) => billingProfile(p).isPrepaidPlan) && s.deactivatable !== true) ctx.report({ node: s, field: 'deactivatable', message: 'The service is prepaid with no free plan and is not deactivatable: on non-payment instances are deactivated.', hint: 'Add a free plan, or support suspend/resume and set deactivatable: true.' });
  } }),
  plan({ id: 'BILL-022', severity: 'warning', source: 'CFG/ibopt_fill_in/#option_int_step_prepayed', title: 'A paid step option with default > 0 opens the wizard with a surcharge.', check(p, _s, ctx) {
    for (const o of definedOptions(p)) {
      const b = o.option.billing;
      if (classifyOption(o.option) === 'int-custom-step' && typeof o.option.schema.default === 'number' && o.option.schema.default > 0 && isPlainObject(b) && typeof b.cost === 'number' && b.cost > 0) {
        ctx.report({ node: o, message: `Plan "${text(p.name)}": option "${o.name}" starts at ${o.option.schema.default} paid step(s), so the wizard opens with a surcharge of ${o.option.schema.default * b.cost}.` });
      }
    }
  } }),
  plan({ id: 'BILL-024', severity: 'warning', source: 'SR/billing-section/', title: 'free: false with cost 0 and no paid options is suspicious.', check(p, _s, ctx) {
    const { prepaid, postpaid, cost } = billingProfile(p);
    if (p.free === false && cost === 0 && !prepaid.length && !postpaid.length) ctx.report({ node: p, field: 'free', message: `Plan "${text(p.name)}" is not free, yet costs 0 and has no paid options (H-15).`, hint: 'Set free: true, or give the plan a price.' });
  } }),
];
