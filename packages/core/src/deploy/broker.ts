/**
 * SaaS delivery: the broker reads `resources/catalog_<SERVICE_NAME>.json` and
 * `resources/plan_mapping.json` (SPEC §B.1), so deploying a SaaS catalog means writing those
 * two files into the broker's `resources/` directory, each atomically (temporary file in
 * the same directory + rename). The plan mapping goes first, so a broker that reads between
 * the two renames never sees a catalog plan it cannot map; if the catalog cannot be
 * renamed into place, the previous plan mapping is put back.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** One file for the broker's `resources/` directory. */
export interface BrokerFile {
  /** File name inside `resources/`: `catalog_<SERVICE_NAME>.json` or `plan_mapping.json`. */
  name: string;
  bytes: Uint8Array;
}

/** Why the broker directory cannot take the files; `undefined` when it can. */
export function brokerDirProblem(dir: string, serviceName: string): string | undefined {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) return `${dir} exists and is not a directory`;
  } else if (!existsSync(dirname(dir)) || !statSync(dirname(dir)).isDirectory()) {
    return `${dir} does not exist and neither does its parent ${dirname(dir)} (the broker directory)`;
  }
  const mapping = join(dir, 'plan_mapping.json');
  if (existsSync(mapping)) {
    try {
      const value = JSON.parse(readFileSync(mapping, 'utf8')) as unknown;
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        const keys = Object.keys(value);
        if (keys.length === 1 && keys[0] !== serviceName) {
          return `${mapping} maps plans of ${JSON.stringify(keys[0])}, not ${JSON.stringify(serviceName)}; one broker serves one SERVICE_NAME (BROKER_MODE), so its plan mapping is not replaced`;
        }
      }
    } catch {
      // An unreadable mapping is replaced by the built one.
    }
  }
  return undefined;
}

/** Whether every file already has exactly these bytes. */
export function brokerFilesMatch(dir: string, files: readonly BrokerFile[]): boolean {
  return files.every((f) => {
    const path = join(dir, f.name);
    if (!existsSync(path)) return false;
    const current = readFileSync(path);
    return Buffer.compare(current, Buffer.from(f.bytes)) === 0;
  });
}

/**
 * Writes the files into `dir` (created if its parent exists), plan mapping first, each by
 * temporary file + rename. Returns the paths written. On failure nothing is left half
 * written: temporary files are removed and a replaced plan mapping is restored.
 */
export function writeBrokerFiles(dir: string, files: readonly BrokerFile[]): string[] {
  mkdirSync(dir, { recursive: true });
  const ordered = [...files].sort((a, b) => Number(b.name === 'plan_mapping.json') - Number(a.name === 'plan_mapping.json'));
  const stamp = `${process.pid}-${Date.now().toString(36)}`;
  const staged = ordered.map((f) => ({ ...f, target: join(dir, f.name), tmp: join(dir, `.${f.name}.${stamp}.tmp`) }));
  const previous = new Map<string, Buffer | undefined>();
  const done: string[] = [];
  try {
    for (const s of staged) writeFileSync(s.tmp, s.bytes, { mode: 0o644 });
    for (const s of staged) {
      previous.set(s.target, existsSync(s.target) ? readFileSync(s.target) : undefined);
      renameSync(s.tmp, s.target);
      done.push(s.target);
    }
  } catch (error) {
    for (const s of staged) rmSync(s.tmp, { force: true });
    for (const target of done.reverse()) {
      const old = previous.get(target);
      try {
        if (old === undefined) rmSync(target, { force: true });
        else {
          const tmp = `${target}.${stamp}.restore.tmp`;
          writeFileSync(tmp, old);
          renameSync(tmp, target);
        }
      } catch {
        // Best effort: the error below names the directory to inspect.
      }
    }
    throw error;
  }
  return done;
}
