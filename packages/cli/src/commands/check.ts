/**
 * `vkmp check`: the TypeScript type-check of the vendor's files plus every rule.
 * Writes nothing. The type-check runs the native TypeScript 7 compiler (`tsc`) as a
 * child process: it checks a small project in ~0.15 s, where a JS-API type-check
 * (ts-morph's bundled TypeScript) takes 0.6–1.4 s and would pull ts-morph into start-up.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { compileProject } from '../../../core/src/pipeline.js';
import { sortDiagnostics, type Diagnostic } from '../../../core/src/diagnostics.js';
import { jsonDocument, printDiagnostics, summary } from '../render.js';

export interface CheckFlags {
  config?: string;
  json?: boolean;
  typecheck?: boolean;
}

function tscPath(): string {
  const pkg = createRequire(import.meta.url).resolve('typescript/package.json');
  return join(dirname(pkg), 'bin', 'tsc');
}

const TSC_LINE = /^(.+?)\((\d+),(\d+)\): (error|warning) (TS\d+): (.*)$/;

/** Runs `tsc --noEmit` over the project and turns its output into diagnostics. */
export async function typeCheck(rootDir: string, files: string[]): Promise<Diagnostic[]> {
  const tsconfig = join(rootDir, 'tsconfig.json');
  const args = existsSync(tsconfig)
    ? ['--noEmit', '--pretty', 'false', '-p', tsconfig]
    : ['--noEmit', '--pretty', 'false', '--ignoreConfig', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', ...files];
  const output = await new Promise<{ code: number | null; text: string }>((res, rej) => {
    const child = spawn(process.execPath, [tscPath(), ...args], { cwd: rootDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (b: Buffer) => (text += b.toString()));
    child.stderr.on('data', (b: Buffer) => (text += b.toString()));
    child.on('error', rej);
    child.on('close', (code) => res({ code, text }));
  });
  const diagnostics: Diagnostic[] = [];
  let last: { code: string; severity: 'error' | 'warning'; message: string; span?: Diagnostic['span']; hint?: string } | undefined;
  for (const line of output.text.split('\n')) {
    const m = TSC_LINE.exec(line);
    if (m) {
      last = { code: m[5]!, severity: m[4] === 'error' ? 'error' : 'warning', message: m[6]!, span: { file: resolve(rootDir, m[1]!), line: Number(m[2]), column: Number(m[3]) } };
      diagnostics.push(last as Diagnostic);
    } else if (line.startsWith('  ') && last) {
      last.message += `\n${line}`; // tsc continues long messages on indented lines
    } else if (line.trim() && !m && output.code !== 0 && diagnostics.length === 0 && /error/i.test(line)) {
      diagnostics.push({ code: 'TS', severity: 'error', message: line.trim() });
    }
  }
  return diagnostics;
}

export async function checkCommand(flags: CheckFlags): Promise<number> {
  const result = await compileProject({ config: flags.config });
  let diagnostics = result.diagnostics;
  if (result.project && flags.typecheck !== false) {
    diagnostics = sortDiagnostics([...(await typeCheck(result.project.rootDir, result.project.sourceFiles)), ...diagnostics]);
  }
  const ok = !diagnostics.some((d) => d.severity === 'error');
  if (flags.json) process.stdout.write(jsonDocument('check', ok, diagnostics));
  else {
    printDiagnostics(diagnostics);
    (ok ? process.stdout : process.stderr).write(`check ${ok ? 'ok' : 'failed'}: ${summary(diagnostics)}\n`);
  }
  return ok ? 0 : 1;
}
