/**
 * `vkmp preview` through the real CLI: written pages, bad input, and `--serve` (a free port
 * on 127.0.0.1, rebuild on a source change, live-reload events, an error page while the
 * project is broken, clean stop).
 */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliBin, repoRoot, runCli, tempDir } from '../helpers.js';
import { children, cleanup, dirs, exampleCopy, serve, until } from './serve-helpers.js';

afterAll(cleanup);

/** Reads a server-sent-events stream, collecting the events it receives. */
function events(url: string): { received: string[]; close: () => void; opened: Promise<void> } {
  const controller = new AbortController();
  const received: string[] = [];
  const opened = fetch(url, { signal: controller.signal }).then(async (res) => {
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          for (const m of decoder.decode(value).matchAll(/event: (\w+)/g)) received.push(m[1]);
        }
      } catch {
        // aborted
      }
    })();
  });
  return { received, close: () => controller.abort(), opened };
}

describe('vkmp preview (write)', () => {
  it('writes index.html and one page per service, atomically and deterministically, and prints the paths', async () => {
    const dir = exampleCopy();
    const r = await runCli(['preview'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`wrote ${join('dist', 'preview', 'VKT.html')} (`);
    expect(r.stdout).toContain(`wrote ${join('dist', 'preview', 'index.html')} (`);
    expect(r.stdout).toMatch(/preview ok: 0 errors, \d+ warnings?\n$/);
    expect(readdirSync(join(dir, 'dist', 'preview')).sort()).toEqual(['VKT.html', 'index.html']);
    expect(readdirSync(join(dir, 'dist')).filter((f) => f.startsWith('.'))).toEqual([]);
    const first = readFileSync(join(dir, 'dist', 'preview', 'VKT.html'));
    expect(first.toString()).toContain('<h1>VK Testers</h1>');
    expect(readFileSync(join(dir, 'dist', 'preview', 'index.html'), 'utf8')).toContain('<a href="VKT.html">VK Testers</a>');
    const again = await runCli(['preview', '--out', 'other'], { cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(join(dir, 'other', 'VKT.html')).equals(first)).toBe(true);
  });

  it('--json lists the outputs', async () => {
    const dir = exampleCopy();
    const r = await runCli(['preview', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { format_version: string; command: string; ok: boolean; outputs: { path: string }[] };
    expect(doc).toMatchObject({ format_version: '1', command: 'preview', ok: true });
    expect(doc.outputs.map((o) => o.path)).toEqual([join('dist', 'preview', 'VKT.html'), join('dist', 'preview', 'index.html')]);
  });

  it('no config: a clear message and exit 1', async () => {
    const dir = tempDir('preview-empty-');
    dirs.push(dir);
    for (const args of [['preview'], ['preview', '--serve', '--port', '0']]) {
      const r = await runCli(args, { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/LOAD-001: No vkmp\.config\.ts found/);
    }
  });

  it('a project with errors: diagnostics, nothing written, exit 1', async () => {
    const dir = exampleCopy();
    const svc = join(dir, 'services', 'vk-testers', 'service.ts');
    writeFileSync(svc, readFileSync(svc, 'utf8').replace("serviceName: 'VKT',", "serviceName: 'VKT',\n  id2: 1,"));
    const r = await runCli(['preview'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error/);
    expect(r.stderr).toMatch(/preview failed: \d+ errors?, \d+ warnings?; nothing was written\./);
    expect(readdirSync(dir)).not.toContain('dist');
  });

  it('bad flags: exit 1 with a message', async () => {
    const dir = exampleCopy();
    const cases: [string[], RegExp][] = [
      [['preview', '--port', '80'], /--port applies only with --serve/],
      [['preview', '--serve', '--port', 'x'], /--port must be an integer 0–65535, got "x"/],
      [['preview', '--serve', '--port', '70000'], /--port must be an integer 0–65535/],
      [['preview', '--serve', '--out', 'x'], /--serve keeps the pages in memory/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args, { cwd: dir });
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(message);
    }
  });
});

describe('vkmp preview --serve', () => {
  it('serves the pages, rebuilds on a source change, sends a reload event, shows errors, stops cleanly', async () => {
    const dir = exampleCopy();
    const s = await serve(dir);
    expect(s.stdout()).toContain(`${s.url}VKT.html`);

    const page = await fetch(`${s.url}VKT.html`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).toContain('<h1>VK Testers</h1>');
    expect(html).toContain('data-live-reload="/__vkmp/events"');
    expect(html).toContain("connect-src 'self'");
    expect((await fetch(s.url)).status).toBe(200);
    expect((await fetch(`${s.url}nope.html`)).status).toBe(404);
    expect((await fetch(s.url, { method: 'POST' })).status).toBe(405);

    const sse = events(`${s.url}__vkmp/events`);
    await sse.opened;

    // Edit the service: the page changes and open pages are told to reload.
    const svc = join(dir, 'services', 'vk-testers', 'service.ts');
    const original = readFileSync(svc, 'utf8');
    writeFileSync(svc, original.replace("name: 'VK Testers',", "name: 'VK Testers Pro',"));
    await until('the renamed page', async () => ((await (await fetch(`${s.url}VKT.html`)).text()).includes('<h1>VK Testers Pro</h1>') ? true : undefined));
    await until('a reload event', async () => (sse.received.includes('reload') ? true : undefined));

    // The Markdown description is watched too.
    const md = join(dir, 'services', 'vk-testers', 'full_description.md');
    writeFileSync(md, `${readFileSync(md, 'utf8')}\n\nNew paragraph from the test.\n`);
    await until('the new description', async () => ((await (await fetch(`${s.url}VKT.html`)).text()).includes('New paragraph from the test.') ? true : undefined));

    // Break it: every page shows the diagnostics (and keeps reloading); the server keeps running.
    writeFileSync(svc, original.replace("name: 'VK Testers',", "name: 'VK Testers',,"));
    const broken = await until('the error page', async () => {
      const r = await fetch(`${s.url}VKT.html`);
      return r.status === 500 ? r.text() : undefined;
    });
    expect(broken).toContain('The project does not build');
    expect(broken).toContain('LOAD-002');
    expect(broken).toContain(join('services', 'vk-testers', 'service.ts'));
    expect(broken).toContain('data-live-reload="/__vkmp/events"');

    // Fix it again.
    writeFileSync(svc, original);
    await until('the fixed page', async () => {
      const r = await fetch(`${s.url}VKT.html`);
      return r.status === 200 && (await r.text()).includes('<h1>VK Testers</h1>') ? true : undefined;
    });
    sse.close();

    s.child.kill('SIGTERM');
    expect(await s.exit).toBe(0);
    expect(s.stderr()).toContain('rebuilt: 2 pages');
    expect(s.stderr()).toContain('build failed; the pages show the errors');
  }, 120_000);

  it('a project that is broken at start is served as an error page, then recovers', async () => {
    const dir = exampleCopy();
    const svc = join(dir, 'services', 'vk-testers', 'service.ts');
    const original = readFileSync(svc, 'utf8');
    writeFileSync(svc, `${original}\nconst = ;\n`);
    const s = await serve(dir);
    expect(s.stdout()).toContain('the project does not build yet');
    expect((await fetch(`${s.url}VKT.html`)).status).toBe(500);
    writeFileSync(svc, original);
    await until('the recovered page', async () => ((await fetch(`${s.url}VKT.html`)).status === 200 ? true : undefined));
    s.child.kill('SIGINT');
    expect(await s.exit).toBe(0);
  });

  it('--json prints one document with the URL, the pages and the diagnostics', async () => {
    const dir = exampleCopy();
    const child = spawn(process.execPath, [cliBin, 'preview', '--serve', '--port', '0', '--json'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
    children.push(child);
    const exit = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const doc = await until('the JSON document', async () => {
      try {
        return JSON.parse(out) as { format_version: string; command: string; ok: boolean; url: string; pages: string[]; diagnostics: { code: string }[] };
      } catch {
        return undefined;
      }
    });
    expect(doc).toMatchObject({ format_version: '1', command: 'preview', ok: true });
    expect(doc.pages).toEqual([`${doc.url}VKT.html`, `${doc.url}index.html`]);
    expect(doc.diagnostics.map((d) => d.code)).toContain('SAAS-010');
    expect((await fetch(doc.pages[0])).status).toBe(200);
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });

  it('a port in use: a clear message and exit 1', async () => {
    const dir = exampleCopy();
    const blocker: Server = createServer();
    await new Promise<void>((done) => blocker.listen(0, '127.0.0.1', () => done()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await runCli(['preview', '--serve', '--port', String(port)], { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`port ${port} on 127.0.0.1 is already in use; choose another with --port (0 picks a free one)`);
    } finally {
      await new Promise<void>((done) => blocker.close(() => done()));
    }
  });
});

describe('vkmp build does not load the preview', () => {
  it('the preview library and its page script live only in the preview command chunk', () => {
    const chunks = join(repoRoot, 'packages', 'cli', 'dist', 'chunks');
    const files = readdirSync(chunks).filter((f) => f.endsWith('.js'));
    const withPreview = files.filter((f) => readFileSync(join(chunks, f), 'utf8').includes('Skip to content'));
    expect(withPreview).toHaveLength(1);
    expect(withPreview[0]).toMatch(/^preview-/);
    const build = files.find((f) => f.startsWith('build-'))!;
    const imports = [...readFileSync(join(chunks, build), 'utf8').matchAll(/from "\.\/([^"]+)"/g)].map((m) => m[1]);
    for (const f of imports) expect(f.startsWith('preview-')).toBe(false);
  });
});
