/**
 * A lexical pre-pass over HCL text for the mistakes that make tree-sitter lose the structure
 * of the whole rest of a file: a quoted string not closed on its line, an invalid escape in a
 * quoted string (`"a\qb"`), a heredoc without its end marker, a `/*` comment without `*\/`.
 *
 * Each is reported at its start, and the text is repaired so the parse that follows still
 * sees the blocks after it: a missing `"` is inserted before the end of the line, the
 * backslash of an invalid escape becomes a space, a missing heredoc marker or `*\/` is
 * appended at the end of the file (as is a final newline, which tree-sitter needs after a
 * heredoc marker). Repairs never add lines in the middle, so line numbers of the repaired
 * text equal those of the original; columns differ only after an inserted quote on its line.
 */

export interface LexicalProblem {
  readonly start: number;
  readonly end: number;
  readonly message: string;
  /** The mistake swallows the rest of the file (unclosed heredoc or comment). */
  readonly toEnd?: boolean;
}

/** A repair: at offset `at` of the input, `remove` characters are replaced by `insert`. */
export interface LexicalEdit {
  readonly at: number;
  readonly remove: number;
  readonly insert: string;
}

export interface LexicalResult {
  /** The text to parse. Problem offsets refer to it. */
  readonly text: string;
  readonly problems: readonly LexicalProblem[];
  /** The repairs in the middle of the input, ascending (text appended at the end is not listed). */
  readonly edits: readonly LexicalEdit[];
}

const IDENT_START = /[\p{ID_Start}_]/u;
const IDENT_CONTINUE = /[\p{ID_Continue}\-_]/u;

