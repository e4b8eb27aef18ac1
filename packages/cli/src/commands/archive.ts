/**
 * `vkmp archive <service-id> <revision>`: archives one image-based revision in the test
 * namespaces (SPEC §D.3, API-007): `POST …/product/archive` with the service key. 204 is
 * success; 404 means the id + revision is unknown. The service may also be named by its
 * SERVICE_NAME when run inside a project.
 */
import { compileProject, findConfig } from '../../../core/src/cli-index.js';
import { UUID_RE } from '@vkmp/infra-api';
import { failure, makeClient, makeOutput, reportFailure, resolveTarget, tokenFromEnv, type TargetFlags } from './deploy.js';

export interface ArchiveFlags extends TargetFlags {
  config?: string;
  json?: boolean;
}

/** The project config, when there is one (archive works outside a project too). */
async function projectContext(flags: ArchiveFlags, needModel: boolean) {
  try {
    findConfig(process.cwd(), flags.config);
  } catch {
    if (flags.config) throw failure('LOAD-001', `Config file not found: ${flags.config}.`);
    return undefined;
  }
  const compiled = await compileProject({ config: flags.config });
  if (!compiled.project) {
    if (needModel) throw failure('LOAD-001', `The project does not load: ${compiled.diagnostics[0]?.message ?? 'unknown error'}`);
    return undefined;
  }
  return compiled;
}

export async function archiveCommand(service: string, revision: string, flags: ArchiveFlags): Promise<number> {
  const out = makeOutput(flags.json);
  let id = service;
  try {
    if (typeof revision !== 'string' || revision.trim() === '') throw failure('API-007', 'Give the revision to archive, e.g. vkmp archive <service-id> 1.0.0.');
    if (!UUID_RE.test(service)) {
      const ctx = await projectContext(flags, true);
      const pkg = ctx?.model?.packages.find((p) => p.serviceName === service);
      if (!pkg) {
        throw failure('API-007', `${JSON.stringify(service)} is not a service id (a UUID)${ctx ? ' nor the SERVICE_NAME of an image-based service of this project' : ''}.`, 'Pass the id from service.yaml, e.g. vkmp archive c99f1732-fab2-4d3e-a4c9-4988022dd862 1.0.0.');
      }
      id = pkg.id;
    }
    const ctx = flags.host === undefined && flags.baseUrl === undefined ? await projectContext(flags, false) : undefined;
    const baseUrl = resolveTarget(flags, ctx?.project?.config.deploy?.host);
    const token = tokenFromEnv('service');
    const client = makeClient(baseUrl, out, { serviceToken: token });
    const result = await client.archive([{ id, revision }]);
    const extra = { target: baseUrl, service_id: id, revision, status: result.status, attempts: result.attempts };
    if (out.json) out.document('archive', true, [], extra);
    else out.out(`archived ${id} revision ${JSON.stringify(revision)} (HTTP ${result.status}); it is hidden from the catalog, existing instances keep running.\n`);
    return 0;
  } catch (error) {
    return reportFailure(out, 'archive', error, { service_id: id, revision });
  }
}
