/**
 * A strict RFC 8259 JSON parser for hand-written artifacts (`catalog_<NAME>.json`,
 * broker responses, usage pushes).
 *
 * Unlike `JSON.parse` it never throws, records the source span of every value and key
 * (addressed by RFC 6901 JSON pointer), and on bad input reports precise issues and
 * recovers, so one pass reports the defects the docs' own examples contain (SPEC §B.12):
 * missing commas, trailing commas, `//` comments, TABs in strings.
 *
 * The design is iterative (an explicit container stack, no recursion), with nesting
 * limited to {@link MAX_JSON_DEPTH}: deep or huge inputs cannot overflow the call stack,
 * and a 30 MB document parses in a few hundred milliseconds.
 *
 * Positions: lines and columns are 1-based; a line break is `\n`, `\r\n` or `\r`; a
 * column counts UTF-16 code units; a byte-order mark is not counted. `endLine` /
 * `endColumn` point just past the last character (exclusive end).
 */
import type { Span } from '../diagnostics.js';

/**
 * One problem found while reading an artifact. Shared by every reader in `read/`.
 *
 * `kind` is a stable machine-readable category (later stages map it to rule IDs);
 * `message` is for humans and says what was expected and how the reader recovered.
 */
export interface ParseIssue {
  kind: string;
  message: string;
  span: Span;
}

/**
 * The result of parsing a JSON or YAML document.
 *
 * - `value`: the plain JS value (objects, arrays, strings, numbers, booleans, null);
 *   `undefined` when no value could be recovered at all. With issues present it is a
 *   best-effort recovery and must not be trusted blindly.
 * - `spans`: RFC 6901 JSON pointer (`""` for the root, `/services/0/plans`) → span of
 *   that value in the source. Every pointer in the map resolves in `value`.
 * - `keySpans`: pointer of an object member → span of the key naming it (quotes
 *   included).
 *
 * Both maps iterate in document order. For JSON they are backed by a compact table
 * filled while parsing: `get`, `has` and `size` are cheap, and the entries themselves are
 * only built on the first iteration or modification (a 30 MB catalog has ~10^6 spans).
 * `structuredClone` and `postMessage` copy only built entries: pass `new Map(doc.spans)`
 * to a worker.
 */
export interface ParsedDocument {
  value: unknown;
  issues: ParseIssue[];
  spans: Map<string, Span>;
  keySpans: Map<string, Span>;
}

/** Deepest nesting of arrays and objects accepted; deeper values are reported (`depth`) and skipped. */
export const MAX_JSON_DEPTH = 256;

/** At most this many issues of one kind are reported; one more issue says the rest were suppressed. */
const MAX_ISSUES_PER_KIND = 50;
/** At most this many issues in all. */
const MAX_ISSUES = 500;

/**
 * Parses `text` as strict RFC 8259 JSON, reporting issues instead of throwing.
 *
 * Issue kinds:
 * - `bom` — a leading U+FEFF (ignored; columns on line 1 do not count it);
 * - `comment` — `//` or `/* *\/` comments (skipped);
 * - `trailing-comma` — `,` before `}` or `]` (ignored);
 * - `missing-comma` — two members or elements without `,` between them; the span is the
 *   point just after the first value, where the comma belongs (parsing continues as if
 *   it were there);
 * - `tab` — a raw TAB (or any other raw control character U+0000–U+001F) inside a
 *   string; kept in the value. TABs between tokens are legal and not reported;
 * - `duplicate-key` — the second occurrence of a key in an object: reported at the
 *   second key, and the **first** value is kept;
 * - `syntax` — an unexpected token, with what was expected (unquoted or single-quoted
 *   strings and keys, a missing `:`, unclosed brackets, a mismatched closer, …);
 * - `invalid-number` — numbers JSON does not allow (`01`, `1.`, `.5`, `+1`, `0x1F`,
 *   `NaN`, `Infinity`); kept when JavaScript can read them as a finite number,
 *   otherwise the member or element is left out;
 * - `unterminated-string` — a string not closed before the end of its line or input;
 * - `invalid-escape` — an escape other than `\" \\ \/ \b \f \n \r \t \uXXXX`; the
 *   character after `\` is kept literally;
 * - `lone-surrogate` — an unpaired UTF-16 surrogate (escaped or raw); replaced by U+FFFD;
 * - `depth` — nesting deeper than {@link MAX_JSON_DEPTH}; that value is left out;
 * - `trailing-data` — anything after the root value (ignored);
 * - `too-many-issues` — issue reporting stopped (more than 50 of one kind or 500 in all);
 *   parsing itself continues.
 *
 * Values that cannot be recovered (a bare word, an unusable number, a skipped nested
 * value) are left out of their object or array, so `value` and `spans` stay consistent.
 * Keys `__proto__` become ordinary own properties, as with `JSON.parse`.
 */
export function parseJson(text: string, file: string): ParsedDocument {
  return new JsonParser(text, file).parse();
}

// ---------------------------------------------------------------------------------------
// Tokens

const T_EOF = 0;
const T_LBRACE = 1;
const T_RBRACE = 2;
const T_LBRACK = 3;
const T_RBRACK = 4;
const T_COLON = 5;
const T_COMMA = 6;
const T_STRING = 7;
const T_NUMBER = 8;
const T_LITERAL = 9; // true, false, null
const T_WORD = 10; // a bare word that is not a JSON literal
const T_BAD = 11; // a run of characters that cannot start a token

// Container states.
const O_KEY_OR_END = 0; // after `{`
const O_KEY = 1; // after `,` in an object
const O_COLON = 2; // after a key
const O_VALUE = 3; // after `:`
const O_COMMA_OR_END = 4; // after a member value
const A_VALUE_OR_END = 5; // after `[`
const A_VALUE = 6; // after `,` in an array
const A_COMMA_OR_END = 7; // after an element

interface Frame {
  isObject: boolean;
  obj: Record<string, unknown> | null;
  arr: unknown[] | null;
  startLine: number;
  startColumn: number;
  state: number;
  /** Pending member: its key, the key's position, whether it duplicates an earlier key. */
  key: string;
  keyLine: number;
  keyColumn: number;
  keyEndColumn: number;
  keyDuplicate: boolean;
  /** Recorded children (ids in the span table), in source order. */
  firstChild: number;
  lastChild: number;
  /** This container is the value of a duplicate key (or inside one): build it, attach nothing. */
  discard: boolean;
  /** Position of the last `,` (for trailing-comma reports). */
  commaLine: number;
  commaColumn: number;
}

