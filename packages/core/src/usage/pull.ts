/**
 * Pull-model usage reports (SPEC §D.6): what a SaaS broker returns when Marketplace polls
 * it. `createUsageReport` builds one from the catalog, so `type` and `price` can never
 * differ from the catalog; `checkUsageReport` checks a report made elsewhere (a broker
 * written in another language) with rule IDs API-018, API-019, SAAS-058 and BILL-016.
 */
import { readFileSync, statSync } from 'node:fs';
import type { Diagnostic, Severity, Span } from '../diagnostics.js';
import { parseJson } from '../read/json.js';
import { decodeUtf8 } from '../read/text.js';
import { text } from '../rules/engine.js';
import { ANY_UUID, describeType, isPlainObject } from '../util/strings.js';
import { indexUsageCatalog, type IndexedOption, type IndexedPlan, type UsageCatalog, type UsageCatalogIndex } from './catalog.js';
import { usageDocs } from './rules.js';

/** One record of a pull report; field names are the Marketplace's own. */
export interface PullUsageRecord {
  /** Option name: a `resource_usages` option of the plan. */
  kind: string;
  /** SERVICE_NAME (the catalog file suffix). */
  type: string;
  /** Unit label, e.g. `GB-month`. */
  unit: string;
  /** Per-unit price: `billing.options.<kind>.cost` of the plan. */
  price: number;
  /** Units used in the period (≥ 0). */
  value: number;
  /** Plan `id`. */
  plan_uuid: string;
  /** Instance (tenant) ID. */
  instance_uuid: string;
}

/** A pull report: `{ batch_id, data }` (SPEC §D.6, API-018). */
export interface PullUsageReport {
  batch_id: number;
  data: PullUsageRecord[];
}

/** A record as a broker adds it; `type`, `price` and (by default) `unit` come from the catalog. */
export interface UsageRecordInput<K extends string = string> {
  /** The postpaid option, e.g. `'storage_gb'`. */
  kind: K;
  /** Plan `id` of the instance. */
  planUuid: string;
  /** Instance (tenant) ID. */
  instanceUuid: string;
  /** Units used in the period: a finite number ≥ 0 (an integer for integer options). */
  value: number;
  /** Unit label; default: the option's `billing.options.<kind>.unit.measurement`. */
  unit?: string;
  /**
   * The instance's service revision, needed only when the catalog's revisions price the
   * option differently (existing instances keep their revision).
   */
  revision?: string;
}

/** A record the builder refused: `code` is the rule it would break. */
export class UsageReportError extends Error {
  constructor(readonly code: 'API-018' | 'API-019' | 'SAAS-058' | 'BILL-016', message: string) {
    super(`${code}: ${message}`);
    this.name = 'UsageReportError';
  }
}

/** Builds one pull report; every record is checked against the catalog when it is added. */
export interface UsageReportBuilder<K extends string = string> {
  /** SERVICE_NAME, written as every record's `type`. */
  readonly serviceName: string;
  readonly batchId: number;
  /** Records added so far. */
  readonly records: readonly PullUsageRecord[];
  /**
   * Adds a record. Throws {@link UsageReportError} for a plan not in the catalog (API-019),
   * a kind that is not a postpaid option of that plan (SAAS-058), an option without a price
   * (BILL-016), or a bad value, UUID or unit (API-018).
   */
  add(record: UsageRecordInput<K>): this;
  /** The report: `{ batch_id, data }`, a fresh copy. */
  build(): PullUsageReport;
  toJSON(): PullUsageReport;
}

const q = (s: unknown): string => JSON.stringify(typeof s === 'string' ? s : text(s));
const listNames = (names: string[]): string => (names.length ? names.map((n) => q(n)).join(', ') : 'none');

function postpaidNames(plans: readonly IndexedPlan[]): string[] {
  return [...new Set(plans.flatMap((p) => [...p.options.values()].filter((o) => o.postpaid).map((o) => o.name)))].sort();
}

function planNames(index: UsageCatalogIndex): string {
  const all = [...index.plans.values()].map((list) => `${q(list[0]!.name)} (${list[0]!.id})`);
  return all.length ? all.join(', ') : 'none';
}

