/**
 * `vkmp deploy` of the image-based example (Gitea) with the built CLI against the emulator on
 * 127.0.0.1 (started in-process, tokens passed through the child's environment): first deploy,
 * unchanged re-deploy, changed deploy, refused revision, 401, 400 with diagnostics, 500 then
 * success, dropped connections, and in every failure the deployed state unchanged byte for byte.
 * Last, everything the CLI printed and every file it wrote is scanned for the token values.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validatePackageZip } from '@vkmp/core';
import type { EmulatorHandle, PackageValidator } from '@vkmp/infra-api';
import { removeDir } from '../helpers.js';
import { bytesOf, copyExample, emulator, emulatorState, makeTokens, secretHits, tokenEnv, vkmp } from './helpers.js';

const tokens = makeTokens();
const env = tokenEnv(tokens);
let emu: EmulatorHandle;
let dir: string;
let statePath: string;
let serviceFile: string;
const dirs: string[] = [];

/** The emulator runs vkmp's own package check (what `vkmp emulator` plugs in). */
const coreValidator: PackageValidator = async (zipPath) => {
  const v = await validatePackageZip(zipPath, { label: 'upload.zip' });
  if (v.ok === 'unsupported') throw new Error('this build cannot read package zips');
  return v.ok ? { ok: true, service: v.service } : { ok: false, diagnostics: v.diagnostics };
};

const deploy = (extra: string[] = [], e: Record<string, string | undefined> = env, cwd = dir) => vkmp(['deploy', '--base-url', emu.baseUrl, ...extra], cwd, e);

/** Rewrites the Gitea source: the backup price and, optionally, the revisions (service and team plan). */
function edit(backupCost: number, revision?: string): void {
  let src = readFileSync(serviceFile, 'utf8');
  src = src.replace(/cost: \d+,\n(\s*)\}\),\n(\s*)lfs_storage/, `cost: ${backupCost},\n$1}),\n$2lfs_storage`);
  if (revision) src = src.replace(/revision: '[^']*'/g, `revision: '${revision}'`);
  writeFileSync(serviceFile, src);
}

beforeAll(async () => {
  emu = await emulator(tokens, { validatePackage: coreValidator });
  dir = copyExample('image-based-app');
  dirs.push(dir);
  statePath = join(dir, '.vkmp', 'deployed', 'gitea.json');
  serviceFile = join(dir, 'services', 'gitea', 'service.ts');
});

afterAll(async () => {
  await emu.close();
  for (const d of dirs) removeDir(d);
});

