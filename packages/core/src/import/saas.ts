/**
 * import (SaaS): a catalog (+ `plan_mapping.json`) → idiomatic DSL source, the inverse
 * of the SaaS emitter. One `options({...})` set per service entry; a plan that defines
 * an option differently from the first plan that has it uses `o.x.with({...})`; the
 * wizard becomes `page`/`group`/`when`; options outside the wizard become
 * `hiddenOptions`; undocumented fields go through `raw` with a warning naming them.
 *
 * The result also carries the JSON that `vkmp build` must reproduce: the input after
 * the corrections vkmp applies on emit (see `normalize.ts`).
 */
import type { Diagnostic, Span } from '../diagnostics.js';
import { hasErrors } from '../diagnostics.js';
import type { DisplayGroup, DisplayPage, PlanModel, PlanOption, ServiceModel, WhenModel, WhenOperand } from '../model/types.js';
import { parseJson } from '../read/json.js';
import { readSaasCatalog, type SaasInput } from '../read/saas.js';
import { decodeUtf8 } from '../read/text.js';
import { allRules } from '../rules/index.js';
import { runRules } from '../rules/engine.js';
import { canonicalPeriod, parsePeriod } from '../util/period.js';
import { isPlainObject } from '../util/strings.js';
import { renderSource, type Statement } from './codegen.js';
import { arr, call, cast, code, json, member, numberLiteral, obj, prop, str, stringLiteral, type Expr, type Prop } from './expr.js';
import { escapePointer, normalizeCatalogJson, normalizePlanMapping, orderByIndex } from './normalize.js';
import { isEnum, mapOption, optionExpr, overridesExpr, overridesOf, valueKind, type OptionMapping, type OptionSpec } from './options.js';

export interface SaasImportOptions {
  /**
   * Import even when the catalog has rule errors or values the DSL cannot express.
   * Errors become warnings; inexpressible values are dropped (each named) and the
   * generated code may not type-check.
   */
  allowInvalid?: boolean;
}

/** What `vkmp build` on the generated project must write, for one SERVICE_NAME. */
export interface ExpectedCatalog {
  serviceName: string;
  /** The input catalog after vkmp's emit corrections. */
  catalog: unknown;
  /** The input `plan_mapping.json` after corrections; undefined when there was none. */
  planMapping?: unknown;
  catalogFile: string;
  planMappingFile?: string;
  /** Span of a JSON pointer in the catalog (or, with `mapping`, in plan_mapping.json). */
  locate(pointer: string, mapping?: boolean): Span | undefined;
}

export interface SaasImportResult {
  /** False when an error blocks the import (nothing should be written). */
  ok: boolean;
  serviceName: string;
  /** Generated files, relative to the project root (`services/<name>/service.ts`, …). */
  files: Map<string, string>;
  expected: ExpectedCatalog;
  diagnostics: Diagnostic[];
}

const DOCS = 'README.md#vkmp-import';

class Reporter {
  readonly diagnostics: Diagnostic[] = [];
  constructor(
    private readonly allowInvalid: boolean,
    readonly locate: (pointer: string) => Span | undefined,
  ) {}

  /** Something the DSL cannot express: an error, or with allowInvalid a warning (and the value is dropped). */
  inexpressible(pointer: string, message: string, hint?: string): void {
    this.diagnostics.push({
      code: 'IMPORT-001',
      severity: this.allowInvalid ? 'warning' : 'error',
      message: `${message}${this.allowInvalid ? ' It is left out of the generated code.' : ''}`,
      hint: hint ?? (this.allowInvalid ? undefined : 'Fix the catalog, or pass --allow-invalid to import the rest and fix it in TypeScript.'),
      span: this.locate(pointer),
      docs: DOCS,
    });
  }

  warn(code: string, pointer: string, message: string, hint?: string): void {
    this.diagnostics.push({ code, severity: 'warning', message, hint, span: this.locate(pointer), docs: DOCS });
  }
}

/** `locate` for a parsed document: the span of the pointer, or of its nearest ancestor. */
function locator(spans: Map<string, Span>, file: string): (pointer: string) => Span | undefined {
  return (pointer) => {
    let p = pointer;
    for (;;) {
      const span = spans.get(p);
      if (span) return span;
      if (!p) return { file, line: 1, column: 1 };
      p = p.slice(0, p.lastIndexOf('/'));
    }
  };
}