function optionOf(plans: readonly IndexedPlan[], kind: string): { postpaid: { plan: IndexedPlan; option: IndexedOption }[]; other: IndexedOption | undefined } {
  const postpaid: { plan: IndexedPlan; option: IndexedOption }[] = [];
  let other: IndexedOption | undefined;
  for (const plan of plans) {
    const o = plan.options.get(kind);
    if (!o) continue;
    if (o.postpaid) postpaid.push({ plan, option: o });
    else other ??= o;
  }
  return { postpaid, other };
}

const samePrice = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

const isIndex = (c: UsageCatalog | UsageCatalogIndex): c is UsageCatalogIndex => c !== null && typeof c === 'object' && 'plans' in c && c.plans instanceof Map;

/**
 * Starts a pull report for a SaaS catalog. The builder fills `type` (SERVICE_NAME) and
 * `price` (`billing.options.<kind>.cost`) from the catalog, so a TypeScript broker cannot
 * report a price that differs from the catalog. Pass the postpaid option names as `K` to
 * make a misspelt kind a compile error.
 *
 * @example
 * ```ts
 * const { model } = readSaasCatalogFile('resources/catalog_demo_notes.json');
 * const report = createUsageReport<'storage_gb'>(model.catalogs[0]!, { batchId: 35 })
 *   .add({ kind: 'storage_gb', planUuid: '9d2c8e51-…', instanceUuid: 'd1dff97c-…', value: 2.447 })
 *   .build();
 * ```
 */
export function createUsageReport<K extends string = string>(catalog: UsageCatalog | UsageCatalogIndex, options: { batchId: number }): UsageReportBuilder<K> {
  const batchId = options?.batchId;
  if (typeof batchId !== 'number' || !Number.isSafeInteger(batchId)) {
    throw new UsageReportError('API-018', `batchId must be an integer (got ${text(batchId)})`);
  }
  const index = isIndex(catalog) ? catalog : indexUsageCatalog(catalog);
  const records: PullUsageRecord[] = [];
  const builder: UsageReportBuilder<K> = {
    serviceName: index.serviceName,
    batchId,
    records,
    add(input) {
      records.push(recordFor(index, input));
      return builder;
    },
    build: () => ({ batch_id: batchId, data: records.map((r) => ({ ...r })) }),
    toJSON: () => builder.build(),
  };
  return builder;
}

