import { open, type FileHandle } from 'node:fs/promises';
import { crc32, inflateRawSync } from 'node:zlib';
import type { PackageVerdict, VerdictPlan } from './types.js';

/** One entry of a zip central directory. */
export interface ZipEntry {
  /** Path inside the archive (`/`-separated). */
  name: string;
  /** Compression method (0 stored, 8 deflate). */
  method: number;
  /** General-purpose flags. */
  flags: number;
  /** CRC-32 of the uncompressed data. */
  crc32: number;
  /** Compressed size. */
  compressedSize: number;
  /** Uncompressed size. */
  size: number;
  /** Offset of the local file header. */
  localHeaderOffset: number;
}

/** The file is not a zip this reader understands. */
export class ZipFormatError extends Error {
  /** @param message - what is wrong */
  constructor(message: string) {
    super(message);
    this.name = 'ZipFormatError';
  }
}

const EOCD_SIG = 0x06054b50;
const CEN_SIG = 0x02014b50;
const LOC_SIG = 0x04034b50;
const MAX_CENTRAL_DIR = 16 * 1024 * 1024;

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) throw new ZipFormatError('unexpected end of file');
    done += bytesRead;
  }
  return buf;
}

/**
 * Reads and checks the central directory of a zip using positioned reads only (the archive is
 * never loaded whole): end-of-central-directory record, every central entry, and the signature
 * of every local header. ZIP64, multi-disk and encrypted archives are refused.
 *
 * @param fh - open file handle
 * @param fileSize - file size in bytes
 * @throws {@link ZipFormatError}
 */
export async function readZipDirectory(fh: FileHandle, fileSize: number): Promise<ZipEntry[]> {
  if (fileSize < 22) throw new ZipFormatError('file is too small to be a zip archive');
  const tailLen = Math.min(fileSize, 22 + 0xffff);
  const tail = await readAt(fh, fileSize - tailLen, tailLen);
  let eocd = -1;
  for (let i = tailLen - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIG && i + 22 + tail.readUInt16LE(i + 20) <= tailLen) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipFormatError('no end-of-central-directory record: not a zip archive');
  const disk = tail.readUInt16LE(eocd + 4);
  const cdDisk = tail.readUInt16LE(eocd + 6);
  const total = tail.readUInt16LE(eocd + 10);
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  if (disk !== 0 || cdDisk !== 0) throw new ZipFormatError('multi-disk (split) archives are not supported');
  if (total === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw new ZipFormatError('ZIP64 archives are not supported');
  const eocdOffset = fileSize - tailLen + eocd;
  if (cdOffset + cdSize > eocdOffset) throw new ZipFormatError('central directory lies outside the archive');
  if (cdSize > MAX_CENTRAL_DIR) throw new ZipFormatError('central directory is implausibly large');
  const cd = await readAt(fh, cdOffset, cdSize);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let n = 0; n < total; n++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== CEN_SIG) throw new ZipFormatError(`central directory entry ${n + 1} is corrupt`);
    const flags = cd.readUInt16LE(p + 8);
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    if (p + 46 + nameLen > cd.length) throw new ZipFormatError(`central directory entry ${n + 1} is truncated`);
    const entry: ZipEntry = {
      name: cd.toString('utf8', p + 46, p + 46 + nameLen),
      method: cd.readUInt16LE(p + 10),
      flags,
      crc32: cd.readUInt32LE(p + 16),
      compressedSize: cd.readUInt32LE(p + 20),
      size: cd.readUInt32LE(p + 24),
      localHeaderOffset: cd.readUInt32LE(p + 42),
    };
    if (entry.localHeaderOffset + 30 + entry.compressedSize > cdOffset) throw new ZipFormatError(`entry ${entry.name} lies outside the archive data`);
    entries.push(entry);
    p += 46 + nameLen + extraLen + commentLen;
  }
  for (const e of entries) {
    const loc = await readAt(fh, e.localHeaderOffset, 4);
    if (loc.readUInt32LE(0) !== LOC_SIG) throw new ZipFormatError(`local header of ${e.name} is missing`);
  }
  return entries;
}

/**
 * Extracts one (small) entry and verifies its CRC-32.
 *
 * @param fh - open file handle
 * @param entry - the entry from {@link readZipDirectory}
 * @param maxBytes - refuse entries larger than this (uncompressed)
 * @throws {@link ZipFormatError}
 */
