/** The SaaS examples build to exactly the documented catalogs. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CONFIG_SOURCE, removeDir, repoRoot, runCli, saasServiceSource, tempDir, writeFiles } from '../helpers.js';

const fixture = (...p: string[]) => JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'saas', ...p), 'utf8'));
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

describe('examples/vk-testers', () => {
  it('builds the docs catalog with the SPEC §B.12 defects corrected', async () => {
    const out = tempDir('vkt-');
    dirs.push(out);
    const r = await runCli(['build', '-c', 'examples/vk-testers/vkmp.config.ts', '--out', out]);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'VKT', 'catalog_VKT.json'), 'utf8'))).toEqual(fixture('vk-testers', 'catalog_VKT.json'));
    expect(JSON.parse(readFileSync(join(out, 'VKT', 'plan_mapping.json'), 'utf8'))).toEqual(fixture('vk-testers', 'plan_mapping.json'));
  });
});

describe('SPEC §B.11 minimal example', () => {
  it('the DSL version builds to the documented JSON', async () => {
    const dir = tempDir('b11-');
    dirs.push(dir);
    writeFiles(dir, { 'vkmp.config.ts': CONFIG_SOURCE, 'services/demo/service.ts': saasServiceSource() });
    const r = await runCli(['build'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const built = JSON.parse(readFileSync(join(dir, 'dist', 'demo_notes', 'catalog_demo_notes.json'), 'utf8'));
    expect(built).toEqual(fixture('demo_notes', 'catalog_demo_notes.json'));
    const mapping = JSON.parse(readFileSync(join(dir, 'dist', 'demo_notes', 'plan_mapping.json'), 'utf8'));
    expect(mapping).toEqual(fixture('demo_notes', 'plan_mapping.json'));
  });

  it('two builds produce byte-identical files', async () => {
    const dir = tempDir('det-');
    dirs.push(dir);
    writeFiles(dir, { 'vkmp.config.ts': CONFIG_SOURCE, 'services/demo/service.ts': saasServiceSource() });
    await runCli(['build', '--out', 'a'], { cwd: dir });
    await runCli(['build', '--out', 'b'], { cwd: dir });
    for (const f of ['demo_notes/catalog_demo_notes.json', 'demo_notes/plan_mapping.json']) {
      expect(readFileSync(join(dir, 'a', f))).toEqual(readFileSync(join(dir, 'b', f)));
    }
  });
});
