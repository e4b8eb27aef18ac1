/**
 * Hostile and broken packages through the real CLI (`vkmp validate --json`; build the CLI
 * first with `node scripts/build.mjs`): every case is a diagnostic with a rule ID, exit
 * code 1, no crash, and nothing written anywhere.
 */
import { existsSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeDir, runCli, tempDir } from '../helpers.js';
import { edit, lineOf, makeZip, specFiles, text, utf8, writeTree, zipOf, type Files, type ZipEntrySpec } from './support.js';

interface JsonDiagnostic {
  code: string;
  severity: string;
  message: string;
  file: string | null;
  range: { start: { line: number; column: number } } | null;
}

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

/** Every path under `dir` with its size and mtime: to prove that validate wrote nothing. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p, { throwIfNoEntry: false }) ?? { size: -1, mtimeMs: 0, isDirectory: () => false };
      out.push(`${p} ${st.size} ${st.mtimeMs}`);
      if (st.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

/** Runs `vkmp validate --json <target>` in a fresh directory holding the case; checks exit 1, JSON, no crash, no writes. */
async function validate(setup: (dir: string) => string): Promise<{ dir: string; diagnostics: JsonDiagnostic[] }> {
  const root = tempDir('ib-hardened-');
  dirs.push(root);
  const dir = join(root, 'case');
  mkdirSync(dir);
  const target = setup(dir);
  const before = snapshot(root);
  const r = await runCli(['validate', '--json', target], { cwd: dir });
  expect(r.code, r.stdout + r.stderr).toBe(1);
  expect(r.stderr, 'no crash output').not.toMatch(/\n\s+at .+:\d+:\d+|TypeError|RangeError|FATAL|Maximum call stack/);
  const doc = JSON.parse(r.stdout) as { ok: boolean; command: string; diagnostics: JsonDiagnostic[] };
  expect(doc.command).toBe('validate');
  expect(doc.ok).toBe(false);
  expect(snapshot(root), 'validate writes nothing').toEqual(before);
  return { dir, diagnostics: doc.diagnostics };
}

const show = (ds: JsonDiagnostic[]) => ds.map((d) => `${d.code} ${d.severity} ${d.file}:${d.range?.start.line} ${d.message}`).join('\n');
function expectCode(ds: JsonDiagnostic[], code: string, test: (d: JsonDiagnostic) => boolean = () => true): JsonDiagnostic {
  const d = ds.find((x) => x.code === code && x.severity === 'error' && test(x));
  expect(d, `${code}; got\n${show(ds)}`).toBeDefined();
  return d!;
}

const packageDir = (dir: string, files: Files) => {
  writeTree(join(dir, 'demo_app'), files);
  return 'demo_app';
};
const packageZip = (dir: string, zip: Uint8Array) => {
  writeFileSync(join(dir, 'demo_app.zip'), zip);
  return 'demo_app.zip';
};
const specEntries = (): ZipEntrySpec[] => [...specFiles()].map(([name, data]) => ({ name: `demo_app/${name}`, data, deflate: true }));

describe('vkmp validate on hostile archives', () => {
  it('a zip-slip entry is left out and reported; nothing is extracted', async () => {
    const { dir, diagnostics } = await validate((d) => packageZip(d, makeZip([...specEntries(), { name: 'demo_app/../../evil.sh', data: utf8('#!/bin/sh\nrm -rf /\n') }])));
    const d = expectCode(diagnostics, 'READ-003', (x) => /zip-slip/.test(x.message));
    // The CLI prints paths relative to the working directory (path.relative normalises the
    // `..` of the entry name), so the entry name is asserted in the message.
    expect(d.message).toContain('demo_app/../../evil.sh');
    for (const p of [join(dir, 'evil.sh'), join(dirname(dir), 'evil.sh'), join(dirname(dirname(dir)), 'evil.sh')]) expect(existsSync(p), p).toBe(false);
  });

  it('an absolute entry name is a zip-slip too', async () => {
    const { diagnostics } = await validate((d) => packageZip(d, makeZip([...specEntries(), { name: '/etc/cron.d/evil', data: utf8('x') }])));
    expectCode(diagnostics, 'READ-003', (x) => /zip-slip/.test(x.message));
  });

  it('a symbolic link inside a zip is not followed', async () => {
    const { diagnostics } = await validate((d) => packageZip(d, makeZip([...specEntries(), { name: 'demo_app/images/passwd.svg', data: utf8('/etc/passwd'), mode: 0o120777 }])));
    expectCode(diagnostics, 'READ-003', (x) => /symlink/.test(x.message) && x.file === 'demo_app.zip!/demo_app/images/passwd.svg');
  });

  it('a zip bomb (a 1000:1 entry) is not inflated', async () => {
    const { diagnostics } = await validate((d) => packageZip(d, makeZip([...specEntries(), { name: 'demo_app/images/bomb.bin', data: new Uint8Array(24 * 1048576), deflate: true }])));
    expectCode(diagnostics, 'READ-003', (x) => /zip-bomb/.test(x.message));
  });

  it('an entry that inflates to more than it declares is a bomb', async () => {
    const { diagnostics } = await validate((d) => packageZip(d, makeZip([...specEntries(), { name: 'demo_app/images/liar.bin', data: new Uint8Array(4 * 1048576), deflate: true, declaredSize: 1000 }])));
    expectCode(diagnostics, 'READ-003');
  });

  it('too many entries: reading stops at the limit', async () => {
    const many: ZipEntrySpec[] = Array.from({ length: 5100 }, (_, i) => ({ name: `demo_app/images/f${i}.txt`, data: utf8('x') }));
    const { diagnostics } = await validate((d) => packageZip(d, makeZip([...specEntries(), ...many])));
    expectCode(diagnostics, 'READ-003', (x) => /too-many-entries/.test(x.message));
  });

  it('a truncated zip is corrupt', async () => {
    const zip = zipOf(specFiles());
    const { diagnostics } = await validate((d) => packageZip(d, zip.subarray(0, Math.floor(zip.length / 2))));
    expectCode(diagnostics, 'READ-003', (x) => /corrupt/.test(x.message));
  });

  it('a .zip that is not a zip at all', async () => {
    const { diagnostics } = await validate((d) => packageZip(d, utf8('this is not an archive\n')));
    expectCode(diagnostics, 'READ-003');
  });
});

