import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { readZipTree } from '../../packages/core/src/read/zip.js';
import { kinds } from './support.js';
import { makeZip, unixMode } from './zip-writer.js';

const tmp = mkdtempSync(join(tmpdir(), 'vkmp-read-zip-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const text = (b: Uint8Array | undefined): string => new TextDecoder().decode(b);
const MiB = 1024 * 1024;

/** A zip made by archiver, the way vendors' tools make them. */
async function archiverZip(files: Record<string, string | Buffer>, dirs: string[] = []): Promise<Uint8Array> {
  const { ZipArchive } = await import('archiver');
  const archive = new ZipArchive({ zlib: { level: 9 } });
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    sink.on('end', resolve);
    archive.on('error', reject);
  });
  archive.pipe(sink);
  for (const d of dirs) archive.append('', { name: `${d}/`, type: 'directory' } as never);
  for (const [name, content] of Object.entries(files)) archive.append(content, { name });
  await archive.finalize();
  await done;
  return new Uint8Array(Buffer.concat(chunks));
}

const PACKAGE = {
  'demo/version.yaml': 'version: "0.0.1"\n',
  'demo/service.yaml': 'name: demo\nicon: demo.svg\n',
  'demo/full_description.md': '# Демо\n',
  'demo/images/demo.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
  'demo/plans/basic/plan.yaml': 'name: basic\n',
  'demo/plans/basic/deployment/deploy.tf': 'resource "x" "y" {}\n',
};

describe('readZipTree: clean archives', () => {
  it('reads an archiver-made package from bytes, directories implied, no issues', async () => {
    const zip = await archiverZip(PACKAGE, ['demo', 'demo/plans']);
    const tree = await readZipTree(zip);
    expect(tree.issues).toEqual([]);
    expect(tree.root).toBe('<memory>.zip!');
    expect([...tree.entries.keys()]).toEqual(Object.keys(PACKAGE).sort());
    expect(text(tree.entries.get('demo/full_description.md'))).toBe('# Демо\n');
  });

  it('reads from a path; root and spans use the absolute zip path', async () => {
    const path = join(tmp, 'demo.zip');
    writeFileSync(path, makeZip([{ name: 'demo/a.yaml', data: 'a: 1\n' }, { name: '../evil', data: 'x' }]));
    const tree = await readZipTree(path);
    expect(tree.root).toBe(`${path}!`);
    expect([...tree.entries.keys()]).toEqual(['demo/a.yaml']);
    expect(tree.issues).toHaveLength(1);
    expect(tree.issues[0].span).toEqual({ file: `${path}!/../evil`, line: 1, column: 1, endLine: 1, endColumn: 1 });
  });

  it('accepts a display path for bytes', async () => {
    const tree = await readZipTree(makeZip([{ name: '__MACOSX/x', data: '' }]), undefined, 'upload.zip');
    expect(tree.root).toBe('upload.zip!');
    expect(tree.issues[0].span.file).toBe('upload.zip!/__MACOSX');
  });

  it('stored entries, UTF-8 names and directory entries', async () => {
    const zip = makeZip([
      { name: 'pkg/', data: '', externalAttr: unixMode(0o40755) },
      { name: 'pkg/файл.md', data: 'привет', method: 0 },
      { name: './pkg//b.yaml', data: 'b: 2\n' },
    ]);
    const tree = await readZipTree(zip);
    expect(tree.issues).toEqual([]);
    expect([...tree.entries.keys()]).toEqual(['pkg/b.yaml', 'pkg/файл.md']);
    expect(text(tree.entries.get('pkg/файл.md'))).toBe('привет');
  });
});

