import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../packages/core/src/read/yaml.js';
import { brief, kinds, resolvePointer, sliceSpan } from './support.js';

const F = '/pkg/demo/service.yaml';

const SERVICE = `name: demo
description: "Демо-сервис"
bindable: true
plan_updateable: false
icon: demo.svg
plans:
  - name: basic
    index: 1
  - name: pro
    index: 2
version: "0.0.1"
hint: 'quoted: fine'
`;

describe('parseYaml: clean input', () => {
  it('reads plain values with spans and key spans, no issues', () => {
    const doc = parseYaml(SERVICE, F);
    expect(doc.issues).toEqual([]);
    expect(doc.value).toEqual({
      name: 'demo',
      description: 'Демо-сервис',
      bindable: true,
      plan_updateable: false,
      icon: 'demo.svg',
      plans: [
        { name: 'basic', index: 1 },
        { name: 'pro', index: 2 },
      ],
      version: '0.0.1',
      hint: 'quoted: fine',
    });
    expect(doc.spans.get('/plans/1/name')).toEqual({ file: F, line: 9, column: 11, endLine: 9, endColumn: 14 });
    expect(doc.keySpans.get('/plans/1/name')).toEqual({ file: F, line: 9, column: 5, endLine: 9, endColumn: 9 });
    expect(doc.spans.get('/plans')).toEqual({ file: F, line: 7, column: 3, endLine: 10, endColumn: 13 });
    expect(doc.spans.get('')).toMatchObject({ line: 1, column: 1, endLine: 12, endColumn: 21 });
    for (const [pointer] of doc.spans) expect(resolvePointer(doc.value, pointer).found).toBe(true);
    expect(sliceSpan(SERVICE, doc.spans.get('/description')!)).toBe('"Демо-сервис"');
  });

  it('quoted look-alikes of YAML 1.1 values are fine', () => {
    const doc = parseYaml('a: "yes"\nb: \'on\'\nc: "0777"\nd: "1:30"\ne: true\nf: 10\ng: 1.5\nh: null\ni: 0x1F\n', F);
    expect(doc.issues).toEqual([]);
    expect(doc.value).toEqual({ a: 'yes', b: 'on', c: '0777', d: '1:30', e: true, f: 10, g: 1.5, h: null, i: 31 });
  });

  it('an empty document is null', () => {
    const doc = parseYaml('# nothing\n', F);
    expect(doc.issues).toEqual([]);
    expect(doc.value).toBeNull();
    expect(doc.spans.get('')).toBeDefined();
  });

  it('values reached through aliases get the spans of their anchors', () => {
    const text = 'base: &b\n  cpu: 2\n  ram: [4, 8]\ncopy: *b\n';
    const doc = parseYaml(text, F);
    expect(doc.issues).toEqual([]);
    expect(doc.value).toEqual({ base: { cpu: 2, ram: [4, 8] }, copy: { cpu: 2, ram: [4, 8] } });
    expect(doc.spans.get('/copy')).toEqual({ file: F, line: 4, column: 7, endLine: 4, endColumn: 9 });
    expect(doc.spans.get('/copy/ram/1')).toEqual(doc.spans.get('/base/ram/1'));
    expect(doc.keySpans.get('/copy/cpu')).toEqual(doc.keySpans.get('/base/cpu'));
  });
});

