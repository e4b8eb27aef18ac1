/**
 * `vkmp preview`: one self-contained HTML page per service (inline CSS and script, icon
 * as a data URI, nothing fetched at view time; a Content-Security-Policy enforces it):
 * the catalog card, the full description, the tariff matrix, and each plan's wizard with
 * its automatic first and last pages and a live price. Same input, same bytes.
 */
import { createHash } from 'node:crypto';
import type { Diagnostic } from '../diagnostics.js';
import type { DisplayGroup, EntityModel, PlanModel, ProjectModel, ServiceModel, WhenModel, WhenOperand } from '../model/types.js';
import { formatMoney, formatPeriod, formatPrice } from '../price/format.js';
import { initialValues, planPrice, wizardVisibility, type PlanPrice } from '../price/price.js';
import { utf8, type OutputTree } from '../emit/tree.js';
import type { PreviewPageData, PreviewPlan } from './data.js';
import { attrs, displayValue, esc, idPart } from './html.js';
import type { MarkdownRenderer } from './markdown.js';
import { PREVIEW_CSS } from './styles.js';
import { entitiesHtml, priceBreakdownHtml, selectionHtml, totalText, type SelectionRow } from './summary.js';
import { matrixCell, optionField } from './widgets.js';

export interface PreviewRenderOptions {
  /** The page script (see `previewClientScript()`). */
  clientScript: string;
  /** `--serve`: the server-sent-events URL the page reloads from. */
  liveReload?: string;
  /** Renders the full description (see `markdownRenderer()`). */
  markdown: MarkdownRenderer;
}

