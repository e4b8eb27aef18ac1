/**
 * `vkmp import <path>`: a SaaS catalog (file or broker directory) or an image-based
 * package (directory or zip) → a vendor project with idiomatic DSL source. The generated
 * project is built before it is written: `vkmp build` must reproduce the input (modulo
 * the corrections it reports), or nothing is written. Existing files are never replaced
 * without --force.
 */
import { relative, resolve } from 'node:path';
// Deep imports keep the command's chunk to the modules it uses (the core index re-exports everything).
import { importToDirectory } from '../../../core/src/import/project-import.js';
import { jsonDocument, printDiagnostics, summary } from '../render.js';

export interface ImportFlags {
  out?: string;
  force?: boolean;
  allowInvalid?: boolean;
  json?: boolean;
}

const shown = (dir: string) => relative(process.cwd(), dir) || '.';

export async function importCommand(path: string, flags: ImportFlags): Promise<number> {
  const outDir = resolve(flags.out ?? '.');
  const result = await importToDirectory(path, outDir, { force: flags.force, allowInvalid: flags.allowInvalid });
  const corrections = result.diagnostics.filter((d) => d.code === 'IMPORT-003').length;
  if (flags.json) {
    process.stdout.write(jsonDocument('import', result.ok, result.diagnostics, { out: shown(outDir), written: result.written, conflicts: result.conflicts, services: result.expected.map((e) => e.serviceName), verified: result.verified }));
    return result.ok ? 0 : 1;
  }
  printDiagnostics(result.diagnostics);
  if (!result.ok) {
    process.stderr.write(`\nimport failed: ${summary(result.diagnostics)}; nothing was written.\n`);
    return 1;
  }
  for (const p of result.written) process.stdout.write(`wrote ${shown(resolve(outDir, p))}\n`);
  const catalogs = result.expected.map((e) => (e.kind === 'saas' ? `catalog_${e.serviceName}.json` : `the package ${e.serviceName}`)).join(', ');
  const roundTrip = result.verified
    ? `\`vkmp build\` reproduces ${catalogs}${corrections ? ` with the ${corrections} correction${corrections === 1 ? '' : 's'} listed above` : ''}`
    : `the round trip of ${catalogs} is not exact (see the warnings above)`;
  process.stdout.write(
    `import ok: ${summary(result.diagnostics)}; ${roundTrip}.\n` +
      `next: cd ${shown(outDir)} && npm install && npm run check\n` +
      `      if it is live, record it as the deployed state so \`vkmp diff\` compares with it: npx vkmp state record --from ${relative(outDir, resolve(path)) || '.'}\n`,
  );
  return 0;
}
