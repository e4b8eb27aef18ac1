/**
 * Display formatting of prices and periods, identical in Node and the browser: no `Intl`
 * (its output differs between ICU versions), so pages are byte-deterministic.
 * Costs are RUB (H-27); they are rounded to kopecks here, for display only.
 */
import { parsePeriod } from '../util/period.js';

const NBSP = '\u00a0';

/** Rounds to kopecks, half away from zero, without binary-float surprises (1.005 → 1.01). */
export function roundKopecks(amount: number): number {
  if (!Number.isFinite(amount)) return amount;
  const sign = amount < 0 ? -1 : 1;
  const shifted = Number(`${Math.abs(amount)}e2`);
  const cents = Number.isFinite(shifted) ? Math.round(shifted) : Math.round(Math.abs(amount) * 100);
  return (sign * cents) / 100;
}

/** `1500` → `1 500 ₽`, `9.899999` → `9,90 ₽` (non-breaking spaces; kopecks only when non-zero). */
export function formatMoney(amount: number): string {
  if (!Number.isFinite(amount)) return `${String(amount)}${NBSP}₽`;
  const cents = Math.round(Math.abs(roundKopecks(amount)) * 100);
  const whole = Math.floor(cents / 100);
  const frac = cents % 100;
  const digits = String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, NBSP);
  const sign = amount < 0 && cents !== 0 ? '−' : '';
  return `${sign}${digits}${frac ? `,${String(frac).padStart(2, '0')}` : ''}${NBSP}₽`;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** `1 mons 0 days` → `1 month`, `1 mons 15 days` → `1 month 15 days`, `30 days` → `30 days`. */
export function formatPeriod(period: string): string {
  const p = parsePeriod(period);
  if (!p) return period;
  const parts: string[] = [];
  if (p.months) parts.push(plural(p.months, 'month', 'months'));
  if (p.days || !p.months) parts.push(plural(p.days, 'day', 'days'));
  return parts.join(' ');
}

/** `1 500 ₽ / month`, `300 ₽ / 3 months`. */
export function formatPrice(amount: number, period: string): string {
  const p = parsePeriod(period);
  const per = p && p.months === 1 && p.days === 0 ? 'month' : formatPeriod(period);
  return `${formatMoney(amount)} / ${per}`;
}
