// `npm run demo`: the main job on the bundled examples, offline: type-check and validate
// every example project, build its artifacts, and lint the docs' own (defective) catalog
// example to show what vkmp catches. Later steps (diff, deploy to a local Infra API
// emulator) run when those commands exist in this build.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'packages', 'cli', 'bin', 'vkmp.js');
const examples = readdirSync(join(root, 'examples')).filter((d) => existsSync(join(root, 'examples', d, 'vkmp.config.ts'))).sort();

function vkmp(args, cwd, { allowFailure = false } = {}) {
  console.log(`\n$ vkmp ${args.join(' ')}    (in ${cwd.replace(`${root}/`, '')})`);
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, stdio: 'inherit' });
  if (r.status !== 0 && !allowFailure) {
    console.error(`\ndemo: \`vkmp ${args.join(' ')}\` failed with exit code ${r.status}`);
    process.exit(r.status ?? 1);
  }
  return r.status;
}

for (const name of examples) {
  const cwd = join(root, 'examples', name);
  vkmp(['check'], cwd);
  vkmp(['build'], cwd);
}
const docsExample = join(root, 'test', 'fixtures', 'docs-examples', 'catalog_VKT.json');
if (existsSync(docsExample)) {
  console.log('\nThe docs\' own catalog example, as published (SPEC §B.12 lists its defects); vkmp reports them:');
  const code = vkmp(['validate', docsExample], root, { allowFailure: true });
  if (code !== 1) {
    console.error('demo: expected validate to reject the defective docs example');
    process.exit(1);
  }
}
console.log('\ndemo ok: every example checked and built; artifacts are in examples/*/dist/.');
