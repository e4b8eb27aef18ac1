/**
 * Usage reports: pull-model reports a SaaS broker returns (SPEC §D.6) and usage pushes
 * (SPEC §D.4), checked against the catalog or project they report on.
 */
import { registerArtifactReader } from '../read/artifacts.js';
import { registerRules } from '../rules/index.js';
import { pullReportReader } from './reader.js';
import { usageRules } from './rules.js';

registerRules(usageRules);
registerArtifactReader(pullReportReader);

export { indexUsageCatalog, postpaidOptionsOf, usageCatalogModel } from './catalog.js';
export type { IndexedOption, IndexedPlan, PostpaidOption, UsageCatalog, UsageCatalogIndex } from './catalog.js';
export { checkUsageReport, createUsageReport, MAX_USAGE_REPORT_BYTES, readUsageReportFile, UsageReportError } from './pull.js';
export type { CheckUsageReportOptions, PullUsageRecord, PullUsageReport, ReadUsageReport, UsageRecordInput, UsageReportBuilder } from './pull.js';
export { checkUsagePush, isRfc3339 } from './push.js';
export type { CheckUsagePushOptions } from './push.js';
export { looksLikePullReport, pullReportReader } from './reader.js';
export { usageRules } from './rules.js';
