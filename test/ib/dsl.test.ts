/**
 * What the image-based DSL derives (parameters_patch forms, settings.yaml) and the mistakes
 * the builder reports, through the real CLI (vendors run plain Node, not vitest's runner).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { removeDir, runCli, tempDir } from '../helpers.js';
import { c15Dsl, c15ServiceFile, copyProject, replaceOnce } from './helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

interface Built {
  code: number | null;
  diagnostics: { code: string; severity: string; message: string; file: string | null; range: { start: { line: number } } | null }[];
  yaml: (path: string) => unknown;
}

async function build(edits: Parameters<typeof copyProject>[1]): Promise<Built> {
  const dir = copyProject(c15Dsl, edits, 'ib-dsl-');
  const out = tempDir('ib-dsl-out-');
  dirs.push(dir, out);
  const r = await runCli(['build', '--json', '--out', out], { cwd: dir });
  const doc = JSON.parse(r.stdout) as { diagnostics: Built['diagnostics'] };
  return { code: r.code, diagnostics: doc.diagnostics, yaml: (p) => parse(readFileSync(join(out, 'demo_app', p), 'utf8')) };
}
const edit = (from: string, to: string) => ({ [c15ServiceFile]: replaceOnce(from, to) });
const errors = (b: Built) => b.diagnostics.filter((d) => d.severity === 'error');

describe('parameters_patch from .with()', () => {
  it('leaf changes are form A dotted keys', async () => {
    const b = await build(edit("group('Accounts', [o.users, o.backup])", "group('Accounts', [o.users.with({ maximum: 4, default: 1 }), o.backup.with({ cost: 150 })])"));
    expect(errors(b)).toEqual([]);
    expect((b.yaml('plans/basic/plan.yaml') as Record<string, unknown>).parameters_patch).toEqual({
      users: { 'schema.default': 1, 'schema.maximum': 4 },
      backup: { 'billing.cost': 150 },
    });
  });

  it('an override that replaces the step billing is form B, the whole section; schema keys stay form A', async () => {
    const b = await build(edit("group('Accounts', [o.users, o.backup])", "group('Accounts', [o.users.with({ maximum: 20, billing: { base: 25, cost: 0, unitSize: 100 } }), o.backup])"));
    expect(errors(b)).toEqual([]);
    expect((b.yaml('plans/basic/plan.yaml') as Record<string, unknown>).parameters_patch).toEqual({
      users: { 'schema.maximum': 20, billing: { base: 25, cost: 0, unit: { size: 100 } } },
    });
  });

  it('an override that removes a key replaces the section (form B), since form A cannot remove', async () => {
    const b = await build(edit("group('Accounts', [o.users, o.backup])", "group('Accounts', [o.users.with({ hint: undefined }), o.backup])"));
    expect(errors(b)).toEqual([]);
    expect((b.yaml('plans/basic/plan.yaml') as Record<string, unknown>).parameters_patch).toEqual({
      users: { schema: { description: 'Users', type: 'integer', default: 0, minimum: 0, maximum: 9 } },
    });
  });

  it('a datasource filter cannot be overridden per plan (H-10): DSL-002 at the .with() call', async () => {
    const b = await build(edit("const server = [group('VM', [o.flavor, o.az, o.subnet])", "const server = [group('VM', [o.flavor.with({ vcpus: { minimum: 4 } }), o.az, o.subnet])"));
    expect(b.code).toBe(1);
    const d = b.diagnostics.find((x) => x.code === 'DSL-002');
    expect(d?.message).toMatch(/override of option "flavor" cannot be a parameters_patch: it changes the datasource/);
    expect(d?.file).toBe(c15ServiceFile);
  });

  it('two different overrides of one option in one plan: DSL-002', async () => {
    const b = await build(edit("page('Service', [group('Accounts', [o.users, o.backup])])", "page('Service', [group('Accounts', [o.users.with({ maximum: 4 }), o.backup]), group('More', [o.users.with({ maximum: 5 })])])"));
    expect(b.diagnostics.map((d) => d.code)).toEqual(expect.arrayContaining(['DSL-002', 'IB-079']));
  });
});

describe('deployment', () => {
  it('settings.yaml: the preset is always written; retry as yes/no', async () => {
    const b = await build(edit("settings: { preset: 'base_v3', retry: true }", "settings: { preset: 'base_v2', retry: false }"));
    expect(errors(b)).toEqual([]);
    expect(b.yaml('plans/basic/deployment/settings.yaml')).toEqual({ preset: 'base_v2', retry: 'no' });
    expect(b.yaml('plans/payg/deployment/settings.yaml')).toEqual({ preset: 'base_v3' });
  });

  it('a directory without .tf files: DSL-003, nothing written', async () => {
    const dir = copyProject(c15Dsl, { [c15ServiceFile]: replaceOnce("file('./terraform/basic')", "file('./terraform')") }, 'ib-dsl-');
    dirs.push(dir);
    const r = await runCli(['build', '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    const d = (JSON.parse(r.stdout) as Built).diagnostics.find((x) => x.code === 'DSL-003');
    expect(d?.message).toMatch(/\.\/terraform has no \.tf files/);
    expect(d?.file).toBe(c15ServiceFile);
    expect(existsSync(join(dir, 'dist'))).toBe(false);
  });

  it('a list of files lands in one flat deployment/ directory: two files of one name are DSL-002', async () => {
    const b = await build(edit("terraform: file('./terraform/payg/deploy.tf')", "terraform: [file('./terraform/payg/deploy.tf'), file('./terraform/payg/deploy.tf')]"));
    expect(b.diagnostics.find((d) => d.code === 'DSL-002')?.message).toMatch(/two deployment files are named deploy\.tf/);
  });

  it('an entity operand with .with(): DSL-002', async () => {
    const b = await build(edit("entities: [entity.vm({ count: 1, flavor: o.flavor,", "entities: [entity.vm({ count: 1, flavor: o.flavor.with({ hint: 'x' }),"));
    expect(b.diagnostics.find((d) => d.code === 'DSL-002')?.message).toMatch(/overrides \(\.with\) belong where the option is shown in the wizard/);
  });
});
