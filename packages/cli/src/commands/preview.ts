/**
 * `vkmp preview`: one self-contained HTML page per service (catalog card, tariff matrix,
 * each plan's wizard with a live price), written atomically to `--out`
 * (default `<outDir>/preview`). `--serve` serves them on 127.0.0.1 from memory, rebuilds
 * when a project file changes and makes open pages reload (server-sent events); while the
 * project does not build, every page shows the diagnostics instead.
 */
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FSWatcher } from 'chokidar';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import {
  compileProject, findConfig, LoadError, sortedEntries, writeTreeAtomic,
  type CompileResult, type Diagnostic, type OutputTree, type ProjectModel,
} from '@vkmp/core';
// The preview library comes from core's source rather than '@vkmp/core' (whose built file is shared by
// every command): esbuild then puts it, with the inlined page script, in this command's chunk only,
// and `vkmp build` never loads it. It is the same code '@vkmp/core' exports.
import { renderPreview, renderPreviewErrorPage } from '../../../core/src/preview/index.js';
import { jsonDocument, printDiagnostics, summary } from '../render.js';

export interface PreviewFlags {
  config?: string;
  out?: string;
  serve?: boolean;
  port?: string;
  json?: boolean;
}

export const DEFAULT_PREVIEW_PORT = 7070;
const EVENTS_PATH = '/__vkmp/events';

const rel = (file: string): string => {
  const r = relative(process.cwd(), file);
  return r && !r.startsWith('..') ? r : file;
};

function fail(flags: PreviewFlags, diagnostics: readonly Diagnostic[], message: string): number {
  if (flags.json) process.stdout.write(jsonDocument('preview', false, diagnostics, { outputs: [] }));
  else {
    printDiagnostics(diagnostics);
    process.stderr.write(`${diagnostics.length ? '\n' : ''}${message}\n`);
  }
  return 1;
}

export async function previewCommand(flags: PreviewFlags): Promise<number> {
  if (flags.serve) return serve(flags);
  if (flags.port !== undefined) return fail(flags, [], 'preview: --port applies only with --serve.');
  const result = await compileProject({ config: flags.config });
  if (!result.ok || !result.model || !result.project) {
    return fail(flags, result.diagnostics, `preview failed: ${summary(result.diagnostics)}; nothing was written.`);
  }
  const outDir = flags.out ? resolve(flags.out) : join(result.project.config.outDir, 'preview');
  const { tree } = await renderPreview(result.model);
  try {
    writeTreeAtomic(tree, outDir);
  } catch (error) {
    const message = `cannot write ${outDir}: ${(error as Error).message}`;
    return fail(flags, [{ code: 'OUT-001', severity: 'error', message }], 'The previous output, if any, was left as it was.');
  }
  const outputs = sortedEntries(tree).map(([path, bytes]) => ({ path: rel(resolve(outDir, path)), bytes: bytes.length }));
  if (flags.json) process.stdout.write(jsonDocument('preview', true, result.diagnostics, { outputs }));
  else {
    printDiagnostics(result.diagnostics);
    for (const o of outputs) process.stdout.write(`wrote ${o.path} (${o.bytes} bytes)\n`);
    process.stdout.write(`preview ok: ${summary(result.diagnostics)}\n`);
  }
  return 0;
}

function parsePort(value: string | undefined): number | undefined {
  if (value === undefined) return DEFAULT_PREVIEW_PORT;
  if (!/^\d{1,5}$/.test(value)) return undefined;
  const n = Number(value);
  return n <= 65535 ? n : undefined;
}

/** Files whose change should rebuild: the project's TypeScript, its assets, and files named by errors. */
function watchedFiles(configPath: string, result: CompileResult | undefined, previous: Set<string>): Set<string> {
  const files = new Set<string>([configPath]);
  if (result?.project) {
    for (const f of result.project.sourceFiles) files.add(f);
    const model: ProjectModel | undefined = result.model;
    const services = model ? [...model.catalogs.flatMap((c) => c.services), ...model.packages] : [];
    for (const s of services) {
      for (const p of [s.full_description?.path, s.iconAsset?.path]) if (p && isAbsolute(p)) files.add(p);
    }
  } else {
    // The project did not load (e.g. a syntax error): keep what we knew.
    for (const f of previous) files.add(f);
  }
  for (const d of result?.diagnostics ?? []) if (d.span && isAbsolute(d.span.file) && existsSync(d.span.file)) files.add(d.span.file);
  return files;
}

interface ServeState {
  pages: OutputTree;
  error?: Uint8Array;
  version: number;
}

