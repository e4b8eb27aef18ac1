/** emit: every catalog and package of a project into one output tree. */
import type { Diagnostic } from '../diagnostics.js';
import type { ProjectModel, ServiceModel } from '../model/types.js';
import { emitCatalog } from './saas.js';
import type { OutputTree } from './tree.js';

/** Emits one image-based package into the tree (registered by the image-based module). */
export type PackageEmitter = (service: ServiceModel, tree: OutputTree) => Promise<Diagnostic[]>;
let packageEmitter: PackageEmitter | undefined;

export function registerPackageEmitter(emitter: PackageEmitter): void {
  packageEmitter = emitter;
}

export async function emitProject(model: ProjectModel): Promise<{ tree: OutputTree; diagnostics: Diagnostic[] }> {
  const tree: OutputTree = new Map();
  const diagnostics: Diagnostic[] = [];
  for (const catalog of model.catalogs) emitCatalog(catalog, tree);
  for (const pkg of model.packages) {
    if (!packageEmitter) throw new Error('image-based package emitter is not registered');
    diagnostics.push(...(await packageEmitter(pkg, tree)));
  }
  return { tree, diagnostics };
}
