/**
 * The wizard's price (SPEC §B.6, §C.7.5, §F) with hand-computed expected values. The
 * preview page bundles these same functions, so the page and these tests cannot disagree.
 */
import { describe, expect, it } from 'vitest';
import {
  formatMoney, formatPeriod, formatPrice, initialValues, optionValueRange, planPrice, roundKopecks, stepValue,
  classifyOption, optionSubtype, readSaasCatalogFile, wizardVisibility, type OptionModel, type PlanModel, type PlanOption, type WhenModel,
} from '@vkmp/core';
import { repoRoot } from '../helpers.js';
import { join } from 'node:path';

const NBSP = '\u00a0';

function opt(name: string, schema: OptionModel['schema'], billing?: OptionModel['billing'], actions: OptionModel['actions'] = ['create', 'update']): PlanOption {
  return { name, option: { name, actions, schema, ...(billing ? { billing } : {}) } };
}

function plan(options: PlanOption[], billing: Partial<PlanModel['billing']> = {}, extra: Partial<PlanModel> = {}): PlanModel {
  return {
    id: '0b7e4f7a-2c61-4d1e-8a3f-5e9b6c2d1a40', revision: '1', name: 'p', description: 'P', free: false,
    billing: { cost: 0, ...billing }, options, display: { pages: [{ name: 'Page', groups: [{ name: 'G', parameters: options.map((o) => ({ name: o.name })) }] }] },
    ...extra,
  };
}

/** SPEC §C.7.5 example: B = 25, S = 100, C = 150, default = 1. */
const specStep = () => opt('disk', { type: 'integer', description: 'Disk', default: 1, minimum: 0, maximum: 10 }, { base: 25, cost: 150, unit: { size: 100, measurement: 'GB' } });

describe('planPrice: plan cost and periods', () => {
  it('free plan: nothing to pay, default period', () => {
    const p = planPrice(plan([], { cost: 0 }, { free: true }));
    expect(p).toEqual({ period: '1 mons 0 days', planCost: 0, lines: [], postpaid: [], total: 0, hidden: [] });
  });

  it('prepaid plan: the plan cost per billing_cycle_flat', () => {
    const p = planPrice(plan([], { cost: 1500, billing_cycle_flat: '1 mons 15 days', refundable: true }));
    expect(p.planCost).toBe(1500);
    expect(p.total).toBe(1500);
    expect(p.period).toBe('1 mons 15 days');
  });

  it('periods are canonical `<M> mons <D> days`', () => {
    expect(planPrice(plan([], { cost: 1, billing_cycle_flat: '30 days' })).period).toBe('0 mons 30 days');
    expect(planPrice(plan([], { cost: 1, billing_cycle_flat: '3 mons' })).period).toBe('3 mons 0 days');
    expect(formatPeriod('1 mons 0 days')).toBe('1 month');
    expect(formatPeriod('3 mons 0 days')).toBe('3 months');
    expect(formatPeriod('1 mons 15 days')).toBe('1 month 15 days');
    expect(formatPeriod('0 mons 30 days')).toBe('30 days');
    expect(formatPeriod('1 days')).toBe('1 day');
    expect(formatPrice(1500, '1 mons 0 days')).toBe(`1${NBSP}500${NBSP}₽ / month`);
    expect(formatPrice(300, '3 mons')).toBe(`300${NBSP}₽ / 3 months`);
  });
});

