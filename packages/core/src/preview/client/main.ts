/**
 * The preview page's script (bundled by esbuild into one inline <script>): wizard
 * navigation, `when` groups shown and hidden live, string validation, and the live price
 * from the same `planPrice` the tests check. Without it the page still shows every
 * wizard page with the initial prices.
 */
import { planPrice, wizardVisibility } from '../../price/price.js';
import type { PreviewPageData, PreviewPlanData } from '../data.js';
import { displayValue, formatNumber } from '../html.js';
import { entitiesHtml, priceBreakdownHtml, selectionHtml, stepOutputText, totalText, type SelectionRow } from '../summary.js';

type Control = HTMLInputElement | HTMLSelectElement;

document.documentElement.classList.add('js');

const dataElement = document.getElementById('vkmp-data');
const data = JSON.parse(dataElement?.textContent ?? '{"plans":[]}') as PreviewPageData;
for (const entry of data.plans) {
  const root = document.querySelector<HTMLElement>(`[data-plan-key="${entry.key}"]`);
  if (root) setupPlan(root, entry);
}

const live = document.body.dataset.liveReload;
if (live) {
  const events = new EventSource(live);
  events.addEventListener('reload', () => window.location.reload());
}

function controlValue(c: Control): unknown {
  switch (c.dataset.kind) {
    case 'switch':
      return (c as HTMLInputElement).checked;
    case 'enum-int':
      return Number(c.value);
    case 'range':
    case 'step':
      return c.value.trim() === '' ? undefined : Number(c.value);
    case 'const':
      return undefined;
    default:
      return c.value;
  }
}

function controlText(c: Control): string {
  if (c instanceof HTMLSelectElement) return c.selectedOptions[0]?.text ?? '—';
  switch (c.dataset.kind) {
    case 'switch':
      return displayValue(c.checked);
    case 'const':
      return c.value;
    case 'range':
    case 'step': {
      const v = controlValue(c);
      if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
      return `${formatNumber(v)}${c.dataset.unit ? ` ${c.dataset.unit}` : ''}`;
    }
    default:
      return displayValue(c.value);
  }
}

function setupPlan(root: HTMLElement, entry: PreviewPlanData): void {
  const plan = entry.plan;
  const controls = [...root.querySelectorAll<Control>('[data-option]')];
  const byName = new Map(controls.map((c) => [c.dataset.option as string, c]));
  const pages = [...root.querySelectorAll<HTMLElement>('.wizard-page')];
  const stepItems = [...root.querySelectorAll<HTMLElement>('[data-step-item]')];
  const prev = root.querySelector<HTMLButtonElement>('[data-prev]');
  const next = root.querySelector<HTMLButtonElement>('[data-next]');
  let current = 0;

  const values = (): Record<string, unknown> => {
    const v: Record<string, unknown> = {};
    for (const c of controls) {
      const value = controlValue(c);
      if (value !== undefined) v[c.dataset.option as string] = value;
    }
    return v;
  };

  const label = (option: string, value: unknown): string => {
    const c = byName.get(option);
    return c ? controlText(c) : displayValue(value);
  };

  const visiblePages = (): number[] => pages.map((p, i) => (p.dataset.whenHidden === 'true' ? -1 : i)).filter((i) => i >= 0);

  const show = (index: number, focus: boolean): void => {
    current = index;
    pages.forEach((p, i) => p.classList.toggle('current', i === index));
    stepItems.forEach((li, i) => {
      const b = li.querySelector('button');
      if (b) {
        if (i === index) b.setAttribute('aria-current', 'step');
        else b.removeAttribute('aria-current');
      }
    });
    const order = visiblePages();
    const pos = order.indexOf(index);
    if (prev) prev.disabled = pos <= 0;
    if (next) next.disabled = pos === -1 || pos >= order.length - 1;
    if (focus) pages[index]?.querySelector<HTMLElement>('h4')?.focus();
  };

  const validateText = (c: Control): void => {
    const pattern = c.dataset.pattern;
    if (pattern === undefined || !(c instanceof HTMLInputElement)) return;
    let ok = true;
    try {
      ok = c.value === '' || new RegExp(pattern, 'u').test(c.value);
    } catch {
      ok = true;
    }
    c.setCustomValidity(ok ? '' : `Must match the pattern ${pattern}`);
  };

  const update = (): void => {
    const v = values();
    const vis = wizardVisibility(plan, v);
    for (const g of root.querySelectorAll<HTMLElement>('[data-group]')) {
      const [pi, gi] = (g.dataset.group ?? '0.0').split('.').map(Number);
      g.hidden = !(vis.pages[pi]?.groups[gi] ?? true);
    }
    for (const p of root.querySelectorAll<HTMLElement>('[data-described]')) {
      const pi = Number(p.dataset.described);
      const hiddenPage = !(vis.pages[pi]?.visible ?? true);
      p.dataset.whenHidden = String(hiddenPage);
      const item = stepItems[pages.indexOf(p)];
      if (item) item.hidden = hiddenPage;
    }
    const price = planPrice(plan, v);
    for (const out of root.querySelectorAll<HTMLOutputElement>('[data-step-output]')) {
      const name = out.dataset.stepOutput as string;
      const line = price.lines.find((l) => l.option === name);
      const c = byName.get(name);
      if (line && c) out.textContent = stepOutputText(line, Number(c.dataset.base), Number(c.dataset.size));
      else out.textContent = '';
    }
    const total = root.querySelector('[data-price-total]');
    if (total) total.textContent = totalText(price);
    const breakdown = root.querySelector('[data-breakdown]');
    if (breakdown) breakdown.innerHTML = priceBreakdownHtml(price, entry.label);
    const hidden = new Set(vis.hidden);
    const rows: SelectionRow[] = controls
      .filter((c) => !hidden.has(c.dataset.option as string))
      .map((c) => ({ option: c.dataset.option as string, label: root.querySelector(`label[for="${c.id}"]`)?.textContent ?? (c.dataset.option as string), value: controlText(c) }));
    const selection = root.querySelector('[data-selection]');
    if (selection) selection.innerHTML = selectionHtml(rows);
    const entities = root.querySelector('[data-entities]');
    if (entities && plan.entities) entities.innerHTML = entitiesHtml(plan.entities, { ...v }, label);
    if (visiblePages().indexOf(current) === -1) show(0, false);
    else show(current, false);
  };

  root.addEventListener('input', (e) => {
    const c = e.target as Control;
    if (c.dataset.kind === 'text') validateText(c);
    update();
  });
  root.addEventListener('change', (e) => {
    const c = e.target as Control;
    // A custom step is charged in whole steps: show the value that is charged.
    if (c.dataset.kind === 'step' && c instanceof HTMLInputElement) {
      const line = planPrice(plan, values()).lines.find((l) => l.option === c.dataset.option);
      if (line && typeof line.value === 'number' && String(line.value) !== c.value) c.value = String(line.value);
    }
    update();
  });
  for (const item of stepItems) {
    item.querySelector('button')?.addEventListener('click', () => show(Number(item.dataset.stepItem), true));
  }
  prev?.addEventListener('click', () => {
    const order = visiblePages();
    const pos = order.indexOf(current);
    if (pos > 0) show(order[pos - 1], true);
  });
  next?.addEventListener('click', () => {
    const order = visiblePages();
    const pos = order.indexOf(current);
    if (pos >= 0 && pos < order.length - 1) show(order[pos + 1], true);
  });
  for (const c of controls) if (c.dataset.kind === 'text') validateText(c);
  update();
}
