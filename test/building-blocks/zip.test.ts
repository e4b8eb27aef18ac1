import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { crc32, deflateRawSync } from 'node:zlib';
import { build } from 'esbuild';
import yauzl from 'yauzl';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_PACKAGE_BYTES, checkPackageSize, writeZip, type ZipInputEntry } from '../../packages/core/src/zip/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const tmp = join(root, 'test', '.tmp', 'building-blocks-zip');

/** Reproducible bytes that deflate cannot shrink. */
function noise(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const text = (s: string): Buffer => Buffer.from(s, 'utf8');

/** A small package: text that deflates well, an incompressible PNG, a random blob, an empty file, Unicode names. */
function packageEntries(): ZipInputEntry[] {
  return [
    { path: 'demo_app/service.yaml', bytes: text('name: Demo App\n'.repeat(40)) },
    { path: 'demo_app/version.yaml', bytes: text('version: 0.0.1\n') },
    { path: 'demo_app/images/icon.png', bytes: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(4000, 0)]) },
    { path: 'demo_app/plans/basic/deployment/deploy.tf', bytes: text('variable "flavor" { type = string }\n'.repeat(30)) },
    { path: 'demo_app/plans/basic/plan.yaml', bytes: text('id: 7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d\nrevision: "1.0"\n'.repeat(5)) },
    { path: 'demo_app/parameters/flavor.yaml', bytes: text('actions: [create, update]\n'.repeat(10)) },
    { path: 'demo_app/blob.bin', bytes: noise(5000, 7) },
    { path: 'demo_app/empty.md', bytes: new Uint8Array(0) },
    { path: 'demo_app/parameters/ёлка.yaml', bytes: text('schema: {}\n'.repeat(10)) },
    { path: 'demo_app/parameters-extra.yaml', bytes: text('x: 1\n'.repeat(50)) },
  ];
}

interface ReadEntry {
  readonly name: string;
  readonly method: number;
  readonly crc: number;
  readonly date: number;
  readonly time: number;
  readonly mode: number;
  readonly extraLength: number;
  readonly localExtraLength: number;
  readonly flags: number;
  readonly data: Buffer;
}