describe('readZipTree: hostile archives', () => {
  it('zip-slip: parent segments, absolute paths, drive letters, escaping backslashes', async () => {
    const names = ['../evil.sh', 'a/../../evil', '/etc/passwd', 'C:\\Windows\\evil.dll', 'c:evil', '..\\..\\evil', '\\server\\share', 'ok/nul\0.txt'];
    const zip = makeZip([...names.map((name) => ({ name, data: 'x' })), { name: 'demo/ok.yaml', data: 'ok: true\n' }]);
    const tree = await readZipTree(zip);
    expect(kinds(tree.issues)).toEqual(names.map(() => 'zip-slip'));
    expect([...tree.entries.keys()]).toEqual(['demo/ok.yaml']);
    expect(tree.issues[0].span.file).toBe('<memory>.zip!/../evil.sh');
  });

  it('bad-name: backslash separators that do not escape are reported and normalised', async () => {
    const tree = await readZipTree(makeZip([{ name: 'demo\\service.yaml', data: 'name: demo\n' }]));
    expect(kinds(tree.issues)).toEqual(['bad-name']);
    expect([...tree.entries.keys()]).toEqual(['demo/service.yaml']);
  });

  it('bad-name: a name flagged UTF-8 that is not UTF-8 is left out', async () => {
    const tree = await readZipTree(makeZip([{ name: Uint8Array.from([0x61, 0xff, 0x2e, 0x79]), flags: 0x800, data: 'x' }, { name: 'b.yaml', data: 'b: 1\n' }]));
    expect(kinds(tree.issues)).toEqual(['bad-name']);
    expect([...tree.entries.keys()]).toEqual(['b.yaml']);
  });

  it('CP437 names (no UTF-8 flag) decode as every unzip tool does', async () => {
    const tree = await readZipTree(makeZip([{ name: Uint8Array.from([0x80, 0x2e, 0x6d, 0x64]), data: 'x' }]));
    expect(tree.issues).toEqual([]);
    expect([...tree.entries.keys()]).toEqual(['Ç.md']);
  });

  it('symlink and special files (Unix mode in the external attributes)', async () => {
    const zip = makeZip([
      { name: 'demo/link', data: '/etc/passwd', externalAttr: unixMode(0o120777), method: 0 },
      { name: 'demo/fifo', data: '', externalAttr: unixMode(0o010644) },
      { name: 'demo/file', data: 'x', externalAttr: unixMode(0o100644) },
    ]);
    const tree = await readZipTree(zip);
    expect(kinds(tree.issues)).toEqual(['symlink', 'special-file']);
    expect([...tree.entries.keys()]).toEqual(['demo/file']);
  });

  it('zip-bomb: a high-ratio entry is not inflated', async () => {
    const zeros = new Uint8Array(50 * MiB);
    const zip = makeZip([{ name: 'bomb.bin', data: zeros }, { name: 'ok.txt', data: 'fine' }]);
    expect(zip.byteLength).toBeLessThan(200 * 1024);
    const tree = await readZipTree(zip);
    expect(kinds(tree.issues)).toEqual(['zip-bomb']);
    expect(tree.issues[0].message).toMatch(/ratio \d+:1/);
    expect([...tree.entries.keys()]).toEqual(['ok.txt']);
  });

  it('zip-bomb: headers that understate the size are caught while inflating', async () => {
    const zeros = new Uint8Array(20 * MiB);
    const zip = makeZip([{ name: 'liar.bin', data: zeros, uncompressedSize: 1000 }]);
    const tree = await readZipTree(zip);
    expect(kinds(tree.issues)).toEqual(['zip-bomb']);
    expect(tree.entries.size).toBe(0);
  });

  it('zip-bomb: declared total above maxTotalBytes inflates nothing', async () => {
    const zip = makeZip([
      { name: 'a.bin', data: randomBytes(700 * 1024), method: 0 },
      { name: 'b.bin', data: randomBytes(700 * 1024), method: 0 },
    ]);
    const tree = await readZipTree(zip, { maxTotalBytes: MiB });
    expect(kinds(tree.issues)).toEqual(['zip-bomb']);
    expect(tree.entries.size).toBe(0);
    expect((await readZipTree(zip)).issues).toEqual([]);
  });

  it('too-large: an entry above maxEntryBytes', async () => {
    const zip = makeZip([{ name: 'big.bin', data: randomBytes(5000) }, { name: 'small.txt', data: 'x' }]);
    const tree = await readZipTree(zip, { maxEntryBytes: 4096 });
    expect(kinds(tree.issues)).toEqual(['too-large']);
    expect([...tree.entries.keys()]).toEqual(['small.txt']);
  });

  it('too-many-entries: 6000 tiny entries, only the first 5000 read', async () => {
    const entries = Array.from({ length: 6000 }, (_, i) => ({ name: `f/${String(i).padStart(4, '0')}.txt`, data: 'x', method: 0 }));
    const tree = await readZipTree(makeZip(entries));
    expect(kinds(tree.issues)).toEqual(['too-many-entries']);
    expect(tree.entries.size).toBe(5000);
    const small = await readZipTree(makeZip(entries.slice(0, 10)), { maxEntries: 20 });
    expect(small.issues).toEqual([]);
  });

  it('duplicate-entry keeps the first', async () => {
    const tree = await readZipTree(makeZip([{ name: 'a.yaml', data: 'first' }, { name: 'a.yaml', data: 'second' }]));
    expect(kinds(tree.issues)).toEqual(['duplicate-entry']);
    expect(text(tree.entries.get('a.yaml'))).toBe('first');
  });

  it('conflict: a file and a directory with the same path', async () => {
    const tree = await readZipTree(
      makeZip([
        { name: 'plans', data: 'i am a file' },
        { name: 'plans/basic/plan.yaml', data: 'name: basic\n' },
        { name: 'images/', data: '' },
        { name: 'images', data: 'also a file' },
      ]),
    );
    expect(kinds(tree.issues)).toEqual(['conflict', 'conflict']);
    expect([...tree.entries.keys()]).toEqual(['plans/basic/plan.yaml']);
  });

  it('encrypted entries', async () => {
    const tree = await readZipTree(makeZip([{ name: 'secret.yaml', data: 'x', flags: 0x1, method: 0, compressedSize: 13, compressed: new Uint8Array(13) }]));
    expect(kinds(tree.issues)).toEqual(['encrypted']);
    expect(tree.entries.size).toBe(0);
  });

  it('unsupported compression methods', async () => {
    const tree = await readZipTree(makeZip([{ name: 'x.bz2', data: 'xxxx', method: 12 }]));
    expect(kinds(tree.issues)).toEqual(['unsupported-compression']);
  });

  it('stray litter is reported once per stray path and left out', async () => {
    const tree = await readZipTree(
      makeZip([
        { name: '__MACOSX/', data: '' },
        { name: '__MACOSX/demo/._service.yaml', data: 'x' },
        { name: '__MACOSX/demo/._plan.yaml', data: 'x' },
        { name: 'demo/.DS_Store', data: 'x' },
        { name: 'demo/.git/config', data: 'x' },
        { name: 'demo/service.yaml', data: 'name: demo\n' },
      ]),
    );
    expect(tree.issues.map((i) => `${i.kind} ${i.span.file}`)).toEqual([
      'stray <memory>.zip!/__MACOSX',
      'stray <memory>.zip!/demo/.DS_Store',
      'stray <memory>.zip!/demo/.git',
    ]);
    expect(tree.issues[0].message).toMatch(/3 entries/);
    expect([...tree.entries.keys()]).toEqual(['demo/service.yaml']);
  });

  it('corrupt: a bad CRC', async () => {
    const tree = await readZipTree(makeZip([{ name: 'a.txt', data: 'hello', crc: 0x12345678 }, { name: 'b.txt', data: 'ok' }]));
    expect(kinds(tree.issues)).toEqual(['corrupt']);
    expect(tree.issues[0].message).toMatch(/CRC-32/);
    expect([...tree.entries.keys()]).toEqual(['b.txt']);
  });

  it('corrupt: truncated archives, random bytes, empty input, damaged deflate data', async () => {
    const zip = await archiverZip(PACKAGE);
    for (const bytes of [zip.subarray(0, zip.byteLength >> 1), zip.subarray(0, zip.byteLength - 5), new Uint8Array(randomBytes(4096)), new Uint8Array(0)]) {
      const tree = await readZipTree(bytes);
      expect(kinds(tree.issues)).toEqual(['corrupt']);
      expect(tree.issues[0].span.file).toBe('<memory>.zip');
      expect(tree.entries.size).toBe(0);
    }
    const damaged = makeZip([{ name: 'a.txt', data: 'hello hello hello', compressed: Uint8Array.from([0xff, 0xff, 0xff, 0xff]) }]);
    expect(kinds((await readZipTree(damaged)).issues)).toEqual(['corrupt']);
  });

  it('io: a missing zip file', async () => {
    const tree = await readZipTree(join(tmp, 'missing.zip'));
    expect(kinds(tree.issues)).toEqual(['io']);
  });

  it('never throws on random corruption of a valid archive', async () => {
    const zip = await archiverZip(PACKAGE);
    let seed = 1;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let run = 0; run < 300; run++) {
      const bytes = Uint8Array.from(zip);
      for (let k = 0; k < 1 + rnd(4); k++) bytes[rnd(bytes.length)] = rnd(256);
      const tree = await readZipTree(bytes);
      expect(Array.isArray(tree.issues)).toBe(true);
    }
  });
});
