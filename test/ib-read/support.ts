/** Helpers of the image-based reader tests: the §C.15 package as files, edits, zips. */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import type { Diagnostic } from '../../packages/core/src/diagnostics.js';
import { repoRoot } from '../helpers.js';

/** The SPEC §C.15 package (shared with the DSL tests). */
export const SPEC_DIR = join(repoRoot, 'test', 'fixtures', 'ib', 'spec-c15', 'demo_app');

export type Files = Map<string, Uint8Array>;

const encoder = new TextEncoder();
export const utf8 = (s: string): Uint8Array => encoder.encode(s);
export const text = (b: Uint8Array | undefined): string => new TextDecoder().decode(b);

/** Every file of a directory, by POSIX path relative to it, sorted. */
export function readFiles(dir: string): Files {
  const out: Files = new Map();
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(join(dir, r)).isDirectory()) walk(r);
      else out.set(r, new Uint8Array(readFileSync(join(dir, r))));
    }
  };
  walk('');
  return out;
}

export const specFiles = (): Files => readFiles(SPEC_DIR);

/** Replaces `from` (exactly once) in a text file of `files`. */
export function edit(files: Files, path: string, from: string, to: string): Files {
  const t = text(files.get(path));
  const n = t.split(from).length - 1;
  if (n !== 1) throw new Error(`${path}: ${JSON.stringify(from)} occurs ${n} times`);
  files.set(path, utf8(t.replace(from, to)));
  return files;
}

export function writeTree(dir: string, files: Files): void {
  for (const [path, bytes] of files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), bytes);
  }
}

export interface ZipEntrySpec {
  name: string;
  data: Uint8Array;
  /** Deflate the data (default: store). */
  deflate?: boolean;
  /** Unix mode in the external attributes (default 0100644). */
  mode?: number;
  /** Sizes to declare instead of the real ones (for lying headers). */
  declaredSize?: number;
}

/** A zip archive written by hand, so tests can make hostile ones (zip-slip names, links, bombs). */
export function makeZip(entries: ZipEntrySpec[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = utf8(e.name);
    const body = e.deflate ? new Uint8Array(deflateRawSync(e.data)) : e.data;
    const crc = crc32(e.data) >>> 0;
    const size = e.declaredSize ?? e.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(e.deflate ? 8 : 0, 8);
    local.writeUInt16LE(33, 12); // 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    parts.push(local, name, body);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE((3 << 8) | 20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(0x0800, 8);
    c.writeUInt16LE(e.deflate ? 8 : 0, 10);
    c.writeUInt16LE(33, 14);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(body.length, 20);
    c.writeUInt32LE(size, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE(((e.mode ?? 0o100644) << 16) >>> 0, 38);
    c.writeUInt32LE(offset, 42);
    central.push(c, name);
    offset += 30 + name.length + body.length;
  }
  const cdSize = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Math.min(entries.length, 0xffff), 8);
  end.writeUInt16LE(Math.min(entries.length, 0xffff), 10);
  end.writeUInt32LE(cdSize, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...parts, ...central, end]));
}

/** A zip of `files` under `root/` (the documented layout). */
export const zipOf = (files: Files, root = 'demo_app'): Uint8Array =>
  makeZip([...files].map(([name, data]) => ({ name: root ? `${root}/${name}` : name, data, deflate: true })));

export const show = (ds: readonly Diagnostic[]): string =>
  ds.map((d) => `${d.code} ${d.severity} ${d.span ? `${d.span.file}:${d.span.line}:${d.span.column}` : '-'} ${d.message}`).join('\n') || '(no diagnostics)';

/** 1-based line of the first line of `source` containing `needle` (after the first containing `after`). */
export function lineOf(source: string, needle: string, after?: string): number {
  const lines = source.split('\n');
  const start = after === undefined ? 0 : lines.findIndex((l) => l.includes(after));
  const i = lines.findIndex((l, n) => n >= start && l.includes(needle));
  if (start < 0 || i < 0) throw new Error(`${needle} not found`);
  return i + 1;
}