const CLOSER_NAME = ['', '', "'}'", '', "']'"];

function describeToken(type: number, text: string): string {
  switch (type) {
    case T_EOF:
      return 'end of input';
    case T_STRING:
      return `string ${abbreviate(text)}`;
    case T_NUMBER:
      return `number ${abbreviate(text)}`;
    case T_LITERAL:
      return `'${text}'`;
    case T_WORD:
      return `'${abbreviate(text)}'`;
    case T_BAD:
      return describeChars(text);
    default:
      return `'${text}'`;
  }
}

function abbreviate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}…` : s;
}

function describeChars(s: string): string {
  const cp = s.codePointAt(0) ?? 0;
  const u = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  if (cp === 0xfeff) return `byte-order mark (${u})`;
  if (cp === 0xa0) return `no-break space (${u})`;
  if (cp < 0x20 || cp === 0x7f) return `control character ${u}`;
  return s.length > 1 ? `'${abbreviate(s)}'` : `'${s}' (${u})`;
}

const escapePointer = (key: string): string =>
  key.indexOf('~') < 0 && key.indexOf('/') < 0 ? key : key.replace(/~/g, '~0').replace(/\//g, '~1');

/** Characters that continue a number-like or word-like run: `0-9 A-Z a-z _ $ . + -`. */
function isRunChar(c: number): boolean {
  return (
    (c >= 48 && c <= 57) ||
    (c >= 65 && c <= 90) ||
    (c >= 97 && c <= 122) ||
    c === 95 ||
    c === 36 ||
    c === 46 ||
    c === 43 ||
    c === 45
  );
}

/** Characters that end a run of unexpected characters. */
function startsSomething(c: number): boolean {
  return (
    c === 32 ||
    c === 9 ||
    c === 10 ||
    c === 13 ||
    c === 123 ||
    c === 125 ||
    c === 91 ||
    c === 93 ||
    c === 58 ||
    c === 44 ||
    c === 34 ||
    c === 39 ||
    c === 47 ||
    isRunChar(c)
  );
}

class JsonParser {
  private readonly text: string;
  private readonly file: string;
  private readonly len: number;
  private pos = 0;
  private line = 1;
  private lineStart = 0;

  readonly issues: ParseIssue[] = [];
  private readonly table: SpanTable;
  private readonly kindCounts = new Map<string, number>();
  private suppressedAll = false;

  // Current token.
  private tt = T_EOF;
  private ts = 0;
  private te = 0;
  private tLine = 1;
  private tColumn = 1;
  private tString = '';
  private tNumber = 0;
  /** For T_NUMBER / T_LITERAL: whether the value is usable. */
  private tUsable = true;
  private tLiteral: boolean | null = null;

  // End of the last complete value (where a missing comma belongs).
  private lastEndLine = 1;
  private lastEndColumn = 1;

  constructor(text: string, file: string) {
    this.text = text;
    this.file = file;
    this.len = text.length;
    this.table = new SpanTable(file);
  }

  // ---- issues -------------------------------------------------------------------------

  private report(kind: string, message: string, span: Span): void {
    if (this.suppressedAll) return;
    const n = (this.kindCounts.get(kind) ?? 0) + 1;
    this.kindCounts.set(kind, n);
    if (n > MAX_ISSUES_PER_KIND + 1) return;
    if (this.issues.length >= MAX_ISSUES) {
      this.suppressedAll = true;
      this.issues.push({ kind: 'too-many-issues', message: `more than ${MAX_ISSUES} issues; the rest are not reported`, span });
      return;
    }
    if (n === MAX_ISSUES_PER_KIND + 1) {
      this.issues.push({
        kind: 'too-many-issues',
        message: `more than ${MAX_ISSUES_PER_KIND} '${kind}' issues; the rest are not reported`,
        span,
      });
      return;
    }
    this.issues.push({ kind, message, span });
  }

  /** Span on the current line from offset `start` to `end`. */
  private lineSpan(start: number, end: number): Span {
    const base = this.lineStart - 1;
    return { file: this.file, line: this.line, column: start - base, endLine: this.line, endColumn: end - base };
  }

  private tokenSpan(): Span {
    return { file: this.file, line: this.tLine, column: this.tColumn, endLine: this.tLine, endColumn: this.tColumn + (this.te - this.ts) };
  }

  private pointSpan(line: number, column: number): Span {
    return { file: this.file, line, column, endLine: line, endColumn: column };
  }

  // ---- scanner ------------------------------------------------------------------------

  /** Skips whitespace, line breaks and (reported) comments. */
  private skipTrivia(): void {
    const text = this.text;
    const len = this.len;
    let pos = this.pos;
    for (;;) {
      if (pos >= len) break;
      const c = text.charCodeAt(pos);
      if (c === 32 || c === 9) {
        pos++;
      } else if (c === 10) {
        pos++;
        this.line++;
        this.lineStart = pos;
      } else if (c === 13) {
        pos++;
        if (text.charCodeAt(pos) === 10) pos++;
        this.line++;
        this.lineStart = pos;
      } else if (c === 47 /* / */) {
        const d = text.charCodeAt(pos + 1);
        if (d === 47) {
          let end = pos + 2;
          while (end < len) {
            const e = text.charCodeAt(end);
            if (e === 10 || e === 13) break;
            end++;
          }
          this.report('comment', 'comments are not allowed in JSON (RFC 8259); this `//` comment was ignored', this.lineSpan(pos, end));
          pos = end;
        } else if (d === 42) {
          const startLine = this.line;
          const startColumn = pos - this.lineStart + 1;
          let end = pos + 2;
          let closed = false;
          while (end < len) {
            const e = text.charCodeAt(end);
            if (e === 42 && text.charCodeAt(end + 1) === 47) {
              end += 2;
              closed = true;
              break;
            }
            end++;
            if (e === 10) {
              this.line++;
              this.lineStart = end;
            } else if (e === 13) {
              if (text.charCodeAt(end) === 10) end++;
              this.line++;
              this.lineStart = end;
            }
          }
          this.report(
            'comment',
            closed
              ? 'comments are not allowed in JSON (RFC 8259); this `/* */` comment was ignored'
              : 'comments are not allowed in JSON (RFC 8259); this `/*` comment is not closed and runs to the end of the input',
            { file: this.file, line: startLine, column: startColumn, endLine: this.line, endColumn: end - this.lineStart + 1 },
          );
          pos = end;
        } else {
          break;
        }
      } else {
        break;
      }
    }
    this.pos = pos;
  }

  /** Reads the next token into the `t*` fields. */
  private next(): void {
    this.skipTrivia();
    const text = this.text;
    const pos = this.pos;
    this.ts = pos;
    this.tLine = this.line;
    this.tColumn = pos - this.lineStart + 1;
    if (pos >= this.len) {
      this.tt = T_EOF;
      this.te = pos;
      return;
    }
    const c = text.charCodeAt(pos);
    switch (c) {
      case 123:
        this.punct(T_LBRACE);
        return;
      case 125:
        this.punct(T_RBRACE);
        return;
      case 91:
        this.punct(T_LBRACK);
        return;
      case 93:
        this.punct(T_RBRACK);
        return;
      case 58:
        this.punct(T_COLON);
        return;
      case 44:
        this.punct(T_COMMA);
        return;
      case 34:
        this.scanString(34);
        return;
      case 39:
        this.scanString(39);
        this.report('syntax', 'strings must be in double quotes; this single-quoted string was read as a string', this.tokenSpan());
        return;
    }
    if (c === 45 || (c >= 48 && c <= 57) || c === 43 || c === 46) {
      this.scanNumber();
      return;
    }
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36) {
      this.scanWord();
      return;
    }
    // A run of characters that cannot start a token.
    let end = pos + 1;
    if (c >= 0xd800 && c <= 0xdbff && end < this.len) {
      const d = text.charCodeAt(end);
      if (d >= 0xdc00 && d <= 0xdfff) end++;
    }
    while (end < this.len && !startsSomething(text.charCodeAt(end))) end++;
    this.pos = end;
    this.te = end;
    this.tt = T_BAD;
    this.tString = text.slice(pos, end);
  }

  private punct(type: number): void {
    this.tt = type;
    this.pos = this.ts + 1;
    this.te = this.pos;
  }

  private scanWord(): void {
    const text = this.text;
    let end = this.pos + 1;
    while (end < this.len && isRunChar(text.charCodeAt(end))) end++;
    const word = text.slice(this.pos, end);
    this.pos = end;
    this.te = end;
    this.tString = word;
    if (word === 'true' || word === 'false' || word === 'null') {
      this.tt = T_LITERAL;
      this.tLiteral = word === 'null' ? null : word === 'true';
      this.tUsable = true;
    } else if (word === 'NaN' || word === 'Infinity') {
      this.tt = T_NUMBER;
      this.tUsable = false;
      this.report('invalid-number', `${word} is not a JSON number; the value was left out`, this.tokenSpan());
    } else {
      this.tt = T_WORD;
    }
  }

  private scanNumber(): void {
    const text = this.text;
    const len = this.len;
    const start = this.pos;
    let p = start;
    let ok = true;
    // RFC 8259: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
    if (text.charCodeAt(p) === 45) p++;
    let c = text.charCodeAt(p);
    if (c === 48) {
      p++;
    } else if (c >= 49 && c <= 57) {
      p++;
      while (p < len && (c = text.charCodeAt(p)) >= 48 && c <= 57) p++;
    } else {
      ok = false;
    }
    if (ok && text.charCodeAt(p) === 46) {
      p++;
      const digitsStart = p;
      while (p < len && (c = text.charCodeAt(p)) >= 48 && c <= 57) p++;
      if (p === digitsStart) ok = false;
    }
    if (ok) {
      c = text.charCodeAt(p);
      if (c === 101 || c === 69) {
        p++;
        c = text.charCodeAt(p);
        if (c === 43 || c === 45) p++;
        const digitsStart = p;
        while (p < len && (c = text.charCodeAt(p)) >= 48 && c <= 57) p++;
        if (p === digitsStart) ok = false;
      }
    }
    if (ok && p < len && isRunChar(text.charCodeAt(p))) ok = false;
    if (!ok) {
      p = start + 1;
      while (p < len && isRunChar(text.charCodeAt(p))) p++;
    }
    const raw = text.slice(start, p);
    this.pos = p;
    this.te = p;
    this.tt = T_NUMBER;
    this.tString = raw;
    if (ok) {
      this.tNumber = Number(raw);
      this.tUsable = true;
      return;
    }
    // Not RFC 8259: keep what JavaScript can read as a finite number.
    const js = /^[+-]?(?:[0-9][0-9_]*\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$|^[+-]?0[xXoObB][0-9a-fA-F]+$/.test(raw) ? Number(raw.replace(/_/g, '')) : NaN;
    let why: string;
    if (/^[+-]?(?:Infinity|NaN)$/.test(raw)) why = 'JSON has no Infinity or NaN';
    else if (/^[+-]?\./.test(raw)) why = 'a number must have a digit before the decimal point';
    else if (raw.startsWith('+')) why = "a number must not start with '+'";
    else if (/^-?0[0-9]/.test(raw)) why = 'a number must not have leading zeros';
    else if (/^-?0[xXoObB]/.test(raw)) why = 'JSON numbers are decimal only';
    else if (/\.(?![0-9])/.test(raw)) why = 'a decimal point must be followed by digits';
    else if (/[eE](?![+-]?[0-9])/.test(raw)) why = 'an exponent must have digits';
    else if (raw === '-' || /^-(?![0-9])/.test(raw)) why = "'-' must be followed by digits";
    else why = 'this is not a JSON number';
    if (Number.isFinite(js)) {
      this.tNumber = js;
      this.tUsable = true;
      this.report('invalid-number', `invalid number ${abbreviate(raw)}: ${why}; read as ${js}`, this.tokenSpan());
    } else {
      this.tUsable = false;
      this.report('invalid-number', `invalid number ${abbreviate(raw)}: ${why}; the value was left out`, this.tokenSpan());
    }
  }

  /** Scans a string opened by `quote` (`"`, or `'` for recovery). */
  private scanString(quote: number): void {
    const text = this.text;
    const len = this.len;
    const start = this.pos;
    let p = start + 1;
    let out = '';
    let segStart = p;
    let tabsReported = false;
    for (;;) {
      // Fast path: ordinary characters.
      let c = 0;
      while (p < len) {
        c = text.charCodeAt(p);
        if (c === quote || c === 92 || c < 0x20 || (c >= 0xd800 && c <= 0xdfff)) break;
        p++;
      }
      if (p >= len) {
        out += text.slice(segStart, p);
        this.finishString(p, out);
        this.report(
          'unterminated-string',
          'unterminated string: the input ends before the closing quote',
          { file: this.file, line: this.line, column: start - this.lineStart + 1, endLine: this.line, endColumn: p - this.lineStart + 1 },
        );
        return;
      }
      if (c === quote) {
        out += text.slice(segStart, p);
        this.finishString(p + 1, out);
        return;
      }
      if (c === 10 || c === 13) {
        out += text.slice(segStart, p);
        this.finishString(p, out);
        this.report(
          'unterminated-string',
          'unterminated string: no closing quote before the end of the line (a raw line break is not allowed in a JSON string; write \\n)',
          { file: this.file, line: this.line, column: start - this.lineStart + 1, endLine: this.line, endColumn: p - this.lineStart + 1 },
        );
        return;
      }
      if (c < 0x20) {
        // Raw TAB or other control character: kept, reported once per string.
        if (!tabsReported) {
          tabsReported = true;
          const what =
            c === 9
              ? 'a raw TAB character inside a string is not allowed in JSON; write \\t'
              : `a raw control character U+${c.toString(16).toUpperCase().padStart(4, '0')} inside a string is not allowed in JSON; escape it as \\u${c.toString(16).padStart(4, '0')}`;
          this.report('tab', what, this.lineSpan(p, p + 1));
        }
        p++;
        continue;
      }
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = text.charCodeAt(p + 1);
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          p += 2;
          continue;
        }
        out += text.slice(segStart, p) + '\ufffd';
        this.report('lone-surrogate', `unpaired surrogate U+${c.toString(16).toUpperCase()} in a string; replaced by U+FFFD`, this.lineSpan(p, p + 1));
        p++;
        segStart = p;
        continue;
      }
      // Backslash escape.
      out += text.slice(segStart, p);
      const e = p + 1 < len ? text.charCodeAt(p + 1) : -1;
      switch (e) {
        case 34:
          out += '"';
          p += 2;
          break;
        case 92:
          out += '\\';
          p += 2;
          break;
        case 47:
          out += '/';
          p += 2;
          break;
        case 98:
          out += '\b';
          p += 2;
          break;
        case 102:
          out += '\f';
          p += 2;
          break;
        case 110:
          out += '\n';
          p += 2;
          break;
        case 114:
          out += '\r';
          p += 2;
          break;
        case 116:
          out += '\t';
          p += 2;
          break;
        case 117: {
          const unit = this.hex4(p + 2);
          if (unit < 0) {
            let end = p + 2;
            while (end < p + 6 && end < len && isHex(text.charCodeAt(end))) end++;
            this.report('invalid-escape', `invalid escape ${JSON.stringify(text.slice(p, end))}: \\u needs four hex digits; read as 'u'`, this.lineSpan(p, end));
            out += 'u';
            p += 2;
            break;
          }
          if (unit >= 0xd800 && unit <= 0xdbff) {
            const low = text.charCodeAt(p + 6) === 92 && text.charCodeAt(p + 7) === 117 ? this.hex4(p + 8) : -1;
            if (low >= 0xdc00 && low <= 0xdfff) {
              out += String.fromCharCode(unit, low);
              p += 12;
              break;
            }
            this.report('lone-surrogate', `escape ${text.slice(p, p + 6)} is a high surrogate without a following low surrogate; replaced by U+FFFD`, this.lineSpan(p, p + 6));
            out += '\ufffd';
          } else if (unit >= 0xdc00 && unit <= 0xdfff) {
            this.report('lone-surrogate', `escape ${text.slice(p, p + 6)} is a low surrogate without a preceding high surrogate; replaced by U+FFFD`, this.lineSpan(p, p + 6));
            out += '\ufffd';
          } else {
            out += String.fromCharCode(unit);
          }
          p += 6;
          break;
        }
        default: {
          if (e < 0 || e === 10 || e === 13) {
            // Backslash at end of input or line: the string is unterminated.
            p++;
            segStart = p;
            continue;
          }
          let end = p + 2;
          if (e >= 0xd800 && e <= 0xdbff && end < len) {
            const d = text.charCodeAt(end);
            if (d >= 0xdc00 && d <= 0xdfff) end++;
          }
          const ch = text.slice(p + 1, end);
          const hint = quote === 39 && e === 39 ? '' : ` (valid escapes: \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX); read as ${JSON.stringify(ch)}`;
          if (hint) this.report('invalid-escape', `invalid escape \\${ch}${hint}`, this.lineSpan(p, end));
          out += ch;
          p = end;
        }
      }
      segStart = p;
    }
  }

  private finishString(end: number, value: string): void {
    this.pos = end;
    this.te = end;
    this.tt = T_STRING;
    this.tString = value;
  }

  /** The code unit of 4 hex digits at `p`, or -1. */
  private hex4(p: number): number {
    if (p + 4 > this.len) return -1;
    let v = 0;
    for (let i = 0; i < 4; i++) {
      const c = this.text.charCodeAt(p + i);
      let d: number;
      if (c >= 48 && c <= 57) d = c - 48;
      else if (c >= 65 && c <= 70) d = c - 55;
      else if (c >= 97 && c <= 102) d = c - 87;
      else return -1;
      v = v * 16 + d;
    }
    return v;
  }

  // ---- parser -------------------------------------------------------------------------

  private readonly stack: Frame[] = [];
  private readonly pool: Frame[] = [];
  private rootValue: unknown = undefined;

  parse(): ParsedDocument {
    if (this.text.charCodeAt(0) === 0xfeff) {
      this.pos = 1;
      this.lineStart = 1;
      this.report(
        'bom',
        'the file starts with a byte-order mark (U+FEFF); SPEC §0.3 requires UTF-8 without BOM. It was ignored.',
        { file: this.file, line: 1, column: 1, endLine: 1, endColumn: 1 },
      );
    }
    this.next();
    this.run();
    return {
      value: this.rootValue,
      issues: this.issues,
      spans: new LazySpanMap(this.table, false),
      keySpans: new LazySpanMap(this.table, true),
    };
  }

  private run(): void {
    const stack = this.stack;
    let sawToken = false;
    // Root value.
    for (;;) {
      const tt = this.tt;
      if (tt === T_EOF) {
        if (!sawToken) this.report('syntax', 'expected a JSON value, found end of input', this.tokenSpan());
        return;
      }
      sawToken = true;
      if (this.isValueStart(tt)) break;
      if (tt === T_WORD || tt === T_BAD) {
        this.junkValue(); // the root value is left out
        this.afterRoot();
        return;
      }
      this.report('syntax', `expected a JSON value, found ${describeToken(tt, this.tokenText())}`, this.tokenSpan());
      this.next();
    }
    this.beginValue();
    while (stack.length > 0) {
      const f = stack[stack.length - 1];
      const tt = this.tt;
      switch (f.state) {
        case O_KEY_OR_END:
        case O_KEY:
          if (tt === T_STRING || tt === T_WORD) {
            if (tt === T_WORD)
              this.report('syntax', `property names must be double-quoted strings; read '${abbreviate(this.tString)}' as a key`, this.tokenSpan());
            this.beginKey(f);
            this.next();
          } else if (tt === T_RBRACE) {
            if (f.state === O_KEY) this.report('trailing-comma', "trailing comma before '}' is not allowed in JSON; it was ignored", this.pointSpanLen(f.commaLine, f.commaColumn));
            this.closeFrame();
          } else if (tt === T_COMMA) {
            this.report('syntax', `expected a property name${f.state === O_KEY_OR_END ? " or '}'" : ''}, found ','`, this.tokenSpan());
            f.commaLine = this.tLine;
            f.commaColumn = this.tColumn;
            this.next();
          } else if (tt === T_RBRACK) {
            this.mismatchedCloser(f);
          } else if (tt === T_EOF) {
            this.unexpectedEof(f.state === O_KEY ? 'a property name' : "a property name or '}'");
          } else {
            this.report('syntax', `expected a property name${f.state === O_KEY_OR_END ? " or '}'" : ''}, found ${describeToken(tt, this.tokenText())}`, this.tokenSpan());
            this.panic(f);
          }
          break;
        case O_COLON:
          if (tt === T_COLON) {
            f.state = O_VALUE;
            this.next();
          } else if (this.isValueStart(tt)) {
            this.report('syntax', `expected ':' after the property name, found ${describeToken(tt, this.tokenText())}; read as if ':' were there`, this.tokenSpan());
            f.state = O_VALUE;
          } else if (tt === T_RBRACE) {
            this.report('syntax', "expected ':' and a value after the property name, found '}'; the member was left out", this.tokenSpan());
            this.closeFrame();
          } else if (tt === T_COMMA) {
            this.report('syntax', "expected ':' and a value after the property name, found ','; the member was left out", this.tokenSpan());
            f.state = O_KEY;
            f.commaLine = this.tLine;
            f.commaColumn = this.tColumn;
            this.next();
          } else if (tt === T_EOF) {
            this.unexpectedEof("':'");
          } else {
            this.report('syntax', `expected ':' after the property name, found ${describeToken(tt, this.tokenText())}`, this.tokenSpan());
            this.panic(f);
          }
          break;
        case O_VALUE:
        case A_VALUE_OR_END:
        case A_VALUE:
          if (this.isValueStart(tt)) {
            this.beginValue();
          } else if (tt === T_WORD || tt === T_BAD) {
            this.junkValue();
          } else if (tt === T_RBRACK && !f.isObject) {
            if (f.state === A_VALUE) this.report('trailing-comma', "trailing comma before ']' is not allowed in JSON; it was ignored", this.pointSpanLen(f.commaLine, f.commaColumn));
            this.closeFrame();
          } else if (tt === T_RBRACE && f.isObject) {
            this.report('syntax', "expected a value after ':', found '}'; the member was left out", this.tokenSpan());
            this.closeFrame();
          } else if (tt === T_COMMA) {
            this.report('syntax', `expected a value, found ','${f.isObject ? '; the member was left out' : ''}`, this.tokenSpan());
            f.state = f.isObject ? O_KEY : A_VALUE;
            f.commaLine = this.tLine;
            f.commaColumn = this.tColumn;
            this.next();
          } else if (tt === T_RBRACE || tt === T_RBRACK) {
            this.mismatchedCloser(f);
          } else if (tt === T_EOF) {
            this.unexpectedEof('a value');
          } else {
            this.report('syntax', `expected a value, found ${describeToken(tt, this.tokenText())}`, this.tokenSpan());
            this.panic(f);
          }
          break;
        case O_COMMA_OR_END:
          if (tt === T_COMMA) {
            f.state = O_KEY;
            f.commaLine = this.tLine;
            f.commaColumn = this.tColumn;
            this.next();
          } else if (tt === T_RBRACE) {
            this.closeFrame();
          } else if (tt === T_STRING) {
            this.missingComma(f);
            this.beginKey(f);
            this.next();
          } else if (tt === T_RBRACK) {
            this.mismatchedCloser(f);
          } else if (tt === T_EOF) {
            this.unexpectedEof("',' or '}'");
          } else {
            this.report('syntax', `expected ',' or '}' after the member value, found ${describeToken(tt, this.tokenText())}`, this.tokenSpan());
            this.panic(f);
          }
          break;
        case A_COMMA_OR_END:
          if (tt === T_COMMA) {
            f.state = A_VALUE;
            f.commaLine = this.tLine;
            f.commaColumn = this.tColumn;
            this.next();
          } else if (tt === T_RBRACK) {
            this.closeFrame();
          } else if (this.isValueStart(tt)) {
            this.missingComma(f);
            this.beginValue();
          } else if (tt === T_RBRACE) {
            this.mismatchedCloser(f);
          } else if (tt === T_EOF) {
            this.unexpectedEof("',' or ']'");
          } else {
            this.report('syntax', `expected ',' or ']' after the array element, found ${describeToken(tt, this.tokenText())}`, this.tokenSpan());
            this.panic(f);
          }
          break;
      }
    }
    this.afterRoot();
  }

  /** The current token as it should appear in a message. */
  private tokenText(): string {
    const tt = this.tt;
    if (tt === T_STRING) return JSON.stringify(this.tString);
    if (tt === T_NUMBER || tt === T_WORD || tt === T_BAD || tt === T_LITERAL) return this.tString;
    return this.text.slice(this.ts, this.te);
  }

  private pointSpanLen(line: number, column: number): Span {
    return { file: this.file, line, column, endLine: line, endColumn: column + 1 };
  }

  private isValueStart(tt: number): boolean {
    return tt === T_STRING || tt === T_NUMBER || tt === T_LITERAL || tt === T_LBRACE || tt === T_LBRACK;
  }

  /** Reports the missing comma before the current token, at the end of the previous value. */
  private missingComma(f: Frame): void {
    this.report(
      'missing-comma',
      `missing ',' between ${f.isObject ? 'object members' : 'array elements'}: the value ending here is followed by ${describeToken(this.tt, this.tokenText())} at line ${this.tLine}, column ${this.tColumn}; read as if ',' were there`,
      this.pointSpan(this.lastEndLine, this.lastEndColumn),
    );
  }

  /** The current token (a string or a bare word) is a key of object frame `f`. */
  private beginKey(f: Frame): void {
    const key = this.tString;
    f.key = key;
    f.keyLine = this.tLine;
    f.keyColumn = this.tColumn;
    f.keyEndColumn = this.tColumn + (this.te - this.ts);
    f.keyDuplicate = false;
    f.state = O_COLON;
    if (Object.prototype.hasOwnProperty.call(f.obj, key)) {
      f.keyDuplicate = true;
      // Finding the first key is linear: only worth it while duplicates are still reported.
      const reported = !this.suppressedAll && (this.kindCounts.get('duplicate-key') ?? 0) < MAX_ISSUES_PER_KIND;
      const first = f.discard || !reported ? -1 : this.table.findChild(f.firstChild, key);
      const where = first >= 0 ? ` (first at line ${this.table.keyLine(first)}, column ${this.table.keyColumn(first)})` : '';
      this.report(
        'duplicate-key',
        `duplicate key ${JSON.stringify(abbreviate(key))}${where}; the first value is kept and this one is ignored`,
        this.tokenSpan(),
      );
    }
  }

  /** A bare word or unexpected characters where a value belongs: reported, left out. */
  private junkValue(): void {
    const tt = this.tt;
    const what = tt === T_WORD ? `'${abbreviate(this.tString)}'` : describeToken(tt, this.tString);
    this.report(
      'syntax',
      tt === T_WORD
        ? `expected a value, found ${what} (strings must be in double quotes; the literals are true, false and null); the value was left out`
        : `expected a value, found ${what}; the value was left out`,
      this.tokenSpan(),
    );
    this.omitValue();
  }

  /** The current token was a value that cannot be used: skip it, leave the value out. */
  private omitValue(): void {
    this.lastEndLine = this.tLine;
    this.lastEndColumn = this.tColumn + (this.te - this.ts);
    this.next();
    const f = this.stack[this.stack.length - 1];
    if (f) f.state = f.isObject ? O_COMMA_OR_END : A_COMMA_OR_END;
  }

  /** The current token starts a value (string, number, literal, `{` or `[`). */
  private beginValue(): void {
    const tt = this.tt;
    if (tt === T_LBRACE || tt === T_LBRACK) {
      if (this.stack.length >= MAX_JSON_DEPTH) {
        this.skipTooDeep();
        return;
      }
      const parent = this.stack[this.stack.length - 1];
      const discard = parent ? parent.discard || (parent.isObject && parent.keyDuplicate) : false;
      const isObject = tt === T_LBRACE;
      // Frames are reused: a large document opens hundreds of thousands of containers.
      const f: Frame = this.pool.pop() ?? {
        isObject,
        obj: null,
        arr: null,
        startLine: 0,
        startColumn: 0,
        state: 0,
        key: '',
        keyLine: 0,
        keyColumn: 0,
        keyEndColumn: 0,
        keyDuplicate: false,
        firstChild: -1,
        lastChild: -1,
        discard,
        commaLine: 0,
        commaColumn: 0,
      };
      f.isObject = isObject;
      f.obj = isObject ? {} : null;
      f.arr = isObject ? null : [];
      f.startLine = this.tLine;
      f.startColumn = this.tColumn;
      f.state = isObject ? O_KEY_OR_END : A_VALUE_OR_END;
      f.key = '';
      f.keyDuplicate = false;
      f.firstChild = -1;
      f.lastChild = -1;
      f.discard = discard;
      this.stack.push(f);
      this.next();
      return;
    }
    let value: unknown;
    if (tt === T_STRING) value = this.tString;
    else if (tt === T_NUMBER) {
      if (!this.tUsable) {
        this.omitValue();
        return;
      }
      value = this.tNumber;
    } else value = this.tLiteral;
    const line = this.tLine;
    const column = this.tColumn;
    const endColumn = column + (this.te - this.ts);
    this.lastEndLine = line;
    this.lastEndColumn = endColumn;
    this.next();
    this.attach(value, KIND_SCALAR, line, column, line, endColumn, -1);
  }

  /**
   * Attaches a complete value to the current container (or makes it the root) and
   * records its span, unless it belongs to a discarded duplicate.
   */
  private attach(value: unknown, kind: number, line: number, column: number, endLine: number, endColumn: number, firstChild: number): void {
    const f = this.stack[this.stack.length - 1];
    const table = this.table;
    if (!f) {
      this.rootValue = value;
      table.root = table.add(kind, line, column, endLine, endColumn, firstChild, undefined, 0, 0, 0);
      return;
    }
    let id: number;
    if (f.isObject) {
      f.state = O_COMMA_OR_END;
      if (f.keyDuplicate) return;
      const key = f.key;
      if (key === '__proto__') Object.defineProperty(f.obj, key, { value, writable: true, enumerable: true, configurable: true });
      else f.obj![key] = value;
      if (f.discard) return;
      id = table.add(kind, line, column, endLine, endColumn, firstChild, key, f.keyLine, f.keyColumn, f.keyEndColumn);
    } else {
      f.state = A_COMMA_OR_END;
      f.arr!.push(value);
      if (f.discard) return;
      id = table.add(kind, line, column, endLine, endColumn, firstChild, undefined, 0, 0, 0);
    }
    if (f.lastChild >= 0) table.setNext(f.lastChild, id);
    else f.firstChild = id;
    f.lastChild = id;
  }

  /** Closes the innermost container with the current token (its closer, already checked). */
  private closeFrame(): void {
    const endLine = this.tLine;
    const endColumn = this.tColumn + 1;
    this.next();
    this.finishFrame(endLine, endColumn);
  }

  /** Pops the innermost container, ending at the given position, and attaches it. */
  private finishFrame(endLine: number, endColumn: number): void {
    const f = this.stack.pop()!;
    this.lastEndLine = endLine;
    this.lastEndColumn = endColumn;
    this.attach(
      f.isObject ? f.obj : f.arr,
      f.isObject ? KIND_OBJECT : KIND_ARRAY,
      f.startLine,
      f.startColumn,
      endLine,
      endColumn,
      f.firstChild,
    );
    f.obj = null;
    f.arr = null;
    this.pool.push(f);
  }

  /** A closer of the wrong kind for frame `f`. */
  private mismatchedCloser(f: Frame): void {
    const wantObject = this.tt === T_RBRACE;
    let k = this.stack.length - 1;
    while (k >= 0 && this.stack[k].isObject !== wantObject) k--;
    const closer = CLOSER_NAME[this.tt];
    if (k < 0) {
      this.report('syntax', `unexpected ${closer}: no ${wantObject ? "'{'" : "'['"} is open here; it was ignored`, this.tokenSpan());
      this.next();
      return;
    }
    this.report(
      'syntax',
      `expected ${f.isObject ? "',' or '}'" : "',' or ']'"}, found ${closer}: the ${f.isObject ? "'{'" : "'['"} at line ${f.startLine}, column ${f.startColumn} is not closed`,
      this.tokenSpan(),
    );
    const line = this.tLine;
    const column = this.tColumn;
    while (this.stack.length - 1 > k) this.finishFrame(line, column);
    this.closeFrame();
  }

  /** Skips tokens after a syntax error until `,` or a closer of the current container. */
  private panic(f: Frame): void {
    let depth = 0;
    this.next();
    for (;;) {
      const tt = this.tt;
      if (tt === T_EOF) {
        f.state = f.isObject ? O_COMMA_OR_END : A_COMMA_OR_END;
        return;
      }
      if (tt === T_LBRACE || tt === T_LBRACK) depth++;
      else if (tt === T_RBRACE || tt === T_RBRACK) {
        if (depth === 0) {
          // Let the normal state handle the closer (matching or not).
          f.state = f.isObject ? O_COMMA_OR_END : A_COMMA_OR_END;
          return;
        }
        depth--;
      } else if (tt === T_COMMA && depth === 0) {
        f.state = f.isObject ? O_COMMA_OR_END : A_COMMA_OR_END;
        return;
      }
      this.next();
    }
  }

  /** The current `{`/`[` would nest deeper than the limit: report and skip the whole value. */
  private skipTooDeep(): void {
    this.report(
      'depth',
      `nesting deeper than ${MAX_JSON_DEPTH} levels; this value was skipped`,
      this.tokenSpan(),
    );
    let depth = 0;
    for (;;) {
      const tt = this.tt;
      if (tt === T_LBRACE || tt === T_LBRACK) depth++;
      else if (tt === T_RBRACE || tt === T_RBRACK) depth--;
      else if (tt === T_EOF) break;
      if (depth === 0) break;
      this.next();
    }
    if (this.tt === T_EOF) {
      const f = this.stack[this.stack.length - 1];
      if (f) f.state = f.isObject ? O_COMMA_OR_END : A_COMMA_OR_END;
      return;
    }
    this.omitValue();
  }

  /** End of input inside containers: report once, close them all with what they have. */
  private unexpectedEof(expected: string): void {
    const f = this.stack[this.stack.length - 1];
    const open = this.stack.length;
    this.report(
      'syntax',
      `unexpected end of input: expected ${expected}; the ${f.isObject ? "'{'" : "'['"} at line ${f.startLine}, column ${f.startColumn} is not closed` +
        (open > 1 ? ` (${open} containers are open)` : ''),
      this.tokenSpan(),
    );
    const line = this.tLine;
    const column = this.tColumn;
    while (this.stack.length > 0) this.finishFrame(line, column);
  }

  /** After the root value: only whitespace and comments may follow. */
  private afterRoot(): void {
    if (this.tt === T_EOF) return;
    // Position of the end of input, for the span.
    let line = this.tLine;
    let lineStart = this.ts - this.tColumn + 1;
    const text = this.text;
    for (let i = this.ts; i < this.len; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
        line++;
        lineStart = i + 1;
      }
    }
    this.report(
      'trailing-data',
      `unexpected ${describeToken(this.tt, this.tokenText())} after the end of the JSON value; everything from here on was ignored`,
      { file: this.file, line: this.tLine, column: this.tColumn, endLine: line, endColumn: this.len - lineStart + 1 },
    );
  }
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

