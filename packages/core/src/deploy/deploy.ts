/**
 * deploy (DESIGN §2, §5): compare the build with the deployed state, refuse what breaks
 * revision discipline (SPEC §E) before anything is sent, then deliver only what changed —
 * image-based packages through an uploader (the Infra API client, `POST …/product`), SaaS
 * catalogs into the broker's `resources/` directory — and record
 * `.vkmp/deployed/<service>.json` for each unit only after its delivery succeeded.
 *
 * Core does not depend on the HTTP client: the CLI passes an {@link PackageUploader}.
 */
import { createHash } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { hasErrors, sortDiagnostics } from '../diagnostics.js';
import { diffModels, type Change, type ChangeSet } from '../diff/engine.js';
import { normalizeProject, type Snapshot } from '../diff/normalize.js';
import { checkRevisions, type RevisionBump } from '../diff/revisions.js';
import type { OutputTree } from '../emit/tree.js';
import type { AppKind, ProjectModel } from '../model/types.js';
import { buildProject, type CompileOptions } from '../pipeline.js';
import {
  DeployedStateError, ledgerFromStates, readDeployedState, snapshotFromStates, stateFilePath, stateFromModel, writeDeployedState, type DeployedState,
} from '../state/state.js';
import { brokerDirProblem, brokerFilesMatch, writeBrokerFiles, type BrokerFile } from './broker.js';

/** What deploy does with one unit (a SaaS catalog or an image-based package). */
export type DeployAction = 'upload' | 'write-broker' | 'up-to-date';

/** One unit of the plan. */
export interface DeployUnitPlan {
  /** SERVICE_NAME. */
  serviceName: string;
  kind: AppKind;
  action: DeployAction;
  /** Why: `new service`, `3 changes`, `broker files differ from the build`, `no changes`. */
  reason: string;
  /** The unit's changes against the deployed state. */
  changes: Change[];
  /** `(id, revision)` of each service entry the unit delivers. */
  revisions: { id: string; revision: string }[];
  /** Image-based: the package zip to upload. */
  package?: { filename: string; bytes: Uint8Array; sha256: string };
  /** SaaS: the files for the broker's `resources/` directory. */
  brokerFiles?: BrokerFile[];
  /** The state file written after success. */
  statePath: string;
}

/** The plan: what would be sent, and what stops the deploy. */
export interface DeployPlan {
  rootDir: string;
  model: ProjectModel;
  tree: OutputTree;
  changeSet: ChangeSet;
  /** The deployed state read before planning (carries the REV-003 ledger forward). */
  previous: Map<string, DeployedState>;
  units: DeployUnitPlan[];
  /** Revision-discipline findings, config problems; errors make `ok` false. */
  diagnostics: Diagnostic[];
  /** Revisions that must change (the fix for REV-001/002/003/004/005). */
  bumps: RevisionBump[];
  /** Absolute broker `resources/` directory for SaaS units, when configured. */
  brokerResourcesDir?: string;
  ok: boolean;
}

export interface PlanDeployOptions {
  /** Project root (directory of vkmp.config.ts): the deployed state lives under it. */
  rootDir: string;
  /** The built model. */
  model: ProjectModel;
  /** The emitted artifacts (`buildProject().tree`). */
  tree: OutputTree;
  /** Only these SERVICE_NAMEs (default: every unit of the project). */
  only?: readonly string[];
  /** SaaS revisions whose catalog sections may leave the catalog (REV-007). */
  allowRemovedRevisions?: readonly string[];
  /** The broker's `resources/` directory (absolute, or relative to `rootDir`). */
  brokerResourcesDir?: string;
}

const DOCS_DEPLOY = 'DESIGN.md §5 · SPEC.md §D.2 (upload), §B.1 (broker resources/)';

const err = (code: string, message: string, hint?: string): Diagnostic => ({ code, severity: 'error', message, ...(hint ? { hint } : {}), docs: DOCS_DEPLOY });

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

function describeChanges(changes: readonly Change[], isNew: boolean): string {
  if (isNew) return 'not deployed yet';
  const n = changes.length;
  return `${n} change${n === 1 ? '' : 's'}`;
}

function filterSnapshot(s: Snapshot, only: readonly string[] | undefined): Snapshot {
  return only ? { units: s.units.filter((u) => only.includes(u.serviceName)) } : s;
}

/**
 * Plans a deploy: diff of the build against `.vkmp/deployed`, revision discipline, the
 * action per unit. Never sends or writes anything. Problems are diagnostics (`ok: false`).
 */