export async function readZipEntry(fh: FileHandle, entry: ZipEntry, maxBytes: number): Promise<Buffer> {
  if (entry.flags & 1) throw new ZipFormatError(`${entry.name} is encrypted`);
  if (entry.size > maxBytes || entry.compressedSize > maxBytes) throw new ZipFormatError(`${entry.name} is too large to inspect`);
  const loc = await readAt(fh, entry.localHeaderOffset, 30);
  const dataStart = entry.localHeaderOffset + 30 + loc.readUInt16LE(26) + loc.readUInt16LE(28);
  const raw = await readAt(fh, dataStart, entry.compressedSize);
  let data: Buffer;
  if (entry.method === 0) data = raw;
  else if (entry.method === 8) {
    try {
      data = inflateRawSync(raw, { maxOutputLength: maxBytes });
    } catch {
      throw new ZipFormatError(`${entry.name} cannot be decompressed`);
    }
  } else throw new ZipFormatError(`${entry.name} uses unsupported compression method ${entry.method}`);
  if (data.length !== entry.size || crc32(data) >>> 0 !== entry.crc32 >>> 0) throw new ZipFormatError(`${entry.name} fails its CRC check`);
  return data;
}

function unquote(raw: string): string {
  const v = raw.trim();
  if (v.startsWith("'")) {
    const end = v.lastIndexOf("'");
    return end > 0 ? v.slice(1, end).replace(/''/g, "'") : v.slice(1);
  }
  if (v.startsWith('"')) {
    const end = v.lastIndexOf('"');
    const inner = end > 0 ? v.slice(1, end) : v.slice(1);
    try {
      return JSON.parse(`"${inner}"`) as string;
    } catch {
      return inner;
    }
  }
  const hash = v.search(/\s#/);
  return (hash >= 0 ? v.slice(0, hash) : v).trim();
}

/**
 * Reads the top-level `key: scalar` pairs of a simple YAML mapping (no nesting is interpreted).
 * Enough to pick `id`, `revision` and `name` out of `service.yaml` and `plan.yaml`.
 */
export function topLevelScalars(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const m = /^([A-Za-z_][\w.-]*):(?:[ \t]+(.*))?$/.exec(line);
    if (!m || m[2] === undefined) continue;
    const value = unquote(m[2]);
    if (value !== '' && !out.has(m[1]!)) out.set(m[1]!, value);
  }
  return out;
}

/**
 * Reads a top-level YAML list in flow (`key: [a, b]`), block (`key:` + `- a` lines) or scalar
 * (`key: a`) form. Returns `undefined` when the key is absent.
 */
