/**
 * Service icon inspection (SPEC §C.6, IB-013, H-02, H-03): format by content, pixel size,
 * and the Marketplace's requirements: a `.png` or `.svg` file, at most 1 MB, at least
 * 62 × 62 px.
 *
 * PNG: signature, chunk layout and IHDR (with its CRC). SVG: the root element's `width` and
 * `height` (unitless, px, or absolute units converted at 96 px per inch), else its `viewBox`
 * (also used to complete a single given dimension by aspect ratio). Other formats are named
 * with `image-size` so the message can say what the file really is.
 */
import { crc32 } from 'node:zlib';
import { imageSize } from 'image-size';

export const ICON_MAX_BYTES = 1048576;
export const ICON_WARNING_BYTES = 1_000_000;
export const ICON_MIN_PX = 62;

export type IconFormat = 'png' | 'svg' | 'other';

export interface IconIssue {
  readonly code: 'IB-013';
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

export interface IconInspection {
  /** The format of the content (not of the extension). */
  readonly format: IconFormat;
  /** Pixel size, when it can be determined (SVG: CSS px, may be fractional). */
  readonly width?: number;
  readonly height?: number;
  /** What the content is, when it is not PNG or SVG (`jpg`, `gif`, `webp`, `gzip`…). */
  readonly detected?: string;
  readonly issues: readonly IconIssue[];
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** image-size types whose signatures are distinctive enough to name the content. */
const NAMEABLE = new Set(['bmp', 'gif', 'heif', 'icns', 'ico', 'cur', 'j2c', 'jp2', 'jpg', 'jxl', 'psd', 'tiff', 'webp']);
const FORMAT_NAMES: Record<string, string> = {
  png: 'PNG',
  svg: 'SVG',
  jpg: 'JPEG',
  gif: 'GIF',
  webp: 'WebP',
  bmp: 'BMP',
  ico: 'ICO',
  cur: 'CUR',
  icns: 'ICNS',
  tiff: 'TIFF',
  heif: 'HEIF/AVIF',
  jxl: 'JPEG XL',
  jp2: 'JPEG 2000',
  j2c: 'JPEG 2000',
  psd: 'Photoshop (PSD)',
  gzip: 'gzip-compressed (SVGZ?)',
};

const formatName = (t: string): string => FORMAT_NAMES[t] ?? t.toUpperCase();
const bytesText = (n: number): string => n.toLocaleString('en-US');
const px = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/\.?0+$/, ''));

function extensionOf(fileName: string): string {
  const base = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

const baseName = (fileName: string): string => fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);

// ------------------------------------------------------------------ PNG

type Size = { width: number; height: number };

const u32 = (b: Uint8Array, at: number): number => ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
const ascii = (b: Uint8Array, at: number, n: number): string => String.fromCharCode(...b.subarray(at, at + n));

function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && PNG_SIGNATURE.every((v, i) => bytes[i] === v);
}

/** The IHDR size of a PNG, or the reason it cannot be read. */
function readPng(bytes: Uint8Array): Size | { problem: string } {
  if (bytes.length < 33) return { problem: 'it is truncated before the end of its IHDR header' };
  const length = u32(bytes, 8);
  const type = ascii(bytes, 12, 4);
  if (type !== 'IHDR' || length !== 13) return { problem: `its first chunk is "${type.replace(/[^\x20-\x7e]/g, '?')}", not the IHDR header a PNG must start with` };
  if (crc32(bytes.subarray(12, 29)) >>> 0 !== u32(bytes, 29)) return { problem: 'its IHDR header is damaged (checksum mismatch)' };
  const width = u32(bytes, 16);
  const height = u32(bytes, 20);
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) return { problem: `its IHDR header gives an invalid size of ${width}×${height} px` };
  // Walk the chunks to IEND: a truncated upload shows as a broken image.
  let at = 8;
  for (;;) {
    if (at + 12 > bytes.length) return { problem: 'it is truncated (the file ends inside a chunk, before IEND)' };
    const len = u32(bytes, at);
    const end = at + 12 + len;
    if (len > 0x7fffffff || end > bytes.length) return { problem: 'it is truncated (the file ends inside a chunk, before IEND)' };
    if (ascii(bytes, at + 4, 4) === 'IEND') break;
    at = end;
  }
  return { width, height };
}

// ------------------------------------------------------------------ SVG

