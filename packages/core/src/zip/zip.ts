/**
 * Deterministic zip archives for image-based service packages (SPEC §C.12, DESIGN §2):
 * the same entries give the same bytes, whatever the clock, time zone, umask or process.
 *
 * - Entries are sorted by the UTF-8 bytes of their path; every parent directory gets its
 *   own `dir/` entry.
 * - Every entry carries the DOS minimum timestamp 1980-01-01 00:00:00. archiver converts
 *   dates with UTC getters, and `Date.UTC(1980, 0, 1)` is that instant, so the local time
 *   zone never enters.
 * - Unix modes are fixed: 0644 files, 0755 directories. No extra fields (no extended
 *   timestamps, no uid/gid), no comments.
 * - An entry is stored, not deflated, when its extension names an already-compressed format
 *   or when deflate does not shrink it by at least 2 %.
 */
import { deflateRaw, deflateRawSync } from 'node:zlib';
import { promisify } from 'node:util';

/** The Marketplace's archive limit: 30 MB, with MB = 2^20 bytes (SPEC §0.3, H-02, IB-111). */
export const MAX_PACKAGE_BYTES = 30 * 1048576;
/** Above this many bytes (30 × 10^6) the size is within the limit only if MB means 2^20 bytes. */
export const PACKAGE_WARNING_BYTES = 30 * 1_000_000;

export interface ZipInputEntry {
  /** A relative path with `/` separators: no leading `/`, no `.` or `..` segments, no trailing `/`. */
  readonly path: string;
  readonly bytes: Uint8Array;
}

export interface WriteZipOptions {
  /** zlib level 0–9 for deflated entries (default 6, as `zip -6`). 0 stores every entry. */
  readonly level?: number;
}

/** Extensions of formats that are already compressed: deflating them again wastes time. */
export const STORED_EXTENSIONS: ReadonlySet<string> = new Set([
  'png', 'jpg', 'jpeg', 'gif', 'webp', 'avif', 'heic', 'ico',
  'zip', 'gz', 'tgz', 'bz2', 'xz', 'zst', 'br', 'lz4', '7z', 'rar', 'jar', 'svgz',
  'woff', 'woff2',
  'mp3', 'mp4', 'm4a', 'aac', 'ogg', 'opus', 'webm', 'mov',
  'docx', 'xlsx', 'pptx', 'odt',
]);

/** Deflate must save at least this share of the bytes, or the entry is stored. */
const MIN_SAVING = 0.02;

/** 1980-01-01T00:00:00 as a UTC instant: the DOS minimum under archiver's UTC conversion. */
const FIXED_DATE = new Date(Date.UTC(1980, 0, 1, 0, 0, 0));
const FILE_MODE = 0o644;
const DIR_MODE = 0o755;

const deflateRawAsync = promisify(deflateRaw);