interface SetEntry {
  name: string;
  spec: OptionSpec;
  /** The plan whose definition is the base. */
  plan: unknown;
  /** Enum values over every plan (the base's first). */
  enumValues?: unknown[];
}

interface PlanUse {
  /** The option's expression in this plan (`o.x` or `o.x.with({...})`), or undefined when it cannot be generated. */
  expr?: Expr;
}

class ServiceWriter {
  readonly imports = new Set<string>(['options', 'option', 'saas']);
  private readonly set = new Map<string, SetEntry>();
  private readonly uses: Map<string, PlanUse>[] = [];
  private readonly mappings = new Map<string, OptionMapping>();

  constructor(
    private readonly r: Reporter,
    private readonly service: ServiceModel,
    private readonly pointer: string,
    private readonly optionsVar: string,
    private readonly planIdOf: (plan: PlanModel, pointer: string) => Expr,
    private readonly description: Expr,
    /** Import what can be imported when parts are inexpressible (--allow-invalid). */
    private readonly lossy: boolean,
  ) {}

  private ref(name: string): string {
    return member(this.optionsVar, name);
  }

  private optionPointer(planPointer: string, o: PlanOption): string {
    const where = o.option.actions[0] ?? 'create';
    const section = o.billingOnly ? `${planPointer}/billing/options` : `${planPointer}/schemas/service_instance/${where}/parameters/properties`;
    return `${section}/${escapePointer(o.name)}`;
  }

  private displayNames(plan: PlanModel): string[] {
    const names: string[] = [];
    const pages = Array.isArray(plan.display?.pages) ? plan.display.pages : [];
    for (const p of pages) for (const g of Array.isArray(p?.groups) ? p.groups : []) for (const x of Array.isArray(g?.parameters) ? g.parameters : []) if (typeof x?.name === 'string') names.push(x.name);
    return names;
  }

  private orderedOptions(plan: PlanModel): PlanOption[] {
    const byName = new Map(plan.options.map((o) => [o.name, o]));
    const out: PlanOption[] = [];
    for (const n of this.displayNames(plan)) {
      const o = byName.get(n);
      if (o && !out.includes(o)) out.push(o);
    }
    for (const o of plan.options) if (!out.includes(o)) out.push(o);
    return out;
  }

  private mapping(planIndex: number, planPointer: string, o: PlanOption): OptionMapping {
    const key = `${planIndex}\u0000${o.name}`;
    let m = this.mappings.get(key);
    if (!m) {
      m = mapOption(o.option);
      const where = this.optionPointer(planPointer, o);
      for (const problem of m.inexpressible) this.r.inexpressible(where, `Option "${o.name}": ${problem} cannot be expressed in the DSL.`);
      if (o.updateSchema) this.r.inexpressible(`${planPointer}/schemas/service_instance/update/parameters/properties/${escapePointer(o.name)}`, `Option "${o.name}" is defined differently in create and update (SAAS-071); the DSL emits one definition for both.`);
      if (m.spec && m.rawKeys.length) {
        this.r.warn('IMPORT-002', where, `Option "${o.name}": ${m.rawKeys.map((k) => `"${k}"`).join(', ')} ${m.rawKeys.length === 1 ? 'goes' : 'go'} through the raw escape hatch (not a field of option.${m.spec.ctor}).`, 'vkmp passes raw keywords through unchecked; remove them unless Marketplace documented them for you.');
      }
      for (const t of m.typeMismatches) this.r.warn('IMPORT-006', where, `Option "${o.name}": ${t}; the generated code will not type-check until it is fixed.`);
      this.mappings.set(key, m);
    }
    return m;
  }

