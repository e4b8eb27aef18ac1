/**
 * Golden test of examples/image-based-app: the built package, file by file, equals the
 * reviewed copy in test/fixtures/ib/golden/<SERVICE_NAME>/. Regenerate deliberately with
 * `VKMP_UPDATE_GOLDEN=1 npx vitest run test/ib/golden.test.ts`, then review the diff by hand
 * against SPEC §C.
 */
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, repoRoot, runCli, tempDir } from '../helpers.js';
import { fixturesDir, listFiles, unzip } from './helpers.js';

const example = join(repoRoot, 'examples', 'image-based-app');
const SERVICE = 'gitea';
const golden = join(fixturesDir, 'golden', SERVICE);
const update = process.env.VKMP_UPDATE_GOLDEN === '1';

let out: string;
let build: Awaited<ReturnType<typeof runCli>>;
beforeAll(async () => {
  out = tempDir('golden-');
  build = await runCli(['build', '--out', out], { cwd: example });
  if (update && build.code === 0) {
    rmSync(golden, { recursive: true, force: true });
    cpSync(join(out, SERVICE), golden, { recursive: true });
  }
});
afterAll(() => removeDir(out));

describe(`examples/image-based-app → ${SERVICE}/ and ${SERVICE}.zip`, () => {
  it('builds without errors or warnings and names the zip to upload', () => {
    expect(build.stderr).toBe('');
    expect(build.code).toBe(0);
    expect(build.stdout).toContain('build ok: 0 errors, 0 warnings');
    expect(build.stdout).toMatch(new RegExp(`package .*${SERVICE}\\.zip \\(\\d+ bytes\\): upload this zip to Marketplace`));
  });

  it('writes exactly the golden files', () => {
    expect(existsSync(golden), 'no golden files: run with VKMP_UPDATE_GOLDEN=1').toBe(true);
    expect(listFiles(join(out, SERVICE))).toEqual(listFiles(golden));
  });

  it('every file is byte-identical to its golden copy', () => {
    for (const f of listFiles(golden)) {
      expect(readFileSync(join(out, SERVICE, f)).toString('utf8'), f).toBe(readFileSync(join(golden, f)).toString('utf8'));
    }
  });

  it('the zip holds exactly the package directory, under one root', async () => {
    const entries = await unzip(readFileSync(join(out, `${SERVICE}.zip`)));
    const files = entries.filter((e) => !e.dir);
    expect(files.map((e) => e.name).sort()).toEqual(listFiles(golden).map((f) => `${SERVICE}/${f}`));
    for (const e of files) expect(e.bytes.equals(readFileSync(join(golden, e.name.slice(SERVICE.length + 1)))), e.name).toBe(true);
    expect(new Set(entries.map((e) => e.name.split('/')[0]))).toEqual(new Set([SERVICE]));
  });
});
