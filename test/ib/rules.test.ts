/**
 * Image-based rules on the IR: patches that the DSL never writes (IB-064…IB-068), plan
 * lists (IB-069/IB-070), and how the kind-agnostic BILL rules and REV-006 treat
 * image-based plans (G-18: a postpaid plan may use free create/update options).
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../packages/core/src/diagnostics.js';
import { prepareTerraform } from '../../packages/core/src/ib/terraform.js';
import type { PlanModel, PlanOption, ProjectModel, ServiceModel } from '../../packages/core/src/model/types.js';
import { readArtifacts, validateModel } from '../../packages/core/src/index.js';
import { fixturesDir } from './helpers.js';

let base: ProjectModel;
beforeAll(async () => {
  // The SPEC §C.15 package as the IB reader sees it (rule logic is the same for DSL models).
  const r = await readArtifacts([join(fixturesDir, 'spec-c15', 'demo_app')]);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  base = r.model;
});

/** Validates a deep copy of the §C.15 model after `mutate`. */
async function check(mutate: (s: ServiceModel, plan: (name: string) => PlanModel) => void): Promise<Diagnostic[]> {
  const model = structuredClone(base);
  const s = model.packages[0]!;
  mutate(s, (name) => s.plans.find((p) => p.name === name)!);
  const prepared = await prepareTerraform(model);
  return [...prepared, ...validateModel(model)];
}
const codes = (ds: Diagnostic[]) => [...new Set(ds.map((d) => d.code))].sort();
const option = (p: PlanModel, name: string): PlanOption => p.options.find((o) => o.name === name)!;

describe('parameters_patch on the IR', () => {
  it('IB-067: a patch that replaces billing and also sets billing.cost', async () => {
    const ds = await check((_s, plan) => {
      const users = option(plan('basic'), 'users');
      users.patch = { billing: { base: 25, cost: 0, unit: { size: 100 } }, 'billing.cost': 5 };
    });
    const d = ds.find((x) => x.code === 'IB-067');
    expect(d?.severity).toBe('error');
    expect(d?.message).toMatch(/replaces the whole billing section and also sets billing\.cost/);
    expect(d?.span?.file).toMatch(/spec-c15\/demo_app\/plans\/basic\/(plan|display)\.yaml$/);
  });

  it('IB-066: keys that are neither dotted schema./billing. paths nor whole sections; actions is a warning', async () => {
    const ds = await check((_s, plan) => {
      option(plan('basic'), 'users').patch = { default: 3, 'schema.': 1, schema: 7, 'actions': ['create'] };
    });
    const found = ds.filter((d) => d.code === 'IB-066');
    expect(found.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([
      expect.stringContaining('has the key "default"'),
      expect.stringContaining('has the key "schema."'),
      expect.stringContaining('users.schema replaces the whole section'),
    ]);
    expect(found.filter((d) => d.severity === 'warning').map((d) => d.message)).toEqual([expect.stringContaining('patching actions is undocumented (H-10)')]);
  });

  it('IB-068: the patched option must still be valid', async () => {
    const ds = await check((_s, plan) => {
      const users = option(plan('basic'), 'users');
      users.patch = { 'schema.minimum': 5, 'schema.maximum': 3 };
      users.option = { ...users.option, schema: { ...users.option.schema, minimum: 5, maximum: 3 } };
    });
    const d = ds.filter((x) => x.code === 'IB-068');
    expect(d.map((x) => x.message)).toEqual(expect.arrayContaining([expect.stringMatching(/with its parameters_patch, option "users": minimum 5 is greater than maximum 3\. \(IB-036\)/)]));
    expect(ds.filter((x) => x.code === 'IB-036')).toEqual([]); // the option file itself is fine
  });

  it('IB-064 and IB-065: patches of unknown and unused options', async () => {
    const ds = await check((s, plan) => {
      const p = plan('payg');
      p.options.push({ name: 'nope', option: undefined as never, patch: { 'schema.default': 1 }, span: p.span });
      p.options.push({ name: 'users', option: s.options.find((o) => o.name === 'users')!, patch: { 'schema.default': 1 }, span: p.span });
    });
    expect(ds.find((d) => d.code === 'IB-064')?.message).toMatch(/patches "nope", which has no file parameters\/nope\.yaml/);
    expect(ds.filter((d) => d.code === 'IB-065').map((d) => d.message)).toEqual(expect.arrayContaining([expect.stringMatching(/patches "users", which the plan does not use/)]));
    expect(ds.filter((d) => /^Internal error/.test(d.message))).toEqual([]);
  });
});

describe('resource_usages on the IR', () => {
  it('IB-070: a postpaid option the plan shows but does not list', async () => {
    const ds = await check((_s, plan) => delete plan('payg').resource_usages);
    expect(ds.find((d) => d.code === 'IB-070')?.message).toMatch(/uses the postpaid option "storage" but its resource_usages does not list it/);
  });

  it('IB-069: names that are not postpaid option files, or repeat', async () => {
    const ds = await check((_s, plan) => (plan('payg').resource_usages = ['storage', 'flavor', 'ghost', 'storage']));
    expect(ds.filter((d) => d.code === 'IB-069').map((d) => d.message)).toEqual([
      expect.stringContaining('"flavor", which is not postpaid'),
      expect.stringContaining('"ghost", which has no file'),
      expect.stringContaining('lists "storage" twice'),
    ]);
  });
});

describe('kind-agnostic rules on image-based plans', () => {
  it('§C.15 passes every BILL and REV rule; SAAS-054 does not apply to a postpaid plan with free options (G-18)', async () => {
    const ds = await check(() => {});
    expect(ds.filter((d) => /^(BILL|REV|SAAS)-/.test(d.code))).toEqual([]);
    expect(codes(ds.filter((d) => d.severity === 'error'))).toEqual([]);
  });

  it('a prepaid option in the postpaid plan: BILL-002 and IB-071', async () => {
    const ds = await check((s, plan) => {
      const backup = s.options.find((o) => o.name === 'backup')!;
      plan('payg').options.push({ name: 'backup', option: backup, span: plan('payg').span });
    });
    expect(codes(ds.filter((d) => d.severity === 'error'))).toEqual(expect.arrayContaining(['BILL-002', 'IB-071']));
  });

  it('REV-006 (IB-059): two plans with one id', async () => {
    const ds = await check((_s, plan) => (plan('payg').id = plan('basic').id));
    expect(ds.find((d) => d.code === 'REV-006')?.message).toMatch(/Plans "basic" and "payg" share id 7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d and revision "1\.0"/);
  });

  it('BILL-008/BILL-010: a free plan with a billing period and refundable', async () => {
    const ds = await check((_s, plan) => Object.assign(plan('payg').billing, { billing_cycle_flat: '1 mons 0 days', refundable: true }));
    expect(codes(ds)).toEqual(expect.arrayContaining(['BILL-008', 'BILL-010']));
  });
});
