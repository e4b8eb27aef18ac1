/**
 * `vkmp deploy`: build in memory → diff against `.vkmp/deployed` → refuse revision-discipline
 * errors before anything is sent → upload changed image-based packages through the Infra API
 * (progress bar on a TTY) and write changed SaaS catalogs into the broker's `resources/` →
 * record `.vkmp/deployed/<service>.json` for each unit only after it succeeded.
 *
 * Also the helpers every Infra API command shares: the target (`--host`/`--base-url`/config),
 * tokens from the environment as `Secret`s, output that can never print a token, and the
 * rendering of `InfraApiError`s. Exit codes: 0 success, 1 any failure.
 */
import { relative, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import pc from 'picocolors';
import {
  buildProject, planDeploy, runDeploy, sortDiagnostics,
  type Diagnostic, type DeployEvent, type DeployPlan, type DeployUnitPlan, type DeployUnitResult, type PackageUploader,
} from '../../../core/src/cli-index.js';
import {
  DEFAULT_HOST, InfraApiClient, InfraApiError, MissingSecretError, Secret, TOKEN_ENV, describeRetry, redact, resolveBaseUrl,
  type InfraApiClientOptions, type TokenKind,
} from '@vkmp/infra-api';
import { formatDiagnostic, jsonDocument, summary } from '../render.js';

// ---------------------------------------------------------------------------------------
// Shared by the Infra API commands (deploy, archive, usage push, logs, tf-test).

/** Output that removes every token value found in the environment before writing. */
export interface Output {
  readonly json: boolean;
  out(text: string): void;
  err(text: string): void;
  /** Writes the `--json` document (always to stdout). */
  document(command: string, ok: boolean, diagnostics: readonly Diagnostic[], extra?: Record<string, unknown>): void;
  /** Human lines go to stderr in `--json` mode, so stdout stays one JSON document. */
  info(text: string): void;
  diagnostics(list: readonly Diagnostic[]): void;
  clean(text: string): string;
}

const envSecrets = (): string[] =>
  (Object.values(TOKEN_ENV) as string[]).map((name) => process.env[name]?.trim()).filter((v): v is string => v !== undefined && v !== '');

export function makeOutput(json: boolean | undefined, extraSecrets: () => readonly (Secret | string)[] = () => []): Output {
  const clean = (text: string) => redact(text, [...envSecrets(), ...extraSecrets()]);
  const o: Output = {
    json: Boolean(json),
    clean,
    out: (text) => void process.stdout.write(clean(text)),
    err: (text) => void process.stderr.write(clean(text)),
    document: (command, ok, diagnostics, extra = {}) => void process.stdout.write(clean(jsonDocument(command, ok, diagnostics, extra))),
    info: (text) => (json ? o.err(text) : o.out(text)),
    diagnostics: (list) => {
      for (const d of list) o.err(`${formatDiagnostic(d)}\n`);
    },
  };
  return o;
}

/** A user-facing failure: diagnostics to print, exit code 1. */
export class CommandFailure extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map((d) => d.message).join('\n'));
    this.name = 'CommandFailure';
  }
}

export const failure = (code: string, message: string, hint?: string): CommandFailure => new CommandFailure([{ code, severity: 'error', message, ...(hint ? { hint } : {}) }]);

export interface TargetFlags {
  host?: string;
  baseUrl?: string;
}

/** The Infra API prefix: `--base-url`, else `--host`, else `deploy.host` of the config, else cloud.vk.ru. */
export function resolveTarget(flags: TargetFlags, configHost?: string): string {
  if (flags.host !== undefined && flags.baseUrl !== undefined) throw failure('API-006', 'Use either --host or --base-url, not both.', '--host names a cloud host (cloud.vk.ru); --base-url is a full Infra API prefix, such as the emulator\'s.');
  try {
    if (flags.baseUrl !== undefined) return resolveBaseUrl({ baseUrl: flags.baseUrl });
    return resolveBaseUrl({ host: flags.host ?? configHost ?? DEFAULT_HOST });
  } catch (error) {
    const what = flags.baseUrl !== undefined ? `--base-url ${flags.baseUrl}` : flags.host !== undefined ? `--host ${flags.host}` : `deploy.host ${JSON.stringify(configHost)} in vkmp.config.ts`;
    throw failure('API-006', `${what}: ${(error as Error).message === 'Invalid URL' ? 'not a valid URL' : (error as Error).message}.`, flags.baseUrl !== undefined ? 'Give the full prefix, e.g. http://127.0.0.1:7071/marketplace/api/infra-api/api/v1-public (vkmp emulator prints it).' : 'Give a host name such as cloud.vk.ru.');
  }
}