describe('planPrice: custom-step integers (base + k·unit.size costs k·cost)', () => {
  it('SPEC §C.7.5 example: starts at 125 with +150', () => {
    const p = plan([specStep()], { cost: 1000 });
    expect(initialValues(p)).toEqual({ disk: 125 });
    const price = planPrice(p);
    expect(price.lines).toEqual([{ option: 'disk', description: 'Disk', kind: 'step', steps: 1, value: 125, unitCost: 150, measurement: 'GB', cost: 150 }]);
    expect(price.total).toBe(1150);
  });

  it('the user can go down to base at no extra cost, and up by whole steps', () => {
    const p = plan([specStep()], { cost: 1000 });
    expect(planPrice(p, { disk: 25 }).total).toBe(1000);
    expect(planPrice(p, { disk: 525 }).lines[0]).toMatchObject({ steps: 5, value: 525, cost: 750 });
    expect(planPrice(p, { disk: 525 }).total).toBe(1750);
    // Form fields deliver strings.
    expect(planPrice(p, { disk: '325' }).total).toBe(1450);
  });

  it('a value between steps needs the next whole step; limits clamp', () => {
    const p = plan([specStep()], { cost: 0 });
    expect(planPrice(p, { disk: 126 }).lines[0]).toMatchObject({ steps: 2, value: 225, cost: 300 });
    expect(planPrice(p, { disk: 0 }).lines[0]).toMatchObject({ steps: 0, value: 25, cost: 0 });
    expect(planPrice(p, { disk: 5000 }).lines[0]).toMatchObject({ steps: 10, value: 1025, cost: 1500 });
    expect(planPrice(p, { disk: 'abc' }).lines[0]).toMatchObject({ steps: 1, value: 125 });
  });

  it('minimum steps raise the lowest value', () => {
    const p = plan([opt('n', { type: 'integer', description: 'N', minimum: 2, default: 3 }, { base: 5, cost: 10, unit: { size: 5 } })]);
    const r = optionValueRange(p.options[0].option);
    expect(r).toMatchObject({ kind: 'step', min: 15, max: undefined, default: 20, minSteps: 2, defaultSteps: 3 });
    expect(planPrice(p, { n: 5 }).lines[0]).toMatchObject({ steps: 2, value: 15, cost: 20 });
  });

  it('cost 0 steps are free at any value', () => {
    const p = plan([opt('users', { type: 'integer', description: 'Users', default: 4, maximum: 20 }, { base: 0, cost: 0, unit: { size: 10 } })], { cost: 700 });
    expect(initialValues(p)).toEqual({ users: 40 });
    expect(planPrice(p, { users: 200 }).lines[0]).toMatchObject({ steps: 20, value: 200, cost: 0 });
    expect(planPrice(p, { users: 200 }).total).toBe(700);
  });

  it('default > 0 opens the wizard with a surcharge (BILL-022)', () => {
    const p = plan([opt('seats', { type: 'integer', description: 'Seats', default: 2, minimum: 0, maximum: 20 }, { base: 5, cost: 100, unit: { size: 5 } })], { cost: 1500 });
    expect(initialValues(p).seats).toBe(15);
    expect(planPrice(p).total).toBe(1700);
    expect(planPrice(p, { seats: 5 }).total).toBe(1500);
  });

  it('stepValue is base + k·size', () => {
    expect(stepValue(25, 100, 1)).toBe(125);
    expect(stepValue(1000, 1000, 0)).toBe(1000);
  });
});

describe('planPrice: switches, postpaid, free options', () => {
  const sw = () => opt('priority_support', { type: 'boolean', description: 'Priority support', default: false }, { cost: 500 });

  it('a paid switch costs while on', () => {
    const p = plan([sw()], { cost: 1500 });
    expect(planPrice(p).lines).toEqual([{ option: 'priority_support', description: 'Priority support', kind: 'switch', value: false, unitCost: 500, cost: 0 }]);
    expect(planPrice(p).total).toBe(1500);
    expect(planPrice(p, { priority_support: true }).total).toBe(2000);
    expect(planPrice(p, { priority_support: 'true' }).total).toBe(2000);
  });

  it('a switch that starts on is charged from the start', () => {
    const p = plan([opt('backup', { type: 'boolean', description: 'Backup', default: true }, { cost: 250 })], { cost: 0 });
    expect(planPrice(p).total).toBe(250);
    expect(planPrice(p, { backup: false }).total).toBe(0);
  });

  it('postpaid options are listed with unit prices, never summed', () => {
    const p = plan(
      [opt('storage_gb', { type: 'number', description: 'Stored data, GB' }, { cost: 3.5, unit: { size: 1, measurement: 'GB' } }, ['resource_usages'])],
      { cost: 0, billing_cycle_step: '1 mons' },
      { free: true },
    );
    const price = planPrice(p);
    expect(price.postpaid).toEqual([{ option: 'storage_gb', description: 'Stored data, GB', unitPrice: 3.5, measurement: 'GB' }]);
    expect(price.lines).toEqual([]);
    expect(price.total).toBe(0);
    expect(price.usagePeriod).toBe('1 mons 0 days');
    expect(initialValues(p)).toEqual({});
  });

  it('free options add nothing', () => {
    const p = plan([
      opt('nodes', { type: 'integer', description: 'Nodes', enum: [3, 5, 7], default: 5 }),
      opt('workers', { type: 'integer', description: 'Workers', minimum: 1, maximum: 8, default: 2 }),
      opt('os', { type: 'string', description: 'OS', enum: ['ubuntu', 'alma'], default: 'alma' }),
      opt('login', { type: 'string', description: 'Login', const: 'admin' }),
      opt('email', { type: 'string', description: 'Email', pattern: '^[^@]+@[^@]+$', maxLength: 254 }),
      opt('free_switch', { type: 'boolean', description: 'Free switch' }),
      opt('support', { type: 'boolean', description: 'Support', const: false }),
      opt('az', { type: 'string', description: 'AZ', default: 'ms1', datasource: { type: 'az' } }),
    ], { cost: 990 });
    expect(planPrice(p, { nodes: 7, workers: 8, free_switch: true }).total).toBe(990);
    expect(initialValues(p)).toEqual({ nodes: 5, workers: 2, os: 'alma', login: 'admin', email: '', free_switch: false, support: false, az: 'ms1' });
    expect(planPrice(p).lines).toEqual([]);
  });
});

