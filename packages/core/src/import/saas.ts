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
import type { PlanModel, PlanOption, ServiceModel } from '../model/types.js';
import { parseJson } from '../read/json.js';
import { readSaasCatalog, type SaasInput } from '../read/saas.js';
import { decodeUtf8 } from '../read/text.js';
import { allRules } from '../rules/index.js';
import { runRules } from '../rules/engine.js';
import { canonicalPeriod, parsePeriod } from '../util/period.js';
import { isPlainObject } from '../util/strings.js';
import { renderSource, type Statement } from './codegen.js';
import { arr, call, code, json, obj, prop, str, type Expr, type Prop } from './expr.js';
import { escapePointer, normalizeCatalogJson, normalizePlanMapping } from './normalize.js';
import { mapOption, type OptionMapping } from './options.js';
import { DslWriter, IMPORT_DOCS, Reporter, reportMapping, type PlanUse } from './writer.js';

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
  kind: 'saas';
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

class ServiceWriter extends DslWriter {
  private readonly uses: Map<string, PlanUse>[] = [];
  private readonly mappings = new Map<string, OptionMapping>();

  constructor(
    r: Reporter,
    private readonly service: ServiceModel,
    private readonly pointer: string,
    optionsVar: string,
    private readonly planIdOf: (plan: PlanModel, pointer: string) => Expr,
    private readonly description: Expr,
    lossy: boolean,
  ) {
    super(r, optionsVar, lossy);
    this.imports.add('saas');
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
      reportMapping(this.r, m, o.name, this.optionPointer(planPointer, o));
      if (o.updateSchema) this.r.inexpressible(`${planPointer}/schemas/service_instance/update/parameters/properties/${escapePointer(o.name)}`, `Option "${o.name}" is defined differently in create and update (SAAS-071); the DSL emits one definition for both.`);
      this.mappings.set(key, m);
    }
    return m;
  }

  /** Builds the option set (the first plan's definition is the base) and each plan's option expressions. */
  analyse(): void {
    const plans = Array.isArray(this.service.plans) ? this.service.plans : [];
    plans.forEach((plan, pi) => {
      if (!plan || !Array.isArray(plan.options)) return;
      const pp = `${this.pointer}/plans/${pi}`;
      for (const o of this.orderedOptions(plan)) {
        const m = this.mapping(pi, pp, o);
        if (m.spec && (m.inexpressible.length === 0 || this.lossy)) this.addBase(o.name, m.spec, `plan ${JSON.stringify(plan.name)}`);
      }
    });
    plans.forEach((plan, pi) => {
      const uses = new Map<string, PlanUse>();
      this.uses[pi] = uses;
      if (!plan || !Array.isArray(plan.options)) return;
      const pp = `${this.pointer}/plans/${pi}`;
      for (const o of plan.options) {
        const m = this.mapping(pi, pp, o);
        if (!m.spec || (m.inexpressible.length && !this.lossy)) continue;
        uses.set(o.name, this.useOf(o.name, m.spec, `plan ${JSON.stringify(plan.name)}`, this.optionPointer(pp, o)));
      }
    });
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
    const pages = Array.isArray(plan.display?.pages) ? plan.display.pages : [];
    const wizard = this.wizardExpr(pages, this.uses[pi] ?? new Map(), (_node, path) => `${pp}/display${path}`, 'SAAS-036');
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
      this.r.raw(pp, `Plan ${JSON.stringify(plan.name)}`, Object.keys(plan.extra));
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
      this.r.raw(sp, 'The service', Object.keys(s.extra));
    }
    props.push(prop('options', code(this.optionsVar)));
    const preview: Expr[] = [];
    (Array.isArray(s.preview) ? s.preview : []).forEach((p, i) => {
      const name = p?.name;
      if (typeof name === 'string' && this.has(name)) preview.push(code(this.ref(name)));
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
    kind: 'saas',
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
    diagnostics.push({ code: 'IMPORT-001', severity: 'error', message: `${input.catalog.path} holds no service to import (expected {"services": [ … ]}).`, span: locateCatalog(''), docs: IMPORT_DOCS });
    return { ok: false, serviceName, files, expected, diagnostics };
  }
  for (const key of Object.keys(root)) if (key !== 'services') r.inexpressible(`/${escapePointer(key)}`, `The catalog root key "${key}" cannot be expressed (vkmp emits only "services").`);
  for (const c of normalized.corrections) r.warn('IMPORT-003', c.pointer, `${c.message} [${c.code}]`);
  for (const c of normalizedMapping?.corrections ?? []) {
    r.diagnostics.push({ code: 'IMPORT-003', severity: 'warning', message: `${c.message} [${c.code}]`, span: locateMapping?.(c.pointer), docs: IMPORT_DOCS });
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
