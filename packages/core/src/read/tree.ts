/**
 * FileTree: an in-memory snapshot of a service package (or any artifact directory), the
 * common input of every artifact reader. Built from a directory here, from a zip in
 * `zip.ts`; emitters build the same shape.
 *
 * Reading is defensive: symbolic links are never followed, special files are never
 * opened, sizes and counts are limited, and everything left out is reported.
 */
import { constants } from 'node:fs';
import type { Stats } from 'node:fs';
import { lstat, open, opendir, readlink, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ParseIssue } from './json.js';

/** One file of a tree. */
export interface TreeEntry {
  /** POSIX path relative to the tree root (`plans/basic/plan.yaml`). */
  path: string;
  bytes: Uint8Array;
}

/** Files by POSIX path relative to the root, in sorted path order; directories are implied. */
export interface FileTree {
  /** Display path: an absolute directory, or `/abs/pkg.zip!` for a zip. */
  root: string;
  entries: Map<string, Uint8Array>;
  /** What was left out or is suspicious, with spans `file: <root>/<path>`, line 1, column 1. */
  issues: ParseIssue[];
}

/** Resource limits for building a tree. */
export interface TreeLimits {
  /** Most entries (files and directories) read. Default 5000. */
  maxEntries?: number;
  /** Most bytes in all files together (uncompressed). Default 300 MiB. */
  maxTotalBytes?: number;
  /** Largest single file. Default 100 MiB. */
  maxEntryBytes?: number;
}

/** The defaults of {@link TreeLimits}. */
export const DEFAULT_TREE_LIMITS: Readonly<Required<TreeLimits>> = Object.freeze({
  maxEntries: 5000,
  maxTotalBytes: 300 * 1024 * 1024,
  maxEntryBytes: 100 * 1024 * 1024,
});

/** `limits` with defaults filled in. */
export function resolveTreeLimits(limits?: TreeLimits): Required<TreeLimits> {
  return {
    maxEntries: limits?.maxEntries ?? DEFAULT_TREE_LIMITS.maxEntries,
    maxTotalBytes: limits?.maxTotalBytes ?? DEFAULT_TREE_LIMITS.maxTotalBytes,
    maxEntryBytes: limits?.maxEntryBytes ?? DEFAULT_TREE_LIMITS.maxEntryBytes,
  };
}

/**
 * Whether a file or directory name is operating-system or tool litter that never
 * belongs in a package: `.DS_Store`, `__MACOSX`, `._*` (macOS), `Thumbs.db`,
 * `desktop.ini` (Windows), `.git`.
 */
export function isStrayName(name: string): boolean {
  return (
    name === '.DS_Store' ||
    name === '__MACOSX' ||
    name === '.git' ||
    name === 'Thumbs.db' ||
    name === 'desktop.ini' ||
    (name.startsWith('._') && name.length > 2)
  );
}

/** Human-readable size. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}

/**
 * Reads the directory `dir` into a {@link FileTree}. Never throws.
 *
 * - Symbolic links (to files or directories) inside the tree are not followed: kind
 *   `symlink`. (`dir` itself may be a link: the caller named it.)
 * - FIFOs, sockets and devices are not opened: kind `special-file`.
 * - `.DS_Store`, `__MACOSX`, `.git`, `._*`, `Thumbs.db`, `desktop.ini` are left out
 *   (directories not entered): kind `stray`.
 * - A file larger than `maxEntryBytes` is left out: kind `too-large`. Once the files
 *   read reach `maxTotalBytes`, no more files are read: kind `too-large`.
 * - After `maxEntries` files and directories, reading stops: kind `too-many-entries`.
 * - Unreadable paths (missing root, permissions): kind `io`.
 *
 * Files are opened with `O_NOFOLLOW | O_NONBLOCK` and checked again after opening, so a
 * file swapped for a link or FIFO while reading is reported, not followed.
 */
