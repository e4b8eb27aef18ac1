/**
 * The preview page's script as a string. `scripts/build.mjs` bundles `client/main.ts` with
 * `client/build-options.json` and defines `__VKMP_PREVIEW_CLIENT__` in the built CLI and
 * core, so they carry the script inline. Run from source (tests), the same bundle is made
 * here with the same options, so both produce identical pages.
 */
declare const __VKMP_PREVIEW_CLIENT__: string | undefined;

let cached: Promise<string> | undefined;

export function previewClientScript(): Promise<string> {
  if (typeof __VKMP_PREVIEW_CLIENT__ === 'string') return Promise.resolve(__VKMP_PREVIEW_CLIENT__);
  cached ??= bundleFromSource();
  return cached;
}

async function bundleFromSource(): Promise<string> {
  const [{ build }, { readFileSync }, { fileURLToPath }] = await Promise.all([import('esbuild'), import('node:fs'), import('node:url')]);
  const dir = fileURLToPath(new URL('./client/', import.meta.url));
  const options = JSON.parse(readFileSync(`${dir}build-options.json`, 'utf8')) as Record<string, unknown>;
  const result = await build({ ...options, entryPoints: [`${dir}main.ts`], absWorkingDir: dir, write: false });
  const file = result.outputFiles[0];
  if (!file) throw new Error('esbuild produced no preview script');
  return file.text;
}
