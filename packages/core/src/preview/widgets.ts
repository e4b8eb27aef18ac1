/**
 * One wizard control per option, as its subtype implies (SPEC §C.7.3): constants are
 * read-only text, enums and datasources are selects, integers are number inputs (custom
 * steps show `base + k·size` and the surcharge), strings are text inputs with their
 * pattern and length limits, switches are checkboxes. Every control has a label, its hint
 * as `title` and `aria-describedby`, and `data-*` attributes the page script reads.
 */
import type { PlanOption } from '../model/types.js';
import { formatMoney } from '../price/format.js';
import { optionValueRange, type OptionValueRange, type PlanPrice } from '../price/price.js';
import { optionSubtype } from '../price/subtype.js';
import { attrs, displayValue, esc, formatNumber, idPart } from './html.js';
import { describeFilter, initialChoice, sampleChoices } from './samples.js';
import { stepOutputText, type SelectionRow } from './summary.js';

export interface FieldRender {
  html: string;
  /** The option's initial row in the order summary (postpaid options have none). */
  row?: SelectionRow;
  /** The value the control starts with (datasource: the sample chosen). */
  value?: unknown;
}

const label = (po: PlanOption): string => (typeof po.option.schema?.description === 'string' && po.option.schema.description ? po.option.schema.description : po.name);

/** The HTML `pattern` attribute is anchored and compiled with the `v` flag; JSON Schema's `pattern` is an unanchored search. */
function htmlPattern(pattern: string): string | undefined {
  const wrapped = `[\\s\\S]*(?:${pattern})[\\s\\S]*`;
  try {
    new RegExp(`^(?:${wrapped})$`, 'v');
    return wrapped;
  } catch {
    return undefined; // the page script still validates it with the `u` flag
  }
}

function constraintText(r: OptionValueRange): string {
  switch (r.kind) {
    case 'range':
      return `Whole numbers ${formatNumber(r.min)}–${r.max === undefined ? '∞' : formatNumber(r.max)}.`;
    case 'step': {
      const unit = r.measurement ? ` ${r.measurement}` : '';
      const price = r.cost === 0 ? 'free' : `${formatMoney(r.cost)} each`;
      return `From ${formatNumber(r.min)} to ${r.max === undefined ? '∞' : formatNumber(r.max)} in steps of ${formatNumber(r.size)}${unit} (${price}); ${formatNumber(r.base)} is included in the plan price.`;
    }
    case 'text': {
      const parts: string[] = [];
      if (r.minLength !== undefined && r.maxLength !== undefined) parts.push(`${r.minLength}–${r.maxLength} characters`);
      else if (r.minLength !== undefined) parts.push(`at least ${r.minLength} characters`);
      else if (r.maxLength !== undefined) parts.push(`at most ${r.maxLength} characters`);
      if (r.pattern !== undefined) parts.push(`matches ${r.pattern}`);
      return parts.length ? `${parts.join('; ')}.` : '';
    }
    case 'switch':
      return r.cost ? `+${formatMoney(r.cost)} while on.` : '';
    case 'datasource': {
      const f = describeFilter(r.source, r.filter);
      return `Sample values; the real list comes from the user's project${f ? ` (filter: ${f})` : ''}.`;
    }
    default:
      return '';
  }
}

