/** `vkmp build`: compile and write dist/ atomically; nothing is written when there are errors. */
import { relative, resolve } from 'node:path';
// Deep imports keep the command's chunk to the modules it uses (the index re-exports everything).
import { buildProject } from '../../../core/src/pipeline.js';
import { sortedEntries } from '../../../core/src/emit/tree.js';
import { writeTreeAtomic } from '../../../core/src/emit/write.js';
import { jsonDocument, printDiagnostics, summary } from '../render.js';

export interface BuildFlags {
  config?: string;
  out?: string;
  json?: boolean;
}

export async function buildCommand(flags: BuildFlags): Promise<number> {
  const result = await buildProject({ config: flags.config });
  const outDir = flags.out ? resolve(flags.out) : result.project?.config.outDir;
  if (!result.ok || !result.tree || !outDir) {
    if (flags.json) process.stdout.write(jsonDocument('build', false, result.diagnostics, { outputs: [] }));
    else {
      printDiagnostics(result.diagnostics);
      process.stderr.write(`\nbuild failed: ${summary(result.diagnostics)}; nothing was written.\n`);
    }
    return 1;
  }
  try {
    writeTreeAtomic(result.tree, outDir);
  } catch (error) {
    const message = `cannot write ${outDir}: ${(error as Error).message}`;
    if (flags.json) process.stdout.write(jsonDocument('build', false, [{ code: 'OUT-001', severity: 'error', message }], { outputs: [] }));
    else process.stderr.write(`error OUT-001: ${message}\nThe previous output, if any, was left as it was.\n`);
    return 1;
  }
  const entries = sortedEntries(result.tree);
  const shown = (path: string) => relative(process.cwd(), resolve(outDir, path));
  const outputs = entries.map(([path, bytes]) => ({ path: shown(path), bytes: bytes.length }));
  // Image-based service packages: a zip at the top of the output directory is what gets uploaded.
  const packages = entries.filter(([path]) => path.endsWith('.zip') && !path.includes('/')).map(([path, bytes]) => ({ path: shown(path), bytes: bytes.length }));
  if (flags.json) process.stdout.write(jsonDocument('build', true, result.diagnostics, { outputs, packages: packages.map((p) => p.path) }));
  else {
    printDiagnostics(result.diagnostics);
    for (const o of outputs) process.stdout.write(`wrote ${o.path} (${o.bytes} bytes)\n`);
    for (const p of packages) process.stdout.write(`package ${p.path} (${p.bytes} bytes): upload this zip to Marketplace\n`);
    process.stdout.write(`build ok: ${summary(result.diagnostics)}\n`);
  }
  return 0;
}
