/**
 * `vkmp diff`: what a deploy would change, compared with the deployed state (default)
 * or `--against` a build dir, zip, catalog JSON, `git:<ref>` or broker URL; which
 * revisions must change (REV-001…013) and, with `--bump`, the rewrite of those revisions
 * in the TypeScript sources. Exit codes: 1 errors; with `--exit-code`, 2 when there are
 * changes and 0 when there are none.
 */
import { dirname, relative, resolve } from 'node:path';
import pc from 'picocolors';
import {
  applyRevisionBumps, BaselineError, changeSetJson, checkRevisions, compileProject, DeployedStateError, diffModels, findConfig, loadBaseline, loadLedger,
  normalizeProject, parseBaselineSpec, readArtifactTree, renderChangeSetMarkdown, renderChangeSetText, sortDiagnostics,
  type BumpResult, type ChangeSet, type Diagnostic, type ProjectModel, type RevisionReport,
} from '../../../core/src/cli-index.js';
import { jsonDocument, printDiagnostics, summary } from '../render.js';

export interface DiffFlags {
  config?: string;
  against?: string;
  head?: string;
  format?: string;
  json?: boolean;
  exitCode?: boolean;
  bump?: boolean;
  allowRemoved?: string[];
  brokerApiVersion?: string;
}

const rel = (file: string): string => {
  const r = relative(process.cwd(), file);
  return r.startsWith('..') && r.split('/').length > 4 ? file : r || file;
};

type Format = 'text' | 'markdown' | 'json';

class DiffFailure extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map((d) => d.message).join('\n'));
  }
}

const failure = (code: string, message: string, hint?: string, extra: Diagnostic[] = []): DiffFailure => new DiffFailure([{ code, severity: 'error', message, hint }, ...extra]);

interface Head {
  model: ProjectModel;
  rootDir: string;
  configPath?: string;
  /** Errors of the sources (rules): reported, and they make the exit code 1. */
  diagnostics: Diagnostic[];
}

async function loadHead(flags: DiffFlags): Promise<Head> {
  if (flags.head) {
    let rootDir = process.cwd();
    let configPath: string | undefined;
    try {
      configPath = findConfig(process.cwd(), flags.config);
      rootDir = dirname(configPath);
    } catch {
      if (flags.config) throw failure('LOAD-001', `Config file not found: ${resolve(flags.config)}.`);
    }
    const read = await readArtifactTree(resolve(flags.head));
    return { model: read.model, rootDir, configPath, diagnostics: [] };
  }
  const compiled = await compileProject({ config: flags.config });
  if (!compiled.model || !compiled.project) throw new DiffFailure(compiled.diagnostics);
  return { model: compiled.model, rootDir: compiled.project.rootDir, configPath: compiled.project.configPath, diagnostics: compiled.diagnostics.filter((d) => d.severity === 'error') };
}

function toFailure(error: unknown): DiffFailure {
  if (error instanceof DiffFailure) return error;
  if (error instanceof BaselineError) return failure('DIFF-001', error.message, undefined, error.diagnostics.slice(0, 20));
  if (error instanceof DeployedStateError) return failure('STATE-001', error.message);
  throw error;
}