export function planDeploy(options: PlanDeployOptions): DeployPlan {
  const { rootDir, model, tree } = options;
  const diagnostics: Diagnostic[] = [];
  const brokerResourcesDir = options.brokerResourcesDir === undefined ? undefined : isAbsolute(options.brokerResourcesDir) ? options.brokerResourcesDir : resolve(rootDir, options.brokerResourcesDir);
  const names = [...model.catalogs.map((c) => c.serviceName), ...model.packages.map((p) => p.serviceName)];
  const only = options.only?.length ? [...options.only] : undefined;
  const unknown = (only ?? []).filter((n) => !names.includes(n));
  if (unknown.length) diagnostics.push(err('DEPLOY-001', `--service ${unknown.join(', ')}: not a service of this project (it has ${names.join(', ') || 'no services'}).`));

  let previous = new Map<string, DeployedState>();
  try {
    previous = readDeployedState(rootDir);
  } catch (error) {
    if (!(error instanceof DeployedStateError)) throw error;
    diagnostics.push(err('STATE-001', error.message));
  }
  const head = filterSnapshot(normalizeProject(model), only);
  const base = filterSnapshot(snapshotFromStates(previous), only);
  const changeSet = diffModels(base, head);
  const report = checkRevisions(changeSet, { ledger: ledgerFromStates(previous), allowRemovedRevisions: options.allowRemovedRevisions });
  diagnostics.push(...report.diagnostics);

  const units: DeployUnitPlan[] = [];
  for (const unit of changeSet.units) {
    const h = unit.head;
    if (!h) {
      diagnostics.push({
        code: 'DEPLOY-005',
        severity: 'warning',
        message: `${unit.kind === 'saas' ? 'Catalog' : 'Package'} "${unit.serviceName}" is in the deployed state but no longer in the project; deploy does not delete services (archive image-based revisions with \`vkmp archive\`).`,
        docs: DOCS_DEPLOY,
      });
      continue;
    }
    const isNew = !unit.base;
    const changed = isNew || unit.changes.length > 0;
    const revisions = h.entries.map((e) => ({ id: e.id, revision: e.revision }));
    const statePath = stateFilePath(rootDir, unit.serviceName);
    if (unit.kind === 'image-based') {
      const zipPath = `${unit.serviceName}.zip`;
      const bytes = tree.get(zipPath);
      const planned: DeployUnitPlan = { serviceName: unit.serviceName, kind: unit.kind, action: changed ? 'upload' : 'up-to-date', reason: changed ? describeChanges(unit.changes, isNew) : 'no changes', changes: unit.changes, revisions, statePath };
      if (!bytes) {
        if (changed) diagnostics.push(err('DEPLOY-004', `The build has no ${zipPath} for image-based service "${unit.serviceName}".`, 'Run `vkmp build` to see why the package was not emitted.'));
      } else planned.package = { filename: zipPath, bytes, sha256: sha256(bytes) };
      units.push(planned);
      continue;
    }
    const catalogName = `catalog_${unit.serviceName}.json`;
    const files: BrokerFile[] = [];
    for (const name of [catalogName, 'plan_mapping.json']) {
      const bytes = tree.get(`${unit.serviceName}/${name}`);
      if (bytes) files.push({ name, bytes });
    }
    if (!files.some((f) => f.name === catalogName)) {
      diagnostics.push(err('DEPLOY-004', `The build has no ${unit.serviceName}/${catalogName}.`, 'Run `vkmp build` to see why the catalog was not emitted.'));
    }
    let action: DeployAction = changed ? 'write-broker' : 'up-to-date';
    let reason = changed ? describeChanges(unit.changes, isNew) : 'no changes';
    if (brokerResourcesDir === undefined) {
      if (changed) {
        diagnostics.push(err('DEPLOY-002', `SaaS catalog "${unit.serviceName}" has changes, but no broker resources/ directory is configured to write it to.`, 'Set deploy.brokerResourcesDir in vkmp.config.ts (the broker\'s resources/ directory, relative to the config file), or pass --broker-dir.'));
      }
    } else {
      const problem = brokerDirProblem(brokerResourcesDir, unit.serviceName);
      if (problem && (changed || !brokerFilesMatch(brokerResourcesDir, files))) diagnostics.push(err('DEPLOY-003', `Cannot deploy "${unit.serviceName}" into the broker: ${problem}.`, 'Point deploy.brokerResourcesDir (or --broker-dir) at this service\'s broker resources/ directory.'));
      else if (!changed && !brokerFilesMatch(brokerResourcesDir, files)) {
        action = 'write-broker';
        reason = 'broker files differ from the deployed build';
      }
    }
    units.push({ serviceName: unit.serviceName, kind: unit.kind, action, reason, changes: unit.changes, revisions, brokerFiles: files, statePath });
  }
  const sorted = sortDiagnostics(diagnostics);
  return { rootDir, model, tree, changeSet, previous, units, diagnostics: sorted, bumps: report.bumps, ...(brokerResourcesDir ? { brokerResourcesDir } : {}), ok: !hasErrors(sorted) };
}