export interface PreviewPage {
  /** File name in the output directory. */
  path: string;
  service: ServiceModel;
}

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** The page skeleton with a CSP that allows only the inline style and script by hash. */
function documentHtml(title: string, body: string, options: Pick<PreviewRenderOptions, 'clientScript' | 'liveReload'>, data?: PreviewPageData): string {
  const script = options.clientScript.replace(/<\/(script)/gi, '<\\/$1');
  const csp = [
    "default-src 'none'",
    'img-src data:',
    `style-src ${sha256(PREVIEW_CSS)}`,
    `script-src ${sha256(script)}`,
    `connect-src ${options.liveReload ? "'self'" : "'none'"}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const json = data ? JSON.stringify(data).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029') : undefined;
  return (
    '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
    // The policy is built from fixed words and base64 hashes only: no escaping needed (nor wanted: it is read raw by tests).
    `<meta http-equiv="Content-Security-Policy" content="${csp}">\n` +
    '<meta name="generator" content="vkmp preview">\n' +
    `<title>${esc(title)}</title>\n<style>${PREVIEW_CSS}</style>\n</head>\n` +
    `<body${attrs({ 'data-live-reload': options.liveReload })}>\n${body}\n` +
    (json ? `<script type="application/json" id="vkmp-data">${json}</script>\n` : '') +
    `<script>${script}</script>\n</body>\n</html>\n`
  );
}

function mimeOf(fileName: string): string | undefined {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.svg')) return 'image/svg+xml';
  if (lower.endsWith('.png')) return 'image/png';
  return undefined;
}

function iconHtml(s: ServiceModel): { img: string; note: string } {
  const asset = s.iconAsset;
  const mime = asset ? mimeOf(asset.fileName) : undefined;
  if (asset && mime && asset.bytes.length) {
    const uri = `data:${mime};base64,${Buffer.from(asset.bytes).toString('base64')}`;
    return { img: `<img src="${esc(uri)}" alt="Service icon" width="62" height="62">`, note: `Icon: <code>${esc(asset.fileName)}</code>, inlined.` };
  }
  const letter = esc([...(s.name || '?').trim()][0]?.toUpperCase() ?? '?');
  const placeholder =
    '<svg viewBox="0 0 62 62" role="img" aria-label="Icon placeholder" xmlns="http://www.w3.org/2000/svg">' +
    `<rect width="62" height="62" rx="10" fill="#dfe4ee"/><text x="31" y="40" text-anchor="middle" font-size="26" font-family="system-ui,sans-serif" fill="#5b6475">${letter}</text></svg>`;
  const url = /^https?:\/\//i.test(s.icon) ? `<a href="${esc(s.icon)}" rel="noopener noreferrer">${esc(s.icon)}</a>` : `<code>${esc(s.icon)}</code>`;
  return { img: placeholder, note: `Icon: ${url} (Marketplace serves it; a placeholder is shown so this page needs no network).` };
}

/** The plan's billing model, as the matrix and the first wizard page name it. */
function billingKind(plan: PlanModel, price: PlanPrice): string {
  if (price.postpaid.length) return 'Usage-based';
  const paidOptions = plan.options.some((po) => {
    const b = po.option.billing;
    return b !== undefined && typeof b.cost === 'number' && b.cost > 0;
  });
  if ((typeof plan.billing?.cost === 'number' && plan.billing.cost > 0) || paidOptions || plan.free === false) return 'Prepaid';
  return 'Free';
}

function planPriceSummary(plan: PlanModel, price: PlanPrice): string {
  const kind = billingKind(plan, price);
  if (kind === 'Usage-based') return `Free + usage (${price.postpaid.map((p) => `${formatMoney(p.unitPrice)} per ${p.measurement ?? 'unit'}`).join(', ')})`;
  if (kind === 'Free') return 'Free';
  return formatPrice(price.planCost, price.period);
}

function whenText(when: WhenModel, plan: PlanModel): string {
  const operand = (op: WhenOperand) => {
    if (typeof op.param === 'string') {
      const po = plan.options.find((o) => o.name === op.param);
      return `«${po?.option.schema.description ?? op.param}»`;
    }
    return JSON.stringify(op.const);
  };
  const values = (when.values ?? []).map(operand).join(', ');
  return `Shown when ${operand(when.key)} ${when.operator === 'not_in' ? 'is none of' : 'is one of'} ${values}`;
}

/** Strips spans, patches and deployment files: what the page script needs, deterministically ordered. */
function previewPlan(plan: PlanModel): PreviewPlan {
  const operand = (o: WhenOperand): WhenOperand => (typeof o.param === 'string' ? { param: o.param } : { const: o.const });
  const when = (w: WhenModel | undefined): WhenModel | undefined => (w ? { operator: w.operator, key: operand(w.key), values: (w.values ?? []).map(operand) } : undefined);
  const entity = (e: EntityModel): EntityModel => ({
    entity: e.entity,
    ...(e.description !== undefined ? { description: e.description } : {}),
    ...(e.when ? { when: when(e.when) } : {}),
    ...(e.count ? { count: operand(e.count) } : {}),
    ...(e.flavor ? { flavor: operand(e.flavor) } : {}),
    ...(e.disks ? { disks: e.disks.map((d) => ({ ...(d.type ? { type: operand(d.type) } : {}), ...(d.size ? { size: operand(d.size) } : {}) })) } : {}),
  });
  return {
    billing: {
      cost: plan.billing.cost,
      ...(plan.billing.billing_cycle_flat !== undefined ? { billing_cycle_flat: plan.billing.billing_cycle_flat } : {}),
      ...(plan.billing.billing_cycle_step !== undefined ? { billing_cycle_step: plan.billing.billing_cycle_step } : {}),
    },
    options: plan.options.map((po) => ({
      name: po.name,
      option: { name: po.option.name, actions: po.option.actions, schema: po.option.schema, ...(po.option.billing ? { billing: po.option.billing } : {}) },
    })),
    display: {
      pages: (plan.display?.pages ?? []).map((p) => ({
        name: p.name,
        groups: p.groups.map((g): DisplayGroup => ({ name: g.name, parameters: g.parameters.map((x) => ({ name: x.name })), ...(g.when ? { when: when(g.when) } : {}) })),
      })),
    },
    ...(plan.entities ? { entities: plan.entities.map(entity) } : {}),
  };
}

interface PlanRender {
  html: string;
  key: string;
}

function renderPlan(service: ServiceModel, plan: PlanModel, index: number): PlanRender {
  const key = `p${index}`;
  const values = initialValues(plan);
  const price = planPrice(plan, values);
  const vis = wizardVisibility(plan, values);
  const hidden = new Set(vis.hidden);
  const byName = new Map(plan.options.map((po) => [po.name, po]));
  const displayed = new Set<string>();
  const rows: SelectionRow[] = [];
  const labels = new Map<string, string>();
  const current: Record<string, unknown> = { ...values };
  const headingId = `${key}-h`;
  const pagesHtml: string[] = [];
  const stepNames: string[] = ['Plan'];

  (plan.display?.pages ?? []).forEach((page, pi) => {
    stepNames.push(page.name);
    const pageIndex = pi + 1;
    let groups = '';
    page.groups.forEach((g, gi) => {
      let fields = '';
      for (const p of g.parameters) {
        const po = byName.get(p.name);
        displayed.add(p.name);
        if (!po) {
          fields += `<p class="warn">Option <code>${esc(p.name)}</code> is listed here but is not an option of this plan.</p>`;
          continue;
        }
        const f = optionField(key, po, price);
        fields += f.html;
        if (f.value !== undefined) current[po.name] = f.value;
        if (f.row) {
          labels.set(po.name, f.row.value);
          if (!hidden.has(po.name)) rows.push(f.row);
        }
      }
      const shown = vis.pages[pi]?.groups[gi] ?? true;
      const legend = g.name ? `<legend>${esc(g.name)}</legend>` : '';
      groups +=
        `<fieldset${attrs({ class: 'group', 'data-group': `${pi}.${gi}`, hidden: !shown, 'aria-label': g.name ? undefined : page.name })}>${legend}` +
        (g.when ? `<p class="when">${esc(whenText(g.when, plan))}</p>` : '') +
        `${fields}</fieldset>`;
    });
    const pageHidden = !(vis.pages[pi]?.visible ?? true);
    pagesHtml.push(
      `<section${attrs({ class: 'wizard-page', 'data-page': pageIndex, 'data-described': pi, 'data-when-hidden': String(pageHidden), 'aria-labelledby': `${key}-page${pageIndex}-h` })}>` +
        `<h4 id="${key}-page${pageIndex}-h" tabindex="-1">${esc(page.name)}</h4>${groups}</section>`,
    );
  });

  const lastIndex = (plan.display?.pages ?? []).length + 1;
  stepNames.push('Summary');
  const label = (option: string, value: unknown) => labels.get(option) ?? displayValue(value);
  const undisplayed = plan.options.filter((po) => !displayed.has(po.name));
  const kind = billingKind(plan, price);
  const isIb = service.kind === 'image-based';

  const first =
    `<section class="wizard-page current" data-page="0" aria-labelledby="${key}-page0-h"><h4 id="${key}-page0-h" tabindex="-1">Plan «${esc(plan.description)}»</h4>` +
    '<dl class="summary">' +
    `<dt>Billing</dt><dd>${esc(kind)}</dd>` +
    `<dt>Price</dt><dd>${esc(planPriceSummary(plan, price))}</dd>` +
    (kind === 'Prepaid' ? `<dt>Billing period</dt><dd>${esc(formatPeriod(price.period))}</dd><dt>Refundable</dt><dd>${plan.billing.refundable === false ? 'No' : 'Yes'}</dd>` : '') +
    (price.usagePeriod ? `<dt>Usage collected every</dt><dd>${esc(formatPeriod(price.usagePeriod))}</dd>` : '') +
    `<dt>Options</dt><dd>${plan.options.length}</dd>` +
    `<dt>Starts at</dt><dd>${esc(totalText(price))}</dd>` +
    '</dl>' +
    (isIb ? '<p class="note">VK Cloud bills the infrastructure (VMs, disks, load balancers, IP addresses) separately at platform tariffs.</p>' : '') +
    '</section>';

  const last =
    `<section${attrs({ class: 'wizard-page', 'data-page': lastIndex, 'aria-labelledby': `${key}-page${lastIndex}-h` })}><h4 id="${key}-page${lastIndex}-h" tabindex="-1">Summary</h4>` +
    `<div data-selection>${selectionHtml(rows)}</div>` +
    (undisplayed.length
      ? `<p class="warn">Not on any wizard page (they keep their initial values): ${undisplayed.map((po) => `<code>${esc(po.name)}</code> = ${esc(displayValue(values[po.name]))}`).join(', ')}.</p>`
      : '') +
    `<div data-breakdown>${priceBreakdownHtml(price, plan.description)}</div>` +
    (isIb
      ? `<h5>Infrastructure, billed by VK Cloud at platform tariffs</h5><div data-entities>${entitiesHtml(plan.entities ?? [], current, label)}</div>`
      : '') +
    '</section>';

  const steps = stepNames
    .map((name, i) => {
      const described = i > 0 && i < lastIndex ? i - 1 : undefined;
      const hiddenStep = described !== undefined && !(vis.pages[described]?.visible ?? true);
      return `<li${attrs({ 'data-step-item': i, hidden: hiddenStep })}><button type="button"${attrs({ 'data-goto': i, 'aria-current': i === 0 ? 'step' : undefined })}>${i + 1}. ${esc(name)}</button></li>`;
    })
    .join('');

  const html =
    `<section${attrs({ class: 'plan', id: `plan-${idPart(plan.name)}`, 'data-plan-key': key, 'aria-labelledby': headingId })}>` +
    `<h3 id="${headingId}">${esc(plan.description)}<span class="badge">${esc(kind)}</span></h3>` +
    `<p class="plan-meta"><code>${esc(plan.name)}</code> · id <code>${esc(plan.id)}</code> · revision <code>${esc(plan.revision)}</code></p>` +
    '<div class="wizard-layout"><div class="wizard">' +
    `<ol class="steps" aria-label="Wizard pages of «${esc(plan.description)}»">${steps}</ol>` +
    first + pagesHtml.join('') + last +
    '<div class="wizard-nav"><button type="button" data-prev disabled>Back</button><button type="button" data-next>Next</button></div>' +
    '</div>' +
    `<aside class="price-box" aria-labelledby="${key}-price-h"><h4 id="${key}-price-h">Price</h4>` +
    `<p class="total" data-price-total aria-live="polite" aria-atomic="true">${esc(totalText(price))}</p>` +
    (price.postpaid.length ? '<p class="note">Usage is billed from metrics.</p>' : '') +
    (isIb ? '<p class="note">Infrastructure is billed separately.</p>' : '') +
    '</aside></div></section>';
  return { html, key };
}

function matrixHtml(service: ServiceModel): string {
  const plans = service.plans;
  const head = plans.map((p) => `<th scope="col">${esc(p.description)}</th>`).join('');
  const optionRows = service.preview
    .map((param) => {
      const description =
        plans.flatMap((p) => p.options).find((o) => o.name === param.name)?.option.schema.description ??
        service.options.find((o) => o.name === param.name)?.schema.description;
      const cells = plans.map((p) => `<td>${esc(matrixCell(p.options.find((o) => o.name === param.name)))}</td>`).join('');
      return `<tr data-preview="${esc(param.name)}"><th scope="row">${esc(description ?? param.name)} <code>${esc(param.name)}</code></th>${cells}</tr>`;
    })
    .join('');
  const priceCells = plans
    .map((p) => {
      const price = planPrice(p, initialValues(p));
      const starts = price.total !== price.planCost ? `; starts at ${totalText(price)}` : '';
      return `<td>${esc(planPriceSummary(p, price))}${esc(starts)}</td>`;
    })
    .join('');
  const note = service.preview.length ? '' : '<p class="note">The service lists no options in <code>preview</code>: the matrix shows plan prices only.</p>';
  return (
    `${note}<div class="table-wrap"><table class="matrix"><caption>Plans × the options listed in <code>preview</code></caption>` +
    `<thead><tr><th scope="col">Option</th>${head}</tr></thead><tbody>${optionRows}` +
    `<tr class="price-row"><th scope="row">Price</th>${priceCells}</tr></tbody></table></div>`
  );
}

/** The HTML page of one service. */
export function renderServicePage(service: ServiceModel, options: PreviewRenderOptions): string {
  const icon = iconHtml(service);
  const plans = service.plans.map((p, i) => renderPlan(service, p, i));
  const kind = service.kind === 'image-based' ? 'Image-based' : 'SaaS';
  const nav = [
    '<li><a href="#card">Catalog card</a></li>',
    '<li><a href="#description">Description</a></li>',
    '<li><a href="#matrix">Tariff plans</a></li>',
    ...service.plans.map((p) => `<li><a href="#plan-${esc(idPart(p.name))}">${esc(p.description)}</a></li>`),
  ].join('');
  const body =
    '<a class="skip" href="#main">Skip to content</a>\n' +
    `<header class="topbar"><p>vkmp preview · ${esc(kind)} · <code>${esc(service.serviceName)}</code> · revision ${esc(service.revision)}</p>` +
    `<nav aria-label="Sections"><ul>${nav}</ul></nav></header>\n` +
    '<main id="main">\n' +
    `<h1>${esc(service.name)}</h1>\n<p class="sub">Service id <code>${esc(service.id)}</code> · <a href="${esc(/^https?:\/\//i.test(service.help) ? service.help : '#')}" rel="noopener noreferrer">documentation</a></p>\n` +
    '<section id="card" aria-labelledby="card-h"><h2 id="card-h">Catalog card</h2>' +
    `<article class="card">${icon.img}<div><h3>${esc(service.name)}</h3><p>${esc(service.short_description)}</p></div></article>` +
    `<p class="note">${icon.note}</p></section>\n` +
    `<section id="description" aria-labelledby="description-h"><h2 id="description-h">Service description</h2><div class="md">${options.markdown(service.full_description?.text ?? '')}</div></section>\n` +
    `<section id="matrix" aria-labelledby="matrix-h"><h2 id="matrix-h">Tariff plans</h2>${matrixHtml(service)}</section>\n` +
    `<section id="plans" aria-labelledby="plans-h"><h2 id="plans-h">Plan wizards</h2>` +
    '<p class="note">Each plan\'s wizard: the automatic first page, the described pages and the automatic summary page. Prices update as you change options.</p>' +
    `${plans.map((p) => p.html).join('\n')}</section>\n</main>`;
  const data: PreviewPageData = {
    plans: service.plans.map((p, i) => ({ key: plans[i].key, label: p.description, plan: previewPlan(p) })),
  };
  return documentHtml(`${service.name} — vkmp preview`, body, options, data);
}

function fileSlug(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '') || 'service';
}

/** Every service of the project (SaaS catalog entries and image-based packages) with its page file name. */
export function previewPages(model: ProjectModel): PreviewPage[] {
  const services = [...model.catalogs.flatMap((c) => c.services), ...model.packages];
  const used = new Set<string>(['index.html']);
  return services.map((service) => {
    let name = `${fileSlug(service.serviceName)}.html`;
    if (used.has(name)) name = `${fileSlug(service.serviceName)}--${fileSlug(service.revision)}.html`;
    for (let n = 2; used.has(name); n++) name = `${fileSlug(service.serviceName)}--${fileSlug(service.revision)}-${n}.html`;
    used.add(name);
    return { path: name, service };
  });
}

/** The index page linking every service page. */
export function renderIndexPage(pages: PreviewPage[], options: PreviewRenderOptions): string {
  const items = pages
    .map((p) => `<li><a href="${esc(p.path)}">${esc(p.service.name)}</a> · ${p.service.kind === 'image-based' ? 'Image-based' : 'SaaS'} · <code>${esc(p.service.serviceName)}</code> · revision ${esc(p.service.revision)} · ${p.service.plans.length} plan${p.service.plans.length === 1 ? '' : 's'}</li>`)
    .join('');
  const body = `<main id="main"><h1>vkmp preview</h1><p class="sub">${pages.length} service page${pages.length === 1 ? '' : 's'}</p><ul>${items}</ul></main>`;
  return documentHtml('vkmp preview', body, options);
}

/** Shown instead of the pages while the project does not build (`--serve`). */
export function renderErrorPage(diagnostics: readonly Diagnostic[], options: Omit<PreviewRenderOptions, 'markdown'> & { relativeTo?: (file: string) => string }): string {
  const rel = options.relativeTo ?? ((f: string) => f);
  const items = diagnostics
    .map((d) => {
      const where = d.span ? `${rel(d.span.file)}:${d.span.line}:${d.span.column}` : '';
      return (
        `<li class="${d.severity}">${where ? `<div class="where">${esc(where)}</div>` : ''}<strong>${esc(d.severity)} ${esc(d.code)}</strong>: ${esc(d.message)}` +
        (d.hint ? `<div class="hint">hint: ${esc(d.hint)}</div>` : '') +
        '</li>'
      );
    })
    .join('');
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const body =
    '<main id="main"><h1>The project does not build</h1>' +
    `<p class="sub" role="alert">${errors} error${errors === 1 ? '' : 's'}. Fix them and save: this page reloads by itself.</p>` +
    `<ul class="error-list">${items}</ul></main>`;
  return documentHtml('vkmp preview — build failed', body, options);
}

/** All pages of a project as an output tree: `index.html` plus one page per service. */
export function renderPreviewTree(model: ProjectModel, options: PreviewRenderOptions): { tree: OutputTree; pages: PreviewPage[] } {
  const pages = previewPages(model);
  const tree: OutputTree = new Map();
  tree.set('index.html', utf8(renderIndexPage(pages, options)));
  for (const p of pages) tree.set(p.path, utf8(renderServicePage(p.service, options)));
  return { tree, pages };
}