// ---------------------------------------------------------------------------------------
// Span table: compact storage of value and key positions, looked up by JSON pointer.
//
// Recording 10^6 spans as `Map<string, Span>` entries while parsing would cost more than
// the parse itself (pointer strings, hashing, objects that survive into the old
// generation). The parser therefore appends numbers to one typed array, linking each
// container's children in source order; `spans` and `keySpans` are Maps over this
// table that resolve a pointer by walking it, and build real entries only if someone
// iterates or modifies them.

const KIND_SCALAR = 0;
const KIND_OBJECT = 1;
const KIND_ARRAY = 2;

const STRIDE = 10;
const CHUNK_BITS = 12;
const CHUNK_MASK = (1 << CHUNK_BITS) - 1;
const F_KIND = 0;
const F_LINE = 1;
const F_COLUMN = 2;
const F_END_LINE = 3;
const F_END_COLUMN = 4;
const F_FIRST = 5;
const F_NEXT = 6;
const F_KEY_LINE = 7;
const F_KEY_COLUMN = 8;
const F_KEY_END_COLUMN = 9;

/** Children of a container, indexed for lookups: ids by position, or by key. */
type ChildIndex = Int32Array | Map<string, number>;

class SpanTable {
  readonly file: string;
  /** Fixed-size chunks: growing never copies, and small documents allocate little. */
  private readonly chunks: Int32Array[] = [];
  private readonly keys: (string | undefined)[] = [];
  count = 0;
  keyCount = 0;
  root = -1;
  private readonly childIndex = new Map<number, ChildIndex>();

