/**
 * `vkmp deploy` of a SaaS catalog: the catalog and plan_mapping.json go into the broker's
 * resources/ directory configured as deploy.brokerResourcesDir (byte-identical to
 * `vkmp build`), the state is recorded after the write; unchanged → nothing written;
 * a missing broker dir configuration or another service's plan mapping is refused.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeDir, saasServiceSource, tempDir, writeFiles } from '../helpers.js';
import { bytesOf, copyExample, makeTokens, saasProject, secretHits, tokenEnv, vkmp } from './helpers.js';

const tokens = makeTokens();
const env = tokenEnv(tokens);
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

describe('vkmp deploy, SaaS', () => {
  it('writes the catalog and plan_mapping.json into the broker resources/ dir, then records the state', async () => {
    const dir = saasProject();
    dirs.push(dir);
    const resources = join(dir, 'broker', 'resources');
    const r = await vkmp(['deploy'], dir, env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/write\s+demo_notes \(saas, revision "1\.0"\) → broker\/resources\/: not deployed yet/);
    expect(r.stdout).toContain("deployed demo_notes: wrote 2 files into the broker's resources/; recorded .vkmp/deployed/demo_notes.json");
    const build = await vkmp(['build'], dir, env);
    expect(build.code, build.stderr).toBe(0);
    for (const f of ['catalog_demo_notes.json', 'plan_mapping.json']) {
      expect(readFileSync(join(resources, f))).toEqual(readFileSync(join(dir, 'dist', 'demo_notes', f)));
    }
    const state = JSON.parse(readFileSync(join(dir, '.vkmp', 'deployed', 'demo_notes.json'), 'utf8'));
    expect(state).toMatchObject({ kind: 'saas', service_name: 'demo_notes', source: 'deploy' });

    // Unchanged: nothing written, the files and the state keep their bytes and times.
    const before = statSync(join(resources, 'catalog_demo_notes.json')).mtimeMs;
    const stateBefore = bytesOf(join(dir, '.vkmp', 'deployed', 'demo_notes.json'));
    const again = await vkmp(['deploy'], dir, env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('everything is up to date; nothing was sent.');
    expect(statSync(join(resources, 'catalog_demo_notes.json')).mtimeMs).toBe(before);
    expect(bytesOf(join(dir, '.vkmp', 'deployed', 'demo_notes.json'))).toEqual(stateBefore);

    // A broker file edited by hand is put back (the deployed state says what the broker holds).
    writeFileSync(join(resources, 'plan_mapping.json'), '{}\n');
    const repair = await vkmp(['deploy'], dir, env);
    expect(repair.code, repair.stderr).toBe(0);
    expect(repair.stdout).toContain('broker files differ from the deployed build');
    expect(readFileSync(join(resources, 'plan_mapping.json'))).toEqual(readFileSync(join(dir, 'dist', 'demo_notes', 'plan_mapping.json')));
    expect(existsSync(join(resources, '.plan_mapping.json.tmp'))).toBe(false);

    // A changed plan without a new plan revision is refused; the broker files and state stay.
    const src = join(dir, 'services', 'demo', 'service.ts');
    writeFileSync(src, readFileSync(src, 'utf8').replace('cost: 3.5', 'cost: 4'));
    const catalogBefore = bytesOf(join(resources, 'catalog_demo_notes.json'));
    const stateNow = bytesOf(join(dir, '.vkmp', 'deployed', 'demo_notes.json'));
    const refused = await vkmp(['deploy'], dir, env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/REV-002: Plan "pay_as_you_go" .* keeps revision "1\.0"/);
    expect(refused.stderr).toContain('Set plan "pay_as_you_go" revision: "1.1" (was "1.0")');
    expect(bytesOf(join(resources, 'catalog_demo_notes.json'))).toEqual(catalogBefore);
    expect(bytesOf(join(dir, '.vkmp', 'deployed', 'demo_notes.json'))).toEqual(stateNow);
    expect(secretHits([tokens.service, tokens.usage, tokens.auth], [dir])).toEqual([]);
  });

  it('without deploy.brokerResourcesDir a changed catalog is refused with the fix; --broker-dir supplies it', async () => {
    const dir = copyExample('vk-testers');
    dirs.push(dir);
    const r = await vkmp(['deploy'], dir, env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error DEPLOY-002: SaaS catalog "VKT" has changes, but no broker resources/ directory is configured');
    expect(r.stderr).toContain('Set deploy.brokerResourcesDir in vkmp.config.ts');
    expect(existsSync(join(dir, '.vkmp'))).toBe(false);
    mkdirSync(join(dir, 'broker'));
    const ok = await vkmp(['deploy', '--broker-dir', 'broker/resources', '--json'], dir, env);
    expect(ok.code, ok.stderr).toBe(0);
    const doc = JSON.parse(ok.stdout);
    expect(doc.units[0]).toMatchObject({ service_name: 'VKT', action: 'write-broker', status: 'deployed', written: ['broker/resources/plan_mapping.json', 'broker/resources/catalog_VKT.json'] });
    expect(existsSync(join(dir, 'broker', 'resources', 'catalog_VKT.json'))).toBe(true);
  });

  it("refuses a broker whose plan mapping belongs to another SERVICE_NAME, and a broker dir without a parent", async () => {
    const dir = saasProject('broker/resources');
    dirs.push(dir);
    writeFiles(dir, { 'broker/resources/plan_mapping.json': '{ "VKT": { "f6593bfb-c0b8-40a3-8b82-c05e07f6ae9a": "1" } }\n' });
    const r = await vkmp(['deploy'], dir, env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/DEPLOY-003: Cannot deploy "demo_notes" into the broker: .*plan_mapping\.json maps plans of "VKT", not "demo_notes"/);
    expect(readFileSync(join(dir, 'broker', 'resources', 'plan_mapping.json'), 'utf8')).toContain('VKT');
    const missing = await vkmp(['deploy', '--broker-dir', 'no/such/resources'], dir, env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/does not exist and neither does its parent/);
  });

  it('a corrupt deployed state is refused with the way out; nothing is written', async () => {
    const dir = saasProject();
    dirs.push(dir);
    writeFiles(dir, { '.vkmp/deployed/demo_notes.json': '{ "format_version": 1, ' });
    const r = await vkmp(['deploy'], dir, env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error STATE-001: .*demo_notes\.json: is not valid JSON .*restore it from git .* or re-create it with `vkmp state record`/);
    expect(existsSync(join(dir, 'broker', 'resources'))).toBe(false);
    expect(readFileSync(join(dir, '.vkmp', 'deployed', 'demo_notes.json'), 'utf8')).toBe('{ "format_version": 1, ');
  });

  it('a project that does not build is reported and nothing is written', async () => {
    const dir = tempDir('vkmp-deploy-bad-');
    dirs.push(dir);
    writeFiles(dir, {
      'vkmp.config.ts': "import { defineConfig } from '@vkmp/sdk';\nexport default defineConfig({ services: ['services/*/service.ts'], deploy: { brokerResourcesDir: 'resources' } });\n",
      'services/demo/service.ts': saasServiceSource().replace("id: '6f1c2a3b-8d4e-4f5a-9b6c-7d8e9f0a1b2c'", "id: 'not-a-uuid'"),
    });
    const r = await vkmp(['deploy'], dir, env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/SAAS-005/);
    expect(r.stderr).toMatch(/deploy failed: the project does not build/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'resources'))).toBe(false);
    expect(existsSync(join(dir, '.vkmp'))).toBe(false);
  });
});