  /** Builds the option set and each plan's option expressions. */
  analyse(): void {
    const plans = Array.isArray(this.service.plans) ? this.service.plans : [];
    plans.forEach((plan, pi) => {
      if (!plan || !Array.isArray(plan.options)) return;
      const pp = `${this.pointer}/plans/${pi}`;
      for (const o of this.orderedOptions(plan)) {
        const m = this.mapping(pi, pp, o);
        if (m.spec && !this.set.has(o.name) && (m.inexpressible.length === 0 || this.lossy)) {
          this.set.set(o.name, { name: o.name, spec: m.spec, plan: plan.name, enumValues: isEnum(m.spec.ctor) && Array.isArray(m.spec.fields.values) ? [...m.spec.fields.values] : undefined });
        }
      }
    });
    plans.forEach((plan, pi) => {
      const uses = new Map<string, PlanUse>();
      this.uses[pi] = uses;
      if (!plan || !Array.isArray(plan.options)) return;
      const pp = `${this.pointer}/plans/${pi}`;
      for (const o of plan.options) {
        const m = this.mapping(pi, pp, o);
        const entry = this.set.get(o.name);
        if (!m.spec || !entry) continue;
        if (m.inexpressible.length && !this.lossy) continue;
        const r = overridesOf(entry.spec, m.spec);
        if ('conflict' in r) {
          this.r.inexpressible(
            this.optionPointer(pp, o),
            `Option "${o.name}" has ${r.conflict} (plans ${JSON.stringify(entry.plan)} and ${JSON.stringify(plan.name)}). One options({...}) set per service cannot express both: per-plan overrides (.with) cannot change an option's constructor, actions or raw keywords.`,
            this.lossy ? undefined : "Give the plans one definition of the option, or pass --allow-invalid to use the first plan's definition everywhere.",
          );
          uses.set(o.name, { expr: code(this.ref(o.name)) });
          continue;
        }
        if (entry.enumValues && Array.isArray(r.overrides.values)) {
          for (const v of r.overrides.values) if (!entry.enumValues.some((x) => x === v)) entry.enumValues.push(v);
        }
        const keys = Object.keys(r.overrides);
        uses.set(o.name, { expr: keys.length ? call(`${this.ref(o.name)}.with`, [overridesExpr(r.overrides)]) : code(this.ref(o.name)) });
      }
    });
  }

  /** The type argument that widens an enum to the values every plan uses, when needed. */
  private typeArgs(entry: SetEntry): string | undefined {
    const base = entry.spec.fields.values;
    if (!entry.enumValues || !Array.isArray(base) || entry.enumValues.length === base.length) return undefined;
    return entry.enumValues.map((v) => (typeof v === 'string' ? stringLiteral(v) : typeof v === 'number' ? numberLiteral(v) : 'never')).join(' | ');
  }

  optionsExpr(): Expr {
    return call('options', [obj([...this.set.values()].map((e) => prop(e.name, optionExpr(e.spec, this.typeArgs(e)))), true)]);
  }

  /** Whether an operand value has the key option's value type. */
  private fits(entry: SetEntry, value: unknown): boolean {
    const kind = valueKind(entry.spec.ctor);
    if (typeof value !== kind) return false;
    return !entry.enumValues || entry.enumValues.some((v) => v === value);
  }

  private whenExpr(w: WhenModel, pointer: string): Expr | undefined {
    const key = w.key as WhenOperand | undefined;
    if (!key || typeof key.param !== 'string') {
      this.r.inexpressible(`${pointer}/${w.operator}/key`, 'A `when` whose key is a constant (or missing) cannot be expressed: when.in/notIn take an option as the key.');
      return undefined;
    }
    const keyEntry = this.set.get(key.param);
    if (!keyEntry) {
      this.r.inexpressible(`${pointer}/${w.operator}/key`, `The \`when\` key "${key.param}" is not an option of this service.`);
      return undefined;
    }
    if (!Array.isArray(w.values) || w.values.length === 0) {
      this.r.inexpressible(`${pointer}/${w.operator}/values`, 'A `when` without values cannot be expressed (SAAS-036).');
      return undefined;
    }
    const values: Expr[] = [];
    w.values.forEach((v, i) => {
      const vp = `${pointer}/${w.operator}/values/${i}`;
      if (isPlainObject(v) && typeof v.param === 'string') {
        const entry = this.set.get(v.param);
        if (!entry) return this.r.inexpressible(vp, `The \`when\` operand "${v.param}" is not an option of this service.`);
        const compatible = valueKind(entry.spec.ctor) === valueKind(keyEntry.spec.ctor) && (!keyEntry.enumValues || (entry.enumValues?.every((x) => keyEntry.enumValues!.includes(x)) ?? false));
        if (!compatible) this.r.warn('IMPORT-007', vp, `The \`when\` operand option "${v.param}" has another value type than the key "${key.param}"; the generated code casts it (as never).`);
        values.push(compatible ? code(this.ref(v.param)) : cast(code(this.ref(v.param)), 'never'));
        return;
      }
      const value = isPlainObject(v) ? v.const : undefined;
      if (!this.fits(keyEntry, value)) {
        this.r.warn('IMPORT-007', vp, `The \`when\` value ${JSON.stringify(value)} is not a value of option "${key.param}" (SAAS-040); the generated code casts it (as never).`);
        values.push(cast(json(value), 'never'));
      } else values.push(json(value));
    });
    this.imports.add('when');
    return call(`when.${w.operator === 'not_in' ? 'notIn' : 'in'}`, [code(this.ref(key.param)), arr(values)]);
  }

