import { crc32, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ICON_MAX_BYTES, inspectIcon, type IconInspection } from '../../packages/core/src/assets/index.js';

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const body = Buffer.concat([head.subarray(4), Buffer.from(data)]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0, 0);
  return Buffer.concat([head.subarray(0, 4), body, crc]);
}

/** A valid 8-bit greyscale PNG of the given size; `padding` bytes go into a private ancillary chunk. */
function makePng(width: number, height: number, padding = 0): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const raw = Buffer.alloc((width + 1) * height, 0x80);
  for (let y = 0; y < height; y++) raw[y * (width + 1)] = 0; // filter: none
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    ...(padding > 0 ? [chunk('prVt', Buffer.alloc(padding, 0x55))] : []),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

const svg = (attrs: string, prolog = ''): Buffer => Buffer.from(`${prolog}<svg xmlns="http://www.w3.org/2000/svg" ${attrs}><rect width="10" height="10"/></svg>`, 'utf8');
const jpeg = Buffer.from('FFD8FFE000104A46494600010100000100010000FFC00011080040008003012200021101031101FFD9', 'hex');

const codes = (r: IconInspection): string[] => r.issues.map((i) => `${i.severity}`);

describe('inspectIcon: PNG', () => {
  it.each([
    [64, 64],
    [62, 62],
    [512, 256],
  ])('%i×%i px PNG passes', (w, h) => {
    const r = inspectIcon(makePng(w, h), 'images/icon.png');
    expect(r).toEqual({ format: 'png', width: w, height: h, issues: [] });
  });

  it.each([
    [61, 64],
    [64, 61],
    [16, 16],
  ])('%i×%i px PNG is too small', (w, h) => {
    const r = inspectIcon(makePng(w, h), 'icon.png');
    expect(r.width).toBe(w);
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]).toMatchObject({ code: 'IB-013', severity: 'error' });
    expect(r.issues[0].message).toContain(`${w}×${h} px`);
    expect(r.issues[0].message).toContain('Export the icon at 62×62 px or larger');
  });

  it('above 1 MB (2^20 bytes) is an error, above 10^6 bytes a warning', () => {
    const base = makePng(64, 64).length;
    const tooBig = inspectIcon(makePng(64, 64, ICON_MAX_BYTES - base + 12 + 1), 'icon.png');
    expect(codes(tooBig)).toEqual(['error']);
    expect(tooBig.issues[0].message).toContain('1,048,576 bytes');
    const exact = makePng(64, 64, ICON_MAX_BYTES - base - 12);
    expect(exact.length).toBe(ICON_MAX_BYTES);
    const borderline = inspectIcon(exact, 'icon.png');
    expect(codes(borderline)).toEqual(['warning']);
    expect(borderline.issues[0].message).toContain('1,000,000 bytes');
    expect(inspectIcon(makePng(64, 64, 999_000 - base - 12), 'icon.png').issues).toEqual([]);
  });

  it('a truncated or damaged PNG is unreadable', () => {
    const png = makePng(64, 64);
    const truncated = inspectIcon(png.subarray(0, png.length - 20), 'icon.png');
    expect(truncated.format).toBe('png');
    expect(truncated.issues[0].message).toMatch(/cannot be read as PNG: it is truncated/);
    const damaged = Buffer.from(png);
    damaged[17] ^= 0xff; // width byte: IHDR CRC no longer matches
    expect(inspectIcon(damaged, 'icon.png').issues[0].message).toContain('checksum mismatch');
    expect(inspectIcon(png.subarray(0, 20), 'icon.png').issues[0].message).toContain('truncated');
  });

  it('wrong extension and mismatched content', () => {
    const asJpg = inspectIcon(makePng(64, 64), 'icon.jpg');
    expect(asJpg.format).toBe('png');
    expect(asJpg.issues).toHaveLength(1);
    expect(asJpg.issues[0].message).toContain('must be a .png or .svg file, not .jpg');
    expect(asJpg.issues[0].message).toContain('icon.png or icon.svg');

    const pngAsSvg = inspectIcon(makePng(64, 64), 'icon.svg');
    expect(pngAsSvg.issues[0].message).toContain('has the .svg extension but contains a PNG image');

    const jpegAsPng = inspectIcon(jpeg, 'icon.png');
    expect(jpegAsPng).toMatchObject({ format: 'other', detected: 'jpg', width: 128, height: 64 });
    expect(jpegAsPng.issues.map((i) => i.message)).toEqual([expect.stringContaining('has the .png extension but is a JPEG file')]);

    const jpegAsJpeg = inspectIcon(jpeg, 'icon.jpeg');
    expect(jpegAsJpeg.issues).toHaveLength(1);
    expect(jpegAsJpeg.issues[0].message).toContain('not .jpeg');

    const svgAsPng = inspectIcon(svg('width="64" height="64"'), 'icon.png');
    expect(svgAsPng.format).toBe('svg');
    expect(svgAsPng.issues[0].message).toContain('has the .png extension but contains an SVG image');

    const noExtension = inspectIcon(Buffer.from('just text'), 'icon');
    expect(noExtension.issues.map((i) => i.message)).toEqual([expect.stringContaining('must be a .png or .svg file:'), expect.stringContaining('cannot be read as an image')]);
  });

  it('empty and unreadable files', () => {
    expect(inspectIcon(new Uint8Array(0), 'icon.png')).toMatchObject({ format: 'other', issues: [{ severity: 'error', message: expect.stringContaining('is empty') }] });
    expect(inspectIcon(Buffer.from([1, 2, 3, 4, 5]), 'icon.png').issues[0].message).toContain('neither a PNG nor an SVG');
    expect(inspectIcon(Buffer.from([0x1f, 0x8b, 8, 0, 0, 0]), 'icon.svg')).toMatchObject({ detected: 'gzip' });
  });
});

