/**
 * The diff library on IR built in-test: image-based revision rules (REV-004, REV-005,
 * REV-013), the Terraform resource scan, revision styles, the ledger, deployed-state
 * round trips, and robustness on malformed models.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  allRules, checkRevisions, diffModels, incrementRevision, ledgerFromStates, nextRevision, normalizeProject, readDeployedState, readSaasCatalog,
  renderChangeSetMarkdown, renderChangeSetText, snapshotFromStates, stateFromModel, terraformResourceAddresses, writeDeployedState,
  type ProjectModel,
} from '@vkmp/core';
import { repoRoot } from '../helpers.js';
import { ibOption, ibPlan, ibProject, TF_MAIN } from './helpers.js';

const tmp: string[] = [];
afterAll(() => tmp.forEach((d) => rmSync(d, { recursive: true, force: true })));

const PLAN_A = 'a1b2c3d4-0000-4000-8000-00000000000a';
const PLAN_B = 'a1b2c3d4-0000-4000-8000-00000000000b';

/** An IB package: plan `small` uses `disk` and `cpu`, plan `big` uses only `cpu`. */
function ib(v: { revision?: string; disk?: Record<string, unknown>; revA?: string; revB?: string; costA?: number; tfA?: string; patchA?: Record<string, Record<string, unknown>>; settingsA?: string } = {}): ProjectModel {
  const disk = ibOption('disk', { maximum: 100, ...v.disk });
  const cpu = ibOption('cpu', { maximum: 8 });
  const tfA: Record<string, string> = { 'main.tf': v.tfA ?? TF_MAIN };
  if (v.settingsA) tfA['settings.yaml'] = v.settingsA;
  return ibProject({
    revision: v.revision ?? '1.0',
    options: [disk, cpu],
    plans: [
      ibPlan({ id: PLAN_A, revision: v.revA ?? '1.0', name: 'small', cost: v.costA ?? 100, options: [disk, cpu], tf: tfA, patch: v.patchA }),
      ibPlan({ id: PLAN_B, revision: v.revB ?? '1.0', name: 'big', cost: 500, options: [cpu], tf: { 'main.tf': 'resource "vkcs_compute_instance" "vm" {\n}\n' } }),
    ],
  });
}

const codes = (m: { diagnostics: { code: string; severity: string }[] }) => m.diagnostics.map((d) => `${d.code}:${d.severity}`).sort();

