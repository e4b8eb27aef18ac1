/**
 * The Infra API verbs with the built CLI against the emulator: usage push (accepted; unknown
 * option, negative value and bad base_date rejected before sending), usage check (good and bad
 * pull reports, with --catalog), archive (204 by id and by SERVICE_NAME, 404), logs, and the
 * tf-test lifecycle (upload manifest, create, follow to running, delete; --keep; missing vars).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfraApiClient, type EmulatorHandle } from '@vkmp/infra-api';
import { removeDir, writeFiles } from '../helpers.js';
import { copyExample, emulator, emulatorState, makeTokens, saasProject, secretHits, tokenEnv, vkmp } from './helpers.js';

const tokens = makeTokens();
const env = tokenEnv(tokens);
let emu: EmulatorHandle;
let gitea: string;
let saas: string;
const GITEA_ID = 'c99f1732-fab2-4d3e-a4c9-4988022dd862';
const INSTANCE = 'd1dff97c-df6c-45a7-95e1-b539a8d77721';
const PAYG = '9d2c8e51-7f3a-4b6c-9e1d-2a4f6b8c0d13';

beforeAll(async () => {
  emu = await emulator(tokens);
  gitea = copyExample('image-based-app');
  saas = saasProject();
  const r = await vkmp(['deploy', '--base-url', emu.baseUrl], gitea, env);
  expect(r.code, r.stderr).toBe(0);
});

afterAll(async () => {
  await emu.close();
  removeDir(gitea);
  removeDir(saas);
});

const pushes = async () => (await emulatorState(emu)).stats.byRoute['POST /usages'] ?? 0;

describe('vkmp usage push', () => {
  it('pushes a valid report with the usage key (HTTP 200)', async () => {
    writeFiles(gitea, { 'usage.json': JSON.stringify({ base_date: '2024-05-01T00:00:00Z', usages: [{ instance_uuid: INSTANCE, param: 'lfs_storage', value: 2.55786 }] }) });
    const r = await vkmp(['usage', 'push', 'usage.json', '--base-url', emu.baseUrl], gitea, env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`pushed 1 metric to ${emu.baseUrl}/usages (HTTP 200).`);
    expect((await emulatorState(emu)).usages.at(-1)!.usages).toEqual([{ instance_uuid: INSTANCE, param: 'lfs_storage', value: 2.55786 }]);
  });

  it('rejects an option that is not postpaid before sending (API-012), with its position', async () => {
    const before = await pushes();
    writeFiles(gitea, { 'bad.json': `{\n  "usages": [\n    { "instance_uuid": "${INSTANCE}", "param": "users", "value": 3 },\n    { "instance_uuid": "${INSTANCE}", "param": "lfs_storage", "value": -1 }\n  ],\n  "base_date": "2024-13-01"\n}\n` });
    const r = await vkmp(['usage', 'push', 'bad.json', '--base-url', emu.baseUrl], gitea, env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.json:3:\d+ - error API-012: usages\[0\]\.param "users" is not a postpaid option of this project/);
    expect(r.stderr).toContain('The postpaid options are "lfs_storage".');
    expect(r.stderr).toMatch(/bad\.json:4:\d+ - error API-009: usages\[1\]\.value is -1/);
    expect(r.stderr).toMatch(/error API-010: base_date "2024-13-01" is not an RFC 3339 date-time/);
    expect(r.stderr).toContain('nothing was sent');
    expect(await pushes()).toBe(before);
  });

  it('--dry-run checks only; the upload key is refused by the server as the wrong key', async () => {
    const dry = await vkmp(['usage', 'push', 'usage.json', '--dry-run'], gitea, env);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('dry run, nothing was sent');
    const wrong = await vkmp(['usage', 'push', 'usage.json', '--base-url', emu.baseUrl], gitea, { ...env, VKMP_USAGE_TOKEN: tokens.service });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('rejected the usage key (HTTP 401)');
    expect(wrong.stderr).toContain('usage pushes need the dedicated usage key');
    const missing = await vkmp(['usage', 'push', 'nope.json'], gitea, env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.json: no such file.');
    writeFiles(gitea, { 'broken.json': '{ "usages": [ ], }' });
    const broken = await vkmp(['usage', 'push', 'broken.json'], gitea, env);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/broken\.json:1:\d+ - error API-009: .*trailing comma/i);
  });
});

describe('vkmp usage check', () => {
  const report = (record: Record<string, unknown> = {}, batch: unknown = 35) =>
    JSON.stringify({ batch_id: batch, data: [{ kind: 'storage_gb', type: 'demo_notes', unit: 'GB-month', price: 3.5, value: 2.447, plan_uuid: PAYG, instance_uuid: INSTANCE, ...record }] }, null, 2);

  it('accepts a report that matches the built catalog', async () => {
    writeFiles(saas, { 'good.json': report() });
    const r = await vkmp(['usage', 'check', 'good.json'], saas);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('usage check ok: batch 35, 1 record match catalog_demo_notes.json');
  });

  it('reports a wrong price (BILL-016), a prepaid kind (SAAS-058), a wrong type (API-019) and a string batch_id (API-018)', async () => {
    writeFiles(saas, {
      'price.json': report({ price: 4 }),
      'kind.json': report({ kind: 'seats', plan_uuid: '0b7e4f7a-2c61-4d1e-8a3f-5e9b6c2d1a40' }),
      'type.json': report({ type: 'demo' }, '35'),
    });
    const price = await vkmp(['usage', 'check', 'price.json'], saas);
    expect(price.code).toBe(1);
    expect(price.stderr).toMatch(/price\.json:\d+:\d+ - error BILL-016: data\[0\]\.price is 4, but plan "pay_as_you_go" prices "storage_gb" at 3\.5/);
    expect(price.stderr).toContain('Report "price": 3.5');
    const kind = await vkmp(['usage', 'check', 'kind.json', '--json'], saas);
    expect(kind.code).toBe(1);
    const doc = JSON.parse(kind.stdout);
    expect(doc).toMatchObject({ command: 'usage check', ok: false });
    expect(doc.diagnostics.map((d: { code: string }) => d.code)).toEqual(['SAAS-058']);
    expect(doc.diagnostics[0].message).toContain('"seats" is a create/update option of plan "standard", not a resource_usages (postpaid) option');
    const type = await vkmp(['usage', 'check', 'type.json'], saas);
    expect(type.code).toBe(1);
    expect(type.stderr).toMatch(/error API-018: batch_id must be an integer, not string "35"/);
    expect(type.stderr).toMatch(/error API-019: data\[0\]\.type is "demo", but the catalog's SERVICE_NAME is "demo_notes"/);
  });

  it('--catalog checks against a catalog file without a project', async () => {
    const build = await vkmp(['build'], saas);
    expect(build.code, build.stderr).toBe(0);
    const other = join(saas, 'dist', 'demo_notes', 'catalog_demo_notes.json');
    writeFiles(saas, { 'elsewhere/good.json': report() });
    const r = await vkmp(['usage', 'check', 'good.json', '--catalog', other], join(saas, 'elsewhere'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/match dist\/demo_notes\/catalog_demo_notes\.json|match .*catalog_demo_notes\.json/);
    writeFiles(saas, { 'elsewhere/bad.json': report({ price: 9 }) });
    const bad = await vkmp(['usage', 'check', 'bad.json', '--catalog', other], join(saas, 'elsewhere'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('BILL-016');
    const none = await vkmp(['usage', 'check', 'bad.json', '--catalog', 'missing.json'], join(saas, 'elsewhere'));
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('--catalog missing.json: no such file.');
  });
});

describe('vkmp archive', () => {
  it('archives a deployed revision by id (204) and by SERVICE_NAME; an unknown revision is 404', async () => {
    const r = await vkmp(['archive', GITEA_ID, '1.0.0', '--base-url', emu.baseUrl], gitea, env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`archived ${GITEA_ID} revision "1.0.0" (HTTP 204)`);
    const byName = await vkmp(['archive', 'gitea', '1.0.0', '--base-url', emu.baseUrl, '--json'], gitea, env);
    expect(byName.code, byName.stderr).toBe(0);
    expect(JSON.parse(byName.stdout)).toMatchObject({ ok: true, service_id: GITEA_ID, revision: '1.0.0', status: 204 });
    expect((await emulatorState(emu)).services[0]!.archived).toBe(true);
    const missing = await vkmp(['archive', GITEA_ID, '9.9.9', '--base-url', emu.baseUrl], gitea, env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`service revision not found: ${GITEA_ID}@9.9.9 (HTTP 404)`);
    const notId = await vkmp(['archive', 'no-such-service', '1.0.0', '--base-url', emu.baseUrl], gitea, env);
    expect(notId.code).toBe(1);
    expect(notId.stderr).toContain('"no-such-service" is not a service id (a UUID) nor the SERVICE_NAME');
  });
});

describe('vkmp tf-test and vkmp logs', () => {
  it('refuses before sending when an external variable has no default', async () => {
    const before = (await emulatorState(emu)).stats.requests;
    const r = await vkmp(['tf-test', 'community', '--base-url', emu.baseUrl], gitea, env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error TFTEST-002: External variable "flavor" \(a flavor datasource option/);
    expect(r.stderr).toContain('Pass --vars flavor=<value>.');
    expect(r.stderr).toContain('Pass --vars subnet=<value>.');
    const unknown = await vkmp(['tf-test', 'community', '--vars', 'flavor=f', 'subnet=s', 'colour=red', '--base-url', emu.baseUrl], gitea, env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("--vars colour: not an external variable of plan \"community\"; vars are exactly the plan's external variables (API-022).");
    const noPlan = await vkmp(['tf-test', 'enterprise', '--base-url', emu.baseUrl], gitea, env);
    expect(noPlan.code).toBe(1);
    expect(noPlan.stderr).toContain('No image-based plan "enterprise" in the project.');
    expect((await emulatorState(emu)).stats.requests).toBe(before);
  });

  it('uploads the manifest, creates the object with the external variables, follows it to running and deletes it', async () => {
    const r = await vkmp(['tf-test', 'community', '--vars', 'flavor=6e61564f-0000-4000-8000-08df5fd84514', 'subnet=a793470c-0000-4000-8000-67af6c178c8e', '--interval', '0.05', '--base-url', emu.baseUrl, '--json'], gitea, env);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ command: 'tf-test', ok: true, manifest: 'gitea_community_1.0.0', status: 'running', kept: false, deleted: true });
    expect(doc.vars).toEqual({
      flavor: '6e61564f-0000-4000-8000-08df5fd84514', az: 'gz1', subnet: 'a793470c-0000-4000-8000-67af6c178c8e', system_type: 'ceph-ssd', system_size: 20,
      data_type: 'ceph-ssd', data_size: 50,
    });
    expect(doc.logs.map((l: { message: string }) => l.message).join('\n')).toMatch(/Apply complete![\s\S]*Destroy complete!/);
    const s = await emulatorState(emu);
    const manifest = s.manifests.find((m) => m.name === 'gitea_community_1.0.0')!;
    expect(manifest.versions).toHaveLength(1);
    const obj = s.objects.find((o) => o.status.uuid === doc.uuid)!;
    expect(obj.status.status).toBe('deleted');
    expect(obj.status.vars).toEqual(doc.vars);
    // The manifest is the plan's deployment/*.tf concatenated.
    const text = await new InfraApiClient({ baseUrl: emu.baseUrl, authToken: tokens.auth, env: {} }).getManifest('gitea_community_1.0.0');
    const files = [...text.matchAll(/^# vkmp: (deployment\/\S+)$/gm)].map((m) => m[1]);
    expect(files).toEqual(doc.files);
    expect(files.length).toBeGreaterThan(1);
    expect(text).toContain(readFileSync(join(gitea, 'services', 'gitea', 'terraform', 'common', 'compute.tf'), 'utf8').trim());
  });

  it('--keep leaves the object running; vkmp logs reads its log; unknown and malformed UUIDs fail', async () => {
    const r = await vkmp(['tf-test', 'gitea/team', '--vars', 'flavor=f-1', 'subnet=s-1', 'data_size=200', '--keep', '--interval', '0.05', '--base-url', emu.baseUrl], gitea, env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/data_size = 200 \(number, command line\)/);
    expect(r.stdout).toMatch(/tf-test ok: gitea\/team reached running; object ([0-9a-f-]{36}) kept/);
    const uuid = /object ([0-9a-f-]{36}) kept/.exec(r.stdout)![1]!;
    expect((await emulatorState(emu)).objects.find((o) => o.status.uuid === uuid)!.status.status).toBe('running');
    const logs = await vkmp(['logs', uuid, '--base-url', emu.baseUrl], gitea, env);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toMatch(/info deployment: object .* applying manifest "gitea_team_1\.0\.0" version 1/);
    expect(logs.stdout).toContain('Apply complete!');
    const json = await vkmp(['logs', uuid, '--level', 'info', '--base-url', emu.baseUrl, '--json'], gitea, env);
    expect(JSON.parse(json.stdout).entries.every((e: { level: string }) => e.level === 'info')).toBe(true);
    const unknown = await vkmp(['logs', '00000000-0000-4000-8000-000000000000', '--base-url', emu.baseUrl], gitea, env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no logs: object 00000000-0000-4000-8000-000000000000 not found (HTTP 404)');
    const bad = await vkmp(['logs', 'xyz', '--base-url', emu.baseUrl], gitea, env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('"xyz" is not an object UUID.');
    const noToken = await vkmp(['logs', uuid, '--base-url', emu.baseUrl], gitea, { VKMP_SERVICE_TOKEN: tokens.service });
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toContain('VKMP_AUTH_TOKEN is not set');
  });

  it('nothing the CLI printed or wrote contains a token', () => {
    expect(secretHits([tokens.service, tokens.usage, tokens.auth], [gitea, saas])).toEqual([]);
  });
});
