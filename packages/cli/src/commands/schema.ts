/**
 * `vkmp schema`: JSON Schema (draft-07) documents of the SaaS catalog, plan_mapping.json
 * and every image-based YAML file kind, generated from the zod schemas of @vkmp/core.
 * Each file is replaced atomically (temp file + rename); other files are left alone.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
// Deep imports keep the command's chunk to the modules it uses (the core index re-exports everything).
import { SCHEMA_DOCUMENTS, schemaDocuments } from '../../../core/src/schema/index.js';
import { jsonDocument } from '../render.js';

export interface SchemaFlags {
  out?: string;
  json?: boolean;
}

export async function schemaCommand(flags: SchemaFlags): Promise<number> {
  const outDir = resolve(flags.out ?? 'schemas');
  const documents = schemaDocuments();
  const outputs: { path: string; describes: string; bytes: number }[] = [];
  try {
    mkdirSync(outDir, { recursive: true });
    for (const d of SCHEMA_DOCUMENTS) {
      const text = documents.get(d.fileName)!;
      const target = join(outDir, d.fileName);
      const temp = `${target}.tmp-${process.pid}`;
      writeFileSync(temp, text, { mode: 0o644 });
      renameSync(temp, target);
      outputs.push({ path: relative(process.cwd(), target) || target, describes: d.describes, bytes: Buffer.byteLength(text) });
    }
  } catch (error) {
    const message = `cannot write ${outDir}: ${(error as Error).message}`;
    if (flags.json) process.stdout.write(jsonDocument('schema', false, [{ code: 'OUT-001', severity: 'error', message }], { outputs }));
    else process.stderr.write(`error OUT-001: ${message}\n`);
    return 1;
  }
  if (flags.json) process.stdout.write(jsonDocument('schema', true, [], { outputs }));
  else for (const o of outputs) process.stdout.write(`wrote ${o.path} (${o.describes})\n`);
  return 0;
}
