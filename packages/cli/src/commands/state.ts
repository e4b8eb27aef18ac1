/**
 * `vkmp state record`: writes `.vkmp/deployed/<service>.json` from the current build
 * (after a deploy done by hand) or `--from` an existing artifact (adopting vkmp on a
 * live service). `vkmp deploy` records the state itself after a successful upload.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import {
  BaselineError, buildProject, DeployedStateError, findConfig, readArtifactTree, readDeployedState, sortDiagnostics, stateFromModel, writeDeployedState,
  type DeployedState, type Diagnostic, type ProjectModel,
} from '../../../core/src/cli-index.js';
import { jsonDocument, printDiagnostics, summary } from '../render.js';

export interface StateRecordFlags {
  config?: string;
  from?: string;
  at?: string;
  service?: string[];
  resetLedger?: boolean;
  json?: boolean;
}

const rel = (file: string): string => relative(process.cwd(), file) || file;

function filesUnder(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) filesUnder(p, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** Artifact files per unit when recording from an artifact path. */
function artifactFiles(from: string, model: ProjectModel): Record<string, Record<string, Uint8Array>> {
  const out: Record<string, Record<string, Uint8Array>> = {};
  const isFile = statSync(from).isFile();
  const root = isFile ? dirname(from) : from;
  const add = (unit: string, file: string | undefined) => {
    if (!file || !existsSync(file) || !statSync(file).isFile()) return;
    (out[unit] ??= {})[relative(root, file).split('\\').join('/')] = readFileSync(file);
  };
  for (const c of model.catalogs) {
    add(c.serviceName, c.sourceFile);
    add(c.serviceName, c.planMapping?.file);
  }
  for (const p of model.packages) {
    if (isFile) add(p.serviceName, from);
    else {
      const serviceYaml = p.span?.file;
      const dir = serviceYaml && basename(serviceYaml) === 'service.yaml' && existsSync(dirname(serviceYaml)) ? dirname(serviceYaml) : undefined;
      if (dir) for (const f of filesUnder(dir)) add(p.serviceName, f);
    }
  }
  return out;
}

export async function stateRecordCommand(flags: StateRecordFlags): Promise<number> {
  const fail = (diagnostics: Diagnostic[]): number => {
    if (flags.json) process.stdout.write(jsonDocument('state record', false, diagnostics, { written: [] }));
    else {
      printDiagnostics(diagnostics);
      process.stderr.write(`state record failed: ${summary(diagnostics)}; nothing was written.\n`);
    }
    return 1;
  };
  const error = (code: string, message: string, hint?: string): number => fail([{ code, severity: 'error', message, hint }]);

  let at = new Date();
  if (flags.at !== undefined) {
    at = new Date(flags.at);
    if (Number.isNaN(at.getTime())) return error('STATE-002', `--at ${flags.at}: not a date/time (use ISO 8601, e.g. 2024-05-01T12:00:00Z).`);
  }

  let model: ProjectModel;
  let rootDir: string;
  let artifacts: Parameters<typeof stateFromModel>[1]['artifacts'];
  let source: string;
  let warnings: Diagnostic[] = [];
  if (flags.from) {
    const from = resolve(flags.from);
    try {
      rootDir = dirname(findConfig(process.cwd(), flags.config));
    } catch {
      if (flags.config) return error('LOAD-001', `Config file not found: ${resolve(flags.config)}.`);
      rootDir = process.cwd();
    }
    if (!existsSync(from)) return error('STATE-002', `--from ${flags.from}: no such file or directory.`, 'Pass a build directory, a catalog_<NAME>.json, a broker directory, or a package directory or zip.');
    try {
      const read = await readArtifactTree(from);
      model = read.model;
      warnings = read.diagnostics.filter((d) => d.severity === 'warning');
    } catch (e) {
      if (e instanceof BaselineError) return fail([{ code: 'STATE-002', severity: 'error', message: e.message }, ...e.diagnostics.slice(0, 20)]);
      throw e;
    }
    artifacts = artifactFiles(from, model);
    source = rel(from);
  } else {
    const built = await buildProject({ config: flags.config });
    if (!built.ok || !built.model || !built.tree || !built.project) return fail(sortDiagnostics(built.diagnostics.filter((d) => d.severity === 'error')));
    model = built.model;
    rootDir = built.project.rootDir;
    artifacts = built.tree;
    source = 'build';
  }

  const names = [...model.catalogs.map((c) => c.serviceName), ...model.packages.map((p) => p.serviceName)];
  const unknown = (flags.service ?? []).filter((s) => !names.includes(s));
  if (unknown.length) return error('STATE-002', `--service ${unknown.join(', ')}: not in ${flags.from ? rel(resolve(flags.from)) : 'the project'} (it has ${names.join(', ') || 'no services'}).`);

  let previous: Map<string, DeployedState> | undefined;
  if (!flags.resetLedger) {
    try {
      previous = readDeployedState(rootDir);
    } catch (e) {
      if (e instanceof DeployedStateError) return error('STATE-001', e.message, 'Or record with --reset-ledger to start the ledger afresh.');
      throw e;
    }
  }
  const states = stateFromModel(model, { at, source, artifacts, previous, only: flags.service?.length ? flags.service : undefined });
  let written: string[];
  try {
    written = writeDeployedState(rootDir, states);
  } catch (e) {
    return error('STATE-003', `cannot write ${join(rootDir, '.vkmp', 'deployed')}: ${(e as Error).message}`);
  }
  const report = states.map((s, i) => ({
    file: rel(written[i]!),
    service_name: s.service_name,
    kind: s.kind,
    revisions: s.entries.map((e) => e.revision),
    plans: s.entries.reduce((n, e) => n + e.plans.length, 0),
  }));
  if (flags.json) process.stdout.write(jsonDocument('state record', true, warnings, { written: report, deployed_at: at.toISOString() }));
  else {
    printDiagnostics(warnings);
    for (const r of report) process.stdout.write(`recorded ${r.file}: ${r.service_name} revision${r.revisions.length === 1 ? '' : 's'} ${r.revisions.map((x) => JSON.stringify(x)).join(', ')}, ${r.plans} plan${r.plans === 1 ? '' : 's'}\n`);
  }
  return 0;
}
