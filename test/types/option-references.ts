// Type tests: each @ts-expect-error must be needed, so `tsc` passing proves the line does not compile.
import { group, option, options, page, saas, when } from '@vkmp/sdk';

const o = options({
  seats: option.integer.paidStep({ description: 'Users', billing: { base: 5, cost: 100, unitSize: 5 } }),
  tier: option.string.enum({ description: 'Tier', values: ['basic', 'pro'], default: 'basic' }),
  backup: option.boolean.switch({ description: 'Backup', cost: 200 }),
  storage: option.postpaid.number({ description: 'Storage', cost: 3.5, measurement: 'GB' }),
});

// A typo in an option reference is a compile error everywhere options are referenced.
// @ts-expect-error seets is not an option of this service
export const typoInGroup = group('Team', [o.seets]);
// @ts-expect-error prevew typo in the preview list
export const typoInPreview: readonly unknown[] = [o.prevew];

export const service = saas.service({
  serviceName: 'demo',
  id: '6f1c2a3b-8d4e-4f5a-9b6c-7d8e9f0a1b2c',
  revision: '1.0',
  name: 'Demo',
  shortDescription: 'Demo',
  fullDescription: 'Demo',
  icon: 'https://icons.example.com/demo.svg',
  help: 'https://docs.example.com',
  bindable: false,
  planUpdateable: true,
  deactivatable: true,
  bindingsRetrievable: false,
  instancesRetrievable: true,
  options: o,
  // @ts-expect-error a string is not an option reference
  preview: ['seats'],
  plans: [
    saas.plan({
      id: '0b7e4f7a-2c61-4d1e-8a3f-5e9b6c2d1a40',
      revision: '1.0',
      name: 'standard',
      description: 'Standard',
      free: false,
      planId: 'std',
      billing: { cost: 1500, period: '1 mons 0 days' },
      wizard: [page('Settings', [group('Team', [o.seats, o.backup])])],
      // @ts-expect-error hiddenOption typo of a plan field
      hiddenOption: [o.tier],
    }),
  ],
});

// when: the compared values must have the key option's value type.
export const okWhen = when.in(o.tier, ['pro']);
// @ts-expect-error 'premium' is not one of the tier values
export const badWhenValue = when.in(o.tier, ['premium']);
// @ts-expect-error a number cannot be compared with a string option
export const badWhenType = when.notIn(o.tier, [5]);
// @ts-expect-error when needs at least one value
export const emptyWhen = when.in(o.tier, []);

// Period strings follow the grammar.
saas.plan({
  id: '0b7e4f7a-2c61-4d1e-8a3f-5e9b6c2d1a40', revision: '1', name: 'x', description: 'x', free: true, planId: 1,
  // @ts-expect-error "monthly" is not a period
  billing: { cost: 0, period: 'monthly' },
});
