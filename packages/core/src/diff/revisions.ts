/**
 * Revision discipline (SPEC §E): what a ChangeSet means for revisions. Marketplace
 * silently ignores an upload whose (id, revision) exists, silently skips a changed plan
 * that keeps its revision, and deletes a SaaS revision whose section leaves the catalog.
 * Each finding is a diagnostic with the exact fix, and each fixable one a bump target
 * that `vkmp diff --bump` applies to the vendor's sources.
 */
import type { Diagnostic, Span } from '../diagnostics.js';
import type { CatalogModel, Located } from '../model/types.js';
import { rule, spanOf, type ListedRule, type RuleMeta } from '../rules/engine.js';
import type { Change, ChangeSet, EntryPair, PlanPair, UnitDiff } from './engine.js';
import { jsonEqual, planHash, samePlanContent, sameServiceContent, serviceHash, sourceOf, type SnapshotPlan, type SnapshotService, type SnapshotUnit } from './normalize.js';

/** History rules: enforced by the diff against a baseline and the ledger, listed in the registry. */
export const historyRules: ListedRule[] = [
  rule<ListedRule>({ id: 'REV-001', severity: 'error', scope: 'history', kinds: ['saas', 'image-based'], section: '§E', source: 'SR/saas-param/', title: 'A new or changed service configuration carries a revision never uploaded before for that id.' }),
  rule<ListedRule>({ id: 'REV-002', severity: 'error', scope: 'history', kinds: ['saas', 'image-based'], section: '§E', source: 'SR/saas-plan/', title: 'A plan whose parameters changed carries a new revision.' }),
  { id: 'REV-003', severity: 'error', scope: 'history', kinds: ['saas', 'image-based'], docs: 'SPEC.md §E (inferred) · the ledger is .vkmp/deployed/<service>.json', title: 'An (id, revision) pair already uploaded keeps its content (ledger of uploaded revisions).' },
  rule<ListedRule>({ id: 'REV-004', severity: 'error', scope: 'history', kinds: ['image-based'], section: '§E', source: 'INS/manage-ib-apps/update-ib-app/#ibservice_update', title: 'IB: when an option file changes, every plan that uses the option gets a new revision.' }),
  rule<ListedRule>({ id: 'REV-005', severity: 'error', scope: 'history', kinds: ['image-based'], section: '§E', source: 'INS/manage-ib-apps/update-ib-app/#ibservice_update', title: 'IB: when a file of a plan changes (plan.yaml, display.yaml; deployment/* as a warning), the plan gets a new revision.' }),
  rule<ListedRule>({ id: 'REV-007', severity: 'error', scope: 'history', kinds: ['saas'], section: '§E', source: 'INS/manage-saas-apps/saas-update/', title: 'SaaS: the catalog keeps the section of every published revision; removing one deletes that revision.' }),
  rule<ListedRule>({ id: 'REV-009', severity: 'error', scope: 'history', kinds: ['saas'], section: '§E', source: 'INS/manage-saas-apps/saas-update/', title: 'SaaS: plans added or removed come with the matching plan_mapping.json change.' }),
  rule<ListedRule>({ id: 'REV-013', severity: 'error', scope: 'history', kinds: ['image-based'], section: '§E', source: 'INS/manage-ib-apps/update-ib-app/#ibservice_update', title: 'IB: an update never removes a Terraform resource the previous revision of the plan had.' }),
];

const meta = new Map<string, RuleMeta>(historyRules.map((r) => [r.id, r]));

/** `(kind, id, revision) → content hash` of everything uploaded (REV-003). */
export interface Ledger {
  /** `<service id>@<revision>` → service hash. */
  services: Record<string, string>;
  /** `<service id>/<plan id>@<revision>` → plan hash. */
  plans: Record<string, string>;
}

export const serviceLedgerKey = (id: string, revision: string): string => `${id}@${revision}`;
export const planLedgerKey = (serviceId: string, planId: string, revision: string): string => `${serviceId}/${planId}@${revision}`;

export interface RevisionOptions {
  /** Pairs uploaded before (the deployed state); enables REV-003. */
  ledger?: Ledger;
  /**
   * SaaS revisions whose sections may leave the catalog (never published, or withdrawn):
   * `<revision>` or `<service id>@<revision>` (REV-007).
   */
  allowRemovedRevisions?: readonly string[];
}