  constructor(file: string) {
    this.file = file;
  }

  add(
    kind: number,
    line: number,
    column: number,
    endLine: number,
    endColumn: number,
    firstChild: number,
    key: string | undefined,
    keyLine: number,
    keyColumn: number,
    keyEndColumn: number,
  ): number {
    const id = this.count++;
    const chunk = id >>> CHUNK_BITS;
    const d = chunk < this.chunks.length ? this.chunks[chunk] : this.newChunk();
    const o = (id & CHUNK_MASK) * STRIDE;
    d[o + F_KIND] = kind;
    d[o + F_LINE] = line;
    d[o + F_COLUMN] = column;
    d[o + F_END_LINE] = endLine;
    d[o + F_END_COLUMN] = endColumn;
    d[o + F_FIRST] = firstChild;
    d[o + F_NEXT] = -1;
    d[o + F_KEY_LINE] = keyLine;
    d[o + F_KEY_COLUMN] = keyColumn;
    d[o + F_KEY_END_COLUMN] = keyEndColumn;
    this.keys.push(key);
    if (key !== undefined) this.keyCount++;
    return id;
  }

  private newChunk(): Int32Array {
    const d = new Int32Array(STRIDE << CHUNK_BITS);
    this.chunks.push(d);
    return d;
  }

