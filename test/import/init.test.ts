/**
 * `vkmp init` through the real CLI: the scaffold checks and builds at once (SaaS and
 * image-based), carries the npm scripts, .gitignore and the CI recipe, never overwrites
 * without --force, and `--from` imports a catalog.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { artifactSchemas } from '@vkmp/core';
import { removeDir, repoRoot, runCli, tempDir, writeFiles } from '../helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));
const temp = (prefix: string) => {
  const d = tempDir(prefix);
  dirs.push(d);
  return d;
};
const read = (...p: string[]) => readFileSync(join(...p), 'utf8');

describe('vkmp init saas', () => {
  it('scaffolds a project that passes vkmp check and vkmp build with no errors', async () => {
    const dir = join(temp('init-'), 'team_notes');
    const r = await runCli(['init', 'saas', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/init ok: a saas project in /);
    expect(r.stdout).toMatch(/next: cd .* && npm install && npm run check && npm run build/);
    const files = ['.gitignore', '.gitlab-ci.yml', 'package.json', 'services/team_notes/full_description.md', 'services/team_notes/service.ts', 'tsconfig.json', 'vkmp.config.ts'];
    for (const f of files) expect(existsSync(join(dir, f)), f).toBe(true);

    const check = await runCli(['check'], { cwd: dir });
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toMatch(/check ok: 0 errors, 0 warnings/);
    const build = await runCli(['build'], { cwd: dir });
    expect(build.code, build.stderr).toBe(0);
    expect(build.stderr).toBe('');
    const catalog = JSON.parse(read(dir, 'dist', 'team_notes', 'catalog_team_notes.json')) as { services: { plans: { name: string; free: boolean }[] }[] };
    expect(catalog.services[0]!.plans.map((p) => [p.name, p.free])).toEqual([['standard', false], ['pay_as_you_go', true]]);
    expect(artifactSchemas.saasCatalog.safeParse(catalog).success).toBe(true);
    const mapping = JSON.parse(read(dir, 'dist', 'team_notes', 'plan_mapping.json')) as Record<string, Record<string, string>>;
    expect(Object.values(mapping.team_notes!).sort()).toEqual(['payg', 'standard']);

    const source = read(dir, 'services', 'team_notes', 'service.ts');
    for (const ctor of ['option.integer.paidStep', 'option.string.enum', 'option.string.input', 'option.boolean.switch', 'option.postpaid.number']) expect(source).toContain(ctor);
    const pkg = JSON.parse(read(dir, 'package.json')) as { name: string; type: string; scripts: Record<string, string>; devDependencies: Record<string, string> };
    expect(pkg).toMatchObject({ name: 'team-notes', type: 'module', scripts: { check: 'vkmp check', build: 'vkmp build', diff: 'vkmp diff', deploy: 'vkmp deploy' } });
    expect(Object.keys(pkg.devDependencies).sort()).toEqual(['@vkmp/sdk', 'vkmp']);
    expect(read(dir, '.gitignore')).toBe('dist/\nnode_modules/\n');
    const description = read(dir, 'services', 'team_notes', 'full_description.md');
    for (const heading of ['## Решаемые задачи', '## Характеристики сервиса', '# Правила тарификации', '# Полезные ссылки', '# Техническая поддержка', '# Лицензионное соглашение']) {
      expect(description).toContain(`\n${heading}\n`);
    }
  });

  it('the CI recipe checks and builds, posts `vkmp diff --format markdown` on merge requests and deploys on main', async () => {
    const dir = temp('ci-');
    const r = await runCli(['init', 'saas', dir]);
    expect(r.code, r.stderr).toBe(0);
    const ci = parseYaml(read(dir, '.gitlab-ci.yml')) as Record<string, { stage?: string; script?: string[]; rules?: { if: string }[] }>;
    expect(ci.stages).toEqual(['check', 'build', 'review', 'deploy']);
    expect(ci.check!.script).toEqual(['npm run check']);
    expect(ci.build!.script).toEqual(['npm run build']);
    expect(ci.diff!.rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }]);
    expect(ci.diff!.script![0]).toBe('npx vkmp diff --format markdown > vkmp-diff.md');
    expect(ci.diff!.script![1]).toMatch(/merge_requests\/\$CI_MERGE_REQUEST_IID\/notes/);
    expect(ci.deploy!.rules).toEqual([{ if: '$CI_COMMIT_BRANCH == "main"' }]);
    expect(ci.deploy!.script![0]).toBe('npx vkmp deploy --yes');
  });

  it('never overwrites existing files without --force, and leaves files it does not generate alone', async () => {
    const dir = temp('again-');
    writeFiles(dir, { 'README.md': 'mine\n' });
    const first = await runCli(['init', 'saas', dir]);
    expect(first.code, first.stderr).toBe(0);
    const service = read(dir, 'services', readdirSync(join(dir, 'services'))[0]!, 'service.ts');
    writeFiles(dir, { 'vkmp.config.ts': '// edited\n' });
    const second = await runCli(['init', 'saas', dir]);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/error INIT-001: 7 files already exist in .*: \.gitignore, \.gitlab-ci\.yml, package\.json, .*Nothing was written\./);
    expect(read(dir, 'vkmp.config.ts')).toBe('// edited\n');
    const forced = await runCli(['init', 'saas', dir, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(read(dir, 'vkmp.config.ts')).toContain('defineConfig');
    expect(read(dir, 'README.md')).toBe('mine\n');
    // New service and plan IDs each time.
    expect(read(dir, 'services', readdirSync(join(dir, 'services'))[0]!, 'service.ts')).not.toBe(service);
  });

  it('--from imports a catalog into the new project, with the CI recipe', async () => {
    const dir = join(temp('from-'), 'notes');
    const r = await runCli(['init', 'saas', dir, '--from', join(repoRoot, 'test', 'fixtures', 'saas', 'demo_notes')]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dir, '.gitlab-ci.yml'))).toBe(true);
    expect(existsSync(join(dir, 'services', 'demo_notes', 'service.ts'))).toBe(true);
    const build = await runCli(['build'], { cwd: dir });
    expect(build.code, build.stderr).toBe(0);
    expect(JSON.parse(read(dir, 'dist', 'demo_notes', 'catalog_demo_notes.json'))).toEqual(JSON.parse(read(repoRoot, 'test', 'fixtures', 'saas', 'demo_notes', 'catalog_demo_notes.json')));
  });

  it('rejects unknown kinds, and a kind that does not match the --from artifact', async () => {
    const dir = temp('kinds-');
    const bogus = await runCli(['init', 'paas', dir]);
    expect(bogus.code).toBe(1);
    expect(bogus.stderr).toMatch(/'paas' is invalid for argument 'kind'\. Allowed choices are saas, image-based/);
    const mismatch = await runCli(['init', 'image-based', dir, '--from', join(repoRoot, 'test', 'fixtures', 'saas', 'demo_notes')]);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toMatch(/error INIT-002: init image-based --from .*demo_notes: that is a SaaS catalog, not an image-based package\./);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('vkmp init image-based', () => {
  it('scaffolds a package that passes vkmp check and builds to a zip whose YAML files match the schemas', async () => {
    const dir = join(temp('init-ib-'), 'demo_vm');
    const r = await runCli(['init', 'image-based', dir]);
    expect(r.code, r.stderr).toBe(0);
    const check = await runCli(['check'], { cwd: dir });
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toMatch(/check ok: 0 errors, 0 warnings/);
    const build = await runCli(['build'], { cwd: dir });
    expect(build.code, build.stderr).toBe(0);
    expect(existsSync(join(dir, 'dist', 'demo_vm.zip'))).toBe(true);
    const pkg = join(dir, 'dist', 'demo_vm');
    const y = (...p: string[]) => parseYaml(read(pkg, ...p)) as unknown;
    const ok = (schema: { safeParse(v: unknown): { success: boolean; error?: unknown } }, value: unknown, what: string) => {
      const result = schema.safeParse(value);
      expect(result.success, `${what}: ${JSON.stringify(result.error)}`).toBe(true);
    };
    ok(artifactSchemas.ibVersion, y('version.yaml'), 'version.yaml');
    ok(artifactSchemas.ibService, y('service.yaml'), 'service.yaml');
    for (const f of readdirSync(join(pkg, 'parameters'))) ok(artifactSchemas.ibParameter, y('parameters', f), f);
    for (const plan of ['standard', 'payg']) {
      ok(artifactSchemas.ibPlan, y('plans', plan, 'plan.yaml'), `${plan}/plan.yaml`);
      ok(artifactSchemas.ibDisplay, y('plans', plan, 'display.yaml'), `${plan}/display.yaml`);
      ok(artifactSchemas.ibSettings, y('plans', plan, 'deployment', 'settings.yaml'), `${plan}/settings.yaml`);
    }
  });
});