/** A `revision` that must change, and what to change it to. */
export interface RevisionBump {
  target: 'service' | 'plan';
  serviceName: string;
  serviceId: string;
  planId?: string;
  planName?: string;
  current: string;
  suggested: string;
  /** The source IR node (its span is the DSL call); absent for artifact heads. */
  node?: Located;
  /** The rules that require it. */
  codes: string[];
}

export interface RevisionReport {
  diagnostics: Diagnostic[];
  bumps: RevisionBump[];
}

// ---------------------------------------------------------------------------------------

/** The next revision in the same style: the last number goes up (`v. 1.0` → `v. 1.1`, `1.0-rc1` → `1.0-rc2`). */
export function incrementRevision(revision: string): string {
  const m = /(\d+)(?=\D*$)/.exec(revision);
  if (!m) return revision.trim() === '' ? '1' : `${revision}.1`;
  const digits = m[1]!;
  const next = (BigInt(digits) + 1n).toString().padStart(digits.length, '0');
  return revision.slice(0, m.index) + next + revision.slice(m.index + digits.length);
}

/** The next revision not in `taken` (the ledger, the baseline and the head). */
export function nextRevision(revision: string, taken: Iterable<string> = []): string {
  const used = new Set(taken);
  used.add(revision);
  let candidate = incrementRevision(revision);
  for (let i = 0; used.has(candidate) && i < 100_000; i++) candidate = incrementRevision(candidate);
  return candidate;
}

const q = (s: string): string => JSON.stringify(s);

function where(node: Located | undefined): string {
  const span = node ? spanOf({ node, field: 'revision' }) : undefined;
  return span ? ` at ${span.file.split('/').slice(-3).join('/')}:${span.line}` : '';
}

/** Up to three changed fields of a plan or entry, for messages. */
function changedFields(changes: readonly Change[]): string {
  const fields = changes.filter((c) => c.field !== 'revision').map((c) => {
    const p = c.path.slice(1).filter((s) => !s.startsWith('entry:') && !s.startsWith('plan:'));
    return p.join(' ') || c.kind;
  });
  const distinct = [...new Set(fields)];
  if (!distinct.length) return '';
  return ` (${distinct.slice(0, 3).join(', ')}${distinct.length > 3 ? `, +${distinct.length - 3} more` : ''})`;
}

class Checker {
  readonly diagnostics: Diagnostic[] = [];
  readonly bumps = new Map<string, RevisionBump>();
  private readonly allowed: Set<string>;
  /** Ledger revisions by service id and by `<service id>/<plan id>`. */
  private readonly ledgerRevisions = new Map<string, string[]>();

  constructor(private readonly ledger: Ledger | undefined, allowed: readonly string[] | undefined) {
    this.allowed = new Set(allowed ?? []);
    const index = (key: string) => {
      const at = key.indexOf('@');
      if (at < 0) return;
      const owner = key.slice(0, at);
      const list = this.ledgerRevisions.get(owner);
      if (list) list.push(key.slice(at + 1));
      else this.ledgerRevisions.set(owner, [key.slice(at + 1)]);
    };
    for (const k of Object.keys(ledger?.services ?? {})) index(k);
    for (const k of Object.keys(ledger?.plans ?? {})) index(k);
  }

  report(code: string, message: string, node: Located | undefined, hint: string, severity: 'error' | 'warning' = 'error', span?: Span): void {
    this.diagnostics.push({ code, severity, message, span: span ?? (node ? spanOf({ node, field: 'revision' }) : undefined), hint, docs: meta.get(code)?.docs });
  }

  bump(b: Omit<RevisionBump, 'codes'>, code: string): RevisionBump {
    const key = `${b.target}\u0000${b.serviceName}\u0000${b.serviceId}\u0000${b.planId ?? ''}\u0000${b.current}`;
    const existing = this.bumps.get(key);
    if (existing) {
      if (!existing.codes.includes(code)) existing.codes.push(code);
      return existing;
    }
    const created = { ...b, codes: [code] };
    this.bumps.set(key, created);
    return created;
  }

  serviceTaken(unit: UnitDiff, id: string): string[] {
    const revs = [...(unit.base?.entries ?? []), ...(unit.head?.entries ?? [])].filter((e) => e.id === id).map((e) => e.revision);
    return [...revs, ...(this.ledgerRevisions.get(id) ?? [])];
  }