describe('vkmp deploy, image-based', () => {
  it('--dry-run shows the plan and sends nothing', async () => {
    const r = await deploy(['--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/upload\s+gitea \(image-based, revision "1\.0\.0"\) \(gitea\.zip, \d+ bytes\)/);
    expect(r.stdout).toContain('dry run: nothing was sent or written.');
    expect((await emulatorState(emu)).stats.requests).toBe(0);
    expect(bytesOf(statePath)).toBeUndefined();
  });

  it('refuses to start without the service token, naming the variable; nothing is sent', async () => {
    const r = await deploy([], {});
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('VKMP_SERVICE_TOKEN is not set');
    expect((await emulatorState(emu)).stats.requests).toBe(0);
    expect(bytesOf(statePath)).toBeUndefined();
  });

  it('first deploy: uploads the package, the emulator accepts it with the core rules, the state is recorded', async () => {
    const r = await deploy();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('deployed gitea: uploaded; recorded .vkmp/deployed/gitea.json');
    const s = await emulatorState(emu);
    expect(s.uploads.map((u) => [u.outcome, u.filename, u.service?.revision])).toEqual([['accepted', 'gitea.zip', '1.0.0']]);
    expect(s.services[0]!.postpaidOptions).toEqual(['lfs_storage']);
    const state = JSON.parse(readFileSync(statePath, 'utf8'));
    expect(state).toMatchObject({ kind: 'image-based', service_name: 'gitea', source: 'deploy' });
    expect(state.artifacts['gitea.zip']).toBe(s.uploads[0]!.sha256);
  });

  it('unchanged re-deploy: up to date, nothing sent, the state untouched', async () => {
    const before = bytesOf(statePath);
    const requests = (await emulatorState(emu)).stats.requests;
    const r = await deploy();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/up to date gitea .*: no changes/);
    expect(r.stdout).toContain('everything is up to date; nothing was sent.');
    const s = await emulatorState(emu);
    expect(s.stats.requests).toBe(requests);
    expect(s.uploads).toHaveLength(1);
    expect(bytesOf(statePath)).toEqual(before);
  });

  it('a change without a new revision is refused before sending, with the exact fix', async () => {
    edit(350);
    const before = bytesOf(statePath);
    const requests = (await emulatorState(emu)).stats.requests;
    const r = await deploy();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error REV-001: Service "gitea" .* changed .* but keeps revision "1\.0\.0"/);
    expect(r.stderr).toContain('Set the service revision: "1.0.1" (was "1.0.0")');
    expect(r.stderr).toMatch(/REV-004: Plan "team"/);
    expect(r.stderr).toContain('deploy refused');
    expect((await emulatorState(emu)).stats.requests).toBe(requests);
    expect(bytesOf(statePath)).toEqual(before);
  });

  it('401: a wrong token fails with a clear message and leaves the state unchanged', async () => {
    edit(350, '1.0.1');
    const before = bytesOf(statePath);
    const r = await deploy([], { ...env, VKMP_SERVICE_TOKEN: 'not-the-service-key-0123456789' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/rejected the service key \(HTTP 401\); check VKMP_SERVICE_TOKEN/);
    expect(r.stderr).not.toContain('not-the-service-key-0123456789');
    expect(bytesOf(statePath)).toEqual(before);
    expect((await emulatorState(emu)).uploads).toHaveLength(1);
  });

  it('500 then success: the upload is retried and recorded', async () => {
    emu.setFaults({ fail5xxCount: 1 });
    const r = await deploy();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/POST \/product: retrying in .*HTTP 500; attempt 2 of 4/);
    expect(r.stdout).toMatch(/deployed gitea: uploaded after 2 attempts/);
    const s = await emulatorState(emu);
    expect(s.stats.failedInjected).toBe(1);
    expect(s.uploads.at(-1)).toMatchObject({ outcome: 'accepted', service: { revision: '1.0.1' } });
    expect(JSON.parse(readFileSync(statePath, 'utf8')).entries[0].revision).toBe('1.0.1');
  });

  it('a connection dropped mid-upload is retried', async () => {
    edit(400, '1.0.2');
    emu.setFaults({ dropConnectionCount: 1 });
    const r = await deploy();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/POST \/product: retrying in .*connection closed/);
    const s = await emulatorState(emu);
    expect(s.stats.droppedInjected).toBe(1);
    expect(s.uploads.at(-1)).toMatchObject({ outcome: 'accepted', service: { revision: '1.0.2' } });
  });

  it('a connection that keeps dropping ends in a clear error, the state unchanged', async () => {
    edit(450, '1.0.3');
    const before = bytesOf(statePath);
    const uploads = (await emulatorState(emu)).uploads.length;
    emu.setFaults({ dropConnectionCount: 10 });
    const r = await deploy();
    emu.setFaults({});
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/gitea: POST \/product: connection to 127\.0\.0\.1:\d+ was closed mid-request \(\w+\) \(gave up after 4 attempts\)/);
    expect(r.stderr).toContain('the deployed state of gitea was not changed');
    expect(bytesOf(statePath)).toEqual(before);
    expect((await emulatorState(emu)).uploads).toHaveLength(uploads);
  });

  it('a changed deploy with new revisions uploads again', async () => {
    const r = await deploy(['--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ format_version: '1', command: 'deploy', ok: true, units: [{ service_name: 'gitea', action: 'upload', status: 'deployed', state_written: '.vkmp/deployed/gitea.json' }] });
    expect(doc.units[0].reason).toMatch(/\d+ changes/);
    expect(JSON.parse(readFileSync(statePath, 'utf8')).entries[0].revision).toBe('1.0.3');
  });

  it('the same id + revision uploaded outside the deployed state: reported as ignored, state not written', async () => {
    const saved = bytesOf(statePath)!;
    removeDir(join(dir, '.vkmp'));
    const r = await deploy();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ignored: the service id + revision already exists');
    expect(r.stderr).toContain('vkmp state record');
    expect(bytesOf(statePath)).toBeUndefined();
    expect((await emulatorState(emu)).uploads.at(-1)).toMatchObject({ outcome: 'ignored' });
    // Put the state back for the tests that follow.
    const again = join(dir, '.vkmp', 'deployed');
    (await import('node:fs')).mkdirSync(again, { recursive: true });
    writeFileSync(statePath, saved);
  });

  it('400 with diagnostics: the package the validator rejects is reported with its rule IDs, the state unchanged', async () => {
    const rejecting = await emulator(tokens, {
      validatePackage: async () => ({
        ok: false,
        diagnostics: [{ code: 'IB-017', severity: 'error', message: 'service.yaml: short_description is longer than 120 characters', file: 'gitea/service.yaml', range: { start: { line: 4, column: 1 }, end: { line: 4, column: 9 } }, hint: 'Shorten it.' }],
      }),
    });
    try {
      edit(500, '1.0.4');
      const before = bytesOf(statePath);
      const r = await vkmp(['deploy', '--base-url', rejecting.baseUrl], dir, env);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('POST /product was rejected (HTTP 400): IB-017 service.yaml: short_description is longer than 120 characters');
      expect(r.stderr).toMatch(/gitea\/service\.yaml:4:1 - error IB-017: service\.yaml: short_description is longer than 120 characters/);
      expect(bytesOf(statePath)).toEqual(before);
      expect((await emulatorState(rejecting)).uploads.map((u) => u.outcome)).toEqual(['rejected']);
    } finally {
      await rejecting.close();
    }
  });

  it('--host and --base-url together, or a bad --base-url, are refused with exit 1', async () => {
    const both = await vkmp(['deploy', '--host', 'cloud.vk.ru', '--base-url', emu.baseUrl], dir, env);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('Use either --host or --base-url, not both.');
    const bad = await vkmp(['deploy', '--base-url', 'not a url'], dir, env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--base-url not a url: not a valid URL');
    expect(`${both.stderr}${bad.stderr}`).not.toMatch(/\n\s+at /);
  });

  it('--service with an unknown name is refused', async () => {
    const r = await deploy(['--service', 'nope']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--service nope: not a service of this project (it has gitea)');
  });

  it('the target comes from deploy.host in the config, overridden by --host', async () => {
    const config = join(dir, 'vkmp.config.ts');
    const original = readFileSync(config, 'utf8');
    writeFileSync(config, original.replace("outDir: 'dist',", "outDir: 'dist',\n  deploy: { host: 'cloud.vk.com' },"));
    try {
      edit(550, '1.0.5');
      const fromConfig = await vkmp(['deploy', '--dry-run'], dir, env);
      expect(fromConfig.code, fromConfig.stderr).toBe(0);
      expect(fromConfig.stdout).toContain('→ https://cloud.vk.com/marketplace/api/infra-api/api/v1-public/product');
      const fromFlag = await vkmp(['deploy', '--dry-run', '--host', 'https://cloud.vk.ru/'], dir, env);
      expect(fromFlag.stdout).toContain('→ https://cloud.vk.ru/marketplace/api/infra-api/api/v1-public/product');
      const bad = await vkmp(['deploy', '--dry-run', '--host', 'cloud.vk.ru/path'], dir, env);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('--host cloud.vk.ru/path: invalid Infra API host');
    } finally {
      writeFileSync(config, original);
    }
  });

  it('nothing the CLI printed or wrote contains a token', async () => {
    const build = await vkmp(['build'], dir, env);
    expect(build.code, build.stderr).toBe(0);
    expect(secretHits([tokens.service, tokens.usage, tokens.auth, 'not-the-service-key-0123456789'], [dir])).toEqual([]);
  });
});
