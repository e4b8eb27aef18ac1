import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, parseJson } from '../../packages/core/src/read/json.js';
import { brief, kinds, resolvePointer, sliceSpan } from './support.js';

const F = '/x/catalog_demo.json';

/**
 * The seed: a catalog shaped like the docs' full example (SPEC §B.12.1), with its classic
 * defect — `display` closed by `}` and `"billing"` on the next line without a comma —
 * plus a TAB inside a string, a `//` comment and a trailing comma as in §B.12.2.
 */
const SEED = [
  '{',
  '  "services": [',
  '    {',
  '      "id": "04527a41-XXXX-57e1aecb3ebc",',
  '      "name": "demo",',
  '      "plans": [',
  '        {',
  '          "name": "basic",',
  '          "description": "Basic\tplan",',
  '          "display": {',
  '            "index": 0, // first',
  '          }',
  '          "billing": {',
  '            "cost": 100',
  '          }',
  '        }',
  '      ]',
  '    }',
  '  ]',
  '}',
].join('\n');

describe('parseJson: clean input', () => {
  it('parses a catalog-like document with no issues and full span maps', () => {
    const text = '{\n  "services": [\n    {"id": "a", "free": true, "cost": -1.5e2, "tags": [], "x": null, "u": "\\u00e9\\ud83d\\ude00\\n"}\n  ]\n}\n';
    const doc = parseJson(text, F);
    expect(doc.issues).toEqual([]);
    expect(doc.value).toEqual(JSON.parse(text));
    expect(doc.spans.get('')).toEqual({ file: F, line: 1, column: 1, endLine: 5, endColumn: 2 });
    expect(doc.spans.get('/services/0/cost')).toEqual({ file: F, line: 3, column: 39, endLine: 3, endColumn: 45 });
    expect(doc.keySpans.get('/services/0/cost')).toEqual({ file: F, line: 3, column: 31, endLine: 3, endColumn: 37 });
    expect(doc.keySpans.has('/services')).toBe(true);
    expect(doc.keySpans.has('/services/0')).toBe(false); // array elements have no key
    expect(doc.spans.has('/services/1')).toBe(false);
    expect(doc.spans.size).toBe(9);
    expect(doc.keySpans.size).toBe(7);
  });

  it('accepts TABs, CR LF and CR as whitespace between tokens', () => {
    const doc = parseJson('{\t"a":\t1,\r\n\t"b": [2,\r3]\r\n}', F);
    expect(doc.issues).toEqual([]);
    expect(doc.value).toEqual({ a: 1, b: [2, 3] });
    expect(doc.spans.get('/b/1')).toMatchObject({ line: 3, column: 1 });
  });

  it('escapes pointers per RFC 6901', () => {
    const doc = parseJson('{"a/b": {"m~n": 1}, "": 2}', F);
    expect(doc.issues).toEqual([]);
    expect(doc.spans.get('/a~1b/m~0n')).toMatchObject({ line: 1, column: 17 });
    expect(doc.spans.get('/')).toMatchObject({ column: 25 });
    expect(doc.spans.get('/a/b')).toBeUndefined();
    expect(doc.spans.get('a~1b')).toBeUndefined();
    expect(doc.spans.get('/a~1b/m~2n')).toBeUndefined();
  });

  it('keeps __proto__ as an own property without touching prototypes', () => {
    const doc = parseJson('{"__proto__": {"polluted": true}, "constructor": 1}', F);
    expect(doc.issues).toEqual([]);
    const v = doc.value as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(doc.spans.has('/__proto__/polluted')).toBe(true);
  });

  it('span maps iterate in document order and behave as ordinary Maps', () => {
    const doc = parseJson('{"b": [1, {"c": 2}], "a": 3}', F);
    expect([...doc.spans.keys()]).toEqual(['', '/b', '/b/0', '/b/1', '/b/1/c', '/a']);
    expect([...doc.keySpans.keys()]).toEqual(['/b', '/b/1/c', '/a']);
    doc.spans.set('/extra', { file: F, line: 9, column: 9 });
    expect(doc.spans.get('/extra')).toEqual({ file: F, line: 9, column: 9 });
    expect(doc.spans.get('/b/1/c')).toMatchObject({ line: 1, column: 17 });
    expect(doc.spans.size).toBe(7);
  });
});