/** A token from its environment variable, or a failure naming the variable (nothing is sent). */
export function tokenFromEnv(kind: TokenKind): Secret {
  try {
    return Secret.fromEnv(TOKEN_ENV[kind]);
  } catch (error) {
    if (error instanceof MissingSecretError) {
      const what = kind === 'service' ? 'the service key (x-service-token) for uploads and archiving' : kind === 'usage' ? 'the usage key for POST /usages (not the upload key)' : 'a Keystone API token (x-auth-token) for the deployment-system API';
      throw failure('API-002', `${TOKEN_ENV[kind]} is not set: it must hold ${what}. Nothing was sent.`, `Export ${TOKEN_ENV[kind]} in the environment (in CI, from a masked secret variable). vkmp never reads tokens from files or flags.`);
    }
    throw error;
  }
}

/** A client for one command; retries are reported on stderr. */
export function makeClient(baseUrl: string, out: Output, options: Omit<InfraApiClientOptions, 'baseUrl' | 'onRetry'> = {}): InfraApiClient {
  return new InfraApiClient({ ...options, baseUrl, onRetry: (info) => out.err(`  ${info.method} ${info.path}: ${pc.yellow(describeRetry(info))}\n`) });
}

/** An Infra API failure as diagnostics: the one-line message, then the server's own diagnostics (HTTP 400). */
export function apiFailureDiagnostics(error: InfraApiError, code = 'API-005'): Diagnostic[] {
  const hint: Record<string, string> = {
    auth: 'Check the token in the environment variable named above (a service key for upload/archive, the usage key for /usages, a Keystone token for /hoe and /logs).',
    rejected: 'Fix the request; retrying will not help.',
    'not-found': 'Check the id, revision, name or UUID.',
    'too-large': 'Keep the package under 30 MB (API-004).',
    transient: 'The server failed on every attempt; try again later.',
    timeout: 'The server did not answer in time on every attempt; try again later.',
    network: 'Check the host and the network (is the emulator running?).',
  };
  const out: Diagnostic[] = [{ code, severity: 'error', message: error.message, hint: hint[error.kind] }];
  for (const d of error.diagnostics ?? []) {
    if (d === null || typeof d !== 'object') continue;
    const r = d as Record<string, unknown>;
    const range = r.range as { start?: { line?: number; column?: number } } | null | undefined;
    const file = typeof r.file === 'string' ? r.file : undefined;
    out.push({
      code: typeof r.code === 'string' ? r.code : 'API-005',
      severity: r.severity === 'warning' ? 'warning' : 'error',
      message: `${typeof r.message === 'string' ? r.message : JSON.stringify(d)}${file && !range ? ` (${file})` : ''}`,
      ...(file && range?.start?.line ? { span: { file, line: range.start.line, column: range.start.column ?? 1 } } : {}),
      ...(typeof r.hint === 'string' ? { hint: r.hint } : {}),
    });
  }
  return out;
}

/** Turns what a command threw into an exit code, printing it as diagnostics. */
export function reportFailure(out: Output, command: string, error: unknown, extra: Record<string, unknown> = {}): number {
  let diagnostics: Diagnostic[];
  if (error instanceof CommandFailure) diagnostics = error.diagnostics;
  else if (error instanceof InfraApiError) diagnostics = apiFailureDiagnostics(error);
  else throw error;
  if (out.json) out.document(command, false, diagnostics, extra);
  else {
    out.diagnostics(diagnostics);
    out.err(`${command} failed: ${summary(diagnostics)}\n`);
  }
  return 1;
}

/** Whether a prompt may be shown (DESIGN §6: never with CI=true, without a TTY, or with --yes). */
export function canPrompt(yes: boolean | undefined): boolean {
  return !yes && process.env.CI !== 'true' && Boolean(process.stdin.isTTY) && Boolean(process.stderr.isTTY);
}

/** Whether to draw progress bars (a TTY, not CI, not --json). */
export function showProgress(json: boolean | undefined): boolean {
  return !json && process.env.CI !== 'true' && Boolean(process.stderr.isTTY);
}

export async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^(y|yes)$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

export const rel = (file: string): string => {
  const r = relative(process.cwd(), file);
  return r && !r.startsWith('..') ? r : file;
};

// ---------------------------------------------------------------------------------------

export interface DeployFlags extends TargetFlags {
  config?: string;
  dryRun?: boolean;
  yes?: boolean;
  service?: string[];
  brokerDir?: string;
  allowRemoved?: string[];
  json?: boolean;
}

const ACTION_LABEL: Record<DeployUnitPlan['action'], string> = { upload: 'upload', 'write-broker': 'write', 'up-to-date': 'up to date' };

