/**
 * read: find and read hand-written artifacts (a SaaS catalog file, a broker directory,
 * an image-based package directory or zip) into one ProjectModel plus the readers'
 * own diagnostics. Readers for other artifact kinds register themselves.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import type { ProjectModel } from '../model/types.js';
import { ibArtifactReader } from './ib.js';
import { readSaasCatalog } from './saas.js';

/** A reader of one artifact kind. */
export interface ArtifactReader {
  /** Claims a path (file or directory). */
  detect(path: string, isDirectory: boolean): boolean;
  read(path: string): Promise<{ model: ProjectModel; diagnostics: Diagnostic[] }>;
}

const readers: ArtifactReader[] = [];

export function registerArtifactReader(reader: ArtifactReader): void {
  readers.push(reader);
}

const file = (path: string) => ({ path, bytes: readFileSync(path) });

/** Reads `catalog_<NAME>.json` with `plan_mapping.json` beside it and the broker's `.env`. */
export function readSaasCatalogFile(path: string): { model: ProjectModel; diagnostics: Diagnostic[] } {
  const dir = dirname(path);
  const mapping = join(dir, 'plan_mapping.json');
  const env = [join(dir, '.env'), join(dirname(dir), '.env')].find((p) => basename(dir) === 'resources' ? p === join(dirname(dir), '.env') && existsSync(p) : p === join(dir, '.env') && existsSync(p));
  const { value, diagnostics } = readSaasCatalog({
    catalog: file(path),
    planMapping: existsSync(mapping) && statSync(mapping).isFile() ? file(mapping) : undefined,
    env: env ? file(env) : undefined,
  });
  return { model: { catalogs: [value], packages: [] }, diagnostics };
}

const saasReader: ArtifactReader = {
  detect: (path, isDir) => {
    if (!isDir) return extname(path) === '.json';
    return catalogsIn(path).length > 0;
  },
  async read(path) {
    if (!statSync(path).isDirectory()) return readSaasCatalogFile(path);
    const model: ProjectModel = { catalogs: [], packages: [] };
    const diagnostics: Diagnostic[] = [];
    for (const c of catalogsIn(path)) {
      const r = readSaasCatalogFile(c);
      model.catalogs.push(...r.model.catalogs);
      diagnostics.push(...r.diagnostics);
    }
    return { model, diagnostics };
  },
};

function catalogsIn(dir: string): string[] {
  const found: string[] = [];
  for (const d of [dir, join(dir, 'resources')]) {
    if (!existsSync(d) || !statSync(d).isDirectory()) continue;
    for (const name of readdirSync(d).sort()) if (/^catalog_.+\.json$/.test(name)) found.push(join(d, name));
  }
  return found;
}

/** Reads every artifact at the given paths. Unknown paths are diagnostics, never exceptions. */
export async function readArtifacts(paths: string[]): Promise<{ model: ProjectModel; diagnostics: Diagnostic[] }> {
  const model: ProjectModel = { catalogs: [], packages: [] };
  const diagnostics: Diagnostic[] = [];
  for (const p of paths) {
    const path = resolve(p);
    if (!existsSync(path)) {
      diagnostics.push({ code: 'READ-002', severity: 'error', message: `${p} does not exist.`, hint: 'Pass a catalog_<NAME>.json, a broker directory, a package directory or a package zip.' });
      continue;
    }
    const isDir = statSync(path).isDirectory();
    const reader = [...readers, saasReader].find((r) => r.detect(path, isDir));
    if (!reader) {
      diagnostics.push({ code: 'READ-002', severity: 'error', message: `${p} is not an artifact vkmp can read.`, span: { file: path, line: 1, column: 1 }, hint: 'Pass a catalog_<NAME>.json, a broker directory (with resources/), a package directory (with service.yaml) or a package zip.' });
      continue;
    }
    const r = await reader.read(path);
    model.catalogs.push(...r.model.catalogs);
    model.packages.push(...r.model.packages);
    diagnostics.push(...r.diagnostics);
  }
  return { model, diagnostics };
}

registerArtifactReader(ibArtifactReader);
