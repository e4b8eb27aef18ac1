/**
 * Compiles DSL fixture projects with `compileProject` outside vitest's module runner.
 *
 * The loader evaluates the vendor's bundle with a dynamic `import()`. Inside vitest that
 * import goes through vitest's own module runner, so the SDK records call sites in a file
 * the loader's source map does not know: diagnostics keep bundle positions and `file()`
 * paths resolve against the temporary bundle. Plain Node is what vendors run, so DSL
 * fixtures are compiled there: `@vkmp/core` is bundled from its current sources with
 * esbuild (no stale `dist/`) and run in one child process for every project.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import type { Diagnostic } from '../../packages/core/src/diagnostics.js';
import { repoRoot } from '../helpers.js';

const run = promisify(execFile);

const RUNNER = `import { compileProject } from './core.mjs';
const out = {};
for (const dir of JSON.parse(process.argv[2])) {
  try {
    out[dir] = { diagnostics: (await compileProject({ cwd: dir })).diagnostics };
  } catch (error) {
    out[dir] = { thrown: String(error && error.stack || error) };
  }
}
process.stdout.write(JSON.stringify(out));
`;

export type NativeResult = { diagnostics: Diagnostic[] } | { thrown: string };

/** `compileProject({ cwd })` for each directory, in plain Node; keyed by directory. */
export async function compileNatively(dirs: readonly string[]): Promise<Map<string, NativeResult>> {
  if (!dirs.length) return new Map();
  // Under the repository, so the bundle's npm imports resolve from its node_modules.
  const base = join(repoRoot, 'test', '.tmp');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, 'native-compile-'));
  try {
    await build({
      entryPoints: [join(repoRoot, 'packages', 'core', 'src', 'index.ts')],
      outfile: join(dir, 'core.mjs'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      logLevel: 'silent',
    });
    writeFileSync(join(dir, 'run.mjs'), RUNNER);
    const { stdout } = await run(process.execPath, [join(dir, 'run.mjs'), JSON.stringify(dirs)], { cwd: dir, maxBuffer: 64 * 1024 * 1024 });
    return new Map(Object.entries(JSON.parse(stdout) as Record<string, NativeResult>));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
