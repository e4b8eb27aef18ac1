/**
 * Reads a service-package zip into a {@link FileTree}, entirely in memory (nothing is
 * written to disk), treating the archive as hostile: unsafe names, links, bombs,
 * encryption and corruption are reported as issues and the offending entries left out.
 */
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';
import type { ParseIssue } from './json.js';
import { formatBytes, isStrayName, resolveTreeLimits, sortEntries } from './tree.js';
import type { FileTree, TreeLimits } from './tree.js';

/** Entries above this size must not inflate more than {@link MAX_RATIO} times their compressed size. */
const RATIO_MIN_BYTES = 1024 * 1024;
const MAX_RATIO = 100;

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;

/**
 * Reads a zip archive (a path, or its bytes) into a {@link FileTree}. Never throws and
 * never writes to disk.
 *
 * `root` is `<display>!` where `<display>` is the absolute zip path (or `displayPath`,
 * default `<memory>.zip`, for bytes); entry issues use `file: <display>!/<entry name>`,
 * archive-wide issues `file: <display>`, always line 1, column 1.
 *
 * Issue kinds (the entry is left out unless said otherwise):
 * - `zip-slip` — a name that could escape the extraction directory: absolute (`/x`,
 *   `\x`), with a drive letter (`C:`), with a `..` segment (also via backslashes), or
 *   containing NUL;
 * - `bad-name` — a name using `\` as separator (kept, with `/`): Linux tools, like the
 *   marketplace, see one file with backslashes in its name; or a name flagged UTF-8
 *   that is not valid UTF-8 (left out);
 * - `symlink` — a symbolic link (Unix mode `S_IFLNK` in the external attributes);
 * - `special-file` — another non-regular Unix file type (FIFO, device, socket);
 * - `zip-bomb` — the declared sizes add up to more than `maxTotalBytes` (nothing is
 *   inflated), the inflated bytes actually reach it (inflating stops at once), an entry
 *   over 1 MiB declares or reaches a compression ratio above 100:1, or an entry inflates
 *   to more than it declared; bytes are counted as they are inflated, headers are not
 *   trusted;
 * - `too-large` — an entry larger than `maxEntryBytes`;
 * - `too-many-entries` — the archive has more than `maxEntries` records; only the first
 *   `maxEntries` are read;
 * - `duplicate-entry` — a second entry with the same path; the first is kept;
 * - `conflict` — a file whose path is also a directory (`a` and `a/b`); the file is
 *   left out, the directory's contents kept;
 * - `encrypted` — an encrypted entry (or strong encryption, which stops the listing);
 * - `unsupported-compression` — a method other than stored (0) or deflate (8);
 * - `stray` — `__MACOSX/`, `.DS_Store`, `._*`, `.git/`, `Thumbs.db`, `desktop.ini`
 *   (one issue per stray file or directory, with the number of entries);
 * - `corrupt` — not a zip, truncated, a bad header, a CRC-32 mismatch, a deflate error;
 *   entries read before the damage are kept;
 * - `io` — the zip file cannot be opened.
 *
 * Directory entries are not files: they only make their path a directory.
 */
export async function readZipTree(zipPathOrBytes: string | Uint8Array, limits?: TreeLimits, displayPath?: string): Promise<FileTree> {
  const display = typeof zipPathOrBytes === 'string' ? (displayPath ?? resolve(zipPathOrBytes)) : (displayPath ?? '<memory>.zip');
  const tree: FileTree = { root: `${display}!`, entries: new Map(), issues: [] };
  let zipfile: ZipFile | undefined;
  try {
    zipfile = await openZip(zipPathOrBytes);
  } catch (e) {
    const message = errorMessage(e);
    const code = (e as NodeJS.ErrnoException).code;
    const kind = typeof code === 'string' && code.startsWith('E') ? 'io' : 'corrupt';
    tree.issues.push(archiveIssue(display, kind, kind === 'io' ? `cannot open the zip file: ${message}` : `not a readable zip archive: ${message}`));
    return tree;
  }
  try {
    await new ZipReader(zipfile, display, resolveTreeLimits(limits), tree).read();
  } catch (e) {
    // Defensive: ZipReader turns every failure into an issue already.
    tree.issues.push(archiveIssue(display, 'corrupt', `reading the archive failed: ${errorMessage(e)}`));
  } finally {
    try {
      zipfile.close();
    } catch {
      // Already closed.
    }
  }
  tree.entries = sortEntries(tree.entries);
  return tree;
}

