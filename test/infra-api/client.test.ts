import { randomUUID } from 'node:crypto';
import { readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  InfraApiClient,
  InfraApiError,
  type EmulatorHandle,
  type PackageVerdict,
  type RetryInfo,
} from '../../packages/infra-api/src/index.js';
import { emulator, makePackage, makeTokens, sha256, tempDir } from './helpers.js';

const tokens = makeTokens();
let emu: EmulatorHandle;
let dir: string;
let cleanup: () => Promise<void>;

function client(extra: ConstructorParameters<typeof InfraApiClient>[0] = {}): InfraApiClient {
  return new InfraApiClient({
    baseUrl: emu.baseUrl,
    serviceToken: tokens.service,
    usageToken: tokens.usage,
    authToken: tokens.auth,
    env: {},
    retryBaseDelayMs: 1,
    retryMaxDelayMs: 5,
    random: () => 0.5,
    ...extra,
  });
}

async function caught(p: Promise<unknown>): Promise<InfraApiError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(InfraApiError);
    return err as InfraApiError;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  emu = await emulator(tokens, join(dir, 'data'));
});

afterAll(async () => {
  await emu.close();
  await cleanup();
});

beforeEach(() => {
  emu.setFaults({});
});

describe('upload', () => {
  it('answers 204 and stores exactly the bytes sent', async () => {
    const pkg = makePackage({ postpaid: ['traffic'] });
    const path = join(dir, 'pkg.zip');
    await writeFile(path, pkg.zip);
    const progress: number[] = [];
    const res = await client().uploadProduct({ path }, { onProgress: (p) => progress.push(p.sentBytes) });
    expect(res.status).toBe(204);
    expect(res.attempts).toBe(1);
    expect(res.emulatorOutcome).toBe('accepted');
    expect(res.sha256).toBe(sha256(pkg.zip));
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(pkg.zip.length);

    const entry = emu.state().uploads.find((u) => u.id === res.emulatorUploadId)!;
    expect(entry.outcome).toBe('accepted');
    expect(entry.ignored).toBe(false);
    expect(entry.size).toBe(pkg.zip.length);
    expect(entry.sha256).toBe(sha256(pkg.zip));
    const stored = await readFile(join(dir, 'data', entry.packageFile!));
    expect(sha256(stored)).toBe(sha256(pkg.zip));
    const svc = emu.state().services.find((s) => s.id === pkg.id)!;
    expect(svc.revision).toBe('1');
    expect(svc.postpaidOptions).toEqual(['traffic']);
    expect(svc.plans).toEqual([{ id: '9d2c8e51-7f3a-4b6c-9e1d-2a4f6b8c0d13', revision: '1', name: 'basic' }]);
  });

  it('reports a re-upload of the same id + revision as ignored and does not update the service', async () => {
    const id = randomUUID();
    const first = makePackage({ id, revision: '7', postpaid: ['a'] });
    const second = makePackage({ id, revision: '7', postpaid: ['b'] });
    const r1 = await client().uploadProduct({ bytes: first.zip });
    const r2 = await client().uploadProduct({ bytes: second.zip });
    expect(r1.emulatorOutcome).toBe('accepted');
    expect(r2.status).toBe(204);
    expect(r2.emulatorOutcome).toBe('ignored');
    const state = emu.state();
    expect(state.uploads.find((u) => u.id === r2.emulatorUploadId)).toMatchObject({ outcome: 'ignored', ignored: true, status: 204 });
    const services = state.services.filter((s) => s.id === id);
    expect(services).toHaveLength(1);
    expect(services[0]!.postpaidOptions).toEqual(['a']);
  });

  it('fails with kind auth on a wrong token, without retrying', async () => {
    const before = emu.state().stats.byRoute['POST /product'] ?? 0;
    const retries: RetryInfo[] = [];
    const err = await caught(client({ serviceToken: 'not-the-key', onRetry: (r) => retries.push(r) }).uploadProduct({ bytes: makePackage().zip }));
    expect(err.kind).toBe('auth');
    expect(err.status).toBe(401);
    expect(err.attempts).toBe(1);
    expect(err.exitCode).toBe(1);
    expect(err.message).toContain('service key');
    expect(err.message).not.toContain('not-the-key');
    expect(retries).toHaveLength(0);
    expect(emu.state().stats.byRoute['POST /product']).toBe(before + 1);
  });

  it('refuses the usage key for uploads', async () => {
    const err = await caught(client({ serviceToken: tokens.usage }).uploadProduct({ bytes: makePackage().zip }));
    expect(err.kind).toBe('auth');
    expect(err.body).toContain('usage key cannot upload');
  });

  it('says which variable to set when no token is configured', async () => {
    const err = await caught(new InfraApiClient({ baseUrl: emu.baseUrl, env: {} }).uploadProduct({ bytes: makePackage().zip }));
    expect(err.kind).toBe('auth');
    expect(err.message).toContain('VKMP_SERVICE_TOKEN');
  });

  it('reads the token from the environment when not passed', async () => {
    const res = await new InfraApiClient({ baseUrl: emu.baseUrl, env: { VKMP_SERVICE_TOKEN: tokens.service } }).uploadProduct({ bytes: makePackage().zip });
    expect(res.status).toBe(204);
  });

  it('rejects a zip that is not a package with 400 and diagnostics from the minimal check', async () => {
    const err = await caught(client().uploadProduct({ bytes: Buffer.from('definitely not a zip archive') }));
    expect(err.kind).toBe('rejected');
    expect(err.status).toBe(400);
    expect(err.attempts).toBe(1);
    expect(err.diagnostics).toEqual([expect.objectContaining({ code: 'EMU-ZIP', severity: 'error' })]);
    expect(err.message).toContain('EMU-ZIP');
  });

  it('retries HTTP 500 and then succeeds, counting attempts', async () => {
    emu.setFaults({ fail5xxCount: 2 });
    const before = emu.state().stats;
    const retries: RetryInfo[] = [];
    const res = await client({ onRetry: (r) => retries.push(r) }).uploadProduct({ bytes: makePackage().zip });
    expect(res.status).toBe(204);
    expect(res.attempts).toBe(3);
    expect(retries.map((r) => [r.attempt, r.reason, r.status, r.kind])).toEqual([
      [1, 'HTTP 500', 500, 'transient'],
      [2, 'HTTP 500', 500, 'transient'],
    ]);
    const after = emu.state().stats;
    expect(after.failedInjected - before.failedInjected).toBe(2);
    expect(after.byRoute['POST /product']! - before.byRoute['POST /product']!).toBe(3);
  });

  it('gives up on persistent 5xx with kind transient', async () => {
    emu.setFaults({ fail5xxCount: 10, failStatus: 503 });
    const err = await caught(client({ retries: 2 }).uploadProduct({ bytes: makePackage().zip }));
    expect(err.kind).toBe('transient');
    expect(err.status).toBe(503);
    expect(err.attempts).toBe(3);
    expect(err.message).toMatch(/HTTP 503.*gave up after 3 attempts/);
  });

  it('re-sends the file after a connection dropped mid-upload', async () => {
    const pkg = makePackage();
    const path = join(dir, 'drop.zip');
    await writeFile(path, pkg.zip);
    emu.setFaults({ dropConnectionCount: 1 });
    const retries: RetryInfo[] = [];
    const attempts: number[] = [];
    const res = await client({ onRetry: (r) => retries.push(r) }).uploadProduct({ path }, { onProgress: (p) => attempts.push(p.attempt) });
    expect(res.attempts).toBe(2);
    expect(res.sha256).toBe(sha256(pkg.zip));
    expect(retries).toHaveLength(1);
    expect(retries[0]!.kind).toBe('network');
    expect(new Set(attempts)).toEqual(new Set([1, 2]));
    const entry = emu.state().uploads.find((u) => u.id === res.emulatorUploadId)!;
    expect(entry.sha256).toBe(sha256(pkg.zip));
  });

  it('reports a clear network error when the connection keeps dropping', async () => {
    emu.setFaults({ dropConnectionCount: 50 });
    const err = await caught(client({ retries: 2 }).uploadProduct({ bytes: makePackage().zip }));
    expect(err.kind).toBe('network');
    expect(err.attempts).toBe(3);
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/^POST \/product: connection to 127\.0\.0\.1:\d+ was closed mid-request \(\w+\) \(gave up after 3 attempts\)$/);
    emu.setFaults({});
  });

  it('honours Retry-After in seconds and caps it', async () => {
    emu.setFaults({ fail5xxCount: 1, failStatus: 429, retryAfter: '0' });
    const retries: RetryInfo[] = [];
    // A huge backoff base proves the wait came from Retry-After: 0, not from the backoff.
    const res = await client({ retryBaseDelayMs: 3_600_000, retryMaxDelayMs: 3_600_000, onRetry: (r) => retries.push(r) }).uploadProduct({ bytes: makePackage().zip });
    expect(res.attempts).toBe(2);
    expect(retries).toEqual([expect.objectContaining({ status: 429, delayMs: 0, fromRetryAfter: true, reason: 'HTTP 429' })]);

    emu.setFaults({ fail5xxCount: 1, failStatus: 503, retryAfter: '120' });
    const capped: RetryInfo[] = [];
    await client({ maxRetryAfterMs: 20, onRetry: (r) => capped.push(r) }).uploadProduct({ bytes: makePackage().zip });
    expect(capped).toEqual([expect.objectContaining({ status: 503, delayMs: 20, fromRetryAfter: true })]);
  });

  it('honours Retry-After given as an HTTP date', async () => {
    emu.setFaults({ fail5xxCount: 1, failStatus: 503, retryAfter: new Date(Date.now() - 60_000).toUTCString() });
    const retries: RetryInfo[] = [];
    await client({ retryBaseDelayMs: 3_600_000, retryMaxDelayMs: 3_600_000, onRetry: (r) => retries.push(r) }).uploadProduct({ bytes: makePackage().zip });
    expect(retries).toEqual([expect.objectContaining({ delayMs: 0, fromRetryAfter: true })]);
  });

  it('refuses a package over 30 MB before sending anything', async () => {
    const path = join(dir, 'big.zip');
    await writeFile(path, '');
    await truncate(path, 30 * 1048576 + 1);
    const before = emu.state().stats.requests;
    const err = await caught(client().uploadProduct({ path }));
    expect(err.kind).toBe('too-large');
    expect(err.status).toBeUndefined();
    expect(err.message).toContain('API-004');
    expect(err.message).toContain('31457281 bytes');
    expect(emu.state().stats.requests).toBe(before);
  });

  it('rejects a missing file before sending anything', async () => {
    const err = await caught(client().uploadProduct({ path: join(dir, 'nope.zip') }));
    expect(err.kind).toBe('rejected');
    expect(err.message).toContain('ENOENT');
  });
});