export async function readDirectoryTree(dir: string, limits?: TreeLimits): Promise<FileTree> {
  const root = resolve(dir);
  const max = resolveTreeLimits(limits);
  const issues: ParseIssue[] = [];
  const found = new Map<string, Uint8Array>();
  const tree: FileTree = { root, entries: found, issues };
  const report = (kind: string, rel: string, message: string): void => {
    issues.push({ kind, message, span: { file: rel ? join(root, rel) : root, line: 1, column: 1, endLine: 1, endColumn: 1 } });
  };

  try {
    const st = await stat(root);
    if (!st.isDirectory()) {
      report('io', '', `${root} is not a directory`);
      return tree;
    }
  } catch (e) {
    report('io', '', `cannot read ${root}: ${errorMessage(e)}`);
    return tree;
  }

  let entryCount = 0;
  let totalBytes = 0;
  let stopped = false;
  const queue: string[] = ['']; // relative directory paths, breadth-first
  while (queue.length > 0 && !stopped) {
    const relDir = queue.shift()!;
    let names: { name: string }[];
    try {
      const handle = await opendir(join(root, relDir));
      names = [];
      for await (const d of handle) names.push({ name: d.name });
    } catch (e) {
      report('io', relDir, `cannot list directory: ${errorMessage(e)}`);
      continue;
    }
    names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const { name } of names) {
      const rel = relDir ? `${relDir}/${name}` : name;
      const abs = join(root, rel);
      if (isStrayName(name)) {
        report('stray', rel, `${rel} is operating-system or tool litter, not part of the package; it was left out`);
        continue;
      }
      let st: Stats;
      try {
        st = await lstat(abs);
      } catch (e) {
        report('io', rel, `cannot read: ${errorMessage(e)}`);
        continue;
      }
      if (entryCount >= max.maxEntries) {
        report('too-many-entries', rel, `more than ${max.maxEntries} files and directories; reading stopped here`);
        stopped = true;
        break;
      }
      entryCount++;
      if (st.isSymbolicLink()) {
        let target = '';
        try {
          target = ` → ${await readlink(abs)}`;
        } catch {
          // The link itself is what is reported.
        }
        report('symlink', rel, `${rel} is a symbolic link${target}; links are not followed and were left out`);
        continue;
      }
      if (st.isDirectory()) {
        queue.push(rel);
        continue;
      }
      if (!st.isFile()) {
        report('special-file', rel, `${rel} is not a regular file (${fileType(st)}); it was left out`);
        continue;
      }
      if (st.size > max.maxEntryBytes) {
        report('too-large', rel, `${rel} is ${formatBytes(st.size)}, more than the limit of ${formatBytes(max.maxEntryBytes)}; it was left out`);
        continue;
      }
      if (totalBytes + st.size > max.maxTotalBytes) {
        report('too-large', rel, `the files add up to more than ${formatBytes(max.maxTotalBytes)}; reading stopped at ${rel}`);
        stopped = true;
        break;
      }
      const read = await readRegularFile(abs, Math.min(max.maxEntryBytes, max.maxTotalBytes - totalBytes));
      if (typeof read === 'string') {
        report(read.startsWith('too-large:') ? 'too-large' : read.startsWith('special:') ? 'special-file' : 'io', rel, `${rel}: ${read.replace(/^[a-z-]+:/, '')}`);
        continue;
      }
      totalBytes += read.byteLength;
      found.set(rel, read);
    }
  }
  tree.entries = sortEntries(found);
  return tree;
}

/** Entries in code-unit order of their paths. */
export function sortEntries(entries: Map<string, Uint8Array>): Map<string, Uint8Array> {
  const keys = [...entries.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const sorted = new Map<string, Uint8Array>();
  for (const k of keys) sorted.set(k, entries.get(k)!);
  return sorted;
}

/**
 * Reads a regular file without following links or blocking on FIFOs, at most `limit`
 * bytes. Returns the bytes, or a message prefixed `too-large:`, `special:` or `io:`.
 */
async function readRegularFile(path: string, limit: number): Promise<Uint8Array | string> {
  let fh: FileHandle | undefined;
  try {
    const flags = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
    fh = await open(path, flags);
    const st = await fh.stat();
    if (!st.isFile()) return `special:not a regular file (${fileType(st)}); it was left out`;
    if (st.size > limit) return `too-large:${formatBytes(st.size)} is more than the ${formatBytes(limit)} still allowed; it was left out`;
    // Read until EOF, but never more than limit + 1 bytes (the file may grow meanwhile).
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const want = Math.min(Math.max(st.size - total, 64 * 1024), limit + 1 - total);
      if (want <= 0) break;
      const buf = new Uint8Array(want);
      const { bytesRead } = await fh.read(buf, 0, want, total);
      if (bytesRead === 0) break;
      chunks.push(bytesRead === want ? buf : buf.subarray(0, bytesRead));
      total += bytesRead;
    }
    if (total > limit) return `too-large:it grew beyond ${formatBytes(limit)} while being read; it was left out`;
    if (chunks.length === 1) return chunks[0];
    const out = new Uint8Array(total);
    let o = 0;
    for (const c of chunks) {
      out.set(c, o);
      o += c.byteLength;
    }
    return out;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'EMLINK') return 'special:it became a symbolic link while being read; it was left out';
    return `io:cannot read: ${errorMessage(e)}`;
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

function fileType(st: { isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSymbolicLink(): boolean }): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'an unknown file type';
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