  planTaken(unit: UnitDiff, serviceId: string, planId: string): string[] {
    const revs: string[] = [];
    for (const e of [...(unit.base?.entries ?? []), ...(unit.head?.entries ?? [])]) if (e.id === serviceId) for (const p of e.plans) if (p.id === planId) revs.push(p.revision);
    return [...revs, ...(this.ledgerRevisions.get(`${serviceId}/${planId}`) ?? [])];
  }

  fixHint(current: string, suggested: string, what: string, node: Located | undefined): string {
    return `Set ${what} revision: ${q(suggested)} (was ${q(current)})${where(node)}, or run \`vkmp diff --bump\`.`;
  }

  unit(unit: UnitDiff): void {
    if (!unit.head) return;
    for (const pair of unit.entries) if (pair.head) this.entry(unit, pair);
    if (unit.kind === 'saas' && unit.base) {
      this.sections(unit);
      this.mapping(unit);
    }
  }

  private entry(unit: UnitDiff, pair: EntryPair): void {
    const h = pair.head!;
    const node = sourceOf(h);
    const changes = unit.changes.filter((c) => c.serviceId === h.id && c.revision === h.revision);
    let flagged = false;
    const bumpService = (code: string) => this.bump({ target: 'service', serviceName: unit.serviceName, serviceId: h.id, current: h.revision, suggested: nextRevision(h.revision, this.serviceTaken(unit, h.id)), node }, code);
    if (pair.relation === 'same-revision' && pair.base && !(pair.same ?? sameServiceContent(pair.base, h))) {
      const b = bumpService('REV-001');
      flagged = true;
      this.report('REV-001', `Service "${unit.serviceName}" (${h.id}) changed${changedFields(changes)} but keeps revision ${q(h.revision)}; Marketplace silently ignores an upload whose id and revision exist.`, node, this.fixHint(h.revision, b.suggested, 'the service', node));
    }
    const known = this.ledger?.services[serviceLedgerKey(h.id, h.revision)];
    if (!flagged && known !== undefined && known !== serviceHash(h)) {
      const b = bumpService('REV-003');
      this.report('REV-003', `Service "${unit.serviceName}" revision ${q(h.revision)} (${h.id}) was uploaded before with other content; Marketplace keeps the old content for this pair.`, node, this.fixHint(h.revision, b.suggested, 'the service', node));
    }
    for (const pp of pair.plans) if (pp.head) this.plan(unit, pair, pp);
  }

  private readonly optionFileCache = new WeakMap<SnapshotService, WeakMap<SnapshotService, string[]>>();

  /** IB option files changed or removed between two versions of a package (computed once per pair). */
  private changedOptionFiles(base: SnapshotService, head: SnapshotService): string[] {
    let inner = this.optionFileCache.get(base);
    if (!inner) this.optionFileCache.set(base, (inner = new WeakMap()));
    let names = inner.get(head);
    if (!names) {
      const b = base.options ?? {};
      const h = head.options ?? {};
      names = [...Object.keys(h).filter((n) => n in b && !jsonEqual(b[n], h[n])), ...Object.keys(b).filter((n) => !(n in h))];
      inner.set(head, names);
    }
    return names;
  }

  /** The base plan with the same id and revision: in the paired entry, else in any base entry of the service. */
  private sameRevisionPlan(unit: UnitDiff, pair: EntryPair, p: SnapshotPlan): { plan: SnapshotPlan; entry: SnapshotService } | undefined {
    const inPair = pair.base?.plans.find((x) => x.id === p.id && x.revision === p.revision);
    if (inPair) return { plan: inPair, entry: pair.base! };
    for (const e of unit.base?.entries ?? []) {
      if (e.id !== pair.head!.id) continue;
      const x = e.plans.find((y) => y.id === p.id && y.revision === p.revision);
      if (x) return { plan: x, entry: e };
    }
    return undefined;
  }

