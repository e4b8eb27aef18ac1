/**
 * ChangeSet renderers: the terminal (grouped service → plan → option, coloured by the
 * caller's palette), Markdown for merge-request comments (summary, price table,
 * risks, revision problems, collapsible details) and a JSON document.
 */
import type { Diagnostic } from '../diagnostics.js';
import type { Change, ChangeSet, RiskFlag } from './engine.js';
import type { Json } from './normalize.js';
import type { RevisionBump } from './revisions.js';

/** A colour palette (picocolors-compatible); identity functions mean no colour. */
export interface Palette {
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  gray(s: string): string;
  bold(s: string): string;
  magenta(s: string): string;
}

const id = (s: string) => s;
export const PLAIN_PALETTE: Palette = { red: id, green: id, yellow: id, cyan: id, gray: id, bold: id, magenta: id };

/** A value in one line: strings quoted, long ones cut with their length. */
export function formatChangeValue(value: Json | undefined, max = 60): string {
  if (value === undefined) return '∅';
  if (typeof value === 'string') {
    const oneLine = value.replace(/\s*\n\s*/g, ' ⏎ ');
    return oneLine.length > max ? `${JSON.stringify(oneLine.slice(0, max - 1))}… (${value.length} chars)` : JSON.stringify(value);
  }
  const text = JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const signed = (p: number): string => `${p > 0 ? '+' : p < 0 ? '−' : ''}${Math.abs(p)}%`;

/** One flag in words: `price up +20%`, `range narrowed (maximum 20 → 10)`. */
export function describeFlag(f: RiskFlag): string {
  switch (f.kind) {
    case 'price-up':
    case 'price-down':
      return `price ${f.kind === 'price-up' ? 'up' : 'down'} ${f.percent === null ? 'from 0' : signed(f.percent)}`;
    case 'plan-removed':
      return 'plan removed';
    case 'option-removed':
      return 'option removed from the plan';
    case 'service-removed':
      return 'service removed from the project';
    case 'section-removed':
      return `section of revision ${JSON.stringify(f.revision)} removed`;
    case 'range-narrowed':
      return `range narrowed (${f.bound} ${formatChangeValue(f.old ?? undefined)} → ${formatChangeValue(f.new ?? undefined)})`;
    case 'enum-narrowed':
      return `choices removed: ${f.removed.map((v) => formatChangeValue(v)).join(', ')}`;
    case 'default-changed':
      return 'default changed';
    case 'namespace-changed':
      return `namespaces changed${f.removed.length ? ` (−${f.removed.join(', −')})` : ''}${f.added.length ? ` (+${f.added.join(', +')})` : ''}`;
    case 'terraform-resource-removed':
      return `Terraform resource ${f.resource} removed`;
  }
}

const SEGMENT_LABELS: Record<string, string> = { entry: 'revision', plan: 'plan', option: 'option', 'option-file': 'option file', page: 'page', group: 'group', resource: 'resource' };

function segmentLabel(segment: string): string {
  const i = segment.indexOf(':');
  if (i < 0) return segment;
  const kind = segment.slice(0, i);
  const name = segment.slice(i + 1);
  return `${SEGMENT_LABELS[kind] ?? kind} ${name}`;
}

interface Node {
  label: string;
  self: Change[];
  fields: Change[];
  children: Map<string, Node>;
}

const newNode = (label: string): Node => ({ label, self: [], fields: [], children: new Map() });

/** Groups changes by their identity path: unit → entry → plan → option/page/group. */
function tree(changes: readonly Change[]): Map<string, Node> {
  const units = new Map<string, Node>();
  for (const c of changes) {
    let node: Node | undefined = units.get(c.serviceName);
    if (!node) {
      node = newNode(`${c.serviceName} (${c.appKind === 'saas' ? 'SaaS' : 'image-based'})`);
      units.set(c.serviceName, node);
    }
    const segs = c.path.slice(1, c.field ? -1 : undefined);
    for (const s of segs) {
      let child: Node | undefined = node.children.get(s);
      if (!child) {
        child = newNode(segmentLabel(s));
        node.children.set(s, child);
      }
      node = child;
    }
    (c.field ? node.fields : node.self).push(c);
  }
  return units;
}

const SYMBOL = { added: '+', removed: '-', changed: '~' } as const;

/** The terminal form: one line per change, grouped and indented. */
export function renderChangeSetText(cs: ChangeSet, options: { colors?: Palette; baseline?: string; diagnostics?: readonly Diagnostic[] } = {}): string {
  const c = options.colors ?? PLAIN_PALETTE;
  const lines: string[] = [];
  if (options.baseline) lines.push(c.gray(`compared with ${options.baseline}`));
  if (!cs.changes.length) {
    lines.push('No changes.');
    return `${lines.join('\n')}\n`;
  }
  const colour = (kind: Change['kind']) => (kind === 'added' ? c.green : kind === 'removed' ? c.red : c.yellow);
  const flags = (ch: Change) => (ch.flags.length ? `  ${ch.flags.map((f) => (f.kind === 'price-down' ? c.cyan : f.kind === 'price-up' ? c.magenta : c.red)(`[${describeFlag(f)}]`)).join(' ')}` : '');
  const fieldLine = (ch: Change) => {
    const body = ch.kind === 'changed' ? `${ch.field}: ${formatChangeValue(ch.old)} → ${formatChangeValue(ch.new)}` : ch.kind === 'added' ? `${ch.field}: ${formatChangeValue(ch.new)}` : `${ch.field} (was ${formatChangeValue(ch.old)})`;
    return `${colour(ch.kind)(SYMBOL[ch.kind])} ${body}${flags(ch)}`;
  };
  const render = (node: Node, depth: number, isUnit: boolean) => {
    const pad = '  '.repeat(depth);
    const head = node.self[0];
    if (head) lines.push(`${pad}${colour(head.kind)(`${SYMBOL[head.kind]} ${node.label}`)}${node.self.map(flags).join('')}`);
    else lines.push(`${pad}${isUnit ? c.bold(node.label) : node.label}`);
    for (const f of node.fields) lines.push(`${pad}  ${fieldLine(f)}`);
    for (const child of node.children.values()) render(child, depth + 1, false);
  };
  for (const unit of tree(cs.changes).values()) render(unit, 0, true);
  lines.push('');
  lines.push(summaryLine(cs));
  return `${lines.join('\n')}\n`;
}

/** `5 changes in 2 services: 2 added, 1 removed, 2 changed; 1 price increase, 1 plan removed`. */
export function summaryLine(cs: ChangeSet): string {
  const n = cs.changes.length;
  if (!n) return 'No changes.';
  const services = new Set(cs.changes.map((c) => c.serviceName)).size;
  const s = cs.summary;
  const parts = [`${n} change${n === 1 ? '' : 's'} in ${services} service${services === 1 ? '' : 's'}`];
  const kinds = (['added', 'removed', 'changed'] as const).filter((k) => s[k]).map((k) => `${s[k]} ${k}`);
  const risk: string[] = [];
  const f = s.flags;
  const add = (count: number | undefined, one: string, many: string) => {
    if (count) risk.push(`${count} ${count === 1 ? one : many}`);
  };
  add(f['price-up'], 'price increase', 'price increases');
  add(f['price-down'], 'price decrease', 'price decreases');
  add(f['plan-removed'], 'plan removed', 'plans removed');
  add(f['option-removed'], 'option removed', 'options removed');
  add(f['range-narrowed'], 'range narrowed', 'ranges narrowed');
  add(f['enum-narrowed'], 'choice list narrowed', 'choice lists narrowed');
  add(f['default-changed'], 'default changed', 'defaults changed');
  add(f['namespace-changed'], 'namespace change', 'namespace changes');
  add(f['terraform-resource-removed'], 'Terraform resource removed', 'Terraform resources removed');
  add(f['section-removed'], 'catalog section removed', 'catalog sections removed');
  add(f['service-removed'], 'service removed', 'services removed');
  return `${parts[0]}: ${kinds.join(', ')}${risk.length ? `; ${risk.join(', ')}` : ''}`;
}

// ---------------------------------------------------------------------------------------
// Markdown

const md = (s: string): string => s.replace(/([\\`*_[\]<>|])/g, '\\$1');
const code = (s: string): string => `\`${s.replace(/`/g, 'ˋ')}\``;
const num = (x: number): string => (Number.isInteger(x) ? String(x) : String(Math.round(x * 100) / 100));

function priceRows(cs: ChangeSet): string[] {
  const rows: string[] = [];
  for (const ch of cs.changes) {
    for (const f of ch.flags) {
      if (f.kind !== 'price-up' && f.kind !== 'price-down') continue;
      const item = ch.option ? `option ${code(ch.option)}` : 'plan price';
      const pct = f.percent === null ? 'new charge' : signed(f.percent);
      rows.push(`| ${md(ch.serviceName)} | ${md(ch.planName ?? '')} | ${item} | ${num(f.old)} | ${num(f.new)} | ${f.kind === 'price-up' ? '🔺' : '🔻'} ${pct} |`);
    }
  }
  return rows;
}

function markdownChange(ch: Change): string {
  const where = ch.path.slice(1, ch.field ? -1 : undefined).map(segmentLabel).join(' › ');
  const what = ch.field ? code(ch.field) : '';
  const body =
    ch.kind === 'changed'
      ? `${what}: ${code(formatChangeValue(ch.old))} → ${code(formatChangeValue(ch.new))}`
      : ch.kind === 'added'
        ? `added ${what}${ch.field ? `: ${code(formatChangeValue(ch.new))}` : ''}`
        : `removed ${what}${ch.field ? ` (was ${code(formatChangeValue(ch.old))})` : ''}`;
  const flags = ch.flags.length ? ` — **${ch.flags.map(describeFlag).join('; ')}**` : '';
  return `- ${where ? `${md(where)}: ` : ''}${body.trim()}${flags}`;
}

/** The merge-request comment. */
export function renderChangeSetMarkdown(cs: ChangeSet, options: { baseline?: string; diagnostics?: readonly Diagnostic[]; bumps?: readonly RevisionBump[]; relativeTo?: (file: string) => string } = {}): string {
  const out: string[] = [];
  const errors = (options.diagnostics ?? []).filter((d) => d.severity === 'error');
  out.push(`### vkmp diff: ${summaryLine(cs)}`);
  if (options.baseline) out.push('', `Compared with ${md(options.baseline)}.`);
  if (errors.length) out.push('', `❌ **${errors.length} revision problem${errors.length === 1 ? '' : 's'}**: this change would be silently ignored or would delete a deployed revision.`);
  const prices = priceRows(cs);
  if (prices.length) {
    out.push('', '#### Prices', '', '| Service | Plan | Item | Old | New | Change |', '|---|---|---|---:|---:|---:|', ...prices);
  }
  const risky = cs.changes.filter((ch) => ch.flags.some((f) => f.kind !== 'price-up' && f.kind !== 'price-down'));
  if (risky.length) {
    out.push('', '#### Risks', '');
    for (const ch of risky) {
      const where = [ch.serviceName, ...ch.path.slice(1, ch.field ? -1 : undefined).map(segmentLabel)].join(' › ');
      out.push(`- ⚠️ ${md(where)}${ch.field ? ` ${code(ch.field)}` : ''}: ${ch.flags.filter((f) => f.kind !== 'price-up' && f.kind !== 'price-down').map(describeFlag).map(md).join('; ')}`);
    }
  }
  const diags = options.diagnostics ?? [];
  if (diags.length) {
    out.push('', '#### Revisions', '');
    for (const d of diags) {
      const at = d.span ? ` ${code(`${options.relativeTo ? options.relativeTo(d.span.file) : d.span.file}:${d.span.line}`)}` : '';
      out.push(`- ${d.severity === 'error' ? '❌' : '⚠️'} **${d.code}**${at} ${md(d.message)}${d.hint ? `<br>Fix: ${md(d.hint)}` : ''}`);
    }
    const bumps = options.bumps ?? [];
    if (bumps.length) {
      const list = bumps.map((b) => `${md(b.target === 'plan' ? `plan ${b.planName}` : `service ${b.serviceName}`)} ${code(b.current)} → ${code(b.suggested)}`);
      out.push('', `\`vkmp diff --bump\` sets: ${list.join(', ')}.`);
    }
  }
  if (cs.changes.length) {
    out.push('', `<details><summary>All changes (${cs.changes.length})</summary>`, '');
    const byUnit = new Map<string, Change[]>();
    for (const ch of cs.changes) byUnit.set(ch.serviceName, [...(byUnit.get(ch.serviceName) ?? []), ch]);
    for (const [unit, list] of byUnit) {
      out.push(`**${md(unit)}**`, '');
      for (const ch of list) out.push(markdownChange(ch));
      out.push('');
    }
    out.push('</details>');
  }
  return `${out.join('\n')}\n`;
}

/** The `--json` payload of a ChangeSet (the CLI adds format_version and diagnostics). */
export function changeSetJson(cs: ChangeSet): Record<string, unknown> {
  return {
    summary: cs.summary,
    changes: cs.changes.map((c) => {
      const o: Record<string, unknown> = { kind: c.kind, path: c.path, service_name: c.serviceName, app_kind: c.appKind };
      if (c.serviceId !== undefined) o.service_id = c.serviceId;
      if (c.revision !== undefined) o.revision = c.revision;
      if (c.planId !== undefined) o.plan_id = c.planId;
      if (c.planName !== undefined) o.plan = c.planName;
      if (c.option !== undefined) o.option = c.option;
      if (c.field !== undefined) o.field = c.field;
      if (c.old !== undefined) o.old = c.old;
      if (c.new !== undefined) o.new = c.new;
      o.flags = c.flags;
      return o;
    }),
  };
}