describe('parseYaml: each issue kind', () => {
  it('syntax: the docs’ unquoted hint with ": " (SPEC §C.16.3)', () => {
    const doc = parseYaml('type: string\nhint: Поддерживаемые платформы: iOS, Android\n', F);
    expect(brief(doc.issues)).toEqual(['syntax@2:7']);
    expect(doc.issues[0].message).toMatch(/compact mappings/);
    expect(doc.issues[0].message).not.toMatch(/at line/);
  });

  it('syntax: an unclosed flow sequence', () => {
    expect(kinds(parseYaml('a: [1, 2\n', F).issues)).toContain('syntax');
  });

  it('syntax: an alias without an anchor reads as null', () => {
    const doc = parseYaml('a: *nowhere\n', F);
    expect(brief(doc.issues)).toEqual(['syntax@1:4']);
    expect(doc.value).toEqual({ a: null });
  });

  it('duplicate-key: reports the second key and keeps the first value', () => {
    const doc = parseYaml('name: a\nplans: []\nname: b\n', F);
    expect(doc.issues).toHaveLength(1);
    expect(doc.issues[0]).toMatchObject({ kind: 'duplicate-key', span: { file: F, line: 3, column: 1, endLine: 3, endColumn: 5 } });
    expect(doc.issues[0].message).toMatch(/first at line 1, column 1.*first value is kept/);
    expect(doc.value).toEqual({ name: 'a', plans: [] });
    expect(doc.spans.get('/name')).toMatchObject({ line: 1 });
  });

  it('duplicate-key: keys that collide only as JSON keys (1 and "1")', () => {
    const doc = parseYaml('1: a\n"1": b\n', F);
    expect(brief(doc.issues)).toEqual(['duplicate-key@2:1']);
    expect(doc.value).toEqual({ 1: 'a' });
  });

  it('duplicate-key: found in one pass in a large flat map', () => {
    let text = '';
    for (let i = 0; i < 20_000; i++) text += `option_${i}: ${i}\n`;
    text += 'option_7: again\n';
    const doc = parseYaml(text, F);
    expect(brief(doc.issues)).toEqual(['duplicate-key@20001:1']);
    expect((doc.value as Record<string, unknown>).option_7).toBe(7);
  });

  it('multiple-documents: only the first is read', () => {
    const doc = parseYaml('a: 1\n---\nb: 2\n', F);
    expect(brief(doc.issues)).toEqual(['multiple-documents@2:1']);
    expect(doc.value).toEqual({ a: 1 });
  });

  it('tab-indent', () => {
    const doc = parseYaml('plans:\n\t- name: basic\n', F);
    expect(brief(doc.issues)).toContain('tab-indent@2:1');
    const block = parseYaml('a: |\n  x\n\ty\n', F);
    expect(kinds(block.issues)).toContain('tab-indent');
  });

  it('TABs after the indentation are not tab-indent', () => {
    expect(parseYaml('a:\t1\nb: [1,\t2]\n', F).issues).toEqual([]);
  });

  it('alias-bomb: a billion-laughs document is reported, not expanded', () => {
    const letters = 'abcdefghi';
    let text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    for (let i = 1; i < letters.length; i++) text += `${letters[i]}: &${letters[i]} [${Array(9).fill(`*${letters[i - 1]}`).join(', ')}]\n`;
    const started = Date.now();
    const doc = parseYaml(text, F);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(kinds(doc.issues)).toEqual(['alias-bomb']);
    // The first alias whose anchor itself holds aliases: `*b` in `c: &c [*b, …]`.
    expect(doc.issues[0].span).toMatchObject({ line: 3, column: 8 });
    expect(doc.value).toBeUndefined();
  });

  it('alias-bomb: maxAliasCount is configurable', () => {
    const text = 'a: &a [1]\nb: [*a, *a, *a, *a]\n';
    expect(parseYaml(text, F).issues).toEqual([]);
    expect(kinds(parseYaml(text, F, { maxAliasCount: 2 }).issues)).toEqual(['alias-bomb']);
  });

  it('alias-bomb: more alias nodes than maxAliasCount', () => {
    let text = 'a:\n';
    for (let i = 0; i < 20_000; i++) text += `  - &a${i} x\n`;
    text += 'b:\n';
    for (let i = 0; i < 20_000; i++) text += `  - *a${i}\n`;
    const doc = parseYaml(text, F);
    expect(brief(doc.issues)).toEqual(['alias-bomb@20103:5']);
    expect(doc.value).toBeUndefined();
    let few = 'a:\n';
    for (let i = 0; i < 150; i++) few += `  - &a${i} x\n`;
    few += 'b:\n';
    for (let i = 0; i < 150; i++) few += `  - *a${i}\n`;
    expect(kinds(parseYaml(few, F).issues)).toEqual(['alias-bomb']);
    expect(parseYaml(few, F, { maxAliasCount: 150 }).issues).toEqual([]);
  });

  it('alias-bomb: an alias inside its own anchor reads as null', () => {
    const doc = parseYaml('a: &x\n  self: *x\n', F);
    expect(brief(doc.issues)).toEqual(['alias-bomb@2:9']);
    expect(doc.value).toEqual({ a: { self: null } });
  });

  it('yaml11-ambiguity: booleans, sexagesimal and octal, with spans and both readings', () => {
    const text = 'bindable: yes\nplan_updateable: Off\nretry: 1:30\nmode: 0777\nshort: y\nodd: yEs\n';
    const doc = parseYaml(text, F);
    expect(brief(doc.issues)).toEqual([
      'yaml11-ambiguity@1:11',
      'yaml11-ambiguity@2:18',
      'yaml11-ambiguity@3:8',
      'yaml11-ambiguity@4:7',
      'yaml11-ambiguity@5:8',
      'yaml11-ambiguity@6:6',
    ]);
    expect(doc.issues[0].span).toEqual({ file: F, line: 1, column: 11, endLine: 1, endColumn: 14 });
    expect(doc.issues[0].message).toMatch(/`yes`.*the string "yes".*the boolean true/);
    expect(doc.issues[2].message).toMatch(/`1:30`.*the string "1:30".*the integer 90/);
    expect(doc.issues[3].message).toMatch(/`0777`.*the integer 777.*the integer 511/);
    // The value is the YAML 1.2 reading.
    expect(doc.value).toEqual({ bindable: 'yes', plan_updateable: 'Off', retry: '1:30', mode: 777, short: 'y', odd: 'yEs' });
  });

  it('yaml11-ambiguity: other YAML 1.1 / 1.2 differences and keys', () => {
    const doc = parseYaml('on: 1\nd: 2024-01-01\ne: 1e3\nf: 0o17\ng: 1_000\n<<: {x: 1}\n', F);
    expect(brief(doc.issues)).toEqual([
      'yaml11-ambiguity@1:1',
      'yaml11-ambiguity@2:4',
      'yaml11-ambiguity@3:4',
      'yaml11-ambiguity@4:4',
      'yaml11-ambiguity@5:4',
      'yaml11-ambiguity@6:1',
    ]);
    expect(doc.issues[0].message).toMatch(/plain key `on`/);
  });

  it('tag: unknown tags', () => {
    const doc = parseYaml('a: !!python/object:os.system x\n', F);
    expect(brief(doc.issues)).toEqual(['tag@1:4']);
  });

  it('complex-key', () => {
    expect(brief(parseYaml('? [a, b]\n: 1\n', F).issues)).toEqual(['complex-key@1:3']);
  });

  it('bom', () => {
    const doc = parseYaml('\ufeffa: 1\n', F);
    expect(brief(doc.issues)).toEqual(['bom@1:1']);
    expect(doc.spans.get('/a')).toMatchObject({ line: 1, column: 4 });
  });

  it('too-large', () => {
    const doc = parseYaml(`a: "${'x'.repeat(2000)}"\n`, F, { maxDocumentBytes: 1000 });
    expect(kinds(doc.issues)).toEqual(['too-large']);
    expect(doc.value).toBeUndefined();
  });

  it('depth: very deep nesting does not crash', () => {
    const doc = parseYaml(`${'['.repeat(20_000)}${']'.repeat(20_000)}`, F);
    expect(kinds(doc.issues)).toContain('depth');
  });
});

