/**
 * read (SaaS): `catalog_<SERVICE_NAME>.json` (+ `plan_mapping.json`, `.env`) → IR with
 * the position of every node, so rules point at the JSON line. Structural defects the
 * IR cannot hold (a missing `schemas` section, a missing `$schema`) are reported here
 * under their SPEC IDs; everything else is left to the rules.
 */
import { basename } from 'node:path';
import type { Diagnostic, Span } from '../diagnostics.js';
import type {
  CatalogModel, DisplayGroup, DisplayPage, DisplayParam, OptionAction, OptionModel, OptionSchema, PlanModel, PlanOption, ServiceModel, WhenModel, WhenOperand,
} from '../model/types.js';
import { stableStringify } from '../util/json.js';
import { describeType, isPlainObject } from '../util/strings.js';
import { parseJson, type ParsedDocument } from './json.js';
import { decodeUtf8 } from './text.js';

const SERVICE_KEYS = new Set([
  'id', 'revision', 'name', 'short_description', 'full_description', 'singleton', 'auto_bind', 'icon', 'help', 'bindable',
  'plan_updateable', 'deactivatable', 'bindings_retrievable', 'instances_retrievable', 'metadata', 'preview', 'plans',
]);
const PLAN_KEYS = new Set(['id', 'revision', 'name', 'description', 'free', 'plan_updateable', 'metadata', 'display', 'billing', 'schemas']);
const MISPLACED_BILLING = ['refundable', 'billing_cycle_flat', 'billing_cycle_step'];
const BILLING_KEYS = new Set(['cost', 'refundable', 'billing_cycle_flat', 'billing_cycle_step', 'options']);
const DRAFT4 = 'http://json-schema.org/draft-04/schema#';

const docs = (source: string) => `SPEC.md §B · vkcloud-docs/${source}`;

export interface SaasInput {
  catalog: { path: string; bytes: Uint8Array };
  planMapping?: { path: string; bytes: Uint8Array };
  env?: { path: string; bytes: Uint8Array };
}

export interface ReadResult<T> {
  value: T;
  diagnostics: Diagnostic[];
}

/** Parses a JSON file into a document, reporting encoding and syntax defects as `code`. */
export function parseJsonFile(path: string, bytes: Uint8Array, code: string, diagnostics: Diagnostic[]): ParsedDocument {
  const decoded = decodeUtf8(bytes, path);
  const doc = parseJson(decoded.text, path);
  for (const issue of [...decoded.issues, ...doc.issues]) {
    diagnostics.push({
      code,
      severity: 'error',
      message: `${issue.message}${issue.kind === 'trailing-comma' || issue.kind === 'comment' || issue.kind === 'missing-comma' ? ' (the docs\' examples have this defect)' : ''}`,
      span: issue.span,
      hint: 'The catalog must be strict JSON (RFC 8259): no comments, no trailing commas, UTF-8 without BOM.',
      docs: docs('tools-for-using-services/vendor-account/manage-apps/saas_add/saas_configure/saas_json/saas_json.md#saas_example'),
    });
  }
  return doc;
}

class Reader {
  readonly diagnostics: Diagnostic[] = [];
  constructor(private readonly doc: ParsedDocument, private readonly file: string) {}