function unitLine(u: DeployUnitPlan, plan: DeployPlan, baseUrl: string | undefined): string {
  const revs = u.revisions.map((r) => JSON.stringify(r.revision)).join(', ');
  const where = u.action === 'upload' ? ` → ${baseUrl ?? '(Infra API)'}/product` : u.action === 'write-broker' ? ` → ${rel(plan.brokerResourcesDir ?? '')}/` : '';
  const size = u.action === 'upload' && u.package ? ` (${u.package.filename}, ${u.package.bytes.length} bytes)` : '';
  return `  ${(u.action === 'up-to-date' ? pc.gray : pc.bold)(ACTION_LABEL[u.action].padEnd(10))} ${u.serviceName} (${u.kind}, revision ${revs})${size}${where}: ${u.reason}`;
}

function unitJson(u: DeployUnitPlan, result?: DeployUnitResult): Record<string, unknown> {
  return {
    service_name: u.serviceName,
    kind: u.kind,
    action: u.action,
    reason: u.reason,
    revisions: u.revisions,
    changes: u.changes.length,
    ...(u.package ? { package: { filename: u.package.filename, bytes: u.package.bytes.length, sha256: u.package.sha256 } } : {}),
    ...(u.brokerFiles ? { broker_files: u.brokerFiles.map((f) => f.name) } : {}),
    state_file: rel(u.statePath),
    ...(result
      ? {
          status: result.status,
          message: result.message,
          ...(result.hint ? { hint: result.hint } : {}),
          ...(result.attempts !== undefined ? { attempts: result.attempts } : {}),
          ...(result.written ? { written: result.written.map(rel) } : {}),
          ...(result.stateFile ? { state_written: rel(result.stateFile) } : {}),
        }
      : {}),
  };
}

/** The Infra API client as deploy's uploader, with a progress bar on a TTY. */
function uploaderFor(client: InfraApiClient, progress: boolean): PackageUploader {
  return {
    async upload(pkg, hooks) {
      let bar: { start(total: number, value: number, payload?: object): void; update(value: number): void; stop(): void } | undefined;
      let attempt = 0;
      if (progress) {
        const { SingleBar, Presets } = await import('cli-progress');
        bar = new SingleBar({ stream: process.stderr, format: `  uploading ${pkg.filename} [{bar}] {percentage}% | {value}/{total} bytes`, hideCursor: true, clearOnComplete: true }, Presets.shades_classic);
      }
      try {
        const result = await client.uploadProduct(
          { bytes: pkg.bytes },
          {
            filename: pkg.filename,
            onProgress: (p) => {
              hooks.onProgress?.(p);
              if (!bar) return;
              if (p.attempt !== attempt) {
                if (attempt) bar.stop();
                attempt = p.attempt;
                bar.start(p.totalBytes, 0);
              }
              bar.update(p.sentBytes);
            },
          },
        );
        return { outcome: result.emulatorOutcome ?? 'unknown', attempts: result.attempts };
      } finally {
        bar?.stop();
      }
    },
  };
}

