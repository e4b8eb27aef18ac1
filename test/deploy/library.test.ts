/**
 * The library deploy (planDeploy/runDeploy) with the Infra API client as its uploader against
 * the in-process emulator, including packages made in the test: one the emulator's minimal
 * check accepts, one it rejects (400 with diagnostics), one the core rules reject. Also the
 * broker write's rollback and the emulator's core package verdict.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProject, deployProject, planDeploy, runDeploy, validatePackageZip, writeBrokerFiles, type DeployPlan, type PackageUploader } from '@vkmp/core';
import { InfraApiClient, InfraApiError, type EmulatorHandle } from '@vkmp/infra-api';
import { removeDir } from '../helpers.js';
import { makePackage, makeZip } from '../infra-api/helpers.js';
import { bytesOf, copyExample, emulator, emulatorState, makeTokens } from './helpers.js';

const tokens = makeTokens();
let emu: EmulatorHandle;
let dir: string;
let statePath: string;

function uploader(target: EmulatorHandle, token = tokens.service): PackageUploader {
  const client = new InfraApiClient({ baseUrl: target.baseUrl, serviceToken: token, env: {}, retryBaseDelayMs: 1, retryMaxDelayMs: 5 });
  return {
    async upload(pkg, hooks) {
      const r = await client.uploadProduct({ bytes: pkg.bytes }, { filename: pkg.filename, onProgress: hooks.onProgress });
      return { outcome: r.emulatorOutcome ?? 'unknown', attempts: r.attempts };
    },
  };
}

async function plan(): Promise<DeployPlan> {
  const built = await buildProject({ cwd: dir });
  expect(built.ok, JSON.stringify(built.diagnostics.filter((d) => d.severity === 'error'))).toBe(true);
  return planDeploy({ rootDir: built.project!.rootDir, model: built.model!, tree: built.tree! });
}

/** The plan with its package replaced by bytes made in the test. */
function withPackage(p: DeployPlan, bytes: Uint8Array): DeployPlan {
  return { ...p, units: p.units.map((u) => (u.package ? { ...u, package: { ...u.package, bytes } } : u)) };
}

beforeAll(async () => {
  emu = await emulator(tokens);
  dir = copyExample('image-based-app', 'vkmp-deploy-lib-');
  statePath = join(dir, '.vkmp', 'deployed', 'gitea.json');
});
afterAll(async () => {
  await emu.close();
  removeDir(dir);
});

describe('planDeploy / runDeploy', () => {
  it('a zip made in the test: 400 with the emulator\'s diagnostics leaves the state unchanged', async () => {
    const p = await plan();
    expect(p.ok).toBe(true);
    expect(p.units.map((u) => [u.serviceName, u.action, u.reason])).toEqual([['gitea', 'upload', 'not deployed yet']]);
    const twoRoots = makeZip([
      { name: 'a/service.yaml', data: Buffer.from('id: x\n') },
      { name: 'b/service.yaml', data: Buffer.from('id: y\n') },
    ]);
    const report = await runDeploy(withPackage(p, twoRoots), { uploader: uploader(emu) });
    expect(report.ok).toBe(false);
    const r = report.units[0]!;
    expect(r.status).toBe('failed');
    expect(r.error).toBeInstanceOf(InfraApiError);
    const e = r.error as InfraApiError;
    expect(e.status).toBe(400);
    expect(e.diagnostics).toEqual([expect.objectContaining({ code: 'EMU-LAYOUT', message: expect.stringContaining('single <SERVICE_NAME>/ directory') })]);
    expect(bytesOf(statePath)).toBeUndefined();
  });

  it('a zip made in the test that the minimal check accepts is uploaded, progress is reported, the state recorded', async () => {
    const p = await plan();
    const made = makePackage({ id: 'c99f1732-fab2-4d3e-a4c9-4988022dd862', revision: '1.0.0', name: 'gitea', postpaid: ['lfs_storage'] });
    const progress: number[] = [];
    const report = await runDeploy(withPackage(p, made.zip), {
      uploader: uploader(emu),
      now: () => new Date('2024-05-01T12:00:00Z'),
      onEvent: (e) => {
        if (e.type === 'upload-progress') progress.push(e.sentBytes);
      },
    });
    expect(report.ok).toBe(true);
    expect(report.units[0]).toMatchObject({ status: 'deployed', message: 'uploaded', attempts: 1, stateFile: statePath });
    expect(progress.at(-1)).toBe(made.zip.length);
    const state = JSON.parse(readFileSync(statePath, 'utf8'));
    expect(state.deployed_at).toBe('2024-05-01T12:00:00.000Z');
    expect((await emulatorState(emu)).uploads.at(-1)).toMatchObject({ outcome: 'accepted', service: { id: made.id, revision: '1.0.0' } });
  });

  it('after a recorded deploy the plan is up to date and running it sends nothing', async () => {
    const requests = (await emulatorState(emu)).stats.requests;
    const p = await plan();
    expect(p.units[0]!.action).toBe('up-to-date');
    const report = await runDeploy(p, { uploader: uploader(emu) });
    expect(report.units[0]!.status).toBe('up-to-date');
    expect((await emulatorState(emu)).stats.requests).toBe(requests);
  });

  it('a plan with errors is not run; an uploader that throws fails the unit and the state stays', async () => {
    const src = join(dir, 'services', 'gitea', 'service.ts');
    writeFileSync(src, readFileSync(src, 'utf8').replace("description: 'Community'", "description: 'Community edition'"));
    const p = await plan();
    expect(p.ok).toBe(false);
    expect(p.diagnostics.map((d) => d.code)).toContain('REV-005');
    expect(p.bumps.map((b) => [b.target, b.planName ?? null, b.suggested])).toContainEqual(['plan', 'community', '1.0.1']);
    const refused = await runDeploy(p, { uploader: uploader(emu) });
    expect(refused.units[0]).toMatchObject({ status: 'not-attempted' });
    writeFileSync(src, readFileSync(src, 'utf8').replace(/revision: '1\.0\.0'/g, "revision: '1.0.1'"));
    const before = bytesOf(statePath);
    const bad = await runDeploy(await plan(), { uploader: { upload: async () => Promise.reject(new Error('disk on fire')) } });
    expect(bad.units[0]).toMatchObject({ status: 'failed', message: 'disk on fire' });
    expect(bytesOf(statePath)).toEqual(before);
    const wrong = await runDeploy(await plan(), { uploader: uploader(emu, 'wrong-token-value-42') });
    expect((wrong.units[0]!.error as InfraApiError).kind).toBe('auth');
    expect(bytesOf(statePath)).toEqual(before);
  });

  it('the emulator with the core package check rejects a package that breaks the rules, with rule IDs', async () => {
    const strict = await emulator(tokens, {
      validatePackage: async (zipPath) => {
        const v = await validatePackageZip(zipPath, { label: 'upload.zip' });
        if (v.ok === 'unsupported') throw new Error('no package reader');
        return v.ok ? { ok: true, service: v.service } : { ok: false, diagnostics: v.diagnostics };
      },
    });
    try {
      const before = bytesOf(statePath);
      const made = makePackage({ id: 'c99f1732-fab2-4d3e-a4c9-4988022dd862', revision: '1.0.1', name: 'gitea' });
      const report = await runDeploy(withPackage(await plan(), made.zip), { uploader: uploader(strict) });
      const e = report.units[0]!.error as InfraApiError;
      expect(e.status).toBe(400);
      const codes = (e.diagnostics as { code: string; file: string | null }[]).map((d) => d.code);
      expect(codes.some((c) => /^IB-\d{3}$/.test(c))).toBe(true);
      expect((e.diagnostics as { file: string | null }[]).some((d) => d.file?.startsWith('upload.zip!/gitea/'))).toBe(true);
      expect(bytesOf(statePath)).toEqual(before);
      // The package the project builds passes the same check.
      const ok = await runDeploy(await plan(), { uploader: uploader(strict) });
      expect(ok.ok, JSON.stringify(ok.units[0]!.error)).toBe(true);
      expect((await emulatorState(strict)).services[0]).toMatchObject({ name: 'Gitea', revision: '1.0.1', postpaidOptions: ['lfs_storage'] });
    } finally {
      await strict.close();
    }
  });
});