function recordFor(index: UsageCatalogIndex, input: UsageRecordInput): PullUsageRecord {
  if (!isPlainObject(input)) throw new UsageReportError('API-018', 'a record must be an object { kind, planUuid, instanceUuid, value }');
  const { kind, planUuid, instanceUuid, value } = input;
  if (typeof planUuid !== 'string' || !ANY_UUID.test(planUuid)) throw new UsageReportError('API-018', `planUuid must be the plan id (a UUID), got ${q(planUuid)}`);
  if (typeof instanceUuid !== 'string' || !ANY_UUID.test(instanceUuid)) throw new UsageReportError('API-018', `instanceUuid must be the instance id (a UUID), got ${q(instanceUuid)}`);
  if (typeof kind !== 'string' || kind === '') throw new UsageReportError('API-018', `kind must be the postpaid option name, got ${q(kind)}`);
  const plans = index.plans.get(planUuid.toLowerCase());
  if (!plans) throw new UsageReportError('API-019', `plan ${planUuid} is not in catalog_${index.serviceName}.json (plans: ${planNames(index)})`);
  const { postpaid, other } = optionOf(plans, kind);
  if (!postpaid.length) {
    throw new UsageReportError(
      'SAAS-058',
      other
        ? `${q(kind)} is a create/update option of plan ${q(plans[0]!.name)}, not a resource_usages (postpaid) option; only postpaid options are reported (postpaid options: ${listNames(postpaidNames(plans))})`
        : `${q(kind)} is not an option of plan ${q(plans[0]!.name)} (postpaid options: ${listNames(postpaidNames(plans))})`,
    );
  }
  let candidates = postpaid;
  if (input.revision !== undefined) {
    candidates = postpaid.filter((c) => c.plan.serviceRevision === input.revision);
    if (!candidates.length) {
      throw new UsageReportError('API-019', `service revision ${q(input.revision)} has no plan ${planUuid} with option ${q(kind)} (revisions: ${listNames([...new Set(postpaid.map((c) => c.plan.serviceRevision))])})`);
    }
  }
  const priced = candidates.filter((c) => c.option.cost !== undefined);
  if (!priced.length) throw new UsageReportError('BILL-016', `plan ${q(plans[0]!.name)} has no billing.options.${kind}.cost, so the report has no price to carry; add the price to the catalog`);
  const costs = [...new Set(priced.map((c) => c.option.cost!))];
  if (costs.length > 1) {
    const by = priced.map((c) => `revision ${q(c.plan.serviceRevision)}: ${c.option.cost}`).join(', ');
    throw new UsageReportError('BILL-016', `the catalog's revisions price ${q(kind)} differently (${by}); pass the instance's revision`);
  }
  const chosen = priced[0]!;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new UsageReportError('API-018', `value must be a finite number, got ${text(value)}`);
  if (value < 0) throw new UsageReportError('API-018', `value must not be negative, got ${value}`);
  if (chosen.option.type === 'integer' && !Number.isInteger(value)) throw new UsageReportError('API-018', `${q(kind)} is an integer option; value ${value} is not an integer`);
  const unit = input.unit ?? chosen.option.measurement;
  if (typeof unit !== 'string' || unit.trim() === '') {
    throw new UsageReportError('API-018', `unit: billing.options.${kind}.unit.measurement is not set in the catalog; pass unit (e.g. "GB-month")`);
  }
  return { kind, type: index.serviceName, unit, price: costs[0]!, value, plan_uuid: planUuid, instance_uuid: instanceUuid };
}

// ---------------------------------------------------------------------------------------

export interface CheckUsageReportOptions {
  /** The report file, for diagnostic positions. */
  file?: string;
  /** JSON pointer → span of each value (from `parseJson`), for precise positions. */
  spans?: ReadonlyMap<string, Span>;
  /** The catalog file, named in messages (default `catalog_<SERVICE_NAME>.json`). */
  catalogFile?: string;
}

const RECORD_FIELDS = ['kind', 'type', 'unit', 'price', 'value', 'plan_uuid', 'instance_uuid'] as const;

/**
 * Checks a pull report against the SaaS catalog it reports on. Never throws for bad input:
 * every problem is a diagnostic — API-018 (shape, types, value ≥ 0, UUIDs), API-019 (`type`
 * is SERVICE_NAME, `plan_uuid` a plan of the catalog), SAAS-058 (`kind` a postpaid option
 * of that plan) and BILL-016 (`price` equals the option's cost).
 */
