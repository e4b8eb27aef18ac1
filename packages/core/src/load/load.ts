/**
 * load: find `vkmp.config.ts`, bundle the vendor's TypeScript with esbuild (types are
 * stripped, not checked: `vkmp check` type-checks separately), evaluate it, and keep
 * the source map so DSL call sites map back to the vendor's lines.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { createRequire, SourceMap } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Diagnostic, Span } from '../diagnostics.js';

/** Bump when the bundle format or the loader changes, to invalidate old caches. */
const VKMP_CACHE_VERSION = '1';

export const CONFIG_FILE_NAMES = ['vkmp.config.ts', 'vkmp.config.mts', 'vkmp.config.js', 'vkmp.config.mjs'];

/** A position recorded by the SDK (in the generated bundle). */
export interface RawSite {
  file: string;
  line: number;
  column: number;
}

/** Everything evaluated from the vendor's project. */
export interface LoadedProject {
  configPath: string;
  rootDir: string;
  config: LoadedConfig;
  /** Service values with the file whose default export they were. */
  services: { value: unknown; file: string }[];
  /** Maps an SDK site (bundle position) to the vendor's original file and line. */
  mapSite(site: RawSite | undefined): Span | undefined;
  /** The TypeScript files that make up the project (for `check` and watch). */
  sourceFiles: string[];
}

export interface LoadedConfig {
  services: unknown[];
  outDir: string;
  deploy?: { host?: string; brokerResourcesDir?: string };
}

export class LoadError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map((d) => d.message).join('\n'));
  }
}

const docsLoad = 'README.md#configuration';

function loadError(code: string, message: string, hint: string, span?: Span): LoadError {
  return new LoadError([{ code, severity: 'error', message, hint, span, docs: docsLoad }]);
}

/** Finds the config: an explicit path, or `vkmp.config.ts` in `startDir` or a parent. */
export function findConfig(startDir: string, explicit?: string): string {
  if (explicit) {
    const p = resolve(startDir, explicit);
    if (!existsSync(p) || !statSync(p).isFile()) {
      throw loadError('LOAD-001', `Config file not found: ${p}.`, 'Pass the path of your vkmp.config.ts with --config, or run `vkmp init`.');
    }
    return p;
  }
  let dir = resolve(startDir);
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const p = join(dir, name);
      if (existsSync(p)) return p;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw loadError(
    'LOAD-001',
    `No vkmp.config.ts found in ${resolve(startDir)} or any parent directory.`,
    'Create one with `npx vkmp init`, or pass --config <path>.',
  );
}

/** Resolves `@vkmp/sdk` as the vendor project sees it, falling back to the CLI's own copy. */
function resolveSdk(fromDir: string): string {
  try {
    return createRequire(join(fromDir, 'package.json')).resolve('@vkmp/sdk');
  } catch {
    return fileURLToPath(import.meta.resolve('@vkmp/sdk'));
  }
}

interface Bundle {
  exports: Record<string, unknown>;
  map: SourceMap;
  bundleFile: string;
  inputs: string[];
}

type CallSiteLike = { getFileName(): string | null | undefined; getLineNumber(): number | null; getColumnNumber(): number | null };

interface CachedBundle {
  js: string;
  map: string;
  inputs: string[];
}

/** Where compiled bundles are cached: node_modules/.cache/vkmp of the project, else the OS temp dir. */
function cacheDir(rootDir: string): string {
  const nm = join(rootDir, 'node_modules');
  if (existsSync(nm)) return join(nm, '.cache', 'vkmp');
  return join(tmpdir(), `vkmp-cache-${createHash('sha1').update(rootDir).digest('hex').slice(0, 12)}`);
}

/**
 * The bundle cache (like jiti's): esbuild's start-up (~55 ms for its service process)
 * is most of a small build. A cached bundle is reused while every input file keeps
 * its size and mtime; any change, a new vkmp version or another SDK copy rebuilds.
 */
function readCache(file: string): CachedBundle | undefined {
  try {
    const raw = readFileSync(file, 'utf8');
    const cached = JSON.parse(raw) as CachedBundle & { stats: [string, number, number][] };
    for (const [path, size, mtime] of cached.stats) {
      const st = statSync(path, { throwIfNoEntry: false });
      if (!st || st.size !== size || st.mtimeMs !== mtime) return undefined;
    }
    return cached;
  } catch {
    return undefined;
  }
}

function writeCache(file: string, bundle: CachedBundle): void {
  try {
    const stats = bundle.inputs.map((p) => {
      const st = statSync(p);
      return [p, st.size, st.mtimeMs] as [string, number, number];
    });
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ ...bundle, stats }));
    renameSync(tmp, file);
  } catch {
    // The cache is an optimisation; a read-only project still builds.
  }
}

