/**
 * Fuzz (DESIGN §9): mutations of the valid SPEC §B.11 catalog never make the SaaS reader
 * or a rule throw, and every diagnostic is well formed.
 *
 * A case starts from the catalog or from a richer variant of it (conditional wizard groups,
 * a second services[] revision) so the `when` and revision rules are reached too, and
 * applies 1–4 structural mutations to it (delete a key or element,
 * change a value's type, replace it with random JSON, add a key, graft a copy of another
 * subtree), serialises it, then 0–2 text or byte mutations (truncate, insert junk
 * characters or invalid UTF-8, cut a range). plan_mapping.json, .env and the file name
 * are varied too. Everything stays in memory: `readSaasCatalog` + `validateModel`.
 *
 * VKMP_FUZZ_RUNS sets the number of cases (default 10000); VKMP_FUZZ_SEED replays a run
 * (fast-check prints the seed and path of a failure).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../packages/core/src/diagnostics.js';
import { validateModel } from '../../packages/core/src/pipeline.js';
import { readSaasCatalog, type SaasInput } from '../../packages/core/src/read/saas.js';
import { repoRoot } from '../helpers.js';

const RUNS = Number.parseInt(process.env.VKMP_FUZZ_RUNS ?? '', 10) || 10_000;
const SEED = process.env.VKMP_FUZZ_SEED ? Number.parseInt(process.env.VKMP_FUZZ_SEED, 10) : undefined;

const fixture = (name: string) => readFileSync(join(repoRoot, 'test', 'fixtures', 'saas', 'demo_notes', name), 'utf8');
const BASE_CATALOG_TEXT = fixture('catalog_demo_notes.json');
const BASE_CATALOG: unknown = JSON.parse(BASE_CATALOG_TEXT);
const BASE_MAPPING = fixture('plan_mapping.json');
const BASE_ENV = [
  'BROKER_MODE=demo_notes',
  'BROKER_PROVIDER_CLIENT_ID=marketplace-broker',
  'BROKER_PROVIDER_SECRET=change-me',
  'BROKER_PROVIDER_URL=https://api.demo-notes.example.com',
  'BROKER_USERNAME=marketplace',
  'BROKER_PASSWORD=change-me-too',
  '',
].join('\n');

type Key = string | number;
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** §B.11 with conditional groups (one level: Support and Audit depend on seats) and a second revision. */
function richVariant(base: unknown): Json {
  const c = structuredClone(base) as { services: { revision: string; plans: { display: { pages: { groups: Record<string, unknown>[] }[] }; schemas: { service_instance: Record<string, { parameters: { properties: Record<string, unknown> } }> } }[] }[] };
  const standard = c.services[0]!.plans[0]!;
  const groups = standard.display.pages[0]!.groups;
  groups[1]!.when = { not_in: { key: { param: 'seats' }, values: [{ const: 0 }] } };
  for (const s of ['create', 'update']) standard.schemas.service_instance[s]!.parameters.properties.audit_log = { type: 'boolean', description: 'Audit log', default: false };
  groups.push({ name: 'Audit', index: 2, parameters: [{ name: 'audit_log', index: 0 }], when: { in: { key: { param: 'seats' }, values: [{ const: 5 }, { const: 10 }] } } });
  const next = structuredClone(c.services[0]!);
  next.revision = '1.1';
  c.services.push(next);
  return c as unknown as Json;
}
const BASES: Json[] = [BASE_CATALOG as Json, richVariant(BASE_CATALOG)];

// ------------------------------------------------------------------ tree helpers

const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Paths of every node under the root (the root itself is `[]`). */
function nodePaths(v: Json, prefix: Key[] = [], out: Key[][] = []): Key[][] {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => nodePaths(x, [...prefix, i], out));
  else if (isObject(v)) for (const k of Object.keys(v)) nodePaths(v[k]!, [...prefix, k], out);
  return out;
}

function nodeAt(root: Json, path: Key[]): Json {
  let v: Json = root;
  for (const k of path) v = (v as Record<Key, Json>)[k]!;
  return v;
}

/** Sets an own property (so `__proto__` and friends become real keys, as JSON.parse makes them). */
function setOwn(target: Record<Key, Json> | Json[], key: Key, value: Json): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Returns the root after replacing the node at `path` (the root itself when `path` is empty). */
function replaceAt(root: Json, path: Key[], value: Json): Json {
  if (!path.length) return value;
  setOwn(nodeAt(root, path.slice(0, -1)) as Record<Key, Json>, path[path.length - 1]!, value);
  return root;
}

function deleteAt(root: Json, path: Key[]): Json {
  if (!path.length) return root;
  const parent = nodeAt(root, path.slice(0, -1));
  const key = path[path.length - 1]!;
  if (Array.isArray(parent)) parent.splice(key as number, 1);
  else delete (parent as Record<string, Json>)[key as string];
  return root;
}

// ------------------------------------------------------------------ mutations

