/**
 * validate: a registry of rules, each with its SPEC ID, severity, title and docs
 * pointer. Every rule runs; all diagnostics are collected, never stopping at the first.
 */
import type { Diagnostic, Severity, Span } from '../diagnostics.js';
import { locateField } from '../model/dsl-context.js';
import type { AppKind, CatalogModel, Located, PlanModel, ProjectModel, ServiceModel } from '../model/types.js';

/** Where a rule looks. `reader` rules are reported by readers (parse-level) and only listed here. */
export type RuleScope = 'catalog' | 'service' | 'plan' | 'project' | 'reader' | 'dsl' | 'history';

export interface RuleMeta {
  /** SPEC ID, e.g. `SAAS-024`, or a tool rule (`DSL-001`). */
  readonly id: string;
  /** Default severity (a rule may report some findings as warnings). */
  readonly severity: Severity;
  /** One line: what the rule requires. */
  readonly title: string;
  /** SPEC section and docs page. */
  readonly docs: string;
  readonly scope: RuleScope;
  /** App kinds it applies to. */
  readonly kinds: readonly AppKind[];
}

export interface Report {
  message: string;
  /** The node the finding is about; its span (and the field's, when known) is used. */
  node?: Located;
  /** Marketplace field name on `node` to point at. */
  field?: string;
  span?: Span;
  hint?: string;
  severity?: Severity;
}

export interface RuleContext {
  report(r: Report): void;
}

export interface CatalogRule extends RuleMeta {
  readonly scope: 'catalog';
  check(catalog: CatalogModel, ctx: RuleContext): void;
}
export interface ServiceRule extends RuleMeta {
  readonly scope: 'service';
  check(service: ServiceModel, ctx: RuleContext): void;
}
export interface PlanRule extends RuleMeta {
  readonly scope: 'plan';
  check(plan: PlanModel, service: ServiceModel, ctx: RuleContext): void;
}
export interface ProjectRule extends RuleMeta {
  readonly scope: 'project';
  check(project: ProjectModel, ctx: RuleContext): void;
}
/** Rules enforced elsewhere (readers, the DSL, diff history): listed for docs and coverage. */
export interface ListedRule extends RuleMeta {
  readonly scope: 'reader' | 'dsl' | 'history';
  /** When another rule reports this requirement (two SPEC rules saying the same thing), its IDs. */
  readonly enforcedBy?: readonly string[];
}

export type Rule = CatalogRule | ServiceRule | PlanRule | ProjectRule | ListedRule;

/**
 * A value from a hand-written file, for a message: strings as they are, anything else as
 * JSON. Never throws (String() does on a JSON object with a "toString" key).
 */
export function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** Resolves the best span for a report: field span, DSL-located field, node span. */
export function spanOf(r: Pick<Report, 'node' | 'field' | 'span'>): Span | undefined {
  if (r.span) return r.span;
  const node = r.node;
  if (!node) return undefined;
  if (r.field) {
    const fs = node.fieldSpans?.[r.field];
    if (fs) return fs;
    const dslName = node.dslNames?.[r.field];
    if (dslName && node.span) return locateField(node.span, dslName);
  }
  return node.span;
}

function contextFor(rule: RuleMeta, out: Diagnostic[]): RuleContext {
  return {
    report(r) {
      out.push({
        code: rule.id,
        severity: r.severity ?? rule.severity,
        message: r.message,
        span: spanOf(r),
        hint: r.hint,
        docs: rule.docs,
      });
    },
  };
}

/** Runs every applicable rule over a project model. */
export function runRules(project: ProjectModel, rules: readonly Rule[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const rule of rules) {
    const ctx = contextFor(rule, out);
    const run = (fn: () => void) => {
      try {
        fn();
      } catch (error) {
        // A rule must never take the whole validation down; report the defect itself.
        out.push({ code: rule.id, severity: 'error', message: `Internal error in rule ${rule.id}: ${(error as Error).message}`, hint: 'Please report this as a vkmp bug.' });
      }
    };
    switch (rule.scope) {
      case 'project':
        run(() => rule.check(project, ctx));
        break;
      case 'catalog':
        for (const c of project.catalogs) run(() => rule.check(c, ctx));
        break;
      case 'service':
        for (const s of allServices(project)) if (rule.kinds.includes(s.kind)) run(() => rule.check(s, ctx));
        break;
      case 'plan':
        for (const s of allServices(project)) {
          if (!rule.kinds.includes(s.kind)) continue;
          for (const p of Array.isArray(s.plans) ? s.plans : []) run(() => rule.check(p, s, ctx));
        }
        break;
      default:
        break;
    }
  }
  return out;
}

export function allServices(project: ProjectModel): ServiceModel[] {
  return [...project.catalogs.flatMap((c) => c.services), ...project.packages];
}

const PREFIXES: Record<string, string> = {
  'MA/': 'tools-for-using-services/vendor-account/manage-apps/',
  'REF/': 'tools-for-using-services/vendor-account/reference/',
  'INS/': 'tools-for-using-services/vendor-account/instructions/',
  'VA/': 'tools-for-using-services/vendor-account/',
  'INC/': '_includes/',
  'SR/': 'tools-for-using-services/vendor-account/reference/saas-apps-reference/',
  'IR/': 'tools-for-using-services/vendor-account/reference/ib-apps-reference/',
  'SC/': 'tools-for-using-services/vendor-account/manage-apps/saas_add/saas_configure/',
  'CFG/': 'tools-for-using-services/vendor-account/manage-apps/ibservice_add/ibservice_configure/',
  'TF/': 'tools-for-using-services/vendor-account/manage-apps/ibservice_add/tf_manifest/',
  'UP/': 'tools-for-using-services/vendor-account/manage-apps/ibservice_add/ibservice_upload/',
};

/** `SR/saas-plan/` → `SPEC §… · vkcloud-docs/…/saas-plan/saas-plan.md` (SPEC §0.2 notation). */
export function docsRef(section: string, source: string): string {
  const first = source.split(';')[0]!.trim().replace(/`/g, '');
  let path = first;
  for (const [prefix, expansion] of Object.entries(PREFIXES)) {
    if (path.startsWith(prefix)) {
      path = expansion + path.slice(prefix.length);
      break;
    }
  }
  const [dirPart, anchor] = path.split('#');
  let file = dirPart!;
  if (file.endsWith('/')) {
    const leaf = file.slice(0, -1).split('/').pop();
    file = `${file}${leaf}.md`;
  }
  return `SPEC.md ${section} · vkcloud-docs/${file}${anchor ? `#${anchor}` : ''}`;
}

/** Defines a rule with its docs pointer built from the SPEC source notation. */
export function rule<R extends Rule>(r: Omit<R, 'docs'> & { section: string; source: string }): R {
  const { section, source, ...rest } = r;
  return { ...rest, docs: docsRef(section, source) } as unknown as R;
}