describe('parseJson: the seed document with the docs defects', () => {
  const doc = parseJson(SEED, F);

  it('reports every defect in one pass, with exact positions', () => {
    expect(brief(doc.issues)).toEqual(['tab@9:32', 'comment@11:25', 'trailing-comma@11:23', 'missing-comma@12:12']);
    const missing = doc.issues.find((i) => i.kind === 'missing-comma')!;
    // The comma belongs right after the `}` closing "display" (line 12, column 11).
    expect(missing.span).toEqual({ file: F, line: 12, column: 12, endLine: 12, endColumn: 12 });
    expect(missing.message).toContain('"billing" at line 13, column 11');
    const comment = doc.issues.find((i) => i.kind === 'comment')!;
    expect(comment.span).toEqual({ file: F, line: 11, column: 25, endLine: 11, endColumn: 33 });
  });

  it('recovers the whole value as if the defects were fixed', () => {
    expect(doc.value).toEqual({
      services: [
        {
          id: '04527a41-XXXX-57e1aecb3ebc',
          name: 'demo',
          plans: [{ name: 'basic', description: 'Basic\tplan', display: { index: 0 }, billing: { cost: 100 } }],
        },
      ],
    });
    expect(doc.spans.get('/services/0/plans/0/billing')).toEqual({ file: F, line: 13, column: 22, endLine: 15, endColumn: 12 });
    expect(doc.keySpans.get('/services/0/plans/0/billing')).toEqual({ file: F, line: 13, column: 11, endLine: 13, endColumn: 20 });
  });
});

describe('parseJson: each issue kind', () => {
  const cases: [string, string, string[], unknown][] = [
    ['bom', '\ufeff{"a": 1}', ['bom@1:1'], { a: 1 }],
    ['comment //', '{"a": 1 // note\n}', ['comment@1:9'], { a: 1 }],
    ['comment /* */', '/* multi\nline */ [1]', ['comment@1:1'], [1]],
    ['unterminated block comment', '[1] /* never closed', ['comment@1:5'], [1]],
    ['trailing comma in object', '{"a": 1,}', ['trailing-comma@1:8'], { a: 1 }],
    ['trailing comma in array', '[1, 2, ]', ['trailing-comma@1:6'], [1, 2]],
    ['missing comma in array', '[1\n2]', ['missing-comma@1:3'], [1, 2]],
    ['missing comma in object', '{"a": {}\n "b": 2}', ['missing-comma@1:9'], { a: {}, b: 2 }],
    ['raw TAB in a string', '["a\tb"]', ['tab@1:4'], ['a\tb']],
    ['raw control character in a string', '["a\u0001b"]', ['tab@1:4'], ['a\u0001b']],
    ['duplicate key', '{"a": 1,\n "a": 2}', ['duplicate-key@2:2'], { a: 1 }],
    ['unexpected token', '{"a": 1 : 2}', ['syntax@1:9'], { a: 1 }],
    ['unquoted key', '{a: 1}', ['syntax@1:2'], { a: 1 }],
    ['single-quoted string', "['x']", ['syntax@1:2'], ['x']],
    ['bare word value', '{"a": yes, "b": 1}', ['syntax@1:7'], { b: 1 }],
    ['missing colon', '{"a" 1}', ['syntax@1:6'], { a: 1 }],
    ['unclosed container', '{"a": [1', ['syntax@1:9'], { a: [1] }],
    ['mismatched closer', '{"a": [1}', ['syntax@1:9'], { a: [1] }],
    ['stray closer', '[1]]', ['trailing-data@1:4'], [1]],
    ['empty input', '  \n', ['syntax@2:1'], undefined],
    ['leading zero', '[01]', ['invalid-number@1:2'], [1]],
    ['NaN', '[NaN, 1]', ['invalid-number@1:2'], [1]],
    ['bare minus', '[-]', ['invalid-number@1:2'], []],
    ['unterminated string at end of input', '["abc', ['unterminated-string@1:2', 'syntax@1:6'], ['abc']],
    // SPEC §B.12.5: `"usages: [` lacks its closing quote.
    ['unterminated string at end of line', '{"usages: [\n"x": 1}', ['unterminated-string@1:2', 'syntax@2:1', 'syntax@2:4'], { 'usages: [': 'x' }],
    ['invalid escape', '["a\\qb"]', ['invalid-escape@1:4'], ['aqb']],
    ['short \\u escape', '["\\u12"]', ['invalid-escape@1:3'], ['u12']],
    ['lone high surrogate', '["\\ud800x"]', ['lone-surrogate@1:3'], ['\ufffdx']],
    ['lone low surrogate', '["\\udc00"]', ['lone-surrogate@1:3'], ['\ufffd']],
    ['raw lone surrogate', '["a\ud800"]', ['lone-surrogate@1:4'], ['a\ufffd']],
    ['trailing data', '{"a": 1}\n{"b": 2}', ['trailing-data@2:1'], { a: 1 }],
  ];
  for (const [name, text, expected, value] of cases) {
    it(name, () => {
      const doc = parseJson(text, F);
      expect(brief(doc.issues)).toEqual(expected);
      expect(doc.value).toEqual(value);
      for (const i of doc.issues) {
        expect(i.message.length).toBeGreaterThan(10);
        expect(i.span.file).toBe(F);
      }
    });
  }

  it('duplicate-key says where the first key is and which value is kept', () => {
    const doc = parseJson('{\n  "billing": {"cost": 1},\n  "billing": {"cost": 2, "x": [1]}\n}', F);
    expect(doc.issues).toHaveLength(1);
    expect(doc.issues[0].span).toEqual({ file: F, line: 3, column: 3, endLine: 3, endColumn: 12 });
    expect(doc.issues[0].message).toMatch(/first at line 2, column 3.*first value is kept/);
    expect(doc.value).toEqual({ billing: { cost: 1 } });
    expect(doc.spans.get('/billing/cost')).toMatchObject({ line: 2 });
    expect(doc.spans.has('/billing/x')).toBe(false);
  });

  it('depth: reports nesting deeper than the limit without overflowing the stack', () => {
    const ok = '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH);
    expect(parseJson(ok, F).issues).toEqual([]);
    const deep = `{"a": ${'['.repeat(100_000)}${']'.repeat(100_000)}, "b": 1}`;
    const doc = parseJson(deep, F);
    expect(kinds(doc.issues)).toEqual(['depth']);
    expect(doc.issues[0].span).toMatchObject({ line: 1, column: 7 + MAX_JSON_DEPTH - 1 });
    expect((doc.value as { b: number }).b).toBe(1);
    const unclosed = parseJson('['.repeat(1_000_000), F);
    expect(kinds(unclosed.issues)).toEqual(['depth', 'syntax']);
  });

  it('caps the number of reported issues', () => {
    const doc = parseJson(`[${'1 '.repeat(2000)}]`, F);
    expect(doc.issues.filter((i) => i.kind === 'missing-comma')).toHaveLength(50);
    expect(doc.issues.at(-1)!.kind).toBe('too-many-issues');
    expect((doc.value as number[]).length).toBe(2000);
  });

  it('never reports TABs between tokens, only inside strings', () => {
    expect(parseJson('{\t"a"\t:\t"x"\t}', F).issues).toEqual([]);
  });
});

