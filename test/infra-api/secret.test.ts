import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { format, inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfraApiClient, InfraApiError, MissingSecretError, Secret, redact } from '../../packages/infra-api/src/index.js';

const TOKEN = 'tok-7f3a9c2e-very-secret-value';

describe('Secret', () => {
  it('never renders its value', () => {
    const s = new Secret(TOKEN);
    const renderings = [
      String(s),
      `${s}`,
      'x' + s,
      s.toString(),
      JSON.stringify(s),
      JSON.stringify({ token: s, nested: [s] }),
      inspect(s),
      inspect({ deep: { token: s } }, { depth: 10, showHidden: true }),
      format('%s %o %O %j', s, s, { s }, { s }),
    ];
    for (const r of renderings) {
      expect(r).not.toContain(TOKEN);
      expect(r).toContain('[redacted]');
    }
    expect(s.reveal()).toBe(TOKEN);
  });

  it('reads from the environment and names the variable when it is missing', () => {
    const env = { VKMP_SERVICE_TOKEN: `  ${TOKEN}\n`, OTHER: 'other-secret-value' };
    const s = Secret.fromEnv('VKMP_SERVICE_TOKEN', env);
    expect(s.reveal()).toBe(TOKEN);
    expect(s.source).toBe('VKMP_SERVICE_TOKEN');

    for (const bad of [{}, { VKMP_USAGE_TOKEN: '' }, { VKMP_USAGE_TOKEN: '   ' }]) {
      let err: unknown;
      try {
        Secret.fromEnv('VKMP_USAGE_TOKEN', { ...bad, OTHER: 'other-secret-value' });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(MissingSecretError);
      expect((err as Error).message).toContain('VKMP_USAGE_TOKEN');
      expect((err as Error).message).not.toContain('other-secret-value');
    }
  });

  it('compares without revealing', () => {
    const s = new Secret(TOKEN);
    expect(s.equals(TOKEN)).toBe(true);
    expect(s.equals(new Secret(TOKEN))).toBe(true);
    expect(s.equals('other')).toBe(false);
  });
});

describe('redact', () => {
  it('replaces every occurrence, including URL-encoded forms and overlapping secrets', () => {
    const a = 'abc/def+ghi';
    const b = 'abc/def+ghi-longer';
    const text = `one ${a} two ${encodeURIComponent(a)} three ${b}`;
    const out = redact(text, [new Secret(a), b, undefined]);
    expect(out).toBe('one [redacted] two [redacted] three [redacted]');
  });

  it('leaves text alone without secrets', () => {
    expect(redact('plain', [])).toBe('plain');
  });
});

describe('client error messages', () => {
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    // A misbehaving server that echoes every request header (including the token) back in
    // its error body and in a Retry-After-free 500/400.
    server = createServer((req, res) => {
      const echo = JSON.stringify({ error: `bad token ${String(req.headers['x-service-token'] ?? req.headers['x-auth-token'])}`, headers: req.headers });
      req.resume();
      req.on('end', () => {
        const status = req.url?.includes('/usages') ? 500 : 400;
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(echo);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/marketplace/api/infra-api/api/v1-public`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('removes tokens echoed back by the server from message, body, JSON and inspect output', async () => {
    const api = new InfraApiClient({ baseUrl, serviceToken: TOKEN, usageToken: `${TOKEN}-usage`, env: {}, retries: 1, retryBaseDelayMs: 1 });
    const errors: InfraApiError[] = [];
    for (const call of [
      () => api.archive([{ id: '078621f1-ebe3-4f16-b998-503c487e4bfc', revision: '1' }]),
      () => api.pushUsages({ usages: [{ instance_uuid: '078621f1-ebe3-4f16-b998-503c487e4bfc', param: 'x', value: 1 }] }),
      () => api.uploadProduct({ bytes: Buffer.from('zip') }),
    ]) {
      try {
        await call();
      } catch (e) {
        errors.push(e as InfraApiError);
      }
    }
    expect(errors).toHaveLength(3);
    for (const err of errors) {
      expect(err).toBeInstanceOf(InfraApiError);
      const surfaces = [err.message, err.body ?? '', JSON.stringify(err), inspect(err, { depth: 10 }), String(err), err.stack ?? ''];
      for (const s of surfaces) expect(s).not.toContain(TOKEN);
      expect(err.body).toContain('[redacted]');
    }
    expect(errors[1]!.kind).toBe('transient');
    expect(errors[1]!.attempts).toBe(2);
  });

  it('does not expose tokens when the client itself is printed', () => {
    const api = new InfraApiClient({ baseUrl, serviceToken: TOKEN, env: {} });
    expect(inspect(api, { depth: 10, showHidden: true })).not.toContain(TOKEN);
    expect(JSON.stringify(api)).not.toContain(TOKEN);
  });

  it('does not expose tokens taken from the environment', async () => {
    const api = new InfraApiClient({ baseUrl, env: { VKMP_AUTH_TOKEN: TOKEN }, retries: 0 });
    let err: InfraApiError | undefined;
    try {
      await api.getManifest('x');
    } catch (e) {
      err = e as InfraApiError;
    }
    expect(err?.status).toBe(400);
    expect(JSON.stringify(err)).not.toContain(TOKEN);
    expect(err?.message).not.toContain(TOKEN);
  });
});
