/**
 * Diagnostics: what every stage reports. One shape for DSL sources, JSON, YAML and
 * Terraform files, so `check`, `build` and `validate` print and serialise alike.
 */

/** A position range in a file. Lines and columns are 1-based. */
export interface Span {
  /** Absolute path (or a path inside a zip: `pkg.zip!/demo/service.yaml`). */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine?: number;
  readonly endColumn?: number;
}

export type Severity = 'error' | 'warning';

/** One finding, with the rule ID it comes from. */
export interface Diagnostic {
  /** Rule ID from SPEC.md (`SAAS-024`) or a tool rule (`DSL-001`, `LOAD-002`). */
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly span?: Span;
  /** What to do about it. */
  readonly hint?: string;
  /** Where the rule is documented (SPEC section and vkcloud-docs page). */
  readonly docs?: string;
}

/** The `--json` form of a diagnostic (DESIGN §6). */
export interface DiagnosticJson {
  code: string;
  severity: Severity;
  message: string;
  file: string | null;
  range: { start: { line: number; column: number }; end: { line: number; column: number } } | null;
  hint: string | null;
  docs: string | null;
}

export function toDiagnosticJson(d: Diagnostic, relativeTo?: (file: string) => string): DiagnosticJson {
  const s = d.span;
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    file: s ? (relativeTo ? relativeTo(s.file) : s.file) : null,
    range: s
      ? { start: { line: s.line, column: s.column }, end: { line: s.endLine ?? s.line, column: s.endColumn ?? s.column } }
      : null,
    hint: d.hint ?? null,
    docs: d.docs ?? null,
  };
}

export const hasErrors = (diagnostics: readonly Diagnostic[]): boolean => diagnostics.some((d) => d.severity === 'error');

/** Stable order: by file, line, column, then code, so output is byte-identical across runs. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => {
    const fa = a.span?.file ?? '';
    const fb = b.span?.file ?? '';
    if (fa !== fb) return fa < fb ? -1 : 1;
    const la = a.span?.line ?? 0;
    const lb = b.span?.line ?? 0;
    if (la !== lb) return la - lb;
    const ca = a.span?.column ?? 0;
    const cb = b.span?.column ?? 0;
    if (ca !== cb) return ca - cb;
    if (a.code !== b.code) return a.code < b.code ? -1 : 1;
    return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
  });
}
