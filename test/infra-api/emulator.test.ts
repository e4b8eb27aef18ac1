import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InfraApiClient,
  InfraApiError,
  MAX_PACKAGE_BYTES,
  minimalValidatePackage,
  startEmulator,
  type EmulatorHandle,
  type EmulatorStateView,
  type TestObjectStatus,
} from '../../packages/infra-api/src/index.js';
import { emulator, makePackage, makeTokens, makeZip, manifest, tempDir } from './helpers.js';

const tokens = makeTokens();
let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterAll(async () => {
  await cleanup();
});

function api(emu: EmulatorHandle): InfraApiClient {
  return new InfraApiClient({
    baseUrl: emu.baseUrl,
    serviceToken: tokens.service,
    usageToken: tokens.usage,
    authToken: tokens.auth,
    env: {},
    retryBaseDelayMs: 1,
    retryMaxDelayMs: 5,
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

async function getState(emu: EmulatorHandle): Promise<EmulatorStateView> {
  const res = await fetch(`${emu.url}/__emulator/state`);
  expect(res.status).toBe(200);
  return (await res.json()) as EmulatorStateView;
}

/** Sends a raw multipart upload whose file part is `zipBytes` zero bytes, streamed in 1 MiB chunks. */
function rawUpload(emu: EmulatorHandle, zipBytes: number, field = 'upload'): Promise<{ status: number; body: string }> {
  const boundary = 'raw-boundary-1234';
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="big.zip"\r\nContent-Type: application/zip\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const url = new URL(`${emu.baseUrl}/product`);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: {
          'x-service-token': tokens.service,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': String(head.length + zipBytes + tail.length),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    const chunk = Buffer.alloc(1048576);
    let left = zipBytes;
    req.write(head);
    const pump = (): void => {
      while (left > 0) {
        const n = Math.min(left, chunk.length);
        left -= n;
        if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
          req.once('drain', pump);
          return;
        }
      }
      req.end(tail);
    };
    pump();
  });
}

describe('emulator upload endpoint', () => {
  let emu: EmulatorHandle;
  beforeAll(async () => {
    emu = await emulator(tokens, join(dir, 'upload'));
  });
  afterAll(async () => {
    await emu.close();
  });

  it('enforces the 30 MB limit server-side while streaming (raw multipart, no client check)', async () => {
    const res = await rawUpload(emu, MAX_PACKAGE_BYTES + 1);
    expect(res.status).toBe(400);
    const body = JSON.parse(res.body) as { error: string; diagnostics: Array<{ code: string }> };
    expect(body.error).toBe('too-large');
    expect(body.diagnostics[0]!.code).toBe('API-004');
    const state = await getState(emu);
    expect(state.uploads.at(-1)).toMatchObject({ outcome: 'too-large', status: 400, size: MAX_PACKAGE_BYTES + 1 });
    expect(state.uploads.at(-1)!.sha256).toBeUndefined();
    expect(await readdir(join(dir, 'upload', 'packages'))).toEqual([]);
    expect(await readdir(join(dir, 'upload', 'tmp'))).toEqual([]);
  }, 60_000);

  it('requires the part named "upload" (API-003)', async () => {
    const res = await rawUpload(emu, 100, 'file');
    expect(res.status).toBe(400);
    expect(res.body).toContain('no file part named \\"upload\\"');
    expect((await getState(emu)).uploads.at(-1)).toMatchObject({ outcome: 'malformed' });
  });

  it('answers 400 to a body that is not multipart', async () => {
    const res = await fetch(`${emu.baseUrl}/product`, {
      method: 'POST',
      headers: { 'x-service-token': tokens.service, 'content-type': 'application/zip' },
      body: new Uint8Array(makePackage().zip),
    });
    expect(res.status).toBe(400);
  });

  it('answers 401 with a missing token and never echoes tokens', async () => {
    const res = await fetch(`${emu.baseUrl}/product/archive`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(401);
    const wrong = await fetch(`${emu.baseUrl}/product/archive`, { method: 'POST', headers: { 'x-service-token': 'secret-wrong-value' }, body: '{}' });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain('secret-wrong-value');
  });

  it('answers 404 for unknown endpoints and 405 for wrong methods', async () => {
    expect((await fetch(`${emu.baseUrl}/nope`)).status).toBe(404);
    expect((await fetch(`${emu.url}/other`)).status).toBe(404);
    const res = await fetch(`${emu.baseUrl}/product`, { method: 'GET' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });

  it('arms faults over HTTP and refuses invalid ones', async () => {
    const bad = await fetch(`${emu.url}/__emulator/faults`, { method: 'POST', body: JSON.stringify({ fail5xxCount: -1 }) });
    expect(bad.status).toBe(400);
    const ok = await fetch(`${emu.url}/__emulator/faults`, { method: 'POST', body: JSON.stringify({ fail5xxCount: 1, failStatus: 502 }) });
    expect(ok.status).toBe(204);
    expect((await getState(emu)).faults).toEqual({ fail5xxCount: 1, failStatus: 502 });
    const err = await caught(api(emu).archive([{ id: randomUUID(), revision: '1' }], { retries: 0 }));
    expect(err.status).toBe(502);
    expect((await getState(emu)).faults).toEqual({ fail5xxCount: 0, failStatus: 502 });
    expect(() => emu.setFaults({ delayMs: 1.5 })).toThrow(/non-negative integer/);
    emu.setFaults({});
  });
});

describe('deployment-system test API', () => {
  let emu: EmulatorHandle;
  let slow: EmulatorHandle;
  beforeAll(async () => {
    emu = await emulator(tokens, join(dir, 'hoe'), { testObjectTransitionMs: 20 });
    slow = await emulator(tokens, join(dir, 'hoe-slow'), { testObjectTransitionMs: 3_600_000 });
  });
  afterAll(async () => {
    await emu.close();
    await slow.close();
  });

  async function waitFor(client: InfraApiClient, uuid: string, status: TestObjectStatus['status']): Promise<TestObjectStatus> {
    for (;;) {
      const s = await client.getTestObject(uuid);
      if (s.status === status) return s;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it('stores manifests and keeps previous versions', async () => {
    const c = api(emu);
    expect(await c.putManifest('test_1.0', manifest(1, 'v1'))).toEqual({ status: 201, attempts: 1 });
    expect(await c.getManifest('test_1.0')).toBe(manifest(1, 'v1'));
    await c.putManifest('test_1.0', manifest(2, 'v2'));
    expect(await c.getManifest('test_1.0')).toBe(manifest(2, 'v2'));
    const m = (await getState(emu)).manifests.find((x) => x.name === 'test_1.0')!;
    expect(m.versions.map((v) => v.version)).toEqual([1, 2]);
    const err = await caught(c.getManifest('missing'));
    expect(err.kind).toBe('not-found');
    expect(err.message).toBe('GET /hoe/config/missing: manifest "missing" not found (HTTP 404)');
  });

  it('requires the Keystone token', async () => {
    const err = await caught(new InfraApiClient({ baseUrl: emu.baseUrl, authToken: tokens.service, env: {} }).getManifest('test_1.0'));
    expect(err.kind).toBe('auth');
    expect(err.message).toContain('Keystone API token');
  });

  it('moves a test object applying → running → deleted and logs each step', async () => {
    const c = api(emu);
    await c.putManifest('life', manifest(2));
    const uuid = randomUUID();
    expect(await c.createTestObject({ uuid, config: 'life', vars: { flavor_uuid: 'f-1' } })).toEqual({ status: 201, attempts: 1 });
    const running = await waitFor(c, uuid, 'running');
    expect(running).toMatchObject({
      uuid,
      target_status: 'running',
      status: 'running',
      vars: { flavor_uuid: 'f-1' },
      out: '{}',
      full_deployed: true,
      attempts: 0,
      max_attempts: 15,
      conf_name: 'vendor@emulator.local',
    });
    expect(running.conf_hash).toMatch(/^[0-9a-f]{32}$/);
    const logs = await c.instanceLogs(uuid);
    expect(logs.map((l) => l.message)).toContain(' Apply complete! Resources: 2 added, 0 changed, 0 destroyed. ');
    for (const l of logs) {
      expect(l).toEqual({ message: expect.any(String), src: expect.any(String), level: expect.any(String), created_at: expect.stringMatching(/Z$/), uuid, broker_id: '' });
    }

    expect(await c.deleteTestObject(uuid)).toEqual({ status: 201, attempts: 1 });
    const deleted = await waitFor(c, uuid, 'deleted');
    expect(deleted).toMatchObject({ target_status: 'deleted', status: 'deleted', full_deployed: false });
    expect((await c.instanceLogs(uuid)).map((l) => l.message)).toContain(' Destroy complete! Resources: 2 destroyed. ');
  });

  it('stays applying until the transition time has passed', async () => {
    const c = api(slow);
    await c.putManifest('slow', manifest(1));
    const uuid = randomUUID();
    await c.createTestObject({ uuid, config: 'slow', vars: {} });
    expect(await c.getTestObject(uuid)).toMatchObject({ status: 'applying', target_status: 'running', full_deployed: false });
    await c.deleteTestObject(uuid);
    expect(await c.getTestObject(uuid)).toMatchObject({ status: 'applying', target_status: 'deleted' });
  });

  it('rejects bad objects and unknown UUIDs', async () => {
    const c = api(emu);
    const unknownConfig = await caught(c.createTestObject({ uuid: randomUUID(), config: 'never-uploaded', vars: {} }));
    expect(unknownConfig.kind).toBe('rejected');
    expect(unknownConfig.status).toBe(400);
    expect(unknownConfig.message).toBe('POST /hoe/object was rejected (HTTP 400): manifest "never-uploaded" has not been uploaded (POST /hoe/config/never-uploaded first)');
    const missing = randomUUID();
    expect((await caught(c.getTestObject(missing))).kind).toBe('not-found');
    expect((await caught(c.deleteTestObject(missing))).kind).toBe('not-found');
    expect((await caught(c.instanceLogs(missing))).kind).toBe('not-found');
    const badUuid = await caught(c.createTestObject({ uuid: 'not-a-uuid', config: 'life', vars: {} }));
    expect(badUuid.status).toBeUndefined();
    expect(badUuid.problems).toEqual(['uuid must be a UUID4 string']);
  });
});

describe('persistence', () => {
  it('keeps uploads, services, manifests, objects and usages across a restart', async () => {
    const dataDir = join(dir, 'persist');
    const pkg = makePackage({ postpaid: ['traffic'] });
    const uuid = randomUUID();
    let emu = await emulator(tokens, dataDir, { testObjectTransitionMs: 0 });
    let c = api(emu);
    await c.uploadProduct({ bytes: pkg.zip });
    await c.putManifest('keep', manifest(1));
    await c.createTestObject({ uuid, config: 'keep', vars: { a: 1 } });
    await c.pushUsages({ usages: [{ instance_uuid: uuid, param: 'traffic', value: 3 }] });
    const before = emu.state();
    await emu.close();

    emu = await emulator(tokens, dataDir, { testObjectTransitionMs: 0 });
    c = api(emu);
    try {
      const after = await getState(emu);
      expect(after.uploads).toEqual(before.uploads);
      expect(after.services).toEqual(before.services);
      expect(after.usages).toEqual(before.usages);
      expect(after.manifests).toEqual(before.manifests);
      expect(after.objects.map((o) => o.status.uuid)).toEqual([uuid]);
      expect(await c.getManifest('keep')).toBe(manifest(1));
      expect(await c.getTestObject(uuid)).toMatchObject({ status: 'running', vars: { a: 1 } });
      const again = await c.uploadProduct({ bytes: pkg.zip });
      expect(again.emulatorOutcome).toBe('ignored');
      await c.pushUsages({ usages: [{ instance_uuid: uuid, param: 'traffic', value: 1 }] });
    } finally {
      await emu.close();
    }
  });

  it('refuses a corrupt state file with a clear error', async () => {
    const dataDir = join(dir, 'corrupt');
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(dataDir, { recursive: true });
    await writeFile(join(dataDir, 'state.json'), '{ nope');
    await expect(emulator(tokens, dataDir)).rejects.toThrow(/not valid JSON/);
  });

  it('binds to loopback only', async () => {
    await expect(startEmulator({ host: '0.0.0.0', dataDir: join(dir, 'any'), serviceTokens: [], usageTokens: [], authTokens: [] })).rejects.toThrow(/loopback/);
  });
});

describe('minimal package check', () => {
  async function verdictOf(zip: Buffer): ReturnType<typeof minimalValidatePackage> {
    const { writeFile } = await import('node:fs/promises');
    const path = join(dir, `${randomUUID()}.zip`);
    await writeFile(path, zip);
    return minimalValidatePackage(path);
  }

  it('reads identity, plans and postpaid options', async () => {
    const pkg = makePackage({ revision: 'r-2', postpaid: ['traffic', 'storage'] });
    expect(await verdictOf(pkg.zip)).toEqual({
      ok: true,
      service: {
        id: pkg.id,
        revision: 'r-2',
        name: 'test_service',
        plans: [{ id: '9d2c8e51-7f3a-4b6c-9e1d-2a4f6b8c0d13', revision: '1', name: 'basic' }],
        postpaidOptions: ['storage', 'traffic'],
      },
    });
  });

  it('requires a single root directory with service.yaml (H-04)', async () => {
    const loose = makeZip([{ name: 'service.yaml', data: Buffer.from('id: x\nrevision: 1\nname: y\n') }]);
    expect(await verdictOf(loose)).toMatchObject({ ok: false, diagnostics: [{ code: 'EMU-LAYOUT' }] });
    const noService = makeZip([{ name: 'svc/version.yaml', data: Buffer.from('version: 0.0.1\n') }]);
    expect(await verdictOf(noService)).toMatchObject({ ok: false, diagnostics: [{ code: 'EMU-LAYOUT', file: 'svc/service.yaml' }] });
  });

  it('reports missing fields and corrupt entries', async () => {
    const noRevision = makeZip([{ name: 'svc/service.yaml', data: Buffer.from('id: abc\nname: svc\n') }]);
    expect(await verdictOf(noRevision)).toMatchObject({ ok: false, diagnostics: [{ code: 'EMU-FIELD', message: 'service.yaml has no "revision"' }] });
    const good = makePackage().zip;
    const corrupt = Buffer.from(good);
    const at = corrupt.indexOf(Buffer.from('service.yaml')) + 'service.yaml'.length;
    corrupt[at + 5] = corrupt[at + 5]! ^ 0xff;
    const verdict = await verdictOf(corrupt);
    expect(verdict.ok).toBe(false);
  });
});