export async function diffCommand(flags: DiffFlags): Promise<number> {
  const format = (flags.json ? 'json' : (flags.format ?? 'text')) as Format;
  const fail = (f: DiffFailure): number => {
    if (format === 'json') process.stdout.write(jsonDocument('diff', false, f.diagnostics));
    else {
      printDiagnostics(f.diagnostics);
      process.stderr.write(`diff failed: ${summary(f.diagnostics)}\n`);
    }
    return 1;
  };
  if (!['text', 'markdown', 'json'].includes(format)) return fail(failure('DIFF-002', `--format ${flags.format}: expected text, markdown or json.`));
  if (flags.bump && flags.head) return fail(failure('DIFF-002', '--bump rewrites the TypeScript sources, so it cannot be combined with --head.', 'Drop --head to diff (and bump) the sources.'));

  let head: Head;
  let label: string;
  let changeSet: ChangeSet;
  let report: RevisionReport;
  let bumped: BumpResult | undefined;
  let compare: (h: Head) => { changeSet: ChangeSet; report: RevisionReport };
  try {
    head = await loadHead(flags);
    const spec = parseBaselineSpec(flags.against);
    const headSnapshot = normalizeProject(head.model);
    const baseline = await loadBaseline(spec, { rootDir: head.rootDir, configPath: head.configPath, head: headSnapshot, brokerApiVersion: flags.brokerApiVersion });
    label = baseline.label;
    const ledger = loadLedger(head.rootDir);
    const first = head;
    compare = (h) => {
      const cs = diffModels(baseline.snapshot, h === first ? headSnapshot : normalizeProject(h.model));
      return { changeSet: cs, report: checkRevisions(cs, { ledger, allowRemovedRevisions: flags.allowRemoved }) };
    };
    ({ changeSet, report } = compare(head));
  } catch (error) {
    return fail(toFailure(error));
  }

  if (flags.bump) {
    bumped = await applyRevisionBumps(report.bumps);
    if (bumped.edits.length) {
      try {
        head = await loadHead(flags);
      } catch (error) {
        return fail(toFailure(error));
      }
      ({ changeSet, report } = compare(head));
    }
  }

  const bumpDiagnostics: Diagnostic[] = (bumped?.failures ?? []).map((f) => ({
    code: 'DIFF-003',
    severity: 'error',
    message: `cannot bump ${f.bump.target === 'plan' ? `plan "${f.bump.planName}"` : `service "${f.bump.serviceName}"`} revision ${JSON.stringify(f.bump.current)} → ${JSON.stringify(f.bump.suggested)}: ${f.reason}`,
    span: f.bump.node?.span,
  }));
  const diagnostics = sortDiagnostics([...head.diagnostics, ...report.diagnostics, ...bumpDiagnostics]);
  const ok = !diagnostics.some((d) => d.severity === 'error');
  const bumpLines = (bumped?.edits ?? []).map((e) => `${rel(e.file)}:${e.line}:${e.column}: ${e.target === 'plan' ? `plan "${e.planName}"` : `service "${e.serviceName}"`} revision ${JSON.stringify(e.old)} → ${JSON.stringify(e.new)}`);

  if (format === 'json') {
    process.stdout.write(jsonDocument('diff', ok, diagnostics, {
      baseline: label,
      ...changeSetJson(changeSet),
      revision_bumps: report.bumps.map((b) => ({ target: b.target, service_name: b.serviceName, service_id: b.serviceId, plan_id: b.planId ?? null, plan: b.planName ?? null, current: b.current, suggested: b.suggested, rules: b.codes })),
      bumped: (bumped?.edits ?? []).map((e) => ({ file: rel(e.file), line: e.line, column: e.column, target: e.target, service_name: e.serviceName, plan: e.planName ?? null, old: e.old, new: e.new })),
    }));
  } else if (format === 'markdown') {
    process.stdout.write(renderChangeSetMarkdown(changeSet, { baseline: label, diagnostics, bumps: report.bumps, relativeTo: rel }));
  } else {
    if (bumped) {
      if (bumpLines.length) process.stdout.write(`${pc.bold('bumped revisions:')}\n${bumpLines.map((l) => `  ${l}`).join('\n')}\n\n`);
      else if (!bumped.failures.length) process.stdout.write('bump: no revision needs to change.\n\n');
    }
    process.stdout.write(renderChangeSetText(changeSet, { colors: pc, baseline: label }));
    if (diagnostics.length) {
      process.stderr.write('\n');
      printDiagnostics(diagnostics);
      const bumpable = report.bumps.length && !flags.bump ? ' (run vkmp diff --bump to fix the revisions)' : '';
      process.stderr.write(`diff: ${summary(diagnostics)}${ok ? '' : bumpable}\n`);
    }
  }
  if (!ok) return 1;
  return flags.exitCode && changeSet.changes.length ? 2 : 0;
}