// ---------------------------------------------------------------------------------------

/** Delivers a package zip; the CLI wraps the Infra API client (`uploadProduct`). */
export interface PackageUploader {
  /**
   * Uploads one package and resolves once the API confirmed it (HTTP 204). `outcome` is
   * `ignored` when the target says the `(id, revision)` already existed (the emulator
   * does; the real API does not say, H-26), else `accepted` or `unknown`. Throws on failure.
   */
  upload(
    pkg: { serviceName: string; filename: string; bytes: Uint8Array },
    hooks: { onProgress?: (progress: { sentBytes: number; totalBytes: number; attempt: number }) => void },
  ): Promise<{ outcome: 'accepted' | 'ignored' | 'unknown'; attempts: number }>;
}

/** Progress of a deploy, for rendering. */
export type DeployEvent =
  | { type: 'unit-start'; unit: DeployUnitPlan }
  | { type: 'upload-progress'; unit: DeployUnitPlan; sentBytes: number; totalBytes: number; attempt: number }
  | { type: 'unit-done'; unit: DeployUnitPlan; result: DeployUnitResult };

export type DeployUnitStatus = 'deployed' | 'up-to-date' | 'ignored' | 'failed' | 'not-attempted';

export interface DeployUnitResult {
  serviceName: string;
  kind: AppKind;
  action: DeployAction;
  status: DeployUnitStatus;
  /** One line: what happened. */
  message: string;
  /** What to do next, for `ignored` and `failed`. */
  hint?: string;
  /** Upload attempts (1 = no retry). */
  attempts?: number;
  /** Files written into the broker's `resources/`. */
  written?: string[];
  /** The state file written (only after success). */
  stateFile?: string;
  /** The upload's failure (an `InfraApiError` when the CLI's uploader is used). */
  error?: unknown;
}

export interface DeployReport {
  ok: boolean;
  units: DeployUnitResult[];
}

export interface RunDeployOptions {
  /** Required when a unit is uploaded. */
  uploader?: PackageUploader;
  /** Deploy time recorded in the state (default: now). */
  now?: () => Date;
  onEvent?: (event: DeployEvent) => void;
}

/**
 * Executes a plan, unit by unit; stops at the first failure (the units after it are
 * `not-attempted`). The state file of a unit is written only after its delivery succeeded;
 * a failed or ignored upload leaves it byte-for-byte unchanged.
 */
export async function runDeploy(plan: DeployPlan, options: RunDeployOptions = {}): Promise<DeployReport> {
  const results: DeployUnitResult[] = [];
  const base = (u: DeployUnitPlan) => ({ serviceName: u.serviceName, kind: u.kind, action: u.action });
  if (!plan.ok) {
    return { ok: false, units: plan.units.map((u) => ({ ...base(u), status: 'not-attempted' as const, message: 'not attempted: the plan has errors; nothing was sent' })) };
  }
  let stopped = false;
  for (const unit of plan.units) {
    if (stopped) {
      results.push({ ...base(unit), status: 'not-attempted', message: 'not attempted: an earlier service failed' });
      continue;
    }
    if (unit.action === 'up-to-date') {
      const r: DeployUnitResult = { ...base(unit), status: 'up-to-date', message: 'up to date: nothing sent' };
      results.push(r);
      options.onEvent?.({ type: 'unit-done', unit, result: r });
      continue;
    }
    options.onEvent?.({ type: 'unit-start', unit });
    const r = await deliver(plan, unit, options);
    results.push(r);
    options.onEvent?.({ type: 'unit-done', unit, result: r });
    if (r.status !== 'deployed') stopped = true;
  }
  return { ok: results.every((r) => r.status === 'deployed' || r.status === 'up-to-date'), units: results };
}

