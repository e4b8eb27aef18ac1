/**
 * Units of `vkmp import`: string literals, the option mapping (every subtype, raw,
 * inexpressible values), per-plan overrides, the corrections and the safe writer.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonDifferences, normalizeCatalogJson, normalizePlanMapping, writeNewFiles, type OptionModel } from '@vkmp/core';
import { propertyKey, stringLiteral } from '../../packages/core/src/import/expr.js';
import { orderByIndex } from '../../packages/core/src/import/normalize.js';
import { mapOption, overridesOf, type OptionSpec } from '../../packages/core/src/import/options.js';
import { removeDir, tempDir, writeFiles } from '../helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));
const evaluate = (code: string): unknown => new Function(`return (${code});`)();

describe('TypeScript literals', () => {
  it('a string literal evaluates to the same string, for any string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) })), (s) => {
        expect(evaluate(stringLiteral(s))).toBe(s);
      }),
      { numRuns: 2000 },
    );
    expect(stringLiteral("it's \\ \n\t\u2028 ё 😀")).toBe("'it\\'s \\\\ \\n\\t\\u2028 ё 😀'");
    expect(stringLiteral('\ud800')).toBe("'\\ud800'");
  });

  it('object keys stay own properties, identifiers stay bare', () => {
    expect(propertyKey('seats')).toBe('seats');
    expect(propertyKey('disk-size')).toBe("'disk-size'");
    expect(propertyKey('default')).toBe('default');
    expect(propertyKey('__proto__')).toBe("['__proto__']");
    const o = evaluate(`{ ${propertyKey('__proto__')}: 1 }`) as object;
    expect(Object.keys(o)).toEqual(['__proto__']);
  });
});

const option = (schema: Record<string, unknown>, billing?: Record<string, unknown>, actions: OptionModel['actions'] = ['create', 'update']): OptionModel =>
  ({ name: 'x', actions, schema, billing }) as OptionModel;

describe('option mapping', () => {
  it('maps every documented subtype to its constructor', () => {
    const cases: [OptionModel, string, Record<string, unknown>][] = [
      [option({ type: 'integer', description: 'd', const: 3 }), 'integer.const', { description: 'd', value: 3 }],
      [option({ type: 'integer', description: 'd', enum: [1, 2], default: 2 }), 'integer.enum', { description: 'd', values: [1, 2], default: 2 }],
      [option({ type: 'integer', description: 'd', minimum: 0, maximum: 9, default: 1 }), 'integer.range', { description: 'd', minimum: 0, maximum: 9, default: 1 }],
      [option({ type: 'integer', description: 'd', maximum: 9 }, { base: 5, cost: 1.5, unit: { size: 5, measurement: 'u' } }), 'integer.paidStep', { description: 'd', maximum: 9, billing: { base: 5, cost: 1.5, unitSize: 5, measurement: 'u' } }],
      [option({ type: 'string', description: 'd', const: 'c' }), 'string.const', { description: 'd', value: 'c' }],
      [option({ type: 'string', description: 'd', pattern: '^a$', minLength: 1, maxLength: 4 }), 'string.input', { description: 'd', pattern: '^a$', minLength: 1, maxLength: 4 }],
      [option({ type: 'string', description: 'd', hint: 'h', enum: ['a', 'b'], default: 'a' }), 'string.enum', { description: 'd', hint: 'h', values: ['a', 'b'], default: 'a' }],
      [option({ type: 'boolean', description: 'd', const: true }), 'boolean.const', { description: 'd', value: true }],
      [option({ type: 'boolean', description: 'd', default: false }), 'boolean.switch', { description: 'd', default: false }],
      [option({ type: 'boolean', description: 'd' }, { cost: 7 }), 'boolean.switch', { description: 'd', cost: 7 }],
      [option({ type: 'integer', description: 'd' }, { cost: 2, unit: { size: 1 } }, ['resource_usages']), 'postpaid.integer', { description: 'd', cost: 2 }],
      [option({ type: 'number', description: 'd' }, { cost: 2, unit: { size: 1, measurement: 'GB' } }, ['resource_usages']), 'postpaid.number', { description: 'd', cost: 2, measurement: 'GB' }],
    ];
    for (const [o, ctor, fields] of cases) {
      const m = mapOption(o);
      expect(m.inexpressible, ctor).toEqual([]);
      expect(m.typeMismatches, ctor).toEqual([]);
      expect(m.spec, ctor).toEqual({ ctor, fields, actions: undefined, raw: undefined });
    }
    expect(mapOption(option({ type: 'integer', description: 'd' }, undefined, ['update'])).spec!.actions).toEqual(['update']);
  });

  it('undocumented keywords and values of another type go through raw', () => {
    const m = mapOption(option({ type: 'string', description: 'd', format: 'email', maxLength: '10' }));
    expect(m.spec).toMatchObject({ ctor: 'string.input', fields: { description: 'd' }, raw: { format: 'email', maxLength: '10' } });
    expect(m.rawKeys).toEqual(['maxLength', 'format']);
    expect(m.inexpressible).toEqual([]);
  });

  it('reports what no constructor can emit', () => {
    const bad = (o: OptionModel) => mapOption(o).inexpressible;
    expect(bad(option({ type: 'number', description: 'd' }))[0]).toMatch(/number option in create\/update/);
    expect(bad(option({ type: 'integer', description: 'd', const: 1 }, { cost: 1 }))[0]).toMatch(/price .* integer const/);
    expect(bad(option({ type: 'string', description: 'd' }, { cost: 1 }))[0]).toMatch(/price .* string input/);
    expect(bad(option({ type: 'integer', description: 'd' }, undefined, ['resource_usages']))[0]).toMatch(/no billing entry/);
    expect(bad(option({ type: 'integer', description: 'd' }, { cost: 1, unit: { size: 2 } }, ['resource_usages']))[0]).toMatch(/unit\.size 2/);
    expect(bad(option({ type: 'boolean', description: 'd' }, { cost: 1, unit: { size: 1 } }))[0]).toMatch(/"unit" on a switch/);
    expect(bad(option({ type: 'integer', description: 'd' }, { cost: 1, unit: { size: 1, per: 'x' } }))[0]).toMatch(/billing\.unit keys "per"/);
    expect(bad(option({ type: 'array', description: 'd' }))[0]).toMatch(/option type "array"/);
    expect(bad(option({ type: 'integer', description: 'd' }, undefined, ['create', 'resource_usages']))[0]).toMatch(/also in create\/update/);
    expect(mapOption(option({ type: 'string', description: 'd', enum: ['a'], default: 'b' })).typeMismatches[0]).toMatch(/default "b" is not one of the values/);
  });

  it('per-plan overrides change fields only', () => {
    const spec = (ctor: OptionSpec['ctor'], fields: Record<string, unknown>, extra: Partial<OptionSpec> = {}): OptionSpec => ({ ctor, fields, ...extra });
    expect(overridesOf(spec('integer.range', { description: 'd', maximum: 5, default: 1 }), spec('integer.range', { description: 'd', maximum: 9 }))).toEqual({ overrides: { maximum: 9, default: undefined } });
    expect(overridesOf(spec('integer.range', { description: 'd' }), spec('integer.paidStep', { description: 'd' }))).toEqual({ conflict: 'option.integer.range in one plan and option.integer.paidStep in another' });
    expect(overridesOf(spec('boolean.switch', {}), spec('boolean.switch', {}, { actions: ['create'] }))).toEqual({ conflict: 'actions create + update in one plan and create in another' });
    expect(overridesOf(spec('string.input', {}, { raw: { format: 'a' } }), spec('string.input', {}, { raw: { format: 'b' } }))).toHaveProperty('conflict');
  });
});

describe('corrections', () => {
  it('orders by index only when every index is a distinct integer', () => {
    expect(orderByIndex([{ i: 2 }, { i: 0 }, { i: 1 }], (x) => x.i).map((x) => x.i)).toEqual([0, 1, 2]);
    expect(orderByIndex([{ i: 2 }, { i: 2 }], (x) => x.i)).toEqual([{ i: 2 }, { i: 2 }]);
    expect(orderByIndex([{ i: 1 }, {}], (x: { i?: number }) => x.i)).toEqual([{ i: 1 }, {}]);
  });

  it('leaves a canonical catalog untouched and does not modify its input', () => {
    const input = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'saas', 'demo_notes', 'catalog_demo_notes.json'), 'utf8')) as unknown;
    const before = JSON.stringify(input);
    const { value, corrections } = normalizeCatalogJson(input);
    expect(corrections).toEqual([]);
    expect(value).toEqual(input);
    expect(JSON.stringify(input)).toBe(before);
  });

  it('drops plan_mapping entries of plans the catalog does not have', () => {
    const r = normalizePlanMapping({ s: { a: 1, b: 'x' } }, 's', ['a']);
    expect(r.value).toEqual({ s: { a: 1 } });
    expect(r.corrections[0]).toMatchObject({ code: 'SAAS-061', pointer: '/s/b' });
  });

  it('lists differences by JSON pointer', () => {
    expect(jsonDifferences({ a: [1, { b: 2 }], 'x/y': 1 }, { a: [1, { b: 3 }], c: true })).toEqual([
      { pointer: '/a/1/b', note: '2 becomes 3' },
      { pointer: '/x~1y', note: 'is missing from the build' },
      { pointer: '/c', note: 'is added by the build (true)' },
    ]);
    expect(jsonDifferences({ constructor: 1 }, {})).toEqual([{ pointer: '/constructor', note: 'is missing from the build' }]);
  });
});

describe('writeNewFiles', () => {
  const files = new Map([['a.txt', 'A\n'], ['sub/b.txt', 'B\n']]);

  it('creates a new directory in one rename, and a check can abort before anything is written', async () => {
    const root = tempDir('write-');
    dirs.push(root);
    const aborted = await writeNewFiles(files, join(root, 'new'), { beforeCommit: async (staging) => (existsSync(join(staging, 'sub', 'b.txt')) ? 'no' : undefined) });
    expect(aborted).toEqual({ written: [], conflicts: [], aborted: 'no' });
    expect(readdirSync(root)).toEqual([]);
    const written = await writeNewFiles(files, join(root, 'new'));
    expect(written.written).toEqual(['a.txt', 'sub/b.txt']);
    expect(readFileSync(join(root, 'new', 'sub', 'b.txt'), 'utf8')).toBe('B\n');
    expect(readdirSync(root)).toEqual(['new']);
  });

  it('refuses existing files unless forced, and never touches other files', async () => {
    const root = tempDir('write-');
    dirs.push(root);
    writeFiles(root, { 'a.txt': 'mine\n', 'other.txt': 'other\n' });
    const refused = await writeNewFiles(files, root);
    expect(refused).toEqual({ written: [], conflicts: ['a.txt'] });
    expect(readFileSync(join(root, 'a.txt'), 'utf8')).toBe('mine\n');
    expect(existsSync(join(root, 'sub'))).toBe(false);
    const forced = await writeNewFiles(files, root, { force: true });
    expect(forced.written).toEqual(['a.txt', 'sub/b.txt']);
    expect(readFileSync(join(root, 'a.txt'), 'utf8')).toBe('A\n');
    expect(readFileSync(join(root, 'other.txt'), 'utf8')).toBe('other\n');
    expect(readdirSync(root).sort()).toEqual(['a.txt', 'other.txt', 'sub']);
    await expect(writeNewFiles(new Map([['../escape.txt', 'x']]), root)).rejects.toThrow(/outside the output directory/);
  });
});