export function scanHcl(input: string): LexicalResult {
  const problems: LexicalProblem[] = [];
  /** Repairs, in ascending offset order: at `at` (input offset), replace `remove` chars by `insert`. */
  const edits: LexicalEdit[] = [];
  let appendix = '';
  const text = input;
  const n = text.length;

  const lineEnd = (from: number): number => {
    const eol = text.indexOf('\n', from);
    const end = eol < 0 ? n : eol;
    return end > from && text[end - 1] === '\r' ? end - 1 : end;
  };

  /** Skips a comment starting at `i`; returns the index after it. */
  const skipComment = (i: number): number => {
    if (text[i] === '#' || (text[i] === '/' && text[i + 1] === '/')) {
      const eol = text.indexOf('\n', i);
      return eol < 0 ? n : eol;
    }
    const close = text.indexOf('*/', i + 2);
    if (close >= 0) return close + 2;
    problems.push({ start: i, end: lineEnd(i), message: 'Unterminated comment: "/*" has no closing "*/". Close the comment.', toEnd: true });
    appendix += ' */';
    return n;
  };

  /** Scans a heredoc whose `<<` is at `i`, if it is one; returns the index after it, or -1. */
  const scanHeredoc = (i: number): number => {
    let j = i + 2;
    if (text[j] === '-') j++;
    if (j >= n || !IDENT_START.test(text[j])) return -1;
    const nameStart = j;
    while (j < n && IDENT_CONTINUE.test(text[j])) j++;
    const marker = text.slice(nameStart, j);
    const eol = lineEnd(j);
    if (text.slice(j, eol).trim() !== '') return -1;
    let lineStart = text.indexOf('\n', j);
    while (lineStart >= 0) {
      lineStart++;
      const end = lineEnd(lineStart);
      if (text.slice(lineStart, end).trim() === marker) return end;
      lineStart = text.indexOf('\n', lineStart);
    }
    problems.push({ start: i, end: eol, message: `Unterminated heredoc: no line "${marker}" closes the "${text.slice(i, nameStart)}${marker}" started here. Add the end marker on a line of its own.`, toEnd: true });
    appendix += `${text.endsWith('\n') || appendix.endsWith('\n') ? '' : '\n'}${marker}\n`;
    return n;
  };

  /** Scans a quoted template whose `"` is at `i`; returns the index after its closing quote. */
  const scanString = (i: number): number => {
    let j = i + 1;
    while (j < n) {
      const ch = text[j];
      if (ch === '\\') {
        const next = text[j + 1];
        if (next === '\n' || next === '\r' || j + 1 >= n) {
          j++;
          continue;
        }
        const digits = next === 'u' ? 4 : next === 'U' ? 8 : 0;
        const hexOk = digits === 0 || new RegExp(`^[0-9A-Fa-f]{${digits}}$`).test(text.slice(j + 2, j + 2 + digits));
        if (!'"nrt\\uU'.includes(next) || !hexOk) {
          const shown = digits > 0 ? text.slice(j, Math.min(lineEnd(j), j + 2 + digits)) : `\\${next}`;
          problems.push({
            start: j,
            end: j + shown.length,
            message:
              digits > 0
                ? `Invalid unicode escape "${shown}" in a quoted string: write \\${next} followed by exactly ${digits} hex digits.`
                : `Invalid escape sequence "${shown}" in a quoted string; write \\\\ for a literal backslash (valid escapes: \\n \\r \\t \\" \\\\ \\uNNNN \\UNNNNNNNN).`,
          });
          edits.push({ at: j, remove: 1, insert: ' ' });
          j++;
          continue;
        }
        j += 2 + digits;
        continue;
      }
      if (ch === '"') return j + 1;
      if ((ch === '$' || ch === '%') && text[j + 1] === ch && text[j + 2] === '{') {
        j += 3;
        continue;
      }
      if ((ch === '$' || ch === '%') && text[j + 1] === '{') {
        j = scanCode(j + 2, true);
        continue;
      }
      if (ch === '\n' || ch === '\r') break;
      j++;
    }
    const end = lineEnd(i);
    problems.push({
      start: i,
      end,
      message:
        'Unterminated string: a quoted string must close on the line it starts. Add the closing quote, write \\n for a line break, or use a heredoc (<<-EOT … EOT) for multi-line text.',
    });
    edits.push({ at: Math.min(j, end), remove: 0, insert: '"' });
    return Math.min(j, end);
  };

  /** Scans code from `i`; with `untilBrace`, stops after the `}` that closes an interpolation. */
  function scanCode(i: number, untilBrace: boolean): number {
    let depth = 0;
    let j = i;
    while (j < n) {
      const ch = text[j];
      if (ch === '#' || (ch === '/' && (text[j + 1] === '/' || text[j + 1] === '*'))) {
        j = skipComment(j);
        continue;
      }
      if (ch === '"') {
        j = scanString(j);
        continue;
      }
      if (ch === '<' && text[j + 1] === '<') {
        const after = scanHeredoc(j);
        j = after < 0 ? j + 2 : after;
        continue;
      }
      if (ch >= '0' && ch <= '9' && (j === 0 || !IDENT_CONTINUE.test(text[j - 1]))) {
        // HCL allows `1e3`; the grammar wants a fraction before the exponent (`1.0e3`).
        const number = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(j, j + 400)) as RegExpExecArray;
        if (number[2] !== undefined && number[1] === undefined) {
          edits.push({ at: j + number[0].length - number[2].length, remove: 0, insert: '.0' });
        }
        j += number[0].length;
        continue;
      }
      if (ch === '{') depth++;
      else if (ch === '}') {
        if (depth === 0 && untilBrace) return j + 1;
        depth = Math.max(0, depth - 1);
      }
      j++;
    }
    return n;
  }

  scanCode(0, false);
  if (!text.endsWith('\n') && !appendix.startsWith('\n')) appendix = `\n${appendix}`;
  if (edits.length === 0) return { text: input + appendix, problems, edits };

  let repaired = '';
  let last = 0;
  for (const e of edits) {
    repaired += text.slice(last, e.at) + e.insert;
    last = e.at + e.remove;
  }
  repaired += text.slice(last) + appendix;
  const shift = (offset: number): number => {
    let delta = 0;
    for (const e of edits) if (e.at < offset) delta += e.insert.length - e.remove;
    return offset + delta;
  };
  return {
    text: repaired,
    problems: problems.map((p) => ({ ...p, start: shift(p.start), end: shift(p.end) })),
    edits,
  };
}