describe('deployProject', () => {
  it('builds, plans and asks confirm before running; a dry run and a "no" send nothing', async () => {
    const requests = (await emulatorState(emu)).stats.requests;
    const before = bytesOf(statePath);
    const src = join(dir, 'services', 'gitea', 'service.ts');
    writeFileSync(src, readFileSync(src, 'utf8').replace(/revision: '1\.0\.1'/g, "revision: '1.0.2'"));
    const dry = await deployProject({ cwd: dir, dryRun: true, uploader: uploader(emu) });
    expect(dry.ok).toBe(true);
    expect(dry.report).toBeUndefined();
    expect(dry.plan!.units[0]).toMatchObject({ action: 'upload', revisions: [{ id: 'c99f1732-fab2-4d3e-a4c9-4988022dd862', revision: '1.0.2' }] });
    let asked = 0;
    const no = await deployProject({ cwd: dir, uploader: uploader(emu), confirm: () => (asked++, false) });
    expect(no).toMatchObject({ ok: false, cancelled: true });
    expect(asked).toBe(1);
    expect((await emulatorState(emu)).stats.requests).toBe(requests);
    expect(bytesOf(statePath)).toEqual(before);
    const yes = await deployProject({ cwd: dir, uploader: uploader(emu), confirm: async () => true });
    expect(yes.ok).toBe(true);
    expect(yes.report!.units[0]!.status).toBe('deployed');
    expect(JSON.parse(readFileSync(statePath, 'utf8')).entries[0].revision).toBe('1.0.2');
  });
});

describe('writeBrokerFiles', () => {
  it('writes the plan mapping first, and puts it back when the catalog cannot be renamed into place', () => {
    const d = mkdtempSync(join(tmpdir(), 'vkmp-broker-'));
    try {
      writeFileSync(join(d, 'plan_mapping.json'), 'old mapping');
      mkdirSync(join(d, 'catalog_x.json')); // a directory where the catalog goes: rename fails
      writeFileSync(join(d, 'catalog_x.json', 'keep'), '');
      expect(() => writeBrokerFiles(d, [{ name: 'catalog_x.json', bytes: Buffer.from('{}') }, { name: 'plan_mapping.json', bytes: Buffer.from('new mapping') }])).toThrow();
      expect(readFileSync(join(d, 'plan_mapping.json'), 'utf8')).toBe('old mapping');
      rmSync(join(d, 'catalog_x.json'), { recursive: true });
      const written = writeBrokerFiles(d, [{ name: 'catalog_x.json', bytes: Buffer.from('{}') }, { name: 'plan_mapping.json', bytes: Buffer.from('new mapping') }]);
      expect(written.map((f) => f.slice(d.length + 1))).toEqual(['plan_mapping.json', 'catalog_x.json']);
      expect(readFileSync(join(d, 'plan_mapping.json'), 'utf8')).toBe('new mapping');
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