describe('parseYaml: fuzz', () => {
  it('never throws on mutated service YAML (2500 runs)', () => {
    const base = `${SERVICE}anchors:\n  a: &x {cpu: 2}\n  b: *x\nlist: [1, "two", yes]\nblock: |\n  line 1\n  line 2\n`;
    const alphabet = [':', '-', ' ', '\t', '\n', '"', "'", '[', ']', '{', '}', '&', '*', '!', '|', '>', '#', '%', '?', ',', 'a', '0', '\ufeff'];
    const mutation = fc.record({
      op: fc.constantFrom('delete', 'duplicate', 'replace', 'insert'),
      at: fc.nat(),
      ch: fc.constantFrom(...alphabet),
    });
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.option(fc.nat()), (ops, cut) => {
        let s = base;
        for (const { op, at, ch } of ops) {
          const i = at % (s.length + 1);
          if (op === 'delete') s = s.slice(0, i) + s.slice(i + 1);
          else if (op === 'duplicate') s = s.slice(0, i) + s.slice(i, i + 1) + s.slice(i);
          else if (op === 'replace') s = s.slice(0, i) + ch + s.slice(i + 1);
          else s = s.slice(0, i) + ch + s.slice(i);
        }
        if (cut !== null) s = s.slice(0, cut % (s.length + 1));
        const doc = parseYaml(s, F);
        expect(Array.isArray(doc.issues)).toBe(true);
        if (doc.value !== undefined) for (const [pointer] of doc.spans) expect(resolvePointer(doc.value, pointer).found).toBe(true);
      }),
      { numRuns: 2500 },
    );
  });
});