describe('image-based revision rules', () => {
  it('no change, no findings', () => {
    const cs = diffModels(ib(), ib());
    expect(cs.changes).toEqual([]);
    expect(checkRevisions(cs).diagnostics).toEqual([]);
  });

  it('REV-004: a changed option file needs a new revision in every plan that uses it, and only there', () => {
    const cs = diffModels(ib(), ib({ disk: { maximum: 50 }, revision: '1.1' }));
    const report = checkRevisions(cs);
    expect(codes(report)).toEqual(['REV-004:error']);
    expect(report.diagnostics[0]!.message).toContain('Plan "small"');
    expect(report.diagnostics[0]!.message).toContain('parameters/disk.yaml');
    expect(report.bumps.map((b) => `${b.target}:${b.planName}:${b.current}->${b.suggested}`)).toEqual(['plan:small:1.0->1.1']);
    // The option file change is listed, and the plan's effective option carries the risk flag.
    expect(cs.changes.find((c) => c.path.join('/') === 'demo_vm/option-file:disk/schema.maximum')).toMatchObject({ old: 100, new: 50, flags: [] });
    expect(cs.changes.find((c) => c.path.join('/') === 'demo_vm/plan:small/option:disk/schema.maximum')!.flags).toEqual([{ kind: 'range-narrowed', bound: 'maximum', old: 100, new: 50 }]);
    // Bumped: clean.
    expect(checkRevisions(diffModels(ib(), ib({ disk: { maximum: 50 }, revision: '1.1', revA: '1.1' }))).diagnostics).toEqual([]);
  });

  it('REV-001 for the package when anything changed without a service bump', () => {
    const report = checkRevisions(diffModels(ib(), ib({ disk: { maximum: 50 }, revA: '1.1' })));
    expect(codes(report)).toEqual(['REV-001:error']);
  });

  it('REV-005: plan.yaml (price, parameters_patch) changed without a plan bump is an error', () => {
    const price = checkRevisions(diffModels(ib(), ib({ costA: 120, revision: '1.1' })));
    expect(codes(price)).toEqual(['REV-005:error']);
    expect(price.diagnostics[0]!.message).toContain('plan.yaml changed');
    const patch = checkRevisions(diffModels(ib(), ib({ patchA: { disk: { 'schema.default': 10 } }, revision: '1.1' })));
    expect(codes(patch)).toEqual(['REV-005:error']);
    const cs = diffModels(ib(), ib({ costA: 120, revision: '1.1' }));
    expect(cs.changes.find((c) => c.field === 'billing.cost')!.flags).toEqual([{ kind: 'price-up', old: 100, new: 120, percent: 20 }]);
  });

  it('REV-005: a deployment/* change alone is a warning, and still a bump target', () => {
    const report = checkRevisions(diffModels(ib(), ib({ tfA: `${TF_MAIN}\n# tuned\n`, settingsA: 'preset: base_v3\n', revision: '1.1' })));
    expect(codes(report)).toEqual(['REV-005:warning']);
    expect(report.diagnostics[0]!.message).toContain('deployment/main.tf, deployment/settings.yaml');
    expect(report.bumps).toHaveLength(1);
  });

  it('REV-013: a Terraform resource removed from a plan, even with a new revision', () => {
    const tf = TF_MAIN.replace(/resource "vkcs_blockstorage_volume" "data" \{[\s\S]*?\n\}\n/, '');
    const cs = diffModels(ib(), ib({ tfA: tf, revision: '1.1', revA: '1.1' }));
    const removed = cs.changes.filter((c) => c.flags.some((f) => f.kind === 'terraform-resource-removed'));
    expect(removed.map((c) => c.path.join('/'))).toEqual(['demo_vm/plan:small/resource:vkcs_blockstorage_volume.data']);
    const report = checkRevisions(cs);
    expect(codes(report)).toEqual(['REV-013:error']);
    expect(report.diagnostics[0]!.message).toContain('"vkcs_blockstorage_volume.data" that revision "1.0" has');
    expect(report.diagnostics[0]!.hint).toContain('resource "vkcs_blockstorage_volume" "data"');
    expect(report.bumps).toEqual([]);
    // Adding a resource is backward compatible.
    const added = diffModels(ib(), ib({ tfA: `${TF_MAIN}resource "vkcs_networking_floatingip" "fip" {\n}\n`, revision: '1.1', revA: '1.1' }));
    expect(added.changes.some((c) => c.path.join('/') === 'demo_vm/plan:small/resource:vkcs_networking_floatingip.fip' && c.kind === 'added')).toBe(true);
    expect(checkRevisions(added).diagnostics).toEqual([]);
  });

  it('a plan removed from the package is flagged', () => {
    const head = ib({ revision: '1.1' });
    head.packages[0]!.plans.pop();
    const cs = diffModels(ib(), head);
    expect(cs.changes.find((c) => c.kind === 'removed' && c.path[1] === 'plan:big')!.flags).toEqual([{ kind: 'plan-removed' }]);
  });
});

describe('Terraform resource scan', () => {
  it('records top-level resource headers and skips comments, strings, heredocs and nested blocks', () => {
    expect(terraformResourceAddresses([{ path: 'main.tf', text: TF_MAIN }])).toEqual(['vkcs_blockstorage_volume.data', 'vkcs_compute_instance.vm']);
    const text = [
      'data "vkcs_networking_subnet" "s" {}',
      'resource ivkcs_user_data init {',
      '  dynamic "x" {',
      '    content { resource = "a" }',
      '  }',
      '  v = "${jsonencode({ a = "}" })}"',
      '  e = "$${not_template} %%{x}"',
      '}',
      'module "m" {',
      '  resource "nested" "no" {}',
      '}',
      'resource "vkcs_dns" "d" {',
      '  description = <<-EOT',
      '    resource "in_indented_heredoc" "no" {',
      '    EOT',
      '}',
    ].join('\n');
    expect(terraformResourceAddresses([{ path: 'a.tf', text }, { path: 'b.tf', text: 'resource "vkcs_dns" "d" {\n}\n' }])).toEqual(['ivkcs_user_data.init', 'vkcs_dns.d']);
  });

  it('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => Array.isArray(terraformResourceAddresses([{ path: 'x.tf', text: s }]))), { numRuns: 300 });
  });
});

