import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isStrayName, readDirectoryTree } from '../../packages/core/src/read/tree.js';
import { kinds } from './support.js';

const tmp = mkdtempSync(join(tmpdir(), 'vkmp-read-tree-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let counter = 0;
function makeDir(files: Record<string, string | Uint8Array>): string {
  const root = join(tmp, `t${counter++}`);
  mkdirSync(root, { recursive: true });
  for (const [rel, content] of Object.entries(files)) {
    const abs = join(root, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
  return root;
}

const text = (b: Uint8Array | undefined): string => new TextDecoder().decode(b);

describe('readDirectoryTree', () => {
  it('reads a package directory: POSIX paths, sorted, exact bytes, no issues', async () => {
    const root = makeDir({
      'version.yaml': 'version: "0.0.1"\n',
      'plans/basic/plan.yaml': 'name: basic\n',
      'plans/basic/deployment/deploy.tf': 'resource "x" "y" {}\n',
      'images/demo.png': Uint8Array.from([0x89, 0x50, 0x4e, 0x47]),
      'full_description.md': '',
    });
    mkdirSync(join(root, 'parameters')); // empty directories hold no files
    const tree = await readDirectoryTree(root);
    expect(tree.issues).toEqual([]);
    expect(tree.root).toBe(root);
    expect([...tree.entries.keys()]).toEqual([
      'full_description.md',
      'images/demo.png',
      'plans/basic/deployment/deploy.tf',
      'plans/basic/plan.yaml',
      'version.yaml',
    ]);
    expect([...tree.entries.get('images/demo.png')!]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(text(tree.entries.get('full_description.md'))).toBe('');
  });

  it('does not follow symbolic links and reports them', async () => {
    const outside = makeDir({ 'secret.txt': 'secret' });
    const root = makeDir({ 'service.yaml': 'name: demo\n' });
    symlinkSync(join(outside, 'secret.txt'), join(root, 'link.yaml'));
    symlinkSync(outside, join(root, 'linked-dir'));
    const tree = await readDirectoryTree(root);
    expect(tree.issues.map((i) => `${i.kind} ${i.span.file}`)).toEqual([`symlink ${join(root, 'link.yaml')}`, `symlink ${join(root, 'linked-dir')}`]);
    expect(tree.issues[0].message).toContain(join(outside, 'secret.txt'));
    expect([...tree.entries.keys()]).toEqual(['service.yaml']);
  });

  it('reports special files without opening them', async () => {
    const root = makeDir({ 'a.yaml': 'a: 1\n' });
    try {
      execFileSync('mkfifo', [join(root, 'pipe')]);
    } catch {
      return; // no mkfifo here: nothing to test
    }
    const tree = await readDirectoryTree(root);
    expect(kinds(tree.issues)).toEqual(['special-file']);
    expect(tree.issues[0].message).toMatch(/FIFO/);
    expect([...tree.entries.keys()]).toEqual(['a.yaml']);
  });

  it('reports and omits stray litter, without entering stray directories', async () => {
    const root = makeDir({
      '.DS_Store': 'x',
      '__MACOSX/._a': 'x',
      '.git/config': 'x',
      '.git/objects/aa/bb': 'x',
      'plans/._plan.yaml': 'x',
      'plans/Thumbs.db': 'x',
      'plans/plan.yaml': 'name: basic\n',
    });
    const tree = await readDirectoryTree(root);
    expect(tree.issues.map((i) => `${i.kind} ${i.span.file.slice(root.length + 1)}`)).toEqual([
      'stray .DS_Store',
      'stray .git',
      'stray __MACOSX',
      'stray plans/._plan.yaml',
      'stray plans/Thumbs.db',
    ]);
    expect([...tree.entries.keys()]).toEqual(['plans/plan.yaml']);
    expect(isStrayName('desktop.ini')).toBe(true);
    expect(isStrayName('service.yaml')).toBe(false);
  });

  it('too-large: a file above maxEntryBytes, and the total limit', async () => {
    const root = makeDir({ 'a.bin': new Uint8Array(3000), 'b.bin': new Uint8Array(10), 'c.bin': new Uint8Array(10) });
    const one = await readDirectoryTree(root, { maxEntryBytes: 2000 });
    expect(kinds(one.issues)).toEqual(['too-large']);
    expect([...one.entries.keys()]).toEqual(['b.bin', 'c.bin']);
    const total = await readDirectoryTree(root, { maxTotalBytes: 3005 });
    expect(kinds(total.issues)).toEqual(['too-large']);
    expect([...total.entries.keys()]).toEqual(['a.bin']);
  });

  it('too-many-entries stops reading', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 30; i++) files[`f${String(i).padStart(2, '0')}.txt`] = 'x';
    const root = makeDir(files);
    const tree = await readDirectoryTree(root, { maxEntries: 10 });
    expect(kinds(tree.issues)).toEqual(['too-many-entries']);
    expect(tree.entries.size).toBe(10);
    expect((await readDirectoryTree(root)).issues).toEqual([]);
  });

  it('io: a missing directory or a file instead of a directory', async () => {
    expect(kinds((await readDirectoryTree(join(tmp, 'does-not-exist'))).issues)).toEqual(['io']);
    const root = makeDir({ 'file.txt': 'x' });
    const tree = await readDirectoryTree(join(root, 'file.txt'));
    expect(kinds(tree.issues)).toEqual(['io']);
    expect(tree.entries.size).toBe(0);
  });
});