function decodeText(bytes: Uint8Array): string | undefined {
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  const head = bytes.subarray(0, 512);
  if (head.includes(0)) return undefined;
  const text = new TextDecoder('utf-8').decode(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

interface SvgRoot {
  readonly attributes: ReadonlyMap<string, string>;
}

/**
 * The attributes of the root `<svg>` element, or undefined when the text's root element is
 * not `svg` (or there is none). `unclosed` when the start tag never ends.
 */
function parseSvgRoot(text: string): SvgRoot | 'unclosed' | undefined {
  let i = 0;
  const n = text.length;
  for (;;) {
    while (i < n && /\s/.test(text[i])) i++;
    if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i + 2);
      if (end < 0) return undefined;
      i = end + 2;
    } else if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end < 0) return undefined;
      i = end + 3;
    } else if (text.startsWith('<!DOCTYPE', i) || text.startsWith('<!doctype', i)) {
      const bracket = text.indexOf('[', i);
      const close = text.indexOf('>', i);
      if (close < 0) return undefined;
      if (bracket >= 0 && bracket < close) {
        const subsetEnd = text.indexOf(']', bracket);
        if (subsetEnd < 0) return undefined;
        const after = text.indexOf('>', subsetEnd);
        if (after < 0) return undefined;
        i = after + 1;
      } else i = close + 1;
    } else break;
  }
  const tag = /^<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)/.exec(text.slice(i, i + 200));
  if (!tag || tag[2] !== 'svg') return undefined;
  i += tag[0].length;
  const attributes = new Map<string, string>();
  const attr = /\s*([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/y;
  for (;;) {
    while (i < n && /\s/.test(text[i])) i++;
    if (i >= n) return 'unclosed';
    if (text[i] === '>' || text.startsWith('/>', i)) return { attributes };
    attr.lastIndex = i;
    const m = attr.exec(text);
    if (!m) return 'unclosed';
    if (!attributes.has(m[1])) attributes.set(m[1], m[2] ?? m[3] ?? '');
    i = attr.lastIndex;
  }
}

/** CSS px per unit for the absolute units SVG lengths may use (96 px per inch). */
const PX_PER_UNIT: Record<string, number> = { '': 1, px: 1, pt: 96 / 72, pc: 16, in: 96, cm: 96 / 2.54, mm: 96 / 25.4, q: 96 / 101.6 };

type Length = { px: number } | { relative: string } | undefined;

/** An SVG `width`/`height` value in px; `relative` for em, ex, %, vw…; undefined when absent or invalid. */
function parseLength(value: string | undefined): Length {
  if (value === undefined) return undefined;
  const m = /^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*([A-Za-z%]*)\s*$/.exec(value);
  if (!m) return undefined;
  const unit = m[2].toLowerCase();
  const factor = PX_PER_UNIT[unit];
  if (factor !== undefined) return { px: Number(m[1]) * factor };
  return { relative: m[2] };
}

function parseViewBox(value: string | undefined): { width: number; height: number } | undefined {
  if (value === undefined) return undefined;
  const parts = value.trim().split(/[\s,]+/).map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isFinite(p))) return undefined;
  const [, , width, height] = parts;
  return width > 0 && height > 0 ? { width, height } : undefined;
}

type SvgSize = Size | { missing: string };

function svgSize(root: SvgRoot): SvgSize {
  const w = parseLength(root.attributes.get('width'));
  const h = parseLength(root.attributes.get('height'));
  const vb = parseViewBox(root.attributes.get('viewBox'));
  const wpx = w && 'px' in w ? w.px : undefined;
  const hpx = h && 'px' in h ? h.px : undefined;
  if (wpx !== undefined && hpx !== undefined) return { width: wpx, height: hpx };
  if (vb) {
    if (wpx !== undefined) return { width: wpx, height: (wpx * vb.height) / vb.width };
    if (hpx !== undefined) return { width: (hpx * vb.width) / vb.height, height: hpx };
    return { width: vb.width, height: vb.height };
  }
  const relative = [w, h].find((l): l is { relative: string } => l !== undefined && 'relative' in l);
  if (relative) return { missing: `its width/height use the relative unit "${relative.relative}" and it has no viewBox` };
  if (wpx !== undefined || hpx !== undefined) return { missing: `it gives only ${wpx !== undefined ? 'width' : 'height'} and no viewBox` };
  if (root.attributes.has('viewBox')) return { missing: `its viewBox "${root.attributes.get('viewBox')}" is not four numbers with a positive width and height, and it has no width/height` };
  return { missing: 'it has neither width/height attributes nor a viewBox' };
}

// ------------------------------------------------------------------ inspection

/** Names the content when it is a known raster format or gzip; undefined otherwise. */
function nameOther(bytes: Uint8Array): { type: string; size?: Size } | undefined {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) return { type: 'gzip' };
  try {
    const r = imageSize(bytes);
    if (r.type && NAMEABLE.has(r.type)) return { type: r.type, ...(r.width && r.height ? { size: { width: r.width, height: r.height } } : {}) };
  } catch {
    // Not an image image-size knows.
  }
  return undefined;
}

