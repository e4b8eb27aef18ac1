/**
 * Type tests: test/types/*.ts use @ts-expect-error on lines that must not compile
 * (option-reference typos, forbidden option combinations). tsc fails on an unused
 * @ts-expect-error, so a clean compile proves every such line is a type error.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeDir, repoRoot, tempDir } from '../helpers.js';

const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
const run = (project: string) => spawnSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8' });

describe('DSL type tests', () => {
  it('every @ts-expect-error line is a compile error', () => {
    const r = run(join(repoRoot, 'test', 'types', 'tsconfig.json'));
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('the type tests can fail: dropping one expectation surfaces the typo as an error', () => {
    const dir = tempDir('types-');
    try {
      mkdirSync(join(dir, 'types'));
      const src = readFileSync(join(repoRoot, 'test', 'types', 'option-references.ts'), 'utf8').replace('// @ts-expect-error seets is not an option of this service\n', '');
      writeFileSync(join(dir, 'types', 'option-references.ts'), src);
      copyFileSync(join(repoRoot, 'test', 'types', 'tsconfig.json'), join(dir, 'types', 'tsconfig.json'));
      writeFileSync(join(dir, 'types', 'tsconfig.json'), readFileSync(join(repoRoot, 'test', 'types', 'tsconfig.json'), 'utf8').replace('"../../tsconfig.json"', JSON.stringify(join(repoRoot, 'tsconfig.json'))));
      const r = run(join(dir, 'types', 'tsconfig.json'));
      expect(r.status).not.toBe(0);
      expect(r.stdout).toMatch(/Property 'seets' does not exist/);
    } finally {
      removeDir(dir);
    }
  });
});
