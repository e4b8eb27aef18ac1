/** YAML emission of image-based packages (SPEC §0.3): the same values under YAML 1.1 and 1.2. */
import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { flow, needsQuotes, plain, toYaml } from '../../packages/core/src/ib/yaml.js';

const both = (text: string) => [parse(text, { version: '1.1' }), parse(text, { version: '1.2' })];

describe('needsQuotes', () => {
  it.each([
    'yes', 'No', 'ON', 'off', 'y', 'N', 'true', 'False', 'null', '~', '', ' lead', 'trail ',
    '1.0', '10', '-5', '+3', '.5', '1e3', '0777', '0o17', '0x1F', '0b101', '1_000', '1:30', '190:20:30', '.inf', '-.Inf', '.NaN',
    '2024-01-01', '2001-12-14t21:59:43.10-05:00', '<<', '=', 'a: b', 'a #b', 'key:', '- item', '? q', ': x', '[x]', '{x}', '#x', '&a', '*a',
    '!tag', '|x', '>x', "'x", '"x', '%x', '@x', '`x', ',x', 'line\nbreak', 'tab\there', '\u2028sep', 'nel\u0085',
  ])('quotes %j', (s) => expect(needsQuotes(s)).toBe(true));

  it.each([
    'Demo App', '0.0.1', '1 mons 0 days', 'https://docs.example.com/demo-app', 'Disk size, GB', 'ceph-ssd', 'gz1', 'ms1', 'base_v3',
    'Пользователи', 'Легковесный Git-сервис', 'C#', 'a:b', 'e-mail', '10 users', 'v. 1.0', '1.0.0', 'x - y', '50%',
  ])('leaves %j plain', (s) => expect(needsQuotes(s)).toBe(false));
});

describe('toYaml', () => {
  it('writes the docs\' layout: block maps, indented sequences, flow where asked, no folding', () => {
    const long = 'слово '.repeat(40).trim();
    expect(toYaml({ actions: flow(['create', 'update']), schema: { description: long, enum: flow([3, 5, 7]) }, list: [{ name: 'a' }], count: flow({ const: 1 }) })).toBe(
      `actions: [create, update]\nschema:\n  description: ${long}\n  enum: [3, 5, 7]\nlist:\n  - name: a\ncount: {const: 1}\n`,
    );
  });

  it('falls back to block style when a flow collection would need quoting', () => {
    expect(toYaml({ enum: flow(['Ubuntu 22.04', 'yes']) })).toBe('enum:\n  - Ubuntu 22.04\n  - "yes"\n');
  });

  it('writes plain scalars on request (settings.yaml retry)', () => {
    expect(toYaml({ preset: 'base_v3', retry: plain('no') })).toBe('preset: base_v3\nretry: no\n');
  });

  it('writes exponent floats in a form PyYAML reads as a float', () => {
    const text = toYaml({ a: 1e-7, b: 1e21, c: -2.5e-9 });
    expect(text).toBe('a: 1.0e-7\nb: 1.0e+21\nc: -2.5e-9\n');
    for (const v of both(text)) expect(v).toEqual({ a: 1e-7, b: 1e21, c: -2.5e-9 });
  });

  it('any string reads back unchanged under YAML 1.1 and 1.2 (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'grapheme-ascii', maxLength: 20 }), (s, t) => {
        const value = { description: s, list: [s, t], nested: { [`k_${t.replace(/[^A-Za-z0-9_]/g, '')}`]: t } };
        for (const v of both(toYaml(value))) expect(v).toEqual(value);
      }),
      { numRuns: Number(process.env.VKMP_FUZZ_RUNS ?? 2000) },
    );
  });

  it('any finite number reads back unchanged under YAML 1.1 and 1.2 (property)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), (d, i) => {
        const value = { cost: Object.is(d, -0) ? 0 : d, size: i };
        for (const v of both(toYaml(value))) expect(v).toEqual(value);
      }),
      { numRuns: Number(process.env.VKMP_FUZZ_RUNS ?? 2000) },
    );
  });
});