function extensionOf(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

function checkPath(path: string): void {
  const bad =
    path === '' ||
    path.startsWith('/') ||
    path.endsWith('/') ||
    path.includes('\\') ||
    path.includes('\0') ||
    /^\w+:/.test(path) ||
    path.split('/').some((s) => s === '' || s === '.' || s === '..');
  if (bad) throw new Error(`Invalid zip entry path ${JSON.stringify(path)}: use a relative path with "/" separators and no "", "." or ".." segments.`);
}

const byteOrder = (a: Buffer, b: Buffer): number => Buffer.compare(a, b);

interface PlannedEntry {
  readonly name: string;
  readonly key: Buffer;
  readonly bytes?: Buffer;
  readonly store: boolean;
}

/**
 * Entries up to this size are trial-compressed synchronously: for small inputs the thread-pool
 * round trip of async zlib costs more than the compression (980 files of 0.8 KB: 145 ms async,
 * 15 ms sync). Larger entries go to the thread pool, where they compress in parallel.
 */
const SYNC_TRIAL_MAX_BYTES = 128 * 1024;

/** Whether deflate (at `level`) saves at least 2 % of `bytes`. */
async function worthDeflating(bytes: Buffer, level: number): Promise<boolean> {
  if (bytes.length === 0) return false;
  const compressed = bytes.length <= SYNC_TRIAL_MAX_BYTES ? deflateRawSync(bytes, { level }) : await deflateRawAsync(bytes, { level });
  return compressed.length <= bytes.length * (1 - MIN_SAVING);
}

/** Sorted file and directory entries, with the store/deflate decision made per file. */
async function planZip(entries: readonly ZipInputEntry[], level: number): Promise<PlannedEntry[]> {
  const files = new Map<string, Uint8Array>();
  for (const e of entries) {
    checkPath(e.path);
    if (files.has(e.path)) throw new Error(`Duplicate zip entry path ${JSON.stringify(e.path)}.`);
    files.set(e.path, e.bytes);
  }
  const dirs = new Set<string>();
  for (const path of files.keys()) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(`${parts.slice(0, i).join('/')}/`);
  }
  for (const dir of dirs) {
    const asFile = dir.slice(0, -1);
    if (files.has(asFile)) throw new Error(`Zip entry ${JSON.stringify(asFile)} is both a file and a directory.`);
  }
  // Trial compressions run on the libuv thread pool, in parallel.
  const planned = await Promise.all(
    [...files].map(async ([name, data]): Promise<PlannedEntry> => {
      const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      const store = level === 0 || STORED_EXTENSIONS.has(extensionOf(name)) || !(await worthDeflating(bytes, level));
      return { name, key: Buffer.from(name, 'utf8'), bytes, store };
    }),
  );
  for (const dir of dirs) planned.push({ name: dir, key: Buffer.from(dir, 'utf8'), store: true });
  return planned.sort((a, b) => byteOrder(a.key, b.key));
}

/**
 * Builds a zip archive of `entries` (see the module comment for what makes it deterministic).
 * Throws on invalid or duplicate paths.
 */
export async function writeZip(entries: readonly ZipInputEntry[], options: WriteZipOptions = {}): Promise<Uint8Array> {
  const level = options.level ?? 6;
  if (!Number.isInteger(level) || level < 0 || level > 9) throw new Error(`Invalid zip level ${level}: use an integer from 0 to 9.`);
  const planned = await planZip(entries, level);
  const { ZipArchive } = await import('archiver');
  const archive = new ZipArchive({ zlib: { level: level === 0 ? 6 : level }, forceZip64: false, comment: '' });
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    archive.on('data', (chunk: Buffer) => chunks.push(chunk));
    archive.on('end', () => resolve());
    archive.on('error', reject);
    archive.on('warning', reject);
  });
  for (const e of planned) {
    if (e.bytes === undefined) {
      archive.append(Buffer.alloc(0), { name: e.name, type: 'directory', date: FIXED_DATE, mode: DIR_MODE });
    } else {
      archive.append(e.bytes, { name: e.name, date: FIXED_DATE, mode: FILE_MODE, store: e.store });
    }
  }
  await archive.finalize();
  await done;
  const out = Buffer.concat(chunks);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

export interface PackageSizeIssue {
  readonly code: 'IB-111';
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

const formatBytes = (n: number): string => n.toLocaleString('en-US');
const formatMiB = (n: number): string => `${(n / 1048576).toFixed(2)} MB`;

/**
 * IB-111 with H-02: above 30 × 2^20 bytes is an error; above 30 × 10^6 bytes a warning (the
 * Marketplace might count decimal megabytes). Undefined when the size is fine.
 */
export function checkPackageSize(bytes: number): PackageSizeIssue | undefined {
  if (bytes > MAX_PACKAGE_BYTES) {
    return {
      code: 'IB-111',
      severity: 'error',
      message: `The package archive is ${formatBytes(bytes)} bytes (${formatMiB(bytes)}), over the Marketplace limit of 30 MB (${formatBytes(MAX_PACKAGE_BYTES)} bytes). Shrink or remove large files (the icon, bundled binaries) until it fits.`,
    };
  }
  if (bytes > PACKAGE_WARNING_BYTES) {
    return {
      code: 'IB-111',
      severity: 'warning',
      message: `The package archive is ${formatBytes(bytes)} bytes: within 30 MB of 2^20 bytes (${formatBytes(MAX_PACKAGE_BYTES)}), but over 30,000,000 bytes, which is the limit if the Marketplace counts decimal megabytes (H-02). Keep it under 30,000,000 bytes to be safe.`,
    };
  }
  return undefined;
}
