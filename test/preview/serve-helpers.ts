/** Helpers for tests of `vkmp preview --serve` through the real CLI. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { cliBin, removeDir, repoRoot, tempDir } from '../helpers.js';

export const dirs: string[] = [];
export const children: ChildProcessWithoutNullStreams[] = [];
/** Kills what is still running and removes the temp copies (call in afterAll). */
export function cleanup(): void {
  for (const c of children) if (c.exitCode === null && c.pid) process.kill(c.pid, 'SIGKILL');
  dirs.forEach(removeDir);
}

/** A copy of examples/vk-testers under test/.tmp (so @vkmp/sdk resolves) that tests may edit. */
export function exampleCopy(): string {
  const dir = tempDir('preview-serve-');
  dirs.push(dir);
  const src = join(repoRoot, 'examples', 'vk-testers');
  cpSync(join(src, 'vkmp.config.ts'), join(dir, 'vkmp.config.ts'));
  cpSync(join(src, 'services'), join(dir, 'services'), { recursive: true });
  return dir;
}

export interface Served {
  child: ChildProcessWithoutNullStreams;
  url: string;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

/** Starts `vkmp preview --serve --port 0` and waits for the URL it prints. */
export function serve(cwd: string, extra: string[] = []): Promise<Served> {
  const child = spawn(process.execPath, [cliBin, 'preview', '--serve', '--port', '0', ...extra], { cwd, env: { ...process.env, NO_COLOR: '1' } });
  children.push(child);
  let out = '';
  let err = '';
  const exit = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed in 30 s\nstdout: ${out}\nstderr: ${err}`)), 30_000);
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /serving (http:\/\/127\.0\.0\.1:\d+\/)[\s\S]*\nwatching \d+ files? /.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1], stdout: () => out, stderr: () => err, exit });
      }
    });
    void exit.then((code) => reject(new Error(`exited with ${code} before serving\nstdout: ${out}\nstderr: ${err}`)));
  });
}

export async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

