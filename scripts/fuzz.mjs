// `npm run fuzz`: the fuzz tests with many more cases than CI runs (default 100,000 each;
// `npm run fuzz -- 250000` for more). Readers and rules must never throw on damaged input.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs = process.argv[2] ?? '100000';
const files = ['test/rules/catalog-fuzz.test.ts', 'test/ib-read/fuzz.test.ts', 'test/import/fuzz.test.ts', 'test/read-low'];
const r = spawnSync(process.execPath, [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...files, '-t', 'fuzz|mutat|damaged|never', '--testTimeout', '0'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, VKMP_FUZZ_RUNS: runs },
});
process.exit(r.status ?? 1);