async function serve(flags: PreviewFlags): Promise<number> {
  if (flags.out) return fail(flags, [], 'preview: --serve keeps the pages in memory; drop --out, or run without --serve to write them.');
  const port = parsePort(flags.port);
  if (port === undefined) return fail(flags, [], `preview: --port must be an integer 0–65535, got "${flags.port}".`);
  let configPath: string;
  try {
    configPath = findConfig(process.cwd(), flags.config);
  } catch (error) {
    if (error instanceof LoadError) return fail(flags, error.diagnostics, 'preview: no project to serve.');
    throw error;
  }

  const encoder = new TextEncoder();
  const state: ServeState = { pages: new Map(), version: 0 };
  const clients = new Set<ServerResponse>();

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { 'content-type': 'text/plain; charset=utf-8', allow: 'GET, HEAD' }).end('method not allowed\n');
      return;
    }
    if (url.pathname === EVENTS_PATH) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(`retry: 1000\n: vkmp preview, build ${state.version}\n\n`);
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return;
    }
    const name = decodeURIComponent(url.pathname.replace(/^\/+/, '')) || 'index.html';
    const body = state.error ?? state.pages.get(name);
    if (!body || (state.error && !name.endsWith('.html'))) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end(`not found: ${url.pathname}\n`);
      return;
    }
    res.writeHead(state.error ? 500 : 200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  });

  const listening = await new Promise<AddressInfo | Error>((done) => {
    server.once('error', (error) => done(error));
    server.listen(port, '127.0.0.1', () => done(server.address() as AddressInfo));
  });
  if (listening instanceof Error) {
    const code = (listening as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? `port ${port} on 127.0.0.1 is already in use; choose another with --port (0 picks a free one)` : listening.message;
    return fail(flags, [], `preview: cannot serve: ${why}.`);
  }
  const origin = `http://127.0.0.1:${listening.port}`;
  const liveReload = EVENTS_PATH;

  let watched = new Set<string>();
  let watcher: FSWatcher | undefined;

  const rebuild = async (): Promise<{ ok: boolean; pages: string[]; diagnostics: readonly Diagnostic[] }> => {
    let result: CompileResult | undefined;
    let diagnostics: readonly Diagnostic[];
    try {
      result = await compileProject({ config: configPath });
      diagnostics = result.diagnostics;
    } catch (error) {
      diagnostics = [{ code: 'PREVIEW-001', severity: 'error', message: `vkmp failed while building: ${(error as Error).message}` }];
    }
    let pages: string[] = [];
    try {
      if (result?.ok && result.model) {
        const { tree } = await renderPreview(result.model, { liveReload });
        state.pages = tree;
        state.error = undefined;
        pages = [...tree.keys()].sort();
      } else {
        state.error = encoder.encode(await renderPreviewErrorPage(diagnostics, { liveReload, relativeTo: rel }));
      }
    } catch (error) {
      diagnostics = [{ code: 'PREVIEW-001', severity: 'error', message: `vkmp failed while rendering: ${(error as Error).message}` }];
      state.error = encoder.encode(await renderPreviewErrorPage(diagnostics, { liveReload, relativeTo: rel }));
    }
    state.version++;
    const next = watchedFiles(configPath, result, watched);
    if (watcher) {
      const added = [...next].filter((f) => !watched.has(f));
      const removed = [...watched].filter((f) => !next.has(f));
      if (added.length) watcher.add(added);
      if (removed.length) watcher.unwatch(removed);
    }
    watched = next;
    const ok = state.error === undefined;
    if (!flags.json || !ok) printDiagnostics(diagnostics);
    return { ok, pages, diagnostics };
  };

  const first = await rebuild();
  const { watch } = await import('chokidar');
  watcher = watch([...watched], { ignoreInitial: true, awaitWriteFinish: false });

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  const run = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = rebuild().then(
      (r) => {
        const when = new Date().toTimeString().slice(0, 8);
        if (r.ok) process.stderr.write(`[${when}] rebuilt: ${r.pages.length} page${r.pages.length === 1 ? '' : 's'}\n`);
        else process.stderr.write(`[${when}] build failed; the pages show the errors\n`);
        for (const c of clients) c.write(`event: reload\ndata: ${state.version}\n\n`);
      },
      (error: unknown) => {
        process.stderr.write(`vkmp: rebuild failed: ${(error as Error).message}\n`);
      },
    ).finally(() => {
      running = undefined;
      if (again) {
        again = false;
        run();
      }
    });
  };
  const schedule = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(run, 60);
  };
  watcher.on('all', schedule);

  if (flags.json) {
    process.stdout.write(jsonDocument('preview', first.ok, first.diagnostics, { url: `${origin}/`, pages: first.pages.map((p) => `${origin}/${p}`) }));
  } else {
    process.stdout.write(`serving ${origin}/ (Ctrl+C to stop)\n`);
    for (const p of first.pages) process.stdout.write(`  ${origin}/${p}\n`);
    if (!first.ok) process.stdout.write('  the project does not build yet: the pages show the errors and reload when you fix them\n');
    process.stdout.write(`watching ${watched.size} file${watched.size === 1 ? '' : 's'} under ${rel(dirname(configPath)) || '.'}\n`);
  }

  return new Promise<number>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      if (timer) clearTimeout(timer);
      for (const c of clients) c.end();
      clients.clear();
      void watcher?.close();
      server.close(() => done(0));
      server.closeAllConnections();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
