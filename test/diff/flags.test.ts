/**
 * Risk flags and revision errors of SaaS DSL projects, through the real CLI against
 * scripted git histories (`vkmp diff --against git:<ref> --json`).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { removeDir, runCli, writeFiles } from '../helpers.js';
import { baseSource, codesOf, commitAll, diffJson, flagsOf, gitProject, mutate, SERVICE } from './helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

/** A repo whose HEAD is the base service and whose working tree has `edits` applied. */
function project(edits: [string | RegExp, string][]): string {
  const dir = gitProject({ [SERVICE]: baseSource() });
  dirs.push(dir);
  writeFiles(dir, { [SERVICE]: mutate(baseSource(), edits) });
  return dir;
}

const PLAN_STD = "revision: '1.0', name: 'standard'";
const PLAN_PAYG = "revision: '1.0', name: 'pay_as_you_go'";
const bumpAll: [string, string][] = [
  ["  revision: '1.0',\n  name: 'Demo Notes'", "  revision: '1.1',\n  name: 'Demo Notes'"],
  [PLAN_STD, "revision: '1.1', name: 'standard'"],
  [PLAN_PAYG, "revision: '1.1', name: 'pay_as_you_go'"],
];

describe('the base project', () => {
  it('checks clean and has no changes against itself', async () => {
    const dir = project([]);
    const check = await runCli(['check', '--no-typecheck'], { cwd: dir });
    expect(check.code, check.stderr).toBe(0);
    const { r, doc } = await diffJson(dir, ['--against', 'git:HEAD', '--exit-code']);
    expect(r.code, r.stderr).toBe(0);
    expect(doc.changes).toEqual([]);
    expect(doc.diagnostics).toEqual([]);
    expect(doc.baseline).toMatch(/^git:HEAD \([0-9a-f]{12}\)$/);
  });
});