export async function deployCommand(flags: DeployFlags): Promise<number> {
  const out = makeOutput(flags.json);
  let baseUrl: string | undefined;
  try {
    if (flags.host !== undefined && flags.baseUrl !== undefined) resolveTarget(flags);
    const built = await buildProject({ config: flags.config });
    if (!built.ok || !built.model || !built.tree || !built.project) {
      const diagnostics = sortDiagnostics(built.diagnostics);
      if (out.json) out.document('deploy', false, diagnostics, { dry_run: Boolean(flags.dryRun), units: [] });
      else {
        out.diagnostics(diagnostics);
        out.err(`\ndeploy failed: the project does not build (${summary(diagnostics)}); nothing was sent.\n`);
      }
      return 1;
    }
    const project = built.project;
    const brokerDir = flags.brokerDir !== undefined ? resolve(flags.brokerDir) : project.config.deploy?.brokerResourcesDir !== undefined ? resolve(project.rootDir, project.config.deploy.brokerResourcesDir) : undefined;
    const plan = planDeploy({ rootDir: project.rootDir, model: built.model, tree: built.tree, only: flags.service, allowRemovedRevisions: flags.allowRemoved, brokerResourcesDir: brokerDir });
    const uploads = plan.units.filter((u) => u.action === 'upload');
    const writes = plan.units.filter((u) => u.action === 'write-broker');
    if (uploads.length || flags.host !== undefined || flags.baseUrl !== undefined) baseUrl = resolveTarget(flags, project.config.deploy?.host);
    const warnings = sortDiagnostics([...built.diagnostics, ...plan.diagnostics]);

    if (!out.json) {
      out.out(`deploy plan (compared with ${plan.previous.size ? '.vkmp/deployed' : '.vkmp/deployed, which is empty: everything is new'}):\n`);
      for (const u of plan.units) out.out(`${unitLine(u, plan, baseUrl)}\n`);
      if (!plan.units.length) out.out('  (no services)\n');
    }
    if (!plan.ok) {
      const bump = plan.bumps.length ? ' Fix the revisions as each hint says, or run `vkmp diff --bump`.' : '';
      if (out.json) out.document('deploy', false, warnings, { dry_run: Boolean(flags.dryRun), target: baseUrl ?? null, units: plan.units.map((u) => unitJson(u)), revision_bumps: bumpsJson(plan) });
      else {
        out.err('\n');
        out.diagnostics(warnings);
        out.err(`\ndeploy refused: ${summary(warnings)}; nothing was sent.${bump}\n`);
      }
      return 1;
    }
    if (!out.json && warnings.length) {
      out.err('\n');
      out.diagnostics(warnings);
    }
    if (flags.dryRun || (!uploads.length && !writes.length)) {
      const message = flags.dryRun ? 'dry run: nothing was sent or written.' : 'everything is up to date; nothing was sent.';
      if (out.json) out.document('deploy', true, warnings, { dry_run: Boolean(flags.dryRun), target: baseUrl ?? null, units: plan.units.map((u) => unitJson(u, flags.dryRun ? undefined : { serviceName: u.serviceName, kind: u.kind, action: u.action, status: 'up-to-date', message: 'up to date: nothing sent' })) });
      else out.out(`\n${message}\n`);
      return 0;
    }

    let uploader: PackageUploader | undefined;
    if (uploads.length) {
      const token = tokenFromEnv('service');
      uploader = uploaderFor(makeClient(baseUrl!, out, { serviceToken: token }), showProgress(flags.json));
    }
    if (canPrompt(flags.yes)) {
      const what = [uploads.length ? `upload ${uploads.length} package${uploads.length === 1 ? '' : 's'} to ${baseUrl}` : '', writes.length ? `write ${writes.length} catalog${writes.length === 1 ? '' : 's'} into ${rel(plan.brokerResourcesDir ?? '')}` : ''].filter(Boolean).join(' and ');
      if (!(await confirm(`\nDeploy: ${what}?`))) {
        out.err('deploy cancelled; nothing was sent.\n');
        return 1;
      }
    }

    if (!out.json) out.out('\n');
    const report = await runDeploy(plan, {
      uploader,
      onEvent: (e: DeployEvent) => {
        // Failures are reported once, as diagnostics, after the run.
        if (out.json || e.type !== 'unit-done' || e.result.status !== 'deployed') return;
        const r = e.result;
        const retries = r.attempts && r.attempts > 1 ? ` after ${r.attempts} attempts` : '';
        const state = r.stateFile ? `; recorded ${rel(r.stateFile)}` : '';
        out.out(`${pc.green('deployed')} ${r.serviceName}: ${r.message}${retries}${state}\n`);
      },
    });
    const failed = report.units.find((r) => r.status === 'failed' || r.status === 'ignored');
    const diagnostics = [...warnings];
    if (failed) {
      if (failed.error instanceof InfraApiError) diagnostics.push(...apiFailureDiagnostics(failed.error).map((d, i) => (i === 0 ? { ...d, message: `${failed.serviceName}: ${d.message}`, hint: failed.hint ?? d.hint } : d)));
      else diagnostics.push({ code: failed.status === 'ignored' ? 'REV-001' : 'DEPLOY-006', severity: 'error', message: `${failed.serviceName}: ${failed.message}`, ...(failed.hint ? { hint: failed.hint } : {}) });
    }
    if (out.json) {
      out.document('deploy', report.ok, diagnostics, { dry_run: false, target: baseUrl ?? null, units: plan.units.map((u, i) => unitJson(u, report.units[i])) });
    } else {
      if (failed) {
        out.err('\n');
        out.diagnostics(diagnostics.slice(warnings.length));
        const skipped = report.units.filter((r) => r.status === 'not-attempted').map((r) => r.serviceName);
        out.err(`\ndeploy failed${skipped.length ? ` (not attempted: ${skipped.join(', ')})` : ''}; the deployed state of ${failed.serviceName} was not changed.\n`);
      } else {
        const done = report.units.filter((r) => r.status === 'deployed').length;
        out.out(`\ndeploy ok: ${done} deployed, ${report.units.length - done} up to date.\n`);
      }
    }
    return report.ok ? 0 : 1;
  } catch (error) {
    return reportFailure(out, 'deploy', error, { dry_run: Boolean(flags.dryRun), target: baseUrl ?? null, units: [] });
  }
}

function bumpsJson(plan: DeployPlan): Record<string, unknown>[] {
  return plan.bumps.map((b) => ({ target: b.target, service_name: b.serviceName, service_id: b.serviceId, plan: b.planName ?? null, current: b.current, suggested: b.suggested, rules: b.codes }));
}
