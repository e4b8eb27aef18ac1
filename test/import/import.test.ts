/**
 * `vkmp import` through the real CLI: round trips (import → check → build → equal JSON)
 * for the SPEC §B.11 catalog, the VK Testers catalog and the example's own build; the
 * documented corrections; raw, overrides, `when`, revisions; refusals and bad input.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { normalizeCatalogJson } from '@vkmp/core';
import { removeDir, repoRoot, runCli, tempDir, writeFiles } from '../helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));
const temp = (prefix: string) => {
  const d = tempDir(prefix);
  dirs.push(d);
  return d;
};
const readJson = (...p: string[]) => JSON.parse(readFileSync(join(...p), 'utf8')) as unknown;
const fixture = (...p: string[]) => join(repoRoot, 'test', ...p);

/** import → check → build; returns the project directory. */
async function roundTrip(input: string, serviceName: string, expectedCatalog: unknown, expectedMapping: unknown) {
  const out = join(temp('rt-'), 'project');
  const imported = await runCli(['import', input, '--out', out]);
  expect(imported.stderr).not.toMatch(/error/);
  expect(imported.code, imported.stderr).toBe(0);
  expect(imported.stdout).toMatch(/import ok: 0 errors/);
  expect(imported.stdout).toMatch(new RegExp(`\`vkmp build\` reproduces catalog_${serviceName}\\.json`));
  const check = await runCli(['check'], { cwd: out });
  expect(check.code, check.stdout + check.stderr).toBe(0);
  expect(check.stdout + check.stderr).toMatch(/check ok: 0 errors/);
  const build = await runCli(['build'], { cwd: out });
  expect(build.code, build.stderr).toBe(0);
  expect(readJson(out, 'dist', serviceName, `catalog_${serviceName}.json`)).toEqual(expectedCatalog);
  expect(readJson(out, 'dist', serviceName, 'plan_mapping.json')).toEqual(expectedMapping);
  return out;
}