function archiveIssue(display: string, kind: string, message: string): ParseIssue {
  return { kind, message, span: { file: display, line: 1, column: 1, endLine: 1, endColumn: 1 } };
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

const OPTIONS: yauzl.Options = {
  lazyEntries: true,
  autoClose: false,
  // Names are decoded and validated here: yauzl's validation stops the whole listing.
  decodeStrings: false,
  validateEntrySizes: true,
  strictFileNames: true,
};

function openZip(input: string | Uint8Array): Promise<ZipFile> {
  return new Promise((resolvePromise, reject) => {
    const done = (err: Error | null, zf?: ZipFile): void => {
      if (err || !zf) reject(err ?? new Error('no zip file'));
      else {
        // An 'error' event without a listener would throw; errors are also handled per call.
        zf.on('error', () => undefined);
        resolvePromise(zf);
      }
    };
    try {
      if (typeof input === 'string') yauzl.open(input, OPTIONS, done);
      else yauzl.fromBuffer(Buffer.from(input.buffer, input.byteOffset, input.byteLength), OPTIONS, done);
    } catch (e) {
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
}

/** A central-directory record accepted for inflating. */
interface Candidate {
  entry: Entry;
  path: string;
}

class ZipReader {
  private readonly issues: ParseIssue[];

  constructor(
    private readonly zipfile: ZipFile,
    private readonly display: string,
    private readonly limits: Required<TreeLimits>,
    private readonly tree: FileTree,
  ) {
    this.issues = tree.issues;
  }

  private entryIssue(kind: string, name: string, message: string): void {
    this.issues.push({ kind, message, span: { file: `${this.display}!/${name}`, line: 1, column: 1, endLine: 1, endColumn: 1 } });
  }

  async read(): Promise<void> {
    const { zipfile, limits } = this;
    if (zipfile.entryCount > limits.maxEntries) {
      this.issues.push(
        archiveIssue(
          this.display,
          'too-many-entries',
          `the archive has ${zipfile.entryCount} entries, more than the limit of ${limits.maxEntries}; only the first ${limits.maxEntries} were read`,
        ),
      );
    }
    const { entries, error } = await this.listEntries(Math.min(zipfile.entryCount, limits.maxEntries));
    if (error) {
      const message = errorMessage(error);
      if (/encrypt/i.test(message)) this.issues.push(archiveIssue(this.display, 'encrypted', `${message}; the entries after it were not read`));
      else this.issues.push(archiveIssue(this.display, 'corrupt', `the central directory is damaged: ${message}; the entries after it were not read`));
    }

    const candidates = this.screen(entries);
    let declared = 0;
    for (const c of candidates) declared += c.entry.uncompressedSize;
    if (declared > limits.maxTotalBytes) {
      this.issues.push(
        archiveIssue(
          this.display,
          'zip-bomb',
          `the entries declare ${formatBytes(declared)} uncompressed, more than the limit of ${formatBytes(limits.maxTotalBytes)}; nothing was inflated`,
        ),
      );
      return;
    }
    let total = 0;
    for (const c of candidates) {
      const result = await this.inflate(c, limits.maxTotalBytes - total);
      if (result === 'stop') return;
      if (result) {
        total += result.byteLength;
        this.tree.entries.set(c.path, result);
      }
    }
  }

  /** Reads up to `max` central-directory records. */
  private listEntries(max: number): Promise<{ entries: Entry[]; error?: Error }> {
    const zipfile = this.zipfile;
    return new Promise((resolvePromise) => {
      const entries: Entry[] = [];
      if (max <= 0) {
        resolvePromise({ entries });
        return;
      }
      const cleanup = (): void => {
        zipfile.removeListener('entry', onEntry);
        zipfile.removeListener('end', onEnd);
        zipfile.removeListener('error', onError);
      };
      const onEntry = (entry: Entry): void => {
        entries.push(entry);
        if (entries.length >= max) {
          cleanup();
          resolvePromise({ entries });
        } else {
          zipfile.readEntry();
        }
      };
      const onEnd = (): void => {
        cleanup();
        resolvePromise({ entries });
      };
      const onError = (err: Error): void => {
        cleanup();
        resolvePromise({ entries, error: err });
      };
      zipfile.on('entry', onEntry);
      zipfile.on('end', onEnd);
      zipfile.on('error', onError);
      try {
        zipfile.readEntry();
      } catch (e) {
        onError(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }

  /** Checks names, types, flags and declared sizes; returns the file entries to inflate. */
  private screen(entries: Entry[]): Candidate[] {
    const { limits } = this;
    const files = new Map<string, Candidate>();
    const dirs = new Set<string>();
    const strays = new Map<string, number>();
    for (const entry of entries) {
      const raw = entry.fileNameRaw;
      const utf8 = (entry.generalPurposeBitFlag & 0x800) !== 0;
      let name: string;
      if (utf8) {
        try {
          name = new TextDecoder('utf-8', { fatal: true }).decode(raw);
        } catch {
          this.entryIssue('bad-name', raw.toString('latin1'), 'the entry name is flagged UTF-8 but is not valid UTF-8; the entry was left out');
          continue;
        }
      } else {
        // CP437, or the Info-ZIP Unicode Path extra field, as every unzip tool does.
        name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, raw, entry.extraFields, true);
      }

      const unsafe = unsafeName(name);
      if (unsafe) {
        this.entryIssue('zip-slip', name, `unsafe entry name: ${unsafe}; the entry was left out`);
        continue;
      }
      const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
      const hasUnixMode = entry.externalFileAttributes >>> 16 !== 0;
      let isDir = name.endsWith('/') || name.endsWith('\\') || (hasUnixMode && mode === S_IFDIR);
      if (!isDir && !hasUnixMode && (entry.externalFileAttributes & 0x10) !== 0 && entry.uncompressedSize === 0) isDir = true;
      let path = name;
      if (name.includes('\\')) {
        path = name.replace(/\\/g, '/');
        this.entryIssue(
          'bad-name',
          name,
          `the entry name uses '\\' as a path separator; read as ${JSON.stringify(path.replace(/\/$/, ''))}, but Linux tools (and the marketplace) see one file named ${JSON.stringify(name)}. Re-create the zip with a tool that writes '/'`,
        );
      }
      path = path
        .split('/')
        .filter((s) => s !== '' && s !== '.')
        .join('/');
      if (path === '') continue; // the root directory itself ("./")

      const segments = path.split('/');
      const strayAt = segments.findIndex(isStrayName);
      if (strayAt >= 0) {
        const strayPath = segments.slice(0, strayAt + 1).join('/');
        strays.set(strayPath, (strays.get(strayPath) ?? 0) + 1);
        continue;
      }

      if (mode === S_IFLNK) {
        this.entryIssue('symlink', path, `${path} is a symbolic link; links are not extracted and it was left out`);
        continue;
      }
      if (hasUnixMode && mode !== 0 && mode !== S_IFREG && mode !== S_IFDIR) {
        this.entryIssue('special-file', path, `${path} is not a regular file (Unix mode ${mode.toString(8)}); it was left out`);
        continue;
      }
      if (isDir) {
        dirs.add(path);
        continue;
      }
      if ((entry.generalPurposeBitFlag & 0x1) !== 0) {
        this.entryIssue('encrypted', path, `${path} is encrypted; the marketplace cannot read encrypted entries. It was left out`);
        continue;
      }
      if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
        this.entryIssue(
          'unsupported-compression',
          path,
          `${path} uses compression method ${entry.compressionMethod}; only stored (0) and deflate (8) are supported. It was left out`,
        );
        continue;
      }
      if (files.has(path)) {
        this.entryIssue('duplicate-entry', path, `${path} appears more than once in the archive; the first entry was kept`);
        continue;
      }
      if (entry.uncompressedSize > limits.maxEntryBytes) {
        this.entryIssue(
          'too-large',
          path,
          `${path} declares ${formatBytes(entry.uncompressedSize)}, more than the limit of ${formatBytes(limits.maxEntryBytes)}; it was left out`,
        );
        continue;
      }
      if (entry.uncompressedSize > RATIO_MIN_BYTES && entry.uncompressedSize > MAX_RATIO * entry.compressedSize) {
        this.entryIssue(
          'zip-bomb',
          path,
          `${path} declares ${formatBytes(entry.uncompressedSize)} from ${formatBytes(entry.compressedSize)} compressed (ratio ${ratio(entry.uncompressedSize, entry.compressedSize)}:1, limit ${MAX_RATIO}:1); it was not inflated`,
        );
        continue;
      }
      files.set(path, { entry, path });
    }
    for (const [strayPath, count] of strays) {
      this.entryIssue(
        'stray',
        strayPath,
        `${strayPath} is operating-system or tool litter, not part of the package; ${count === 1 ? 'it was' : `its ${count} entries were`} left out`,
      );
    }
    // Every ancestor of a file is a directory too.
    for (const path of files.keys()) {
      for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) dirs.add(path.slice(0, i));
    }
    const out: Candidate[] = [];
    for (const c of files.values()) {
      if (dirs.has(c.path)) {
        this.entryIssue('conflict', c.path, `${c.path} is both a file and a directory in the archive; the file was left out`);
        continue;
      }
      out.push(c);
    }
    return out;
  }

  /**
   * Inflates one entry, counting bytes as they arrive. Returns the bytes, `null` if the
   * entry was left out, or `'stop'` when the total limit is crossed.
   */
  private async inflate(c: Candidate, remaining: number): Promise<Uint8Array | null | 'stop'> {
    const { entry, path } = c;
    const { limits } = this;
    let stream: Readable;
    try {
      stream = await new Promise<Readable>((res, rej) => {
        try {
          this.zipfile.openReadStream(entry, (err, s) => (err ? rej(err) : res(s)));
        } catch (e) {
          rej(e instanceof Error ? e : new Error(String(e)));
        }
      });
    } catch (e) {
      this.entryIssue('corrupt', path, `${path} cannot be read: ${errorMessage(e)}; it was left out`);
      return null;
    }
    return new Promise((res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let crc = 0;
      let settled = false;
      const finish = (value: Uint8Array | null | 'stop', issue?: [string, string]): void => {
        if (settled) return;
        settled = true;
        if (issue) this.entryIssue(issue[0], path, issue[1]);
        stream.removeAllListeners('data');
        stream.on('error', () => undefined);
        if (value === null || value === 'stop') stream.destroy();
        res(value);
      };
      stream.on('data', (chunk: Buffer) => {
        if (settled) return;
        size += chunk.byteLength;
        if (size > remaining) {
          finish('stop', [
            'zip-bomb',
            `the inflated entries reached the limit of ${formatBytes(limits.maxTotalBytes)} at ${path}; inflating stopped and the remaining entries were left out`,
          ]);
          return;
        }
        if (size > limits.maxEntryBytes) {
          finish(null, ['too-large', `${path} inflates to more than ${formatBytes(limits.maxEntryBytes)}; it was left out`]);
          return;
        }
        if (size > RATIO_MIN_BYTES && size > MAX_RATIO * entry.compressedSize) {
          finish(null, [
            'zip-bomb',
            `${path} inflates beyond ${MAX_RATIO} times its ${formatBytes(entry.compressedSize)} compressed size; inflating stopped and it was left out`,
          ]);
          return;
        }
        crc = crc32(chunk, crc);
        chunks.push(chunk);
      });
      stream.on('error', (err: Error) => {
        const message = errorMessage(err);
        if (/too many bytes/i.test(message)) {
          finish(null, ['zip-bomb', `${path} inflates to more than its declared ${formatBytes(entry.uncompressedSize)}; it was left out`]);
        } else {
          finish(null, ['corrupt', `${path} is damaged: ${message}; it was left out`]);
        }
      });
      stream.on('end', () => {
        if ((crc >>> 0) !== (entry.crc32 >>> 0)) {
          finish(null, [
            'corrupt',
            `${path} fails its CRC-32 check (stored ${hex8(entry.crc32)}, computed ${hex8(crc)}); it was left out`,
          ]);
          return;
        }
        const bytes = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
        finish(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      });
    });
  }
}

/** Why `name` is unsafe to extract, or `null`. */
function unsafeName(name: string): string | null {
  if (name.includes('\0')) return 'it contains a NUL character';
  if (name.startsWith('/') || name.startsWith('\\')) return 'it is an absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'it starts with a drive letter';
  if (name.split(/[/\\]/).includes('..')) return "it contains a '..' segment that can escape the extraction directory";
  return null;
}

const ratio = (a: number, b: number): string => (b === 0 ? '∞' : String(Math.round(a / b)));
const hex8 = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');
