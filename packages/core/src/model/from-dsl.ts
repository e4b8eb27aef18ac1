/**
 * model: every service value of a loaded project → one ProjectModel. SaaS services
 * with the same SERVICE_NAME become one catalog (its `services[]` entries, in config
 * order). Builders for other app kinds register themselves by `kind`.
 */
import type { Diagnostic } from '../diagnostics.js';
import type { LoadedProject, RawSite } from '../load/load.js';
import { DslContext, isBranded, type DslIssueLike } from './dsl-context.js';
import { ibServiceFromDsl } from './ib-from-dsl.js';
import { saasServiceFromDsl } from './saas-from-dsl.js';
import type { CatalogModel, ProjectModel, ServiceModel } from './types.js';

const SERVICE = Symbol.for('vkmp.service');

/** Builds the IR of one service value of a given `kind`. */
export type ServiceBuilder = (ctx: DslContext, service: { input: Record<string, unknown>; site?: RawSite; issues?: readonly DslIssueLike[] }) => ServiceModel;

const builders = new Map<string, ServiceBuilder>([
  ['saas', saasServiceFromDsl],
  ['image-based', ibServiceFromDsl],
]);

/** Registers the builder of an app kind (the image-based module does this). */
export function registerServiceBuilder(kind: string, builder: ServiceBuilder): void {
  builders.set(kind, builder);
}

export interface ModelResult {
  model: ProjectModel;
  diagnostics: Diagnostic[];
}

export function modelFromProject(project: LoadedProject): ModelResult {
  const ctx = new DslContext(project);
  const catalogs = new Map<string, CatalogModel>();
  const packages: ServiceModel[] = [];
  for (const { value, file } of project.services) {
    const kind = (value as { kind?: unknown } | null)?.kind;
    const builder = typeof kind === 'string' ? builders.get(kind) : undefined;
    if (!isBranded(value, SERVICE) || !builder) {
      ctx.error('LOAD-004', `${file}: the default export is not a service.`, 'Export `saas.service({...})` (or an image-based service) as the default export.', { file, line: 1, column: 1 });
      continue;
    }
    const model = builder(ctx, value as never);
    if (model.kind === 'saas') {
      const key = typeof model.serviceName === 'string' ? model.serviceName : '';
      let catalog = catalogs.get(key);
      if (!catalog) {
        catalog = { serviceName: key, services: [], span: model.span };
        catalogs.set(key, catalog);
      }
      catalog.services.push(model);
    } else {
      packages.push(model);
    }
  }
  for (const catalog of catalogs.values()) {
    // plan_mapping.json is derived from each plan's SaaS-side ID.
    const mapping: Record<string, unknown> = {};
    for (const s of catalog.services) for (const p of s.plans) if (typeof p.id === 'string' && !(p.id in mapping)) mapping[p.id] = p.saasPlanId;
    catalog.planMapping = { value: { [catalog.serviceName]: mapping }, span: catalog.span };
  }
  return { model: { catalogs: [...catalogs.values()], packages }, diagnostics: ctx.diagnostics };
}
