/**
 * The parts of the wizard's last page that change with the user's choices: the price
 * breakdown, the selected values and the priced infrastructure. Pure string builders,
 * used for the page's initial HTML and by the page script on every change, so both
 * render the same markup.
 */
import type { EntityModel, WhenOperand } from '../model/types.js';
import { formatMoney, formatPeriod, formatPrice } from '../price/format.js';
import { whenHolds, type PlanPrice, type PriceLine } from '../price/price.js';
import { esc, formatNumber } from './html.js';

function lineLabel(l: PriceLine): string {
  if (l.kind === 'switch') return `${l.description}: ${l.value ? 'On' : 'Off'}`;
  const unit = l.measurement ? ` ${l.measurement}` : '';
  const steps = l.steps === 1 ? '1 step' : `${l.steps ?? 0} steps`;
  return `${l.description}: ${formatNumber(Number(l.value))}${unit} (${steps} × ${formatMoney(l.unitCost)})`;
}

/** The price breakdown table (plan cost, paid options, total per period) and the postpaid unit prices. */
export function priceBreakdownHtml(price: PlanPrice, planLabel: string): string {
  let html = `<table class="breakdown"><caption>Price per ${esc(formatPeriod(price.period))}</caption><tbody>`;
  html += `<tr><th scope="row">Plan «${esc(planLabel)}»</th><td>${esc(formatMoney(price.planCost))}</td></tr>`;
  for (const l of price.lines) {
    html += `<tr data-line="${esc(l.option)}"><th scope="row">${esc(lineLabel(l))}</th><td>+${esc(formatMoney(l.cost))}</td></tr>`;
  }
  html += `</tbody><tfoot><tr><th scope="row">Total</th><td data-total>${esc(formatPrice(price.total, price.period))}</td></tr></tfoot></table>`;
  if (price.postpaid.length) {
    html += `<p class="usage-note">Billed by usage${price.usagePeriod ? `, collected every ${esc(formatPeriod(price.usagePeriod))}` : ''} (listed, not included in the total):</p><ul class="usage">`;
    for (const p of price.postpaid) {
      html += `<li data-usage="${esc(p.option)}">${esc(p.description)}: ${esc(formatMoney(p.unitPrice))} per ${esc(p.measurement ?? 'unit')}</li>`;
    }
    html += '</ul>';
  }
  return html;
}

/** The one-line total shown next to the wizard (an `aria-live` region). */
export function totalText(price: PlanPrice): string {
  if (!price.postpaid.length) return formatPrice(price.total, price.period);
  return price.total === 0 ? 'Free + usage' : `${formatPrice(price.total, price.period)} + usage`;
}

export interface SelectionRow {
  option: string;
  label: string;
  value: string;
}

/** The values the user chose, as a table. */
export function selectionHtml(rows: SelectionRow[]): string {
  if (!rows.length) return '<p>This plan has no options.</p>';
  let html = '<table class="selection"><caption>Selected options</caption><tbody>';
  for (const r of rows) html += `<tr data-selected="${esc(r.option)}"><th scope="row">${esc(r.label)}</th><td>${esc(r.value)}</td></tr>`;
  return `${html}</tbody></table>`;
}

const ENTITY_NAMES: Record<string, string> = { vm: 'Virtual machine', load_balancing: 'Load balancer', floating_ip: 'Floating IP address' };

/**
 * Image-based plans: the infrastructure VK Cloud bills at platform tariffs (`display.yaml`
 * `entities`). `label` turns an option value into what the wizard shows (e.g. a flavor name).
 */
export function entitiesHtml(entities: EntityModel[], values: Record<string, unknown>, label: (option: string, value: unknown) => string): string {
  const operand = (op: WhenOperand | undefined): string => {
    if (!op) return '—';
    if (typeof op.param === 'string') return label(op.param, values[op.param]);
    return op.const === undefined ? '—' : String(op.const);
  };
  const items = entities.filter((e) => whenHolds(e.when, values)).map((e) => {
    const parts = [`${ENTITY_NAMES[e.entity] ?? e.entity} × ${operand(e.count)}`];
    if (e.description) parts.push(e.description);
    if (e.flavor) parts.push(`flavor: ${operand(e.flavor)}`);
    for (const d of e.disks ?? []) {
      const size = operand(d.size);
      parts.push(`disk: ${operand(d.type)}, ${size}${size === '—' ? '' : ' GB'}`);
    }
    return `<li data-entity="${esc(e.entity)}">${esc(parts.join(' · '))}</li>`;
  });
  if (!items.length) return '<p>No infrastructure is created with these options.</p>';
  return `<ul class="entities">${items.join('')}</ul>`;
}

/** Next to a custom-step input: the effective value as `base + k × size` and what it adds. */
export function stepOutputText(line: Pick<PriceLine, 'steps' | 'value' | 'cost'>, base: number, size: number): string {
  return `${formatNumber(Number(line.value))} = ${formatNumber(base)} + ${line.steps ?? 0} × ${formatNumber(size)} · +${formatMoney(line.cost)}`;
}
