/**
 * The pull-report artifact reader: `vkmp validate report.json` on a pull-model report
 * (`{batch_id, data}`, SPEC §D.6) checks it against `catalog_<type>.json` found next to it
 * (the same directory, its `resources/`, or the broker's `resources/` one level up). The
 * report adds nothing to the model; its findings are the reader's diagnostics.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { readSaasCatalogFile, type ArtifactReader } from '../read/artifacts.js';
import { parseJson } from '../read/json.js';
import { decodeUtf8 } from '../read/text.js';
import { isPlainObject } from '../util/strings.js';
import { checkUsageReport, MAX_USAGE_REPORT_BYTES, readUsageReportFile } from './pull.js';
import { usageDocs } from './rules.js';

/** Whether a parsed JSON value looks like a pull report rather than a catalog or plan mapping. */
export function looksLikePullReport(value: unknown): boolean {
  if (!isPlainObject(value) || 'services' in value) return false;
  return 'batch_id' in value || Array.isArray(value.data);
}

function isPullReportFile(path: string): boolean {
  const name = basename(path);
  if (extname(name) !== '.json' || /^catalog_.+\.json$/.test(name) || name === 'plan_mapping.json') return false;
  try {
    const st = statSync(path);
    if (!st.isFile() || st.size > MAX_USAGE_REPORT_BYTES) return false;
    return looksLikePullReport(parseJson(decodeUtf8(readFileSync(path), path).text, path).value);
  } catch {
    return false;
  }
}

/** Directories searched for the catalog of a report at `path`. */
function catalogDirs(path: string): string[] {
  const dir = dirname(path);
  return [dir, join(dir, 'resources'), join(dirname(dir), 'resources'), dirname(dir)];
}

function findCatalog(path: string, types: string[]): string | undefined {
  const dirs = catalogDirs(path).filter((d) => existsSync(d) && statSync(d).isDirectory());
  for (const type of types) {
    for (const d of dirs) {
      const file = join(d, `catalog_${type}.json`);
      if (existsSync(file) && statSync(file).isFile()) return file;
    }
  }
  if (types.length) return undefined;
  const all = [...new Set(dirs.flatMap((d) => readdirSync(d).filter((n) => /^catalog_.+\.json$/.test(n)).map((n) => join(d, n))))];
  return all.length === 1 ? all[0] : undefined;
}

export const pullReportReader: ArtifactReader = {
  detect: (path, isDirectory) => !isDirectory && isPullReportFile(path),
  async read(path) {
    const read = readUsageReportFile(path);
    const diagnostics: Diagnostic[] = [...read.diagnostics];
    const data = isPlainObject(read.value) && Array.isArray(read.value.data) ? read.value.data : [];
    const counts = new Map<string, number>();
    for (const r of data) if (isPlainObject(r) && typeof r.type === 'string' && r.type !== '') counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    const types = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([t]) => t);
    const catalogPath = findCatalog(path, types);
    if (!catalogPath) {
      diagnostics.push({
        code: 'API-019',
        severity: 'error',
        message: types.length
          ? `No catalog_${types[0]}.json next to the report (looked in ${catalogDirs(path).map((d) => `${d}/`).join(', ')}); the report's type must be the SERVICE_NAME of the broker's catalog.`
          : `No single catalog_<SERVICE_NAME>.json next to the report to check it against (looked in ${catalogDirs(path).map((d) => `${d}/`).join(', ')}).`,
        span: read.spans.get(types.length ? '/data/0/type' : '') ?? { file: path, line: 1, column: 1 },
        hint: 'Put the report beside the broker\'s resources/, or check it against a project with `vkmp usage check <report.json>` (or `--catalog <catalog_NAME.json>`).',
        docs: usageDocs('API-019'),
      });
      return { model: { catalogs: [], packages: [] }, diagnostics };
    }
    const catalog = readSaasCatalogFile(catalogPath);
    const model = catalog.model.catalogs[0];
    if (!model) return { model: { catalogs: [], packages: [] }, diagnostics };
    if (catalog.diagnostics.some((d) => d.severity === 'error')) {
      diagnostics.push({
        code: 'API-019',
        severity: 'warning',
        message: `${catalogPath} has errors; the report was checked against what could be read from it.`,
        span: { file: catalogPath, line: 1, column: 1 },
        hint: `Run \`vkmp validate ${catalogPath}\`.`,
        docs: usageDocs('API-019'),
      });
    }
    if (read.value !== undefined) diagnostics.push(...checkUsageReport(read.value, model, { file: path, spans: read.spans, catalogFile: catalogPath }));
    return { model: { catalogs: [], packages: [] }, diagnostics };
  },
};