describe('revision styles', () => {
  it.each([
    ['v. 1.0', 'v. 1.1'],
    ['1.4.2', '1.4.3'],
    ['2', '3'],
    ['1.0-rc1', '1.0-rc2'],
    ['1.9', '1.10'],
    ['rev-007', 'rev-008'],
    ['2024-05-01', '2024-05-02'],
    ['beta', 'beta.1'],
    ['', '1'],
  ])('%j → %j', (from, to) => {
    expect(incrementRevision(from)).toBe(to);
  });

  it('skips revisions already taken (the ledger)', () => {
    expect(nextRevision('1.0', ['1.1', '1.2'])).toBe('1.3');
  });
});

describe('ledger and deployed state', () => {
  it('a state file round-trips: the read snapshot diffs empty against the model', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vkmp-state-'));
    tmp.push(dir);
    const model = ib();
    const states = stateFromModel(model, { at: new Date('2024-01-01T00:00:00Z'), artifacts: { demo_vm: { 'demo_vm.zip': new Uint8Array([1, 2, 3]) } } });
    const [file] = writeDeployedState(dir, states);
    expect(file).toBe(join(dir, '.vkmp', 'deployed', 'demo_vm.json'));
    const read = readDeployedState(dir);
    expect(read.get('demo_vm')!.artifacts).toEqual({ 'demo_vm.zip': '039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81' });
    expect(read.get('demo_vm')!.entries[0]!.option_files).toHaveProperty('disk');
    const cs = diffModels(snapshotFromStates(read), model);
    expect(cs.changes).toEqual([]);
    // Terraform resources are kept, so REV-013 works against the deployed state.
    const removed = diffModels(snapshotFromStates(read), ib({ tfA: 'resource "vkcs_compute_instance" "vm" {\n}\n', revision: '1.1', revA: '1.1' }));
    expect(codes(checkRevisions(removed, { ledger: ledgerFromStates(read) }))).toEqual(['REV-013:error']);
    const text = readFileSync(file!, 'utf8');
    expect(text).not.toContain('"span"');
  });

  it('REV-003: the ledger keeps pairs of earlier deploys and their first content', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vkmp-ledger-'));
    tmp.push(dir);
    writeDeployedState(dir, stateFromModel(ib(), { at: '2024-01-01T00:00:00Z' }));
    const v11 = ib({ costA: 150, revision: '1.1', revA: '1.1' });
    writeDeployedState(dir, stateFromModel(v11, { at: '2024-02-01T00:00:00Z', previous: readDeployedState(dir) }));
    const states = readDeployedState(dir);
    const ledger = ledgerFromStates(states);
    expect(Object.keys(ledger.services)).toHaveLength(2);
    // Back to revision 1.0 of the plan with other content.
    const head = ib({ costA: 175, revision: '1.2', revA: '1.0' });
    const report = checkRevisions(diffModels(snapshotFromStates(states), head), { ledger });
    expect(codes(report)).toEqual(['REV-003:error']);
    expect(report.bumps[0]).toMatchObject({ target: 'plan', current: '1.0', suggested: '1.2', codes: ['REV-003'] });
    // The same content as the ledger's 1.0 is fine.
    expect(checkRevisions(diffModels(snapshotFromStates(states), ib({ revision: '1.2', revA: '1.0' })), { ledger }).diagnostics.filter((d) => d.code === 'REV-003')).toEqual([]);
  });

  it('a corrupt file is a DeployedStateError naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vkmp-bad-'));
    tmp.push(dir);
    writeDeployedState(dir, stateFromModel(ib(), { at: '2024-01-01T00:00:00Z' }));
    const file = join(dir, '.vkmp', 'deployed', 'demo_vm.json');
    const state = JSON.parse(readFileSync(file, 'utf8'));
    state.format_version = 7;
    writeFileSync(file, JSON.stringify(state));
    expect(() => readDeployedState(dir)).toThrow(/demo_vm\.json: format_version 7 was written by a newer vkmp/);
    writeFileSync(file, '[]');
    expect(() => readDeployedState(dir)).toThrow(/demo_vm\.json: the root is not an object/);
  });
});

