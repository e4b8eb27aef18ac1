// Runs `vkmp import` and `vkmp build` as library functions (the built @vkmp/core) for a
// list of jobs, in one process: the loader maps DSL call sites through Node's own module
// loader, which the vitest runner replaces. Input: a JSON file [{ input, out }]; output:
// one JSON document on stdout.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildProject, importToDirectory } from '../../packages/core/dist/index.js';

const jobs = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const results = [];
for (const job of jobs) {
  const imported = await importToDirectory(job.input, job.out, {});
  const result = {
    ok: imported.ok,
    verified: imported.verified,
    diagnostics: imported.diagnostics.map((d) => ({ code: d.code, severity: d.severity, message: d.message })),
    built: null,
  };
  if (imported.ok) {
    const build = await buildProject({ cwd: job.out, config: join(job.out, 'vkmp.config.ts') });
    result.buildDiagnostics = build.diagnostics.map((d) => ({ code: d.code, severity: d.severity, message: d.message }));
    if (build.tree) {
      const text = (p) => new TextDecoder().decode(build.tree.get(p));
      result.built = Object.fromEntries([...build.tree.keys()].map((p) => [p, text(p)]));
    }
  }
  results.push(result);
}
process.stdout.write(JSON.stringify(results));
