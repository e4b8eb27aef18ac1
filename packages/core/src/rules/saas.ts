/** SaaS catalog rules (SPEC §B.10). */
import type { DisplayGroup, Namespaces, PlanModel, ServiceModel, WhenModel } from '../model/types.js';
import { codePoints, classifyUuid, describeType, isPlainObject } from '../util/strings.js';
import { parsePeriod } from '../util/period.js';
import { rule, text, type CatalogRule, type ListedRule, type PlanRule, type Rule, type RuleContext, type ServiceRule } from './engine.js';
import { checkOption } from './option-checks.js';
import { inspectIcon } from '../assets/icon.js';

const S = '§B.10';
const svc = (r: Omit<ServiceRule, 'docs' | 'scope' | 'kinds'> & { source: string; kinds?: ServiceRule['kinds'] }): ServiceRule =>
  rule<ServiceRule>({ scope: 'service', kinds: ['saas'], section: S, ...r });
const plan = (r: Omit<PlanRule, 'docs' | 'scope' | 'kinds'> & { source: string }): PlanRule => rule<PlanRule>({ scope: 'plan', kinds: ['saas'], section: S, ...r });
const listed = (r: Omit<ListedRule, 'docs' | 'kinds'> & { source: string }): ListedRule => rule<ListedRule>({ kinds: ['saas'], section: S, ...r });

const REQUIRED_SERVICE_FIELDS = [
  'id', 'revision', 'name', 'short_description', 'full_description', 'icon', 'help', 'bindable', 'plan_updateable',
  'deactivatable', 'bindings_retrievable', 'instances_retrievable', 'preview', 'plans',
] as const;
const BOOL_FIELDS = ['bindable', 'plan_updateable', 'deactivatable', 'bindings_retrievable', 'instances_retrievable'] as const;

/** A string-length check shared by many fields. */
function checkString(ctx: RuleContext, node: object, field: string, value: unknown, max: number, what: string): void {
  if (typeof value !== 'string') {
    if (value !== undefined) ctx.report({ node, field, message: `${what} must be a string, got ${describeType(value)}.` });
    return;
  }
  const n = codePoints(value);
  if (n > max) ctx.report({ node, field, message: `${what} is ${n} characters; the limit is ${max}.`, hint: 'Lengths are counted in characters (Unicode code points).' });
}

const URLISH = /^https?:\/\/\S+$/;

/** Options defined in a plan's schemas; a key priced only in billing.options (SAAS-046) is not one. */
export const schemaOptions = (p: PlanModel): PlanModel['options'] => (Array.isArray(p.options) ? p.options : []).filter((o) => !o.billingOnly);

/** Option names defined in a plan's schemas (create, update, resource_usages). */
export const planOptionNames = (p: PlanModel): Set<string> => new Set(schemaOptions(p).map((o) => o.name));

function checkNamespaces(ctx: RuleContext, node: object, value: Namespaces | undefined, where: string): void {
  if (value === undefined) return;
  if (!isPlainObject(value)) {
    ctx.report({ node, field: 'metadata', message: `${where} metadata must be an object {test_ns, prod_ns}, got ${describeType(value)}.` });
    return;
  }
  for (const key of Object.keys(value)) {
    if (key !== 'test_ns' && key !== 'prod_ns') ctx.report({ node, field: 'metadata', message: `${where} metadata has an unknown key "${key}"; only test_ns and prod_ns are allowed.` });
  }
  for (const key of ['test_ns', 'prod_ns'] as const) {
    const list = (value as unknown as Record<string, unknown>)[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.some((x) => typeof x !== 'string' || x.length === 0)) {
      ctx.report({ node, field: 'metadata', message: `${where} metadata.${key} must be an array of non-empty strings (H-22).` });
    }
  }
}

function allGroups(p: PlanModel): { group: DisplayGroup; page: string }[] {
  const pages = Array.isArray(p.display?.pages) ? p.display.pages : [];
  return pages.flatMap((pg) => (Array.isArray(pg?.groups) ? pg.groups : []).map((group) => ({ group, page: pg.name })));
}

function whenParams(w: WhenModel | undefined): string[] {
  if (!w) return [];
  return [w.key, ...(Array.isArray(w.values) ? w.values : [])].map((o) => o?.param).filter((x): x is string => typeof x === 'string');
}

const isNonNegNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

