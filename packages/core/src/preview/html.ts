/** HTML string helpers for the preview page. Pure: also bundled into the page script. */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and double-quoted attribute values. */
export function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

export type AttrValue = string | number | boolean | undefined | null;

/** ` a="x" b` from an object; `false`/`undefined`/`null` drop the attribute, `true` writes it bare. Order is kept. */
export function attrs(values: Record<string, AttrValue>): string {
  let out = '';
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined || v === null || v === false) continue;
    out += v === true ? ` ${k}` : ` ${k}="${esc(v)}"`;
  }
  return out;
}

/** A DOM id fragment from an option or plan name: `[A-Za-z0-9_-]` only, never empty. */
export function idPart(name: string): string {
  const s = name.replace(/[^A-Za-z0-9_-]/g, (c) => `_${c.codePointAt(0)!.toString(16)}`);
  return s === '' ? '_' : s;
}

/** Formats a scalar option value for people: booleans as Yes/No, numbers with thin grouping. */
export function displayValue(value: unknown): string {
  if (value === undefined || value === null || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'number') return formatNumber(value);
  return String(value);
}

/** `125000` → `125 000` (non-breaking space), deterministic without Intl. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const [int, frac] = String(Math.abs(n)).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
  return `${n < 0 ? '−' : ''}${grouped}${frac ? `,${frac}` : ''}`;
}