describe('vkmp import: round trips through the CLI', () => {
  it('SPEC §B.11 (demo_notes broker directory): idiomatic code, check passes, build is equal', async () => {
    const dir = fixture('fixtures', 'saas', 'demo_notes');
    const out = await roundTrip(dir, 'demo_notes', readJson(dir, 'catalog_demo_notes.json'), readJson(dir, 'plan_mapping.json'));
    const source = readFileSync(join(out, 'services', 'demo_notes', 'service.ts'), 'utf8');
    expect(source).toContain("import { file, group, option, options, page, saas } from '@vkmp/sdk';");
    expect(source).toContain("fullDescription: file('./full_description.md')");
    expect(source).toContain('seats: option.integer.paidStep({');
    expect(source).toContain("billing: { base: 5, cost: 100, unitSize: 5, measurement: 'users' }");
    expect(source).toMatch(/priority_support: option\.boolean\.switch\(\{\s+description: 'Priority support',\s+default: false,\s+cost: 500,\s+\}\)/);
    expect(source).toContain("storage_gb: option.postpaid.number(");
    expect(source).toContain("planId: 'std'");
    expect(source).toContain("group('Team', [o.seats])");
    expect(readFileSync(join(out, 'services', 'demo_notes', 'full_description.md'), 'utf8')).toMatch(/^Demo Notes: team notes\.\n[\s\S]*eula\n$/);
    const pkg = readJson(out, 'package.json') as { scripts: Record<string, string>; devDependencies: Record<string, string> };
    expect(pkg.scripts).toEqual({ check: 'vkmp check', build: 'vkmp build', diff: 'vkmp diff', deploy: 'vkmp deploy' });
    expect(Object.keys(pkg.devDependencies).sort()).toEqual(['@vkmp/sdk', 'vkmp']);
    expect(readFileSync(join(out, 'vkmp.config.ts'), 'utf8')).toContain("services: ['services/*/service.ts']");
    expect(readFileSync(join(out, '.gitignore'), 'utf8')).toBe('dist/\nnode_modules/\n');
  });

  it('the VK Testers catalog (a catalog file)', async () => {
    const dir = fixture('fixtures', 'saas', 'vk-testers');
    await roundTrip(join(dir, 'catalog_VKT.json'), 'VKT', readJson(dir, 'catalog_VKT.json'), readJson(dir, 'plan_mapping.json'));
  });

  it("the example project's own build (examples/vk-testers → build → import → build)", async () => {
    const built = temp('vkt-build-');
    const b = await runCli(['build', '-c', 'examples/vk-testers/vkmp.config.ts', '--out', built]);
    expect(b.code, b.stderr).toBe(0);
    const dir = join(built, 'VKT');
    await roundTrip(dir, 'VKT', readJson(dir, 'catalog_VKT.json'), readJson(dir, 'plan_mapping.json'));
  });

  it('raw escape hatch, per-plan overrides, enum widening, when/notIn, hidden options, two revisions', async () => {
    const dir = fixture('import', 'fixtures', 'rich');
    const out = join(temp('rich-'), 'p');
    const r = await runCli(['import', dir, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    // Each raw value is named in a warning located in the input.
    expect(r.stderr).toMatch(/catalog_rich\.json:\d+:\d+ - warning IMPORT-002: Option "admin_email": "format" goes through the raw escape hatch/);
    expect(r.stderr).toMatch(/warning IMPORT-002: The service: "x_vendor_flag"/);
    expect(r.stderr).toMatch(/warning IMPORT-002: Plan "large": "x_sla"/);
    const source = readFileSync(join(out, 'services', 'rich', 'service.ts'), 'utf8');
    expect(source).toContain("raw: { format: 'email' }");
    expect(source).toContain('raw: { x_vendor_flag: true }');
    expect(source).toContain("raw: { x_sla: '99.9' }");
    expect(source).toContain('nodes: option.integer.enum<1 | 3 | 5 | 7>({');
    expect(source).toContain('o1.nodes.with({ values: [3, 5, 7], default: 5 })');
    expect(source).toContain('o1.backup.with({ cost: 500 })');
    expect(source).toContain("'disk-size': option.integer.paidStep({");
    expect(source).toContain("o1['disk-size']");
    expect(source).toContain("group('Retention', [o1.retention], { when: when.in(o1.backup, [true]) })");
    expect(source).toContain('when: when.notIn(o1.nodes, [1])');
    expect(source).toContain('hiddenOptions: [o1.edition]');
    expect(source).toContain("actions: ['create']");
    expect(source).toContain('planId: 2,');
    expect(source).toContain("bindingParameters: { login: { type: 'string', description: 'Login' } }");
    expect(source).toContain('export const service1 = saas.service({');
    expect(source).toContain('export const service2 = saas.service({');
    expect(source).toContain('export default [service1, service2];');
    const check = await runCli(['check'], { cwd: out });
    expect(check.code, check.stdout + check.stderr).toBe(0);
    const build = await runCli(['build'], { cwd: out });
    expect(build.code, build.stderr).toBe(0);
    expect(readJson(out, 'dist', 'rich', 'catalog_rich.json')).toEqual(readJson(dir, 'catalog_rich.json'));
    expect(readJson(out, 'dist', 'rich', 'plan_mapping.json')).toEqual(readJson(dir, 'plan_mapping.json'));
  });

  it('documented defects are corrected on emit, each named in a located warning; the rest is equal', async () => {
    const dir = fixture('import', 'fixtures', 'defects');
    const out = join(temp('defects-'), 'p');
    const r = await runCli(['import', dir, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const corrections = r.stderr.split('\n').filter((l) => l.includes('IMPORT-003'));
    for (const tag of ['[H-06]', '[SAAS-045]', '[SAAS-043]', '[SAAS-034]', '[G-05]', '[BILL-009]', '[SAAS-061]']) expect(corrections.some((l) => l.includes(tag)), tag).toBe(true);
    expect(r.stderr).toMatch(/catalog_defects\.json:\d+:\d+ - warning IMPORT-003: Plan-level "refundable" is moved into billing/);
    expect(r.stderr).toMatch(/"1 mons" is emitted in the canonical form "1 mons 0 days"/);
    expect(r.stdout).toMatch(/reproduces catalog_defects\.json with the 10 corrections listed above/);
    const build = await runCli(['build'], { cwd: out });
    expect(build.code, build.stderr).toBe(0);
    const input = readJson(dir, 'catalog_defects.json');
    const built = readJson(out, 'dist', 'defects', 'catalog_defects.json') as { services: Record<string, any>[] };
    expect(built).toEqual(normalizeCatalogJson(input).value);
    // The corrections themselves, spelled out.
    const [std, pro, payg] = built.services[0]!.plans as Record<string, any>[];
    expect(built.services[0]!.singleton).toBe(false);
    expect(built.services[0]!.auto_bind).toBe(false);
    expect(std).not.toHaveProperty('refundable');
    expect(std!.billing).toMatchObject({ refundable: false, billing_cycle_flat: '1 mons 0 days' });
    expect(std!.display.pages.map((p: { name: string; index: number }) => [p.name, p.index])).toEqual([['First', 0], ['Second', 1]]);
    expect(std!.display.pages[0].groups[0].parameters).toEqual([{ name: 'users', index: 0 }]);
    expect(pro!.billing.billing_cycle_flat).toBe('1 mons 0 days');
    expect(pro!.display.pages[0]).toMatchObject({ index: 0, groups: [{ index: 0, parameters: [{ name: 'users', index: 0 }] }] });
    expect(payg!.billing.billing_cycle_step).toBe('1 mons 0 days');
    expect(readJson(out, 'dist', 'defects', 'plan_mapping.json')).toEqual({ defects: { [std!.id]: 'std', [pro!.id]: 'pro', [payg!.id]: 'payg' } });
  });

  it('a live catalog recorded as the deployed state diffs as "No changes" against its import', async () => {
    const out = join(temp('adopt-'), 'p');
    const catalog = fixture('fixtures', 'saas', 'vk-testers', 'catalog_VKT.json');
    const imported = await runCli(['import', catalog, '--out', out]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain('npx vkmp state record --from ');
    const recorded = await runCli(['state', 'record', '--from', catalog], { cwd: out });
    expect(recorded.code, recorded.stderr).toBe(0);
    const diff = await runCli(['diff', '--exit-code'], { cwd: out });
    expect(diff.code, diff.stdout + diff.stderr).toBe(0);
    expect(diff.stdout).toMatch(/No changes\./);
  });

  it('--json prints one document with format_version, the files written and the round-trip status', async () => {
    const out = join(temp('json-'), 'p');
    const r = await runCli(['import', fixture('fixtures', 'saas', 'demo_notes'), '--out', out, '--json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(doc).toMatchObject({ format_version: '1', command: 'import', ok: true, verified: true, services: ['demo_notes'], diagnostics: [] });
    expect(doc.written).toEqual(['.gitignore', 'package.json', 'services/demo_notes/full_description.md', 'services/demo_notes/service.ts', 'tsconfig.json', 'vkmp.config.ts']);
  });
});

describe('vkmp import: refusals and bad input', () => {
  it('never overwrites existing files without --force; --force replaces only its own files', async () => {
    const out = temp('exists-');
    writeFiles(out, { 'package.json': '{"name":"mine"}\n', 'README.md': 'keep me\n' });
    const r = await runCli(['import', fixture('fixtures', 'saas', 'demo_notes'), '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error IMPORT-008: A file already exists in .*: package\.json\. Nothing was written\./);
    expect(r.stderr).toMatch(/pass --force/);
    expect(readFileSync(join(out, 'package.json'), 'utf8')).toBe('{"name":"mine"}\n');
    expect(existsSync(join(out, 'services'))).toBe(false);
    expect(readdirSync(out).sort()).toEqual(['README.md', 'package.json']);
    const forced = await runCli(['import', fixture('fixtures', 'saas', 'demo_notes'), '--out', out, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect((readJson(out, 'package.json') as { name: string }).name).toBe('demo_notes-marketplace');
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toBe('keep me\n');
    expect(readdirSync(out).filter((n) => n.includes('staging'))).toEqual([]);
  });

  it('an option the DSL cannot express is a located error and nothing is written; --allow-invalid imports the rest', async () => {
    const dir = temp('inexpressible-');
    const catalog = readJson(fixture('fixtures', 'saas', 'demo_notes', 'catalog_demo_notes.json')) as { services: { plans: Record<string, any>[] }[] };
    // create and update define "seats" differently (SAAS-071, a warning the DSL cannot reproduce).
    catalog.services[0]!.plans[0]!.schemas.service_instance.update.parameters.properties.seats.maximum = 30;
    writeFiles(dir, { 'catalog_demo_notes.json': `${JSON.stringify(catalog, null, 2)}\n`, 'plan_mapping.json': readFileSync(fixture('fixtures', 'saas', 'demo_notes', 'plan_mapping.json')) });
    const out = join(dir, 'out');
    const r = await runCli(['import', dir, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/catalog_demo_notes\.json:\d+:\d+ - error IMPORT-001: Option "seats" is defined differently in create and update \(SAAS-071\)/);
    expect(r.stderr).toMatch(/nothing was written/);
    expect(existsSync(out)).toBe(false);
    const allowed = await runCli(['import', dir, '--out', out, '--allow-invalid']);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stderr).toMatch(/warning IMPORT-001: Option "seats" is defined differently/);
    expect(allowed.stderr).toMatch(/warning IMPORT-005: Round trip: \/services\/0\/plans\/0\/schemas\/service_instance\/update\/parameters\/properties\/seats\/maximum 30 becomes 20/);
    expect(allowed.stdout).toMatch(/the round trip of catalog_demo_notes\.json is not exact/);
    expect(existsSync(join(out, 'services', 'demo_notes', 'service.ts'))).toBe(true);
  });

  it('a catalog with rule errors is refused with the validator\'s located diagnostics', async () => {
    const r = await runCli(['import', fixture('fixtures', 'docs-examples', 'catalog_VKT.json'), '--out', join(temp('docs-'), 'p')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/catalog_VKT\.json:\d+:\d+ - error SAAS-002: missing ','/);
    expect(r.stderr).toMatch(/error SAAS-005: Service id "04527a41-XXXX-57e1aecb3ebc" is not a UUID/);
    expect(r.stderr).toMatch(/import failed: \d+ errors/);
  });

  it('the docs\' defective example imports with --allow-invalid, its defects named', async () => {
    const out = join(temp('docs-allow-'), 'p');
    const r = await runCli(['import', fixture('fixtures', 'docs-examples', 'catalog_VKT.json'), '--out', out, '--allow-invalid']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning SAAS-005: .*\(imported anyway: --allow-invalid\)/);
    expect(r.stderr).toMatch(/warning IMPORT-004: No plan_mapping\.json beside/);
    expect(readFileSync(join(out, 'services', 'VKT', 'service.ts'), 'utf8')).toContain('hiddenOptions: [o.checklists_per_product, o.report_notifications]');
  });

  it('missing paths and files that are no artifact give clear messages', async () => {
    const missing = await runCli(['import', 'no/such/catalog.json', '--out', join(temp('x-'), 'p')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/error IMPORT-009: no\/such\/catalog\.json does not exist\./);
    const notJson = temp('notjson-');
    writeFiles(notJson, { 'catalog.txt': 'x' });
    const txt = await runCli(['import', join(notJson, 'catalog.txt'), '--out', join(notJson, 'p')]);
    expect(txt.code).toBe(1);
    expect(txt.stderr).toMatch(/is neither a SaaS catalog \(catalog_<NAME>\.json\) nor an image-based package/);
    const empty = await runCli(['import', notJson, '--out', join(notJson, 'p')]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/No catalog_<NAME>\.json in .*, and no image-based package/);
    const broken = temp('broken-');
    writeFileSync(join(broken, 'catalog_x.json'), '{"services": [');
    const b = await runCli(['import', broken, '--out', join(broken, 'p')]);
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/catalog_x\.json:1:\d+ - error SAAS-002/);
    expect(existsSync(join(broken, 'p'))).toBe(false);
  });
});