  private plan(unit: UnitDiff, pair: EntryPair, pp: PlanPair): void {
    const h = pp.head!;
    const service = pair.head!;
    const node = sourceOf(h);
    const label = `Plan "${h.name}" (${h.id})`;
    const changes = unit.changes.filter((c) => c.planId === h.id && c.serviceId === service.id && c.revision === service.revision);
    const bumpPlan = (code: string) => this.bump({ target: 'plan', serviceName: unit.serviceName, serviceId: service.id, planId: h.id, planName: h.name, current: h.revision, suggested: nextRevision(h.revision, this.planTaken(unit, service.id, h.id)), node }, code);
    const fix = (code: string) => {
      const b = bumpPlan(code);
      return this.fixHint(h.revision, b.suggested, `plan "${h.name}"`, node);
    };
    const same = this.sameRevisionPlan(unit, pair, h);
    let flagged = false;
    if (same && !(same.plan === pp.base && pp.same !== undefined ? pp.same : samePlanContent(same.plan, h))) {
      if (unit.kind === 'saas') {
        flagged = true;
        this.report('REV-002', `${label} changed${changedFields(changes)} but keeps revision ${q(h.revision)}; Marketplace silently skips a changed plan without a new plan revision.`, node, fix('REV-002'));
      } else {
        flagged = this.imageBasedPlan(unit, same, service, h, label, changes, fix);
      }
    }
    const known = this.ledger?.plans[planLedgerKey(service.id, h.id, h.revision)];
    if (!flagged && known !== undefined && known !== planHash(h)) {
      this.report('REV-003', `${label} revision ${q(h.revision)} was uploaded before with other content; Marketplace keeps the old content for this pair.`, node, fix('REV-003'));
    }
    // REV-013: resources of the previous revision of the plan stay.
    const prev = pp.base;
    if (unit.kind === 'image-based' && prev?.terraformResources && h.terraformResources) {
      const removed = prev.terraformResources.filter((r) => !h.terraformResources!.includes(r));
      if (removed.length) {
        this.report(
          'REV-013',
          `${label} removes Terraform resource${removed.length === 1 ? '' : 's'} ${removed.map((r) => `"${r}"`).join(', ')} that revision ${q(prev.revision)} has; instances of that revision still own ${removed.length === 1 ? 'it' : 'them'} and an update must stay backward compatible.`,
          node,
          `Keep ${removed.map((r) => { const [t, ...n] = r.split('.'); return `resource "${t}" "${n.join('.')}"`; }).join(', ')} in the plan's deployment/*.tf (change its arguments instead), or ship the change as a new plan id.`,
          'error',
          node?.span,
        );
      }
    }
  }