  /** Field `field` of value `id`. */
  private get(id: number, field: number): number {
    return this.chunks[id >>> CHUNK_BITS][(id & CHUNK_MASK) * STRIDE + field];
  }

  setNext(id: number, next: number): void {
    this.chunks[id >>> CHUNK_BITS][(id & CHUNK_MASK) * STRIDE + F_NEXT] = next;
  }

  keyLine(id: number): number {
    return this.get(id, F_KEY_LINE);
  }

  keyColumn(id: number): number {
    return this.get(id, F_KEY_COLUMN);
  }

  hasKey(id: number): boolean {
    return this.keys[id] !== undefined;
  }

  /** The first child in the chain starting at `first` whose key is `key`, or -1. */
  findChild(first: number, key: string): number {
    for (let c = first; c >= 0; c = this.get(c, F_NEXT)) if (this.keys[c] === key) return c;
    return -1;
  }

  span(id: number): Span {
    return {
      file: this.file,
      line: this.get(id, F_LINE),
      column: this.get(id, F_COLUMN),
      endLine: this.get(id, F_END_LINE),
      endColumn: this.get(id, F_END_COLUMN),
    };
  }

  keySpan(id: number): Span {
    const line = this.get(id, F_KEY_LINE);
    return { file: this.file, line, column: this.get(id, F_KEY_COLUMN), endLine: line, endColumn: this.get(id, F_KEY_END_COLUMN) };
  }