async function readZip(bytes: Uint8Array): Promise<ReadEntry[]> {
  const buffer = Buffer.from(bytes);
  const zip = await yauzl.fromBufferPromise(buffer, { lazyEntries: true, decodeStrings: true });
  const out: ReadEntry[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) return reject(err ?? new Error('no stream'));
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('error', reject);
        stream.on('end', () => {
          const local = entry.relativeOffsetOfLocalHeader;
          out.push({
            name: entry.fileName,
            method: entry.compressionMethod,
            crc: entry.crc32,
            date: entry.lastModFileDate,
            time: entry.lastModFileTime,
            mode: entry.externalFileAttributes >>> 16,
            extraLength: entry.extraFieldLength,
            localExtraLength: buffer.readUInt16LE(local + 28),
            flags: entry.generalPurposeBitFlag,
            data: Buffer.concat(chunks),
          });
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
  return out;
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('writeZip', () => {
  it('is byte-identical across calls', async () => {
    const a = await writeZip(packageEntries());
    const b = await writeZip([...packageEntries()].reverse());
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it('sorts entries by path bytes and adds every parent directory', async () => {
    const entries = await readZip(await writeZip(packageEntries()));
    const names = entries.map((e) => e.name);
    expect(names).toEqual([
      'demo_app/',
      'demo_app/blob.bin',
      'demo_app/empty.md',
      'demo_app/images/',
      'demo_app/images/icon.png',
      'demo_app/parameters-extra.yaml',
      'demo_app/parameters/',
      'demo_app/parameters/flavor.yaml',
      'demo_app/parameters/ёлка.yaml',
      'demo_app/plans/',
      'demo_app/plans/basic/',
      'demo_app/plans/basic/deployment/',
      'demo_app/plans/basic/deployment/deploy.tf',
      'demo_app/plans/basic/plan.yaml',
      'demo_app/service.yaml',
      'demo_app/version.yaml',
    ]);
    const keys = names.map((n) => Buffer.from(n, 'utf8'));
    for (let i = 1; i < keys.length; i++) expect(Buffer.compare(keys[i - 1], keys[i])).toBe(-1);
    // Non-ASCII names carry the UTF-8 flag (bit 11).
    expect(entries.find((e) => e.name.endsWith('ёлка.yaml'))!.flags & 0x800).toBe(0x800);
  });

  it('round-trips contents, with correct CRCs, fixed time and modes, and no extra fields', async () => {
    const input = packageEntries();
    const entries = await readZip(await writeZip(input));
    const byName = new Map(entries.map((e) => [e.name, e]));
    for (const e of input) {
      const read = byName.get(e.path)!;
      expect(read.data.equals(Buffer.from(e.bytes))).toBe(true);
      expect(read.crc).toBe(crc32(e.bytes) >>> 0);
    }
    for (const e of entries) {
      // DOS date 1980-01-01 = (0 << 9) | (1 << 5) | 1; time 00:00:00.
      expect([e.date, e.time]).toEqual([0x21, 0]);
      expect(e.mode).toBe(e.name.endsWith('/') ? 0o040755 : 0o100644);
      expect(e.extraLength).toBe(0);
      expect(e.localExtraLength).toBe(0);
    }
  });

  it('stores already-compressed formats and entries deflate does not shrink by 2 %, deflates the rest', async () => {
    const compressible = text('resource "a" "b" {}\n'.repeat(100));
    const barely = Buffer.concat([noise(10_000, 3), Buffer.alloc(100, 0x41)]);
    const input: ZipInputEntry[] = [
      ...packageEntries(),
      { path: 'x/photo.JPG', bytes: compressible },
      { path: 'x/fonts/a.woff2', bytes: compressible },
      { path: 'x/archive.tar.gz', bytes: compressible },
      { path: 'x/barely.dat', bytes: barely },
    ];
    // The 100 repeated bytes save under 2 %: stored.
    expect(deflateRawSync(barely, { level: 6 }).length).toBeGreaterThan(barely.length * 0.98);
    const methods = Object.fromEntries((await readZip(await writeZip(input))).map((e) => [e.name, e.method]));
    expect(methods['demo_app/images/icon.png']).toBe(0);
    expect(methods['demo_app/blob.bin']).toBe(0);
    expect(methods['demo_app/empty.md']).toBe(0);
    expect(methods['x/photo.JPG']).toBe(0);
    expect(methods['x/fonts/a.woff2']).toBe(0);
    expect(methods['x/archive.tar.gz']).toBe(0);
    expect(methods['x/barely.dat']).toBe(0);
    expect(methods['demo_app/service.yaml']).toBe(8);
    expect(methods['demo_app/plans/basic/deployment/deploy.tf']).toBe(8);
    expect(methods['demo_app/parameters/ёлка.yaml']).toBe(8);
    expect(methods['demo_app/']).toBe(0);
  });

  it('level 0 stores everything; levels change deflated sizes only', async () => {
    const stored = await readZip(await writeZip(packageEntries(), { level: 0 }));
    expect(stored.every((e) => e.method === 0)).toBe(true);
    const fast = await writeZip(packageEntries(), { level: 1 });
    const best = await writeZip(packageEntries(), { level: 9 });
    expect((await readZip(fast)).map((e) => e.data.toString('base64'))).toEqual((await readZip(best)).map((e) => e.data.toString('base64')));
    await expect(writeZip(packageEntries(), { level: 10 })).rejects.toThrow(/level/);
  });

  it('rejects invalid and duplicate paths', async () => {
    for (const path of ['', '/abs', 'a/../b', './a', 'a//b', 'dir/', 'a\\b', 'C:/x', 'c:x']) {
      await expect(writeZip([{ path, bytes: text('x') }])).rejects.toThrow(/Invalid zip entry path/);
    }
    await expect(writeZip([{ path: 'a', bytes: text('1') }, { path: 'a', bytes: text('2') }])).rejects.toThrow(/Duplicate/);
    await expect(writeZip([{ path: 'a', bytes: text('1') }, { path: 'a/b', bytes: text('2') }])).rejects.toThrow(/both a file and a directory/);
  });

  it('writes an empty archive for no entries', async () => {
    const zip = await writeZip([]);
    expect(zip.length).toBe(22);
    expect(Buffer.from(zip).readUInt32LE(0)).toBe(0x06054b50);
  });

  describe('across processes and time zones', () => {
    let bundle: string;
    beforeAll(async () => {
      mkdirSync(tmp, { recursive: true });
      bundle = join(tmp, 'zip-module.mjs');
      await build({
        entryPoints: [join(root, 'packages', 'core', 'src', 'zip', 'index.ts')],
        outfile: bundle,
        bundle: true,
        platform: 'node',
        format: 'esm',
        packages: 'external',
        logLevel: 'warning',
      });
      writeFileSync(
        join(tmp, 'input.json'),
        JSON.stringify(packageEntries().map((e) => ({ path: e.path, bytes: Buffer.from(e.bytes).toString('base64') }))),
      );
    });

    const zipInChild = (tz: string): string => {
      const script = [
        `import { readFileSync } from 'node:fs';`,
        `import { createHash } from 'node:crypto';`,
        `const { writeZip } = await import(${JSON.stringify(pathToFileURL(bundle).href)});`,
        `const input = JSON.parse(readFileSync(${JSON.stringify(join(tmp, 'input.json'))}, 'utf8')).map((e) => ({ path: e.path, bytes: Buffer.from(e.bytes, 'base64') }));`,
        `const zip = await writeZip(input);`,
        `process.stdout.write(JSON.stringify({ tz: Intl.DateTimeFormat().resolvedOptions().timeZone, offset: new Date(Date.UTC(1980, 0, 1)).getTimezoneOffset(), sha: createHash('sha256').update(zip).digest('hex') }));`,
      ].join('\n');
      return execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, env: { ...process.env, TZ: tz }, encoding: 'utf8' });
    };

    it('gives the same bytes under TZ=Asia/Tokyo, America/Los_Angeles and UTC as in this process', async () => {
      const here = sha256(await writeZip(packageEntries()));
      const tokyo = JSON.parse(zipInChild('Asia/Tokyo'));
      const la = JSON.parse(zipInChild('America/Los_Angeles'));
      const utc = JSON.parse(zipInChild('UTC'));
      // The child processes really ran in other zones.
      expect(tokyo.offset).toBe(-540);
      expect(la.offset).toBe(480);
      expect(utc.offset).toBe(0);
      expect([tokyo.sha, la.sha, utc.sha]).toEqual([here, here, here]);
    });
  });
});

describe('checkPackageSize (IB-111, H-02)', () => {
  it('errors above 30 × 2^20 bytes and warns above 30 × 10^6', () => {
    expect(MAX_PACKAGE_BYTES).toBe(31_457_280);
    expect(checkPackageSize(0)).toBeUndefined();
    expect(checkPackageSize(30_000_000)).toBeUndefined();
    expect(checkPackageSize(30_000_001)).toMatchObject({ code: 'IB-111', severity: 'warning' });
    expect(checkPackageSize(31_457_280)).toMatchObject({ severity: 'warning' });
    const error = checkPackageSize(31_457_281);
    expect(error).toMatchObject({ code: 'IB-111', severity: 'error' });
    expect(error!.message).toContain('31,457,281 bytes');
    expect(error!.message).toContain('31,457,280 bytes');
  });
});
