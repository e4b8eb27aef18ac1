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
// Deploy every example to the local Infra API emulator, started in this process on 127.0.0.1
// (temporary data dir, generated tokens passed to the CLI through its environment), then
// deploy again: nothing is sent the second time. Copies of the examples are deployed, so the
// repository's .vkmp/deployed stays untouched. The CLI runs asynchronously (not spawnSync):
// the emulator answers from this process's event loop.
{
  const { spawn } = await import('node:child_process');
  const { cpSync, mkdirSync, mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { randomBytes } = await import('node:crypto');
  const { startEmulator } = await import('../packages/infra-api/dist/index.js');
  const { validatePackageZip } = await import('../packages/core/dist/index.js');
  const work = mkdtempSync(join(tmpdir(), 'vkmp-demo-deploy-'));
  const tokens = Object.fromEntries(['SERVICE', 'USAGE', 'AUTH'].map((k) => [`VKMP_${k}_TOKEN`, `demo-${k.toLowerCase()}-${randomBytes(12).toString('hex')}`]));
  const emu = await startEmulator({
    dataDir: join(work, 'emulator'),
    serviceTokens: [tokens.VKMP_SERVICE_TOKEN],
    usageTokens: [tokens.VKMP_USAGE_TOKEN],
    authTokens: [tokens.VKMP_AUTH_TOKEN],
    validatePackage: async (zip) => {
      const v = await validatePackageZip(zip, { label: 'upload.zip' });
      if (v.ok === 'unsupported') throw new Error('this vkmp build cannot read package zips');
      return v.ok ? { ok: true, service: v.service } : { ok: false, diagnostics: v.diagnostics };
    },
  });
  const run = (args, cwd) => {
    console.log(`\n$ vkmp ${args.join(' ')}    (in a copy of examples/${cwd.split('/').pop()})`);
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [bin, ...args], { cwd, stdio: 'inherit', env: { ...process.env, ...tokens } });
      child.on('close', (code) => resolve(code));
    });
  };
  let failed;
  try {
    console.log(`\nLocal Infra API emulator on ${emu.url} (in-process, data in a temporary directory).`);
    const copies = examples.map((name) => {
      const dir = join(work, name);
      const src = join(root, 'examples', name);
      cpSync(src, dir, { recursive: true, filter: (p) => !/^[/\\](dist|\.vkmp|node_modules)([/\\]|$)/.test(p.slice(src.length)) });
      mkdirSync(join(dir, 'broker'), { recursive: true }); // a SaaS broker checkout; deploy writes its resources/
      return dir;
    });
    const deploy = (dir) => run(['deploy', '--base-url', emu.baseUrl, '--broker-dir', join(dir, 'broker', 'resources'), '--yes'], dir);
    for (const dir of copies) if ((await deploy(dir)) !== 0) failed = `the first deploy of ${dir} failed`;
    const sent = emu.state().stats.requests;
    console.log('\nDeploying again: nothing changed, so nothing is sent.');
    for (const dir of copies) if ((await deploy(dir)) !== 0) failed ??= `the second deploy of ${dir} failed`;
    if (emu.state().stats.requests !== sent) failed ??= 'the second deploy sent requests';
    const state = emu.state();
    console.log(`\nemulator state: ${state.uploads.length} upload(s) (${state.uploads.map((u) => `${u.filename} ${u.outcome}`).join(', ') || 'none'}), ${state.stats.requests} API request(s)`);
    for (const s of state.services) console.log(`  ${s.name} ${s.id} revision ${JSON.stringify(s.revision)}: plans ${s.plans.map((p) => `${p.name}@${p.revision}`).join(', ')}; postpaid ${s.postpaidOptions.join(', ') || 'none'}`);
  } finally {
    await emu.close();
    rmSync(work, { recursive: true, force: true });
  }
  if (failed) {
    console.error(`\ndemo: ${failed}`);
    process.exit(1);
  }
}
console.log('\ndemo ok: every example checked and built; artifacts are in examples/*/dist/.');