  span(pointer: string): Span {
    return this.doc.spans.get(pointer) ?? { file: this.file, line: 1, column: 1 };
  }
  keySpan(pointer: string): Span {
    return this.doc.keySpans.get(pointer) ?? this.span(pointer);
  }
  fieldSpans(pointer: string, value: Record<string, unknown>): Record<string, Span> {
    const out: Record<string, Span> = {};
    for (const k of Object.keys(value)) out[k] = this.span(`${pointer}/${escape(k)}`);
    return out;
  }
  report(code: string, message: string, span: Span, severity: 'error' | 'warning' = 'error', hint?: string, source = 'tools-for-using-services/vendor-account/reference/saas-apps-reference/schemas-section/schemas-section.md') {
    this.diagnostics.push({ code, severity, message, span, hint, docs: docs(source) });
  }
  unknownKeys(pointer: string, value: Record<string, unknown>, known: Set<string>, what: string): Record<string, unknown> | undefined {
    const extra: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (known.has(k)) continue;
      extra[k] = v;
      this.report('READ-001', `${what} has the key "${k}", which the docs do not describe; it is kept as is.`, this.keySpan(`${pointer}/${escape(k)}`), 'warning', 'Remove it unless Marketplace documented it for you (H-19).');
    }
    return Object.keys(extra).length ? extra : undefined;
  }

  operand(v: unknown, pointer: string): WhenOperand {
    return isPlainObject(v) ? (v as WhenOperand) : ({ raw: v } as unknown as WhenOperand);
  }

  when(v: unknown, pointer: string): WhenModel | undefined {
    if (v === undefined) return undefined;
    const span = this.span(pointer);
    if (!isPlainObject(v)) return { operator: 'in', key: {}, values: [], raw: v, span };
    const operator = 'not_in' in v ? 'not_in' : 'in';
    const cond = v[operator];
    const c = isPlainObject(cond) ? cond : {};
    return {
      operator,
      key: this.operand(c.key, `${pointer}/${operator}/key`),
      values: Array.isArray(c.values) ? c.values.map((x, i) => this.operand(x, `${pointer}/${operator}/values/${i}`)) : (c.values as WhenOperand[]),
      raw: v,
      span,
    };
  }

  display(v: unknown, pointer: string): PlanModel['display'] {
    const span = this.span(pointer);
    if (!isPlainObject(v)) return { pages: v as DisplayPage[], span };
    const pages = v.pages;
    if (!Array.isArray(pages)) return { pages: pages as DisplayPage[], span };
    return {
      span,
      pages: pages.map((p, pi): DisplayPage => {
        const pp = `${pointer}/pages/${pi}`;
        if (!isPlainObject(p)) return p as DisplayPage;
        const groups = Array.isArray(p.groups)
          ? p.groups.map((g, gi): DisplayGroup => {
              const gp = `${pp}/groups/${gi}`;
              if (!isPlainObject(g)) return g as DisplayGroup;
              const parameters = Array.isArray(g.parameters)
                ? g.parameters.map((x, xi): DisplayParam => (isPlainObject(x) ? { ...(x as object), span: this.span(`${gp}/parameters/${xi}`), fieldSpans: this.fieldSpans(`${gp}/parameters/${xi}`, x) } as DisplayParam : (x as DisplayParam)))
                : (g.parameters as DisplayParam[]);
              return { name: g.name as string, index: g.index as number | undefined, parameters, when: this.when(g.when, `${gp}/when`), span: this.span(gp), fieldSpans: this.fieldSpans(gp, g) };
            })
          : (p.groups as DisplayGroup[]);
        return { name: p.name as string, index: p.index as number | undefined, groups, span: this.span(pp), fieldSpans: this.fieldSpans(pp, p) };
      }),
    };
  }

  /** Reads one `schemas.service_instance.<section>.parameters` (SAAS-052/053). */
  section(schemas: Record<string, unknown>, group: 'service_instance' | 'service_binding', name: string, pointer: string, planLabel: string): Record<string, unknown> {
    const g = schemas[group];
    const base = `${pointer}/${group}/${name}`;
    const sec = isPlainObject(g) ? g[name] : undefined;
    if (!isPlainObject(sec) || !isPlainObject(sec.parameters)) {
      this.report('SAAS-052', `${planLabel}: schemas.${group}.${name}.parameters is missing; all four sections must be declared, even if empty.`, this.span(isPlainObject(sec) ? base : isPlainObject(g) ? `${pointer}/${group}` : pointer), 'error', `Add "${name}": {"parameters": {${group === 'service_instance' ? `"$schema": "${DRAFT4}", ` : ''}"type": "object", "properties": {}}}.`);
      return {};
    }
    const params = sec.parameters;
    const pp = `${base}/parameters`;
    if (group === 'service_instance' && params.$schema !== DRAFT4) this.report('SAAS-053', `${planLabel}: ${group}.${name}.parameters needs "$schema": "${DRAFT4}".`, this.span(pp));
    if (params.type !== 'object') this.report('SAAS-053', `${planLabel}: ${group}.${name}.parameters needs "type": "object".`, this.span(pp));
    if (!isPlainObject(params.properties)) {
      this.report('SAAS-053', `${planLabel}: ${group}.${name}.parameters needs a "properties" object.`, this.span(pp));
      return {};
    }
    return params.properties;
  }

  plan(v: unknown, pointer: string): PlanModel {
    const span = this.span(pointer);
    if (!isPlainObject(v)) {
      this.report('SAAS-023', `A plan must be an object, got ${describeType(v)}.`, span);
      return { span, options: [], display: { pages: [] }, billing: {} } as unknown as PlanModel;
    }
    const label = `Plan ${JSON.stringify(v.name ?? '?')}`;
    const extra = this.unknownKeys(pointer, v, new Set([...PLAN_KEYS, ...MISPLACED_BILLING]), label);
    const billingRaw = isPlainObject(v.billing) ? v.billing : undefined;
    const misplaced: Record<string, unknown> = {};
    for (const k of MISPLACED_BILLING) if (k in v) misplaced[k] = v[k];
    const billing: PlanModel['billing'] = billingRaw
      ? {
          cost: billingRaw.cost as number,
          refundable: (billingRaw.refundable ?? misplaced.refundable) as boolean | undefined,
          billing_cycle_flat: (billingRaw.billing_cycle_flat ?? misplaced.billing_cycle_flat) as string | undefined,
          billing_cycle_step: (billingRaw.billing_cycle_step ?? misplaced.billing_cycle_step) as string | undefined,
          misplaced: Object.keys(misplaced).length ? misplaced : undefined,
          extra: this.unknownKeys(`${pointer}/billing`, billingRaw, BILLING_KEYS, `${label} billing`),
          span: this.span(`${pointer}/billing`),
          fieldSpans: this.fieldSpans(`${pointer}/billing`, billingRaw),
        }
      : (v.billing as PlanModel['billing']);
    if (billing && Object.keys(misplaced).length) billing.misplaced = misplaced;
    const schemas = isPlainObject(v.schemas) ? v.schemas : undefined;
    if (v.schemas !== undefined && !schemas) this.report('SAAS-052', `${label}: schemas must be an object.`, this.span(`${pointer}/schemas`));
    if (v.schemas === undefined) this.report('SAAS-023', `${label} is missing the required field schemas.`, span);
    const sp = `${pointer}/schemas`;
    const create = schemas ? this.section(schemas, 'service_instance', 'create', sp, label) : {};
    const update = schemas ? this.section(schemas, 'service_instance', 'update', sp, label) : {};
    const usages = schemas ? this.section(schemas, 'service_instance', 'resource_usages', sp, label) : {};
    const binding = schemas ? this.section(schemas, 'service_binding', 'create', sp, label) : {};
    const billingOptions = billingRaw && isPlainObject(billingRaw.options) ? billingRaw.options : {};
    const options: PlanOption[] = [];
    const names = [...new Set([...Object.keys(create), ...Object.keys(update), ...Object.keys(usages)])];
    for (const name of names) {
      const actions: OptionAction[] = [];
      if (name in create) actions.push('create');
      if (name in update) actions.push('update');
      if (name in usages) actions.push('resource_usages');
      const where = name in create ? 'create' : name in update ? 'update' : 'resource_usages';
      const schema = ({ create, update, resource_usages: usages } as Record<string, Record<string, unknown>>)[where]![name] as OptionSchema;
      const op = `${sp}/service_instance/${where}/parameters/properties/${escape(name)}`;
      const option: OptionModel = { name, actions, schema, billing: billingOptions[name] as OptionModel['billing'], span: this.span(op) };
      const po: PlanOption = { name, option, span: this.span(op) };
      if (name in create && name in update && stableStringify(create[name]) !== stableStringify(update[name])) po.updateSchema = update[name] as OptionSchema;
      options.push(po);
    }
    for (const name of Object.keys(billingOptions)) {
      if (names.includes(name)) continue;
      const op = `${pointer}/billing/options/${escape(name)}`;
      options.push({ name, option: { name, actions: [], schema: {} as OptionSchema, billing: billingOptions[name] as OptionModel['billing'], span: this.span(op) }, span: this.keySpan(op), billingOnly: true });
    }
    return {
      id: v.id as string,
      revision: v.revision as string,
      name: v.name as string,
      description: v.description as string,
      free: v.free as boolean,
      plan_updateable: v.plan_updateable as boolean | undefined,
      metadata: v.metadata as PlanModel['metadata'],
      billing,
      options,
      display: v.display === undefined ? (undefined as unknown as PlanModel['display']) : this.display(v.display, `${pointer}/display`),
      bindingProperties: binding,
      extra,
      span,
      fieldSpans: { ...this.fieldSpans(pointer, v), ...Object.fromEntries(Object.keys(v).map((k) => [k, this.span(`${pointer}/${escape(k)}`)])) },
    };
  }

  service(v: unknown, pointer: string, serviceName: string): ServiceModel | undefined {
    const span = this.span(pointer);
    if (!isPlainObject(v)) {
      this.report('SAAS-003', `services[] must hold service objects, got ${describeType(v)}.`, span, 'error', undefined, 'tools-for-using-services/vendor-account/manage-apps/saas_add/saas_configure/saas_json/saas_json.md');
      return undefined;
    }
    const extra = this.unknownKeys(pointer, v, SERVICE_KEYS, 'The service');
    // The IR holds preview as the parameters array, so a bare array (the wrong shape) is reported here.
    const previewParams = isPlainObject(v.preview) && Array.isArray(v.preview.parameters) ? { list: v.preview.parameters, at: `${pointer}/preview/parameters` } : Array.isArray(v.preview) ? { list: v.preview, at: `${pointer}/preview` } : undefined;
    if (Array.isArray(v.preview)) {
      this.report('SAAS-019', 'preview is an array; it must be an object whose "parameters" key holds that array.', this.span(`${pointer}/preview`), 'error', 'Write "preview": {"parameters": [{"name": "<option>"}, …]}.', 'tools-for-using-services/vendor-account/manage-apps/saas_add/saas_configure/saas_preview/saas_preview.md#saas_preview');
    }
    const preview = previewParams
      ? previewParams.list.map((p, i) => (isPlainObject(p) ? ({ ...(p as object), span: this.span(`${previewParams.at}/${i}`) } as DisplayParam) : (p as DisplayParam)))
      : (v.preview as DisplayParam[] | undefined);
    const plans = Array.isArray(v.plans) ? v.plans.map((p, i) => this.plan(p, `${pointer}/plans/${i}`)) : (v.plans as PlanModel[]);
    return {
      kind: 'saas',
      serviceName,
      id: v.id as string,
      revision: v.revision as string,
      name: v.name as string,
      short_description: v.short_description as string,
      full_description: { text: v.full_description as string },
      icon: v.icon as string,
      help: v.help as string,
      singleton: v.singleton as boolean | undefined,
      auto_bind: v.auto_bind as boolean | undefined,
      bindable: v.bindable as boolean,
      plan_updateable: v.plan_updateable as boolean,
      deactivatable: v.deactivatable as boolean,
      bindings_retrievable: v.bindings_retrievable as boolean,
      instances_retrievable: v.instances_retrievable as boolean,
      metadata: v.metadata as ServiceModel['metadata'],
      preview: preview as DisplayParam[],
      options: [],
      plans,
      extra,
      span,
      fieldSpans: this.fieldSpans(pointer, v),
    };
  }
}

