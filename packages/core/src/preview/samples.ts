/**
 * Sample values for datasource options (SPEC §C.7.4). The real lists come from the
 * user's cloud project; the preview shows plausible ones, filtered exactly as the
 * option's `datasource.filter` asks, so a filter that matches nothing is visible.
 */

export interface SampleChoice {
  value: string;
  label: string;
}

interface Flavor { id: string; name: string; vcpus: number; ram: number }
interface Network { id: string; name: string; external: boolean; shared: boolean }

const FLAVORS: Flavor[] = [
  { id: '8f3ab0d1-1c7e-4b1a-9d55-0a1f2e3d4c01', name: 'STD2-1-1', vcpus: 1, ram: 1024 },
  { id: '8f3ab0d1-1c7e-4b1a-9d55-0a1f2e3d4c02', name: 'STD2-1-2', vcpus: 1, ram: 2048 },
  { id: '8f3ab0d1-1c7e-4b1a-9d55-0a1f2e3d4c03', name: 'STD2-2-4', vcpus: 2, ram: 4096 },
  { id: '8f3ab0d1-1c7e-4b1a-9d55-0a1f2e3d4c04', name: 'STD2-2-8', vcpus: 2, ram: 8192 },
  { id: '8f3ab0d1-1c7e-4b1a-9d55-0a1f2e3d4c05', name: 'STD3-4-8', vcpus: 4, ram: 8192 },
  { id: '8f3ab0d1-1c7e-4b1a-9d55-0a1f2e3d4c06', name: 'STD3-4-16', vcpus: 4, ram: 16384 },
  { id: '8f3ab0d1-1c7e-4b1a-9d55-0a1f2e3d4c07', name: 'STD3-8-16', vcpus: 8, ram: 16384 },
  { id: '8f3ab0d1-1c7e-4b1a-9d55-0a1f2e3d4c08', name: 'STD3-8-32', vcpus: 8, ram: 32768 },
  { id: '8f3ab0d1-1c7e-4b1a-9d55-0a1f2e3d4c09', name: 'STD3-16-64', vcpus: 16, ram: 65536 },
];

const ZONES: SampleChoice[] = [
  { value: 'ms1', label: 'ms1 — Москва (MS1)' },
  { value: 'gz1', label: 'gz1 — Москва (GZ1)' },
];

const NETWORKS: Network[] = [
  { id: '2d6e1b0a-5f4c-4e3d-8a2b-1c0d9e8f7a01', name: 'ext-net', external: true, shared: false },
  { id: '2d6e1b0a-5f4c-4e3d-8a2b-1c0d9e8f7a02', name: 'internet', external: true, shared: false },
  { id: '2d6e1b0a-5f4c-4e3d-8a2b-1c0d9e8f7a03', name: 'app-network', external: false, shared: false },
  { id: '2d6e1b0a-5f4c-4e3d-8a2b-1c0d9e8f7a04', name: 'db-network', external: false, shared: false },
  { id: '2d6e1b0a-5f4c-4e3d-8a2b-1c0d9e8f7a05', name: 'shared-services', external: false, shared: true },
];

const SUBNETS: SampleChoice[] = [
  { value: '5c4b3a29-1807-46f5-a4e3-d2c1b0a9f801', label: 'app-subnet — 10.0.1.0/24' },
  { value: '5c4b3a29-1807-46f5-a4e3-d2c1b0a9f802', label: 'db-subnet — 10.0.2.0/24' },
  { value: '5c4b3a29-1807-46f5-a4e3-d2c1b0a9f803', label: 'shared-subnet — 192.168.100.0/24' },
];

const VOLUME_TYPES: { name: string; diskClass: string; label: string }[] = [
  { name: 'ceph-ssd', diskClass: 'ssd', label: 'ceph-ssd — SSD' },
  { name: 'ceph-hdd', diskClass: 'hdd', label: 'ceph-hdd — HDD' },
  { name: 'high-iops', diskClass: 'high_iops_disk', label: 'high-iops — High-IOPS SSD' },
];
/** REF spells disk classes like volume type names (G-07); both forms filter the same types. */
const REF_CLASS: Record<string, string> = { 'ceph-ssd': 'ssd', 'ceph-hdd': 'hdd', 'high-iops': 'high_iops_disk' };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function within(value: number, limits: unknown): boolean {
  if (!isObj(limits)) return true;
  const min = num(limits.minimum);
  const max = num(limits.maximum);
  return (min === undefined || value >= min) && (max === undefined || value <= max);
}