describe.concurrent('risk flags', () => {
  it('price up on a plan, with the percentage', async () => {
    const { doc } = await diffJson(project([['cost: 1500', 'cost: 1800'], ...bumpAll]), ['--against', 'git:HEAD', '--allow-removed', '1.0']);
    const c = doc.changes.find((x) => x.field === 'billing.cost' && !x.option)!;
    expect(c.path).toEqual(['demo_notes', 'plan:standard', 'billing.cost']);
    expect(c).toMatchObject({ kind: 'changed', old: 1500, new: 1800, plan: 'standard' });
    expect(c.flags).toEqual([{ kind: 'price-up', old: 1500, new: 1800, percent: 20 }]);
    expect(doc.ok).toBe(true);
  });

  it('price down on an option step cost, with the percentage', async () => {
    const { doc } = await diffJson(project([['cost: 100, unitSize: 5', 'cost: 80, unitSize: 5'], ...bumpAll]), ['--against', 'git:HEAD']);
    const c = doc.changes.find((x) => x.option === 'seats' && x.field === 'billing.cost')!;
    expect(c.path).toEqual(['demo_notes', 'plan:standard', 'option:seats', 'billing.cost']);
    expect(c.flags).toEqual([{ kind: 'price-down', old: 100, new: 80, percent: -20 }]);
  });

  it('plan removed', async () => {
    const dir = project([[/\n {4}saas\.plan\(\{\n {6}id: '9d2c8e51[\s\S]*?\}\),\n/, '\n'], ...bumpAll.slice(0, 2)]);
    const { doc } = await diffJson(dir, ['--against', 'git:HEAD']);
    const c = doc.changes.find((x) => x.kind === 'removed' && x.path[1] === 'plan:pay_as_you_go')!;
    expect(c.flags.map((f) => f.kind)).toEqual(['plan-removed']);
    expect(doc.summary.flags['plan-removed']).toBe(1);
  });

  it('option removed from a plan', async () => {
    const { doc } = await diffJson(project([["group('Support', [o.priority_support, o.tier])", "group('Support', [o.tier])"], ...bumpAll]), ['--against', 'git:HEAD']);
    const c = doc.changes.find((x) => x.kind === 'removed' && x.option === 'priority_support')!;
    expect(c.path).toEqual(['demo_notes', 'plan:standard', 'option:priority_support']);
    expect(c.flags.map((f) => f.kind)).toEqual(['option-removed']);
    // The wizard group changed too, keyed by page and group name.
    expect(doc.changes.some((x) => x.path.join('/') === 'demo_notes/plan:standard/page:Settings/group:Support/parameters')).toBe(true);
  });

  it('allowed range narrowed', async () => {
    const { doc } = await diffJson(project([['maximum: 20', 'maximum: 10'], ...bumpAll]), ['--against', 'git:HEAD']);
    const c = doc.changes.find((x) => x.option === 'seats' && x.field === 'schema.maximum')!;
    expect(c.flags).toEqual([{ kind: 'range-narrowed', bound: 'maximum', old: 20, new: 10 }]);
  });

  it('enum narrowed', async () => {
    const { doc } = await diffJson(project([["values: ['basic', 'pro', 'max']", "values: ['basic', 'pro']"], ...bumpAll]), ['--against', 'git:HEAD']);
    const c = doc.changes.find((x) => x.option === 'tier' && x.field === 'schema.enum')!;
    expect(c.flags).toEqual([{ kind: 'enum-narrowed', removed: ['max'] }]);
  });

  it('default changed', async () => {
    const { doc } = await diffJson(project([["default: 'basic'", "default: 'pro'"], ...bumpAll]), ['--against', 'git:HEAD']);
    const c = doc.changes.find((x) => x.option === 'tier' && x.field === 'schema.default')!;
    expect(c).toMatchObject({ old: 'basic', new: 'pro' });
    expect(c.flags).toEqual([{ kind: 'default-changed', old: 'basic', new: 'pro' }]);
  });

  it('namespace changed', async () => {
    const { doc } = await diffJson(project([["prodNs: ['acme_public']", "prodNs: ['acme_public', 'acme_beta']"], bumpAll[0]!]), ['--against', 'git:HEAD', '--allow-removed', '1.0']);
    const c = doc.changes.find((x) => x.field === 'metadata')!;
    expect(c.path).toEqual(['demo_notes', 'metadata']);
    expect(c.flags).toEqual([{ kind: 'namespace-changed', removed: [], added: ['prod_ns:acme_beta'] }]);
    expect(doc.ok).toBe(true);
  });
});

describe.concurrent('revision discipline', () => {
  it('REV-001 and REV-002: content changed, revisions not bumped, with the exact fix', async () => {
    const { r, doc } = await diffJson(project([['cost: 1500', 'cost: 1800']]), ['--against', 'git:HEAD']);
    expect(r.code).toBe(1);
    expect(doc.ok).toBe(false);
    expect(codesOf(doc).sort()).toEqual(['REV-001', 'REV-002']);
    const rev001 = doc.diagnostics.find((d) => d.code === 'REV-001')!;
    expect(rev001.message).toContain('keeps revision "1.0"');
    expect(rev001.hint).toContain('revision: "1.1" (was "1.0")');
    expect(rev001.file).toMatch(/services\/demo\/service\.ts$/);
    const rev002 = doc.diagnostics.find((d) => d.code === 'REV-002')!;
    expect(rev002.message).toContain('Plan "standard"');
    expect(rev002.message).toContain('billing.cost');
    expect(rev002.hint).toContain('plan "standard" revision: "1.1"');
    // The span points at the plan's `revision:` line in the source.
    const src = baseSource().split('\n');
    expect(src[rev002.range!.start.line - 1]).toContain("revision: '1.0', name: 'standard'");
    expect(doc.revision_bumps.map((b) => `${b.target}:${b.plan ?? ''}:${b.current}->${b.suggested}`).sort()).toEqual(['plan:standard:1.0->1.1', 'service::1.0->1.1']);
    expect(flagsOf(doc)).toEqual(['price-up']);
  });

  it('a plan revision bumped alone still needs a service revision (REV-001 only)', async () => {
    const { doc } = await diffJson(project([['cost: 1500', 'cost: 1800'], bumpAll[1]!]), ['--against', 'git:HEAD']);
    expect(codesOf(doc)).toEqual(['REV-001']);
  });

  it('everything bumped: no revision errors, exit 0 (2 with --exit-code)', async () => {
    const dir = project([['cost: 1500', 'cost: 1800'], ...bumpAll]);
    const a = await diffJson(dir, ['--against', 'git:HEAD', '--allow-removed', '1.0']);
    expect(a.r.code, a.r.stderr).toBe(0);
    expect(a.doc.diagnostics).toEqual([]);
    const b = await diffJson(dir, ['--against', 'git:HEAD', '--allow-removed', '1.0', '--exit-code']);
    expect(b.r.code).toBe(2);
  });
});

describe('history', () => {
  it('git:HEAD~1 compares with the previous commit of a scripted history', async () => {
    const dir = gitProject({ [SERVICE]: baseSource() });
    dirs.push(dir);
    writeFiles(dir, { [SERVICE]: mutate(baseSource(), [['cost: 1500', 'cost: 1650'], ...bumpAll]) });
    commitAll(dir, 'raise the standard price');
    writeFiles(dir, { [SERVICE]: mutate(baseSource(), [['cost: 1500', 'cost: 1650'], ['maximum: 20', 'maximum: 25'], ...bumpAll]) });
    commitAll(dir, 'more seats');
    const { doc } = await diffJson(dir, ['--against', 'git:HEAD~1']);
    expect(doc.baseline).toMatch(/^git:HEAD~1 /);
    expect(doc.changes.map((c) => `${c.path.slice(1).join(' ')}`)).toEqual(['plan:standard option:seats schema.maximum']);
    // Widening a range is not a risk; the revisions were not bumped since HEAD~1.
    expect(flagsOf(doc)).toEqual([]);
    expect(codesOf(doc).sort()).toEqual(['REV-001', 'REV-002']);
    const two = await diffJson(dir, ['--against', 'git:HEAD~2', '--allow-removed', '1.0']);
    expect(two.doc.changes.find((c) => c.field === 'billing.cost')?.flags[0]).toMatchObject({ kind: 'price-up', percent: 10 });
    expect(two.doc.diagnostics).toEqual([]);
  });

  it('REV-003: a reused (id, revision) with different content, from the ledger in .vkmp/deployed', async () => {
    const dir = gitProject({ [SERVICE]: baseSource() });
    dirs.push(dir);
    expect((await runCli(['state', 'record', '--at', '2024-01-01T00:00:00Z'], { cwd: dir })).code).toBe(0);
    // Deploy 1.1 with a new price, then go back to revision 1.0 with yet another price.
    writeFiles(dir, { [SERVICE]: mutate(baseSource(), [['cost: 1500', 'cost: 1800'], ...bumpAll]) });
    expect((await runCli(['state', 'record', '--at', '2024-02-01T00:00:00Z'], { cwd: dir })).code).toBe(0);
    writeFiles(dir, { [SERVICE]: mutate(baseSource(), [['cost: 1500', 'cost: 2000']]) });
    const { doc } = await diffJson(dir, ['--allow-removed', '1.1']);
    expect(doc.baseline).toBe('deployed state (.vkmp/deployed)');
    const codes = codesOf(doc).sort();
    expect(codes).toEqual(['REV-003', 'REV-003']);
    expect(doc.diagnostics.find((d) => d.message.startsWith('Service'))!.message).toContain('revision "1.0" (6f1c2a3b-8d4e-4f5a-9b6c-7d8e9f0a1b2c) was uploaded before with other content');
    // The suggestion skips revisions the ledger knows.
    expect(doc.revision_bumps.find((b) => b.target === 'service')!.suggested).toBe('1.2');
  });

  it('REV-007: a deployed SaaS section removed from the catalog; --allow-removed confirms it', async () => {
    const second = mutate(baseSource(), [...bumpAll, ['cost: 1500', 'cost: 1700']]);
    const dir = gitProject({ [SERVICE]: baseSource(), 'services/demo-next/service.ts': second });
    dirs.push(dir);
    expect((await runCli(['state', 'record'], { cwd: dir })).code).toBe(0);
    removeDir(`${dir}/services/demo`);
    const { r, doc } = await diffJson(dir);
    expect(r.code).toBe(1);
    expect(codesOf(doc)).toEqual(['REV-007']);
    expect(doc.diagnostics[0]!.message).toContain('Revision "1.0" of "demo_notes"');
    expect(doc.diagnostics[0]!.hint).toContain('--allow-removed "1.0"');
    const removed = doc.changes.find((c) => c.kind === 'removed')!;
    expect(removed.path).toEqual(['demo_notes', 'entry:1.0']);
    expect(removed.flags).toEqual([{ kind: 'section-removed', revision: '1.0' }]);
    const allowed = await diffJson(dir, ['--allow-removed', '6f1c2a3b-8d4e-4f5a-9b6c-7d8e9f0a1b2c@1.0']);
    expect(allowed.r.code).toBe(0);
  });
});
