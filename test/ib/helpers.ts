/** Helpers for the image-based tests: temp copies of DSL projects, reading built trees. */
import { cpSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot, tempDir } from '../helpers.js';

export const fixturesDir = join(repoRoot, 'test', 'fixtures', 'ib');
/** The SPEC §C.15 package written in the DSL. */
export const c15Dsl = join(fixturesDir, 'spec-c15-dsl');
export const c15ServiceFile = 'services/demo_app/service.ts';

/** Copies a project into a fresh temp dir; `edit` rewrites files (path → new content or a function of the old). */
export function copyProject(from: string, edit: Record<string, string | Uint8Array | ((old: string) => string)> = {}, prefix = 'ib-'): string {
  const dir = tempDir(prefix);
  cpSync(from, dir, { recursive: true, filter: (src) => !src.split(/[\\/]/).includes('dist') });
  for (const [path, change] of Object.entries(edit)) {
    const target = join(dir, path);
    if (typeof change === 'function') writeFileSync(target, change(readFileSync(target, 'utf8')));
    else writeFileSync(target, change);
  }
  return dir;
}

/** Every file under `dir`, as POSIX paths relative to it, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p).split('\\').join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/** Replaces `from` in a source text, failing loudly when it is not there (so tests notice fixture drift). */
export function replaceOnce(from: string, to: string): (old: string) => string {
  return (old) => {
    if (!old.includes(from)) throw new Error(`test edit: ${JSON.stringify(from)} not found`);
    return old.replace(from, to);
  };
}

/** The entries of a zip (in archive order): names, contents, and directory flags. */
export interface ZipEntry {
  name: string;
  bytes: Buffer;
  dir: boolean;
  /** DOS date and time fields as stored. */
  dosDate: number;
  dosTime: number;
}

export async function unzip(bytes: Uint8Array): Promise<ZipEntry[]> {
  const yauzl = (await import('yauzl')).default;
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(Buffer.from(bytes), { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error);
      const out: ZipEntry[] = [];
      zip.on('entry', (entry: import('yauzl').Entry) => {
        if (entry.fileName.endsWith('/')) {
          out.push({ name: entry.fileName, bytes: Buffer.alloc(0), dir: true, dosDate: entry.lastModFileDate, dosTime: entry.lastModFileTime });
          zip.readEntry();
          return;
        }
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            out.push({ name: entry.fileName, bytes: Buffer.concat(chunks), dir: false, dosDate: entry.lastModFileDate, dosTime: entry.lastModFileTime });
            zip.readEntry();
          });
          stream.on('error', reject);
        });
      });
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}