/** Values chosen to hit type checks, limits, grammars and option-name lookups. */
const interesting = fc.constantFrom<Json>(
  null, true, false, 0, -1, 0.5, 1.5, 1e308, -1e308, 2 ** 53, 5, 20, 256, '', ' ', 'x'.repeat(300), 'Я'.repeat(256),
  '04527a41-XXXX-57e1aecb3ebc', '6f1c2a3b-8d4e-4f5a-9b6c-7d8e9f0a1b2c', '0b7e4f7a-2c61-4d1e-8a3f-5e9b6c2d1a40', '1 mons 0 days', '30 days', '1 month',
  'seats', 'priority_support', 'storage_gb', 'integer', 'number', 'string', 'boolean', 'object', 'resource_usages',
  'http://json-schema.org/draft-04/schema#', 'https://example.com', '__proto__', 'constructor', 'toString', '[', '(', '^(a+)+$',
  [], {}, [null], [{}], [{ name: 'seats' }], { name: 'seats' }, { param: 'seats' }, { const: 0 }, { param: 'seats', const: 1 },
  { in: { key: { param: 'seats' }, values: [{ const: 1 }] } }, { not_in: {} }, { size: 0 }, { cost: -1 }, { pages: [] }, { parameters: [] },
);
const keys = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'in', 'not_in', 'when', 'param', 'const', 'index', 'services', 'plans', 'schemas', 'billing', 'options', 'unit', 'metadata', '$schema', 'properties', 'datasource', 'tag', 'refundable', 'billing_cycle_flat', 'parameters', 'name', 'enum', 'default'),
);
const anyValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: interesting },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.double({ noNaN: true }) },
);

/** Node picks are indexes into the paths of the tree as it is when the mutation applies. */
const pick = fc.nat();
type TreeMutation =
  | { op: 'delete'; node: number }
  | { op: 'replace'; node: number; value: Json }
  | { op: 'insert'; node: number; key: string; value: Json }
  | { op: 'graft'; node: number; from: number };
const treeMutation: fc.Arbitrary<TreeMutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('delete' as const), node: pick }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('replace' as const), node: pick, value: anyValue }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('insert' as const), node: pick, key: keys, value: anyValue }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('graft' as const), node: pick, from: pick }) },
);

function applyTree(root: Json, m: TreeMutation): Json {
  const paths = nodePaths(root);
  const path = paths[m.node % paths.length]!;
  switch (m.op) {
    case 'delete':
      return deleteAt(root, path);
    case 'replace':
      return replaceAt(root, path, structuredClone(m.value));
    case 'insert': {
      const target = nodeAt(root, path);
      if (Array.isArray(target)) target.push(structuredClone(m.value));
      else if (isObject(target)) setOwn(target, m.key, structuredClone(m.value));
      else return replaceAt(root, path, { [m.key]: structuredClone(m.value) });
      return root;
    }
    case 'graft':
      return replaceAt(root, path, structuredClone(nodeAt(root, paths[m.from % paths.length]!)));
  }
}

const JUNK_TEXT = fc.oneof(
  fc.constantFrom(',', '}', ']', '{', '[', '"', '\\', ':', '//', '/*', '*/', '// c\n', '/* c */', '\uFEFF', '\u0000', '\t', '\n', 'NaN', 'Infinity', '-', 'e', '\u2028', '\uD800', 'true', 'null', '0x1F', '01', '1e999', '"\\u00"', '"\\uD800"'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }),
);
const JUNK_BYTES = fc.oneof(
  fc.constantFrom(Uint8Array.of(0xef, 0xbb, 0xbf), Uint8Array.of(0xff), Uint8Array.of(0xc0, 0x80), Uint8Array.of(0xed, 0xa0, 0x80), Uint8Array.of(0xe2, 0x82), Uint8Array.of(0xf4, 0x90, 0x80, 0x80), Uint8Array.of(0x00)),
  fc.uint8Array({ minLength: 1, maxLength: 8 }),
);
const at = fc.double({ min: 0, max: 1, noNaN: true });
type TextMutation =
  | { op: 'truncate'; at: number }
  | { op: 'junk'; at: number; text: string }
  | { op: 'bytes'; at: number; bytes: Uint8Array }
  | { op: 'cut'; at: number; length: number };
const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  fc.record({ op: fc.constant('truncate' as const), at }),
  fc.record({ op: fc.constant('junk' as const), at, text: JUNK_TEXT }),
  fc.record({ op: fc.constant('bytes' as const), at, bytes: JUNK_BYTES }),
  fc.record({ op: fc.constant('cut' as const), at, length: fc.integer({ min: 1, max: 64 }) }),
);

function applyText(bytes: Uint8Array, m: TextMutation): Uint8Array {
  const i = Math.min(bytes.length, Math.floor(m.at * bytes.length));
  const splice = (insert: Uint8Array, remove = 0) => {
    const tail = bytes.subarray(Math.min(bytes.length, i + remove));
    const out = new Uint8Array(i + insert.length + tail.length);
    out.set(bytes.subarray(0, i), 0);
    out.set(insert, i);
    out.set(tail, i + insert.length);
    return out;
  };
  switch (m.op) {
    case 'truncate':
      return bytes.slice(0, i);
    case 'junk':
      return splice(new TextEncoder().encode(m.text));
    case 'bytes':
      return splice(m.bytes);
    case 'cut':
      return splice(new Uint8Array(0), m.length);
  }
}