async function compileBundle(entryCode: string, rootDir: string, label: string, sdkPath: string): Promise<CachedBundle> {
  const { build } = await import('esbuild');
  let result;
  try {
    result = await build({
      stdin: { contents: entryCode, resolveDir: rootDir, sourcefile: `<vkmp:${label}>`, loader: 'js' },
      absWorkingDir: rootDir,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      write: false,
      outdir: rootDir,
      sourcemap: 'external',
      metafile: true,
      logLevel: 'silent',
      plugins: [
        {
          name: 'vkmp-sdk-external',
          setup(b) {
            b.onResolve({ filter: /^@vkmp\/sdk$/ }, () => ({ path: pathToFileURL(sdkPath).href, external: true }));
          },
        },
      ],
    });
  } catch (error) {
    const failure = error as { errors?: { text: string; location?: { file: string; line: number; column: number; length: number } | null }[] };
    const diagnostics: Diagnostic[] = (failure.errors ?? [{ text: String(error) }]).map((e) => ({
      code: 'LOAD-002',
      severity: 'error' as const,
      message: `Cannot compile: ${e.text}`,
      hint: 'Fix the syntax or import error; `vkmp check` also type-checks the file.',
      span: e.location
        ? { file: resolve(rootDir, e.location.file), line: e.location.line, column: e.location.column + 1, endLine: e.location.line, endColumn: e.location.column + 1 + e.location.length }
        : undefined,
      docs: docsLoad,
    }));
    throw new LoadError(diagnostics);
  }
  const js = result.outputFiles.find((f) => f.path.endsWith('.js'));
  const mapFile = result.outputFiles.find((f) => f.path.endsWith('.js.map'));
  if (!js || !mapFile) throw loadError('LOAD-002', 'esbuild produced no output.', 'Report this as a vkmp bug.');
  // Every input file, node_modules included, so an edited dependency also invalidates the cache.
  const inputs = Object.keys(result.metafile.inputs).filter((p) => !p.startsWith('<vkmp:')).map((p) => resolve(rootDir, p));
  return { js: js.text, map: mapFile.text, inputs };
}

async function bundleAndImport(entryCode: string, rootDir: string, label: string): Promise<Bundle> {
  const sdkPath = resolveSdk(rootDir);
  const key = createHash('sha1').update(`${VKMP_CACHE_VERSION}\0${label}\0${entryCode}\0${sdkPath}\0${rootDir}`).digest('hex').slice(0, 16);
  const cacheFile = join(cacheDir(rootDir), `${label}-${key}.json`);
  let compiled = process.env.VKMP_NO_CACHE ? undefined : readCache(cacheFile);
  if (!compiled) {
    compiled = await compileBundle(entryCode, rootDir, label, sdkPath);
    if (!process.env.VKMP_NO_CACHE) writeCache(cacheFile, compiled);
  }
  const map = new SourceMap(JSON.parse(compiled.map) as never);
  const inputs = compiled.inputs.filter((p) => !p.includes(`node_modules${sep}`));
  const tmp = mkdtempSync(join(tmpdir(), 'vkmp-load-'));
  const bundleFile = join(tmp, `${label}.mjs`);
  writeFileSync(bundleFile, compiled.js);
  const bundleUrl = pathToFileURL(bundleFile).href;
  const originalPrepare = Error.prepareStackTrace;
  // Keep structured frames on errors thrown while the vendor code runs, to map them back.
  Error.prepareStackTrace = (error, frames) => {
    if (error && typeof error === 'object') Object.defineProperty(error, '__vkmpFrames', { value: frames, enumerable: false, configurable: true });
    return originalPrepare ? originalPrepare(error, frames) : `${String(error)}\n${frames.map((f) => `    at ${String(f)}`).join('\n')}`;
  };
  try {
    const exports = (await import(bundleUrl)) as Record<string, unknown>;
    return { exports, map, bundleFile: bundleUrl, inputs };
  } catch (error) {
    const mapper = siteMapper(bundleUrl, map, rootDir);
    const err = error as Error & { __vkmpFrames?: CallSiteLike[] };
    void err.stack; // forces prepareStackTrace, which records the frames
    const frame = (err.__vkmpFrames ?? []).find((f) => f.getFileName() === bundleUrl || f.getFileName() === bundleFile);
    const span = frame ? mapper({ file: bundleUrl, line: frame.getLineNumber() ?? 1, column: frame.getColumnNumber() ?? 1 }) : undefined;
    throw loadError(
      'LOAD-003',
      `The project threw while loading: ${err instanceof Error ? err.message : String(error)}`,
      'Service files are evaluated to read the DSL; make sure they do not throw at import time.',
      span,
    );
  } finally {
    Error.prepareStackTrace = originalPrepare;
    rmSync(tmp, { recursive: true, force: true });
  }
}