describe('upload with a validatePackage hook', () => {
  it('passes the hook diagnostics through as a 400', async () => {
    const { dir: hookDir, cleanup: done } = await tempDir();
    const diagnostics = [{ code: 'IB-017', severity: 'error', message: 'plan name must use Latin letters', file: 'svc/plans/b1/plan.yaml' }];
    const seen: string[] = [];
    const hookEmu = await emulator(tokens, hookDir, {
      validatePackage: async (zipPath): Promise<PackageVerdict> => {
        seen.push(sha256(await readFile(zipPath)));
        return { ok: false, diagnostics };
      },
    });
    try {
      const zip = makePackage().zip;
      const api = new InfraApiClient({ baseUrl: hookEmu.baseUrl, serviceToken: tokens.service, env: {} });
      const err = await caught(api.uploadProduct({ bytes: zip }));
      expect(err.kind).toBe('rejected');
      expect(err.status).toBe(400);
      expect(err.diagnostics).toEqual(diagnostics);
      expect(err.message).toBe('POST /product was rejected (HTTP 400): IB-017 plan name must use Latin letters');
      expect(seen).toEqual([sha256(zip)]);
      expect(hookEmu.state().uploads).toEqual([expect.objectContaining({ outcome: 'rejected', status: 400, diagnostics })]);
    } finally {
      await hookEmu.close();
      await done();
    }
  });
});