describe('SaaS library checks', () => {
  const fixture = (name: string) => readFileSync(join(repoRoot, 'test', 'fixtures', 'saas', 'demo_notes', name));
  const catalog = (mutate: (c: { services: Record<string, unknown>[] }) => void, mapping?: (m: Record<string, Record<string, unknown>>) => void): ProjectModel => {
    const c = JSON.parse(fixture('catalog_demo_notes.json').toString());
    mutate(c);
    const m = JSON.parse(fixture('plan_mapping.json').toString());
    mapping?.(m);
    const read = readSaasCatalog({ catalog: { path: '/x/catalog_demo_notes.json', bytes: Buffer.from(JSON.stringify(c)) }, planMapping: { path: '/x/plan_mapping.json', bytes: Buffer.from(JSON.stringify(m)) } });
    return { catalogs: [read.value], packages: [] };
  };

  it('REV-009: removed plan still in plan_mapping.json', () => {
    const head = catalog((c) => {
      c.services[0]!.revision = '1.1';
      (c.services[0]!.plans as unknown[]).pop();
    });
    const report = checkRevisions(diffModels(catalog(() => {}), head), { allowRemovedRevisions: ['1.0'] });
    expect(report.diagnostics.map((d) => d.code)).toEqual(['REV-009']);
    expect(report.diagnostics[0]!.message).toContain('was removed from "demo_notes" but plan_mapping.json still maps it');
  });

  it('a new revision kept beside the published one: no REV-007, changes diffed against the previous revision', () => {
    const base = catalog(() => {});
    const head = catalog((c) => {
      const next = structuredClone(c.services[0]!);
      next.revision = '1.1';
      const plans = next.plans as { revision: string; billing: { cost: number } }[];
      plans[0]!.revision = '1.1';
      plans[0]!.billing.cost = 1600;
      c.services.push(next);
    });
    const cs = diffModels(base, head);
    expect(cs.units[0]!.entries.map((e) => e.relation)).toEqual(['same-revision', 'new-revision']);
    expect(cs.changes.find((c) => c.field === 'billing.cost')!.path).toEqual(['demo_notes', 'entry:1.1', 'plan:standard', 'billing.cost']);
    expect(checkRevisions(cs).diagnostics).toEqual([]);
  });

  it('renderers: text groups and Markdown tables', () => {
    const head = catalog((c) => {
      c.services[0]!.revision = '1.1';
      const p = (c.services[0]!.plans as { revision: string; billing: { cost: number } }[])[0]!;
      p.revision = '1.1';
      p.billing.cost = 1200;
    });
    const cs = diffModels(catalog(() => {}), head);
    expect(renderChangeSetText(cs)).toContain('  plan standard\n    ~ revision: "1.0" → "1.1"\n    ~ billing.cost: 1500 → 1200  [price down −20%]\n');
    expect(renderChangeSetMarkdown(cs)).toContain('| demo\\_notes | standard | plan price | 1500 | 1200 | 🔻 −20% |');
  });
});

describe('the rule registry', () => {
  it('lists the history rules with scope "history"', () => {
    const history = allRules().filter((r) => r.scope === 'history').map((r) => r.id);
    expect(history).toEqual(['REV-001', 'REV-002', 'REV-003', 'REV-004', 'REV-005', 'REV-007', 'REV-009', 'REV-013']);
  });
});

describe('robustness', () => {
  it('diffModels and checkRevisions never throw on malformed models', () => {
    const junk = fc.oneof(fc.constant(undefined), fc.constant(null), fc.integer(), fc.string(), fc.array(fc.anything(), { maxLength: 3 }), fc.dictionary(fc.string(), fc.anything(), { maxKeys: 3 }));
    const model = fc.record({
      catalogs: fc.array(fc.record({ serviceName: junk, services: fc.array(fc.record({ id: junk, revision: junk, plans: fc.array(fc.record({ id: junk, revision: junk, options: junk, billing: junk, display: junk }), { maxLength: 3 }), preview: junk, metadata: junk }), { maxLength: 3 }), planMapping: junk }), { maxLength: 2 }),
      packages: fc.array(fc.record({ serviceName: junk, kind: fc.constant('image-based'), options: junk, plans: fc.array(fc.record({ id: junk, revision: junk, deployment: junk, options: junk }), { maxLength: 2 }) }), { maxLength: 2 }),
    });
    fc.assert(
      fc.property(model, model, (a, b) => {
        const cs = diffModels(a as unknown as ProjectModel, b as unknown as ProjectModel);
        checkRevisions(cs);
        renderChangeSetText(cs);
        renderChangeSetMarkdown(cs);
        expect(diffModels(a as unknown as ProjectModel, a as unknown as ProjectModel).changes).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('normalization is stable: the snapshot of a model equals itself as JSON', () => {
    const s = normalizeProject(ib());
    expect(diffModels(JSON.parse(JSON.stringify(s)), s).changes).toEqual([]);
  });
});
