/**
 * Writing generated projects (`import`, `init`): never overwrite an existing file
 * unless forced, and never leave a half-written project. Every file is first written
 * to a staging directory on the same file system; a check may run on the staged
 * project; then the staging directory is renamed into place (a new directory) or each
 * file is renamed over its target (an existing directory: every file is replaced
 * atomically, and files vkmp does not generate are left alone).
 */
import { existsSync, lstatSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

export interface WriteNewFilesOptions {
  /** Replace files that already exist. */
  force?: boolean;
  /**
   * Runs on the complete staged project before anything is put in place. Return a
   * message to abort (nothing is written), or undefined to go on.
   */
  beforeCommit?: (stagingDir: string) => Promise<string | undefined>;
}

export interface WriteNewFilesResult {
  /** Paths written, relative to the output directory, sorted. */
  written: string[];
  /** Existing files that stopped the write (without `force`). */
  conflicts: string[];
  /** Why `beforeCommit` aborted the write. */
  aborted?: string;
}

function checkPath(path: string): void {
  if (!path || path.startsWith('/') || path.split('/').some((part) => part === '..' || part === '' || part === '.')) {
    throw new Error(`refusing to write outside the output directory: ${path}`);
  }
}

/** Writes `files` (relative posix path → content) under `outDir`. */
export async function writeNewFiles(files: ReadonlyMap<string, string | Uint8Array>, outDir: string, options: WriteNewFilesOptions = {}): Promise<WriteNewFilesResult> {
  const out = resolve(outDir);
  const paths = [...files.keys()].sort();
  paths.forEach(checkPath);
  if (existsSync(out) && !statSync(out).isDirectory()) throw new Error(`${out} exists and is not a directory`);
  const conflicts = paths.filter((p) => existsSync(join(out, p)));
  if (conflicts.length && !options.force) return { written: [], conflicts };
  for (const p of conflicts) {
    if (lstatSync(join(out, p)).isDirectory()) throw new Error(`${join(out, p)} is a directory; it cannot be replaced by a file`);
  }
  const fresh = !existsSync(out);
  const stagingParent = fresh ? dirname(out) : out;
  mkdirSync(stagingParent, { recursive: true });
  const staging = mkdtempSync(join(stagingParent, `.${fresh ? basename(out) : 'vkmp'}.staging-`));
  try {
    for (const p of paths) {
      const target = join(staging, p);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, files.get(p)!, { mode: 0o644 });
    }
    const aborted = await options.beforeCommit?.(staging);
    if (aborted !== undefined) return { written: [], conflicts, aborted };
    if (fresh && !existsSync(out)) {
      renameSync(staging, out);
    } else {
      for (const p of paths) {
        const target = join(out, p);
        mkdirSync(dirname(target), { recursive: true });
        renameSync(join(staging, p), target);
      }
    }
    return { written: paths, conflicts };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
