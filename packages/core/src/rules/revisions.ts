/** Revision rules checkable on one artifact (SPEC §E). History rules live in diff. */
import type { PlanModel } from '../model/types.js';
import { stableStringify } from '../util/json.js';
import { rule, text, type CatalogRule, type Rule, type ServiceRule } from './engine.js';

/** Content of a plan without positions, for comparing two sections of one catalog. */
const planContent = (p: PlanModel): string => stableStringify(p, (key) => key === 'span' || key === 'fieldSpans' || key === 'dslNames');

export const revisionRules: Rule[] = [
  rule<ServiceRule>({
    id: 'REV-006', severity: 'error', scope: 'service', kinds: ['saas', 'image-based'], section: '§E', source: 'UP/ibservice_upload_package/#upload_actions',
    title: 'No two plans of a service share (id, revision), and a plan id appears once per service entry.',
    check(s, ctx) {
      const seen = new Map<string, PlanModel>();
      for (const p of Array.isArray(s.plans) ? s.plans : []) {
        if (typeof p.id !== 'string') continue;
        const prev = seen.get(p.id);
        if (prev) {
          const same = prev.revision === p.revision;
          ctx.report({
            node: p, field: 'id',
            message: same
              ? `Plans "${text(prev.name)}" and "${text(p.name)}" share id ${p.id} and revision ${JSON.stringify(p.revision)}; Marketplace keeps only one of them.`
              : `Plan id ${p.id} is used by two plans of this service ("${text(prev.name)}" and "${text(p.name)}").`,
            hint: 'Give every plan its own UUID.',
          });
        } else seen.set(p.id, p);
      }
    },
  }),
  rule<CatalogRule>({
    id: 'REV-006', severity: 'error', scope: 'catalog', kinds: ['saas'], section: '§E', source: 'UP/ibservice_upload_package/#upload_actions',
    title: 'No two service entries share (id, revision); a plan (id, revision) kept in two entries has the same content.',
    check(c, ctx) {
      const entries = new Map<string, unknown>();
      const plans = new Map<string, { content: string; plan: PlanModel }>();
      for (const s of c.services) {
        const key = `${text(s.id)}\u0000${text(s.revision)}`;
        if (entries.has(key)) ctx.report({ node: s, field: 'revision', message: `Two service entries share id ${text(s.id)} and revision ${JSON.stringify(s.revision)}; Marketplace ignores one of them.`, hint: 'Each entry of the catalog is one revision; give the new one a new revision.' });
        entries.set(key, s);
        for (const p of Array.isArray(s.plans) ? s.plans : []) {
          const pk = `${text(p.id)}\u0000${text(p.revision)}`;
          const content = planContent(p);
          const prev = plans.get(pk);
          if (prev && prev.content !== content) ctx.report({ node: p, field: 'revision', message: `Plan "${text(p.name)}" (${text(p.id)}, revision ${JSON.stringify(p.revision)}) differs from the plan with the same id and revision in another entry; Marketplace will not see the change.`, hint: 'Bump the plan revision.' });
          if (!prev) plans.set(pk, { content, plan: p });
        }
      }
    },
  }),
];
