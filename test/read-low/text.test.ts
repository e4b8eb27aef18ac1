import { describe, expect, it } from 'vitest';
import { decodeUtf8 } from '../../packages/core/src/read/text.js';

const F = '/pkg/demo/full_description.md';
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const cat = (...parts: (Uint8Array | number[])[]): Uint8Array => {
  const out: number[] = [];
  for (const p of parts) out.push(...p);
  return Uint8Array.from(out);
};

describe('decodeUtf8', () => {
  it('decodes clean UTF-8 with no issues', () => {
    const r = decodeUtf8(enc('# Демо\r\nтекст 😀\n'), F);
    expect(r).toEqual({ text: '# Демо\r\nтекст 😀\n', issues: [] });
    expect(decodeUtf8(new Uint8Array(0), F)).toEqual({ text: '', issues: [] });
  });

  it('strips and reports a UTF-8 BOM', () => {
    const r = decodeUtf8(cat([0xef, 0xbb, 0xbf], enc('a: 1\n')), F);
    expect(r.text).toBe('a: 1\n');
    expect(r.issues).toEqual([{ kind: 'bom', message: expect.stringMatching(/byte-order mark/), span: { file: F, line: 1, column: 1, endLine: 1, endColumn: 1 } }]);
  });

  it('reports invalid UTF-8 at the line and column where the valid prefix ends', () => {
    // A Windows-1251 "Д" (0xC4) followed by ASCII on line 2.
    const r = decodeUtf8(cat(enc('первая\nab'), [0xc4], enc('x\n')), F);
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]).toMatchObject({ kind: 'not-utf8', span: { file: F, line: 2, column: 3 } });
    expect(r.issues[0].message).toMatch(/byte 0xC4 at offset 15/);
    expect(r.text).toBe('первая\nab\ufffdx\n');
  });

  it('reports overlong forms, surrogates and truncated sequences', () => {
    expect(decodeUtf8(Uint8Array.from([0x61, 0xc0, 0x80]), F).issues[0]).toMatchObject({ kind: 'not-utf8', span: { line: 1, column: 2 } });
    expect(decodeUtf8(Uint8Array.from([0xed, 0xa0, 0x80]), F).issues[0]).toMatchObject({ kind: 'not-utf8', span: { line: 1, column: 1 } });
    const truncated = decodeUtf8(cat(enc('ok\r\nя'), [0xd0]), F);
    expect(truncated.issues[0]).toMatchObject({ kind: 'not-utf8', span: { line: 2, column: 2 } });
    expect(truncated.issues[0].message).toMatch(/offset 6/);
  });

  it('names UTF-16 byte-order marks', () => {
    const r = decodeUtf8(Uint8Array.from([0xff, 0xfe, 0x61, 0x00]), F);
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0].kind).toBe('not-utf8');
    expect(r.issues[0].message).toMatch(/UTF-16 little-endian/);
  });

  it('counts every bad byte', () => {
    const r = decodeUtf8(Uint8Array.from([0x61, 0xff, 0x62, 0xfe, 0xfd]), F);
    expect(r.issues[0].message).toMatch(/3 bytes in all/);
  });
});
