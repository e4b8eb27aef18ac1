/**
 * `vkmp diff` and `vkmp state` through the real CLI: every --against form (build dir,
 * catalog JSON, git ref, a local broker), --bump, Markdown, exit codes and bad input.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeDir, repoRoot, runCli, tempDir, writeFiles } from '../helpers.js';
import { baseSource, codesOf, diffJson, expectCleanError, flagsOf, gitProject, mutate, readText, SERVICE } from './helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

const bumpAll: [string, string][] = [
  ["  revision: '1.0',\n  name: 'Demo Notes'", "  revision: '1.1',\n  name: 'Demo Notes'"],
  ["revision: '1.0', name: 'standard'", "revision: '1.1', name: 'standard'"],
  ["revision: '1.0', name: 'pay_as_you_go'", "revision: '1.1', name: 'pay_as_you_go'"],
];

function project(): string {
  const dir = gitProject({ [SERVICE]: baseSource() });
  dirs.push(dir);
  return dir;
}

describe.concurrent('--against artifacts', () => {
  it('a build directory: no changes right after the build, then the edit', async () => {
    const dir = project();
    const built = await runCli(['build', '--out', 'dist'], { cwd: dir });
    expect(built.code, built.stderr).toBe(0);
    const same = await diffJson(dir, ['--against', 'dist', '--exit-code']);
    expect(same.r.code, same.r.stderr).toBe(0);
    expect(same.doc.changes).toEqual([]);
    writeFiles(dir, { [SERVICE]: mutate(baseSource(), [['maximum: 20', 'maximum: 15'], ...bumpAll]) });
    const { r, doc } = await diffJson(dir, ['--against', 'dist', '--allow-removed', '1.0', '--exit-code']);
    expect(r.code, r.stderr).toBe(2);
    expect(doc.baseline).toBe('dist');
    expect(flagsOf(doc).sort()).toEqual(['range-narrowed', 'section-removed']);
  });

  it('a catalog JSON (with plan_mapping.json beside it)', async () => {
    const dir = project();
    expect((await runCli(['build', '--out', 'dist'], { cwd: dir })).code).toBe(0);
    writeFiles(dir, { [SERVICE]: mutate(baseSource(), [['cost: 1500', 'cost: 1200']]) });
    const { doc } = await diffJson(dir, ['--against', 'dist/demo_notes/catalog_demo_notes.json']);
    expect(doc.changes.find((c) => c.field === 'billing.cost')!.flags).toEqual([{ kind: 'price-down', old: 1500, new: 1200, percent: -20 }]);
    expect(codesOf(doc).sort()).toEqual(['REV-001', 'REV-002']);
  });

  it('the hand-written docs catalog read back equals its DSL version', async () => {
    const { r, doc } = await diffJson(join(repoRoot, 'examples', 'vk-testers'), ['--against', join(repoRoot, 'test', 'fixtures', 'saas', 'vk-testers', 'catalog_VKT.json'), '--exit-code']);
    expect(r.code, r.stdout).toBe(0);
    expect(doc.changes).toEqual([]);
  });

  it('REV-009: a plan added without a plan_mapping.json change (hand-written catalogs, --head)', async () => {
    const dir = tempDir('rev009-');
    dirs.push(dir);
    const fixture = join(repoRoot, 'test', 'fixtures', 'saas', 'demo_notes');
    for (const side of ['base', 'head']) {
      mkdirSync(join(dir, side), { recursive: true });
      copyFileSync(join(fixture, 'catalog_demo_notes.json'), join(dir, side, 'catalog_demo_notes.json'));
      copyFileSync(join(fixture, 'plan_mapping.json'), join(dir, side, 'plan_mapping.json'));
    }
    const catalog = JSON.parse(readFileSync(join(dir, 'head', 'catalog_demo_notes.json'), 'utf8'));
    const service = catalog.services[0];
    service.revision = '1.1';
    service.plans.push({ ...structuredClone(service.plans[0]), id: '5a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d', revision: '1.0', name: 'team', description: 'Team' });
    writeFileSync(join(dir, 'head', 'catalog_demo_notes.json'), JSON.stringify(catalog, null, 2));
    const { r, doc } = await diffJson(dir, ['--head', 'head', '--against', 'base', '--allow-removed', '1.0']);
    expect(r.code).toBe(1);
    expect(codesOf(doc)).toEqual(['REV-009']);
    expect(doc.diagnostics[0]!.message).toContain('Plan "team" (5a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d) is new');
    expect(doc.diagnostics[0]!.file).toMatch(/head\/plan_mapping\.json$/);
    const mapping = JSON.parse(readFileSync(join(dir, 'head', 'plan_mapping.json'), 'utf8'));
    mapping.demo_notes['5a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d'] = 'team';
    writeFileSync(join(dir, 'head', 'plan_mapping.json'), JSON.stringify(mapping));
    const fixed = await diffJson(dir, ['--head', 'head', '--against', 'base', '--allow-removed', '1.0']);
    expect(fixed.r.code, fixed.r.stderr).toBe(0);
    expect(fixed.doc.changes.some((c) => c.path.join('/') === `demo_notes/plan_mapping/5a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d`)).toBe(true);
  });
});

describe('--against a broker URL', () => {
  let server: Server;
  let seen: IncomingHttpHeaders[] = [];
  let body = '';

  afterAll(() => new Promise<void>((res) => (server ? server.close(() => res()) : res())));

  it('reads GET /v2/catalog with basic auth and x-broker-api-version', async () => {
    const dir = project();
    expect((await runCli(['build', '--out', 'dist'], { cwd: dir })).code).toBe(0);
    // The broker serves the catalog as deployed; the sources then raise a price.
    body = readText(dir, 'dist/demo_notes/catalog_demo_notes.json');
    server = createServer((req, res) => {
      seen.push(req.headers);
      const expected = `Basic ${Buffer.from('broker:s3cret').toString('base64')}`;
      if (req.headers.authorization !== expected) {
        res.writeHead(401).end('{"description":"unauthorized"}');
        return;
      }
      if (req.url !== '/v2/catalog') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    writeFiles(dir, { [SERVICE]: mutate(baseSource(), [['cost: 1500', 'cost: 1950'], ...bumpAll]) });
    const env = { VKMP_BROKER_USERNAME: 'broker', VKMP_BROKER_PASSWORD: 's3cret' };
    const { r, doc } = await diffJson(dir, ['--against', url, '--allow-removed', '1.0'], env);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(doc.baseline).toBe(`broker ${url}/v2/catalog`);
    expect(doc.changes.find((c) => c.field === 'billing.cost')!.flags).toEqual([{ kind: 'price-up', old: 1500, new: 1950, percent: 30 }]);
    expect(seen.at(-1)!['x-broker-api-version']).toBe('0.1');

    seen = [];
    const v2 = await diffJson(dir, ['--against', `${url}/`, '--allow-removed', '1.0', '--broker-api-version', '2.14'], env);
    expect(v2.r.code).toBe(0);
    expect(seen[0]!['x-broker-api-version']).toBe('2.14');

    const denied = await runCli(['diff', '--against', url], { cwd: dir, env: { VKMP_BROKER_USERNAME: 'broker', VKMP_BROKER_PASSWORD: 'wrong' } });
    expectCleanError(denied, /HTTP 401: check VKMP_BROKER_USERNAME and VKMP_BROKER_PASSWORD/);
    expect(denied.stdout + denied.stderr).not.toContain('wrong');
  });

  it('an unreachable broker is a clear error', async () => {
    const probe = createServer();
    await new Promise<void>((res) => probe.listen(0, '127.0.0.1', () => res()));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((res) => probe.close(() => res()));
    const dir = project();
    const r = await runCli(['diff', '--against', `http://127.0.0.1:${port}`], { cwd: dir });
    expectCleanError(r, /cannot reach the broker at http:\/\/127\.0\.0\.1:\d+\/v2\/catalog: ECONNREFUSED/);
  });
});

describe.concurrent('--bump', () => {
  it('rewrites only the revision literals, keeping their style; the re-run has no revision errors', async () => {
    const styled = mutate(baseSource(), [
      ["  revision: '1.0',\n  name: 'Demo Notes'", '  revision: "v. 1.0",\n  name: \'Demo Notes\''],
      ["revision: '1.0', name: 'standard'", "revision: '1.4.2', name: 'standard'"],
      ["revision: '1.0', name: 'pay_as_you_go'", "revision: `1.0-rc1`, name: 'pay_as_you_go'"],
    ]);
    const dir = gitProject({ [SERVICE]: styled });
    dirs.push(dir);
    expect((await runCli(['state', 'record'], { cwd: dir })).code).toBe(0);
    const edited = mutate(styled, [['cost: 1500', 'cost: 1600'], ["cost: 3.5, measurement: 'GB'", "cost: 4, measurement: 'GB'"]]);
    writeFiles(dir, { [SERVICE]: edited });
    const before = await diffJson(dir);
    expect(codesOf(before.doc).sort()).toEqual(['REV-001', 'REV-002', 'REV-002']);

    const r = await runCli(['diff', '--bump', '--allow-removed', 'v. 1.0'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('bumped revisions:');
    expect(r.stdout).toMatch(/services\/demo\/service\.ts:\d+:\d+: service "demo_notes" revision "v\. 1\.0" → "v\. 1\.1"/);
    expect(r.stdout).toContain('plan "standard" revision "1.4.2" → "1.4.3"');
    expect(r.stdout).toContain('plan "pay_as_you_go" revision "1.0-rc1" → "1.0-rc2"');
    const expected = mutate(edited, [['"v. 1.0"', '"v. 1.1"'], ["'1.4.2'", "'1.4.3'"], ['`1.0-rc1`', '`1.0-rc2`']]);
    expect(readText(dir, SERVICE)).toBe(expected);

    const after = await diffJson(dir, ['--allow-removed', 'v. 1.0']);
    expect(after.r.code).toBe(0);
    expect(after.doc.diagnostics).toEqual([]);
    expect(after.doc.revision_bumps).toEqual([]);
  });

  it('keeps CRLF line ends and every other byte; a plain number revision goes 2 → 3', async () => {
    const crlf = mutate(baseSource(), [["revision: '1.0', name: 'standard'", "revision: '2', name: 'standard'"]]).replace(/\n/g, '\r\n');
    const dir = gitProject({ [SERVICE]: crlf });
    dirs.push(dir);
    const edited = crlf.replace('maximum: 20', 'maximum: 30');
    writeFiles(dir, { [SERVICE]: edited });
    const r = await runCli(['diff', '--bump', '--against', 'git:HEAD', '--allow-removed', '1.0'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const expected = edited.replace("  revision: '1.0',\r\n  name: 'Demo Notes'", "  revision: '1.1',\r\n  name: 'Demo Notes'").replace("revision: '2', name: 'standard'", "revision: '3', name: 'standard'");
    expect(readFileSync(join(dir, SERVICE))).toEqual(Buffer.from(expected));
  });

  it('says so when nothing needs a bump', async () => {
    const dir = project();
    const r = await runCli(['diff', '--bump', '--against', 'git:HEAD'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('bump: no revision needs to change.');
    expect(r.stdout).toContain('No changes.');
  });
});

describe.concurrent('output', () => {
  it('Markdown for merge requests: summary, price table, risks, revisions, details', async () => {
    const dir = project();
    writeFiles(dir, { [SERVICE]: mutate(baseSource(), [['cost: 1500', 'cost: 1800'], ['cost: 100, unitSize: 5', 'cost: 90, unitSize: 5'], ["values: ['basic', 'pro', 'max']", "values: ['basic', 'pro']"]]) });
    const r = await runCli(['diff', '--against', 'git:HEAD', '--format', 'markdown'], { cwd: dir });
    expect(r.code).toBe(1);
    const md = r.stdout;
    expect(md).toMatch(/^### vkmp diff: 3 changes in 1 service: 3 changed; 1 price increase, 1 price decrease, 1 choice list narrowed\n/);
    expect(md).toContain('Compared with git:HEAD (');
    expect(md).toContain('| Service | Plan | Item | Old | New | Change |\n|---|---|---|---:|---:|---:|');
    expect(md).toContain('| demo\\_notes | standard | plan price | 1500 | 1800 | 🔺 +20% |');
    expect(md).toContain('| demo\\_notes | standard | option `seats` | 100 | 90 | 🔻 −10% |');
    expect(md).toContain('- ⚠️ demo\\_notes › plan standard › option tier `schema.enum`: choices removed: "max"');
    expect(md).toMatch(/- ❌ \*\*REV-002\*\* `services\/demo\/service\.ts:\d+` Plan "standard"/);
    expect(md).toContain('`vkmp diff --bump` sets: service demo\\_notes `1.0` → `1.1`, plan standard `1.0` → `1.1`.');
    expect(md).toContain('<details><summary>All changes (3)</summary>');
    expect(md).toContain('- plan standard: `billing.cost`: `1500` → `1800` — **price up +20%**');
    expect(md.trimEnd().endsWith('</details>')).toBe(true);
  });

  it('terminal text, grouped service → plan → option, without colour under NO_COLOR', async () => {
    const dir = project();
    writeFiles(dir, { [SERVICE]: mutate(baseSource(), [['cost: 100, unitSize: 5', 'cost: 120, unitSize: 5'], ...bumpAll]) });
    const r = await runCli(['diff', '--against', 'git:HEAD', '--allow-removed', '1.0'], { cwd: dir, env: { NO_COLOR: '1' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/\x1b\[/);
    expect(r.stdout).toContain(['demo_notes (SaaS)', '  ~ revision: "1.0" → "1.1"  [section of revision "1.0" removed]', '  plan standard', '    ~ revision: "1.0" → "1.1"', '    option seats', '      ~ billing.cost: 100 → 120  [price up +20%]'].join('\n'));
    const coloured = await runCli(['diff', '--against', 'git:HEAD', '--allow-removed', '1.0'], { cwd: dir, env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expect(coloured.stdout).toMatch(/\x1b\[/);
  });
});

describe.concurrent('exit codes', () => {
  it('0 without changes, 2 with changes under --exit-code, 0 with changes otherwise, 1 on revision errors', async () => {
    const dir = project();
    expect((await runCli(['diff', '--against', 'git:HEAD', '--exit-code'], { cwd: dir })).code).toBe(0);
    writeFiles(dir, { [SERVICE]: mutate(baseSource(), [['maximum: 20', 'maximum: 40'], ...bumpAll]) });
    expect((await runCli(['diff', '--against', 'git:HEAD', '--allow-removed', '1.0', '--exit-code'], { cwd: dir })).code).toBe(2);
    expect((await runCli(['diff', '--against', 'git:HEAD', '--allow-removed', '1.0'], { cwd: dir })).code).toBe(0);
    writeFiles(dir, { [SERVICE]: mutate(baseSource(), [['maximum: 20', 'maximum: 40']]) });
    const r = await runCli(['diff', '--against', 'git:HEAD', '--exit-code'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error REV-001');
    expect(r.stderr).toContain('(run vkmp diff --bump to fix the revisions)');
  });

  it('bad input: clear errors with exit 1, never a stack trace', async () => {
    const dir = project();
    expectCleanError(await runCli(['diff', '--against', 'no-such-dir'], { cwd: dir }), /--against no-such-dir: no such file or directory, and not a form vkmp knows/);
    expectCleanError(await runCli(['diff', '--against', 'ftp://example.com/x'], { cwd: dir }), /unsupported URL scheme/);
    expectCleanError(await runCli(['diff', '--against', 'git:no-such-branch'], { cwd: dir }), /"no-such-branch" is not a commit/);
    expectCleanError(await runCli(['diff', '--against', 'vkmp.config.ts'], { cwd: dir }), /is not an artifact vkmp can read/);
    expectCleanError(await runCli(['diff', '--format', 'yaml'], { cwd: dir }), /--format yaml: expected text, markdown or json/);
    expectCleanError(await runCli(['diff', '--bump', '--head', 'x'], { cwd: dir }), /--bump rewrites the TypeScript sources/);
    // Outside any repository (test/.tmp is inside vkmp's own); @vkmp/sdk falls back to the CLI's copy.
    const outside = mkdtempSync(join(tmpdir(), 'vkmp-nogit-'));
    dirs.push(outside);
    writeFiles(outside, { 'vkmp.config.ts': readText(dir, 'vkmp.config.ts'), [SERVICE]: baseSource() });
    expectCleanError(await runCli(['diff', '--against', 'git:HEAD'], { cwd: outside }), /not inside a git repository/);

    mkdirSync(join(dir, '.vkmp', 'deployed'), { recursive: true });
    writeFileSync(join(dir, '.vkmp', 'deployed', 'demo_notes.json'), '{"format_version": 1, "kind": "saas",');
    const corrupt = await runCli(['diff'], { cwd: dir });
    expectCleanError(corrupt, /demo_notes\.json: is not valid JSON .*restore it from git/);
    const json = await diffJson(dir);
    expect(json.doc.ok).toBe(false);
    expect(codesOf(json.doc)).toEqual(['STATE-001']);
    writeFileSync(join(dir, '.vkmp', 'deployed', 'demo_notes.json'), JSON.stringify({ format_version: 1, hash_version: 1, kind: 'saas', service_name: 'demo_notes', deployed_at: 'x', entries: [], ledger: { services: {}, plans: {} }, model: { kind: 'saas', serviceName: 'demo_notes', entries: [{ id: 'x' }] } }));
    expectCleanError(await runCli(['diff'], { cwd: dir }), /model\.entries\[0\] needs string id and revision/);
    expectCleanError(await runCli(['state', 'record'], { cwd: dir }), /STATE-001/);
    expect((await runCli(['state', 'record', '--reset-ledger'], { cwd: dir })).code).toBe(0);
    expect((await runCli(['diff', '--exit-code'], { cwd: dir })).code).toBe(0);
  });
});

describe.concurrent('vkmp state record', () => {
  it('writes one stable, sorted-key file per service; a second record at the same time is byte-identical', async () => {
    const dir = project();
    const r = await runCli(['state', 'record', '--at', '2024-05-01T12:00:00Z'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('recorded .vkmp/deployed/demo_notes.json: demo_notes revision "1.0", 2 plans\n');
    const file = join(dir, '.vkmp', 'deployed', 'demo_notes.json');
    const first = readFileSync(file, 'utf8');
    const state = JSON.parse(first);
    expect(Object.keys(state)).toEqual([...Object.keys(state)].sort());
    expect(state).toMatchObject({ format_version: 1, kind: 'saas', service_name: 'demo_notes', deployed_at: '2024-05-01T12:00:00.000Z', source: 'build' });
    expect(Object.keys(state.artifacts)).toEqual(['demo_notes/catalog_demo_notes.json', 'demo_notes/plan_mapping.json']);
    expect(state.entries[0].plans.map((p: { name: string; revision: string }) => `${p.name}@${p.revision}`)).toEqual(['standard@1.0', 'pay_as_you_go@1.0']);
    expect(Object.keys(state.entries[0].plans[0].options).sort()).toEqual(['priority_support', 'seats', 'tier']);
    expect(state.entries[0].plans[0].hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(state.model)).not.toMatch(/"span"|"line"|"column"|fieldSpans/);
    expect(Object.keys(state.ledger.plans)).toHaveLength(2);
    expect((await runCli(['state', 'record', '--at', '2024-05-01T12:00:00Z'], { cwd: dir })).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(first);
    expect(existsSync(join(dir, '.vkmp', 'deployed')) && readText(dir, '.vkmp/deployed/demo_notes.json').endsWith('}\n')).toBe(true);
  });

  it('--from an existing catalog adopts a live service; diff then starts from it', async () => {
    const dir = project();
    expect((await runCli(['build', '--out', 'live'], { cwd: dir })).code).toBe(0);
    const r = await runCli(['state', 'record', '--from', 'live/demo_notes/catalog_demo_notes.json', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ format_version: '1', command: 'state record', ok: true, written: [{ file: '.vkmp/deployed/demo_notes.json', service_name: 'demo_notes', revisions: ['1.0'], plans: 2 }] });
    const state = JSON.parse(readText(dir, '.vkmp/deployed/demo_notes.json'));
    expect(state.source).toBe('live/demo_notes/catalog_demo_notes.json');
    expect(Object.keys(state.artifacts)).toEqual(['catalog_demo_notes.json', 'plan_mapping.json']);
    expect((await runCli(['diff', '--exit-code'], { cwd: dir })).code).toBe(0);
    expectCleanError(await runCli(['state', 'record', '--from', 'nothing-here'], { cwd: dir }), /--from nothing-here: no such file or directory/);
    expectCleanError(await runCli(['state', 'record', '--at', 'yesterday'], { cwd: dir }), /--at yesterday: not a date/);
    expectCleanError(await runCli(['state', 'record', '--service', 'other'], { cwd: dir }), /--service other: not in the project/);
  });
});
