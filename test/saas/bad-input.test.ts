/**
 * Bad input through the real CLI: every case yields a diagnostic with file, line and
 * rule ID, exit code 1, no stack trace, and no output written.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CONFIG_SOURCE, removeDir, runCli, saasServiceSource, tempDir, writeFiles } from '../helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

async function buildProject(files: Record<string, string>) {
  const dir = tempDir('bad-');
  dirs.push(dir);
  writeFiles(dir, { 'vkmp.config.ts': CONFIG_SOURCE, ...files });
  const r = await runCli(['build'], { cwd: dir });
  const json = await runCli(['build', '--json'], { cwd: dir });
  return { dir, r, doc: JSON.parse(json.stdout) as { ok: boolean; diagnostics: { code: string; file: string | null; range: { start: { line: number } } | null; severity: string; message: string }[] } };
}

function expectFailure(res: Awaited<ReturnType<typeof buildProject>>, code: string, file: RegExp, line?: number) {
  expect(res.r.code).toBe(1);
  expect(res.r.stderr).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/); // no stack trace
  expect(existsSync(join(res.dir, 'dist'))).toBe(false);
  const d = res.doc.diagnostics.find((x) => x.code === code && x.severity === 'error');
  expect(d, `${code} in ${JSON.stringify(res.doc.diagnostics, null, 1)}`).toBeDefined();
  expect(d!.file).toMatch(file);
  if (line !== undefined) expect(d!.range?.start.line).toBe(line);
  expect(res.r.stderr).toMatch(new RegExp(`${file.source.replace(/\$$/, '')}:\\d+:\\d+ - error ${code}:`));
  return d!;
}

const svc = 'services/demo/service.ts';

describe('bad input gives located diagnostics and writes nothing', () => {
  it('unknown key in a DSL call (DSL-001), pointing at the key', async () => {
    const src = saasServiceSource({ service: "  // @ts-ignore\n  colour: 'blue'," });
    const res = await buildProject({ [svc]: src });
    const line = src.split('\n').findIndex((l) => l.includes("colour: 'blue'")) + 1;
    expectFailure(res, 'DSL-001', /service\.ts$/, line);
  });

  it('wrong type (SAAS-014) and over-long string (SAAS-008)', async () => {
    const src = saasServiceSource({ service: "  // @ts-ignore\n  singleton: 'yes',\n" }).replace("shortDescription: 'Shared team notes with an API'", `shortDescription: '${'x'.repeat(121)}'`);
    const res = await buildProject({ [svc]: src });
    expectFailure(res, 'SAAS-014', /service\.ts$/);
    const d = expectFailure(res, 'SAAS-008', /service\.ts$/, src.split('\n').findIndex((l) => l.includes('shortDescription')) + 1);
    expect(d.message).toMatch(/121 characters; the limit is 120/);
  });

  it('bad UUIDs (SAAS-005, SAAS-023)', async () => {
    const src = saasServiceSource().replace("id: '6f1c2a3b-8d4e-4f5a-9b6c-7d8e9f0a1b2c'", "id: '04527a41-XXXX-57e1aecb3ebc'").replace("id: '0b7e4f7a-2c61-4d1e-8a3f-5e9b6c2d1a40'", "id: 'not-a-uuid'");
    const res = await buildProject({ [svc]: src });
    expectFailure(res, 'SAAS-005', /service\.ts$/);
    expectFailure(res, 'SAAS-023', /service\.ts$/);
  });

  it('option reference to a missing option, bypassing types with as any (DSL-002)', async () => {
    const src = saasServiceSource().replace('group(\'Team\', [o.seats])', "group('Team', [(o as any).seets])");
    const res = await buildProject({ [svc]: src });
    expectFailure(res, 'DSL-002', /service\.ts$/);
  });

  it('an option name as a string that names no option (SAAS-020, SAAS-031)', async () => {
    const src = saasServiceSource({ preview: "['nope' as any]" }).replace('group(\'Team\', [o.seats])', "group('Team', [o.seats, 'missing' as any])");
    const res = await buildProject({ [svc]: src });
    expectFailure(res, 'SAAS-020', /service\.ts$/);
    expectFailure(res, 'SAAS-031', /service\.ts$/);
  });

  it('duplicate plan ids and revisions (REV-006); duplicate names warn (SAAS-025)', async () => {
    const src = saasServiceSource().replace("id: '9d2c8e51-7f3a-4b6c-9e1d-2a4f6b8c0d13', revision: '1.0', name: 'pay_as_you_go'", "id: '0b7e4f7a-2c61-4d1e-8a3f-5e9b6c2d1a40', revision: '1.0', name: 'standard'");
    const res = await buildProject({ [svc]: src });
    expectFailure(res, 'REV-006', /service\.ts$/);
    expect(res.doc.diagnostics.some((d) => d.code === 'SAAS-025')).toBe(true);
  });

  it('postpaid option in a paid plan (BILL-003, SAAS-054)', async () => {
    const src = saasServiceSource().replace("group('Support', [o.priority_support])", "group('Support', [o.priority_support, o.storage_gb])");
    const res = await buildProject({ [svc]: src });
    expectFailure(res, 'BILL-003', /service\.ts$/);
    expectFailure(res, 'SAAS-054', /service\.ts$/);
  });

  it('a plan with no namespaces (SAAS-017)', async () => {
    const src = saasServiceSource().replace("  metadata: { testNs: ['acme_test'], prodNs: ['acme_public'] },\n", '');
    const res = await buildProject({ [svc]: src });
    expectFailure(res, 'SAAS-017', /service\.ts$/);
  });

  it('a service file that throws (LOAD-003) points at the throwing line', async () => {
    const src = `import { saas } from '@vkmp/sdk';\nconst x = 1;\nthrow new Error('boom');\nexport default saas;\n`;
    const res = await buildProject({ [svc]: src });
    const d = expectFailure(res, 'LOAD-003', /service\.ts$/, 3);
    expect(d.message).toMatch(/boom/);
  });

  it('a syntax error (LOAD-002) points at the line', async () => {
    const res = await buildProject({ [svc]: `import { saas } from '@vkmp/sdk';\nexport default saas.service({ id: 'x', \n  name: ,\n});\n` });
    expectFailure(res, 'LOAD-002', /service\.ts$/, 3);
  });

  it('a missing config (LOAD-001)', async () => {
    const dir = tempDir('noconf-');
    dirs.push(dir);
    const r = await runCli(['build'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error LOAD-001: No vkmp.config.ts found/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a failed build leaves the previous dist/ untouched', async () => {
    const dir = tempDir('keep-');
    dirs.push(dir);
    writeFiles(dir, { 'vkmp.config.ts': CONFIG_SOURCE, [svc]: saasServiceSource() });
    expect((await runCli(['build'], { cwd: dir })).code).toBe(0);
    const before = await runCli(['build', '--json'], { cwd: dir });
    writeFiles(dir, { [svc]: saasServiceSource().replace("revision: '1.0'", 'revision: 5 as any') });
    const r = await runCli(['build'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(existsSync(join(dir, 'dist', 'demo_notes', 'catalog_demo_notes.json'))).toBe(true);
    expect(JSON.parse(before.stdout).ok).toBe(true);
  });
});