const side = (base: string) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant<string | undefined>(base) },
    { weight: 1, arbitrary: fc.constant<string | undefined>(undefined) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.record({ at, text: JUNK_TEXT }).map(({ at: a, text }) => base.slice(0, Math.floor(a * base.length)) + text + base.slice(Math.floor(a * base.length))) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  );

const fuzzCase = fc.record({
  base: fc.nat({ max: BASES.length - 1 }),
  file: fc.constantFrom('/fuzz/resources/catalog_demo_notes.json', '/fuzz/resources/catalog_.json', '/fuzz/catalog_demo-notes.json', '/fuzz/resources/notes.json', '/fuzz/resources/catalog_ü.json'),
  tree: fc.array(treeMutation, { minLength: 1, maxLength: 4 }),
  indent: fc.constantFrom<number | string>(2, 0, '\t'),
  text: fc.array(textMutation, { maxLength: 2 }),
  mapping: side(BASE_MAPPING),
  env: side(BASE_ENV),
});
type FuzzCase = typeof fuzzCase extends fc.Arbitrary<infer T> ? T : never;

// ------------------------------------------------------------------ the property

function buildInput(c: FuzzCase): SaasInput {
  let root: Json = structuredClone(BASES[c.base]!);
  for (const m of c.tree) root = applyTree(root, m);
  let bytes: Uint8Array = new TextEncoder().encode(JSON.stringify(root, null, c.indent));
  for (const m of c.text) bytes = applyText(bytes, m);
  const enc = (s: string | undefined, path: string) => (s === undefined ? undefined : { path, bytes: new TextEncoder().encode(s) });
  return {
    catalog: { path: c.file, bytes },
    planMapping: enc(c.mapping, '/fuzz/resources/plan_mapping.json'),
    env: enc(c.env, '/fuzz/.env'),
  };
}

/** Reads and validates one input; throws (with the offending diagnostic) when something is malformed. */
function readAndValidate(input: SaasInput): Diagnostic[] {
  const { value, diagnostics } = readSaasCatalog(input);
  const all = [...diagnostics, ...validateModel({ catalogs: [value], packages: [] })];
  for (const d of all) {
    const where = JSON.stringify(d);
    if (typeof d.code !== 'string' || !/^[A-Z]+-\d{3}$/.test(d.code)) throw new Error(`diagnostic without a rule code: ${where}`);
    if (typeof d.message !== 'string' || d.message.trim() === '') throw new Error(`diagnostic without a message: ${where}`);
    if (d.severity !== 'error' && d.severity !== 'warning') throw new Error(`diagnostic with severity ${String(d.severity)}: ${where}`);
    // The engine turns a throwing rule into a diagnostic; for the fuzzer that is a crash.
    if (d.message.startsWith('Internal error in rule')) throw new Error(`rule ${d.code} threw: ${d.message}`);
    if (d.span && !(typeof d.span.file === 'string' && d.span.line >= 1 && d.span.column >= 1)) throw new Error(`diagnostic with a bad span: ${where}`);
  }
  return all;
}

describe('SaaS catalog fuzz', () => {
  it('the unmutated starting points are valid (the fuzzer mutates valid input)', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    const run = (catalog: string) =>
      readAndValidate({
        catalog: { path: '/fuzz/resources/catalog_demo_notes.json', bytes: enc(catalog) },
        planMapping: { path: '/fuzz/resources/plan_mapping.json', bytes: enc(BASE_MAPPING) },
        env: { path: '/fuzz/.env', bytes: enc(BASE_ENV) },
      });
    expect(run(BASE_CATALOG_TEXT)).toEqual([]);
    // The conditional groups only draw SAAS-041, the broker's obligation to honour them.
    expect([...new Set(run(JSON.stringify(BASES[1], null, 2)).map((d) => d.code))]).toEqual(['SAAS-041']);
  });

  it(`${RUNS} mutated catalogs: the reader and every rule return well-formed diagnostics, never throw`, () => {
    let withDiagnostics = 0;
    const codes = new Set<string>();
    fc.assert(
      fc.property(fuzzCase, (c) => {
        const diagnostics = readAndValidate(buildInput(c));
        if (diagnostics.length) withDiagnostics++;
        for (const d of diagnostics) codes.add(d.code);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    console.info(`catalog fuzz: ${RUNS} cases, ${withDiagnostics} with diagnostics, ${codes.size} distinct codes: ${[...codes].sort().join(' ')}`);
    // Mutations of a valid catalog are nearly always invalid, and reach many rules, not just the parser.
    expect(withDiagnostics).toBeGreaterThan(RUNS / 2);
    if (RUNS >= 1000) expect(codes.size).toBeGreaterThan(30);
  }, Math.max(120_000, RUNS * 20));
});
