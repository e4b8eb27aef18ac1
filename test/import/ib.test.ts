/**
 * `vkmp import` of image-based packages through the real CLI: SPEC §C.15 (a package
 * directory) and the Gitea example (its built zip, with a per-plan patch) round-trip;
 * what the reader leaves out is named; what the DSL cannot express is refused.
 */
import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { removeDir, repoRoot, runCli, tempDir, writeFiles } from '../helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));
const temp = (prefix: string) => {
  const d = tempDir(prefix);
  dirs.push(d);
  return d;
};
const C15 = join(repoRoot, 'test', 'fixtures', 'ib', 'spec-c15', 'demo_app');

function filesUnder(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(root, p));
    }
  };
  walk(root);
  return out.sort();
}

describe('vkmp import of image-based packages', () => {
  it('SPEC §C.15 (a package directory): check passes, the built package means the same, file by file', async () => {
    const out = join(temp('ib-c15-'), 'p');
    const r = await runCli(['import', C15, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/`vkmp build` reproduces the package demo_app with the 1 correction listed above/);
    // The payg plan has no settings.yaml; vkmp always writes one with the preset (H-12).
    expect(r.stderr).toMatch(/plans\/payg\/plan\.yaml:1:1 - warning IMPORT-003: Plan "payg" gets deployment\/settings\.yaml with preset: base_v3/);
    const source = readFileSync(join(out, 'services', 'demo_app', 'service.ts'), 'utf8');
    expect(source).toContain("import { entity, file, group, ib, option, options, page } from '@vkmp/sdk';");
    expect(source).toContain("flavor: option.datasource.flavor({");
    expect(source).toContain("diskClass: ['ssd', 'hdd'],");
    expect(source).toContain("icon: file('./icon.svg')");
    expect(source).toContain("terraform: file('./terraform/basic'),");
    expect(source).toContain("settings: { preset: 'base_v3', retry: true },");
    expect(source).toContain('disks: [{ type: o.root_type, size: o.root_size }],');
    const check = await runCli(['check'], { cwd: out });
    expect(check.code, check.stdout + check.stderr).toBe(0);
    const build = await runCli(['build'], { cwd: out });
    expect(build.code, build.stderr).toBe(0);
    const built = join(out, 'dist', 'demo_app');
    const input = filesUnder(C15);
    expect(filesUnder(built)).toEqual([...input, 'plans/payg/deployment/settings.yaml'].sort());
    for (const f of input) {
      const a = readFileSync(join(C15, f));
      const b = readFileSync(join(built, f));
      if (f.endsWith('.yaml')) expect(parseYaml(b.toString('utf8')), f).toEqual(parseYaml(a.toString('utf8')));
      else expect(b.equals(a), f).toBe(true);
    }
    expect(parseYaml(readFileSync(join(built, 'plans', 'payg', 'deployment', 'settings.yaml'), 'utf8'))).toEqual({ preset: 'base_v3' });
  });

  it('the Gitea example: build → zip → import → build gives the same package, byte for byte', async () => {
    const root = temp('ib-gitea-');
    const first = await runCli(['build', '-c', 'examples/image-based-app/vkmp.config.ts', '--out', join(root, 'dist')]);
    expect(first.code, first.stderr).toBe(0);
    const out = join(root, 'p');
    const r = await runCli(['import', join(root, 'dist', 'gitea.zip'), '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const source = readFileSync(join(out, 'services', 'gitea', 'service.ts'), 'utf8');
    expect(source).toContain('o.data_size.with({ default: 100, minimum: 50 })');
    expect(source).toContain("entity.floatingIp({ description: 'Внешний IP-адрес', count: 1 })");
    const check = await runCli(['check'], { cwd: out });
    expect(check.code, check.stdout + check.stderr).toBe(0);
    const second = await runCli(['build'], { cwd: out });
    expect(second.code, second.stderr).toBe(0);
    const a = join(root, 'dist', 'gitea');
    const b = join(out, 'dist', 'gitea');
    expect(filesUnder(b)).toEqual(filesUnder(a));
    for (const f of filesUnder(a)) expect(readFileSync(join(b, f)).equals(readFileSync(join(a, f))), f).toBe(true);
    expect(readFileSync(join(out, 'dist', 'gitea.zip')).equals(readFileSync(join(root, 'dist', 'gitea.zip')))).toBe(true);
  });

  it('init image-based --from imports a package into a new project with the CI recipe', async () => {
    const dir = join(temp('ib-init-'), 'demo');
    const r = await runCli(['init', 'image-based', dir, '--from', C15]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/init ok: a image-based project in/);
    expect(existsSync(join(dir, '.gitlab-ci.yml'))).toBe(true);
    expect(existsSync(join(dir, 'services', 'demo_app', 'terraform', 'payg', 'deploy.tf'))).toBe(true);
  });

  it('names what the reader leaves out, and refuses what the DSL cannot express, located in the YAML', async () => {
    const pkg = join(temp('ib-bad-'), 'demo_app');
    cpSync(C15, pkg, { recursive: true });
    // An unlisted plan directory (IB-015) and a stray file (IB-113) are not imported.
    cpSync(join(pkg, 'plans', 'payg'), join(pkg, 'plans', 'spare'), { recursive: true });
    writeFiles(pkg, { 'NOTES.txt': 'not part of the package\n' });
    const ok = await runCli(['import', pkg, '--out', join(pkg, '..', 'ok')]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/plans\/spare:1:1 - warning IMPORT-003: plans\/spare\/ is not listed in service\.yaml .* It is not imported\. \[IB-015\]/);
    expect(ok.stderr).toMatch(/NOTES\.txt:1:1 - warning IMPORT-003: NOTES\.txt is not part of the package layout .* It is not imported\. \[IB-113\]/);
    // A load balancer with a flavor (IB-087, a warning) has no DSL form.
    const display = join(pkg, 'plans', 'basic', 'display.yaml');
    writeFileSync(display, `${readFileSync(display, 'utf8')}  - entity: load_balancing\n    count: {const: 1}\n    flavor: {param: flavor}\n`);
    const out = join(pkg, '..', 'bad');
    const bad = await runCli(['import', pkg, '--out', out]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/plans\/basic\/display\.yaml:\d+:\d+ - error IMPORT-001: The load_balancing entity's keys "flavor" cannot be expressed/);
    expect(existsSync(out)).toBe(false);
    const allowed = await runCli(['import', pkg, '--out', out, '--allow-invalid']);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stderr).toMatch(/warning IMPORT-005: Round trip of the package: \/plans\/0\/entities\/1\/flavor is missing from the build/);
  });
});