describe('planPrice: float costs and display rounding', () => {
  it('keeps float sums unrounded and rounds to kopecks for display', () => {
    const p = plan([opt('gb', { type: 'integer', description: 'GB', default: 3 }, { cost: 3.3, unit: { size: 1 } })], { cost: 0.1 });
    const price = planPrice(p);
    expect(price.lines[0].cost).toBe(3 * 3.3); // 9.899999999999999
    expect(price.total).toBe(0.1 + 3 * 3.3); // 9.999999999999998
    expect(formatMoney(price.lines[0].cost)).toBe(`9,90${NBSP}₽`);
    expect(formatMoney(price.total)).toBe(`10${NBSP}₽`);
    expect(formatMoney(0.1 + 0.2)).toBe(`0,30${NBSP}₽`);
    expect(roundKopecks(1.005)).toBe(1.01);
    expect(roundKopecks(2.675)).toBe(2.68);
    expect(formatMoney(1234567.891)).toBe(`1${NBSP}234${NBSP}567,89${NBSP}₽`);
    expect(formatMoney(0)).toBe(`0${NBSP}₽`);
  });
});

describe('when: hidden groups are not charged', () => {
  const when = (operator: WhenModel['operator'], values: unknown[]): WhenModel => ({ operator, key: { param: 'edition' }, values: values.map((v) => ({ const: v })) });
  const p = (): PlanModel => ({
    ...plan([
      opt('edition', { type: 'string', description: 'Edition', enum: ['basic', 'pro'], default: 'basic' }),
      opt('pro_seats', { type: 'integer', description: 'Pro seats', default: 1 }, { base: 0, cost: 1000, unit: { size: 1 } }),
    ], { cost: 100 }),
    display: {
      pages: [
        { name: 'Edition', groups: [{ name: '', parameters: [{ name: 'edition' }] }] },
        { name: 'Pro', groups: [{ name: 'Pro', parameters: [{ name: 'pro_seats' }], when: when('in', ['pro']) }] },
      ],
    },
  });

  it('hides and excludes, then shows and charges', () => {
    expect(wizardVisibility(p())).toEqual({ pages: [{ visible: true, groups: [true] }, { visible: false, groups: [false] }], hidden: ['pro_seats'] });
    expect(planPrice(p()).total).toBe(100);
    expect(planPrice(p()).hidden).toEqual(['pro_seats']);
    expect(planPrice(p(), { edition: 'pro' }).total).toBe(1100);
    expect(planPrice(p(), { edition: 'pro', pro_seats: 3 }).total).toBe(3100);
  });

  it('not_in is the negation', () => {
    const q = p();
    q.display.pages[1].groups[0].when = when('not_in', ['basic']);
    expect(planPrice(q).total).toBe(100);
    expect(planPrice(q, { edition: 'pro' }).total).toBe(1100);
  });
});