  private wizard(plan: PlanModel, pi: number, pp: string): Expr | undefined {
    const pages = Array.isArray(plan.display?.pages) ? plan.display.pages : [];
    if (!pages.length) return undefined;
    const uses = this.uses[pi]!;
    this.imports.add('page');
    const ordered = orderByIndex(pages, (p: DisplayPage) => p?.index);
    return arr(
      ordered.map((page) => {
        const pgp = `${pp}/display/pages/${pages.indexOf(page)}`;
        const groups = Array.isArray(page?.groups) ? page.groups : [];
        const groupExprs = orderByIndex(groups, (g: DisplayGroup) => g?.index).map((g) => {
          this.imports.add('group');
          const gp = `${pgp}/groups/${groups.indexOf(g)}`;
          const params = Array.isArray(g?.parameters) ? g.parameters : [];
          const refs: Expr[] = [];
          for (const x of orderByIndex(params, (p) => p?.index)) {
            const name = x?.name;
            const use = typeof name === 'string' ? uses.get(name) : undefined;
            if (use?.expr) refs.push(use.expr);
            else if (typeof name === 'string' && this.set.has(name)) refs.push(code(this.ref(name)));
            else this.r.inexpressible(`${gp}/parameters/${params.indexOf(x)}`, `The wizard option ${JSON.stringify(name)} is not an option of this plan that the DSL can generate.`);
          }
          const args: Expr[] = [json(g?.name), arr(refs)];
          const w = g?.when ? this.whenExpr(g.when, `${gp}/when`) : undefined;
          if (w) args.push(obj([prop('when', w)]));
          return call('group', args);
        });
        return call('page', [json(page?.name), arr(groupExprs, groupExprs.length > 1)]);
      }),
      ordered.length > 1,
    );
  }

  private planExpr(plan: PlanModel, pi: number): Expr {
    const pp = `${this.pointer}/plans/${pi}`;
    const props: Prop[] = [
      prop('id', json(plan.id)),
      prop('revision', json(plan.revision)),
      prop('name', json(plan.name)),
      prop('description', json(plan.description)),
      prop('free', json(plan.free)),
      prop('planId', this.planIdOf(plan, pp)),
    ];
    if (plan.plan_updateable !== undefined) props.push(prop('planUpdateable', json(plan.plan_updateable)));
    if (plan.metadata !== undefined) props.push(prop('metadata', this.namespaces(plan.metadata, `${pp}/metadata`)));
    props.push(prop('billing', this.billing(plan, pp)));
    const wizard = this.wizard(plan, pi, pp);
    if (wizard) props.push(prop('wizard', wizard));
    const shown = new Set(this.displayNames(plan));
    const hidden: Expr[] = [];
    for (const o of Array.isArray(plan.options) ? plan.options : []) {
      if (shown.has(o.name)) continue;
      const use = this.uses[pi]?.get(o.name);
      if (use?.expr) hidden.push(use.expr);
    }
    if (hidden.length) props.push(prop('hiddenOptions', arr(hidden)));
    const binding = plan.bindingProperties;
    if (isPlainObject(binding) && Object.keys(binding).length) {
      for (const [k, v] of Object.entries(binding)) if (!isPlainObject(v)) this.r.warn('IMPORT-006', `${pp}/schemas/service_binding/create/parameters/properties/${escapePointer(k)}`, `Binding parameter "${k}" is not an object; the generated code will not type-check until it is fixed.`);
      props.push(prop('bindingParameters', json(binding)));
    }
    if (plan.extra && Object.keys(plan.extra).length) {
      props.push(prop('raw', json(plan.extra)));
      this.r.warn('IMPORT-002', pp, `Plan ${JSON.stringify(plan.name)}: ${Object.keys(plan.extra).map((k) => `"${k}"`).join(', ')} ${Object.keys(plan.extra).length === 1 ? 'is' : 'are'} not documented and ${Object.keys(plan.extra).length === 1 ? 'goes' : 'go'} through the raw escape hatch.`, 'vkmp passes raw fields through unchecked; remove them unless Marketplace documented them for you.');
    }
    return call('saas.plan', [obj(props, true)]);
  }