const escape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** SERVICE_NAME from `catalog_<SERVICE_NAME>.json`. */
export function serviceNameOf(path: string): string {
  const m = /^catalog_(.+)\.json$/.exec(basename(path));
  return m ? m[1]! : basename(path).replace(/\.json$/, '');
}

/** Parses `.env` (dotenv `KEY=value` lines). */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m || line.trimStart().startsWith('#')) continue;
    let value = m[2]!;
    if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) value = value.slice(1, -1);
    out[m[1]!] = value;
  }
  return out;
}

/** Reads a SaaS catalog (and its plan mapping and .env, when given) into the IR. */
export function readSaasCatalog(input: SaasInput): ReadResult<CatalogModel> {
  const diagnostics: Diagnostic[] = [];
  const serviceName = serviceNameOf(input.catalog.path);
  const doc = parseJsonFile(input.catalog.path, input.catalog.bytes, 'SAAS-002', diagnostics);
  const reader = new Reader(doc, input.catalog.path);
  const catalog: CatalogModel = { serviceName, services: [], sourceFile: input.catalog.path, span: reader.span('') };
  const root = doc.value;
  if (!isPlainObject(root) || !Array.isArray(root.services)) {
    if (root !== undefined) reader.report('SAAS-003', 'The catalog root must be an object {"services": [ … ]}.', reader.span(''), 'error', undefined, 'tools-for-using-services/vendor-account/manage-apps/saas_add/saas_configure/saas_json/saas_json.md');
  } else {
    reader.unknownKeys('', root, new Set(['services']), 'The catalog root');
    root.services.forEach((s, i) => {
      const model = reader.service(s, `/services/${i}`, serviceName);
      if (model) catalog.services.push(model);
    });
  }
  if (input.planMapping) {
    const pm = parseJsonFile(input.planMapping.path, input.planMapping.bytes, 'SAAS-059', diagnostics);
    catalog.planMapping = { value: pm.value, span: pm.spans.get('') ?? { file: input.planMapping.path, line: 1, column: 1 }, file: input.planMapping.path };
  }
  if (input.env) catalog.env = { values: parseDotenv(new TextDecoder().decode(input.env.bytes)), file: input.env.path };
  return { value: catalog, diagnostics: [...diagnostics, ...reader.diagnostics] };
}
