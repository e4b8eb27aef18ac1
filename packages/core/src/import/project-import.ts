/**
 * `vkmp import` as library functions: find the catalogs at a path, generate one vendor
 * project for them, check that `vkmp build` on it reproduces the input (modulo the
 * documented corrections), and write it without overwriting anything unless forced.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { hasErrors } from '../diagnostics.js';
import { buildProject } from '../pipeline.js';
import { jsonDifferences } from './normalize.js';
import { packageNameFrom, projectFiles, type ProjectSkeletonOptions } from './project.js';
import { importSaasCatalog, type ExpectedCatalog, type SaasImportOptions } from './saas.js';
import { writeNewFiles } from './write.js';

const DOCS = 'README.md#vkmp-import';

export interface ImportProjectOptions extends SaasImportOptions {
  /** npm name of the generated project (default: from the SERVICE_NAME). */
  packageName?: string;
  vkmpVersion?: ProjectSkeletonOptions['vkmpVersion'];
}

export interface ImportProjectResult {
  ok: boolean;
  /** The whole project: relative path → text. */
  files: Map<string, string>;
  /** What `vkmp build` must reproduce, one entry per SERVICE_NAME. */
  expected: ExpectedCatalog[];
  diagnostics: Diagnostic[];
}

const fail = (message: string, hint?: string, file?: string): Diagnostic => ({
  code: 'IMPORT-009',
  severity: 'error',
  message,
  hint,
  span: file ? { file, line: 1, column: 1 } : undefined,
  docs: DOCS,
});

/** The SaaS catalogs at a path: a `catalog_<NAME>.json`, or a broker directory (itself or its `resources/`). */
export function findCatalogs(path: string): { catalogs: string[]; diagnostics: Diagnostic[] } {
  const p = resolve(path);
  if (!existsSync(p)) return { catalogs: [], diagnostics: [fail(`${path} does not exist.`, 'Pass a catalog_<NAME>.json or a SaaS broker directory.')] };
  const ib = 'Importing image-based packages is not available in this build: only SaaS catalogs can be imported.';
  if (statSync(p).isDirectory()) {
    if (existsSync(join(p, 'service.yaml'))) return { catalogs: [], diagnostics: [fail(`${path} is an image-based package directory. ${ib}`, undefined, join(p, 'service.yaml'))] };
    const found: string[] = [];
    for (const d of [p, join(p, 'resources')]) {
      if (!existsSync(d) || !statSync(d).isDirectory()) continue;
      for (const name of readdirSync(d).sort()) if (/^catalog_.+\.json$/.test(name) && statSync(join(d, name)).isFile()) found.push(join(d, name));
    }
    if (!found.length) return { catalogs: [], diagnostics: [fail(`No catalog_<NAME>.json in ${path} or ${join(path, 'resources')}.`, 'Pass the catalog file itself, or the broker directory that holds resources/catalog_<NAME>.json.')] };
    return { catalogs: found, diagnostics: [] };
  }
  if (extname(p) === '.zip') return { catalogs: [], diagnostics: [fail(`${path} is a zip (an image-based package). ${ib}`, undefined, p)] };
  if (extname(p) !== '.json') return { catalogs: [], diagnostics: [fail(`${path} is not a SaaS catalog (expected catalog_<NAME>.json).`, undefined, p)] };
  return { catalogs: [p], diagnostics: [] };
}

/** Generates the vendor project for the catalogs at `path` (in memory). */
export async function importProject(path: string, options: ImportProjectOptions = {}): Promise<ImportProjectResult> {
  const { catalogs, diagnostics } = findCatalogs(path);
  const files = new Map<string, string>();
  const expected: ExpectedCatalog[] = [];
  if (!catalogs.length) return { ok: false, files, expected, diagnostics };
  for (const catalogPath of catalogs) {
    const mappingPath = join(dirname(catalogPath), 'plan_mapping.json');
    const hasMapping = existsSync(mappingPath) && statSync(mappingPath).isFile();
    const result = await importSaasCatalog(
      { catalog: { path: catalogPath, bytes: readFileSync(catalogPath) }, planMapping: hasMapping ? { path: mappingPath, bytes: readFileSync(mappingPath) } : undefined },
      options,
    );
    diagnostics.push(...result.diagnostics);
    if (expected.some((e) => e.serviceName === result.serviceName)) {
      diagnostics.push(fail(`Two catalogs are named catalog_${result.serviceName}.json; one project cannot hold both.`, 'Import them one at a time into different projects.', catalogPath));
      continue;
    }
    expected.push(result.expected);
    for (const [p, text] of result.files) files.set(p, text);
  }
  const first = expected[0]?.serviceName ?? basename(path);
  const skeleton = projectFiles({
    packageName: options.packageName ?? packageNameFrom(`${first}-marketplace`),
    description: `VK Cloud Marketplace service${expected.length > 1 ? 's' : ''} ${expected.map((e) => e.serviceName).join(', ')}, written with vkmp (imported by vkmp import)`,
    vkmpVersion: options.vkmpVersion,
  });
  for (const [p, text] of skeleton) files.set(p, text);
  return { ok: !hasErrors(diagnostics), files, expected, diagnostics };
}