  /** The id of the value at RFC 6901 `pointer`, or -1. */
  lookup(pointer: string): number {
    let id = this.root;
    if (id < 0) return -1;
    if (pointer === '') return id;
    if (pointer.charCodeAt(0) !== 47) return -1;
    let start = 1;
    for (;;) {
      let end = pointer.indexOf('/', start);
      if (end < 0) end = pointer.length;
      let segment = pointer.slice(start, end);
      if (segment.indexOf('~') >= 0) {
        if (/~(?![01])/.test(segment)) return -1;
        segment = segment.replace(/~1/g, '/').replace(/~0/g, '~');
      }
      id = this.child(id, segment);
      if (id < 0 || end === pointer.length) return id;
      start = end + 1;
    }
  }

  private child(id: number, segment: string): number {
    const kind = this.get(id, F_KIND);
    if (kind === KIND_ARRAY) {
      if (!/^(?:0|[1-9][0-9]{0,9})$/.test(segment)) return -1;
      const index = Number(segment);
      let ids = this.childIndex.get(id) as Int32Array | undefined;
      if (!ids) {
        const list: number[] = [];
        for (let c = this.get(id, F_FIRST); c >= 0; c = this.get(c, F_NEXT)) list.push(c);
        ids = Int32Array.from(list);
        this.childIndex.set(id, ids);
      }
      return index < ids.length ? ids[index] : -1;
    }
    if (kind === KIND_OBJECT) {
      let byKey = this.childIndex.get(id) as Map<string, number> | undefined;
      if (!byKey) {
        // Small objects: a linear scan is cheaper than building an index.
        let n = 0;
        for (let c = this.get(id, F_FIRST); c >= 0 && n <= 8; c = this.get(c, F_NEXT)) n++;
        if (n <= 8) return this.findChild(this.get(id, F_FIRST), segment);
        byKey = new Map();
        for (let c = this.get(id, F_FIRST); c >= 0; c = this.get(c, F_NEXT)) if (!byKey.has(this.keys[c]!)) byKey.set(this.keys[c]!, c);
        this.childIndex.set(id, byKey);
      }
      return byKey.get(segment) ?? -1;
    }
    return -1;
  }

