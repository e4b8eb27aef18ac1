/**
 * What usage reports are checked against: the postpaid options of a SaaS catalog, per
 * plan and service revision, with their price (`billing.options.<kind>.cost`) and unit,
 * and the postpaid options of every service of a project (for `POST /usages`).
 */
import type { CatalogModel, OptionModel, PlanModel, ProjectModel, ServiceModel } from '../model/types.js';
import { readSaasCatalog } from '../read/saas.js';
import { classifyOption } from '../rules/option-checks.js';
import { isPlainObject } from '../util/strings.js';

/** One option as one plan of one service revision uses it. */
export interface IndexedOption {
  name: string;
  /** `true` for `resource_usages` (postpaid) options. */
  postpaid: boolean;
  /** Option schema `type` (`integer`, `number`, …). */
  type: string | undefined;
  /** `billing.options.<name>.cost`, when the plan prices the option. */
  cost: number | undefined;
  /** `billing.options.<name>.unit.measurement`, when given. */
  measurement: string | undefined;
}

/** A plan in one service entry (revision) of the catalog. */
export interface IndexedPlan {
  id: string;
  name: string;
  planRevision: string;
  serviceRevision: string;
  options: Map<string, IndexedOption>;
}

/** The catalog as usage checks need it: plans by id, each in every revision that has it. */
export interface UsageCatalogIndex {
  serviceName: string;
  /** Plan id (lower case) → the plan in each service entry that has it, in catalog order. */
  plans: Map<string, IndexedPlan[]>;
}

/**
 * A catalog to report usage against: the IR (`CatalogModel`, from the DSL or
 * `readSaasCatalogFile`), or the parsed `catalog_<SERVICE_NAME>.json` with its SERVICE_NAME.
 */
export type UsageCatalog = CatalogModel | { serviceName: string; catalog: unknown };

function indexOption(option: OptionModel): IndexedOption {
  const billing = isPlainObject(option.billing) ? option.billing : undefined;
  const unit = billing && isPlainObject(billing.unit) ? billing.unit : undefined;
  return {
    name: option.name,
    postpaid: classifyOption(option) === 'postpaid',
    type: isPlainObject(option.schema) && typeof option.schema.type === 'string' ? option.schema.type : undefined,
    cost: billing && typeof billing.cost === 'number' && Number.isFinite(billing.cost) ? billing.cost : undefined,
    measurement: unit && typeof unit.measurement === 'string' ? unit.measurement : undefined,
  };
}

function indexPlan(plan: PlanModel, service: ServiceModel): IndexedPlan | undefined {
  if (typeof plan?.id !== 'string') return undefined;
  const options = new Map<string, IndexedOption>();
  for (const po of Array.isArray(plan.options) ? plan.options : []) {
    if (!po || po.billingOnly || !po.option || typeof po.name !== 'string') continue;
    options.set(po.name, indexOption({ ...po.option, name: po.name }));
  }
  return { id: plan.id, name: typeof plan.name === 'string' ? plan.name : plan.id, planRevision: String(plan.revision), serviceRevision: String(service.revision), options };
}

/** Turns the accepted catalog forms into the IR. Throws a TypeError for anything else. */
export function usageCatalogModel(catalog: UsageCatalog): CatalogModel {
  if (!isPlainObject(catalog) || typeof catalog.serviceName !== 'string' || catalog.serviceName === '') {
    throw new TypeError('the catalog must be a CatalogModel or { serviceName, catalog } with the parsed catalog_<SERVICE_NAME>.json');
  }
  if ('services' in catalog && Array.isArray((catalog as CatalogModel).services)) return catalog as CatalogModel;
  if (!('catalog' in catalog)) throw new TypeError('the catalog must be a CatalogModel or { serviceName, catalog } with the parsed catalog_<SERVICE_NAME>.json');
  const json = JSON.stringify((catalog as { catalog: unknown }).catalog ?? null);
  const path = `catalog_${catalog.serviceName}.json`;
  return readSaasCatalog({ catalog: { path, bytes: new TextEncoder().encode(json) } }).value;
}

/** Indexes a SaaS catalog's plans and their options for usage checks. */
export function indexUsageCatalog(catalog: UsageCatalog): UsageCatalogIndex {
  const model = usageCatalogModel(catalog);
  const plans = new Map<string, IndexedPlan[]>();
  for (const s of Array.isArray(model.services) ? model.services : []) {
    for (const p of Array.isArray(s?.plans) ? s.plans : []) {
      const indexed = indexPlan(p, s);
      if (!indexed) continue;
      const key = indexed.id.toLowerCase();
      plans.set(key, [...(plans.get(key) ?? []), indexed]);
    }
  }
  return { serviceName: model.serviceName, plans };
}

/** A postpaid option of a project service, for usage pushes (API-012). */
export interface PostpaidOption {
  serviceName: string;
  kind: 'saas' | 'image-based';
  name: string;
  type: string | undefined;
  /** Plans (by name) that use it. */
  plans: string[];
}

/**
 * Every postpaid option of a project (SaaS `resource_usages` options and IB option files with
 * `actions: [resource_usages]`), by option name. One name may belong to several services.
 */
export function postpaidOptionsOf(model: ProjectModel, only?: readonly string[]): Map<string, PostpaidOption[]> {
  const out = new Map<string, PostpaidOption[]>();
  const add = (o: PostpaidOption) => {
    const list = out.get(o.name) ?? [];
    const same = list.find((x) => x.serviceName === o.serviceName);
    if (same) {
      for (const p of o.plans) if (!same.plans.includes(p)) same.plans.push(p);
    } else list.push(o);
    out.set(o.name, list);
  };
  const services: ServiceModel[] = [...model.catalogs.flatMap((c) => c.services), ...model.packages];
  for (const s of services) {
    if (only && !only.includes(s.serviceName)) continue;
    for (const p of Array.isArray(s.plans) ? s.plans : []) {
      for (const po of Array.isArray(p.options) ? p.options : []) {
        if (!po?.option || po.billingOnly || classifyOption(po.option) !== 'postpaid') continue;
        const type = isPlainObject(po.option.schema) && typeof po.option.schema.type === 'string' ? po.option.schema.type : undefined;
        add({ serviceName: s.serviceName, kind: s.kind, name: po.name, type, plans: [String(p.name)] });
      }
    }
    if (s.kind === 'image-based') {
      // An option file with actions [resource_usages] that no plan lists is still accepted by the broker.
      for (const o of Array.isArray(s.options) ? s.options : []) {
        if (!o || classifyOption(o) !== 'postpaid') continue;
        const type = isPlainObject(o.schema) && typeof o.schema.type === 'string' ? o.schema.type : undefined;
        add({ serviceName: s.serviceName, kind: s.kind, name: o.name, type, plans: [] });
      }
    }
  }
  return out;
}
