/**
 * Pull-model usage reports (SPEC §D.6) as a library: the typed builder fills type and price from
 * the catalog and refuses what Marketplace would not accept; the checker reports rule IDs and
 * never throws on hostile input. Also the usage-push check against a project model.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkUsagePush, checkUsageReport, createUsageReport, indexUsageCatalog, readSaasCatalogFile, UsageReportError, validateArtifacts, type CatalogModel, type ProjectModel,
} from '@vkmp/core';
import { repoRoot } from '../helpers.js';

const fixture = join(repoRoot, 'test', 'fixtures', 'rules', 'BILL-016', 'pass', 'resources', 'catalog_demo_notes.json');
const catalog = (): CatalogModel => readSaasCatalogFile(fixture).model.catalogs[0]!;
const PAYG = '9d2c8e51-7f3a-4b6c-9e1d-2a4f6b8c0d13';
const STANDARD = '0b7e4f7a-2c61-4d1e-8a3f-5e9b6c2d1a40';
const INSTANCE = 'd1dff97c-df6c-45a7-95e1-b539a8d77721';

function thrown(fn: () => unknown): UsageReportError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageReportError);
    return error as UsageReportError;
  }
  throw new Error('expected a UsageReportError');
}

describe('createUsageReport', () => {
  it('fills type, price and unit from the catalog; the report passes checkUsageReport', () => {
    const report = createUsageReport<'storage_gb'>(catalog(), { batchId: 35 })
      .add({ kind: 'storage_gb', planUuid: PAYG, instanceUuid: INSTANCE, value: 2.447 })
      .add({ kind: 'storage_gb', planUuid: PAYG, instanceUuid: '0a4b5c6d-7e8f-4a1b-9c2d-3e4f5a6b7c8d', value: 0, unit: 'GB-month' })
      .build();
    expect(report).toEqual({
      batch_id: 35,
      data: [
        { kind: 'storage_gb', type: 'demo_notes', unit: 'GB', price: 3.5, value: 2.447, plan_uuid: PAYG, instance_uuid: INSTANCE },
        { kind: 'storage_gb', type: 'demo_notes', unit: 'GB-month', price: 3.5, value: 0, plan_uuid: PAYG, instance_uuid: '0a4b5c6d-7e8f-4a1b-9c2d-3e4f5a6b7c8d' },
      ],
    });
    expect(checkUsageReport(report, catalog())).toEqual([]);
    expect(JSON.parse(JSON.stringify(createUsageReport(catalog(), { batchId: 1 })))).toEqual({ batch_id: 1, data: [] });
  });

  it('accepts the parsed catalog JSON with its SERVICE_NAME', () => {
    const json = JSON.parse(readFileSync(fixture, 'utf8'));
    const r = createUsageReport({ serviceName: 'demo_notes', catalog: json }, { batchId: 7 }).add({ kind: 'storage_gb', planUuid: PAYG, instanceUuid: INSTANCE, value: 1 }).build();
    expect(r.data[0]).toMatchObject({ type: 'demo_notes', price: 3.5 });
  });

  it('refuses unknown plans (API-019), non-postpaid and unknown kinds (SAAS-058), bad values and ids (API-018)', () => {
    const b = createUsageReport(catalog(), { batchId: 1 });
    expect(thrown(() => b.add({ kind: 'storage_gb', planUuid: 'ffffffff-7f3a-4b6c-9e1d-2a4f6b8c0d13', instanceUuid: INSTANCE, value: 1 })).code).toBe('API-019');
    const seats = thrown(() => b.add({ kind: 'seats', planUuid: STANDARD, instanceUuid: INSTANCE, value: 1 }));
    expect(seats.code).toBe('SAAS-058');
    expect(seats.message).toContain('"seats" is a create/update option of plan "standard", not a resource_usages (postpaid) option');
    expect(thrown(() => b.add({ kind: 'storage', planUuid: PAYG, instanceUuid: INSTANCE, value: 1 })).message).toContain('postpaid options: "storage_gb"');
    expect(thrown(() => b.add({ kind: 'storage_gb', planUuid: PAYG, instanceUuid: INSTANCE, value: -1 })).code).toBe('API-018');
    expect(thrown(() => b.add({ kind: 'storage_gb', planUuid: PAYG, instanceUuid: INSTANCE, value: Number.NaN })).code).toBe('API-018');
    expect(thrown(() => b.add({ kind: 'storage_gb', planUuid: PAYG, instanceUuid: 'tenant-1', value: 1 })).code).toBe('API-018');
    expect(thrown(() => createUsageReport(catalog(), { batchId: 1.5 })).code).toBe('API-018');
    expect(b.records).toHaveLength(0);
  });

  it('asks for the revision when the catalog prices the option differently in two revisions', () => {
    const c = catalog();
    const second = structuredClone(c.services[0]!);
    second.revision = '2.0';
    const plan = second.plans.find((p) => p.id === PAYG)!;
    plan.revision = '2.0';
    plan.options.find((o) => o.name === 'storage_gb')!.option.billing = { cost: 4, unit: { size: 1, measurement: 'GB' } };
    const two: CatalogModel = { ...c, services: [c.services[0]!, second] };
    const b = createUsageReport(two, { batchId: 2 });
    const e = thrown(() => b.add({ kind: 'storage_gb', planUuid: PAYG, instanceUuid: INSTANCE, value: 1 }));
    expect(e.code).toBe('BILL-016');
    expect(e.message).toContain('revision "1.0": 3.5, revision "2.0": 4');
    expect(b.add({ kind: 'storage_gb', planUuid: PAYG, instanceUuid: INSTANCE, value: 1, revision: '2.0' }).build().data[0]!.price).toBe(4);
    // The checker accepts either revision's price.
    expect(checkUsageReport({ batch_id: 2, data: [{ kind: 'storage_gb', type: 'demo_notes', unit: 'GB', price: 3.5, value: 1, plan_uuid: PAYG, instance_uuid: INSTANCE }] }, two)).toEqual([]);
  });
});

describe('checkUsageReport', () => {
  it('points at the offending value when spans are given', () => {
    const diags = checkUsageReport({ batch_id: 1, data: [{ kind: 'storage_gb', type: 'demo_notes', unit: 'GB', price: 4, value: 1, plan_uuid: PAYG, instance_uuid: INSTANCE }] }, catalog(), {
      file: '/r.json',
      spans: new Map([['/data/0/price', { file: '/r.json', line: 9, column: 16 }]]),
    });
    expect(diags).toHaveLength(1);
    expect(diags[0]).toMatchObject({ code: 'BILL-016', severity: 'error', span: { file: '/r.json', line: 9, column: 16 } });
    expect(diags[0]!.docs).toMatch(/SPEC\.md §F/);
  });

  it('never throws on hostile reports, and reports only its own rule IDs', () => {
    const index = indexUsageCatalog(catalog());
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.record({ batch_id: fc.anything(), data: fc.array(fc.dictionary(fc.constantFrom('kind', 'type', 'unit', 'price', 'value', 'plan_uuid', 'instance_uuid', 'toString', '__proto__'), fc.anything()), { maxLength: 4 }) })), (report) => {
        const diags = checkUsageReport(report, index);
        for (const d of diags) expect(['API-018', 'API-019', 'SAAS-058', 'BILL-016']).toContain(d.code);
      }),
      { numRuns: Number(process.env.VKMP_FUZZ_RUNS ?? 300) },
    );
  });

  it('validateArtifacts checks a pull report file against the catalog beside it (the coverage fixtures)', async () => {
    const r = await validateArtifacts([join(repoRoot, 'test', 'fixtures', 'rules', 'SAAS-058', 'fail-prepaid', 'usage_report.json')]);
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['SAAS-058']);
    expect(r.diagnostics[0]!.span?.line).toBe(5); // the "kind" line
  });
});

describe('checkUsagePush', () => {
  const model = (): ProjectModel => ({ catalogs: [catalog()], packages: [] });
  it('accepts postpaid params and rejects others before sending', () => {
    expect(checkUsagePush({ usages: [{ instance_uuid: INSTANCE, param: 'storage_gb', value: 2.5 }] }, model())).toEqual([]);
    const codes = checkUsagePush({ base_date: 'yesterday', broker_id: 7, extra: 1, usages: [{ instance_uuid: 'x', param: 'seats', value: -1 }, null] }, model()).map((d) => d.code);
    expect(codes).toEqual(['API-009', 'API-011', 'API-010', 'API-009', 'API-012', 'API-009', 'API-009']);
    expect(checkUsagePush({ usages: [{ instance_uuid: INSTANCE, param: 'storage_gb', value: 1 }] }, model(), { only: ['other'] })[0]!.code).toBe('API-012');
    expect(checkUsagePush([], model())[0]!.code).toBe('API-009');
  });
});
