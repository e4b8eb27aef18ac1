/**
 * `vkmp logs <object-uuid>`: the deployment-system log of a test object (SPEC §D.7):
 * `GET …/logs/instance/<uuid>` with `x-auth-token` (a Keystone API token from VKMP_AUTH_TOKEN).
 */
import pc from 'picocolors';
import { compileProject, findConfig } from '../../../core/src/cli-index.js';
import { UUID_RE, type InstanceLogEntry } from '@vkmp/infra-api';
import { failure, makeClient, makeOutput, reportFailure, resolveTarget, tokenFromEnv, type Output, type TargetFlags } from './deploy.js';

export interface LogsFlags extends TargetFlags {
  config?: string;
  level?: string;
  json?: boolean;
}

/** One log line: `time level src: message`. */
export function formatLogEntry(e: InstanceLogEntry): string {
  const level = e.level === 'error' ? pc.red(e.level) : e.level === 'warning' || e.level === 'warn' ? pc.yellow(e.level) : pc.gray(e.level || '-');
  return `${pc.gray(e.created_at || '-')} ${level} ${e.src || '-'}: ${e.message.trim()}`;
}

export function printLogEntries(out: Output, entries: readonly InstanceLogEntry[]): void {
  for (const e of entries) out.info(`${formatLogEntry(e)}\n`);
}

/** `deploy.host` of the project config, when run inside a project. */
export async function configHost(config: string | undefined): Promise<string | undefined> {
  try {
    findConfig(process.cwd(), config);
  } catch {
    if (config) throw failure('LOAD-001', `Config file not found: ${config}.`);
    return undefined;
  }
  return (await compileProject({ config })).project?.config.deploy?.host;
}

export async function logsCommand(uuid: string, flags: LogsFlags): Promise<number> {
  const out = makeOutput(flags.json);
  try {
    if (!UUID_RE.test(uuid)) throw failure('API-022', `${JSON.stringify(uuid)} is not an object UUID.`, 'Pass the uuid the test object was created with (vkmp tf-test prints it).');
    const levels = flags.level?.split(',').map((l) => l.trim()).filter(Boolean);
    const host = flags.host === undefined && flags.baseUrl === undefined ? await configHost(flags.config) : undefined;
    const baseUrl = resolveTarget(flags, host);
    const client = makeClient(baseUrl, out, { authToken: tokenFromEnv('auth') });
    const entries = (await client.instanceLogs(uuid)).filter((e) => !levels?.length || levels.includes(e.level));
    if (out.json) out.document('logs', true, [], { target: baseUrl, uuid, entries });
    else if (!entries.length) out.out(`no log entries for ${uuid}${levels?.length ? ` at level ${levels.join(', ')}` : ''}\n`);
    else for (const e of entries) out.out(`${formatLogEntry(e)}\n`);
    return 0;
  } catch (error) {
    return reportFailure(out, 'logs', error, { uuid });
  }
}
