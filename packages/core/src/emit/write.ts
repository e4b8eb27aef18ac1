/**
 * Atomic output: the whole tree is written to a temporary sibling directory, then
 * swapped in with renames. A failed build never leaves a half-written `dist/`.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync, lstatSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { sortedEntries, type OutputTree } from './tree.js';

/** Replaces `outDir` with exactly the files of `tree`. */
export function writeTreeAtomic(tree: OutputTree, outDir: string): void {
  const parent = dirname(outDir);
  mkdirSync(parent, { recursive: true });
  const stamp = `${process.pid}-${Date.now().toString(36)}`;
  const staging = join(parent, `.${basename(outDir)}.tmp-${stamp}`);
  const previous = join(parent, `.${basename(outDir)}.old-${stamp}`);
  try {
    mkdirSync(staging, { recursive: true });
    for (const [path, bytes] of sortedEntries(tree)) {
      if (path.split('/').some((part) => part === '..' || part === '') || path.startsWith('/')) throw new Error(`refusing to write outside the output directory: ${path}`);
      const target = join(staging, path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, bytes, { mode: 0o644 });
    }
    if (existsSync(outDir)) {
      if (!lstatSync(outDir).isDirectory()) throw new Error(`${outDir} exists and is not a directory`);
      renameSync(outDir, previous);
    }
    renameSync(staging, outDir);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (existsSync(previous) && !existsSync(outDir)) renameSync(previous, outDir);
    throw error;
  }
  rmSync(previous, { recursive: true, force: true });
}
