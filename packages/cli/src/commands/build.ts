/** `vkmp build`: compile and write dist/ atomically; nothing is written when there are errors. */
import { relative, resolve } from 'node:path';
import { buildProject, sortedEntries, writeTreeAtomic } from '@vkmp/core';
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
  const outputs = sortedEntries(result.tree).map(([path, bytes]) => ({ path: relative(process.cwd(), resolve(outDir, path)), bytes: bytes.length }));
  if (flags.json) process.stdout.write(jsonDocument('build', true, result.diagnostics, { outputs }));
  else {
    printDiagnostics(result.diagnostics);
    for (const o of outputs) process.stdout.write(`wrote ${o.path} (${o.bytes} bytes)\n`);
    process.stdout.write(`build ok: ${summary(result.diagnostics)}\n`);
  }
  return 0;
}
