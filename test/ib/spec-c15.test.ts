/**
 * SPEC §C.15 (the complete minimal valid package), written in the DSL
 * (test/fixtures/ib/spec-c15-dsl), builds to the package transcribed from the SPEC
 * (test/fixtures/ib/spec-c15/demo_app): YAML files parse to the same values, other files
 * are byte-identical. The one deliberate difference: vkmp always writes settings.yaml with
 * the preset (H-12), so plans/payg/deployment/settings.yaml is added.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseYaml } from '../../packages/core/src/read/yaml.js';
import { removeDir, runCli, tempDir } from '../helpers.js';
import { c15Dsl, fixturesDir, listFiles, unzip } from './helpers.js';

const expected = join(fixturesDir, 'spec-c15', 'demo_app');
const dirs: string[] = [];
let a: string;
let b: string;
const builds: Awaited<ReturnType<typeof runCli>>[] = [];

beforeAll(async () => {
  a = tempDir('c15a-');
  b = tempDir('c15b-');
  dirs.push(a, b);
  builds.push(await runCli(['build', '--out', a], { cwd: c15Dsl }));
  // Another process, another time zone and umask: the bytes must not change.
  builds.push(await runCli(['build', '--out', b], { cwd: c15Dsl, env: { TZ: 'Asia/Vladivostok' } }));
});
afterAll(() => dirs.forEach(removeDir));

const built = (...p: string[]) => join(a, 'demo_app', ...p);

describe('SPEC §C.15 written in the DSL', () => {
  it('builds without errors; the only warnings are IB-106 (§C.15 keeps its data on the boot disk)', () => {
    for (const r of builds) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('build ok: 0 errors, 2 warnings');
      expect(r.stderr.split('\n').filter((l) => / - (error|warning) /.test(l)).map((l) => / (error|warning) ([A-Z]+-\d+)/.exec(l)?.slice(1).join(' '))).toEqual(['warning IB-106', 'warning IB-106']);
    }
  });

  it('writes every file of §C.15, plus only the pinned preset of payg (H-12)', () => {
    const extra = listFiles(join(a, 'demo_app')).filter((f) => !listFiles(expected).includes(f));
    expect(listFiles(join(a, 'demo_app'))).toEqual(expect.arrayContaining(listFiles(expected)));
    expect(extra).toEqual(['plans/payg/deployment/settings.yaml']);
    expect(parse(readFileSync(built('plans/payg/deployment/settings.yaml'), 'utf8'))).toEqual({ preset: 'base_v3' });
  });

  for (const f of listFiles(join(fixturesDir, 'spec-c15', 'demo_app'))) {
    it(`${f} equals §C.15`, () => {
      const want = readFileSync(join(expected, f), 'utf8');
      const got = readFileSync(built(f), 'utf8');
      if (f.endsWith('.yaml')) expect(parse(got)).toEqual(parse(want));
      else expect(got).toBe(want);
    });
  }

  it('every YAML file reads the same under YAML 1.1 (PyYAML) and 1.2, with no ambiguous scalar', () => {
    for (const f of listFiles(join(a, 'demo_app')).filter((x) => x.endsWith('.yaml'))) {
      const text = readFileSync(built(f), 'utf8');
      // settings.yaml `retry: yes` is the documented exception (§C.11): YAML 1.1 reads it as true.
      if (f.endsWith('settings.yaml')) continue;
      expect(parse(text, { version: '1.1' }), f).toEqual(parse(text, { version: '1.2' }));
      expect(parseYaml(text, f).issues, f).toEqual([]);
    }
  });

  it('two builds give byte-identical trees and zips', () => {
    for (const f of listFiles(a)) expect(readFileSync(join(b, f)).equals(readFileSync(join(a, f))), f).toBe(true);
    expect(listFiles(b)).toEqual(listFiles(a));
  });

  it('the zip root is the single directory demo_app/ with sorted entries and fixed timestamps (H-04)', async () => {
    const zip = readFileSync(join(a, 'demo_app.zip'));
    const entries = await unzip(zip);
    expect(entries[0]!.name).toBe('demo_app/');
    expect(entries.every((e) => e.name.startsWith('demo_app/'))).toBe(true);
    const names = entries.map((e) => e.name);
    expect([...names].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)))).toEqual(names);
    expect(entries.filter((e) => !e.dir).map((e) => e.name.slice('demo_app/'.length)).sort()).toEqual(listFiles(join(a, 'demo_app')));
    // 1980-01-01 00:00:00, the DOS minimum: (0 << 9) | (1 << 5) | 1.
    expect(new Set(entries.map((e) => `${e.dosDate}/${e.dosTime}`))).toEqual(new Set(['33/0']));
  });
});
