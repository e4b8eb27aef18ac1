/**
 * `vkmp init [saas|image-based] [dir]`: scaffold a vendor repository that passes
 * `vkmp check` and builds at once; `--from <path>` imports a SaaS catalog instead.
 */
import { relative, resolve } from 'node:path';
// Deep imports keep the command's chunk to the modules it uses (the core index re-exports everything).
import { initProject, type InitKind } from '../../../core/src/init/index.js';
import { jsonDocument, printDiagnostics, summary } from '../render.js';

export interface InitFlags {
  force?: boolean;
  from?: string;
  allowInvalid?: boolean;
  json?: boolean;
}

export async function initCommand(kind: InitKind | undefined, dir: string | undefined, flags: InitFlags): Promise<number> {
  const target = resolve(dir ?? '.');
  const result = await initProject({ kind, dir: target, force: flags.force, from: flags.from, allowInvalid: flags.allowInvalid });
  const shown = relative(process.cwd(), target) || '.';
  if (flags.json) {
    process.stdout.write(jsonDocument('init', result.ok, result.diagnostics, { kind: result.kind, dir: shown, written: result.written, conflicts: result.conflicts }));
    return result.ok ? 0 : 1;
  }
  printDiagnostics(result.diagnostics);
  if (!result.ok) {
    process.stderr.write(`\ninit failed: ${summary(result.diagnostics)}; nothing was written.\n`);
    return 1;
  }
  for (const p of result.written) process.stdout.write(`wrote ${relative(process.cwd(), resolve(target, p)) || p}\n`);
  process.stdout.write(`init ok: a ${result.kind} project in ${shown}.\nnext: ${shown === '.' ? '' : `cd ${shown} && `}npm install && npm run check && npm run build\n`);
  return 0;
}