describe('inspectIcon: SVG', () => {
  it('the SPEC §C.15 icon: 64×64 from width/height', () => {
    const icon = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64"><rect width="64" height="64" rx="12" fill="#0077FF"/></svg>\n');
    expect(inspectIcon(icon, 'images/icon.svg')).toEqual({ format: 'svg', width: 64, height: 64, issues: [] });
  });

  it.each([
    ['width="128px" height="96px"', 128, 96],
    ['width="48pt" height="48pt"', 64, 64],
    ['width="1in" height="0.75in"', 96, 72],
    ['width="2.54cm" height="25.4mm"', 96, 96],
    ['width="64" height="64" viewBox="0 0 16 16"', 64, 64],
    ['viewBox="0 0 100 80"', 100, 80],
    ['viewBox="0,0,100,80"', 100, 80],
    ['width="200" viewBox="0 0 100 50"', 200, 100],
    ['height="100" viewBox="0 0 100 50"', 200, 100],
    ['width="100%" height="100%" viewBox="0 0 90 90"', 90, 90],
    ["width='70' height='70'", 70, 70],
  ])('%s → %i×%i', (attrs, w, h) => {
    const r = inspectIcon(svg(attrs), 'icon.svg');
    expect(r.format).toBe('svg');
    expect(r.width).toBeCloseTo(w, 6);
    expect(r.height).toBeCloseTo(h, 6);
    expect(r.issues).toEqual([]);
  });

  it('too small, with or without units', () => {
    const r = inspectIcon(svg('width="32" height="32"'), 'icon.svg');
    expect(r.issues).toEqual([{ code: 'IB-013', severity: 'error', message: expect.stringContaining('32×32 px, smaller than the required 62×62 px') }]);
    const viewBoxOnly = inspectIcon(svg('viewBox="0 0 24 24"'), 'icon.svg');
    expect(viewBoxOnly).toMatchObject({ width: 24, height: 24, issues: [{ severity: 'error' }] });
    expect(inspectIcon(svg('width="10mm" height="10mm"'), 'icon.svg').issues[0].message).toContain('37.8×37.8 px');
  });

  it('warns when the size cannot be determined (H-03)', () => {
    const none = inspectIcon(svg(''), 'icon.svg');
    expect(none.format).toBe('svg');
    expect(none.width).toBeUndefined();
    expect(none.issues).toEqual([{ code: 'IB-013', severity: 'warning', message: expect.stringContaining('neither width/height attributes nor a viewBox') }]);
    expect(none.issues[0].message).toContain('Add width="64" height="64"');
    expect(inspectIcon(svg('width="4em" height="4em"'), 'icon.svg').issues[0].message).toContain('relative unit "em"');
    expect(inspectIcon(svg('width="64"'), 'icon.svg').issues[0].message).toContain('only width');
    expect(inspectIcon(svg('viewBox="0 0 0 10"'), 'icon.svg').issues[0]).toMatchObject({ severity: 'warning', message: expect.stringContaining('not four numbers') });
  });

  it('skips the XML prolog, comments and DOCTYPE; accepts a prefixed root, a BOM and UTF-16', () => {
    const prolog = '<?xml version="1.0" encoding="UTF-8"?>\n<!-- Generator: test -->\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" [\n  <!ENTITY ns "x">\n]>\n';
    expect(inspectIcon(svg('width="80" height="80"', prolog), 'icon.svg')).toMatchObject({ width: 80, height: 80, issues: [] });
    const prefixed = Buffer.from('<svg:svg xmlns:svg="http://www.w3.org/2000/svg" width="70" height="70"/>');
    expect(inspectIcon(prefixed, 'icon.svg')).toMatchObject({ format: 'svg', width: 70, issues: [] });
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), svg('width="64" height="64"')]);
    expect(inspectIcon(bom, 'icon.svg')).toMatchObject({ width: 64, issues: [] });
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(svg('width="64" height="64"').toString('utf8'), 'utf16le')]);
    expect(inspectIcon(utf16, 'icon.svg')).toMatchObject({ format: 'svg', width: 64, issues: [] });
  });

  it('XML that is not SVG, and an unclosed <svg> tag, are errors', () => {
    const html = inspectIcon(Buffer.from('<html><body>icon</body></html>'), 'icon.svg');
    expect(html.format).toBe('other');
    expect(html.issues[0].message).toContain('no <svg> root element');
    const unclosed = inspectIcon(Buffer.from('<svg width="64" height="64"'), 'icon.svg');
    expect(unclosed.format).toBe('svg');
    expect(unclosed.issues[0].message).toContain('start tag is not closed');
  });
});
