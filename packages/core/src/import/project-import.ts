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
import { packageDirIn } from '../read/ib.js';
import { builtPackageCanonical, importIbPackage, type ExpectedPackage } from './ib.js';
import { jsonDifferences } from './normalize.js';
import { packageNameFrom, projectFiles, type ProjectSkeletonOptions } from './project.js';
import { importSaasCatalog, type ExpectedCatalog, type SaasImportOptions } from './saas.js';
import { writeNewFiles } from './write.js';

const DOCS = 'README.md#vkmp-import';

/** What `vkmp build` on an imported project must reproduce: a SaaS catalog or an image-based package. */
export type ExpectedArtifact = ExpectedCatalog | ExpectedPackage;

export interface ImportProjectOptions extends SaasImportOptions {
  /** npm name of the generated project (default: from the SERVICE_NAME). */
  packageName?: string;
  vkmpVersion?: ProjectSkeletonOptions['vkmpVersion'];
}

export interface ImportProjectResult {
  ok: boolean;
  /** The whole project: relative path → content. */
  files: Map<string, string | Uint8Array>;
  /** What `vkmp build` must reproduce, one entry per SERVICE_NAME. */
  expected: ExpectedArtifact[];
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

/**
 * The artifacts at a path: a `catalog_<NAME>.json`, a SaaS broker directory (itself or its
 * `resources/`), or an image-based package (a directory, its parent, or a zip).
 */
export function findArtifacts(path: string): { catalogs: string[]; packages: string[]; diagnostics: Diagnostic[] } {
  const none = (d: Diagnostic) => ({ catalogs: [], packages: [], diagnostics: [d] });
  const p = resolve(path);
  if (!existsSync(p)) return none(fail(`${path} does not exist.`, 'Pass a catalog_<NAME>.json, a SaaS broker directory, or an image-based package directory or zip.'));
  if (statSync(p).isDirectory()) {
    const pkg = packageDirIn(p);
    if (pkg) return { catalogs: [], packages: [pkg], diagnostics: [] };
    const found: string[] = [];
    for (const d of [p, join(p, 'resources')]) {
      if (!existsSync(d) || !statSync(d).isDirectory()) continue;
      for (const name of readdirSync(d).sort()) if (/^catalog_.+\.json$/.test(name) && statSync(join(d, name)).isFile()) found.push(join(d, name));
    }
    if (!found.length) return none(fail(`No catalog_<NAME>.json in ${path} or ${join(path, 'resources')}, and no image-based package (service.yaml).`, 'Pass the catalog file, the broker directory that holds resources/catalog_<NAME>.json, or a package directory.'));
    return { catalogs: found, packages: [], diagnostics: [] };
  }
  if (extname(p).toLowerCase() === '.zip') return { catalogs: [], packages: [p], diagnostics: [] };
  if (extname(p) !== '.json') return none(fail(`${path} is neither a SaaS catalog (catalog_<NAME>.json) nor an image-based package.`, undefined, p));
  return { catalogs: [p], packages: [], diagnostics: [] };
}

/** Generates the vendor project for the artifacts at `path` (in memory). */
export async function importProject(path: string, options: ImportProjectOptions = {}): Promise<ImportProjectResult> {
  const { catalogs, packages, diagnostics } = findArtifacts(path);
  const files = new Map<string, string | Uint8Array>();
  const expected: ExpectedArtifact[] = [];
  if (!catalogs.length && !packages.length) return { ok: false, files, expected, diagnostics };
  const add = (serviceName: string, source: string, generated: ReadonlyMap<string, string | Uint8Array>, e: ExpectedArtifact | undefined) => {
    if (expected.some((x) => x.serviceName === serviceName)) {
      diagnostics.push(fail(`Two artifacts are named ${serviceName}; one project cannot hold both.`, 'Import them one at a time into different projects.', source));
      return;
    }
    if (e) expected.push(e);
    for (const [p, content] of generated) files.set(p, content);
  };
  for (const catalogPath of catalogs) {
    const mappingPath = join(dirname(catalogPath), 'plan_mapping.json');
    const hasMapping = existsSync(mappingPath) && statSync(mappingPath).isFile();
    const result = await importSaasCatalog(
      { catalog: { path: catalogPath, bytes: readFileSync(catalogPath) }, planMapping: hasMapping ? { path: mappingPath, bytes: readFileSync(mappingPath) } : undefined },
      options,
    );
    diagnostics.push(...result.diagnostics);
    add(result.serviceName, catalogPath, result.files, result.expected);
  }
  for (const pkg of packages) {
    const result = await importIbPackage(pkg, options);
    diagnostics.push(...result.diagnostics);
    add(result.serviceName, pkg, result.files, result.expected);
  }
  const first = expected[0]?.serviceName ?? basename(path);
  const kinds = packages.length ? 'image-based package' : 'service';
  const skeleton = projectFiles({
    packageName: options.packageName ?? packageNameFrom(`${first}-marketplace`),
    description: `VK Cloud Marketplace ${kinds}${expected.length > 1 ? 's' : ''} ${expected.map((e) => e.serviceName).join(', ')}, written with vkmp (imported by vkmp import)`,
    vkmpVersion: options.vkmpVersion,
  });
  for (const [p, text] of skeleton) files.set(p, text);
  return { ok: !hasErrors(diagnostics), files, expected, diagnostics };
}

/**
 * Builds the generated project at `dir` and compares its artifacts with `expected`.
 * `displayDir` replaces `dir` in reported paths (the staging directory is renamed later).
 */
export async function verifyImportedProject(dir: string, expected: readonly ExpectedArtifact[], options: { displayDir?: string; allowInvalid?: boolean } = {}): Promise<{ ok: boolean; diagnostics: Diagnostic[] }> {
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
    if (e.kind === 'image-based') {
      const built = builtPackageCanonical(build.tree, e.serviceName, join(options.displayDir ?? dir, 'dist', e.serviceName));
      for (const d of jsonDifferences(e.canonical, built)) {
        diagnostics.push({ code: 'IMPORT-005', severity, message: `Round trip of the package: ${d.pointer || 'the package'} ${d.note}; the DSL cannot reproduce this.`, span: e.locate(d.pointer), docs: DOCS });
      }
      continue;
    }
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
  extraFiles?: ReadonlyMap<string, string | Uint8Array>;
}

export interface ImportToDirectoryResult {
  ok: boolean;
  diagnostics: Diagnostic[];
  /** Files written, relative to the output directory. */
  written: string[];
  /** Existing files that were not overwritten (no `force`). */
  conflicts: string[];
  expected: ExpectedArtifact[];
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