function siteMapper(bundleUrl: string, map: SourceMap, rootDir: string): (site: RawSite | undefined) => Span | undefined {
  const bundlePath = fileURLToPath(bundleUrl);
  return (site) => {
    // Node reports ESM frames as file URLs; some loaders (vitest's) as plain paths.
    if (!site || (site.file !== bundleUrl && site.file !== bundlePath)) return undefined;
    const entry = map.findEntry(site.line - 1, site.column - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number };
    if (!entry || entry.originalSource === undefined || entry.originalLine === undefined) return undefined;
    const source = entry.originalSource.startsWith('file://') ? fileURLToPath(entry.originalSource) : resolve(rootDir, entry.originalSource);
    return { file: source, line: entry.originalLine + 1, column: (entry.originalColumn ?? 0) + 1 };
  };
}

const CONFIG = Symbol.for('vkmp.config');

/** Loads the project whose config file is `configPath`: config, then every service file. */
export async function loadProject(configPath: string): Promise<LoadedProject> {
  const rootDir = dirname(configPath);
  const configBundle = await bundleAndImport(`export { default } from ${JSON.stringify(configPath)};`, rootDir, 'config');
  const configValue = configBundle.exports.default as Record<string | symbol, unknown> | undefined;
  const configSpan: Span = { file: configPath, line: 1, column: 1 };
  if (!configValue || typeof configValue !== 'object' || configValue[CONFIG] !== true) {
    throw loadError('LOAD-004', 'vkmp.config.ts must `export default defineConfig({ services: [...] })`.', "Import defineConfig from '@vkmp/sdk'.", configSpan);
  }
  const services = configValue.services;
  if (!Array.isArray(services) || services.length === 0) {
    throw loadError('LOAD-004', 'The config lists no services.', "Add `services: ['services/*/service.ts']` to defineConfig.", configSpan);
  }
  const globs = services.filter((s): s is string => typeof s === 'string');
  const direct = services.filter((s) => typeof s !== 'string');
  const files: string[] = [];
  if (globs.length) {
    const { glob } = await import('tinyglobby');
    const found = await glob(globs, { cwd: rootDir, absolute: true, ignore: ['**/node_modules/**'] });
    for (const f of found.sort()) if (!files.includes(f)) files.push(f);
    for (const pattern of globs) {
      if (!/[*?[{]/.test(pattern) && !existsSync(resolve(rootDir, pattern))) {
        throw loadError('LOAD-005', `Service file not found: ${pattern}.`, 'Fix the path in vkmp.config.ts (paths are relative to it).', configSpan);
      }
    }
    if (found.length === 0) {
      throw loadError('LOAD-005', `No service files match ${globs.join(', ')}.`, 'Fix the globs in vkmp.config.ts (relative to it).', configSpan);
    }
  }
  const outDir = typeof configValue.outDir === 'string' ? configValue.outDir : 'dist';
  const config: LoadedConfig = {
    services,
    outDir: isAbsolute(outDir) ? outDir : resolve(rootDir, outDir),
    deploy: configValue.deploy as LoadedConfig['deploy'],
  };
  const loaded: { value: unknown; file: string }[] = direct.map((value) => ({ value, file: configPath }));
  const mappers: ((s: RawSite | undefined) => Span | undefined)[] = [siteMapper(configBundle.bundleFile, configBundle.map, rootDir)];
  const sourceFiles = new Set(configBundle.inputs);
  if (files.length) {
    const entry = files.map((f, i) => `export * as s${i} from ${JSON.stringify(f)};`).join('\n');
    const bundle = await bundleAndImport(entry, rootDir, 'services');
    mappers.push(siteMapper(bundle.bundleFile, bundle.map, rootDir));
    for (const input of bundle.inputs) sourceFiles.add(input);
    files.forEach((file, i) => {
      const mod = bundle.exports[`s${i}`] as Record<string, unknown>;
      if (!mod || !('default' in mod) || mod.default === undefined) {
        throw loadError('LOAD-004', `${relative(rootDir, file)} has no default export.`, 'Export the service: `export default saas.service({...})`.', { file, line: 1, column: 1 });
      }
      const values = Array.isArray(mod.default) ? mod.default : [mod.default];
      for (const value of values) loaded.push({ value, file });
    });
  }
  return {
    configPath,
    rootDir,
    config,
    services: loaded,
    sourceFiles: [...sourceFiles].sort(),
    mapSite(site) {
      if (!site) return undefined;
      for (const m of mappers) {
        const span = m(site);
        if (span) return span;
      }
      // A site outside our bundles (e.g. a plain .js file imported at run time): use it as is.
      const file = site.file.startsWith('file://') ? fileURLToPath(site.file) : site.file;
      return { file, line: site.line, column: site.column };
    },
  };
}

/** Reads a text file for a span (cached), for locating DSL fields in source. */
export function createSourceReader(): (file: string) => string | undefined {
  const cache = new Map<string, string | undefined>();
  return (file) => {
    if (!cache.has(file)) {
      try {
        cache.set(file, readFileSync(file, 'utf8'));
      } catch {
        cache.set(file, undefined);
      }
    }
    return cache.get(file);
  };
}
