/** The core API minus preview, import, schema and init: what the CLI's other commands use, so those modules stay in their own chunks. */
/**
 * @vkmp/core: the vkmp pipeline as a library.
 * load → model → validate → emit (→ write | zip) → diff → deploy.
 */
export type { Diagnostic, DiagnosticJson, Severity, Span } from './diagnostics.js';
export { toDiagnosticJson, hasErrors, sortDiagnostics } from './diagnostics.js';
export { compileProject, buildProject, validateModel, validateArtifacts } from './pipeline.js';
export { readArtifacts, registerArtifactReader, readSaasCatalogFile } from './read/artifacts.js';
export type { ArtifactReader } from './read/artifacts.js';
export { readSaasCatalog, parseDotenv } from './read/saas.js';
export { readIbPackage, readIbPackageTree, packageDirIn, ibArtifactReader } from './read/ib.js';
export type { IbTreeOptions, IbReadResult } from './read/ib.js';
export type { CompileOptions, CompileResult, BuildResult } from './pipeline.js';
export { findConfig, loadProject, LoadError, CONFIG_FILE_NAMES } from './load/load.js';
export type { LoadedProject, LoadedConfig } from './load/load.js';
export { modelFromProject, registerServiceBuilder } from './model/from-dsl.js';
export type * from './model/types.js';
export { allRules, ruleIds, registerRules } from './rules/index.js';
export type { Rule, RuleMeta, RuleScope } from './rules/engine.js';
export { classifyOption, checkOption } from './rules/option-checks.js';
export { emitProject, registerPackageEmitter } from './emit/project.js';
export { emitCatalog, catalogJson } from './emit/saas.js';
export type { OutputTree } from './emit/tree.js';
export { sortedEntries } from './emit/tree.js';
export { writeTreeAtomic } from './emit/write.js';
export { canonicalPeriod, parsePeriod } from './util/period.js';
export { stableStringify, formatJson } from './util/json.js';
export * from './price/index.js';
export * from './terraform/index.js';
export * from './zip/index.js';
export * from './assets/index.js';
export * from './diff/index.js';
export * from './state/index.js';
export * from './usage/index.js';
export * from './deploy/index.js';