function enumOf(filterPart: unknown): string[] | undefined {
  if (!isObj(filterPart) || !Array.isArray(filterPart.enum)) return undefined;
  return filterPart.enum.filter((x): x is string => typeof x === 'string');
}

/** The sample choices of a datasource option of type `source`, after its filter. */
export function sampleChoices(source: string, filter: Record<string, unknown> | undefined, valueIs?: string): SampleChoice[] {
  const f = filter ?? {};
  switch (source) {
    case 'flavor':
      return FLAVORS.filter((x) => within(x.vcpus, f.vcpus) && within(x.ram, f.ram)).map((x) => ({
        value: x.id,
        label: `${x.name} — ${x.vcpus} vCPU, ${x.ram / 1024} GB RAM`,
      }));
    case 'az':
      return ZONES.map((z) => ({ ...z }));
    case 'network': {
      const kinds = list(f.kind).filter((k): k is string => typeof k === 'string');
      // No `kind` filter lists every network.
      const all = kinds.length === 0 || kinds.includes('all');
      const wantExternal = kinds.includes('external');
      const wantInternal = kinds.includes('internal');
      const shared = list(f.shared);
      const includeShared = shared.includes(true);
      return NETWORKS.filter((n) => (all || (n.external ? wantExternal : wantInternal)) && (includeShared || !n.shared)).map((n) => ({
        value: valueIs === 'name' ? n.name : n.id,
        label: `${n.name} — ${n.external ? 'external' : 'internal'}${n.shared ? ', shared' : ''}`,
      }));
    }
    case 'subnet':
      return SUBNETS.map((s) => ({ ...s }));
    case 'volume_type': {
      const classes = enumOf(f.disk_class)?.map((c) => REF_CLASS[c] ?? c);
      const names = enumOf(f.name);
      return VOLUME_TYPES.filter((v) => (!classes || classes.includes(v.diskClass)) && (!names || names.includes(v.name))).map((v) => ({ value: v.name, label: v.label }));
    }
    default:
      return [];
  }
}

/** The sample a datasource select starts on: the option's default when listed, else the first sample. */
export function initialChoice(choices: SampleChoice[], defaultValue: string | undefined): string | undefined {
  if (defaultValue !== undefined && choices.some((c) => c.value === defaultValue)) return defaultValue;
  return choices[0]?.value;
}

/** Human description of a datasource filter, for the tariff matrix and the hint line. */
export function describeFilter(source: string, filter: Record<string, unknown> | undefined): string {
  if (!filter) return '';
  const parts: string[] = [];
  const range = (label: string, v: unknown, unit = '') => {
    if (!isObj(v)) return;
    const min = num(v.minimum);
    const max = num(v.maximum);
    if (min !== undefined && max !== undefined) parts.push(`${label} ${min}–${max}${unit}`);
    else if (min !== undefined) parts.push(`${label} ≥ ${min}${unit}`);
    else if (max !== undefined) parts.push(`${label} ≤ ${max}${unit}`);
  };
  if (source === 'flavor') {
    range('vCPU', filter.vcpus);
    range('RAM', filter.ram, ' MB');
  }
  if (source === 'network') {
    if (filter.kind !== undefined) parts.push(`kind: ${list(filter.kind).join(', ')}`);
    if (filter.shared !== undefined) parts.push(`shared: ${list(filter.shared).join(', ')}`);
  }
  if (source === 'volume_type') {
    const classes = enumOf(filter.disk_class);
    const names = enumOf(filter.name);
    if (classes) parts.push(`disk class: ${classes.join(', ')}`);
    if (names) parts.push(`name: ${names.join(', ')}`);
  }
  return parts.join('; ');
}
