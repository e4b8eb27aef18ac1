// Type tests: option subtypes accept only the keywords the docs allow (SPEC §C.7.3).
import { option, options } from '@vkmp/sdk';

// @ts-expect-error a constant has no minimum
option.integer.const({ description: 'Disk', value: 20, minimum: 1 });
// @ts-expect-error an enum integer needs a default
option.integer.enum({ description: 'Nodes', values: [3, 5, 7] });
// @ts-expect-error the default must be one of the values
option.integer.enum({ description: 'Nodes', values: [3, 5, 7], default: 4 });
// @ts-expect-error string options are never paid
option.string.input({ description: 'Email', cost: 5 });
// @ts-expect-error string inputs have no minimum
option.string.input({ description: 'Email', minimum: 1 });
// @ts-expect-error a pattern belongs to string inputs only
option.integer.range({ description: 'Disk', pattern: '^\\d+$' });
// @ts-expect-error the enum default must be one of the values
option.string.enum({ description: 'OS', values: ['ubuntu', 'alma'], default: 'debian' });
// @ts-expect-error a paid step needs billing with unitSize
option.integer.paidStep({ description: 'Users', billing: { cost: 100 } });
// @ts-expect-error postpaid options have no default (their values come from usage reports)
option.postpaid.integer({ description: 'Calls', cost: 1, default: 0 });
// @ts-expect-error postpaid options have no actions: they are always resource_usages
option.postpaid.number({ description: 'GB', cost: 1, actions: ['create'] });
// @ts-expect-error a subnet picker has no default
option.datasource.subnet({ description: 'Subnet', default: 'x' });
// @ts-expect-error a flavor picker has no tag
option.datasource.flavor({ description: 'VM', tag: 'disk' });
// @ts-expect-error unknown disk type
option.datasource.volumeType({ description: 'Disk type', default: 'nvme' });
// @ts-expect-error unknown network kind (the docs' "private" is not allowed)
option.datasource.network({ description: 'Net', kind: 'private' });
// @ts-expect-error a boolean constant has no cost
option.boolean.const({ description: 'Support', value: false, cost: 100 });

const o = options({ disk: option.integer.range({ description: 'Disk', minimum: 10, maximum: 100 }) });
// @ts-expect-error per-plan overrides accept only the subtype's own fields
o.disk.with({ pattern: 'x' });
export const ok = o.disk.with({ maximum: 200 });
