/** `vkmp validate <path...>`: lint hand-written catalogs and packages with every rule. */
import { validateArtifacts } from '../../../core/src/pipeline.js';
import '../../../core/src/usage/index.js'; // registers the pull-report reader and its rules
import { jsonDocument, printDiagnostics, summary } from '../render.js';

export async function validateCommand(paths: string[], flags: { json?: boolean }): Promise<number> {
  const result = await validateArtifacts(paths);
  if (flags.json) process.stdout.write(jsonDocument('validate', result.ok, result.diagnostics));
  else {
    printDiagnostics(result.diagnostics);
    (result.ok ? process.stdout : process.stderr).write(`validate ${result.ok ? 'ok' : 'failed'}: ${summary(result.diagnostics)}\n`);
  }
  return result.ok ? 0 : 1;
}
