/**
 * Bad input yields diagnostics, never an uncaught exception (DESIGN §9): the importers on
 * damaged catalogs and packages, with and without --allow-invalid.
 */
import { cpSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify as toYaml, parse as parseYaml } from 'yaml';
import { emitCatalog, importIbPackage, importSaasCatalog } from '@vkmp/core';
import { removeDir, repoRoot, tempDir } from '../helpers.js';
import { catalogArb } from './arbitraries.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

type Mutation = [number, 'delete' | 'null' | 'number' | 'string' | 'array' | 'object' | 'bool' | 'proto'];
const mutationArb = fc.array(fc.tuple(fc.nat(), fc.constantFrom<Mutation[1]>('delete', 'null', 'number', 'string', 'array', 'object', 'bool', 'proto')), { minLength: 1, maxLength: 4 });

/** Every (container, key) of a JSON value. */
function slots(v: unknown, out: [Record<string, unknown> | unknown[], string | number][] = []): [Record<string, unknown> | unknown[], string | number][] {
  if (Array.isArray(v)) v.forEach((x, i) => (out.push([v, i]), slots(x, out)));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) (out.push([v as Record<string, unknown>, k]), slots(x, out));
  return out;
}

function mutate(value: unknown, mutations: Mutation[]): unknown {
  for (const [pick, kind] of mutations) {
    const all = slots(value);
    if (!all.length) break;
    const [container, key] = all[pick % all.length]!;
    const set = (x: unknown) => ((container as Record<string | number, unknown>)[key] = x);
    switch (kind) {
      case 'delete':
        if (Array.isArray(container)) container.splice(key as number, 1);
        else delete container[key as string];
        break;
      case 'null': set(null); break;
      case 'number': set(-1.5); break;
      case 'string': set('constructor'); break;
      case 'array': set([]); break;
      case 'object': set({ constructor: 1, __proto__x: 2 }); break;
      case 'bool': set(true); break;
      case 'proto':
        if (!Array.isArray(container)) Object.defineProperty(container, 'toString', { value: { type: 'integer' }, enumerable: true, configurable: true, writable: true });
        break;
    }
  }
  return value;
}

describe('importers on damaged input', () => {
  it('a damaged SaaS catalog gives diagnostics or code, never an exception', async () => {
    await fc.assert(
      fc.asyncProperty(catalogArb, mutationArb, fc.boolean(), async (c, mutations, allowInvalid) => {
        const tree = emitCatalog(c);
        const json = JSON.parse(new TextDecoder().decode(tree.get(`${c.serviceName}/catalog_${c.serviceName}.json`)));
        const bytes = new TextEncoder().encode(JSON.stringify(mutate(json, mutations)));
        const r = await importSaasCatalog({ catalog: { path: `/virtual/catalog_${c.serviceName}.json`, bytes }, planMapping: { path: '/virtual/plan_mapping.json', bytes: tree.get(`${c.serviceName}/plan_mapping.json`)! } }, { allowInvalid });
        if (r.ok) expect(r.files.get(`services/${c.serviceName}/service.ts`)).toMatch(/saas\.service\(/);
        else expect(r.diagnostics.some((d) => d.severity === 'error')).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('arbitrary bytes as a catalog give diagnostics', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.string().map((s) => new TextEncoder().encode(s)), fc.jsonValue().map((v) => new TextEncoder().encode(JSON.stringify(v)))), async (bytes) => {
        const r = await importSaasCatalog({ catalog: { path: '/virtual/catalog_x.json', bytes } }, { allowInvalid: true });
        expect(r.ok || r.diagnostics.length > 0).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('a damaged image-based package gives diagnostics or code, never an exception', async () => {
    const source = join(repoRoot, 'test', 'fixtures', 'ib', 'spec-c15', 'demo_app');
    const yamlFiles: string[] = [];
    const walk = (d: string) => {
      for (const n of readdirSync(d)) {
        const p = join(d, n);
        if (statSync(p).isDirectory()) walk(p);
        else if (n.endsWith('.yaml')) yamlFiles.push(relative(source, p));
      }
    };
    walk(source);
    const root = tempDir('ib-fuzz-');
    dirs.push(root);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat(), mutationArb, fc.boolean(), async (filePick, mutations, allowInvalid) => {
        const pkg = join(root, `r${run++}`, 'demo_app');
        cpSync(source, pkg, { recursive: true });
        const file = yamlFiles[filePick % yamlFiles.length]!;
        const value = parseYaml(readFileSync(join(pkg, file), 'utf8')) as unknown;
        writeFileSync(join(pkg, file), toYaml(mutate(value, mutations)));
        const r = await importIbPackage(pkg, { allowInvalid });
        if (r.ok) expect(r.files.get('services/demo_app/service.ts')).toMatch(/ib\.service\(/);
        else expect(r.diagnostics.some((d) => d.severity === 'error')).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});