  private namespaces(m: unknown, pointer: string): Expr {
    if (!isPlainObject(m)) return json(m);
    const extra = Object.keys(m).filter((k) => k !== 'test_ns' && k !== 'prod_ns');
    if (extra.length) this.r.inexpressible(pointer, `metadata keys ${extra.map((k) => `"${k}"`).join(', ')} cannot be expressed (SAAS-016: only test_ns and prod_ns).`);
    const props: Prop[] = [];
    if (m.test_ns !== undefined) props.push(prop('testNs', json(m.test_ns)));
    if (m.prod_ns !== undefined) props.push(prop('prodNs', json(m.prod_ns)));
    return obj(props);
  }

  private billing(plan: PlanModel, pp: string): Expr {
    const b = plan.billing;
    if (!isPlainObject(b)) return json(b);
    const period = (v: unknown) => (typeof v === 'string' && parsePeriod(v) ? str(canonicalPeriod(v)) : json(v));
    const props: Prop[] = [prop('cost', json(b.cost))];
    if (b.refundable !== undefined) props.push(prop('refundable', json(b.refundable)));
    if (b.billing_cycle_flat !== undefined) props.push(prop('period', period(b.billing_cycle_flat)));
    if (b.billing_cycle_step !== undefined) props.push(prop('usagePeriod', period(b.billing_cycle_step)));
    if (b.extra && Object.keys(b.extra).length) {
      for (const k of Object.keys(b.extra)) this.r.inexpressible(`${pp}/billing/${escapePointer(k)}`, `Plan ${JSON.stringify(plan.name)}: billing.${k} is not documented and the DSL has no escape hatch inside billing.`);
    }
    return obj(props);
  }

  /** The `saas.service({...})` expression. */
  serviceExpr(serviceName: string): Expr {
    const s = this.service;
    const sp = this.pointer;
    const props: Prop[] = [
      prop('serviceName', str(serviceName)),
      prop('id', json(s.id)),
      prop('revision', json(s.revision)),
      prop('name', json(s.name)),
      prop('shortDescription', json(s.short_description)),
      prop('fullDescription', this.description),
    ];
    if (s.singleton !== undefined) props.push(prop('singleton', json(s.singleton)));
    if (s.auto_bind !== undefined) props.push(prop('autoBind', json(s.auto_bind)));
    props.push(
      prop('icon', json(s.icon)),
      prop('help', json(s.help)),
      prop('bindable', json(s.bindable)),
      prop('planUpdateable', json(s.plan_updateable)),
      prop('deactivatable', json(s.deactivatable)),
      prop('bindingsRetrievable', json(s.bindings_retrievable)),
      prop('instancesRetrievable', json(s.instances_retrievable)),
    );
    if (s.metadata !== undefined) props.push(prop('metadata', this.namespaces(s.metadata, `${sp}/metadata`)));
    if (s.extra && Object.keys(s.extra).length) {
      props.push(prop('raw', json(s.extra)));
      this.r.warn('IMPORT-002', sp, `The service: ${Object.keys(s.extra).map((k) => `"${k}"`).join(', ')} ${Object.keys(s.extra).length === 1 ? 'is' : 'are'} not documented and ${Object.keys(s.extra).length === 1 ? 'goes' : 'go'} through the raw escape hatch.`, 'vkmp passes raw fields through unchecked; remove them unless Marketplace documented them for you.');
    }
    props.push(prop('options', code(this.optionsVar)));
    const preview: Expr[] = [];
    (Array.isArray(s.preview) ? s.preview : []).forEach((p, i) => {
      const name = p?.name;
      if (typeof name === 'string' && this.set.has(name)) preview.push(code(this.ref(name)));
      else this.r.inexpressible(`${sp}/preview/parameters/${i}`, `The preview option ${JSON.stringify(name)} is not an option of any plan (SAAS-020).`);
    });
    if (preview.length) props.push(prop('preview', arr(preview)));
    const plans = Array.isArray(s.plans) ? s.plans : [];
    props.push(prop('plans', arr(plans.map((p, i) => this.planExpr(p, i)), true)));
    return call('saas.service', [obj(props, true)]);
  }
}