describe('vkmp validate on hostile package directories', () => {
  it('a symbolic link in the package is not followed', async () => {
    const { diagnostics } = await validate((d) => {
      const p = packageDir(d, specFiles());
      symlinkSync('/etc/passwd', join(d, 'demo_app', 'full_description.md.link'));
      symlinkSync('/etc', join(d, 'demo_app', 'parameters', 'etc'));
      return p;
    });
    expectCode(diagnostics, 'READ-003', (x) => x.file === 'demo_app/full_description.md.link');
    expectCode(diagnostics, 'READ-003', (x) => x.file === 'demo_app/parameters/etc');
  });

  it('a YAML alias bomb is not expanded', async () => {
    const files = specFiles();
    const bomb = ['lol1: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
    for (let i = 2; i <= 9; i++) bomb.push(`lol${i}: &${'abcdefghi'[i - 1]} [${Array(9).fill(`*${'abcdefghi'[i - 2]}`).join(', ')}]`);
    files.set('service.yaml', utf8(`${text(files.get('service.yaml'))}${bomb.join('\n')}\n`));
    const { diagnostics } = await validate((d) => packageDir(d, files));
    const d = expectCode(diagnostics, 'IB-004', (x) => /alias/.test(x.message));
    expect(d.file).toBe('demo_app/service.yaml');
  });

  it('duplicate YAML keys', async () => {
    const files = edit(specFiles(), 'plans/basic/plan.yaml', 'free: false\n', 'free: false\nfree: true\n');
    const { diagnostics } = await validate((d) => packageDir(d, files));
    const d = expectCode(diagnostics, 'IB-004', (x) => x.file === 'demo_app/plans/basic/plan.yaml');
    expect(d.range?.start.line).toBe(lineOf(text(files.get('plans/basic/plan.yaml')), 'free: true'));
  });

  it('non-UTF-8 text in YAML, Terraform and Markdown', async () => {
    const files = specFiles();
    const latin1 = (s: string) => new Uint8Array([...s].map((c) => c.charCodeAt(0) & 0xff));
    files.set('parameters/users.yaml', latin1(text(files.get('parameters/users.yaml')).replace('Users', 'Utilisateurs réservés')));
    files.set('plans/payg/deployment/deploy.tf', latin1(`# commentaire réservé\n${text(files.get('plans/payg/deployment/deploy.tf'))}`));
    files.set('full_description.md', latin1(`Démo.\n${text(files.get('full_description.md'))}`));
    const { diagnostics } = await validate((d) => packageDir(d, files));
    expect(expectCode(diagnostics, 'IB-004', (x) => x.file === 'demo_app/parameters/users.yaml').range?.start.line).toBe(3);
    expect(expectCode(diagnostics, 'IB-089', (x) => x.file === 'demo_app/plans/payg/deployment/deploy.tf').range?.start.line).toBe(1);
    expectCode(diagnostics, 'IB-018', (x) => x.file === 'demo_app/full_description.md');
  });

  it('a directory where a file belongs, and a file where a directory belongs', async () => {
    const files = specFiles();
    files.set('service.yaml/notes.txt', files.get('service.yaml')!);
    files.delete('service.yaml');
    files.set('plans/basic/plan.yaml/x', utf8('x'));
    files.delete('plans/basic/plan.yaml');
    for (const k of [...files.keys()]) if (k.startsWith('images/')) files.delete(k);
    files.set('images', utf8('icon.svg'));
    files.set('plans/payg/deployment.tf', utf8(''));
    const { diagnostics } = await validate((d) => packageDir(d, files));
    expectCode(diagnostics, 'IB-001', (x) => x.file === 'demo_app/service.yaml' && /is a directory/.test(x.message));
    expectCode(diagnostics, 'IB-001', (x) => x.file === 'demo_app/images' && /is a file/.test(x.message));
    expectCode(diagnostics, 'IB-055', (x) => x.file === 'demo_app/plans/basic/plan.yaml');
  });

  it('the same in a zip: a file entry where the package needs a directory', async () => {
    const files = specFiles();
    for (const k of [...files.keys()]) if (k.startsWith('plans/')) files.delete(k);
    files.set('plans', utf8('basic\npayg\n'));
    const { diagnostics } = await validate((d) => packageZip(d, zipOf(files)));
    expectCode(diagnostics, 'IB-001', (x) => x.file === 'demo_app.zip!/demo_app/plans');
  });
});
