/** Billing periods (SPEC §0.3): `<M> mons`, `<D> days`, or `<M> mons <D> days`. */

const PERIOD = /^(?:(\d+) mons(?: (\d+) days)?|(\d+) days)$/;

export interface ParsedPeriod {
  months: number;
  days: number;
}

/** Parses a period string; undefined when it does not match the grammar. */
export function parsePeriod(value: unknown): ParsedPeriod | undefined {
  if (typeof value !== 'string') return undefined;
  const m = PERIOD.exec(value);
  if (!m) return undefined;
  if (m[3] !== undefined) return { months: 0, days: Number(m[3]) };
  return { months: Number(m[1]), days: m[2] === undefined ? 0 : Number(m[2]) };
}

/** The canonical form the compiler emits: `<M> mons <D> days`. Invalid input is returned unchanged. */
export function canonicalPeriod(value: string): string {
  const p = parsePeriod(value);
  return p ? `${p.months} mons ${p.days} days` : value;
}

export const DEFAULT_PERIOD = '1 mons 0 days';