  /** IB: which files of the plan changed decides the rule (REV-004 option file, REV-005 plan files). */
  private imageBasedPlan(
    unit: UnitDiff, same: { plan: SnapshotPlan; entry: SnapshotService }, service: SnapshotService, h: SnapshotPlan, label: string, changes: readonly Change[], fix: (code: string) => string,
  ): boolean {
    const b = same.plan;
    let flagged = false;
    const optionFiles = this.changedOptionFiles(same.entry, service).filter((name) => name in h.options);
    if (optionFiles.length) {
      flagged = true;
      this.report('REV-004', `${label} uses ${optionFiles.map((n) => `parameters/${n}.yaml`).join(', ')}, which changed, but keeps revision ${q(h.revision)}; every plan that uses a changed option must get a new revision.`, sourceOf(h), fix('REV-004'));
    }
    // plan.yaml: the plan's own fields and its parameters_patch; display.yaml: pages and entities.
    const planYamlSame =
      b.name === h.name && b.description === h.description && b.free === h.free && b.plan_updateable === h.plan_updateable &&
      jsonEqual(b.billing, h.billing) && jsonEqual(b.resource_usages, h.resource_usages) && jsonEqual(b.extra, h.extra) &&
      Object.keys(b.options).every((n) => jsonEqual(b.options[n]!.patch, h.options[n]?.patch)) &&
      Object.keys(h.options).every((n) => n in b.options || h.options[n]!.patch === undefined);
    const files: string[] = [];
    if (!planYamlSame) files.push('plan.yaml');
    if (!jsonEqual(b.display.pages, h.display.pages) || !jsonEqual(b.entities, h.entities)) files.push('display.yaml');
    const optionSet = (p: SnapshotPlan) => Object.keys(p.options).sort();
    if (!files.length && !optionFiles.length && !jsonEqual(optionSet(b), optionSet(h))) files.push('display.yaml');
    if (files.length) {
      flagged = true;
      this.report('REV-005', `${label}: ${files.join(' and ')} changed${changedFields(changes)} but the plan keeps revision ${q(h.revision)}; Marketplace skips a changed plan without a new revision.`, sourceOf(h), fix('REV-005'));
    }
    const deployment = !jsonEqual(b.deployment ?? {}, h.deployment ?? {});
    if (deployment && !flagged) {
      const paths = [...new Set([...Object.keys(b.deployment ?? {}), ...Object.keys(h.deployment ?? {})])].filter((p) => b.deployment?.[p] !== h.deployment?.[p]);
      this.report('REV-005', `${label}: deployment file${paths.length === 1 ? '' : 's'} ${paths.map((p) => `deployment/${p.replace(/^deployment\//, '')}`).join(', ')} changed but the plan keeps revision ${q(h.revision)}; existing instances keep the old manifests.`, sourceOf(h), fix('REV-005'), 'warning');
      return true;
    }
    if (!flagged && !samePlanContent(b, h)) {
      // Effective options differ without a file or patch change (e.g. a reader quirk): still a plan change.
      this.report('REV-005', `${label} changed${changedFields(changes)} but keeps revision ${q(h.revision)}.`, sourceOf(h), fix('REV-005'));
      flagged = true;
    }
    return flagged;
  }

  private sections(unit: UnitDiff): void {
    const head = unit.head!;
    for (const s of unit.removedSections) {
      if (this.allowed.has(s.revision) || this.allowed.has(`${s.id}@${s.revision}`)) continue;
      const successor = head.entries.find((e) => e.id === s.id);
      const node = successor ? sourceOf(successor) : undefined;
      const span = node ? spanOf({ node, field: 'revision' }) : catalogSpan(head);
      this.report(
        'REV-007',
        `Revision ${q(s.revision)} of "${unit.serviceName}" (${s.id}) is deployed but its section is no longer in the catalog${successor ? ` (replaced by ${q(successor.revision)})` : ''}; Marketplace deletes that revision, and a published one disappears from the showcase.`,
        undefined,
        `Keep the section: add another saas.service({...}) with serviceName ${q(unit.serviceName)}, id ${q(s.id)} and revision ${q(s.revision)} (its deployed content is in .vkmp/deployed/${unit.serviceName}.json). If ${q(s.revision)} was never published or was withdrawn, confirm the deletion with --allow-removed ${q(s.revision)}.`,
        'error',
        span,
      );
    }
  }

  private mapping(unit: UnitDiff): void {
    const head = unit.head!;
    const mapping = head.planMapping;
    const span = mappingSpan(head);
    const nameOf = (id: string) => head.entries.flatMap((e) => e.plans).find((p) => p.id === id)?.name ?? unit.base?.entries.flatMap((e) => e.plans).find((p) => p.id === id)?.name ?? id;
    for (const id of unit.plansAdded) {
      if (mapping && Object.prototype.hasOwnProperty.call(mapping, id)) continue;
      this.report('REV-009', `Plan "${nameOf(id)}" (${id}) is new in "${unit.serviceName}" but plan_mapping.json has no entry for it; the broker cannot map the plan.`, undefined, `Add "${id}": <SaaS plan id> under "${unit.serviceName}" in plan_mapping.json in the same change (in the DSL: set planId on the plan).`, 'error', span);
    }
    for (const id of unit.plansRemoved) {
      if (!mapping || !Object.prototype.hasOwnProperty.call(mapping, id)) continue;
      this.report('REV-009', `Plan "${nameOf(id)}" (${id}) was removed from "${unit.serviceName}" but plan_mapping.json still maps it.`, undefined, `Remove "${id}" from plan_mapping.json in the same change.`, 'error', span);
    }
  }
}

function catalogSpan(unit: SnapshotUnit): Span | undefined {
  const src = sourceOf(unit) as CatalogModel | undefined;
  return src?.span;
}
function mappingSpan(unit: SnapshotUnit): Span | undefined {
  const src = sourceOf(unit) as CatalogModel | undefined;
  return src?.planMapping?.span ?? src?.span;
}

/**
 * The revision findings of a ChangeSet: REV-001/002/003/004/005/007/009/013 as
 * diagnostics, plus the revisions `--bump` must change. Pass the ledger of the deployed
 * state to catch reused pairs (REV-003).
 */
export function checkRevisions(changeSet: ChangeSet, options: RevisionOptions = {}): RevisionReport {
  const checker = new Checker(options.ledger, options.allowRemovedRevisions);
  for (const unit of changeSet.units) checker.unit(unit);
  return { diagnostics: checker.diagnostics, bumps: [...checker.bumps.values()] };
}