describe('parseJson: properties', () => {
  it('round-trips random JSON values, and every span covers its value', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.jsonValue({ noUnicodeString: false })), (v) => {
        const text = JSON.stringify(v, null, 2);
        const doc = parseJson(text, F);
        expect(doc.issues).toEqual([]);
        // `v` itself, up to -0, which JSON.stringify writes as 0.
        expect(doc.value).toEqual(JSON.parse(text));
        expect(JSON.stringify(doc.value)).toBe(JSON.stringify(v));
        for (const [pointer, span] of doc.spans) {
          const r = resolvePointer(doc.value, pointer);
          expect(r.found).toBe(true);
          expect(JSON.parse(sliceSpan(text, span))).toEqual(r.value);
        }
        for (const [pointer, span] of doc.keySpans) {
          const key = pointer.slice(pointer.lastIndexOf('/') + 1).replace(/~1/g, '/').replace(/~0/g, '~');
          expect(JSON.parse(sliceSpan(text, span))).toBe(key);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on mutated catalog-like JSON (fuzz, 3000 runs)', () => {
    const base = JSON.stringify(
      {
        services: [
          {
            id: '9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f',
            name: 'demo',
            description: 'Сервис для тестов',
            bindable: true,
            plans: [{ name: 'basic', free: false, billing: { cost: 12.5, billing_cycle_flat: '1 mons 0 days' }, tags: ['a', 'b'] }],
          },
        ],
      },
      null,
      2,
    );
    const alphabet = ['{', '}', '[', ']', ',', ':', '"', '\\', '/', '*', '\t', '\n', '\r', ' ', 'a', '0', '-', '.', 'e', 'u', '\ud800', '\ufeff', "'", '\u0000'];
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
        const doc = parseJson(s, F);
        expect(Array.isArray(doc.issues)).toBe(true);
        for (const [pointer] of doc.spans) expect(resolvePointer(doc.value, pointer).found).toBe(true);
        for (const i of doc.issues) {
          expect(i.span.line).toBeGreaterThanOrEqual(1);
          expect(i.span.column).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('parseJson: large input', () => {
  it('parses a 30 MB catalog', () => {
    const service = (i: number) => ({
      id: `4d8e0a5c-1b2f-4c3d-9e8f-${String(i).padStart(12, '0')}`,
      name: `service_${i}`,
      description: 'Описание сервиса — long text, '.repeat(4),
      bindable: true,
      plans: [{ name: 'basic', free: false, billing: { cost: 12.5, refundable: true }, schemas: { a: { type: 'integer', minimum: 0, maximum: 100 } } }],
    });
    const one = JSON.stringify(service(0), null, 2).length;
    const n = Math.ceil(30_000_000 / one);
    const text = JSON.stringify({ services: Array.from({ length: n }, (_, i) => service(i)) }, null, 2);
    expect(text.length).toBeGreaterThan(30_000_000);
    const doc = parseJson(text, F);
    expect(doc.issues).toEqual([]);
    expect((doc.value as { services: unknown[] }).services).toHaveLength(n);
    expect(doc.spans.get(`/services/${n - 1}/plans/0/billing/cost`)).toBeDefined();
    expect(doc.spans.get(`/services/${n}`)).toBeUndefined();
  });
});