  /** Every recorded value as [pointer, id], in document order. */
  *walk(): Generator<[string, number]> {
    if (this.root < 0) return;
    const stack: [string, number][] = [['', this.root]];
    while (stack.length > 0) {
      const [pointer, id] = stack.pop()!;
      yield [pointer, id];
      const kind = this.get(id, F_KIND);
      if (kind === KIND_SCALAR) continue;
      const children: [string, number][] = [];
      let index = 0;
      for (let c = this.get(id, F_FIRST); c >= 0; c = this.get(c, F_NEXT)) {
        children.push([`${pointer}/${kind === KIND_OBJECT ? escapePointer(this.keys[c]!) : index}`, c]);
        index++;
      }
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
    }
  }
}

/**
 * A `Map<string, Span>` backed by a {@link SpanTable}. `get`, `has` and `size` answer
 * from the table; the first iteration or modification fills the Map itself (in
 * document order) and from then on it behaves as an ordinary Map.
 */
class LazySpanMap extends Map<string, Span> {
  private table: SpanTable | null;
  private readonly forKeys: boolean;

  constructor(table: SpanTable, forKeys: boolean) {
    super();
    this.table = table;
    this.forKeys = forKeys;
  }

  private materialize(): void {
    const table = this.table;
    if (!table) return;
    this.table = null;
    for (const [pointer, id] of table.walk()) {
      if (this.forKeys) {
        if (table.hasKey(id)) super.set(pointer, table.keySpan(id));
      } else super.set(pointer, table.span(id));
    }
  }

