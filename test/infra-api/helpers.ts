import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from '../../packages/infra-api/src/index.js';

/** Fresh random tokens for one test file. */
export function makeTokens(): { service: string; usage: string; auth: string } {
  return {
    service: `svc-${randomBytes(12).toString('hex')}`,
    usage: `use-${randomBytes(12).toString('hex')}`,
    auth: `ks-${randomBytes(12).toString('hex')}`,
  };
}

/** A temporary directory, removed by the returned cleanup. */
export async function tempDir(prefix = 'vkmp-infra-api-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

interface ZipItem {
  name: string;
  data: Buffer;
  deflate?: boolean;
}

function dosDateTime(): { time: number; date: number } {
  // Fixed 2024-01-01 00:00:00 for reproducible archives.
  return { time: 0, date: ((2024 - 1980) << 9) | (1 << 5) | 1 };
}

function localHeader(nameBuf: Buffer, method: number, crc: number, compSize: number, size: number): Buffer {
  const { time, date } = dosDateTime();
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE(0x0800, 6);
  h.writeUInt16LE(method, 8);
  h.writeUInt16LE(time, 10);
  h.writeUInt16LE(date, 12);
  h.writeUInt32LE(crc >>> 0, 14);
  h.writeUInt32LE(compSize, 18);
  h.writeUInt32LE(size, 22);
  h.writeUInt16LE(nameBuf.length, 26);
  h.writeUInt16LE(0, 28);
  return Buffer.concat([h, nameBuf]);
}

function centralHeader(nameBuf: Buffer, method: number, crc: number, compSize: number, size: number, offset: number): Buffer {
  const { time, date } = dosDateTime();
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE(0x0314, 4);
  h.writeUInt16LE(20, 6);
  h.writeUInt16LE(0x0800, 8);
  h.writeUInt16LE(method, 10);
  h.writeUInt16LE(time, 12);
  h.writeUInt16LE(date, 14);
  h.writeUInt32LE(crc >>> 0, 16);
  h.writeUInt32LE(compSize, 20);
  h.writeUInt32LE(size, 24);
  h.writeUInt16LE(nameBuf.length, 28);
  h.writeUInt32LE(offset, 42);
  return Buffer.concat([h, nameBuf]);
}

function eocd(count: number, cdSize: number, cdOffset: number): Buffer {
  const e = Buffer.alloc(22);
  e.writeUInt32LE(0x06054b50, 0);
  e.writeUInt16LE(count, 8);
  e.writeUInt16LE(count, 10);
  e.writeUInt32LE(cdSize, 12);
  e.writeUInt32LE(cdOffset, 16);
  return e;
}

/** Builds a zip archive in memory (stored or deflated entries). */
export function makeZip(items: ZipItem[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const item of items) {
    const nameBuf = Buffer.from(item.name, 'utf8');
    const method = item.deflate ? 8 : 0;
    const payload = item.deflate ? deflateRawSync(item.data) : item.data;
    const crc = crc32(item.data);
    const lh = localHeader(nameBuf, method, crc, payload.length, item.data.length);
    central.push(centralHeader(nameBuf, method, crc, payload.length, item.data.length, offset));
    parts.push(lh, payload);
    offset += lh.length + payload.length;
  }
  const cd = Buffer.concat(central);
  return Buffer.concat([...parts, cd, eocd(items.length, cd.length, offset)]);
}

/** Identity and options of a test package. */
export interface PackageSpec {
  id?: string;
  revision?: string;
  name?: string;
  postpaid?: string[];
  planRevision?: string;
}

function packageItems(spec: Required<PackageSpec>, planId: string): ZipItem[] {
  const root = spec.name;
  const items: ZipItem[] = [
    { name: `${root}/`, data: Buffer.alloc(0) },
    { name: `${root}/version.yaml`, data: Buffer.from('version: 0.0.1\n') },
    {
      name: `${root}/service.yaml`,
      deflate: true,
      data: Buffer.from(
        [
          `id: ${spec.id}`,
          `revision: "${spec.revision}" # service revision`,
          `name: ${spec.name}`,
          'short_description: Test service',
          'icon: icon.svg',
          'help: https://example.com/help',
          'bindable: true',
          'plan_updateable: false',
          'deactivatable: false',
          'bindings_retrievable: false',
          'instances_retrievable: false',
          'plans:',
          '  - name: basic',
          'preview:',
          '  parameters: []',
          '',
        ].join('\n'),
      ),
    },
    { name: `${root}/plans/basic/plan.yaml`, deflate: true, data: Buffer.from(`id: '${planId}'\nrevision: '${spec.planRevision}'\nname: basic\ndescription: Basic\nfree: true\n`) },
  ];
  for (const opt of spec.postpaid) {
    items.push({
      name: `${root}/parameters/${opt}.yaml`,
      deflate: true,
      data: Buffer.from(`actions:\n  - resource_usages\nschema:\n  type: number\n  description: ${opt}\n`),
    });
  }
  items.push({
    name: `${root}/parameters/cpu.yaml`,
    deflate: true,
    data: Buffer.from('actions: [create, update]\nschema:\n  type: integer\n  description: CPU\n'),
  });
  return items;
}

function fillSpec(spec: PackageSpec): Required<PackageSpec> {
  return {
    id: spec.id ?? randomUUID(),
    revision: spec.revision ?? '1',
    name: spec.name ?? 'test_service',
    postpaid: spec.postpaid ?? [],
    planRevision: spec.planRevision ?? '1',
  };
}

/** A small valid image-based package zip (enough for the emulator's minimal check). */
export function makePackage(spec: PackageSpec = {}): { zip: Buffer; id: string; revision: string } {
  const full = fillSpec(spec);
  return { zip: makeZip(packageItems(full, '9d2c8e51-7f3a-4b6c-9e1d-2a4f6b8c0d13')), id: full.id, revision: full.revision };
}

/**
 * Writes a valid package zip of exactly `totalBytes` to `path`, padded with a stored entry of
 * random bytes. Returns the SHA-256 of the file, computed while writing.
 */
export async function writePaddedPackage(path: string, totalBytes: number, spec: PackageSpec = {}): Promise<{ sha256: string; id: string }> {
  const full = fillSpec(spec);
  const small = packageItems(full, randomUUID()).map((item) => {
    const nameBuf = Buffer.from(item.name, 'utf8');
    const method = item.deflate ? 8 : 0;
    const payload = item.deflate ? deflateRawSync(item.data) : item.data;
    return { nameBuf, method, payload, crc: crc32(item.data), size: item.data.length };
  });
  const blobName = Buffer.from(`${full.name}/images/padding.bin`, 'utf8');
  let fixed = 22 + 30 + 46 + 2 * blobName.length;
  for (const s of small) fixed += 30 + 46 + 2 * s.nameBuf.length + s.payload.length;
  const blobSize = totalBytes - fixed;
  if (blobSize < 0) throw new Error('totalBytes too small');
  const blob = randomBytes(blobSize);
  const hash = createHash('sha256');
  const fh = await open(path, 'w');
  try {
    const write = async (b: Buffer): Promise<void> => {
      hash.update(b);
      await fh.write(b);
    };
    const central: Buffer[] = [];
    let offset = 0;
    for (const s of small) {
      const lh = localHeader(s.nameBuf, s.method, s.crc, s.payload.length, s.size);
      central.push(centralHeader(s.nameBuf, s.method, s.crc, s.payload.length, s.size, offset));
      await write(lh);
      await write(s.payload);
      offset += lh.length + s.payload.length;
    }
    const blobCrc = crc32(blob);
    const lh = localHeader(blobName, 0, blobCrc, blobSize, blobSize);
    central.push(centralHeader(blobName, 0, blobCrc, blobSize, blobSize, offset));
    await write(lh);
    await write(blob);
    offset += lh.length + blobSize;
    const cd = Buffer.concat(central);
    await write(cd);
    await write(eocd(small.length + 1, cd.length, offset));
  } finally {
    await fh.close();
  }
  return { sha256: hash.digest('hex'), id: full.id };
}

/** SHA-256 of a buffer, hex. */
export function sha256(data: Buffer | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Starts an emulator with the given tokens and a fresh data dir unless one is given. */
export async function emulator(
  tokens: { service: string; usage: string; auth: string },
  dataDir: string,
  extra: Partial<EmulatorOptions> = {},
): Promise<EmulatorHandle> {
  return startEmulator({
    dataDir,
    serviceTokens: [tokens.service],
    usageTokens: [tokens.usage],
    authTokens: [tokens.auth],
    ...extra,
  });
}

/** A terraform manifest with `n` resources. */
export function manifest(n: number, marker = ''): string {
  const blocks: string[] = [`# ${marker}`, 'variable "flavor_uuid" { type = string }'];
  for (let i = 0; i < n; i++) blocks.push(`resource "ivkcs_compute_instance" "vm${i}" {\n  flavor_id = var.flavor_uuid\n}`);
  return `${blocks.join('\n\n')}\n`;
}
