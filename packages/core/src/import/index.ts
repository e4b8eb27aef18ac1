/** import: SaaS catalog → vendor project with idiomatic DSL source (ts-morph). */
export { importSaasCatalog } from './saas.js';
export { importIbPackage, canonicalPackage } from './ib.js';
export type { ExpectedPackage, IbImportResult } from './ib.js';
export type { SaasImportOptions, SaasImportResult, ExpectedCatalog } from './saas.js';
export { findArtifacts, importProject, importToDirectory, verifyImportedProject } from './project-import.js';
export type { ExpectedArtifact, ImportProjectOptions, ImportProjectResult, ImportToDirectoryOptions, ImportToDirectoryResult } from './project-import.js';
export { normalizeCatalogJson, normalizePlanMapping, jsonDifferences, orderByIndex } from './normalize.js';
export type { Correction, JsonDifference } from './normalize.js';
export { projectFiles, packageNameFrom, VKMP_VERSION } from './project.js';
export type { ProjectSkeletonOptions } from './project.js';
export { writeNewFiles } from './write.js';
export type { WriteNewFilesOptions, WriteNewFilesResult } from './write.js';