describe('optionValueRange', () => {
  it('classifies each subtype into what the wizard offers', () => {
    expect(optionValueRange({ actions: ['create'], schema: { type: 'integer', description: 'x', const: 20 } })).toEqual({ kind: 'const', value: 20 });
    expect(optionValueRange({ actions: ['create'], schema: { type: 'integer', description: 'x', enum: [3, 5], default: 5 } })).toEqual({ kind: 'enum', type: 'integer', values: [3, 5], default: 5 });
    expect(optionValueRange({ actions: ['create'], schema: { type: 'integer', description: 'x', minimum: 10, maximum: 100 } })).toEqual({ kind: 'range', min: 10, max: 100, default: 10 });
    expect(optionValueRange({ actions: ['create'], schema: { type: 'boolean', description: 'x' }, billing: { cost: 5 } })).toEqual({ kind: 'switch', default: false, cost: 5 });
    expect(optionValueRange({ actions: ['create'], schema: { type: 'string', description: 'x', pattern: '^a', minLength: 1 } })).toEqual({ kind: 'text', default: undefined, pattern: '^a', minLength: 1, maxLength: undefined });
    expect(optionValueRange({ actions: ['create'], schema: { type: 'string', description: 'x', datasource: { type: 'network', value_is: 'name', filter: { kind: 'internal' } } } }))
      .toEqual({ kind: 'datasource', source: 'network', default: undefined, filter: { kind: 'internal' }, valueIs: 'name' });
    expect(optionValueRange({ actions: ['resource_usages'], schema: { type: 'number', description: 'x' }, billing: { cost: 2, unit: { size: 1 } } })).toEqual({ kind: 'postpaid', unitPrice: 2, measurement: undefined });
    expect(optionValueRange({ actions: ['create'], schema: { type: 'date', description: 'x' } })).toEqual({ kind: 'invalid', type: 'date' });
  });
});

describe('optionSubtype', () => {
  it('agrees with the rule engine\'s classifyOption on every subtype and edge', () => {
    const cases: Pick<OptionModel, 'actions' | 'schema' | 'billing'>[] = [
      { actions: ['create'], schema: { type: 'integer', description: 'x', const: 1 } },
      { actions: ['create'], schema: { type: 'integer', description: 'x', const: undefined, enum: [1] } },
      { actions: ['create'], schema: { type: 'integer', description: 'x', enum: [1, 2], default: 1 } },
      { actions: ['create'], schema: { type: 'integer', description: 'x' } },
      { actions: ['create', 'update'], schema: { type: 'integer', description: 'x' }, billing: { cost: 1, unit: { size: 2 } } },
      { actions: ['create'], schema: { type: 'number', description: 'x' } },
      { actions: ['create'], schema: { type: 'number', description: 'x' }, billing: { cost: 1 } },
      { actions: ['resource_usages'], schema: { type: 'number', description: 'x' }, billing: { cost: 1, unit: { size: 1 } } },
      { actions: ['resource_usages', 'create'], schema: { type: 'integer', description: 'x' } },
      { actions: ['create'], schema: { type: 'string', description: 'x', const: 'a' } },
      { actions: ['create'], schema: { type: 'string', description: 'x', enum: ['a'], default: 'a' } },
      { actions: ['create'], schema: { type: 'string', description: 'x', pattern: '^a' } },
      { actions: ['create'], schema: { type: 'string', description: 'x', datasource: { type: 'az' } } },
      { actions: ['create'], schema: { type: 'integer', description: 'x', datasource: { type: 'flavor' } } },
      { actions: ['create'], schema: { type: 'boolean', description: 'x', const: true } },
      { actions: ['create'], schema: { type: 'boolean', description: 'x' }, billing: { cost: 5 } },
      { actions: ['create'], schema: { type: 'object', description: 'x' } },
    ];
    for (const c of cases) expect(optionSubtype(c), JSON.stringify(c)).toBe(classifyOption(c));
  });
});

describe('examples', () => {
  it('VK Testers (the catalog the example builds to): paid steps on top of a zero plan cost', () => {
    const r = readSaasCatalogFile(join(repoRoot, 'test', 'fixtures', 'saas', 'vk-testers', 'catalog_VKT.json'));
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const p = r.model.catalogs[0].services[0].plans[0];
    expect(initialValues(p)).toMatchObject({ products: 5, groups: 0, members: 5, checklists_per_product: 2, api_requests_daily_limit: 1000, report_notifications: false });
    expect(planPrice(p).total).toBe(0);
    // products: base 5, step 10 at 100; api: base 1000, step 1000 at 50.
    const price = planPrice(p, { products: 25, api_requests_daily_limit: 3000, members: 8 });
    expect(price.lines.filter((l) => l.cost > 0).map((l) => [l.option, l.steps, l.cost]).sort()).toEqual([
      ['api_requests_daily_limit', 2, 100], ['members', 3, 300], ['products', 2, 200],
    ]);
    expect(price.total).toBe(600);
  });
});