export const saasRules: Rule[] = [
  rule<CatalogRule>({
    id: 'SAAS-001', severity: 'error', scope: 'catalog', kinds: ['saas'], section: S, source: 'MA/saas_add/saas_broker_add_configuration/',
    title: 'The catalog file is named catalog_<SERVICE_NAME>.json and lives in resources/.',
    check(c, ctx) {
      if (!c.sourceFile) return;
      const parts = c.sourceFile.split(/[\\/]/);
      const base = parts[parts.length - 1] ?? '';
      if (!/^catalog_.+\.json$/.test(base)) ctx.report({ span: { file: c.sourceFile, line: 1, column: 1 }, message: `The catalog file is named ${base}; it must be catalog_<SERVICE_NAME>.json.`, hint: 'Rename it; the suffix is SERVICE_NAME (the plan_mapping.json key and BROKER_MODE).' });
      else if (parts[parts.length - 2] !== 'resources') ctx.report({ span: { file: c.sourceFile, line: 1, column: 1 }, severity: 'warning', message: 'The catalog is not in a directory named resources/; the broker reads resources/catalog_<SERVICE_NAME>.json.' });
    },
  }),
  listed({ id: 'SAAS-002', severity: 'error', scope: 'reader', source: 'SC/saas_json/#saas_example', title: 'The catalog is strict JSON: no comments, trailing commas or missing commas.' }),
  rule<CatalogRule>({
    id: 'SAAS-003', severity: 'error', scope: 'catalog', kinds: ['saas'], section: S, source: 'SC/saas_json/#saas_json',
    title: 'The root is an object with `services`, an array with ≥ 1 service.',
    check(c, ctx) {
      if (!Array.isArray(c.services) || c.services.length === 0) ctx.report({ node: c, message: 'The catalog has no services: the root must be {"services": [ … ]} with at least one service.' });
    },
  }),
  svc({
    id: 'SAAS-004', severity: 'error', source: 'SR/saas-param/', title: 'Every service has all required fields.',
    check(s, ctx) {
      for (const f of REQUIRED_SERVICE_FIELDS) {
        const v = f === 'full_description' ? s.full_description?.text : (s as unknown as Record<string, unknown>)[f];
        if (v === undefined || v === null) ctx.report({ node: s, message: `The service is missing the required field ${f}.`, hint: 'SPEC §B.3 lists the required service fields.' });
      }
    },
  }),
  svc({
    id: 'SAAS-005', severity: 'error', source: 'SR/saas-param/', title: 'Service id is a UUID4.',
    check(s, ctx) {
      if (s.id === undefined) return;
      const k = classifyUuid(s.id);
      if (k === 'invalid') ctx.report({ node: s, field: 'id', message: `Service id ${JSON.stringify(s.id)} is not a UUID.`, hint: 'Generate one with `node -e "console.log(crypto.randomUUID())"`; placeholders like 04527a41-XXXX-… are invalid.' });
      else if (k === 'other-version') ctx.report({ node: s, field: 'id', severity: 'warning', message: `Service id ${s.id} is a UUID but not version 4.` });
    },
  }),
  svc({ id: 'SAAS-006', severity: 'error', source: 'SR/saas-param/', title: 'Service revision is a string of ≤ 255 characters.', check: (s, ctx) => checkString(ctx, s, 'revision', s.revision, 255, 'Service revision') }),
  svc({ id: 'SAAS-007', severity: 'error', source: 'SR/saas-param/', title: 'Service name is a string of ≤ 255 characters.', check: (s, ctx) => checkString(ctx, s, 'name', s.name, 255, 'Service name') }),
  svc({ id: 'SAAS-008', severity: 'error', source: 'SR/saas-param/', title: 'short_description is a string of ≤ 120 characters.', check: (s, ctx) => checkString(ctx, s, 'short_description', s.short_description, 120, 'short_description') }),
  svc({
    id: 'SAAS-009', severity: 'error', source: 'SR/saas-param/', title: 'full_description is a non-empty Markdown string.',
    check(s, ctx) {
      const t = s.full_description?.text as unknown;
      if (t !== undefined && (typeof t !== 'string' || t.trim().length === 0)) ctx.report({ node: s, field: 'full_description', message: 'full_description must be a non-empty Markdown string.' });
    },
  }),
  svc({
    id: 'SAAS-010', severity: 'warning', source: 'REF/ib-apps-full-description/', title: 'full_description has the documented sections.',
    check(s, ctx) {
      const t = s.full_description?.text;
      if (typeof t !== 'string' || !t.trim()) return;
      const missing = ['Правила тарификации', 'Полезные ссылки', 'Техническая поддержка', 'Лицензионное соглашение'].filter((h) => !new RegExp(`^#+\\s*${h}`, 'mi').test(t));
      if (missing.length) ctx.report({ node: s, field: 'full_description', message: `full_description lacks the section(s): ${missing.map((m) => `«${m}»`).join(', ')}.`, hint: 'SPEC §C.5 lists the sections Marketplace expects on the «Описание сервиса» tab.' });
    },
  }),
  svc({
    id: 'SAAS-011', severity: 'error', source: 'SR/saas-param/', title: 'icon is a URL of ≤ 512 characters issued by Marketplace.',
    check(s, ctx) {
      checkString(ctx, s, 'icon', s.icon, 512, 'icon');
      if (typeof s.icon === 'string' && !URLISH.test(s.icon)) ctx.report({ node: s, field: 'icon', message: `icon ${JSON.stringify(s.icon)} is not a URL: SaaS icons are URLs that Marketplace returns for the SVG you email.`, hint: 'Email the SVG to Marketplace and put the URL it returns here; keep the SVG itself in iconSource.' });
    },
  }),
  svc({
    id: 'SAAS-012', severity: 'error', source: 'INS/manage-saas-apps/saas-add/#preparatory_steps', title: 'The icon source you email is an SVG, ≥ 62×62 px and ≤ 1 MB.',
    check(s, ctx) {
      const asset = s.iconAsset;
      if (!asset) return;
      const node = { span: asset.path ? { file: asset.path, line: 1, column: 1 } : s.span };
      const result = inspectIcon(asset.bytes, asset.fileName);
      if (result.format !== 'svg') ctx.report({ node, message: `The SaaS icon ${asset.fileName} is ${result.format === 'png' ? 'a PNG' : 'not an SVG'}; Marketplace accepts an SVG for SaaS icons.`, hint: 'Export the icon as SVG and email it to Marketplace.' });
      for (const issue of result.issues) {
        if (result.format === 'png' && /extension|svg/i.test(issue.message)) continue;
        ctx.report({ node, message: issue.message, severity: issue.severity });
      }
    },
  }),
  svc({ id: 'SAAS-013', severity: 'error', source: 'SR/saas-param/', title: 'help is a URL of ≤ 512 characters.', check(s, ctx) {
    checkString(ctx, s, 'help', s.help, 512, 'help');
    if (typeof s.help === 'string' && !URLISH.test(s.help)) ctx.report({ node: s, field: 'help', message: `help ${JSON.stringify(s.help)} is not an http(s) URL.` });
  } }),
  svc({
    id: 'SAAS-014', severity: 'error', source: 'SR/saas-param/', title: 'Service flags are JSON booleans.',
    check(s, ctx) {
      const rec = s as unknown as Record<string, unknown>;
      for (const f of [...BOOL_FIELDS, 'singleton', 'auto_bind']) {
        const v = rec[f];
        if (v !== undefined && typeof v !== 'boolean') ctx.report({ node: s, field: f, message: `${f} must be a boolean, got ${JSON.stringify(v)}.` });
      }
    },
  }),
  svc({ id: 'SAAS-015', severity: 'warning', source: 'SR/saas-param/', title: 'auto_bind: true with bindable: false is contradictory.', check(s, ctx) {
    if (s.auto_bind === true && s.bindable === false) ctx.report({ node: s, field: 'auto_bind', message: 'auto_bind is true but bindable is false: no binding can be created automatically.' });
  } }),
  svc({
    id: 'SAAS-016', severity: 'error', source: 'SR/saas-param/', title: 'metadata has only test_ns and prod_ns, arrays of non-empty strings.',
    check(s, ctx) {
      checkNamespaces(ctx, s, s.metadata, 'Service');
      for (const p of Array.isArray(s.plans) ? s.plans : []) checkNamespaces(ctx, p, p.metadata, `Plan "${text(p.name)}"`);
    },
  }),
  plan({ id: 'SAAS-017', severity: 'error', source: 'SR/saas-param/', title: 'Every plan resolves metadata from itself or the service.', check(p, s, ctx) {
    if (p.metadata === undefined && s.metadata === undefined) ctx.report({ node: p, message: `Plan "${text(p.name)}" has no namespaces: neither the plan nor the service sets metadata, so Marketplace shows it nowhere.`, hint: 'Set metadata: { testNs: [...], prodNs: [...] } on the service (or the plan) with the names Marketplace issued.' });
  } }),
  svc({
    id: 'SAAS-018', severity: 'warning', source: 'SC/saas_param/#saas_param', title: 'Namespace names are the ones Marketplace issued.',
    check(s, ctx) {
      const lists: [object, Namespaces | undefined][] = [[s, s.metadata], ...(Array.isArray(s.plans) ? s.plans : []).map((p) => [p, p.metadata] as [object, Namespaces | undefined])];
      for (const [node, ns] of lists) {
        if (!isPlainObject(ns)) continue;
        for (const key of ['test_ns', 'prod_ns'] as const) {
          const list = ns[key];
          if (Array.isArray(list) && list.length === 0) ctx.report({ node, field: 'metadata', message: `metadata.${key} is empty: the plan is invisible in that kind of namespace.` });
          for (const n of Array.isArray(list) ? list : []) if (typeof n === 'string' && /[<>\s]|XXXX|^test_ns$|^prod_ns$/i.test(n)) ctx.report({ node, field: 'metadata', message: `Namespace ${JSON.stringify(n)} looks like a placeholder; use the name Marketplace issued by email.` });
        }
      }
    },
  }),
  svc({ id: 'SAAS-019', severity: 'error', source: 'SC/saas_preview/#saas_preview', title: 'preview is {parameters: [{name}]}.', check(s, ctx) {
    if (s.preview === undefined) return;
    if (!Array.isArray(s.preview) || s.preview.some((p) => !isPlainObject(p) || typeof p.name !== 'string')) ctx.report({ node: s, field: 'preview', message: 'preview must be {"parameters": [{"name": "<option>"}, …]} (the array may be empty).' });
  } }),
  svc({ id: 'SAAS-020', severity: 'error', source: 'SC/saas_preview/#saas_preview', title: 'Every preview name is an option of some plan.', check(s, ctx) {
    if (!Array.isArray(s.preview)) return;
    const defined = new Set((Array.isArray(s.plans) ? s.plans : []).flatMap((p) => [...planOptionNames(p)]));
    for (const p of s.preview) if (isPlainObject(p) && typeof p.name === 'string' && !defined.has(p.name)) ctx.report({ node: p, message: `preview names "${text(p.name)}", which no plan of this service defines.`, hint: 'Use an option that at least one plan has, or remove it from preview.' });
  } }),
  svc({ id: 'SAAS-021', severity: 'warning', source: 'SC/saas_preview/#saas_preview', title: 'preview names are unique.', check(s, ctx) {
    if (!Array.isArray(s.preview)) return;
    const seen = new Set<string>();
    for (const p of s.preview) {
      if (!isPlainObject(p) || typeof p.name !== 'string') continue;
      if (seen.has(p.name)) ctx.report({ node: p, message: `preview lists "${text(p.name)}" twice.` });
      seen.add(p.name);
    }
  } }),
  svc({ id: 'SAAS-022', severity: 'error', source: 'INC/_saas_add_update.md#tag:service_config', title: 'plans is a non-empty array.', check(s, ctx) {
    if (!Array.isArray(s.plans) || s.plans.length === 0) ctx.report({ node: s, field: 'plans', message: 'The service has no plans; plans must be a non-empty array.' });
  } }),
  plan({
    id: 'SAAS-023', severity: 'error', source: 'SR/saas-plan/', title: 'Every plan has id, revision, name, description, free, display, billing and schemas.',
    check(p, _s, ctx) {
      const label = `Plan "${typeof p.name === 'string' ? p.name : '?'}"`;
      for (const f of ['id', 'revision', 'name', 'description', 'free', 'billing', 'display'] as const) {
        if (p[f] === undefined || p[f] === null) ctx.report({ node: p, message: `${label} is missing the required field ${f}.` });
      }
      if (p.id !== undefined) {
        const k = classifyUuid(p.id);
        if (k === 'invalid') ctx.report({ node: p, field: 'id', message: `${label}: id ${JSON.stringify(p.id)} is not a UUID.`, hint: 'Generate one with crypto.randomUUID().' });
        else if (k === 'other-version') ctx.report({ node: p, field: 'id', severity: 'warning', message: `${label}: id ${text(p.id)} is not a version-4 UUID.` });
      }
      checkString(ctx, p, 'revision', p.revision, 255, `${label}: revision`);
      checkString(ctx, p, 'name', p.name, 255, `${label}: name`);
      checkString(ctx, p, 'description', p.description, 255, `${label}: description`);
      if (p.free !== undefined && typeof p.free !== 'boolean') ctx.report({ node: p, field: 'free', message: `${label}: free must be a boolean, got ${JSON.stringify(p.free)}.` });
    },
  }),
  plan({ id: 'SAAS-024', severity: 'error', source: 'SR/saas-plan/', title: 'Plan name is Latin letters and _ only.', check(p, _s, ctx) {
    if (typeof p.name !== 'string') return;
    if (!/^[A-Za-z0-9_]+$/.test(p.name)) ctx.report({ node: p, field: 'name', message: `Plan name ${JSON.stringify(p.name)} must consist of Latin letters and _ (no spaces).`, hint: 'The name is technical and hidden; the UI shows description.' });
    else if (/\d/.test(p.name)) ctx.report({ node: p, field: 'name', severity: 'warning', message: `Plan name ${JSON.stringify(p.name)} contains digits; the docs allow only Latin letters and _ (H-24).` });
  } }),
  svc({ id: 'SAAS-025', severity: 'warning', source: 'SR/saas-plan/', title: 'Plan names are unique within a service entry.', check(s, ctx) {
    const seen = new Set<unknown>();
    for (const p of Array.isArray(s.plans) ? s.plans : []) {
      if (seen.has(p.name)) ctx.report({ node: p, field: 'name', message: `Plan name ${JSON.stringify(p.name)} is used by another plan of this service.` });
      seen.add(p.name);
    }
  } }),
  plan({ id: 'SAAS-026', severity: 'error', source: 'SR/saas-plan/', title: 'Plan plan_updateable, if present, is a boolean.', check(p, _s, ctx) {
    if (p.plan_updateable !== undefined && typeof p.plan_updateable !== 'boolean') ctx.report({ node: p, field: 'plan_updateable', message: `Plan "${text(p.name)}": plan_updateable must be a boolean.` });
  } }),
  plan({ id: 'SAAS-027', severity: 'error', source: 'SR/display-section/', title: 'display is an object with pages, an array.', check(p, _s, ctx) {
    if (p.display === undefined) return;
    if (!isPlainObject(p.display) || !Array.isArray(p.display.pages)) ctx.report({ node: p.display && isPlainObject(p.display) ? p.display : p, message: `Plan "${text(p.name)}": display must be {"pages": [ … ]}.` });
  } }),
  plan({ id: 'SAAS-028', severity: 'error', source: 'SR/display-section/', title: 'display.pages has at most 5 entries.', check(p, _s, ctx) {
    const pages = p.display?.pages;
    if (!Array.isArray(pages)) return;
    if (pages.length > 5) ctx.report({ node: p.display, message: `Plan "${text(p.name)}" has ${pages.length} wizard pages; at most 5 are allowed (plus the automatic first and last pages).` });
    else if (pages.length > 3) ctx.report({ node: p.display, severity: 'warning', message: `Plan "${text(p.name)}" has ${pages.length} wizard pages; with the two automatic pages that makes ${pages.length + 2} (H-09).` });
  } }),
  plan({ id: 'SAAS-029', severity: 'error', source: 'SR/display-section/', title: 'Every page has name (≤ 32) and groups (an array).', check(p, _s, ctx) {
    for (const pg of Array.isArray(p.display?.pages) ? p.display.pages : []) {
      if (!isPlainObject(pg)) { ctx.report({ node: p.display, message: `Plan "${text(p.name)}": a wizard page must be an object.` }); continue; }
      if (typeof pg.name !== 'string') ctx.report({ node: pg, message: `Plan "${text(p.name)}": a wizard page has no name.` });
      else if (codePoints(pg.name) > 32) ctx.report({ node: pg, field: 'name', message: `Page name ${JSON.stringify(pg.name)} is ${codePoints(pg.name)} characters; the limit is 32.` });
      if (!Array.isArray(pg.groups)) ctx.report({ node: pg, message: `Page ${JSON.stringify(pg.name)} must have groups, an array.` });
    }
  } }),
  plan({ id: 'SAAS-030', severity: 'error', source: 'SR/display-section/', title: 'Every group has name (≤ 255, may be empty) and parameters [{name, index?}].', check(p, _s, ctx) {
    for (const { group } of allGroups(p)) {
      if (!isPlainObject(group)) { ctx.report({ node: p.display, message: `Plan "${text(p.name)}": a group must be an object.` }); continue; }
      if (typeof group.name !== 'string') ctx.report({ node: group, message: `Plan "${text(p.name)}": a group has no name (use "" for an untitled group).` });
      else if (codePoints(group.name) > 255) ctx.report({ node: group, field: 'name', message: `Group name is ${codePoints(group.name)} characters; the limit is 255.` });
      if (!Array.isArray(group.parameters) || group.parameters.some((x) => !isPlainObject(x) || typeof x.name !== 'string')) ctx.report({ node: group, message: `Group ${JSON.stringify(group.name)}: parameters must be an array of {"name": "<option>"}.` });
    }
  } }),
  plan({ id: 'SAAS-031', severity: 'error', source: 'SR/display-section/', title: 'Every display parameter is an option of the plan.', check(p, _s, ctx) {
    const names = planOptionNames(p);
    for (const { group } of allGroups(p)) for (const param of Array.isArray(group?.parameters) ? group.parameters : []) {
      if (isPlainObject(param) && typeof param.name === 'string' && !names.has(param.name)) ctx.report({ node: param, field: 'name', message: `Plan "${text(p.name)}": the wizard shows "${param.name}", which the plan's schemas do not define.`, hint: 'Define the option in the plan, or remove it from the group.' });
    }
  } }),
  plan({ id: 'SAAS-032', severity: 'error', source: 'SR/display-section/', title: 'An option appears in at most one group.', check(p, _s, ctx) {
    const seen = new Map<string, string>();
    for (const { group } of allGroups(p)) for (const param of Array.isArray(group?.parameters) ? group.parameters : []) {
      if (!isPlainObject(param) || typeof param.name !== 'string') continue;
      if (seen.has(param.name)) ctx.report({ node: param, field: 'name', message: `Plan "${text(p.name)}": option "${param.name}" appears in more than one group (first in ${JSON.stringify(seen.get(param.name))}).` });
      else seen.set(param.name, group.name);
    }
  } }),
  plan({ id: 'SAAS-033', severity: 'error', source: 'SR/display-section/', title: 'index values are JSON integers.', check(p, _s, ctx) {
    const bad = (x: { index?: unknown; span?: import('../diagnostics.js').Span }, what: string) => {
      if (x.index !== undefined && !(typeof x.index === 'number' && Number.isInteger(x.index))) ctx.report({ node: x, field: 'index', message: `Plan "${text(p.name)}": ${what} index ${JSON.stringify(x.index)} is not an integer.` });
    };
    for (const pg of Array.isArray(p.display?.pages) ? p.display.pages : []) {
      if (!isPlainObject(pg)) continue;
      bad(pg, 'page');
      for (const g of Array.isArray(pg.groups) ? pg.groups : []) {
        if (!isPlainObject(g)) continue;
        bad(g, 'group');
        for (const x of Array.isArray(g.parameters) ? g.parameters : []) if (isPlainObject(x)) bad(x, 'parameter');
      }
    }
  } }),
  plan({ id: 'SAAS-034', severity: 'warning', source: 'SC/saas_plan/#saas_plan_display', title: 'index values are unique among siblings.', check(p, _s, ctx) {
    const dup = (list: unknown[], what: string, node: object) => {
      const idx = list.filter(isPlainObject).map((x) => x.index).filter((i) => i !== undefined);
      if (new Set(idx).size !== idx.length) ctx.report({ node, message: `Plan "${text(p.name)}": ${what} have duplicate index values ${JSON.stringify(idx)}.` });
    };
    const pages = Array.isArray(p.display?.pages) ? p.display.pages : [];
    dup(pages, 'pages', p.display);
    for (const pg of pages) {
      if (!isPlainObject(pg) || !Array.isArray(pg.groups)) continue;
      dup(pg.groups, `groups of page ${JSON.stringify(pg.name)}`, pg);
      for (const g of pg.groups) if (isPlainObject(g) && Array.isArray(g.parameters)) dup(g.parameters, `parameters of group ${JSON.stringify(g.name)}`, g);
    }
  } }),
  plan({ id: 'SAAS-035', severity: 'warning', source: 'CFG/ib_display/#IBdisplay_pages', title: 'Every create/update option appears in some display group.', check(p, _s, ctx) {
    const shown = new Set(allGroups(p).flatMap(({ group }) => (Array.isArray(group?.parameters) ? group.parameters : []).map((x) => x?.name)));
    for (const o of schemaOptions(p)) {
      if (o.option.actions?.includes('resource_usages')) continue;
      if (!shown.has(o.name)) ctx.report({ node: o.span ? o : p, message: `Plan "${text(p.name)}": option "${o.name}" is in the schemas but in no wizard group, so users never see it.`, hint: 'Add it to a group, or keep it hidden on purpose (constants).' });
    }
  } }),
  plan({ id: 'SAAS-036', severity: 'error', source: 'SR/display-section/', title: '`when` grammar: one of in/not_in; key and values operands with one of param/const.', check(p, _s, ctx) {
    for (const { group } of allGroups(p)) {
      const w = group?.when;
      if (!w) continue;
      const raw = w.raw;
      if (raw !== undefined) {
        const ok = isPlainObject(raw) && Object.keys(raw).length === 1 && ('in' in raw || 'not_in' in raw);
        if (!ok) { ctx.report({ node: w, message: `Group ${JSON.stringify(group.name)}: when must have exactly one of in and not_in.` }); continue; }
      }
      const operandOk = (o: unknown) => isPlainObject(o) && (('param' in o) !== ('const' in o)) && Object.keys(o).length === 1;
      if (!operandOk(w.key)) ctx.report({ node: w, message: `Group ${JSON.stringify(group.name)}: when.key must have exactly one of param and const.` });
      if (!Array.isArray(w.values) || w.values.length === 0) ctx.report({ node: w, message: `Group ${JSON.stringify(group.name)}: when.values must be a non-empty array.` });
      else if (!w.values.every(operandOk)) ctx.report({ node: w, message: `Group ${JSON.stringify(group.name)}: every when value must have exactly one of param and const.` });
    }
  } }),
  plan({ id: 'SAAS-037', severity: 'error', source: 'SR/display-section/', title: 'Every `when` param names an option of the plan.', check(p, _s, ctx) {
    const names = planOptionNames(p);
    for (const { group } of allGroups(p)) for (const n of whenParams(group?.when)) if (!names.has(n)) ctx.report({ node: group.when, message: `Group ${JSON.stringify(group.name)}: when refers to "${n}", which is not an option of plan "${text(p.name)}".` });
  } }),
  plan({ id: 'SAAS-038', severity: 'error', source: 'SR/display-section/', title: 'The `when` key option is listed in a different group.', check(p, _s, ctx) {
    const groups = allGroups(p).map((g) => g.group);
    for (const g of groups) {
      const key = g?.when?.key?.param;
      if (typeof key !== 'string') continue;
      const shows = (o: DisplayGroup) => Array.isArray(o?.parameters) && o.parameters.some((x) => x?.name === key);
      const inOwn = shows(g);
      const inOther = groups.some((o) => o !== g && shows(o));
      if (inOwn || !inOther) ctx.report({ node: g.when, message: `Group ${JSON.stringify(g.name)}: its when key "${key}" must be shown in a different group of the plan.`, hint: 'The condition depends on a value the user sets elsewhere in the wizard.' });
    }
  } }),
  plan({ id: 'SAAS-039', severity: 'error', source: 'SR/display-section/', title: 'Only one level of `when` dependency.', check(p, _s, ctx) {
    const groups = allGroups(p).map((g) => g.group);
    const shownIn = (g: DisplayGroup) => (Array.isArray(g?.parameters) ? g.parameters : []).map((x) => x?.name);
    // A group's own options in its when are SAAS-038's finding; this rule is about other conditional groups.
    const inOtherConditional = (g: DisplayGroup, n: string) => groups.some((o) => o !== g && o?.when && shownIn(o).includes(n));
    for (const g of groups) for (const n of whenParams(g?.when)) if (inOtherConditional(g, n)) ctx.report({ node: g.when, message: `Group ${JSON.stringify(g.name)}: when depends on "${n}", which is itself in a conditional group; only one level of dependency is allowed.` });
  } }),
  plan({ id: 'SAAS-040', severity: 'warning', source: 'SR/display-section/', title: '`when` const operands have the type of the key option.', check(p, _s, ctx) {
    const byName = new Map((p.options ?? []).map((o) => [o.name, o.option]));
    for (const { group } of allGroups(p)) {
      const w = group?.when;
      const key = w?.key?.param;
      const opt = typeof key === 'string' ? byName.get(key) : undefined;
      if (!w || !opt) continue;
      const t = opt.schema?.type;
      for (const v of Array.isArray(w.values) ? w.values : []) {
        if (!isPlainObject(v) || !('const' in v)) continue;
        const c = v.const;
        const ok = t === 'integer' ? Number.isInteger(c) : t === 'number' ? typeof c === 'number' : typeof c === t;
        if (!ok) ctx.report({ node: w, message: `Group ${JSON.stringify(group.name)}: when compares ${key} (${text(t)}) with ${JSON.stringify(c)}.` });
      }
    }
  } }),
  plan({ id: 'SAAS-041', severity: 'warning', source: 'SR/display-section/', title: 'The broker honours every `when` condition when creating instances.', check(p, _s, ctx) {
    const conditional = allGroups(p).filter(({ group }) => group?.when);
    if (conditional.length) ctx.report({ node: conditional[0]!.group.when, message: `Plan "${text(p.name)}" has ${conditional.length} conditional group(s): the broker must ignore the options of hidden groups when it creates an instance.` });
  } }),
  plan({ id: 'SAAS-042', severity: 'error', source: 'SR/billing-section/', title: 'billing.cost is a number ≥ 0.', check(p, _s, ctx) {
    if (!isPlainObject(p.billing)) return;
    if (!isNonNegNumber(p.billing.cost)) ctx.report({ node: p.billing, field: 'cost', message: `Plan "${text(p.name)}": billing.cost must be a number ≥ 0; got ${JSON.stringify(p.billing.cost)}.` });
  } }),
  plan({ id: 'SAAS-043', severity: 'error', source: 'SR/billing-section/', title: 'Billing periods match the period grammar.', check(p, _s, ctx) {
    if (!isPlainObject(p.billing)) return;
    for (const f of ['billing_cycle_flat', 'billing_cycle_step'] as const) {
      const v = p.billing[f];
      if (v !== undefined && !parsePeriod(v)) ctx.report({ node: p.billing, field: f, message: `Plan "${text(p.name)}": ${f} ${JSON.stringify(v)} is not a period like "1 mons 0 days", "30 days" or "1 mons".` });
    }
  } }),
  plan({ id: 'SAAS-044', severity: 'error', source: 'SR/billing-section/', title: 'billing.refundable, if present, is a boolean.', check(p, _s, ctx) {
    if (isPlainObject(p.billing) && p.billing.refundable !== undefined && typeof p.billing.refundable !== 'boolean') ctx.report({ node: p.billing, field: 'refundable', message: `Plan "${text(p.name)}": refundable must be a boolean.` });
  } }),
  plan({ id: 'SAAS-045', severity: 'warning', source: 'SR/billing-section/', title: 'refundable and billing cycles belong inside billing.', check(p, _s, ctx) {
    for (const k of Object.keys(p.billing?.misplaced ?? {})) ctx.report({ node: p, field: k, message: `Plan "${text(p.name)}": ${k} is at plan level; it belongs inside billing (the docs' example misplaces it, G-03).`, hint: 'vkmp emits it inside billing.' });
  } }),
  plan({ id: 'SAAS-046', severity: 'error', source: 'SR/billing-section/', title: 'Every billing.options key is an option of the plan.', check(p, _s, ctx) {
    for (const o of p.options ?? []) if (o.option.billing !== undefined && (o as { billingOnly?: boolean }).billingOnly) ctx.report({ node: o, message: `Plan "${text(p.name)}": billing.options prices "${o.name}", which the plan's schemas do not define.` });
  } }),
  plan({ id: 'SAAS-047', severity: 'error', source: 'SR/billing-section/', title: 'Only integer, number or boolean options are priced.', check(p, _s, ctx) {
    for (const o of p.options ?? []) {
      const t = o.option.schema?.type;
      if (o.option.billing !== undefined && t !== 'integer' && t !== 'number' && t !== 'boolean' && !(o as { billingOnly?: boolean }).billingOnly) ctx.report({ node: o, message: `Plan "${text(p.name)}": option "${o.name}" of type ${text(t)} cannot appear in billing.options; only integer, number and boolean options are priced.` });
    }
  } }),
  ...(['SAAS-048', 'SAAS-049', 'SAAS-050'] as const).map((id) =>
    plan({ id, severity: 'error', source: 'SR/billing-section/', title: { 'SAAS-048': 'Prepaid integer billing: cost ≥ 0, unit.size integer > 0, base integer, measurement ≤ 255.', 'SAAS-049': 'Boolean billing has only cost ≥ 0.', 'SAAS-050': 'Postpaid billing: cost ≥ 0, unit.size = 1, measurement ≤ 255.' }[id], check(p, _s, ctx) {
      const source = { 'SAAS-048': 'IB-035', 'SAAS-049': 'IB-041', 'SAAS-050': 'IB-042' }[id];
      for (const o of p.options ?? []) {
        // A postpaid option without billing is SAAS-051 (a warning), not a malformed billing entry.
        if (o.option.billing === undefined) continue;
        for (const f of checkOption(o.option, 'saas')) if (f.area === 'billing' && f.rule === source) ctx.report({ node: o, message: `Plan "${text(p.name)}": ${f.message}`, severity: f.severity, hint: f.hint });
      }
    } })),
  plan({ id: 'SAAS-051', severity: 'warning', source: 'SR/billing-section/', title: 'Every postpaid option has billing.', check(p, _s, ctx) {
    for (const o of p.options ?? []) if (o.option.actions?.includes('resource_usages') && o.option.billing === undefined) ctx.report({ node: o, message: `Plan "${text(p.name)}": postpaid option "${o.name}" has no entry in billing.options, so it is never charged.` });
  } }),
  listed({ id: 'SAAS-052', severity: 'error', scope: 'reader', source: 'SR/schemas-section/', title: 'schemas has create, update, resource_usages and service_binding.create with parameters.' }),
  listed({ id: 'SAAS-053', severity: 'error', scope: 'reader', source: 'SR/schemas-section/', title: 'schemas parameters have $schema (draft-04), type object and properties.' }),
  plan({ id: 'SAAS-054', severity: 'error', source: 'SR/schemas-section/', title: 'A plan has create/update options or resource_usages options, never both.', check(p, _s, ctx) {
    const opts = schemaOptions(p);
    const post = opts.filter((o) => o.option.actions?.includes('resource_usages'));
    const pre = opts.filter((o) => !o.option.actions?.includes('resource_usages'));
    if (post.length && pre.length) ctx.report({ node: p, message: `Plan "${text(p.name)}" has both create/update options (${pre.map((o) => o.name).join(', ')}) and postpaid options (${post.map((o) => o.name).join(', ')}); a SaaS plan has one or the other.`, hint: 'Split it into a prepaid plan and a free pay-as-you-go plan.' });
  } }),
  plan({ id: 'SAAS-055', severity: 'error', source: 'SR/schemas-section/', title: 'Option type is integer, number, string or boolean; no datasource or tag.', check(p, _s, ctx) {
    for (const o of schemaOptions(p)) {
      const sch = o.option.schema ?? ({} as Record<string, unknown>);
      if (!['integer', 'number', 'string', 'boolean'].includes(sch.type as string)) ctx.report({ node: o, message: `Plan "${text(p.name)}": option "${o.name}" has type ${JSON.stringify(sch.type)}; allowed: integer, number, string, boolean.` });
      if (sch.datasource !== undefined) ctx.report({ node: o, message: `Plan "${text(p.name)}": option "${o.name}" uses datasource, which SaaS does not support (image-based only).` });
      if (sch.tag !== undefined) ctx.report({ node: o, message: `Plan "${text(p.name)}": option "${o.name}" uses tag, which SaaS does not support (image-based only).` });
    }
  } }),
  plan({ id: 'SAAS-056', severity: 'error', source: 'SR/billing-section/', title: 'resource_usages options are integer or number.', check(p, _s, ctx) {
    for (const o of p.options ?? []) if (o.option.actions?.includes('resource_usages') && o.option.schema?.type !== 'integer' && o.option.schema?.type !== 'number') ctx.report({ node: o, message: `Plan "${text(p.name)}": postpaid option "${o.name}" has type ${JSON.stringify(o.option.schema?.type)}; postpaid options are integer or number.` });
  } }),
  plan({ id: 'SAAS-057', severity: 'error', source: 'SR/schemas-section/', title: 'Option properties satisfy the subtype rules IB-027…IB-041.', check(p, _s, ctx) {
    const sub = (o: typeof p.options[number], schema: typeof o.option.schema, label: string) => {
      for (const f of checkOption({ ...o.option, schema }, 'saas')) {
        if (f.area !== 'schema' || f.rule === 'IB-025' || f.rule === 'IB-042') continue; // SAAS-055 / SAAS-056
        ctx.report({ node: o, message: `Plan "${text(p.name)}"${label}: ${f.message} (${f.rule})`, severity: f.severity, hint: f.hint });
      }
    };
    for (const o of p.options ?? []) {
      if ((o as { billingOnly?: boolean }).billingOnly) continue;
      sub(o, o.option.schema, '');
      if (o.updateSchema) sub(o, o.updateSchema, ' (update)');
    }
  } }),
  rule<CatalogRule>({
    id: 'SAAS-059', severity: 'error', scope: 'catalog', kinds: ['saas'], section: S, source: 'MA/saas_add/saas_broker_add_configuration/',
    title: 'plan_mapping.json has exactly one top-level key, SERVICE_NAME.',
    check(c, ctx) {
      const m = c.planMapping;
      if (!m) return;
      const node = { span: m.span };
      if (!isPlainObject(m.value)) { ctx.report({ node, message: 'plan_mapping.json must be an object {"<SERVICE_NAME>": {"<plan id>": <SaaS plan id>}}.' }); return; }
      const keys = Object.keys(m.value);
      if (keys.length !== 1 || keys[0] !== c.serviceName) ctx.report({ node, message: `plan_mapping.json must have exactly one key, "${c.serviceName}" (the catalog file suffix); it has ${JSON.stringify(keys)}.` });
    },
  }),
  rule<CatalogRule>({
    id: 'SAAS-060', severity: 'error', scope: 'catalog', kinds: ['saas'], section: S, source: 'INS/manage-saas-apps/saas-update/',
    title: 'Every plan id of the catalog is in plan_mapping.json.',
    check(c, ctx) {
      const m = c.planMapping;
      if (!m || !isPlainObject(m.value)) return;
      const inner = m.value[c.serviceName];
      const map = isPlainObject(inner) ? inner : {};
      for (const s of c.services) for (const p of Array.isArray(s.plans) ? s.plans : []) {
        if (typeof p.id === 'string' && !(p.id in map)) ctx.report({ node: p, field: 'id', message: `Plan "${text(p.name)}" (${p.id}) is missing from plan_mapping.json; the broker cannot map it to a SaaS plan.`, hint: c.sourceFile ? 'Add "<plan id>": "<SaaS plan id>" under the SERVICE_NAME key.' : 'Set planId on the plan.' });
      }
    },
  }),
  rule<CatalogRule>({
    id: 'SAAS-061', severity: 'warning', scope: 'catalog', kinds: ['saas'], section: S, source: 'INS/manage-saas-apps/saas-update/',
    title: 'plan_mapping.json has no plan ids absent from the catalog.',
    check(c, ctx) {
      const m = c.planMapping;
      if (!m || !isPlainObject(m.value) || !isPlainObject(m.value[c.serviceName])) return;
      const ids = new Set(c.services.flatMap((s) => (Array.isArray(s.plans) ? s.plans : []).map((p) => p.id)));
      for (const k of Object.keys(m.value[c.serviceName] as object)) if (!ids.has(k)) ctx.report({ node: { span: m.span }, message: `plan_mapping.json maps plan ${k}, which the catalog does not have.` });
    },
  }),
  rule<CatalogRule>({
    id: 'SAAS-062', severity: 'warning', scope: 'catalog', kinds: ['saas'], section: S, source: 'MA/saas_add/saas_broker_add_configuration/',
    title: 'plan_mapping values are strings or integers.',
    check(c, ctx) {
      const m = c.planMapping;
      if (!m || !isPlainObject(m.value) || !isPlainObject(m.value[c.serviceName])) return;
      for (const [k, v] of Object.entries(m.value[c.serviceName] as object)) {
        if (typeof v !== 'string' && !(typeof v === 'number' && Number.isInteger(v))) ctx.report({ node: { span: m.span }, message: `plan_mapping.json maps ${k} to ${JSON.stringify(v)}; values are SaaS plan IDs, strings or integers (G-11).` });
      }
    },
  }),
  rule<CatalogRule>({
    id: 'SAAS-063', severity: 'error', scope: 'catalog', kinds: ['saas'], section: S, source: 'MA/saas_add/saas_broker_add_configuration/',
    title: '.env has BROKER_MODE=<SERVICE_NAME>.',
    check(c, ctx) {
      if (!c.env) return;
      const mode = c.env.values.BROKER_MODE;
      if (mode !== c.serviceName) ctx.report({ span: { file: c.env.file, line: 1, column: 1 }, message: `.env sets BROKER_MODE=${mode ?? '(missing)'}; it must be ${c.serviceName} (the catalog file suffix).` });
    },
  }),
  rule<CatalogRule>({
    id: 'SAAS-065', severity: 'warning', scope: 'catalog', kinds: ['saas'], section: S, source: 'MA/saas_add/saas_upload/saas_upload_localtest/#saas_upload_localtest',
    title: '.env defines the broker provider and credential variables.',
    check(c, ctx) {
      if (!c.env) return;
      const missing = ['BROKER_PROVIDER_CLIENT_ID', 'BROKER_PROVIDER_SECRET', 'BROKER_PROVIDER_URL', 'BROKER_USERNAME', 'BROKER_PASSWORD'].filter((k) => !c.env!.values[k]);
      if (missing.length) ctx.report({ span: { file: c.env.file, line: 1, column: 1 }, message: `.env does not define ${missing.join(', ')}.` });
    },
  }),
  plan({ id: 'SAAS-071', severity: 'warning', source: 'SR/schemas-section/', title: 'An option in both create and update is defined identically.', check(p, _s, ctx) {
    for (const o of p.options ?? []) if (o.updateSchema) ctx.report({ node: o, message: `Plan "${text(p.name)}": option "${o.name}" is defined differently in create and update (H-23).` });
  } }),
  rule<CatalogRule>({
    id: 'SAAS-072', severity: 'warning', scope: 'catalog', kinds: ['saas'], section: S, source: 'MA/saas_add/saas_broker_add_configuration/',
    title: 'SERVICE_NAME matches ^[A-Za-z0-9_]+$.',
    check(c, ctx) {
      if (typeof c.serviceName !== 'string' || !/^[A-Za-z0-9_]+$/.test(c.serviceName)) ctx.report({ node: c.services[0] ?? c, field: 'serviceName', message: `SERVICE_NAME ${JSON.stringify(c.serviceName)} should use only Latin letters, digits and _ (H-05).` });
    },
  }),
];
