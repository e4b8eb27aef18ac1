/**
 * One `.tf` file as the analysis sees it: the text tree-sitter parsed (possibly repaired by
 * the lexical pre-pass) and the mapping back to the original, so every span and every
 * `text` refers to the file as written.
 */
import type { Span } from '../diagnostics.js';
import type { LexicalEdit } from './lexical.js';
import type { SyntaxNode } from './parser.js';

/** Maps UTF-16 offsets to 1-based line/column. */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo] + 1 };
  }
}

export interface SourceFile {
  /** The path given by the caller; every span's `file`. */
  readonly path: string;
  /** The text that was parsed. Node offsets refer to it. */
  readonly text: string;
  /** The file as written (without a BOM). */
  readonly original: string;
  /** Maps an offset in `text` to the corresponding offset in `original`. */
  toOriginal(offset: number): number;
  /** The span of `[start, end)` offsets of `text`, in original positions. */
  spanAt(start: number, end: number): Span;
}

export function createSourceFile(path: string, original: string, text: string, edits: readonly LexicalEdit[]): SourceFile {
  const lines = new LineIndex(original);
  const toOriginal = (offset: number): number => {
    let delta = 0;
    for (const e of edits) {
      const at = e.at + delta;
      if (offset <= at) break;
      if (offset < at + e.insert.length) return e.at + Math.min(offset - at, e.remove);
      delta += e.insert.length - e.remove;
    }
    return Math.min(Math.max(0, offset - delta), original.length);
  };
  return {
    path,
    text,
    original,
    toOriginal: edits.length === 0 ? (offset) => Math.min(offset, original.length) : toOriginal,
    spanAt(start, end) {
      const a = lines.position(this.toOriginal(start));
      const b = lines.position(this.toOriginal(Math.max(start, end)));
      return { file: path, line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
    },
  };
}

export const spanOf = (file: SourceFile, first: SyntaxNode, last: SyntaxNode = first): Span => file.spanAt(first.start, last.end);

/** The original source text of a node (or of a run of sibling nodes). */
export const sourceOf = (file: SourceFile, first: SyntaxNode, last: SyntaxNode = first): string =>
  file.original.slice(file.toOriginal(first.start), file.toOriginal(last.end));