export function topLevelList(text: string, key: string): string[] | undefined {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const m = /^([A-Za-z_][\w.-]*):(.*)$/.exec(lines[i]!);
    if (!m || m[1] !== key) continue;
    const rest = unquote(m[2]!);
    if (rest.startsWith('[')) {
      const inner = rest.slice(1, rest.includes(']') ? rest.indexOf(']') : undefined);
      return inner.split(',').map(unquote).filter((s) => s !== '');
    }
    if (rest !== '') return [rest];
    const items: string[] = [];
    for (let j = i + 1; j < lines.length; j++) {
      const line = lines[j]!;
      if (/^\s*(#.*)?$/.test(line)) continue;
      const item = /^\s*-\s+(.*)$/.exec(line);
      if (!item) break;
      items.push(unquote(item[1]!));
    }
    return items;
  }
  return undefined;
}

interface Diagnostic {
  code: string;
  severity: 'error';
  message: string;
  file?: string;
}

const MAX_YAML_BYTES = 1024 * 1024;

/**
 * The emulator's built-in package check, used when no `validatePackage` hook is given.
 *
 * Deliberately minimal and built only on Node built-ins (positioned file reads and `zlib`), so the
 * emulator has no dependency on `@vkmp/core`; the CLI plugs the real validator in. It checks that:
 * the file is a readable, unencrypted, non-ZIP64 zip whose entries pass their structural checks;
 * entry names are relative with no `..`; the root holds a single `<SERVICE_NAME>/` directory (H-04)
 * containing `service.yaml` with `id`, `revision` and `name`. It then reads every
 * `plans/<PLAN>/plan.yaml` (`id`, `revision`, `name`) and every `parameters/<OPTION>.yaml` whose
 * `actions` include `resource_usages` (postpaid options). YAML is read with a line-based scanner
 * of top-level keys, not a full parser. Only the inspected files are decompressed and CRC-checked.
 *
 * @param zipPath - path of the uploaded zip
 */
export async function minimalValidatePackage(zipPath: string): Promise<PackageVerdict> {
  const diagnostics: Diagnostic[] = [];
  const fail = (code: string, message: string, file?: string): PackageVerdict => {
    diagnostics.push({ code, severity: 'error', message, ...(file !== undefined ? { file } : {}) });
    return { ok: false, diagnostics };
  };
  const fh = await open(zipPath, 'r');
  try {
    const { size } = await fh.stat();
    let entries: ZipEntry[];
    try {
      entries = await readZipDirectory(fh, size);
    } catch (err) {
      if (err instanceof ZipFormatError) return fail('EMU-ZIP', `the upload is not a readable zip archive: ${err.message}`);
      throw err;
    }
    const files = entries.filter((e) => !e.name.endsWith('/'));
    if (files.length === 0) return fail('EMU-ZIP', 'the zip archive is empty');
    for (const e of entries) {
      if (e.name.startsWith('/') || e.name.includes('\\') || e.name.split('/').includes('..')) {
        return fail('EMU-ZIP', `unsafe entry name "${e.name}": entries must be relative paths without ".."`);
      }
      if (e.flags & 1) return fail('EMU-ZIP', `entry "${e.name}" is encrypted`);
    }
    const roots = new Set(entries.map((e) => e.name.split('/')[0]!));
    if (files.some((e) => !e.name.includes('/'))) {
      return fail('EMU-LAYOUT', 'the zip root must contain only the <SERVICE_NAME>/ directory, not loose files (H-04)');
    }
    if (roots.size !== 1) return fail('EMU-LAYOUT', `the zip root must contain a single <SERVICE_NAME>/ directory, found ${roots.size} (H-04)`);
    const root = [...roots][0]!;
    const byName = new Map(files.map((e) => [e.name, e]));
    const serviceEntry = byName.get(`${root}/service.yaml`);
    if (!serviceEntry) return fail('EMU-LAYOUT', `${root}/service.yaml is missing`, `${root}/service.yaml`);

    const readYaml = async (entry: ZipEntry): Promise<string | undefined> => {
      try {
        return (await readZipEntry(fh, entry, MAX_YAML_BYTES)).toString('utf8');
      } catch (err) {
        if (err instanceof ZipFormatError) {
          diagnostics.push({ code: 'EMU-ZIP', severity: 'error', message: err.message, file: entry.name });
          return undefined;
        }
        throw err;
      }
    };

    const serviceText = await readYaml(serviceEntry);
    let service: { id: string; revision: string; name: string } | undefined;
    if (serviceText !== undefined) {
      const s = topLevelScalars(serviceText);
      for (const key of ['id', 'revision', 'name']) {
        if (!s.get(key)) diagnostics.push({ code: 'EMU-FIELD', severity: 'error', message: `service.yaml has no "${key}"`, file: serviceEntry.name });
      }
      if (s.get('id') && s.get('revision') && s.get('name')) service = { id: s.get('id')!, revision: s.get('revision')!, name: s.get('name')! };
    }

    const plans: VerdictPlan[] = [];
    const planRe = new RegExp(`^${root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/plans/([^/]+)/plan\\.yaml$`);
    const paramRe = new RegExp(`^${root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/parameters/([^/]+)\\.yaml$`);
    const postpaidOptions: string[] = [];
    for (const e of files) {
      const planMatch = planRe.exec(e.name);
      if (planMatch) {
        const text = await readYaml(e);
        if (text === undefined) continue;
        const p = topLevelScalars(text);
        if (!p.get('id') || !p.get('revision')) {
          diagnostics.push({ code: 'EMU-FIELD', severity: 'error', message: 'plan.yaml needs "id" and "revision"', file: e.name });
          continue;
        }
        plans.push({ id: p.get('id')!, revision: p.get('revision')!, name: p.get('name') ?? planMatch[1]! });
        continue;
      }
      const paramMatch = paramRe.exec(e.name);
      if (paramMatch) {
        const text = await readYaml(e);
        if (text === undefined) continue;
        if (topLevelList(text, 'actions')?.includes('resource_usages')) postpaidOptions.push(paramMatch[1]!);
      }
    }
    if (diagnostics.length > 0 || !service) return { ok: false, diagnostics };
    plans.sort((a, b) => a.name.localeCompare(b.name));
    postpaidOptions.sort();
    return { ok: true, service: { ...service, plans, postpaidOptions } };
  } finally {
    await fh.close();
  }
}
