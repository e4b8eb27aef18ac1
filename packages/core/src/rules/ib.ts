/**
 * Image-based package rules checkable on the IR (SPEC §C.14, IB-001…IB-088): structure,
 * service.yaml, the icon, option files (through `checkOption`), plans, patches,
 * `resource_usages`, the wizard and the priced entities.
 *
 * Left to others: reader-level rules that need the raw files (IB-004 YAML syntax, IB-005
 * unknown keys, IB-015 unlisted plan directories), the Terraform, settings and packaging
 * rules (IB-089…IB-113). IB-043 (a postpaid option's name equals the usage-push `param`)
 * concerns the vendor's metering code, not the package.
 *
 * Each finding is reported once, by the most specific rule: plan names by IB-058 (not
 * IB-003), `when` params by IB-081, entity params that name no option by IB-083…IB-085
 * (IB-075 reports options that exist but are not shown), patched options the plan does not
 * use by IB-065.
 */
import { inspectIcon } from '../assets/icon.js';
import { planTerraform } from '../ib/terraform.js';
import type { DisplayGroup, EntityModel, Located, OptionModel, PlanModel, PlanOption, ServiceModel, WhenModel, WhenOperand } from '../model/types.js';
import { parsePeriod } from '../util/period.js';
import { classifyUuid, codePoints, describeType, isPlainObject } from '../util/strings.js';
import { rule, text, type ListedRule, type PlanRule, type Rule, type RuleContext, type ServiceRule } from './engine.js';
import { checkOption, classifyOption, VOLUME_TYPES, type OptionFinding } from './option-checks.js';

const S = '§C.14';
const IB = ['image-based'] as const;
type Meta<R> = Omit<R, 'docs' | 'scope' | 'kinds'> & { source: string };
const svc = (r: Meta<ServiceRule>): ServiceRule => rule<ServiceRule>({ scope: 'service', kinds: IB, section: S, ...r });
const plan = (r: Meta<PlanRule>): PlanRule => rule<PlanRule>({ scope: 'plan', kinds: IB, section: S, ...r });

// ------------------------------------------------------------------ helpers

const arr = <T>(v: T[] | undefined | unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
const label = (p: PlanModel) => `Plan "${typeof p.name === 'string' ? p.name : '?'}"`;
const URLISH = /^https?:\/\/\S+$/;

function checkString(ctx: RuleContext, node: Located, field: string, value: unknown, max: number, what: string): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'string') {
    ctx.report({ node, field, message: `${what} must be a string, got ${describeType(value)}.`, hint: 'Quote it in YAML ("1.0") so it stays a string.' });
    return;
  }
  const n = codePoints(value);
  if (n > max) ctx.report({ node, field, message: `${what} is ${n} characters; the limit is ${max}.`, hint: 'Lengths are counted in characters (Unicode code points).' });
}

/** The field name as the vendor wrote it: the DSL name when the node came from the DSL. */
const fieldName = (node: Located, field: string): string => (node.dslNames?.[field] && node.dslNames[field] !== field ? `${field} (DSL: ${node.dslNames[field]})` : field);

const optionsByName = (s: ServiceModel): Map<string, OptionModel> => new Map(arr<OptionModel>(s.options).filter((o) => isPlainObject(o) && typeof o.name === 'string').map((o) => [o.name, o]));
const planOptionNames = (p: PlanModel): Set<string> => new Set(arr<PlanOption>(p.options).map((o) => o?.name));
const isPostpaid = (o: OptionModel | undefined): boolean => !!o && classifyOption(o) === 'postpaid';
const datasourceType = (o: OptionModel | undefined): unknown => (o && isPlainObject(o.schema) && isPlainObject(o.schema.datasource) ? o.schema.datasource.type : undefined);

function allGroups(p: PlanModel): DisplayGroup[] {
  return arr<{ groups?: DisplayGroup[] }>(p.display?.pages).flatMap((pg) => (isPlainObject(pg) ? arr<DisplayGroup>(pg.groups) : [])).filter(isPlainObject) as DisplayGroup[];
}
/** Option names shown in the wizard, in order (with repeats). */
const shownNames = (p: PlanModel): string[] => allGroups(p).flatMap((g) => arr<{ name?: unknown }>(g.parameters).map((x) => (isPlainObject(x) ? x.name : undefined))).filter((n): n is string => typeof n === 'string');

function whenParams(w: WhenModel | undefined): string[] {
  if (!w || !isPlainObject(w)) return [];
  return [w.key, ...arr<WhenOperand>(w.values)].map((o) => (isPlainObject(o) ? o.param : undefined)).filter((x): x is string => typeof x === 'string');
}

/** Entity operands that name options: count, flavor, disk type and size. */
function entityParams(e: EntityModel): { name: string; what: string }[] {
  const out: { name: string; what: string }[] = [];
  const add = (o: WhenOperand | undefined, what: string) => {
    if (isPlainObject(o) && typeof o.param === 'string') out.push({ name: o.param, what });
  };
  add(e.count, 'count');
  add(e.flavor, 'flavor');
  arr<{ type?: WhenOperand; size?: WhenOperand }>(e.disks).forEach((d, i) => {
    if (!isPlainObject(d)) return;
    add(d.type, `disks[${i}].type`);
    add(d.size, `disks[${i}].size`);
  });
  return out;
}

const findingsCache = new WeakMap<OptionModel, OptionFinding[]>();
function findingsOf(o: OptionModel): OptionFinding[] {
  let f = findingsCache.get(o);
  if (!f) {
    f = checkOption(o, 'image-based');
    findingsCache.set(o, f);
  }
  return f;
}

/** A service rule that reports `checkOption` findings of one IB ID on every option file. */
function optionRule(id: string, severity: 'error' | 'warning', title: string, source: string): ServiceRule {
  return svc({
    id, severity, title, source,
    check(s, ctx) {
      for (const o of arr<OptionModel>(s.options)) {
        if (!isPlainObject(o)) continue;
        for (const f of findingsOf(o)) if (f.rule === id) ctx.report({ node: o, field: f.field, message: f.message, severity: f.severity, hint: f.hint });
      }
    },
  });
}

/** Name check of IB-003: letters and `_`; digits and `-` are warnings; anything else an error. */
function nameProblem(name: string): 'error' | 'warning' | undefined {
  if (/^[A-Za-z_]+$/.test(name)) return undefined;
  if (/^[A-Za-z0-9_-]+$/.test(name)) return 'warning';
  return 'error';
}
const stem = (fileName: string): string => (fileName.lastIndexOf('.') > 0 ? fileName.slice(0, fileName.lastIndexOf('.')) : fileName);

const SERVICE_REQUIRED = [
  'id', 'revision', 'name', 'short_description', 'icon', 'help', 'bindable', 'plan_updateable', 'deactivatable',
  'bindings_retrievable', 'instances_retrievable', 'plans', 'preview',
] as const;
const SERVICE_BOOLEANS = ['bindable', 'plan_updateable', 'deactivatable', 'bindings_retrievable', 'instances_retrievable', 'singleton', 'auto_bind'] as const;
const DESCRIPTION_SECTIONS = ['Решаемые задачи', 'Характеристики сервиса', 'Правила тарификации', 'Полезные ссылки', 'Техническая поддержка', 'Лицензионное соглашение'];
const ENTITY_KINDS = ['vm', 'load_balancing', 'floating_ip'];
/** IB-088 heuristics: the Terraform resource types that create what an entity prices. */
const ENTITY_RESOURCES: Record<string, readonly string[]> = {
  vm: ['vkcs_compute_instance'],
  load_balancing: ['vkcs_lb_loadbalancer'],
  floating_ip: ['vkcs_networking_floatingip'],
};
const SPECIAL_VARIABLES = new Set(['instance_uuid', 'email']);

const operandOk = (o: unknown): boolean => isPlainObject(o) && ('param' in o) !== ('const' in o) && Object.keys(o).length === 1;

function checkWhenGrammar(ctx: RuleContext, w: WhenModel, where: string): void {
  if (!isPlainObject(w)) {
    ctx.report({ node: w as Located, message: `${where}: when must be a map {in|not_in: {key, values}}.` });
    return;
  }
  const raw = w.raw;
  if (raw !== undefined && !(isPlainObject(raw) && Object.keys(raw).length === 1 && ('in' in raw || 'not_in' in raw))) {
    ctx.report({ node: w, message: `${where}: when must have exactly one of in and not_in.` });
    return;
  }
  if (w.operator !== 'in' && w.operator !== 'not_in') ctx.report({ node: w, message: `${where}: when must have exactly one of in and not_in.` });
  if (!operandOk(w.key)) ctx.report({ node: w, message: `${where}: when.key must have exactly one of param and const.` });
  if (!Array.isArray(w.values) || w.values.length === 0) ctx.report({ node: w, message: `${where}: when.values must be a non-empty list.` });
  else if (!w.values.every(operandOk)) ctx.report({ node: w, message: `${where}: every when value must have exactly one of param and const.` });
}

