/**
 * `vkmp deploy` on a terminal (a pseudo-terminal from util-linux `script`): it asks before
 * sending and draws an upload progress bar; "no" sends nothing. With CI=true or --yes it never
 * asks and draws no bar. Skipped where `script` is not installed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatorHandle } from '@vkmp/infra-api';
import { cliBin, removeDir } from '../helpers.js';
import { copyExample, emulator, emulatorState, makeTokens } from './helpers.js';

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
const tokens = makeTokens();
let emu: EmulatorHandle;
let dir: string;

/** Runs the CLI on a pseudo-terminal, typing `input`; resolves with everything the terminal showed. */
function onTty(args: string[], input: string, env: Record<string, string | undefined> = {}): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, cliBin, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, CI: undefined, VKMP_SERVICE_TOKEN: tokens.service, ...env },
    });
    let output = '';
    child.stdout.on('data', (b: Buffer) => {
      output += b.toString();
      if (input && output.includes('[y/N]')) {
        child.stdin.write(input);
        input = '';
      }
    });
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

beforeAll(async () => {
  emu = await emulator(tokens);
  dir = copyExample('image-based-app', 'vkmp-deploy-tty-');
});
afterAll(async () => {
  await emu.close();
  removeDir(dir);
});

describe.skipIf(!hasScript)('vkmp deploy on a terminal', () => {
  it('asks before sending; "n" cancels and nothing is sent', async () => {
    const r = await onTty(['deploy', '--base-url', emu.baseUrl], 'n\n');
    expect(r.code).toBe(1);
    expect(r.output).toContain(`Deploy: upload 1 package to ${emu.baseUrl}? [y/N]`);
    expect(r.output).toContain('deploy cancelled; nothing was sent.');
    expect((await emulatorState(emu)).stats.requests).toBe(0);
  });

  it('"y" deploys with a progress bar', async () => {
    const r = await onTty(['deploy', '--base-url', emu.baseUrl], 'y\n');
    expect(r.code, r.output).toBe(0);
    expect(r.output).toMatch(/uploading gitea\.zip \[[^\]]*\] \d+% \| \d+\/\d+ bytes/);
    expect(r.output).toContain('deployed gitea: uploaded');
    expect(r.output).not.toContain(tokens.service);
    expect((await emulatorState(emu)).uploads.map((u) => u.outcome)).toEqual(['accepted']);
  });

  it('CI=true never asks and draws no progress bar', async () => {
    const file = join(dir, 'services', 'gitea', 'service.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/revision: '1\.0\.0'/g, "revision: '1.0.1'"));
    const r = await onTty(['deploy', '--base-url', emu.baseUrl], '', { CI: 'true' });
    expect(r.code, r.output).toBe(0);
    expect(r.output).not.toContain('[y/N]');
    expect(r.output).not.toContain('uploading gitea.zip');
    expect(r.output).toContain('deployed gitea: uploaded');
    expect((await emulatorState(emu)).uploads.map((u) => u.outcome)).toEqual(['accepted', 'accepted']);
  });
});
