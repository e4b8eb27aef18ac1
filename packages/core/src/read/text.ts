/**
 * Bytes → text for every hand-written artifact (JSON, YAML, Markdown, Terraform).
 *
 * SPEC §0.3 requires UTF-8 without a byte-order mark. Decoding is strict: invalid
 * UTF-8 is reported with the line and column where the valid prefix ends, never
 * silently replaced.
 *
 * Positions follow the convention of every reader in `read/`: lines and columns are
 * 1-based, a line break is `\n`, `\r\n` or a lone `\r`, and a column counts UTF-16
 * code units (JavaScript string indices, as in LSP and the `yaml` package).
 */
import type { ParseIssue } from './json.js';

const BOM = 0xfeff;

/**
 * Decodes `bytes` as strict UTF-8.
 *
 * - A leading UTF-8 byte-order mark (EF BB BF) is stripped from `text` and reported
 *   as kind `bom` at line 1, column 1.
 * - Invalid UTF-8 is reported once as kind `not-utf8`: the message gives the byte
 *   offset and value of the first bad byte (and how many bad bytes there are in
 *   all), the span gives the line and column just after the valid prefix. UTF-16
 *   byte-order marks are recognised and named in the message. `text` is then the
 *   lossy decoding (U+FFFD for each bad sequence) so later stages can still report
 *   their own findings; callers must treat the issue as an error.
 *
 * Never throws.
 */
export function decodeUtf8(bytes: Uint8Array, file: string): { text: string; issues: ParseIssue[] } {
  const issues: ParseIssue[] = [];
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    text = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(bytes);
    const offset = bad < 0 ? 0 : bad;
    let prefix = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(bytes.subarray(0, offset));
    if (prefix.charCodeAt(0) === BOM) prefix = prefix.slice(1);
    const { line, column } = endPosition(prefix);
    const b0 = bytes[offset] ?? 0;
    let what: string;
    if (offset === 0 && bytes.length >= 2 && ((b0 === 0xff && bytes[1] === 0xfe) || (b0 === 0xfe && bytes[1] === 0xff))) {
      what = `the file starts with a UTF-16 ${b0 === 0xff ? 'little' : 'big'}-endian byte-order mark; save it as UTF-8`;
    } else {
      const count = countInvalidUtf8(bytes, offset);
      what =
        `byte 0x${hex2(b0)} at offset ${offset} does not continue a valid UTF-8 sequence` +
        (count > 1 ? ` (${count} bytes in all are not valid UTF-8)` : '') +
        '; save the file as UTF-8 (it may be in a legacy code page such as Windows-1251 or CP866)';
    }
    issues.push({
      kind: 'not-utf8',
      message: `not valid UTF-8: ${what}`,
      span: { file, line, column, endLine: line, endColumn: column },
    });
  }
  if (text.charCodeAt(0) === BOM) {
    text = text.slice(1);
    issues.unshift({
      kind: 'bom',
      message: 'the file starts with a UTF-8 byte-order mark (EF BB BF); SPEC §0.3 requires UTF-8 without BOM. It was ignored.',
      span: { file, line: 1, column: 1, endLine: 1, endColumn: 1 },
    });
  }
  return { text, issues };
}

/** Line and column (1-based, UTF-16 units) of the position just after the end of `text`. */
function endPosition(text: string): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      lineStart = i + 1;
    } else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: text.length - lineStart + 1 };
}

const hex2 = (b: number): string => b.toString(16).toUpperCase().padStart(2, '0');

/**
 * Length of the valid UTF-8 sequence starting at `i`, or 0 when the bytes there are
 * not valid UTF-8 (overlong forms, surrogates and code points above U+10FFFF are
 * invalid, as in the WHATWG decoder).
 */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const b = bytes[i];
  if (b < 0x80) return 1;
  let need: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (b >= 0xc2 && b <= 0xdf) need = 1;
  else if (b === 0xe0) (need = 2), (lo = 0xa0);
  else if ((b >= 0xe1 && b <= 0xec) || b === 0xee || b === 0xef) need = 2;
  else if (b === 0xed) (need = 2), (hi = 0x9f);
  else if (b === 0xf0) (need = 3), (lo = 0x90);
  else if (b >= 0xf1 && b <= 0xf3) need = 3;
  else if (b === 0xf4) (need = 3), (hi = 0x8f);
  else return 0;
  if (i + need >= bytes.length) return 0; // truncated sequence at the end
  const c1 = bytes[i + 1];
  if (c1 < lo || c1 > hi) return 0;
  for (let k = 2; k <= need; k++) {
    const c = bytes[i + k];
    if (c < 0x80 || c > 0xbf) return 0;
  }
  return need + 1;
}

/** Byte offset of the first invalid UTF-8 sequence, or -1. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const n = sequenceLength(bytes, i);
    if (n === 0) return i;
    i += n;
  }
  return -1;
}

/** Number of bytes from `from` on that are not part of a valid UTF-8 sequence. */
function countInvalidUtf8(bytes: Uint8Array, from: number): number {
  let count = 0;
  for (let i = from; i < bytes.length; ) {
    const n = sequenceLength(bytes, i);
    if (n === 0) {
      count++;
      i++;
    } else i += n;
  }
  return count;
}