export function checkUsageReport(report: unknown, catalog: UsageCatalog | UsageCatalogIndex, options: CheckUsageReportOptions = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  let index: UsageCatalogIndex;
  try {
    index = isIndex(catalog) ? catalog : indexUsageCatalog(catalog);
  } catch (error) {
    return [{ code: 'API-019', severity: 'error', message: `The catalog to check against is unusable: ${(error as Error).message}.` }];
  }
  const catalogFile = options.catalogFile ?? `catalog_${index.serviceName}.json`;
  const at = (pointer: string): Span | undefined => options.spans?.get(pointer) ?? (options.file ? { file: options.file, line: 1, column: 1 } : undefined);
  const report_ = (code: string, pointer: string, message: string, hint?: string, severity: Severity = 'error') => {
    const span = at(pointer);
    out.push({ code, severity, message, ...(span ? { span } : {}), ...(hint ? { hint } : {}), ...(usageDocs(code) ? { docs: usageDocs(code) } : {}) });
  };
  const shape = 'A pull report is {"batch_id": <integer>, "data": [{"kind", "type", "unit", "price", "value", "plan_uuid", "instance_uuid"}, …]}.';

  if (!isPlainObject(report)) {
    report_('API-018', '', `The pull report must be a JSON object, not ${describeType(report)}.`, shape);
    return out;
  }
  for (const key of Object.keys(report)) {
    if (key !== 'batch_id' && key !== 'data') report_('API-018', `/${key}`, `Unknown report field ${q(key)}; Marketplace reads only batch_id and data.`, shape, 'warning');
  }
  if (!('batch_id' in report)) report_('API-018', '', 'The report has no batch_id.', 'Assign every report an integer batch_id; Marketplace acknowledges it after charging (API-020).');
  else if (typeof report.batch_id !== 'number' || !Number.isSafeInteger(report.batch_id)) {
    report_('API-018', '/batch_id', `batch_id must be an integer, not ${typeof report.batch_id === 'number' ? report.batch_id : describeType(report.batch_id)}${typeof report.batch_id === 'string' ? ` ${q(report.batch_id)}` : ''}.`, typeof report.batch_id === 'string' && /^\d+$/.test(report.batch_id) ? `Write it as a JSON number: "batch_id": ${report.batch_id}.` : undefined);
  }
  if (!('data' in report)) {
    report_('API-018', '', 'The report has no data array.', shape);
    return out;
  }
  if (!Array.isArray(report.data)) {
    report_('API-018', '/data', `data must be an array of records, not ${describeType(report.data)}.`, shape);
    return out;
  }

  report.data.forEach((record: unknown, i: number) => {
    const base = `/data/${i}`;
    const where = `data[${i}]`;
    if (!isPlainObject(record)) {
      report_('API-018', base, `${where} must be an object with ${RECORD_FIELDS.join(', ')}, not ${describeType(record)}.`, shape);
      return;
    }
    for (const key of Object.keys(record)) {
      if (!(RECORD_FIELDS as readonly string[]).includes(key)) report_('API-018', `${base}/${key}`, `${where} has unknown field ${q(key)}; a record has exactly ${RECORD_FIELDS.join(', ')}.`, undefined, 'warning');
    }
    for (const field of RECORD_FIELDS) {
      if (!(field in record)) {
        report_('API-018', base, `${where} has no ${q(field)}; every record carries all seven fields (${RECORD_FIELDS.join(', ')}).`);
      }
    }
    const str = (field: string, allowEmpty = false): string | undefined => {
      if (!(field in record)) return undefined;
      const v = record[field];
      if (typeof v !== 'string' || (!allowEmpty && v === '')) {
        report_('API-018', `${base}/${field}`, `${where}.${field} must be a ${allowEmpty ? '' : 'non-empty '}string, not ${typeof v === 'string' ? 'an empty string' : describeType(v)}.`);
        return undefined;
      }
      return v;
    };
    const num = (field: string): number | undefined => {
      if (!(field in record)) return undefined;
      const v = record[field];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        report_('API-018', `${base}/${field}`, `${where}.${field} must be a JSON number, not ${describeType(v)}${typeof v === 'string' ? ` ${q(v)}` : ''}.`);
        return undefined;
      }
      return v;
    };
    const kind = str('kind');
    const type = str('type');
    str('unit', true);
    const price = num('price');
    const value = num('value');
    const planUuid = str('plan_uuid');
    const instanceUuid = str('instance_uuid');
    if (value !== undefined && value < 0) report_('API-018', `${base}/value`, `${where}.value is ${value}; consumed units are never negative (H-28).`);
    if (instanceUuid !== undefined && !ANY_UUID.test(instanceUuid)) report_('API-018', `${base}/instance_uuid`, `${where}.instance_uuid ${q(instanceUuid)} is not a UUID (the OSB instance ID).`);
    const planFormatOk = planUuid !== undefined && ANY_UUID.test(planUuid);
    if (planUuid !== undefined && !planFormatOk) report_('API-018', `${base}/plan_uuid`, `${where}.plan_uuid ${q(planUuid)} is not a UUID (the plan id from the catalog).`);
    if (type !== undefined && type !== index.serviceName) {
      report_('API-019', `${base}/type`, `${where}.type is ${q(type)}, but the catalog's SERVICE_NAME is ${q(index.serviceName)} (${catalogFile}).`, `Set "type": ${q(index.serviceName)}: the suffix of catalog_<SERVICE_NAME>.json and BROKER_MODE in .env.`);
    }
    if (!planFormatOk) return;
    const plans = index.plans.get(planUuid!.toLowerCase());
    if (!plans) {
      report_('API-019', `${base}/plan_uuid`, `${where}.plan_uuid ${planUuid} is not a plan of ${catalogFile} (plans: ${planNames(index)}).`, 'Report the plan id of the instance as the catalog declares it.');
      return;
    }
    if (kind === undefined) return;
    const { postpaid, other } = optionOf(plans, kind);
    const planName = q(plans[0]!.name);
    if (!postpaid.length) {
      const names = postpaidNames(plans);
      report_(
        'SAAS-058',
        `${base}/kind`,
        other
          ? `${where}.kind ${q(kind)} is a create/update option of plan ${planName}, not a resource_usages (postpaid) option; only postpaid options are reported.`
          : `${where}.kind ${q(kind)} is not an option of plan ${planName}.`,
        names.length ? `The postpaid options of plan ${planName} are ${listNames(names)}.` : `Plan ${planName} has no postpaid options, so no usage is reported for it.`,
      );
      return;
    }
    if (value !== undefined && postpaid.every((c) => c.option.type === 'integer') && !Number.isInteger(value)) {
      report_('API-018', `${base}/value`, `${where}.value ${value} is not an integer, but ${q(kind)} is an integer option (H-28).`);
    }
    if (price === undefined) return;
    const costs = postpaid.filter((c) => c.option.cost !== undefined);
    if (!costs.length) {
      report_('BILL-016', `${base}/price`, `Plan ${planName} has no billing.options.${kind}.cost, so ${where}.price ${price} cannot be checked.`, `Price the option in the catalog (SAAS-051); the report price must equal it.`, 'warning');
      return;
    }
    if (!costs.some((c) => samePrice(c.option.cost!, price))) {
      const expected = [...new Set(costs.map((c) => c.option.cost!))];
      const by = costs.length > 1 ? ` (${costs.map((c) => `revision ${q(c.plan.serviceRevision)}: ${c.option.cost}`).join(', ')})` : '';
      report_('BILL-016', `${base}/price`, `${where}.price is ${price}, but plan ${planName} prices ${q(kind)} at ${expected.join(' or ')}${by} in billing.options.${kind}.cost.`, `Report "price": ${expected[0]} — Marketplace charges value × cost, and the report price must equal the catalog's cost.`);
    }
  });
  return out;
}