describe('archive', () => {
  it('archives a known revision with 204 and reports an unknown one as not-found', async () => {
    const pkg = makePackage();
    await client().uploadProduct({ bytes: pkg.zip });
    const ok = await client().archive([{ id: pkg.id, revision: pkg.revision }]);
    expect(ok).toEqual({ status: 204, attempts: 1 });
    const state = emu.state();
    expect(state.services.find((s) => s.id === pkg.id)).toMatchObject({ archived: true });
    expect(state.archived).toContainEqual(expect.objectContaining({ id: pkg.id, revision: pkg.revision }));

    const missing = randomUUID();
    const err = await caught(client().archive([{ id: missing, revision: '1' }]));
    expect(err.kind).toBe('not-found');
    expect(err.status).toBe(404);
    expect(err.attempts).toBe(1);
    expect(err.message).toContain(`${missing}@1`);
  });

  it('validates the request before sending', async () => {
    const err = await caught(client().archive([]));
    expect(err.kind).toBe('rejected');
    expect(err.status).toBeUndefined();
  });
});

describe('usages', () => {
  const instance = '078621f1-ebe3-4f16-b998-503c487e4bfc';

  it('accepts a postpaid option of an uploaded service with 200', async () => {
    await client().uploadProduct({ bytes: makePackage({ postpaid: ['storage_gb'] }).zip });
    const res = await client().pushUsages({ broker_id: '7', base_date: '2024-05-01T00:00:00Z', usages: [{ instance_uuid: instance, param: 'storage_gb', value: 2.55786 }] });
    expect(res.status).toBe(200);
    expect(emu.state().usages.at(-1)).toMatchObject({ broker_id: '7', base_date: '2024-05-01T00:00:00Z', usages: [{ instance_uuid: instance, param: 'storage_gb', value: 2.55786 }] });
  });

  it('rejects an unknown param with 400 (API-012)', async () => {
    const err = await caught(client().pushUsages({ usages: [{ instance_uuid: instance, param: 'no_such_option', value: 1 }] }));
    expect(err.kind).toBe('rejected');
    expect(err.status).toBe(400);
    expect(err.diagnostics).toEqual([expect.objectContaining({ code: 'API-012' })]);
    expect(err.message).toContain('no_such_option');
  });

  it('rejects the upload key with 401', async () => {
    const err = await caught(client({ usageToken: tokens.service }).pushUsages({ usages: [{ instance_uuid: instance, param: 'storage_gb', value: 1 }] }));
    expect(err.kind).toBe('auth');
    expect(err.status).toBe(401);
    expect(err.attempts).toBe(1);
    expect(err.message).toContain('usage key');
    expect(err.body).toContain('cannot push usages');
    expect(err.message).not.toContain(tokens.service);
  });

  it('refuses malformed reports client-side (API-009/010)', async () => {
    const before = emu.state().stats.requests;
    const err = await caught(
      client().pushUsages({ base_date: '2024-13-01', usages: [{ instance_uuid: 'nope', param: '', value: Number.NaN }] }),
    );
    expect(err.kind).toBe('rejected');
    expect(err.problems).toHaveLength(4);
    expect(err.message).toMatch(/^invalid usage report, not sent: base_date .*\(\+3 more\)$/);
    expect(emu.state().stats.requests).toBe(before);
  });

  it('the emulator also rejects malformed bodies (raw request)', async () => {
    const res = await fetch(`${emu.baseUrl}/usages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-service-token': tokens.usage },
      body: JSON.stringify({ usages: [] }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { diagnostics: Array<{ code: string }> };
    expect(body.diagnostics[0]!.code).toBe('API-009');
  });
});

describe('host handling', () => {
  it('builds the documented prefix and strips a scheme (API-006)', () => {
    expect(new InfraApiClient({ env: {} }).baseUrl).toBe('https://cloud.vk.ru/marketplace/api/infra-api/api/v1-public');
    expect(new InfraApiClient({ host: 'https://cloud.vk.com/', env: {} }).baseUrl).toBe('https://cloud.vk.com/marketplace/api/infra-api/api/v1-public');
    expect(() => new InfraApiClient({ host: 'cloud.vk.ru/path', env: {} })).toThrow(/invalid Infra API host/);
  });

  it('reports connection refused as a network error after retries', async () => {
    const { startEmulator } = await import('../../packages/infra-api/src/index.js');
    const { dir: d, cleanup: c } = await tempDir();
    const tmp = await startEmulator({ dataDir: d, serviceTokens: [], usageTokens: [], authTokens: [] });
    const baseUrl = tmp.baseUrl;
    await tmp.close();
    await c();
    const retries: RetryInfo[] = [];
    const api = new InfraApiClient({ baseUrl, serviceToken: 'x', env: {}, retries: 1, retryBaseDelayMs: 1, onRetry: (r) => retries.push(r) });
    const err = await caught(api.archive([{ id: randomUUID(), revision: '1' }]));
    expect(err.kind).toBe('network');
    expect(err.code).toBe('ECONNREFUSED');
    expect(err.attempts).toBe(2);
    expect(retries).toHaveLength(1);
  });

  it('times out slow answers and retries them', async () => {
    emu.setFaults({ delayMs: 300 });
    const retries: RetryInfo[] = [];
    const err = await caught(client({ timeoutMs: 50, retries: 1, onRetry: (r) => retries.push(r) }).archive([{ id: randomUUID(), revision: '1' }]));
    emu.setFaults({});
    expect(err.kind).toBe('timeout');
    expect(err.attempts).toBe(2);
    expect(err.message).toBe('POST /product/archive: no complete response within 50 ms (gave up after 2 attempts)');
    expect(retries.map((r) => r.kind)).toEqual(['timeout']);
  });
});
