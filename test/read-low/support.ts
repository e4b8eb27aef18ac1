/** Helpers for the low-level reader tests. */
import type { Span } from '../../packages/core/src/diagnostics.js';
import type { ParseIssue } from '../../packages/core/src/read/json.js';

/** Offsets of line starts, with the readers' line-break convention (`\n`, `\r\n`, `\r`). */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

/** The source text a span covers (`bomOffset` = 1 when the text starts with a BOM the columns do not count). */
export function sliceSpan(text: string, span: Span, bomOffset = 0): string {
  const starts = lineStarts(text);
  const at = (line: number, column: number): number => (line === 1 ? bomOffset : 0) + starts[line - 1] + column - 1;
  return text.slice(at(span.line, span.column), at(span.endLine ?? span.line, span.endColumn ?? span.column));
}

/** Resolves an RFC 6901 pointer; `{ found: false }` when it does not resolve. */
export function resolvePointer(value: unknown, pointer: string): { found: boolean; value?: unknown } {
  if (pointer === '') return { found: true, value };
  if (!pointer.startsWith('/')) return { found: false };
  let cur: unknown = value;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      if (!/^(0|[1-9][0-9]*)$/.test(seg) || Number(seg) >= cur.length) return { found: false };
      cur = cur[Number(seg)];
    } else if (typeof cur === 'object' && cur !== null) {
      if (!Object.prototype.hasOwnProperty.call(cur, seg)) return { found: false };
      cur = (cur as Record<string, unknown>)[seg];
    } else return { found: false };
  }
  return { found: true, value: cur };
}

/** `kind@line:column` of each issue, for compact assertions. */
export const brief = (issues: ParseIssue[]): string[] => issues.map((i) => `${i.kind}@${i.span.line}:${i.span.column}`);

export const kinds = (issues: ParseIssue[]): string[] => issues.map((i) => i.kind);