async function deliver(plan: DeployPlan, unit: DeployUnitPlan, options: RunDeployOptions): Promise<DeployUnitResult> {
  const result: DeployUnitResult = { serviceName: unit.serviceName, kind: unit.kind, action: unit.action, status: 'failed', message: '' };
  if (unit.action === 'upload') {
    if (!unit.package) return { ...result, message: `no package to upload for "${unit.serviceName}"` };
    if (!options.uploader) return { ...result, message: 'no uploader configured: cannot send image-based packages' };
    let outcome: 'accepted' | 'ignored' | 'unknown';
    try {
      const sent = await options.uploader.upload(
        { serviceName: unit.serviceName, filename: unit.package.filename, bytes: unit.package.bytes },
        { onProgress: (p) => options.onEvent?.({ type: 'upload-progress', unit, ...p }) },
      );
      outcome = sent.outcome;
      result.attempts = sent.attempts;
    } catch (error) {
      return { ...result, message: (error as Error)?.message ?? String(error), error, hint: 'The deployed state was not changed; fix the cause and run vkmp deploy again.' };
    }
    if (outcome === 'ignored') {
      const rev = unit.revisions.map((r) => `${r.id}@${JSON.stringify(r.revision)}`).join(', ');
      return {
        ...result,
        status: 'ignored',
        message: `ignored: the service id + revision already exists (${rev}); Marketplace kept the content uploaded before and updated nothing`,
        hint: 'If that content is what this build holds (the deployed state was lost), record it with `vkmp state record`; otherwise give the service a new revision and deploy again. The deployed state was not changed.',
      };
    }
  } else {
    if (!plan.brokerResourcesDir) return { ...result, message: 'no broker resources/ directory configured' };
    try {
      result.written = writeBrokerFiles(plan.brokerResourcesDir, unit.brokerFiles ?? []);
    } catch (error) {
      return { ...result, message: `cannot write into ${plan.brokerResourcesDir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, error, hint: 'The deployed state was not changed; the broker files were left as they were.' };
    }
  }
  try {
    const at = (options.now ?? (() => new Date()))();
    const states = stateFromModel(plan.model, { at, source: 'deploy', artifacts: plan.tree, previous: plan.previous, only: [unit.serviceName] });
    const [file] = writeDeployedState(plan.rootDir, states);
    result.stateFile = file;
  } catch (error) {
    return {
      ...result,
      message: `${unit.action === 'upload' ? 'uploaded' : 'written'}, but the deployed state could not be recorded: ${(error as Error).message}`,
      error,
      hint: 'Run `vkmp state record` once the cause is fixed, so the next diff compares with what is deployed.',
    };
  }
  result.status = 'deployed';
  result.message = unit.action === 'upload' ? 'uploaded' : `wrote ${(result.written ?? []).length} file${(result.written ?? []).length === 1 ? '' : 's'} into the broker's resources/`;
  return result;
}

// ---------------------------------------------------------------------------------------

export interface DeployProjectOptions extends CompileOptions {
  only?: readonly string[];
  allowRemovedRevisions?: readonly string[];
  /** Overrides `deploy.brokerResourcesDir` of the config (absolute or relative to the cwd). */
  brokerResourcesDir?: string;
  /** Plan only: nothing is sent or written. */
  dryRun?: boolean;
  uploader?: PackageUploader;
  now?: () => Date;
  onEvent?: (event: DeployEvent) => void;
  /** Called with the plan before anything is sent; resolve `false` to stop (e.g. a prompt). */
  confirm?: (plan: DeployPlan) => boolean | Promise<boolean>;
}

export interface DeployProjectResult {
  /** Build diagnostics (errors stop the deploy) and the plan's diagnostics. */
  diagnostics: Diagnostic[];
  plan?: DeployPlan;
  report?: DeployReport;
  /** `true` when `confirm` said no. */
  cancelled?: boolean;
  ok: boolean;
}

/** build (in memory) → plan → confirm → run: `vkmp deploy` as a library call. */
export async function deployProject(options: DeployProjectOptions = {}): Promise<DeployProjectResult> {
  const built = await buildProject(options);
  if (!built.ok || !built.model || !built.tree || !built.project) return { diagnostics: built.diagnostics, ok: false };
  const configured = built.project.config.deploy?.brokerResourcesDir;
  const brokerResourcesDir = options.brokerResourcesDir !== undefined ? resolve(options.cwd ?? process.cwd(), options.brokerResourcesDir) : configured !== undefined ? resolve(built.project.rootDir, configured) : undefined;
  const plan = planDeploy({ rootDir: built.project.rootDir, model: built.model, tree: built.tree, only: options.only, allowRemovedRevisions: options.allowRemovedRevisions, brokerResourcesDir });
  const diagnostics = sortDiagnostics([...built.diagnostics, ...plan.diagnostics]);
  if (!plan.ok || options.dryRun) return { diagnostics, plan, ok: plan.ok };
  if (options.confirm && !(await options.confirm(plan))) return { diagnostics, plan, cancelled: true, ok: false };
  const report = await runDeploy(plan, options);
  return { diagnostics, plan, report, ok: report.ok };
}