/** Code-safe text of a full description: a file unless a file cannot hold it exactly. */
function fileCanHold(text: string): boolean {
  // The loader strips one trailing newline from description files, and files are UTF-8.
  return !text.endsWith('\r') && (text as string & { isWellFormed?: () => boolean }).isWellFormed?.() !== false;
}

/** Imports one SaaS catalog: DSL source for `services/<SERVICE_NAME>/`, diagnostics and the JSON to reproduce. */
export async function importSaasCatalog(input: SaasInput, options: SaasImportOptions = {}): Promise<SaasImportResult> {
  const allowInvalid = options.allowInvalid ?? false;
  const read = readSaasCatalog({ catalog: input.catalog, planMapping: input.planMapping });
  const catalog = read.value;
  const serviceName = catalog.serviceName;
  const doc = parseJson(decodeUtf8(input.catalog.bytes, input.catalog.path).text, input.catalog.path);
  const mappingDoc = input.planMapping ? parseJson(decodeUtf8(input.planMapping.bytes, input.planMapping.path).text, input.planMapping.path) : undefined;
  const locateCatalog = locator(doc.spans, input.catalog.path);
  const locateMapping = mappingDoc && input.planMapping ? locator(mappingDoc.spans, input.planMapping.path) : undefined;
  const r = new Reporter(allowInvalid, locateCatalog);

  // The input's own defects, by the same rules `vkmp validate` runs — with the keywords the
  // generated code passes through `raw` marked as such, as the DSL marks them.
  for (const service of catalog.services) {
    for (const plan of Array.isArray(service.plans) ? service.plans : []) {
      for (const o of Array.isArray(plan?.options) ? plan.options : []) {
        const rawKeys = mapOption(o.option).rawKeys;
        if (rawKeys.length) o.option.rawKeys = rawKeys;
      }
    }
  }
  const inputDiagnostics = [...read.diagnostics, ...runRules({ catalogs: [catalog], packages: [] }, allRules())];
  const inputErrors = inputDiagnostics.filter((d) => d.severity === 'error');
  const diagnostics: Diagnostic[] = allowInvalid
    ? inputErrors.map((d) => ({ ...d, severity: 'warning' as const, message: `${d.message} (imported anyway: --allow-invalid)` }))
    : inputErrors;

  const normalized = normalizeCatalogJson(doc.value);
  const planIds = catalog.services.flatMap((s) => (Array.isArray(s.plans) ? s.plans.map((p) => p?.id).filter((id): id is string => typeof id === 'string') : []));
  const normalizedMapping = mappingDoc ? normalizePlanMapping(mappingDoc.value, serviceName, planIds) : undefined;
  const expected: ExpectedCatalog = {
    serviceName,
    catalog: normalized.value,
    planMapping: normalizedMapping?.value,
    catalogFile: input.catalog.path,
    planMappingFile: input.planMapping?.path,
    locate: (pointer, mapping) => (mapping ? locateMapping?.(pointer) : locateCatalog(pointer)),
  };
  const files = new Map<string, string>();
  const root = doc.value;
  if (!isPlainObject(root) || !Array.isArray(root.services) || catalog.services.length === 0) {
    diagnostics.push({ code: 'IMPORT-001', severity: 'error', message: `${input.catalog.path} holds no service to import (expected {"services": [ … ]}).`, span: locateCatalog(''), docs: DOCS });
    return { ok: false, serviceName, files, expected, diagnostics };
  }
  for (const key of Object.keys(root)) if (key !== 'services') r.inexpressible(`/${escapePointer(key)}`, `The catalog root key "${key}" cannot be expressed (vkmp emits only "services").`);
  for (const c of normalized.corrections) r.warn('IMPORT-003', c.pointer, `${c.message} [${c.code}]`);
  for (const c of normalizedMapping?.corrections ?? []) {
    r.diagnostics.push({ code: 'IMPORT-003', severity: 'warning', message: `${c.message} [${c.code}]`, span: locateMapping?.(c.pointer), docs: DOCS });
  }

  const mappingValue = mappingDoc?.value;
  const inner = isPlainObject(mappingValue) && isPlainObject(mappingValue[serviceName]) ? mappingValue[serviceName] : undefined;
  let warnedNoMapping = false;
  const planIdOf = (plan: PlanModel, pointer: string): Expr => {
    const id = plan?.id;
    if (inner && typeof id === 'string' && Object.hasOwn(inner, id)) {
      const v = inner[id];
      if (typeof v === 'string' || typeof v === 'number') return json(v);
      r.inexpressible(pointer, `plan_mapping.json maps plan ${id} to ${JSON.stringify(v)}; planId is a string or a number (SAAS-062).`);
      return json(plan.name);
    }
    if (!input.planMapping) {
      if (!warnedNoMapping) r.warn('IMPORT-004', '', `No plan_mapping.json beside ${input.catalog.path}: each plan's planId is set to its name.`, 'Set planId to the SaaS-side plan ID of each plan; it becomes the value in plan_mapping.json.');
      warnedNoMapping = true;
    } else {
      r.warn('IMPORT-004', pointer, `plan_mapping.json has no entry for plan ${JSON.stringify(id)} under "${serviceName}"; its planId is set to its name.`, 'Set planId to the SaaS-side plan ID.');
    }
    return json(plan?.name);
  };

  const dir = `services/${serviceName}`;
  const many = catalog.services.length > 1;
  const descriptionFiles = new Map<string, string>();
  const statements: Statement[] = [];
  const imports = new Set<string>();
  const exported: string[] = [];
  // The reader skips services[] entries that are not objects (SAAS-003); keep pointers right.
  const serviceIndexes = root.services.map((s, k) => (isPlainObject(s) ? k : -1)).filter((k) => k >= 0);
  catalog.services.forEach((service, i) => {
    const sp = `/services/${serviceIndexes[i]}`;
    const text = service.full_description?.text as unknown;
    let description: Expr;
    if (typeof text === 'string' && fileCanHold(text)) {
      let fileName = [...descriptionFiles.entries()].find(([, t]) => t === text)?.[0];
      if (!fileName) {
        fileName = descriptionFiles.size === 0 ? 'full_description.md' : `full_description.${i + 1}.md`;
        descriptionFiles.set(fileName, text);
      }
      description = call('file', [str(`./${fileName}`)]);
      imports.add('file');
    } else description = json(text);
    const optionsVar = many ? `o${i + 1}` : 'o';
    const w = new ServiceWriter(r, service, sp, optionsVar, planIdOf, description, allowInvalid);
    w.analyse();
    const optionsExpr = w.optionsExpr();
    const serviceExpr = w.serviceExpr(serviceName);
    for (const name of w.imports) imports.add(name);
    const label = `${JSON.stringify(service.name)}, revision ${JSON.stringify(service.revision)}`;
    statements.push({ kind: 'const', name: optionsVar, expr: optionsExpr, doc: many ? [`Options of ${label}.`] : undefined });
    if (many) {
      const name = `service${i + 1}`;
      exported.push(name);
      statements.push({ kind: 'export-const', name, expr: serviceExpr, doc: [`${label} (services[${i}] of catalog_${serviceName}.json).`] });
    } else statements.push({ kind: 'export-default', expr: serviceExpr });
  });
  if (many) statements.push({ kind: 'export-default', expr: arr(exported.map(code)), doc: ['Every revision kept in the catalog, in catalog order.'] });

  diagnostics.push(...r.diagnostics);
  const source = await renderSource({
    header: [
      `SaaS catalog "${serviceName}", imported by \`vkmp import\` from ${baseName(input.catalog.path)}.`,
      '`vkmp build` writes it back as catalog_' + serviceName + '.json and plan_mapping.json.',
    ],
    imports: [...imports],
    statements,
  });
  files.set(`${dir}/service.ts`, source);
  for (const [name, text] of descriptionFiles) files.set(`${dir}/${name}`, `${text}\n`);
  return { ok: !hasErrors(diagnostics), serviceName, files, expected, diagnostics };
}

const baseName = (p: string): string => p.split(/[\\/]/).pop() ?? p;

export type { SaasInput };