// ------------------------------------------------------------------ rules

export const ibRules: Rule[] = [
  // ---------------------------------------------------------------- structure, service.yaml
  svc({
    id: 'IB-001', severity: 'error', source: 'MA/ibservice_add/ib_structure/#ib_structure_file',
    title: 'The package root has version.yaml, service.yaml, full_description.md, images/, parameters/ and plans/.',
    check(s, ctx) {
      if (s.generatorVersion === undefined) ctx.report({ node: s, message: 'The package has no version.yaml; it must contain `version: 0.0.1`.', hint: 'Create <SERVICE_NAME>/version.yaml with the line `version: 0.0.1`.' });
      if (s.full_description === undefined || s.full_description === null) ctx.report({ node: s, message: 'The package has no full_description.md (the «Описание сервиса» tab).', hint: 'SPEC §C.5 lists its sections.' });
    },
  }),
  svc({
    id: 'IB-002', severity: 'error', source: 'MA/ibservice_add/ib_structure/#ib_structure_file',
    title: 'version.yaml is `version: 0.0.1`, the only documented generator version.',
    check(s, ctx) {
      if (s.generatorVersion === undefined || s.generatorVersion === '0.0.1') return;
      ctx.report({ node: s, field: 'generatorVersion', message: `version.yaml declares generator version ${JSON.stringify(s.generatorVersion)}; the only documented version is 0.0.1.`, hint: 'Write `version: 0.0.1` (unquoted it is still a string).' });
    },
  }),
  svc({
    id: 'IB-003', severity: 'error', source: 'INS/manage-ib-apps/ib-add/#service_pack_structure',
    title: 'File and directory names are Latin letters and _ (digits and - are warnings).',
    check(s, ctx) {
      const check = (name: unknown, what: string, report: (message: string, severity: 'error' | 'warning') => void, warningsOnly = false) => {
        if (typeof name !== 'string' || name === '') return;
        const problem = nameProblem(name);
        if (!problem || (warningsOnly && problem === 'error')) return;
        if (problem === 'warning') report(`${what} ${JSON.stringify(name)} contains digits or "-"; the docs allow only Latin letters and _ in package names (H-24, G-16).`, 'warning');
        else report(`${what} ${JSON.stringify(name)} must consist of Latin letters and _ only (no spaces, Cyrillic or punctuation).`, 'error');
      };
      if (typeof s.serviceName !== 'string' || s.serviceName === '') ctx.report({ node: s, field: 'serviceName', message: `The package directory name (serviceName) must be a non-empty string, got ${JSON.stringify(s.serviceName) ?? 'nothing'}.`, hint: 'SERVICE_NAME is the package directory and the zip root, e.g. demo_app.' });
      check(s.serviceName, 'The package directory (serviceName)', (message, severity) => ctx.report({ node: s, field: 'serviceName', message, severity, hint: 'SERVICE_NAME is the package directory and the zip root, e.g. demo_app.' }));
      const iconName = s.iconAsset?.fileName ?? s.icon;
      if (typeof iconName === 'string' && !/[\\/]/.test(iconName)) check(stem(iconName), 'The icon file name', (message, severity) => ctx.report({ node: s, field: 'icon', message, severity }));
      // Option names: IB-021 reports what Terraform rejects; here only the digits/"-" warning.
      for (const o of arr<OptionModel>(s.options)) if (isPlainObject(o)) check(o.name, 'The option file name', (message, severity) => ctx.report({ node: o, message, severity }), true);
      for (const p of arr<PlanModel>(s.plans)) {
        if (!isPlainObject(p)) continue;
        for (const f of arr<{ path?: unknown; span?: Located['span'] }>(p.deployment)) {
          if (!isPlainObject(f) || typeof f.path !== 'string') continue;
          for (const part of f.path.split('/')) {
            check(stem(part), `${label(p)}: the deployment file name`, (message, severity) => ctx.report({ node: p, field: 'deployment', span: f.span, message, severity }));
          }
        }
      }
    },
  }),
  svc({
    id: 'IB-006', severity: 'error', source: 'INC/_xaas_ib_params.md#tag:service.yaml-common-param',
    title: 'service.yaml has every required field.',
    check(s, ctx) {
      const rec = s as unknown as Record<string, unknown>;
      for (const f of SERVICE_REQUIRED) {
        if (rec[f] === undefined || rec[f] === null) ctx.report({ node: s, field: f, message: `service.yaml is missing the required field ${fieldName(s, f)}.`, hint: 'SPEC §C.4 lists the fields of service.yaml.' });
      }
    },
  }),
  svc({
    id: 'IB-007', severity: 'error', source: 'IR/ib-apps-param/#app_parameters', title: 'service.yaml id is a UUID4.',
    check(s, ctx) {
      if (s.id === undefined || s.id === null) return;
      const k = classifyUuid(s.id);
      if (k === 'invalid') ctx.report({ node: s, field: 'id', message: `Service id ${JSON.stringify(s.id)} is not a UUID.`, hint: 'Generate one with `node -e "console.log(crypto.randomUUID())"`; placeholders like 04527a41-XXXX-… are invalid.' });
      else if (k === 'other-version') ctx.report({ node: s, field: 'id', severity: 'warning', message: `Service id ${text(s.id)} is a UUID but not version 4.` });
    },
  }),
  svc({
    id: 'IB-008', severity: 'error', source: 'IR/ib-apps-param/#app_parameters', title: 'revision ≤ 255, name ≤ 255, short_description ≤ 120, help ≤ 512 (a URL), all strings.',
    check(s, ctx) {
      checkString(ctx, s, 'revision', s.revision, 255, 'Service revision');
      checkString(ctx, s, 'name', s.name, 255, 'Service name');
      checkString(ctx, s, 'short_description', s.short_description, 120, 'short_description');
      checkString(ctx, s, 'help', s.help, 512, 'help');
      if (typeof s.help === 'string' && !URLISH.test(s.help)) ctx.report({ node: s, field: 'help', message: `help ${JSON.stringify(s.help)} is not an http(s) URL of the service documentation.` });
    },
  }),
  svc({
    id: 'IB-009', severity: 'error', source: 'IR/ib-apps-param/#app_parameters', title: 'The flags of service.yaml are YAML booleans.',
    check(s, ctx) {
      const rec = s as unknown as Record<string, unknown>;
      for (const f of SERVICE_BOOLEANS) {
        const v = rec[f];
        if (v !== undefined && v !== null && typeof v !== 'boolean') ctx.report({ node: s, field: f, message: `${fieldName(s, f)} must be a boolean (true or false), got ${JSON.stringify(v)}.`, hint: 'Write true or false unquoted.' });
      }
    },
  }),
  svc({
    id: 'IB-010', severity: 'error', source: 'IR/ib-apps-param/#app_parameters', title: 'bindable is true.',
    check(s, ctx) {
      if (s.bindable !== undefined && s.bindable !== true) ctx.report({ node: s, field: 'bindable', message: `bindable is ${JSON.stringify(s.bindable)}; image-based services must set bindable: true.` });
    },
  }),
  svc({
    id: 'IB-011', severity: 'error', source: 'IR/ib-apps-param/#app_parameters', title: 'plan_updateable is false.',
    check(s, ctx) {
      if (s.plan_updateable !== undefined && s.plan_updateable !== false) ctx.report({ node: s, field: 'plan_updateable', message: `plan_updateable is ${JSON.stringify(s.plan_updateable)}; image-based services must set plan_updateable: false (G-01).` });
    },
  }),
  svc({
    id: 'IB-012', severity: 'error', source: 'IR/ib-apps-param/#app_parameters', title: 'icon names a file directly under images/ (≤ 512 characters).',
    check(s, ctx) {
      if (s.icon === undefined || s.icon === null) return;
      if (typeof s.icon !== 'string') {
        ctx.report({ node: s, field: 'icon', message: `icon must be a file name (a string), got ${describeType(s.icon)}.` });
        return;
      }
      checkString(ctx, s, 'icon', s.icon, 512, 'icon');
      if (/^[a-z]+:\/\//i.test(s.icon)) ctx.report({ node: s, field: 'icon', message: `icon ${JSON.stringify(s.icon)} is a URL; an image-based icon is the name of a file in images/ (G-13).`, hint: 'Put the PNG or SVG in images/ and write its file name here.' });
      else if (/[\\/]/.test(s.icon)) ctx.report({ node: s, field: 'icon', message: `icon ${JSON.stringify(s.icon)} must be a bare file name directly under images/.` });
      else if (!s.iconAsset || s.iconAsset.fileName !== s.icon) {
        ctx.report({ node: s, field: 'icon', message: `icon names ${JSON.stringify(s.icon)}, but there is no file images/${s.icon}.`, hint: s.dslNames ? "In the DSL, icon: file('./icon.svg') is copied to images/: check that the path exists next to the service file." : 'Add the file to images/ or fix the name.' });
      }
    },
  }),
  svc({
    id: 'IB-013', severity: 'error', source: 'MA/ibservice_add/ib_structure/#ib_structure_file', title: 'The icon is a .png or .svg of ≤ 1 MB and ≥ 62×62 px.',
    check(s, ctx) {
      const asset = s.iconAsset;
      if (!asset || !(asset.bytes instanceof Uint8Array)) return;
      for (const issue of inspectIcon(asset.bytes, asset.fileName).issues) ctx.report({ node: s, field: 'icon', message: issue.message, severity: issue.severity });
    },
  }),
  svc({
    id: 'IB-014', severity: 'error', source: 'CFG/ibservice_param/#service_plans', title: 'plans is a non-empty list of {name} with unique names.',
    check(s, ctx) {
      if (s.plans === undefined || s.plans === null) return;
      if (!Array.isArray(s.plans) || s.plans.length === 0) {
        ctx.report({ node: s, field: 'plans', message: 'service.yaml lists no plans; plans must be a non-empty list of {name: <plan directory>}.' });
        return;
      }
      const seen = new Set<unknown>();
      for (const p of s.plans) {
        if (!isPlainObject(p) || typeof p.name !== 'string' || p.name === '') {
          ctx.report({ node: isPlainObject(p) ? p : s, field: 'name', message: 'Every entry of plans must be {name: <plan directory>}.' });
          continue;
        }
        if (seen.has(p.name)) ctx.report({ node: p, field: 'name', message: `Plan name ${JSON.stringify(p.name)} is used twice; every plan has its own directory plans/<name>/.` });
        seen.add(p.name);
      }
    },
  }),
  svc({
    id: 'IB-016', severity: 'error', source: 'INC/_xaas_ib_params.md#tag:service.yaml-preview', title: 'preview.parameters is a list of {name}, each an option file.',
    check(s, ctx) {
      if (s.preview === undefined || s.preview === null) return;
      if (!Array.isArray(s.preview)) {
        ctx.report({ node: s, field: 'preview', message: 'preview must be {parameters: [{name: <option>}, …]} (the list may be empty).' });
        return;
      }
      const options = optionsByName(s);
      for (const p of s.preview) {
        if (!isPlainObject(p) || typeof p.name !== 'string') ctx.report({ node: s, field: 'preview', message: 'Every preview entry must be {name: <option>}.' });
        else if (!options.has(p.name)) ctx.report({ node: p, message: `preview names "${p.name}", which has no file parameters/${p.name}.yaml.`, hint: 'Preview options are options of the service.' });
      }
    },
  }),
  svc({
    id: 'IB-017', severity: 'warning', source: 'XIB#tag:service.yaml-preview', title: 'Every preview option is used by at least one plan.',
    check(s, ctx) {
      const used = new Set(arr<PlanModel>(s.plans).flatMap((p) => (isPlainObject(p) ? [...planOptionNames(p)] : [])));
      const options = optionsByName(s);
      for (const p of arr<{ name?: unknown } & Located>(s.preview)) {
        if (isPlainObject(p) && typeof p.name === 'string' && options.has(p.name) && !used.has(p.name)) ctx.report({ node: p, message: `preview shows "${p.name}", which no plan uses; its row of the tariff matrix would be empty.` });
      }
    },
  }),
  svc({
    id: 'IB-018', severity: 'error', source: 'MA/ibservice_add/ib_structure/#ib_structure_file', title: 'full_description.md is non-empty Markdown.',
    check(s, ctx) {
      const t = s.full_description?.text as unknown;
      if (s.full_description === undefined || s.full_description === null) return;
      if (typeof t !== 'string' || t.trim() === '') ctx.report({ node: s, field: 'full_description', message: 'full_description.md is empty; it is the «Описание сервиса» tab of the service page.', hint: 'SPEC §C.5 lists the sections to write.' });
    },
  }),
  svc({
    id: 'IB-019', severity: 'warning', source: 'REF/ib-apps-full-description/', title: 'full_description.md has the sections of SPEC §C.5.',
    check(s, ctx) {
      const t = s.full_description?.text;
      if (typeof t !== 'string' || !t.trim()) return;
      const heading = (h: string) => new RegExp(`^#{1,6}[ \\t]*${h}[ \\t]*:?[ \\t]*$`, 'mi').test(t);
      const missing = DESCRIPTION_SECTIONS.filter((h) => !heading(h));
      if (missing.length) ctx.report({ node: s, field: 'full_description', message: `full_description.md lacks the section(s) ${missing.map((m) => `«${m}»`).join(', ')}.`, hint: 'SPEC §C.5: overview, «Решаемые задачи», «Характеристики сервиса», «Правила тарификации», «Полезные ссылки», «Техническая поддержка», «Лицензионное соглашение».' });
      const firstHeading = t.search(/^#/m);
      if (firstHeading === 0 || (firstHeading > 0 && t.slice(0, firstHeading).trim() === '')) ctx.report({ node: s, field: 'full_description', message: 'full_description.md starts with a heading; it should open with a 2–3 sentence overview that names the supplier.' });
    },
  }),
  svc({
    id: 'IB-020', severity: 'warning', source: 'MA/service_description/#service_description_tariffication',
    title: 'The description states the network requirements (external access, private DNS off) and unpredictable infrastructure costs.',
    check(s, ctx) {
      const t = s.full_description?.text;
      if (typeof t !== 'string' || !t.trim()) return;
      if (!/DNS/i.test(t)) ctx.report({ node: s, field: 'full_description', message: 'full_description.md does not mention DNS: the docs ask to state the network requirements (the VM needs external access; private DNS must be off in the subnet).', hint: 'Add them under «Характеристики сервиса». (A heuristic: vkmp cannot read the text for meaning.)' });
    },
  }),
  svc({
    id: 'IB-021', severity: 'error', source: 'CFG/ibopt_fill_in/#IB_option_fill_in', title: 'Option names are valid Terraform identifiers.',
    check(s, ctx) {
      const seen = new Set<string>();
      for (const o of arr<OptionModel>(s.options)) {
        if (!isPlainObject(o)) continue;
        if (typeof o.name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_-]*$/.test(o.name)) {
          ctx.report({ node: o, message: `Option name ${JSON.stringify(o.name)} is not a Terraform identifier (^[A-Za-z_][A-Za-z0-9_-]*$); it is also the name of the plan's Terraform variable.`, hint: 'Use Latin letters and _, e.g. disk_size.' });
          continue;
        }
        if (seen.has(o.name)) ctx.report({ node: o, message: `Option "${o.name}" is defined twice; each option is one file parameters/${o.name}.yaml.` });
        seen.add(o.name);
      }
    },
  }),
  svc({
    id: 'IB-022', severity: 'warning', source: 'CFG/ibopt_fill_in/#IB_option_fill_in', title: 'Every option file is used by at least one plan.',
    check(s, ctx) {
      const used = new Set(arr<PlanModel>(s.plans).flatMap((p) => (isPlainObject(p) ? [...planOptionNames(p)] : [])));
      for (const o of arr<OptionModel>(s.options)) if (isPlainObject(o) && typeof o.name === 'string' && !used.has(o.name)) ctx.report({ node: o, message: `Option "${o.name}" is used by no plan.`, hint: 'Show it in a plan\'s wizard, or remove it.' });
    },
  }),

  // ---------------------------------------------------------------- option files
  svc({
    id: 'IB-023', severity: 'error', source: 'CFG/iboption/#iboption_structure', title: 'An option file has actions, schema and optionally billing, nothing else.',
    check(s, ctx) {
      for (const o of arr<OptionModel>(s.options)) {
        if (!isPlainObject(o)) continue;
        if (!isPlainObject(o.schema)) ctx.report({ node: o, field: 'schema', message: `Option "${o.name}" has no schema map (description, type, …).` });
        for (const k of Object.keys(o.extraRootKeys ?? {})) ctx.report({ node: o, field: k, message: `Option "${o.name}" has the root key "${k}"; an option file has only actions, schema and billing.`, hint: 'Move schema keywords under schema:, prices under billing:.' });
      }
    },
  }),
  optionRule('IB-024', 'error', 'actions is a non-empty subset of [create, update] or exactly [resource_usages].', 'CFG/iboption/#iboption_structure'),
  optionRule('IB-025', 'error', 'schema.type is integer, number, string or boolean.', 'CFG/iboption/#iboption_schema'),
  optionRule('IB-026', 'warning', 'number appears only in postpaid options (H-16).', 'CFG/iboption/#iboption_option_postpaid'),
  optionRule('IB-027', 'error', 'schema.description is a string of ≤ 255 characters.', 'CFG/iboption/#iboption_option_integer'),
  optionRule('IB-028', 'error', 'schema.hint, if present, is a string of ≤ 255 characters.', 'CFG/iboption/#iboption_option_integer'),
  optionRule('IB-029', 'error', 'Schema keywords follow the subtype matrix of SPEC §C.7.3.', 'IR/tariff-options/#iboption_schema'),
  optionRule('IB-030', 'error', 'const excludes the other value keywords and has the type of schema.type.', 'IR/tariff-options/#iboption_schema'),
  optionRule('IB-031', 'error', 'enum is a non-empty list of schema.type values with a default among them.', 'IR/tariff-options/#iboption_schema'),
  optionRule('IB-032', 'warning', 'enum values are unique.', 'IR/tariff-options/#iboption_schema'),
  optionRule('IB-033', 'error', 'int-step1: minimum ≥ 0, maximum > 0, minimum ≤ maximum.', 'CFG/iboption/#iboption_option_integer'),
  optionRule('IB-034', 'error', 'int-step1: minimum ≤ default ≤ maximum.', 'CFG/iboption/#iboption_option_integer'),
  optionRule('IB-035', 'error', 'int-custom-step billing: cost ≥ 0, unit.size integer > 0, base integer, measurement ≤ 255.', 'CFG/iboption/#iboption_billing'),
  optionRule('IB-036', 'error', 'int-custom-step: default, minimum and maximum are step counts with minimum ≤ default ≤ maximum.', 'CFG/iboption/#iboption_option_integer'),
  optionRule('IB-037', 'error', 'str-input: minLength and maxLength > 0, minLength ≤ maxLength, pattern compiles.', 'CFG/iboption/#iboption_option_string'),
  optionRule('IB-038', 'warning', 'str-input: the default satisfies pattern and the length limits.', 'CFG/iboption/#iboption_option_string'),
  optionRule('IB-039', 'error', 'bool-switch: default, if present, is a boolean.', 'CFG/iboption/#iboption_option_boolean'),
  optionRule('IB-040', 'error', 'billing appears only on int-custom-step, bool-switch or postpaid options.', 'CFG/iboption/#iboption_billing'),
  optionRule('IB-041', 'error', "A paid switch's billing has only cost ≥ 0.", 'CFG/iboption/#iboption_billing'),
  optionRule('IB-042', 'error', 'Postpaid options: actions [resource_usages], integer or number, schema description/hint/type only, billing cost and unit.size 1.', 'CFG/iboption/#iboption_option_postpaid'),
  optionRule('IB-044', 'error', 'Datasource options: type string and datasource.type flavor, az, network, subnet or volume_type.', 'CFG/iboption/#iboption_option_datasource'),
  optionRule('IB-045', 'error', 'Only az and volume_type datasources have a default.', 'CFG/iboption/#iboption_option_datasource'),
  optionRule('IB-046', 'warning', 'An az default is ms1 or gz1 (H-30).', 'CFG/iboption/#iboption_option_datasource'),
  optionRule('IB-047', 'error', 'A volume_type default is ceph-ssd, ceph-hdd or high-iops (and among the filtered names).', 'CFG/iboption/#iboption_option_datasource'),
  optionRule('IB-048', 'error', 'datasource.filter only for flavor (vcpus, ram), network (kind, shared), volume_type (disk_class, name).', 'CFG/iboption/#iboption_option_datasource'),
  optionRule('IB-049', 'error', 'vcpus and ram filters have integer minimum/maximum > 0 with minimum ≤ maximum.', 'IR/tariff-options/#iboption_datasource'),
  optionRule('IB-050', 'error', 'network filter: kind external/internal/all; shared a boolean.', 'CFG/iboption/#iboption_option_datasource'),
  optionRule('IB-051', 'error', 'volume_type filter: disk_class.enum and name.enum use the documented values.', 'CFG/iboption/#iboption_option_datasource'),
  optionRule('IB-052', 'error', 'datasource.value_is is uuid or name (network only).', 'CFG/ibopt_fill_in/#option_datasource_net'),
  svc({
    id: 'IB-053', severity: 'error', source: 'CFG/iboption/#iboption_option_integer', title: 'schema.tag is a string, only on int-step1 or volume_type options.',
    check(s, ctx) {
      for (const o of arr<OptionModel>(s.options)) {
        if (!isPlainObject(o) || !isPlainObject(o.schema) || o.schema.tag === undefined) continue;
        if (typeof o.schema.tag !== 'string' || o.schema.tag === '') ctx.report({ node: o, field: 'tag', message: `Option "${o.name}": tag must be a non-empty string, got ${JSON.stringify(o.schema.tag)}.` });
        // Other subtypes are reported by IB-029 (the keyword matrix).
        if (classifyOption(o) === 'datasource' && datasourceType(o) !== 'volume_type') {
          ctx.report({ node: o, field: 'tag', message: `Option "${o.name}": tag links a disk type with a disk size; a ${text(datasourceType(o))} datasource cannot have one.`, hint: 'Put the tag on the volume_type option and on the disk-size integer option.' });
        }
      }
    },
  }),
  svc({
    id: 'IB-054', severity: 'error', source: 'CFG/ibopt_fill_in/#IBoption_fill_in_volume', title: 'Every tag pairs exactly one volume_type option with one integer option.',
    check(s, ctx) {
      const byTag = new Map<string, OptionModel[]>();
      for (const o of arr<OptionModel>(s.options)) {
        if (!isPlainObject(o) || !isPlainObject(o.schema) || typeof o.schema.tag !== 'string') continue;
        byTag.set(o.schema.tag, [...(byTag.get(o.schema.tag) ?? []), o]);
      }
      for (const [tag, opts] of byTag) {
        const types = opts.filter((o) => datasourceType(o) === 'volume_type');
        const sizes = opts.filter((o) => o.schema.type === 'integer' && o.schema.datasource === undefined);
        const names = opts.map((o) => `"${o.name}"`).join(', ');
        if (!types.length || !sizes.length) {
          ctx.report({ node: opts[0]!, field: 'tag', message: `tag "${tag}" (on ${names}) has no ${types.length ? 'disk-size integer option' : 'volume_type option'} to pair with.`, hint: 'A disk is two options with the same tag: a datasource volume_type option (the type) and an integer option (the size in GB).' });
        } else if (opts.length > 2) {
          ctx.report({ node: opts[2]!, field: 'tag', severity: 'warning', message: `tag "${tag}" is shared by ${opts.length} options (${names}); a tag pairs one disk type with one disk size.` });
        }
      }
    },
  }),

  // ---------------------------------------------------------------- plan.yaml
  plan({
    id: 'IB-055', severity: 'error', source: 'MA/ibservice_add/ib_structure/#ib_structure_file', title: 'Every plan directory has plan.yaml, display.yaml and deployment/.',
    check(p, _s, ctx) {
      if (p.display === undefined || p.display === null) ctx.report({ node: p, message: `${label(p)} has no display.yaml.`, hint: 'display.yaml holds the wizard pages and the priced entities.' });
      if (p.deployment === undefined || p.deployment === null) ctx.report({ node: p, message: `${label(p)} has no deployment/ directory with its Terraform manifests.` });
    },
  }),
  plan({
    id: 'IB-056', severity: 'error', source: 'IR/ib-plan/#plan_parameters', title: 'plan.yaml has id, revision, name, description, free and billing.',
    check(p, _s, ctx) {
      const rec = p as unknown as Record<string, unknown>;
      for (const f of ['id', 'revision', 'name', 'description', 'free', 'billing']) {
        if (rec[f] === undefined || rec[f] === null) ctx.report({ node: p, field: f, message: `${label(p)}: plan.yaml is missing the required field ${fieldName(p, f)}.` });
      }
    },
  }),
  plan({
    id: 'IB-057', severity: 'error', source: 'IR/ib-plan/#plan_parameters', title: 'Plan id is a UUID4; revision and description ≤ 255; free a boolean.',
    check(p, _s, ctx) {
      if (p.id !== undefined && p.id !== null) {
        const k = classifyUuid(p.id);
        if (k === 'invalid') ctx.report({ node: p, field: 'id', message: `${label(p)}: id ${JSON.stringify(p.id)} is not a UUID.`, hint: 'Generate one with crypto.randomUUID().' });
        else if (k === 'other-version') ctx.report({ node: p, field: 'id', severity: 'warning', message: `${label(p)}: id ${text(p.id)} is not a version-4 UUID.` });
      }
      checkString(ctx, p, 'revision', p.revision, 255, `${label(p)}: revision`);
      checkString(ctx, p, 'description', p.description, 255, `${label(p)}: description`);
      if (p.free !== undefined && p.free !== null && typeof p.free !== 'boolean') ctx.report({ node: p, field: 'free', message: `${label(p)}: free must be a boolean, got ${JSON.stringify(p.free)}.` });
    },
  }),
  plan({
    id: 'IB-058', severity: 'error', source: 'IR/ib-plan/#plan_parameters', title: 'Plan name: ≤ 255 Latin letters and _; it is the directory name.',
    check(p, _s, ctx) {
      if (p.name === undefined || p.name === null) return;
      if (typeof p.name !== 'string') {
        ctx.report({ node: p, field: 'name', message: `Plan name must be a string, got ${describeType(p.name)}.` });
        return;
      }
      checkString(ctx, p, 'name', p.name, 255, 'Plan name');
      const problem = nameProblem(p.name);
      if (problem === 'warning' && !p.name.includes('-')) ctx.report({ node: p, field: 'name', severity: 'warning', message: `Plan name ${JSON.stringify(p.name)} contains digits; the docs allow only Latin letters and _ (H-24).` });
      else if (problem) ctx.report({ node: p, field: 'name', message: `Plan name ${JSON.stringify(p.name)} must consist of Latin letters and _ only; it is also the directory plans/<name>/.`, hint: 'The name is technical and hidden; the wizard shows description. Use e.g. pay_as_you_go.' });
    },
  }),
  rule<ListedRule>({
    id: 'IB-059', severity: 'error', scope: 'dsl', kinds: IB, section: S, source: 'UP/ibservice_upload/ibservice_upload_package/#upload_actions', enforcedBy: ['REV-006'],
    title: 'Plan ids are distinct and (id, revision) pairs unique in the package. Enforced as REV-006.',
  }),
  plan({
    id: 'IB-060', severity: 'error', source: 'IR/ib-plan/#plan_billing', title: 'billing.cost is present and a number ≥ 0.',
    check(p, _s, ctx) {
      if (p.billing === undefined || p.billing === null) return;
      if (!isPlainObject(p.billing)) {
        ctx.report({ node: p, field: 'billing', message: `${label(p)}: billing must be a map with cost.` });
        return;
      }
      const c = p.billing.cost as unknown;
      if (typeof c !== 'number' || !Number.isFinite(c) || c < 0) ctx.report({ node: p.billing, field: 'cost', message: `${label(p)}: billing.cost must be a number ≥ 0 (0 for a free plan); got ${JSON.stringify(c)}.` });
    },
  }),
  plan({
    id: 'IB-061', severity: 'error', source: 'IR/ib-plan/#plan_billing', title: 'free: true implies billing.cost: 0.',
    check(p, _s, ctx) {
      if (p.free === true && isPlainObject(p.billing) && typeof p.billing.cost === 'number' && p.billing.cost !== 0) ctx.report({ node: p.billing, field: 'cost', message: `${label(p)} is free but billing.cost is ${p.billing.cost}.`, hint: 'Set cost: 0, or free: false for a paid plan.' });
    },
  }),
  plan({
    id: 'IB-062', severity: 'error', source: 'IR/ib-plan/#plan_billing', title: 'refundable is a boolean; billing_cycle_flat matches the period grammar.',
    check(p, _s, ctx) {
      if (!isPlainObject(p.billing)) return;
      const b = p.billing;
      if (b.refundable !== undefined && typeof b.refundable !== 'boolean') ctx.report({ node: b, field: 'refundable', message: `${label(p)}: refundable must be a boolean, got ${JSON.stringify(b.refundable)}.` });
      if (b.billing_cycle_flat !== undefined && !parsePeriod(b.billing_cycle_flat)) ctx.report({ node: b, field: 'billing_cycle_flat', message: `${label(p)}: billing_cycle_flat ${JSON.stringify(b.billing_cycle_flat)} is not a period like "1 mons 0 days", "30 days" or "1 mons".` });
    },
  }),
  plan({
    id: 'IB-063', severity: 'warning', source: 'MA/concepts/about/#billing_pull', title: 'billing_cycle_step and other billing keys are undocumented for image-based plans.',
    check(p, _s, ctx) {
      if (!isPlainObject(p.billing)) return;
      const b = p.billing;
      if (b.billing_cycle_step !== undefined) ctx.report({ node: b, field: 'billing_cycle_step', message: `${label(p)}: billing_cycle_step is a SaaS pull-billing setting; image-based postpaid options are charged from pushed usages.`, hint: 'Remove it.' });
      for (const k of Object.keys({ ...(b.extra ?? {}), ...(b.misplaced ?? {}) })) ctx.report({ node: b, field: k, message: `${label(p)}: billing.${k} is not documented for image-based plans (only cost, refundable, billing_cycle_flat).` });
    },
  }),

  // ---------------------------------------------------------------- parameters_patch
  plan({
    id: 'IB-064', severity: 'error', source: 'CFG/ibplan/#plan_options', title: 'Every parameters_patch key is an existing option file.',
    check(p, s, ctx) {
      const options = optionsByName(s);
      for (const o of arr<PlanOption>(p.options)) if (isPlainObject(o) && o.patch !== undefined && !options.has(o.name)) ctx.report({ node: o, message: `${label(p)}: parameters_patch patches "${o.name}", which has no file parameters/${o.name}.yaml.` });
    },
  }),
  plan({
    id: 'IB-065', severity: 'warning', source: 'CFG/ibplan/#plan_options', title: 'A patched option is used by the plan.',
    check(p, _s, ctx) {
      const used = new Set([...shownNames(p), ...arr<string>(p.resource_usages)]);
      for (const o of arr<PlanOption>(p.options)) if (isPlainObject(o) && o.patch !== undefined && !used.has(o.name)) ctx.report({ node: o, message: `${label(p)}: parameters_patch patches "${o.name}", which the plan does not use (it is in no wizard group and not in resource_usages).` });
    },
  }),
  plan({
    id: 'IB-066', severity: 'error', source: 'XIB#tag:plan.yaml-parameters_patch', title: 'Patch keys are dotted paths under schema./billing. or whole schema/billing maps.',
    check(p, _s, ctx) {
      for (const o of arr<PlanOption>(p.options)) {
        if (!isPlainObject(o) || o.patch === undefined) continue;
        if (!isPlainObject(o.patch)) {
          ctx.report({ node: o, message: `${label(p)}: parameters_patch.${o.name} must be a map of patched keys.` });
          continue;
        }
        for (const [k, v] of Object.entries(o.patch)) {
          if (k === 'actions' || k.startsWith('actions.')) ctx.report({ node: o, severity: 'warning', message: `${label(p)}: parameters_patch.${o.name} changes ${k}; patching actions is undocumented (H-10).`, hint: 'Use a separate option file instead.' });
          else if (k === 'schema' || k === 'billing') {
            if (!isPlainObject(v)) ctx.report({ node: o, message: `${label(p)}: parameters_patch.${o.name}.${k} replaces the whole section, so it must be a map in option-file format.` });
          } else if (!/^(?:schema|billing)(?:\.[^.\s]+)+$/.test(k)) {
            ctx.report({ node: o, message: `${label(p)}: parameters_patch.${o.name} has the key "${k}"; keys are dotted paths from the option root (schema.default, billing.cost, billing.unit.size) or a whole schema/billing map.` });
          }
        }
      }
    },
  }),
  plan({
    id: 'IB-067', severity: 'error', source: 'XIB#tag:plan.yaml-parameters_patch', title: 'A patch does not both replace a section and set a path inside it.',
    check(p, _s, ctx) {
      for (const o of arr<PlanOption>(p.options)) {
        if (!isPlainObject(o) || !isPlainObject(o.patch)) continue;
        const keys = Object.keys(o.patch);
        for (const section of keys.filter((k) => !k.includes('.'))) {
          const inner = keys.filter((k) => k.startsWith(`${section}.`));
          if (inner.length) ctx.report({ node: o, message: `${label(p)}: parameters_patch.${o.name} replaces the whole ${section} section and also sets ${inner.join(', ')}; the docs forbid doing both.`, hint: `Put the values into the ${section} map, or patch single keys only.` });
        }
      }
    },
  }),
  plan({
    id: 'IB-068', severity: 'error', source: 'XIB#tag:plan.yaml-parameters_patch', title: 'The patched option still passes IB-023…IB-054.',
    check(p, s, ctx) {
      const options = optionsByName(s);
      for (const o of arr<PlanOption>(p.options)) {
        if (!isPlainObject(o) || o.patch === undefined || !isPlainObject(o.option)) continue;
        const base = options.get(o.name);
        const before = new Set((base ? findingsOf(base) : []).map((f) => `${f.rule}\u0000${f.message}`));
        for (const f of findingsOf(o.option)) {
          if (before.has(`${f.rule}\u0000${f.message}`)) continue;
          ctx.report({ node: o, message: `${label(p)}: with its parameters_patch, ${f.message.replace(/^Option /, 'option ')} (${f.rule})`, severity: f.severity, hint: f.hint });
        }
      }
    },
  }),

  // ---------------------------------------------------------------- resource_usages
  plan({
    id: 'IB-069', severity: 'error', source: 'IR/ib-plan/#plan_parameters', title: 'resource_usages lists unique postpaid option files.',
    check(p, s, ctx) {
      if (p.resource_usages === undefined || p.resource_usages === null) return;
      if (!Array.isArray(p.resource_usages)) {
        ctx.report({ node: p, field: 'resource_usages', message: `${label(p)}: resource_usages must be a list of option names.` });
        return;
      }
      const options = optionsByName(s);
      const seen = new Set<unknown>();
      for (const n of p.resource_usages as unknown[]) {
        if (typeof n !== 'string') ctx.report({ node: p, field: 'resource_usages', message: `${label(p)}: resource_usages has ${JSON.stringify(n)}; items are option names.` });
        else if (!options.has(n)) ctx.report({ node: p, field: 'resource_usages', message: `${label(p)}: resource_usages names "${n}", which has no file parameters/${n}.yaml.` });
        else if (!isPostpaid(options.get(n))) ctx.report({ node: p, field: 'resource_usages', message: `${label(p)}: resource_usages names "${n}", which is not postpaid (its actions are not [resource_usages]).` });
        if (seen.has(n)) ctx.report({ node: p, field: 'resource_usages', message: `${label(p)}: resource_usages lists "${text(n)}" twice.` });
        seen.add(n);
      }
    },
  }),
  plan({
    id: 'IB-070', severity: 'error', source: 'IR/ib-plan/#plan_parameters', title: 'Every postpaid option the plan uses is in its resource_usages.',
    check(p, _s, ctx) {
      const listed = new Set(arr<string>(p.resource_usages));
      for (const o of arr<PlanOption>(p.options)) if (isPlainObject(o) && isPostpaid(o.option) && !listed.has(o.name)) ctx.report({ node: o, message: `${label(p)} uses the postpaid option "${o.name}" but its resource_usages does not list it, so it is never charged.`, hint: `Add it: resource_usages: [${o.name}].` });
    },
  }),
  plan({
    id: 'IB-071', severity: 'error', source: 'XIB#tag:plan.yaml-common-param', title: 'A plan with resource_usages uses no prepaid option.',
    check(p, _s, ctx) {
      if (!arr(p.resource_usages).length) return;
      for (const o of arr<PlanOption>(p.options)) {
        if (!isPlainObject(o) || !isPlainObject(o.option) || isPostpaid(o.option)) continue;
        const b = o.option.billing as unknown;
        if (isPlainObject(b) && typeof b.cost === 'number' && b.cost > 0) ctx.report({ node: o, message: `${label(p)} has postpaid options (resource_usages) and the prepaid option "${o.name}" (cost ${b.cost}); one plan is either prepaid or postpaid.`, hint: 'Move the paid option to a prepaid plan, or make it free in this plan (parameters_patch billing.cost: 0).' });
      }
    },
  }),
  plan({
    id: 'IB-072', severity: 'warning', source: 'CFG/ibopt_fill_in/#option_postpayed_ib', title: 'A plan shows its postpaid options in the wizard (H-17).',
    check(p, _s, ctx) {
      const shown = new Set(shownNames(p));
      for (const n of arr<unknown>(p.resource_usages)) if (typeof n === 'string' && !shown.has(n)) ctx.report({ node: p, field: 'resource_usages', message: `${label(p)}: the postpaid option "${n}" is in no wizard group, so users do not see its unit price before they connect (H-17).`, hint: 'Add it to a group of display.yaml.' });
    },
  }),
  plan({
    id: 'IB-073', severity: 'error', source: 'CFG/iboption/#iboption_billing', title: 'A plan with resource_usages is free with cost 0.',
    check(p, _s, ctx) {
      if (!arr(p.resource_usages).length) return;
      const cost = isPlainObject(p.billing) ? p.billing.cost : undefined;
      if (p.free !== true || cost !== 0) ctx.report({ node: p, field: 'free', message: `${label(p)} has postpaid options (resource_usages: ${arr<string>(p.resource_usages).join(', ')}) but is not free (free: ${text(p.free)}, cost: ${text(cost)}); usage-based billing is allowed only in free plans.`, hint: 'Set free: true and billing.cost: 0, or move the postpaid option to a free plan.' });
    },
  }),

  // ---------------------------------------------------------------- display.yaml
  plan({
    id: 'IB-074', severity: 'error', source: 'IR/ib-display/', title: 'display.yaml has entities (a list) and optionally pages (a list).',
    check(p, _s, ctx) {
      if (p.display === undefined || p.display === null) return;
      if (!Array.isArray(p.entities)) ctx.report({ node: p, field: 'entities', message: `${label(p)}: display.yaml must have entities, the list of priced infrastructure (vm, load_balancing, floating_ip); use [] if the plan prices none.` });
      if (!isPlainObject(p.display) || !Array.isArray(p.display.pages)) ctx.report({ node: p, field: 'display', message: `${label(p)}: display.yaml pages must be a list of wizard pages.` });
    },
  }),
  plan({
    id: 'IB-075', severity: 'error', source: 'CFG/ib_display/#IBdisplay_pages', title: 'Every option the plan references (entities, Terraform variables) is shown in a wizard group.',
    check(p, s, ctx) {
      const options = optionsByName(s);
      const shown = new Set(shownNames(p));
      const reported = new Set<string>();
      const need = (name: string, node: Located, why: string, span?: Located['span']) => {
        const o = options.get(name);
        if (!o || shown.has(name) || isPostpaid(o) || reported.has(name)) return;
        reported.add(name);
        ctx.report({ node, span, message: `${label(p)}: option "${name}" is ${why} but is in no wizard group; every option of a plan appears in exactly one group.`, hint: 'Add it to a group of the plan\'s wizard (display.yaml pages).' });
      };
      for (const e of arr<EntityModel>(p.entities)) if (isPlainObject(e)) for (const { name, what } of entityParams(e)) need(name, e, `the ${what} of a ${text(e.entity)} entity`);
      const tf = planTerraform(p);
      for (const v of tf?.variables ?? []) if (!SPECIAL_VARIABLES.has(v.name)) need(v.name, p, 'a Terraform variable of the plan', v.nameSpan);
    },
  }),
  plan({
    id: 'IB-076', severity: 'error', source: 'XIB#tag:display.yaml-pages', title: 'At most 5 pages, each with name (≤ 32) and groups.',
    check(p, _s, ctx) {
      const pages = p.display?.pages;
      if (!Array.isArray(pages)) return;
      if (pages.length > 5) ctx.report({ node: p, field: 'display', message: `${label(p)} has ${pages.length} wizard pages; at most 5 are allowed (besides the automatic first and last pages).` });
      else if (pages.length > 3) ctx.report({ node: p, field: 'display', severity: 'warning', message: `${label(p)} has ${pages.length} wizard pages; with the two automatic pages that makes ${pages.length + 2} (H-09).` });
      for (const pg of pages) {
        if (!isPlainObject(pg)) {
          ctx.report({ node: p, field: 'display', message: `${label(p)}: a wizard page must be a map {name, groups}.` });
          continue;
        }
        if (typeof pg.name !== 'string') ctx.report({ node: pg, message: `${label(p)}: a wizard page has no name.` });
        else if (codePoints(pg.name) > 32) ctx.report({ node: pg, field: 'name', message: `${label(p)}: page name ${JSON.stringify(pg.name)} is ${codePoints(pg.name)} characters; the limit is 32.` });
        if (!Array.isArray(pg.groups)) ctx.report({ node: pg, message: `${label(p)}: page ${JSON.stringify(pg.name)} must have groups, a list.` });
      }
    },
  }),
  plan({
    id: 'IB-077', severity: 'error', source: 'XIB#tag:display.yaml-pages', title: 'Each group has name (≤ 255) and parameters, a list of {name}.',
    check(p, _s, ctx) {
      for (const pg of arr<Record<string, unknown>>(p.display?.pages)) {
        if (!isPlainObject(pg)) continue;
        for (const g of arr<DisplayGroup>(pg.groups)) {
          if (!isPlainObject(g)) {
            ctx.report({ node: pg as Located, message: `${label(p)}: a group must be a map {name, parameters}.` });
            continue;
          }
          if (typeof g.name !== 'string') ctx.report({ node: g, message: `${label(p)}: a group has no name (use "" for an untitled group).` });
          else if (codePoints(g.name) > 255) ctx.report({ node: g, field: 'name', message: `${label(p)}: group name is ${codePoints(g.name)} characters; the limit is 255.` });
          if (!Array.isArray(g.parameters) || g.parameters.some((x) => !isPlainObject(x) || typeof x.name !== 'string')) ctx.report({ node: g, message: `${label(p)}: group ${JSON.stringify(g.name)}: parameters must be a list of {name: <option>}.` });
        }
      }
    },
  }),
  plan({
    id: 'IB-078', severity: 'error', source: 'CFG/ib_display/#IBdisplay_pages', title: 'Every wizard parameter has a file parameters/<name>.yaml.',
    check(p, s, ctx) {
      const options = optionsByName(s);
      for (const g of allGroups(p)) for (const x of arr<{ name?: unknown } & Located>(g.parameters)) {
        if (isPlainObject(x) && typeof x.name === 'string' && !options.has(x.name)) ctx.report({ node: x, message: `${label(p)}: group ${JSON.stringify(g.name)} shows "${x.name}", which has no file parameters/${x.name}.yaml.`, hint: 'Define the option, or fix the name.' });
      }
    },
  }),
  plan({
    id: 'IB-079', severity: 'error', source: 'CFG/ib_display/#IBdisplay_pages', title: 'No option appears in more than one group.',
    check(p, _s, ctx) {
      const seen = new Map<string, string>();
      for (const g of allGroups(p)) for (const x of arr<{ name?: unknown } & Located>(g.parameters)) {
        if (!isPlainObject(x) || typeof x.name !== 'string') continue;
        if (seen.has(x.name)) ctx.report({ node: x, message: `${label(p)}: option "${x.name}" appears in more than one group (first in ${JSON.stringify(seen.get(x.name))}); each option is in exactly one group.` });
        else seen.set(x.name, g.name);
      }
    },
  }),
  plan({
    id: 'IB-080', severity: 'error', source: 'CFG/ib_display/#IBdisplay_when', title: 'when: one of in/not_in; key and values operands with exactly one of param/const; values non-empty.',
    check(p, _s, ctx) {
      for (const g of allGroups(p)) if (g.when !== undefined) checkWhenGrammar(ctx, g.when, `${label(p)}, group ${JSON.stringify(g.name)}`);
      for (const e of arr<EntityModel>(p.entities)) if (isPlainObject(e) && e.when !== undefined) checkWhenGrammar(ctx, e.when, `${label(p)}, ${text(e.entity)} entity`);
    },
  }),
  plan({
    id: 'IB-081', severity: 'error', source: 'CFG/ib_display/#IBdisplay_when_in_pages', title: 'when params are options of the plan; the key is shown in another group; one level of dependency.',
    check(p, _s, ctx) {
      const names = planOptionNames(p);
      const groups = allGroups(p);
      const conditional = new Set(groups.filter((g) => g.when).flatMap((g) => arr<{ name?: string }>(g.parameters).map((x) => x?.name)));
      for (const g of groups) {
        if (!g.when) continue;
        for (const n of whenParams(g.when)) if (!names.has(n)) ctx.report({ node: g.when, message: `${label(p)}, group ${JSON.stringify(g.name)}: when refers to "${n}", which is not an option of the plan.`, hint: 'Show the option in another group of the wizard.' });
        const key = isPlainObject(g.when.key) ? g.when.key.param : undefined;
        if (typeof key === 'string' && names.has(key)) {
          const inOwn = arr<{ name?: string }>(g.parameters).some((x) => x?.name === key);
          const inOther = groups.some((o) => o !== g && arr<{ name?: string }>(o.parameters).some((x) => x?.name === key));
          if (inOwn || !inOther) ctx.report({ node: g.when, message: `${label(p)}, group ${JSON.stringify(g.name)}: its when key "${key}" must be shown in a different group.` });
        }
        for (const n of whenParams(g.when)) if (conditional.has(n)) ctx.report({ node: g.when, message: `${label(p)}, group ${JSON.stringify(g.name)}: when depends on "${n}", which is itself in a conditional group; only one level of dependency is allowed.` });
      }
      for (const e of arr<EntityModel>(p.entities)) {
        if (!isPlainObject(e) || !e.when) continue;
        for (const n of whenParams(e.when)) if (!names.has(n)) ctx.report({ node: e.when, message: `${label(p)}, ${text(e.entity)} entity: when refers to "${n}", which is not an option of the plan.` });
      }
    },
  }),

  // ---------------------------------------------------------------- entities
  plan({
    id: 'IB-082', severity: 'error', source: 'XIB#tag:display.yaml-entities-common', title: 'Each entity is vm, load_balancing or floating_ip, with optional description and when.',
    check(p, _s, ctx) {
      for (const e of arr<EntityModel>(p.entities)) {
        if (!isPlainObject(e)) {
          ctx.report({ node: p, field: 'entities', message: `${label(p)}: every entities item must be a map with entity: vm | load_balancing | floating_ip.` });
          continue;
        }
        if (!ENTITY_KINDS.includes(e.entity)) ctx.report({ node: e, message: `${label(p)}: entity ${JSON.stringify(e.entity)} is not one of vm, load_balancing, floating_ip.` });
        if (e.description !== undefined && typeof e.description !== 'string') ctx.report({ node: e, field: 'description', message: `${label(p)}: an entity description must be a string.` });
        if (e.when !== undefined && !isPlainObject(e.when)) ctx.report({ node: e, field: 'when', message: `${label(p)}: an entity when must be a map {in|not_in: …}.` });
      }
    },
  }),
  plan({
    id: 'IB-083', severity: 'error', source: 'XIB#tag:display.yaml-entities-vm', title: 'Every entity has count: {const: integer ≥ 0} or {param: integer option}.',
    check(p, s, ctx) {
      const options = optionsByName(s);
      for (const e of arr<EntityModel>(p.entities)) {
        if (!isPlainObject(e)) continue;
        const c = e.count;
        const what = `${label(p)}: the ${text(e.entity)} entity`;
        if (c === undefined) ctx.report({ node: e, field: 'count', message: `${what} has no count ({const: 1} or {param: <integer option>}).` });
        else if (!operandOk(c)) ctx.report({ node: e, field: 'count', message: `${what}: count must have exactly one of const and param.` });
        else if ('const' in c) {
          if (!Number.isInteger(c.const) || (c.const as number) < 0) ctx.report({ node: e, field: 'count', message: `${what}: count.const must be an integer ≥ 0, got ${JSON.stringify(c.const)} (H-21).` });
        } else {
          const o = options.get(text(c.param));
          if (!o) ctx.report({ node: e, field: 'count', message: `${what}: count.param names "${text(c.param)}", which has no file parameters/${text(c.param)}.yaml.` });
          else if (o.schema?.type !== 'integer' || classifyOption(o) === 'postpaid') ctx.report({ node: e, field: 'count', message: `${what}: count.param "${o.name}" must be an integer option the user sets (it is ${classifyOption(o) ?? text(o.schema?.type)}) (H-21).` });
        }
      }
    },
  }),
  plan({
    id: 'IB-084', severity: 'error', source: 'XIB#tag:display.yaml-entities-vm', title: 'A vm entity has flavor: {const: flavor ID} or {param: flavor datasource option}.',
    check(p, s, ctx) {
      const options = optionsByName(s);
      for (const e of arr<EntityModel>(p.entities)) {
        if (!isPlainObject(e) || e.entity !== 'vm') continue;
        const f = e.flavor;
        const what = `${label(p)}: the vm entity`;
        if (f === undefined) ctx.report({ node: e, field: 'flavor', message: `${what} has no flavor ({param: <flavor option>} or {const: <flavor ID>}); the wizard cannot price the VM.` });
        else if (!operandOk(f)) ctx.report({ node: e, field: 'flavor', message: `${what}: flavor must have exactly one of const and param.` });
        else if ('const' in f) {
          if (typeof f.const !== 'string' || f.const === '') ctx.report({ node: e, field: 'flavor', message: `${what}: flavor.const must be a flavor ID (a string), got ${JSON.stringify(f.const)}.` });
        } else {
          const o = options.get(text(f.param));
          if (!o) ctx.report({ node: e, field: 'flavor', message: `${what}: flavor.param names "${text(f.param)}", which has no file parameters/${text(f.param)}.yaml.` });
          else if (datasourceType(o) !== 'flavor') ctx.report({ node: e, field: 'flavor', message: `${what}: flavor.param "${o.name}" must be a datasource option of type flavor.`, hint: 'Use option.datasource.flavor({...}).' });
        }
      }
    },
  }),
  plan({
    id: 'IB-085', severity: 'error', source: 'CFG/ib_display/#IBdisplay_vm', title: 'A vm entity has disks when the wizard has a volume_type option; each disk has a valid type and size.',
    check(p, s, ctx) {
      const options = optionsByName(s);
      const volumeTypesShown = shownNames(p).filter((n) => datasourceType(options.get(n)) === 'volume_type');
      for (const e of arr<EntityModel>(p.entities)) {
        if (!isPlainObject(e) || e.entity !== 'vm') continue;
        const what = `${label(p)}: the vm entity`;
        if (volumeTypesShown.length && (!Array.isArray(e.disks) || e.disks.length === 0)) ctx.report({ node: e, field: 'disks', message: `${what} has no disks, but the wizard shows the disk type option(s) ${volumeTypesShown.map((n) => `"${n}"`).join(', ')}; the disk price would be missing.`, hint: 'Add disks: [{ type: <volume_type option>, size: <disk size option> }].' });
        if (e.disks !== undefined && !Array.isArray(e.disks)) ctx.report({ node: e, field: 'disks', message: `${what}: disks must be a list of {type, size}.` });
        arr<{ type?: WhenOperand; size?: WhenOperand } & Located>(e.disks).forEach((d, i) => {
          const at = isPlainObject(d) && d.span ? d : e;
          if (!isPlainObject(d)) {
            ctx.report({ node: e, field: 'disks', message: `${what}: disks[${i}] must be {type, size}.` });
            return;
          }
          const t = d.type as WhenOperand | undefined;
          if (t === undefined || !operandOk(t)) ctx.report({ node: at, field: 'disks', message: `${what}: disks[${i}].type must be {param: <volume_type option>} or {const: ceph-ssd | ceph-hdd | high-iops}.` });
          else if ('const' in t) {
            if (!VOLUME_TYPES.includes(t.const as string)) ctx.report({ node: at, field: 'disks', message: `${what}: disks[${i}].type.const ${JSON.stringify(t.const)} is not one of ${VOLUME_TYPES.join(', ')}.` });
          } else {
            const o = options.get(text(t.param));
            if (!o) ctx.report({ node: at, field: 'disks', message: `${what}: disks[${i}].type.param names "${text(t.param)}", which has no option file.` });
            else if (datasourceType(o) !== 'volume_type') ctx.report({ node: at, field: 'disks', message: `${what}: disks[${i}].type.param "${o.name}" must be a volume_type datasource option.` });
          }
          const z = d.size as WhenOperand | undefined;
          if (z === undefined || !operandOk(z)) ctx.report({ node: at, field: 'disks', message: `${what}: disks[${i}].size must be {param: <integer option>} or {const: <GB>}.` });
          else if ('const' in z) {
            if (!Number.isInteger(z.const) || (z.const as number) <= 0) ctx.report({ node: at, field: 'disks', message: `${what}: disks[${i}].size.const must be a positive integer (GB), got ${JSON.stringify(z.const)}.` });
          } else {
            const o = options.get(text(z.param));
            if (!o) ctx.report({ node: at, field: 'disks', message: `${what}: disks[${i}].size.param names "${text(z.param)}", which has no option file.` });
            else if (o.schema?.type !== 'integer' || classifyOption(o) === 'postpaid') ctx.report({ node: at, field: 'disks', message: `${what}: disks[${i}].size.param "${o.name}" must be an integer option (the size in GB).` });
          }
        });
      }
    },
  }),
  plan({
    id: 'IB-086', severity: 'warning', source: 'CFG/ibopt_fill_in/#IBoption_fill_in_volume', title: "A disk's type and size options share one tag.",
    check(p, s, ctx) {
      const options = optionsByName(s);
      for (const e of arr<EntityModel>(p.entities)) {
        if (!isPlainObject(e)) continue;
        arr<{ type?: WhenOperand; size?: WhenOperand } & Located>(e.disks).forEach((d, i) => {
          if (!isPlainObject(d) || !isPlainObject(d.type) || !isPlainObject(d.size)) return;
          const t = options.get(text(d.type.param));
          const z = options.get(text(d.size.param));
          if (!t || !z) return;
          if (t.schema?.tag === undefined || t.schema.tag !== z.schema?.tag) ctx.report({ node: d.span ? d : e, field: 'disks', message: `${label(p)}: disks[${i}] pairs "${t.name}" (tag ${JSON.stringify(t.schema?.tag ?? null)}) with "${z.name}" (tag ${JSON.stringify(z.schema?.tag ?? null)}); the type and size of one disk share a tag.`, hint: 'Give both options the same tag.' });
        });
      }
    },
  }),
  plan({
    id: 'IB-087', severity: 'warning', source: 'XIB#tag:display.yaml-entities-lb', title: 'load_balancing and floating_ip entities carry no flavor or disks.',
    check(p, _s, ctx) {
      for (const e of arr<EntityModel>(p.entities)) {
        if (!isPlainObject(e) || (e.entity !== 'load_balancing' && e.entity !== 'floating_ip')) continue;
        for (const f of ['flavor', 'disks'] as const) if (e[f] !== undefined) ctx.report({ node: e, field: f, message: `${label(p)}: a ${e.entity} entity has ${f}; only vm entities are priced by flavor and disks, so it is ignored.` });
      }
    },
  }),
  plan({
    id: 'IB-088', severity: 'warning', source: 'CFG/ib_display/#IBdisplay_entities', title: 'The Terraform manifests create what entities price and honour every when.',
    check(p, _s, ctx) {
      const tf = planTerraform(p);
      if (!tf || tf.parseErrors.length) return; // IB-089 reports manifests that do not parse
      const resources = tf.resources;
      const entities = arr<EntityModel>(p.entities).filter(isPlainObject);
      for (const e of entities) {
        const types = typeof e.entity === 'string' && Object.hasOwn(ENTITY_RESOURCES, e.entity) ? ENTITY_RESOURCES[e.entity] : undefined;
        if (!types) continue;
        const made = resources.filter((r) => types.includes(r.type));
        if (!made.length) {
          ctx.report({ node: e, message: `${label(p)}: the wizard prices a ${e.entity} entity, but the manifests create no ${types.join(' or ')}.`, hint: 'entities must describe the infrastructure the manifests create (a heuristic: the resource type is matched by name).' });
          continue;
        }
        const conditional = made.some((r) => r.hasCount || r.hasForEach);
        if (e.when && !conditional) ctx.report({ node: e, field: 'when', message: `${label(p)}: the ${e.entity} entity is priced only under a when condition, but ${made.map((r) => r.address).join(', ')} ${made.length > 1 ? 'are' : 'is'} always created.`, hint: 'Create the resource conditionally (count = <condition> ? 1 : 0) with the same condition.' });
        const count = e.count;
        if (isPlainObject(count) && typeof count.param === 'string' && !conditional) ctx.report({ node: e, field: 'count', message: `${label(p)}: the ${e.entity} entity count follows option "${count.param}", but ${made.map((r) => r.address).join(', ')} has no count or for_each.`, hint: `Use count = var.${count.param}.` });
        if (isPlainObject(count) && Number.isInteger(count.const) && !conditional && made.length !== count.const) ctx.report({ node: e, field: 'count', message: `${label(p)}: the wizard prices ${text(count.const)} × ${e.entity}, but the manifests create ${made.length} (${made.map((r) => r.address).join(', ')}).` });
      }
      for (const [kind, types] of Object.entries(ENTITY_RESOURCES)) {
        if (entities.some((e) => e.entity === kind)) continue;
        for (const r of resources.filter((x) => types.includes(x.type))) ctx.report({ node: p, field: 'entities', span: r.span, message: `${label(p)}: the manifests create ${r.address}, but display.yaml entities price no ${kind}; the wizard understates the infrastructure cost.`, hint: `Add a ${kind} entity.` });
      }
    },
  }),
];