  private lookup(pointer: string): number {
    const id = this.table!.lookup(pointer);
    return id >= 0 && (!this.forKeys || this.table!.hasKey(id)) ? id : -1;
  }

  override get(pointer: string): Span | undefined {
    if (!this.table) return super.get(pointer);
    const id = this.lookup(pointer);
    if (id < 0) return undefined;
    return this.forKeys ? this.table.keySpan(id) : this.table.span(id);
  }

  override has(pointer: string): boolean {
    if (!this.table) return super.has(pointer);
    return this.lookup(pointer) >= 0;
  }

  override get size(): number {
    if (!this.table) return super.size;
    return this.forKeys ? this.table.keyCount : this.table.count;
  }

  override set(pointer: string, span: Span): this {
    this.materialize();
    return super.set(pointer, span);
  }

  override delete(pointer: string): boolean {
    this.materialize();
    return super.delete(pointer);
  }

  override clear(): void {
    this.table = null;
    super.clear();
  }

  override forEach(callback: (value: Span, key: string, map: Map<string, Span>) => void, thisArg?: unknown): void {
    this.materialize();
    super.forEach(callback, thisArg);
  }

  override keys(): MapIterator<string> {
    this.materialize();
    return super.keys();
  }

  override values(): MapIterator<Span> {
    this.materialize();
    return super.values();
  }

  override entries(): MapIterator<[string, Span]> {
    this.materialize();
    return super.entries();
  }

  override [Symbol.iterator](): MapIterator<[string, Span]> {
    this.materialize();
    return super[Symbol.iterator]();
  }

  /** `console.log` / `util.inspect` read a Map's internal slots: fill them first. */
  [Symbol.for('nodejs.util.inspect.custom')](): Map<string, Span> {
    this.materialize();
    return new Map(super.entries());
  }
}
