/** Rendering diagnostics for people (`file:line:col - error CODE: message`) and for machines (`--json`). */
import { relative } from 'node:path';
import pc from 'picocolors';
import { toDiagnosticJson, type Diagnostic } from '../../core/src/diagnostics.js';

export const FORMAT_VERSION = '1';

const rel = (file: string): string => {
  const r = relative(process.cwd(), file);
  return r.startsWith('..') && r.split('/').length > 4 ? file : r || file;
};

/** Human form of one diagnostic, plus its hint line. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.span ? `${pc.cyan(rel(d.span.file))}:${pc.yellow(String(d.span.line))}:${pc.yellow(String(d.span.column))} - ` : '';
  const sev = d.severity === 'error' ? pc.red('error') : pc.yellow('warning');
  let out = `${where}${sev} ${pc.gray(d.code)}: ${d.message}`;
  if (d.hint) out += `\n  ${pc.gray('hint:')} ${d.hint}`;
  return out;
}

export function summary(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const part = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return errors ? pc.red(`${part(errors, 'error')}, ${part(warnings, 'warning')}`) : `${part(errors, 'error')}, ${part(warnings, 'warning')}`;
}

export function printDiagnostics(diagnostics: readonly Diagnostic[], stream: NodeJS.WritableStream = process.stderr): void {
  for (const d of diagnostics) stream.write(`${formatDiagnostic(d)}\n`);
}

/** The `--json` document every command prints. */
export function jsonDocument(command: string, ok: boolean, diagnostics: readonly Diagnostic[], extra: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ format_version: FORMAT_VERSION, command, ok, ...extra, diagnostics: diagnostics.map((d) => toDiagnosticJson(d, rel)) }, null, 2)}\n`;
}