/**
 * Builds the generated project at `dir` and compares its artifacts with `expected`.
 * `displayDir` replaces `dir` in reported paths (the staging directory is renamed later).
 */
export async function verifyImportedProject(dir: string, expected: readonly ExpectedCatalog[], options: { displayDir?: string; allowInvalid?: boolean } = {}): Promise<{ ok: boolean; diagnostics: Diagnostic[] }> {
  const severity: Diagnostic['severity'] = options.allowInvalid ? 'warning' : 'error';
  const build = await buildProject({ cwd: dir, config: join(dir, 'vkmp.config.ts') });
  const shown = (file: string) => (options.displayDir && (file === dir || file.startsWith(`${dir}/`)) ? join(options.displayDir, relative(dir, file)) : file);
  if (!build.ok || !build.tree) {
    const errors = build.diagnostics.filter((d) => d.severity === 'error').map((d) => ({ ...d, severity, span: d.span ? { ...d.span, file: shown(d.span.file) } : undefined }));
    return {
      ok: false,
      diagnostics: [
        { code: 'IMPORT-005', severity, message: 'The generated project does not build, so the round trip could not be checked.', hint: 'The errors below come from `vkmp build` on the generated project.', docs: DOCS },
        ...errors,
      ],
    };
  }
  const diagnostics: Diagnostic[] = [];
  const decode = (bytes: Uint8Array | undefined) => (bytes ? (JSON.parse(new TextDecoder().decode(bytes)) as unknown) : undefined);
  for (const e of expected) {
    const catalog = decode(build.tree.get(`${e.serviceName}/catalog_${e.serviceName}.json`));
    for (const d of jsonDifferences(e.catalog, catalog)) {
      diagnostics.push({ code: 'IMPORT-005', severity, message: `Round trip: ${d.pointer || 'the catalog'} ${d.note}; the DSL cannot reproduce this value.`, span: e.locate(d.pointer), docs: DOCS });
    }
    if (e.planMapping !== undefined) {
      const mapping = decode(build.tree.get(`${e.serviceName}/plan_mapping.json`));
      for (const d of jsonDifferences(e.planMapping, mapping)) {
        diagnostics.push({ code: 'IMPORT-005', severity, message: `Round trip of plan_mapping.json: ${d.pointer || 'the mapping'} ${d.note}.`, span: e.locate(d.pointer, true) ?? (e.planMappingFile ? { file: e.planMappingFile, line: 1, column: 1 } : undefined), docs: DOCS });
      }
    }
  }
  return { ok: diagnostics.length === 0, diagnostics };
}

export interface ImportToDirectoryOptions extends ImportProjectOptions {
  force?: boolean;
  /** More files for the project (e.g. `init --from` adds the CI recipe). */
  extraFiles?: ReadonlyMap<string, string>;
}

export interface ImportToDirectoryResult {
  ok: boolean;
  diagnostics: Diagnostic[];
  /** Files written, relative to the output directory. */
  written: string[];
  /** Existing files that were not overwritten (no `force`). */
  conflicts: string[];
  expected: ExpectedCatalog[];
  /** `vkmp build` on the generated project reproduces the input (modulo the reported corrections). */
  verified: boolean;
}

/** import → verify the round trip on the staged project → write atomically. */
export async function importToDirectory(path: string, outDir: string, options: ImportToDirectoryOptions = {}): Promise<ImportToDirectoryResult> {
  const imported = await importProject(path, options);
  const diagnostics = [...imported.diagnostics];
  if (!imported.ok) return { ok: false, diagnostics, written: [], conflicts: [], expected: imported.expected, verified: false };
  const files = new Map(imported.files);
  for (const [p, text] of options.extraFiles ?? []) if (!files.has(p)) files.set(p, text);
  const out = resolve(outDir);
  let verified = false;
  const result = await writeNewFiles(files, out, {
    force: options.force,
    beforeCommit: async (staging) => {
      const check = await verifyImportedProject(staging, imported.expected, { displayDir: out, allowInvalid: options.allowInvalid });
      diagnostics.push(...check.diagnostics);
      verified = check.ok;
      return check.ok || options.allowInvalid ? undefined : 'the generated project does not reproduce the catalog';
    },
  });
  if (result.conflicts.length && !options.force) {
    diagnostics.push({
      code: 'IMPORT-008',
      severity: 'error',
      message: `${result.conflicts.length === 1 ? 'A file' : `${result.conflicts.length} files`} already exist${result.conflicts.length === 1 ? 's' : ''} in ${out}: ${result.conflicts.join(', ')}. Nothing was written.`,
      hint: 'Choose another directory with --out, or pass --force to replace these files.',
      docs: DOCS,
    });
  }
  const ok = !hasErrors(diagnostics) && result.aborted === undefined && !(result.conflicts.length && !options.force);
  return { ok, diagnostics, written: result.written, conflicts: result.conflicts, expected: imported.expected, verified: ok && verified };
}
