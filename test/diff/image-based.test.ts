/**
 * Image-based diffs end to end, on a copy of examples/image-based-app (IB DSL, emitter and
 * reader): the package read back equals the sources, REV-004 with --bump, REV-013 and the
 * REV-005 deployment warning; and the diff's Terraform scan agrees with the HCL parser.
 */
import { cpSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTerraformFiles, terraformResourceAddresses } from '@vkmp/core';
import { removeDir, repoRoot, runCli, tempDir, writeFiles } from '../helpers.js';
import { codesOf, commitAll, diffJson, flagsOf, git, mutate, readText } from './helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

const example = join(repoRoot, 'examples', 'image-based-app');
const SERVICE = 'services/gitea/service.ts';
const SERVICE_REV: [string, string] = ["  revision: '1.0.0',\n  name: 'Gitea',", "  revision: '1.0.1',\n  name: 'Gitea',"];
const PLAN_REVS: [string, string][] = ['community', 'team'].map((p) => [`      revision: '1.0.0',\n      name: '${p}',`, `      revision: '1.0.1',\n      name: '${p}',`]);

function ibRepo(): string {
  const dir = tempDir('ib-diff-');
  dirs.push(dir);
  cpSync(join(example, 'vkmp.config.ts'), join(dir, 'vkmp.config.ts'));
  cpSync(join(example, 'services'), join(dir, 'services'), { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  commitAll(dir, 'gitea 1.0.0');
  return dir;
}

describe.concurrent('image-based projects', () => {
  it('the built package directory and zip read back equal to the sources', async () => {
    const dir = ibRepo();
    const built = await runCli(['build', '--out', 'dist'], { cwd: dir });
    expect(built.code, built.stderr).toBe(0);
    for (const against of ['dist', 'dist/gitea', 'dist/gitea.zip']) {
      const { r, doc } = await diffJson(dir, ['--against', against, '--exit-code']);
      expect(r.code, `${against}: ${r.stdout}`).toBe(0);
      expect(doc.changes).toEqual([]);
    }
  });

  it('REV-004: a changed option file needs new revisions in the plans that use it; --bump sets them', async () => {
    const dir = ibRepo();
    const source = readText(dir, SERVICE);
    writeFiles(dir, { [SERVICE]: mutate(source, [[" default: 20, minimum: 20, maximum: 100, tag: 'system_disk' ", " default: 20, minimum: 20, maximum: 80, tag: 'system_disk' "], SERVICE_REV]) });
    const { r, doc } = await diffJson(dir, ['--against', 'git:HEAD']);
    expect(r.code).toBe(1);
    expect(codesOf(doc)).toEqual(['REV-004', 'REV-004']);
    expect(doc.diagnostics.map((d) => d.message.slice(0, 20)).sort()).toEqual(['Plan "community" (58', 'Plan "team" (ca3f48d']);
    expect(doc.changes.find((c) => c.path.join('/') === 'gitea/option-file:system_size/schema.maximum')).toMatchObject({ old: 100, new: 80 });
    expect(doc.changes.find((c) => c.path.join('/') === 'gitea/plan:team/option:system_size/schema.maximum')!.flags).toEqual([{ kind: 'range-narrowed', bound: 'maximum', old: 100, new: 80 }]);

    const bumped = await runCli(['diff', '--bump', '--against', 'git:HEAD'], { cwd: dir });
    expect(bumped.code, bumped.stderr).toBe(0);
    expect(bumped.stdout).toContain('plan "community" revision "1.0.0" → "1.0.1"');
    expect(bumped.stdout).toContain('plan "team" revision "1.0.0" → "1.0.1"');
    const after = readText(dir, SERVICE);
    expect(after.match(/revision: '1\.0\.1'/g)).toHaveLength(3);
    expect(after.replace(/revision: '1\.0\.1'/g, "revision: '1.0.0'")).toBe(mutate(source, [[" maximum: 100, tag: 'system_disk' ", " maximum: 80, tag: 'system_disk' "]]));
  });

  it('REV-013: a Terraform resource of the previous revision removed from the plans', async () => {
    const dir = ibRepo();
    const app = 'services/gitea/terraform/common/app.tf';
    writeFiles(dir, {
      [app]: mutate(readText(dir, app), [[/\nresource "ivkcs_agent_check" "health" \{[\s\S]*?\n\}\n/, '\n']]),
      [SERVICE]: mutate(readText(dir, SERVICE), [SERVICE_REV, ...PLAN_REVS]),
    });
    const { r, doc } = await diffJson(dir, ['--against', 'git:HEAD']);
    expect(r.code).toBe(1);
    expect(codesOf(doc)).toEqual(['REV-013', 'REV-013']);
    expect(doc.diagnostics[0]!.message).toContain('"ivkcs_agent_check.health"');
    expect(doc.diagnostics[0]!.hint).toContain('Keep resource "ivkcs_agent_check" "health"');
    expect(flagsOf(doc)).toEqual(['terraform-resource-removed', 'terraform-resource-removed']);
    expect(doc.changes.map((c) => c.path.slice(1).join(' '))).toEqual(expect.arrayContaining(['plan:team deployment/app.tf', 'plan:team resource:ivkcs_agent_check.health', 'plan:community resource:ivkcs_agent_check.health']));
    expect(doc.revision_bumps).toEqual([]);
  });

  it('REV-005: a deployment change alone is a warning (exit 0) that --bump still fixes', async () => {
    const dir = ibRepo();
    const app = 'services/gitea/terraform/common/app.tf';
    writeFiles(dir, { [app]: `${readText(dir, app)}\n# tuned\n`, [SERVICE]: mutate(readText(dir, SERVICE), [SERVICE_REV]) });
    const { r, doc } = await diffJson(dir, ['--against', 'git:HEAD']);
    expect(r.code).toBe(0);
    expect(doc.diagnostics.map((d) => `${d.code}:${d.severity}`)).toEqual(['REV-005:warning', 'REV-005:warning']);
    expect(doc.revision_bumps.map((b) => b.plan).sort()).toEqual(['community', 'team']);
  });
});

describe('Terraform scan', () => {
  const tfFiles = (dir: string, out: string[] = []): string[] => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (name === 'node_modules' || name === '.tmp') continue;
      if (statSync(p).isDirectory()) tfFiles(p, out);
      else if (name.endsWith('.tf')) out.push(p);
    }
    return out;
  };

  it('agrees with the HCL parser on every valid .tf file of the repository', async () => {
    const files = [...tfFiles(join(repoRoot, 'test', 'fixtures')), ...tfFiles(join(repoRoot, 'examples'))];
    expect(files.length).toBeGreaterThan(20);
    let compared = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const parsed = await parseTerraformFiles([{ path: file, text }]);
      if (parsed.parseErrors.some((e) => e.kind === 'syntax')) continue;
      const expected = [...new Set(parsed.resources.filter((x) => x.mode === 'managed').map((x) => x.address))].sort();
      expect(terraformResourceAddresses([{ path: file, text }]), relative(repoRoot, file)).toEqual(expected);
      compared++;
    }
    expect(compared).toBeGreaterThan(20);
  });
});
