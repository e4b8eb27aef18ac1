/**
 * Property tests over random valid SaaS catalogs (see arbitraries.ts):
 * - the generator respects the rules (no rule errors);
 * - emit → readSaasCatalog → emit is byte-identical;
 * - generate → import → build reproduces the catalog (modulo vkmp's documented
 *   corrections) for 20 random catalogs, and the generated projects type-check.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { emitCatalog, normalizeCatalogJson, readSaasCatalog, validateModel, type CatalogModel } from '@vkmp/core';
import { removeDir, repoRoot, tempDir, writeFiles } from '../helpers.js';
import { catalogArb } from './arbitraries.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

const decode = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

const rank = (actions: readonly string[]) => (actions.includes('create') ? 0 : actions.includes('update') ? 1 : 2);
function canonicalOptionOrder(c: CatalogModel): CatalogModel {
  return { ...c, services: c.services.map((s) => ({ ...s, plans: s.plans.map((p) => ({ ...p, options: [...p.options].sort((a, b) => rank(a.option.actions) - rank(b.option.actions)) })) })) };
}
const files = (c: CatalogModel) => {
  const tree = emitCatalog(c);
  return { catalog: tree.get(`${c.serviceName}/catalog_${c.serviceName}.json`)!, mapping: tree.get(`${c.serviceName}/plan_mapping.json`)! };
};

function run(command: string, args: string[], cwd = repoRoot): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('random valid SaaS catalogs', () => {
  it('the generator respects the rules (no rule errors)', () => {
    fc.assert(
      fc.property(catalogArb, (c) => {
        const errors = validateModel({ catalogs: [c], packages: [] }).filter((d) => d.severity === 'error');
        expect(errors.map((d) => `${d.code}: ${d.message}`)).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('emit → readSaasCatalog → emit is byte-identical', () => {
    fc.assert(
      fc.property(catalogArb, (generated) => {
        // readSaasCatalog lists a plan's options as create keys, then update-only keys, then
        // resource_usages keys; an IR with an update-only option before a create option
        // re-emits the `update` properties in another order (equal JSON, other bytes). The
        // byte property starts from that canonical order; the next test covers any order.
        const c = canonicalOptionOrder(generated);
        const first = files(c);
        const read = readSaasCatalog({
          catalog: { path: `/virtual/catalog_${c.serviceName}.json`, bytes: first.catalog },
          planMapping: { path: '/virtual/plan_mapping.json', bytes: first.mapping },
        });
        expect(read.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        read.value.planMapping = { value: JSON.parse(decode(first.mapping)) };
        const second = files(read.value);
        expect(decode(second.catalog)).toBe(decode(first.catalog));
        expect(decode(second.mapping)).toBe(decode(first.mapping));
      }),
      { numRuns: 300 },
    );
  });

  it('emit → readSaasCatalog → emit is equal JSON for any option order', () => {
    fc.assert(
      fc.property(catalogArb, (c) => {
        const first = files(c);
        const read = readSaasCatalog({ catalog: { path: `/virtual/catalog_${c.serviceName}.json`, bytes: first.catalog } });
        expect(JSON.parse(decode(files(read.value).catalog))).toEqual(JSON.parse(decode(first.catalog)));
      }),
      { numRuns: 200 },
    );
  });

  it('generate → import → build reproduces 20 random catalogs, and the generated code type-checks', async () => {
    const seed = Date.now() ^ (Math.random() * 0x7fffffff);
    const samples = fc.sample(catalogArb, { numRuns: 20, seed });
    const root = tempDir('import-prop-');
    dirs.push(root);
    const jobs = samples.map((c, i) => {
      const f = files(c);
      writeFiles(join(root, `in-${i}`), { [`catalog_${c.serviceName}.json`]: f.catalog, 'plan_mapping.json': f.mapping });
      return { input: join(root, `in-${i}`), out: join(root, `out-${i}`) };
    });
    writeFileSync(join(root, 'jobs.json'), JSON.stringify(jobs));
    const worker = await run(process.execPath, [join(repoRoot, 'test', 'import', 'roundtrip-worker.mjs'), join(root, 'jobs.json')]);
    expect(worker.code, `seed ${seed}\n${worker.stderr}`).toBe(0);
    const results = JSON.parse(worker.stdout) as { ok: boolean; verified: boolean; diagnostics: { code: string; severity: string; message: string }[]; built: Record<string, string> | null }[];
    samples.forEach((c, i) => {
      const r = results[i]!;
      const context = `seed ${seed}, sample ${i} (${root}/in-${i})`;
      expect(r.diagnostics.filter((d) => d.severity === 'error'), context).toEqual([]);
      expect(r.ok && r.verified, context).toBe(true);
      const input = files(c);
      const built = r.built!;
      expect(JSON.parse(built[`${c.serviceName}/catalog_${c.serviceName}.json`]!), context).toEqual(normalizeCatalogJson(JSON.parse(decode(input.catalog))).value);
      expect(JSON.parse(built[`${c.serviceName}/plan_mapping.json`]!), context).toEqual(JSON.parse(decode(input.mapping)));
    });
    // One tsc run over every generated project (each is also a valid project on its own).
    writeFileSync(
      join(root, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, skipLibCheck: true, types: [] },
        include: jobs.map((j) => `${j.out.slice(root.length + 1)}/**/*.ts`),
      }),
    );
    const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
    const checked = await run(process.execPath, [tsc, '-p', join(root, 'tsconfig.json'), '--pretty', 'false'], root);
    expect(checked.stdout + checked.stderr, `seed ${seed}`).toBe('');
    expect(checked.code).toBe(0);
  });
});