export function inspectIcon(bytes: Uint8Array, fileName: string): IconInspection {
  const issues: IconIssue[] = [];
  const name = baseName(fileName);
  const ext = extensionOf(fileName);
  const stem = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : name;
  const error = (message: string): void => void issues.push({ code: 'IB-013', severity: 'error', message });
  const warning = (message: string): void => void issues.push({ code: 'IB-013', severity: 'warning', message });

  if (ext !== 'png' && ext !== 'svg') {
    error(`The icon "${name}" must be a .png or .svg file${ext ? `, not .${ext}` : ''}: convert it to PNG (at least ${ICON_MIN_PX}×${ICON_MIN_PX} px) or SVG and name it ${stem}.png or ${stem}.svg.`);
  }
  if (bytes.length > ICON_MAX_BYTES) {
    error(`The icon "${name}" is ${bytesText(bytes.length)} bytes; the limit is 1 MB (${bytesText(ICON_MAX_BYTES)} bytes). Reduce it: optimise the PNG (fewer colours, a smaller size) or simplify the SVG.`);
  } else if (bytes.length > ICON_WARNING_BYTES) {
    warning(`The icon "${name}" is ${bytesText(bytes.length)} bytes: under 1 MB of 2^20 bytes, but over 1,000,000 bytes, the limit if the Marketplace counts decimal megabytes (H-02). Keep it under 1,000,000 bytes to be safe.`);
  }
  if (bytes.length === 0) {
    error(`The icon "${name}" is empty. Export the icon as PNG or SVG, at least ${ICON_MIN_PX}×${ICON_MIN_PX} px.`);
    return { format: 'other', issues };
  }

  let format: IconFormat = 'other';
  let size: Size | undefined;
  let detected: string | undefined;

  if (isPng(bytes)) {
    format = 'png';
    if (ext === 'svg') error(`The icon "${name}" has the .svg extension but contains a PNG image. Rename it to ${stem}.png (and update service.yaml \`icon\`), or export it as SVG.`);
    const png = readPng(bytes);
    if ('problem' in png) error(`The icon "${name}" cannot be read as PNG: ${png.problem}. Re-export the icon as PNG.`);
    else size = png;
  } else {
    const text = decodeText(bytes);
    const root = text === undefined ? undefined : parseSvgRoot(text);
    if (root !== undefined) {
      format = 'svg';
      if (ext === 'png') error(`The icon "${name}" has the .png extension but contains an SVG image. Rename it to ${stem}.svg (and update service.yaml \`icon\`), or export it as PNG.`);
      if (root === 'unclosed') {
        error(`The icon "${name}" cannot be read as SVG: its <svg> start tag is not closed. Re-export the icon as SVG.`);
      } else {
        const s = svgSize(root);
        if ('missing' in s) {
          warning(`The pixel size of the SVG icon "${name}" cannot be determined: ${s.missing}. Add width="64" height="64" (or a viewBox such as "0 0 64 64") to the <svg> element, so its size can be checked against the ${ICON_MIN_PX}×${ICON_MIN_PX} px minimum (H-03).`);
        } else size = s;
      }
    } else {
      const other = nameOther(bytes);
      detected = other?.type;
      size = other?.size;
      const what = other ? `a ${formatName(other.type)} file` : 'neither a PNG nor an SVG image';
      if (ext === 'png') error(`The icon "${name}" has the .png extension but is ${what}. Export it as PNG (at least ${ICON_MIN_PX}×${ICON_MIN_PX} px).`);
      else if (ext === 'svg') error(`The icon "${name}" has the .svg extension but is ${what}${other ? '' : ' (no <svg> root element)'}. Export it as SVG.`);
      else if (!other) error(`The icon "${name}" cannot be read as an image. Export the icon as PNG or SVG, at least ${ICON_MIN_PX}×${ICON_MIN_PX} px.`);
    }
  }

  if (size && (size.width < ICON_MIN_PX || size.height < ICON_MIN_PX)) {
    error(`The icon "${name}" is ${px(size.width)}×${px(size.height)} px, smaller than the required ${ICON_MIN_PX}×${ICON_MIN_PX} px. Export the icon at ${ICON_MIN_PX}×${ICON_MIN_PX} px or larger.`);
  }
  return {
    format,
    ...(size ? { width: size.width, height: size.height } : {}),
    ...(detected ? { detected } : {}),
    issues,
  };
}
