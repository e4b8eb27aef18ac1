/**
 * `vkmp emulator` as a process: prints its base URL (and generated tokens only when the
 * environment has none), checks uploads with vkmp's reader and rules, serves `vkmp deploy`,
 * and stops cleanly on SIGTERM and SIGINT with its state kept in the data directory.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InfraApiClient, InfraApiError } from '@vkmp/infra-api';
import { cliBin, removeDir, repoRoot, tempDir } from '../helpers.js';
import { makePackage } from '../infra-api/helpers.js';
import { copyExample, makeTokens, tokenEnv, vkmp } from './helpers.js';

const dirs: string[] = [];
const children: ChildProcessWithoutNullStreams[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  dirs.forEach(removeDir);
});

interface Running {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Starts `vkmp emulator` and resolves once its first output line is complete. */
function start(args: string[], env: Record<string, string | undefined>): Promise<Running> {
  const child = spawn(process.execPath, [cliBin, 'emulator', ...args], {
    cwd: repoRoot,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, CI: undefined, VKMP_SERVICE_TOKEN: undefined, VKMP_USAGE_TOKEN: undefined, VKMP_AUTH_TOKEN: undefined, ...env },
  });
  children.push(child);
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const ready = () => resolve({ child, stdout: () => out, stderr: () => err, exited });
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('Press Ctrl+C') || (args.includes('--json') && out.includes('\n'))) ready();
    });
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    void exited.then((code) => (out.includes('\n') ? undefined : reject(new Error(`emulator exited with ${code}: ${err}`))));
  });
}

describe('vkmp emulator', () => {
  it('generates tokens when none are set, runs vkmp deploy and the core package check, stops on SIGTERM', async () => {
    const dataDir = tempDir('vkmp-emu-cmd-');
    dirs.push(dataDir);
    const emu = await start(['--port', '0', '--data-dir', dataDir, '--json'], {});
    const info = JSON.parse(emu.stdout().split('\n')[0]!);
    expect(info).toMatchObject({ command: 'emulator', ok: true, validator: 'vkmp', tokens_from_env: [], data_dir: dataDir });
    expect(info.base_url).toBe(`${info.url}/marketplace/api/infra-api/api/v1-public`);
    expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const generated = info.generated_tokens as Record<string, string>;
    expect(Object.keys(generated)).toEqual(['VKMP_SERVICE_TOKEN', 'VKMP_USAGE_TOKEN', 'VKMP_AUTH_TOKEN']);

    const project = copyExample('image-based-app', 'vkmp-emu-cmd-gitea-');
    dirs.push(project);
    const deployed = await vkmp(['deploy', '--base-url', info.base_url, '--yes'], project, generated);
    expect(deployed.code, deployed.stderr).toBe(0);
    const again = await vkmp(['deploy', '--base-url', info.base_url, '--yes'], project, generated);
    expect(again.stdout).toContain('nothing was sent');

    // A package made in the test breaks vkmp's rules: 400 with rule IDs from the core reader.
    const client = new InfraApiClient({ baseUrl: info.base_url, serviceToken: generated.VKMP_SERVICE_TOKEN, env: {}, retries: 0 });
    const error = await client.uploadProduct({ bytes: makePackage({ name: 'tiny' }).zip }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(InfraApiError);
    expect((error as InfraApiError).status).toBe(400);
    expect(((error as InfraApiError).diagnostics as { code: string }[]).some((d) => /^IB-\d{3}$/.test(d.code))).toBe(true);

    const state = (await (await fetch(`${info.url}/__emulator/state`)).json()) as { uploads: { outcome: string }[] };
    expect(state.uploads.map((u) => u.outcome)).toEqual(['accepted', 'rejected']);
    emu.child.kill('SIGTERM');
    expect(await emu.exited).toBe(0);
    expect(emu.stderr()).toContain('emulator stopped (SIGTERM)');
    expect(JSON.parse(readFileSync(join(dataDir, 'state.json'), 'utf8')).uploads).toHaveLength(2);
  });

  it('uses the tokens from the environment without printing them, and stops on SIGINT', async () => {
    const tokens = makeTokens();
    const dataDir = tempDir('vkmp-emu-cmd-');
    dirs.push(dataDir);
    const emu = await start(['--port', '0', '--data-dir', dataDir], tokenEnv(tokens));
    expect(emu.stdout()).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(emu.stdout()).toContain('tokens from the environment: VKMP_SERVICE_TOKEN, VKMP_USAGE_TOKEN, VKMP_AUTH_TOKEN');
    expect(emu.stdout()).toContain('package check: vkmp rules');
    expect(emu.stdout()).not.toContain('generated');
    emu.child.kill('SIGINT');
    expect(await emu.exited).toBe(0);
    for (const t of Object.values(tokens)) expect(`${emu.stdout()}${emu.stderr()}`).not.toContain(t);
    expect(existsSync(join(dataDir, '.gitignore'))).toBe(false);
  });

  it('a bad or busy port fails with exit 1 and a clear message', async () => {
    const bad = await vkmp(['emulator', '--port', 'http'], repoRoot);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--port http: give a port number from 0 to 65535');
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    try {
      const dataDir = tempDir('vkmp-emu-cmd-');
      dirs.push(dataDir);
      const busy = await vkmp(['emulator', '--port', String(port), '--data-dir', dataDir], repoRoot);
      expect(busy.code).toBe(1);
      expect(busy.stderr).toContain(`port ${port} on 127.0.0.1 is in use`);
      expect(busy.stderr).not.toMatch(/\n\s+at /);
    } finally {
      server.close();
    }
  });
});