/** A pull report read from a file, with positions for its diagnostics. */
export interface ReadUsageReport {
  value: unknown;
  spans: ReadonlyMap<string, Span>;
  /** JSON syntax and encoding problems (API-018). */
  diagnostics: Diagnostic[];
}

/** Largest report file read (a report of every instance of a big SaaS can be large). */
export const MAX_USAGE_REPORT_BYTES = 64 * 1048576;

/** Reads a JSON report (pull or push) with positions; unreadable files become diagnostics. */
export function readUsageReportFile(path: string, code = 'API-018'): ReadUsageReport {
  const fail = (message: string): ReadUsageReport => ({ value: undefined, spans: new Map(), diagnostics: [{ code, severity: 'error', message, span: { file: path, line: 1, column: 1 } }] });
  let bytes: Uint8Array;
  try {
    const st = statSync(path);
    if (!st.isFile()) return fail(`${path} is not a file.`);
    if (st.size > MAX_USAGE_REPORT_BYTES) return fail(`${path} is ${st.size} bytes; reports larger than ${MAX_USAGE_REPORT_BYTES} bytes are not read.`);
    bytes = readFileSync(path);
  } catch (error) {
    return fail(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
  }
  const decoded = decodeUtf8(bytes, path);
  const doc = parseJson(decoded.text, path);
  const diagnostics: Diagnostic[] = [...decoded.issues, ...doc.issues].map((issue) => ({
    code,
    severity: 'error' as const,
    message: `${issue.message} (the report must be strict JSON)`,
    span: issue.span,
  }));
  return { value: doc.value, spans: doc.spans, diagnostics };
}
