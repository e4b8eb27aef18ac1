// Builds the workspace packages with esbuild: fast, and keeps heavy dependencies
// (ts-morph, archiver, undici, zod) out of the `vkmp build` start-up path through
// code splitting and lazy imports. Type-checking is `npm run typecheck` (tsc 7).
import { build } from 'esbuild';
import { existsSync, rmSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', sourcemap: 'linked', logLevel: 'warning', legalComments: 'none' };

// Workspace packages are inlined into the CLI bundle; npm dependencies stay external.
const externalizeNpm = {
  name: 'externalize-npm',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      // @vkmp/sdk stays external: vendor bundles import the same file (DSL brands use Symbol.for anyway).
      if ((args.path.startsWith('@vkmp/') && args.path !== '@vkmp/sdk') || args.path.startsWith('node:')) return undefined;
      return { path: args.path, external: true };
    });
  },
};

async function lib(pkg, entries = ['index']) {
  const out = join(root, 'packages', pkg, 'dist');
  rmSync(out, { recursive: true, force: true });
  if (!existsSync(join(root, 'packages', pkg, 'src', 'index.ts'))) return;
  await build({
    ...common,
    entryPoints: Object.fromEntries(entries.map((e) => [e, join(root, 'packages', pkg, 'src', `${e}.ts`)])),
    outdir: out,
    packages: 'external',
  });
}

// `vkmp preview`'s page script: bundled for the browser with its own options and inlined into
// core and the CLI as the string constant __VKMP_PREVIEW_CLIENT__ (packages/core/src/preview/client-script.ts).
const previewClientDir = join(root, 'packages', 'core', 'src', 'preview', 'client');
const previewClient = await build({
  ...JSON.parse(readFileSync(join(previewClientDir, 'build-options.json'), 'utf8')),
  entryPoints: [join(previewClientDir, 'main.ts')],
  absWorkingDir: previewClientDir,
  write: false,
});
common.define = { ...common.define, __VKMP_PREVIEW_CLIENT__: JSON.stringify(previewClient.outputFiles[0].text) };

await Promise.all([lib('sdk'), lib('core'), lib('infra-api')]);

// The SDK ships declaration files, so vendors type-check against .d.ts with their own
// compiler settings instead of compiling our sources (TypeScript 7's tsc emits them).
{
  const { spawnSync } = await import('node:child_process');
  const { createRequire } = await import('node:module');
  const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'packages', 'sdk', 'tsconfig.json')], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const cliOut = join(root, 'packages', 'cli', 'dist');
rmSync(cliOut, { recursive: true, force: true });
await build({
  ...common,
  entryPoints: { vkmp: join(root, 'packages', 'cli', 'src', 'main.ts') },
  outdir: cliOut,
  splitting: true,
  // Bundle the workspace packages from source, so code splitting works per module and
  // `vkmp build` loads only the modules its command needs.
  conditions: ['source'],
  chunkNames: 'chunks/[name]-[hash]',
  plugins: [externalizeNpm],
  // `createRequire` lets bundled CommonJS-only helpers work inside the ESM bundle.
  banner: { js: "import { createRequire as __vkmpCreateRequire } from 'node:module'; const require = __vkmpCreateRequire(import.meta.url);" },
});
