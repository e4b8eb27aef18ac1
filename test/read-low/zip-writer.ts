/**
 * A minimal zip writer for hostile test fixtures: every header field can be set to a
 * lie (names, attributes, flags, sizes, CRC), which normal archivers refuse to do.
 */
import { crc32, deflateRawSync } from 'node:zlib';

export interface RawEntry {
  name: string | Uint8Array;
  data?: Uint8Array | string;
  /** 0 = stored, 8 = deflate (default), anything else is written as stored data with that method number. */
  method?: number;
  /** External attributes (Unix mode in the high 16 bits). */
  externalAttr?: number;
  /** Default 0x031e (Unix, spec 3.0). */
  versionMadeBy?: number;
  /** General purpose flags; bit 11 (UTF-8) is added for non-ASCII string names. */
  flags?: number;
  crc?: number;
  uncompressedSize?: number;
  compressedSize?: number;
  /** Use these bytes as the compressed data instead of compressing `data`. */
  compressed?: Uint8Array;
}

const u16 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff];
const u32 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];

export function makeZip(entries: RawEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const nameBytes = typeof e.name === 'string' ? new TextEncoder().encode(e.name) : e.name;
    const data = typeof e.data === 'string' ? new TextEncoder().encode(e.data) : (e.data ?? new Uint8Array(0));
    const method = e.method ?? 8;
    const compressed = e.compressed ?? (method === 8 ? new Uint8Array(deflateRawSync(data)) : data);
    const crc = e.crc ?? crc32(data);
    const usize = e.uncompressedSize ?? data.byteLength;
    const csize = e.compressedSize ?? compressed.byteLength;
    let flags = e.flags ?? 0;
    if (typeof e.name === 'string' && /[^\x00-\x7f]/.test(e.name)) flags |= 0x800;
    const local = Uint8Array.from([
      ...u32(0x04034b50),
      ...u16(20),
      ...u16(flags),
      ...u16(method),
      ...u16(0),
      ...u16(0x21),
      ...u32(crc),
      ...u32(csize),
      ...u32(usize),
      ...u16(nameBytes.byteLength),
      ...u16(0),
    ]);
    central.push(
      Uint8Array.from([
        ...u32(0x02014b50),
        ...u16(e.versionMadeBy ?? 0x031e),
        ...u16(20),
        ...u16(flags),
        ...u16(method),
        ...u16(0),
        ...u16(0x21),
        ...u32(crc),
        ...u32(csize),
        ...u32(usize),
        ...u16(nameBytes.byteLength),
        ...u16(0),
        ...u16(0),
        ...u16(0),
        ...u16(0),
        ...u32(e.externalAttr ?? ((0o100644 << 16) >>> 0)),
        ...u32(offset),
      ]),
      nameBytes,
    );
    parts.push(local, nameBytes, compressed);
    offset += local.byteLength + nameBytes.byteLength + compressed.byteLength;
  }
  const cdSize = central.reduce((n, p) => n + p.byteLength, 0);
  const end = Uint8Array.from([
    ...u32(0x06054b50),
    ...u16(0),
    ...u16(0),
    ...u16(entries.length),
    ...u16(entries.length),
    ...u32(cdSize),
    ...u32(offset),
    ...u16(0),
  ]);
  const all = [...parts, ...central, end];
  const out = new Uint8Array(all.reduce((n, p) => n + p.byteLength, 0));
  let o = 0;
  for (const p of all) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}

/** Unix mode bits as external attributes. */
export const unixMode = (mode: number): number => (mode << 16) >>> 0;
