/** diff: snapshots, the ChangeSet engine, revision discipline, baselines, --bump and renderers. */
export {
  normalizeProject, asSnapshot, sourceOf, optionHash, planHash, serviceHash,
} from './normalize.js';
export type {
  Json, JsonObject, Snapshot, SnapshotUnit, SnapshotService, SnapshotPlan, SnapshotOption, SnapshotOptionFile, SnapshotPage, SnapshotGroup,
} from './normalize.js';
export { diffModels, priceFlag } from './engine.js';
export type { Change, ChangeKind, ChangeSet, EntryPair, EntryRelation, PlanPair, RiskFlag, RiskKind, UnitDiff } from './engine.js';
export { checkRevisions, historyRules, incrementRevision, nextRevision, planLedgerKey, serviceLedgerKey } from './revisions.js';
export type { Ledger, RevisionBump, RevisionOptions, RevisionReport } from './revisions.js';
export { BaselineError, loadBaseline, loadLedger, parseBaselineSpec, readArtifactTree, redactUrl } from './baseline.js';
export type { Baseline, BaselineContext, BaselineSpec } from './baseline.js';
export { applyRevisionBumps } from './bump.js';
export type { BumpEdit, BumpFailure, BumpResult } from './bump.js';
export { changeSetJson, describeFlag, formatChangeValue, PLAIN_PALETTE, renderChangeSetMarkdown, renderChangeSetText, summaryLine } from './render.js';
export type { Palette } from './render.js';
export { resourcesInFile, terraformResourceAddresses } from './terraform.js';
