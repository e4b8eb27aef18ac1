/**
 * Rules of usage reports. The pull-model report (SPEC §D.6) is checked by
 * `checkUsageReport` (used by `vkmp usage check` and by the pull-report artifact reader,
 * so `vkmp validate report.json` reports them too); these entries list the rules in the
 * registry with their docs pointers.
 */
import { rule, type ListedRule } from '../rules/engine.js';

export const usageRules: ListedRule[] = [
  rule<ListedRule>({
    id: 'API-018', severity: 'error', scope: 'reader', kinds: ['saas'], section: '§D.6', source: 'MA/saas_add/saas_broker/#saas_broker',
    title: 'A pull report is {batch_id: integer, data: [...]} whose records carry kind, type, unit, price, value (≥ 0), plan_uuid and instance_uuid.',
  }),
  rule<ListedRule>({
    id: 'API-019', severity: 'error', scope: 'reader', kinds: ['saas'], section: '§D.9', source: 'MA/saas_add/saas_broker/#saas_broker',
    title: 'A pull record\'s type is the SERVICE_NAME of the catalog and its plan_uuid is a plan id of that catalog (kind and price: SAAS-058, BILL-016).',
  }),
  rule<ListedRule>({
    id: 'BILL-016', severity: 'error', scope: 'reader', kinds: ['saas'], section: '§F', source: 'SC/saas_plan/#option_number',
    title: 'Pull (SaaS only): the report price equals billing.options.<kind>.cost of the plan.',
  }),
  rule<ListedRule>({
    id: 'SAAS-058', severity: 'error', scope: 'reader', kinds: ['saas'], section: '§B.10', source: 'SR/schemas-section/',
    title: 'The kind a broker reports is the name of a resource_usages (postpaid) option of the plan.',
  }),
];

/** Docs pointer of a usage rule. */
export const usageDocs = (id: string): string | undefined => usageRules.find((r) => r.id === id)?.docs;
