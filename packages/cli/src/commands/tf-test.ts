/**
 * `vkmp tf-test <plan>`: tests one image-based plan's Terraform manifests with the deployment
 * system (SPEC §D.8): uploads the plan's `deployment/*.tf` from the build as one manifest
 * (`POST …/hoe/config/<name>`), creates a test object whose `vars` are exactly the plan's
 * external variables (defaults from the options, `--vars k=v` to set or override; API-022),
 * follows its status and log until `running` or `failed`, and deletes it unless `--keep`.
 * Uses a Keystone API token from VKMP_AUTH_TOKEN (`x-auth-token`).
 */
import { randomUUID } from 'node:crypto';
import pc from 'picocolors';
import { compileProject, prepareTerraformTest, sortDiagnostics } from '../../../core/src/cli-index.js';
import { InfraApiError, type InfraApiClient, type InstanceLogEntry, type TestObjectStatus } from '@vkmp/infra-api';
import { summary } from '../render.js';
import { CommandFailure, failure, makeClient, makeOutput, reportFailure, resolveTarget, tokenFromEnv, type Output, type TargetFlags } from './deploy.js';
import { printLogEntries } from './logs.js';

export interface TfTestFlags extends TargetFlags {
  config?: string;
  vars?: string[];
  keep?: boolean;
  manifest?: string;
  timeout?: string;
  interval?: string;
  json?: boolean;
}

function parseVars(list: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw failure('TFTEST-002', `--vars ${item}: write each variable as name=value.`);
    const name = item.slice(0, eq);
    if (Object.prototype.hasOwnProperty.call(out, name)) throw failure('TFTEST-002', `--vars ${name} is given twice.`);
    out[name] = item.slice(eq + 1);
  }
  return out;
}

function seconds(value: string | undefined, flag: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || n < min) throw failure('TFTEST-002', `${flag} ${value}: give a number of seconds ≥ ${min}.`);
  return n;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls the object until `done(status)` or the deadline, printing new log lines as they appear. */
async function follow(
  client: InfraApiClient, uuid: string, out: Output, seen: { count: number; entries: InstanceLogEntry[] }, done: (s: TestObjectStatus) => boolean,
  deadline: number, intervalMs: number, interrupted: () => boolean,
): Promise<TestObjectStatus | 'timeout' | 'interrupted'> {
  let last = '';
  for (;;) {
    const status = await client.getTestObject(uuid);
    if (status.status !== last) {
      out.info(`  status: ${status.status === 'failed' ? pc.red(status.status) : status.status === 'running' ? pc.green(status.status) : status.status} (target ${status.target_status}, attempts ${status.attempts}/${status.max_attempts})\n`);
      last = status.status;
    }
    try {
      const logs = await client.instanceLogs(uuid);
      if (logs.length > seen.count) {
        const fresh = logs.slice(seen.count);
        seen.entries.push(...fresh);
        seen.count = logs.length;
        printLogEntries({ ...out, info: (t) => out.info(`    ${t}`) }, fresh);
      }
    } catch (error) {
      if (!(error instanceof InfraApiError) || error.kind !== 'not-found') throw error;
    }
    if (done(status)) return status;
    if (interrupted()) return 'interrupted';
    if (Date.now() >= deadline) return 'timeout';
    await sleep(intervalMs);
  }
}

export async function tfTestCommand(planRef: string, flags: TfTestFlags): Promise<number> {
  const out = makeOutput(flags.json);
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
  };
  try {
    const vars = parseVars(flags.vars);
    const timeoutS = seconds(flags.timeout, '--timeout', 1800, 1);
    const intervalMs = seconds(flags.interval, '--interval', 2, 0.05) * 1000;
    if (flags.host !== undefined && flags.baseUrl !== undefined) resolveTarget(flags);
    const compiled = await compileProject({ config: flags.config });
    if (!compiled.ok || !compiled.model || !compiled.project) {
      throw new CommandFailure(sortDiagnostics(compiled.diagnostics.filter((d) => d.severity === 'error')));
    }
    const prepared = await prepareTerraformTest(compiled.model, planRef, { vars, manifestName: flags.manifest });
    if (!prepared.test) throw new CommandFailure(prepared.diagnostics);
    const test = prepared.test;
    const baseUrl = resolveTarget(flags, compiled.project.config.deploy?.host);
    const client = makeClient(baseUrl, out, { authToken: tokenFromEnv('auth') });
    const uuid = randomUUID();

    out.info(`manifest ${test.manifestName}: ${test.files.join(', ')} (${Buffer.byteLength(test.manifest)} bytes) → ${baseUrl}/hoe/config/${test.manifestName}\n`);
    await client.putManifest(test.manifestName, test.manifest);
    out.info(`test object ${uuid} with vars:\n`);
    for (const v of test.variables) out.info(`  ${v.name} = ${JSON.stringify(test.vars[v.name])} (${v.type}, ${v.source})\n`);
    if (!test.variables.length) out.info('  (the plan has no external variables)\n');
    await client.createTestObject({ uuid, config: test.manifestName, vars: test.vars });

    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const seen = { count: 0, entries: [] as InstanceLogEntry[] };
    const deadline = Date.now() + timeoutS * 1000;
    const created = await follow(client, uuid, out, seen, (s) => s.status === 'running' || s.status === 'failed', deadline, intervalMs, () => interrupted);
    const outcome = typeof created === 'string' ? created : created.status;
    if (typeof created !== 'string' && created.status === 'running' && created.out && created.out !== '{}') out.info(`  outputs: ${created.out}\n`);

    let deleted: string | undefined;
    if (!flags.keep) {
      out.info(`deleting test object ${uuid}\n`);
      await client.deleteTestObject(uuid);
      const gone = await follow(client, uuid, out, seen, (s) => s.status === 'deleted', Date.now() + timeoutS * 1000, intervalMs, () => false);
      deleted = typeof gone === 'string' ? gone : gone.status;
    }
    const ok = outcome === 'running' && (flags.keep || deleted === 'deleted');
    const diagnostics = ok
      ? []
      : [{
          code: 'TFTEST-004',
          severity: 'error' as const,
          message:
            outcome === 'failed' ? `Test object ${uuid} of manifest ${test.manifestName} failed to deploy.`
            : outcome === 'timeout' ? `Test object ${uuid} did not reach running within ${timeoutS} s.`
            : outcome === 'interrupted' ? `Interrupted before test object ${uuid} reached running.`
            : `Test object ${uuid} was not deleted within ${timeoutS} s (status ${deleted}).`,
          hint: outcome === 'failed' ? `Read the log above (or vkmp logs ${uuid}); fix deployment/*.tf and run vkmp tf-test again.` : `Follow it with vkmp logs ${uuid}${flags.keep ? '' : '; delete it when done'}.`,
        }];
    const extra = { target: baseUrl, manifest: test.manifestName, files: test.files, uuid, vars: test.vars, status: outcome, kept: Boolean(flags.keep), deleted: deleted === 'deleted', logs: seen.entries };
    if (out.json) out.document('tf-test', ok, diagnostics, extra);
    else if (ok) out.out(`tf-test ok: ${test.serviceName}/${test.planName} reached running${flags.keep ? `; object ${uuid} kept (delete it when done)` : ' and was deleted'}.\n`);
    else {
      out.diagnostics(diagnostics);
      out.err(`tf-test failed: ${summary(diagnostics)}.\n`);
    }
    return ok ? 0 : 1;
  } catch (error) {
    return reportFailure(out, 'tf-test', error);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