/** The control of one option in a plan's wizard. */
export function optionField(planKey: string, po: PlanOption, price: PlanPrice): FieldRender {
  const r = optionValueRange(po.option);
  const id = `${planKey}-${idPart(po.name)}`;
  const hint = typeof po.option.schema?.hint === 'string' && po.option.schema.hint ? po.option.schema.hint : undefined;
  const hintId = hint ? `${id}-hint` : undefined;
  const constraint = constraintText(r);
  const constraintId = constraint ? `${id}-rule` : undefined;
  const outId = r.kind === 'step' ? `${id}-out` : undefined;
  const describedBy = [hintId, constraintId, outId].filter(Boolean).join(' ') || undefined;
  const common = { id, 'data-option': po.name, title: hint, 'aria-describedby': describedBy };
  const text = label(po);
  let control = '';
  let value: unknown;
  let shown = '';
  let labelFirst = true;

  switch (r.kind) {
    case 'const':
    case 'invalid': {
      value = r.kind === 'const' ? r.value : undefined;
      shown = displayValue(value);
      control = `<input${attrs({ ...common, type: 'text', readonly: true, value: shown, 'data-kind': 'const' })}>`;
      break;
    }
    case 'enum': {
      value = r.default;
      shown = displayValue(value);
      const opts = r.values.map((v) => `<option${attrs({ value: String(v), selected: v === r.default })}>${esc(displayValue(v))}</option>`).join('');
      control = `<select${attrs({ ...common, 'data-kind': r.type === 'integer' ? 'enum-int' : 'enum-str' })}>${opts}</select>`;
      break;
    }
    case 'range': {
      value = r.default;
      shown = displayValue(value);
      control = `<input${attrs({ ...common, type: 'number', inputmode: 'numeric', min: r.min, max: r.max, step: 1, value: r.default, 'data-kind': 'range' })}>`;
      break;
    }
    case 'step': {
      const line = price.lines.find((l) => l.option === po.name);
      value = line?.value ?? r.default;
      shown = `${displayValue(value)}${r.measurement ? ` ${r.measurement}` : ''}`;
      const out = line ? stepOutputText(line, r.base, r.size) : '';
      control =
        `<input${attrs({ ...common, type: 'number', inputmode: 'numeric', min: r.min, max: r.max, step: r.size, value: Number(value), 'data-kind': 'step', 'data-base': r.base, 'data-size': r.size, 'data-unit': r.measurement })}>` +
        `<output${attrs({ id: outId, for: id, 'data-step-output': po.name })}>${esc(out)}</output>`;
      break;
    }
    case 'switch': {
      value = r.default;
      shown = displayValue(value);
      labelFirst = false;
      control = `<input${attrs({ ...common, type: 'checkbox', role: 'switch', checked: r.default, 'data-kind': 'switch' })}>`;
      break;
    }
    case 'text': {
      value = r.default ?? '';
      shown = displayValue(value);
      control = `<input${attrs({
        ...common, type: 'text', value: r.default ?? '', autocomplete: 'off', spellcheck: 'false',
        minlength: r.minLength, maxlength: r.maxLength, pattern: r.pattern !== undefined ? htmlPattern(r.pattern) : undefined,
        'data-pattern': r.pattern, 'data-kind': 'text',
      })}>`;
      break;
    }
    case 'datasource': {
      const choices = sampleChoices(r.source, r.filter, r.valueIs);
      const initial = initialChoice(choices, r.default);
      value = initial;
      shown = choices.find((c) => c.value === initial)?.label ?? '—';
      const opts = choices.length
        ? choices.map((c) => `<option${attrs({ value: c.value, selected: c.value === initial })}>${esc(c.label)}</option>`).join('')
        : '<option value="">No sample value matches the filter</option>';
      control = `<select${attrs({ ...common, 'data-kind': 'datasource', 'data-source': r.source, 'aria-invalid': choices.length ? undefined : 'true' })}>${opts}</select>`;
      break;
    }
    case 'postpaid': {
      const unit = r.measurement ?? 'unit';
      const html =
        `<div class="field postpaid"${attrs({ 'data-field': po.name })}><span class="label">${esc(text)}</span>` +
        `<p class="usage-price">${esc(formatMoney(r.unitPrice))} per ${esc(unit)}, billed by usage</p>` +
        (hint ? `<p class="hint">${esc(hint)}</p>` : '') +
        `<p class="meta"><code>${esc(po.name)}</code> · postpaid</p></div>`;
      return { html };
    }
  }

  const labelHtml = `<label for="${esc(id)}">${esc(text)}</label>`;
  const subtype = optionSubtype(po.option) ?? 'unknown type';
  const html =
    `<div class="field${r.kind === 'switch' ? ' switch' : ''}"${attrs({ 'data-field': po.name })}>` +
    (labelFirst ? `${labelHtml}<div class="control">${control}</div>` : `<div class="control">${control}${labelHtml}</div>`) +
    (hint ? `<p class="hint" id="${esc(hintId)}">${esc(hint)}</p>` : '') +
    (constraint ? `<p class="rule" id="${esc(constraintId)}">${esc(constraint)}</p>` : '') +
    `<p class="meta"><code>${esc(po.name)}</code> · ${esc(subtype)}</p></div>`;
  return { html, row: { option: po.name, label: text, value: shown }, value };
}

/** What a tariff-matrix cell says about an option in one plan (`undefined`: the plan lacks it). */
export function matrixCell(po: PlanOption | undefined): string {
  if (!po) return '—';
  const r = optionValueRange(po.option);
  switch (r.kind) {
    case 'const':
      return displayValue(r.value);
    case 'enum':
      return `${r.values.map(displayValue).join(', ')} (default ${displayValue(r.default)})`;
    case 'range':
      return `${formatNumber(r.min)}–${r.max === undefined ? '∞' : formatNumber(r.max)} (default ${formatNumber(r.default)})`;
    case 'step': {
      const unit = r.measurement ? ` ${r.measurement}` : '';
      const price = r.cost === 0 ? 'free steps' : `+${formatMoney(r.cost)} per step`;
      return `${formatNumber(r.min)}–${r.max === undefined ? '∞' : formatNumber(r.max)}${unit}, step ${formatNumber(r.size)}; starts at ${formatNumber(r.default)}; ${price}`;
    }
    case 'switch':
      return `On/Off (default ${r.default ? 'On' : 'Off'})${r.cost ? `; +${formatMoney(r.cost)} while on` : ''}`;
    case 'text':
      return r.default ? `Text (default ${r.default})` : 'Text';
    case 'datasource': {
      const f = describeFilter(r.source, r.filter);
      return `Chosen from the project (${r.source}${f ? `; ${f}` : ''})${r.default ? `, default ${r.default}` : ''}`;
    }
    case 'postpaid':
      return `${formatMoney(r.unitPrice)} per ${r.measurement ?? 'unit'} (usage)`;
    case 'invalid':
      return `Unknown type ${String(r.type)}`;
  }
}
