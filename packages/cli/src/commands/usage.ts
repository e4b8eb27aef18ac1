/**
 * `vkmp usage push <file.json>`: sends postpaid metrics (`POST …/usages`, SPEC §D.4) with the
 * usage key from VKMP_USAGE_TOKEN, after checking the body against the project: every
 * `param` a postpaid option, values ≥ 0 (integers for integer options), RFC 3339 `base_date`
 * (API-009/010/012). Nothing is sent when the check fails.
 *
 * `vkmp usage check <report.json>`: checks a pull-model report (SPEC §D.6) — what a SaaS
 * broker written in any language returns to Marketplace — against the built catalog (or
 * `--catalog catalog_<NAME>.json`): API-018, API-019, SAAS-058, BILL-016.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  checkUsagePush, checkUsageReport, compileProject, hasErrors, readSaasCatalogFile, readUsageReportFile, sortDiagnostics,
  type CatalogModel, type Diagnostic, type Span,
} from '../../../core/src/cli-index.js';
import type { UsageReport } from '@vkmp/infra-api';
import { summary } from '../render.js';
import { CommandFailure, failure, makeClient, makeOutput, rel, reportFailure, resolveTarget, tokenFromEnv, type Output, type TargetFlags } from './deploy.js';

export interface UsagePushFlags extends TargetFlags {
  config?: string;
  service?: string[];
  dryRun?: boolean;
  retries?: string;
  json?: boolean;
}

export interface UsageCheckFlags {
  config?: string;
  catalog?: string;
  json?: boolean;
}

function readReport(path: string, code: string): { value: unknown; spans: ReadonlyMap<string, Span>; file: string } {
  const file = resolve(path);
  if (!existsSync(file)) throw failure(code, `${path}: no such file.`);
  const read = readUsageReportFile(file, code);
  if (read.diagnostics.length) throw new CommandFailure(read.diagnostics);
  return { value: read.value, spans: read.spans, file };
}

async function compiled(config: string | undefined) {
  const result = await compileProject({ config });
  if (!result.ok || !result.model || !result.project) {
    throw new CommandFailure([
      ...sortDiagnostics(result.diagnostics.filter((d) => d.severity === 'error')),
      { code: 'LOAD-001', severity: 'error', message: 'The project must build to check usage against its catalogs and packages.', hint: 'Fix the errors above (vkmp check), or run inside the project directory.' },
    ]);
  }
  return result;
}

function finish(out: Output, command: string, diagnostics: Diagnostic[], extra: Record<string, unknown>, okLine: string): number {
  const ok = !hasErrors(diagnostics);
  if (out.json) out.document(command, ok, diagnostics, extra);
  else {
    out.diagnostics(diagnostics);
    if (ok) out.out(`${okLine}\n`);
    else out.err(`${command} failed: ${summary(diagnostics)}${command === 'usage push' ? '; nothing was sent' : ''}.\n`);
  }
  return ok ? 0 : 1;
}

export async function usagePushCommand(path: string, flags: UsagePushFlags): Promise<number> {
  const out = makeOutput(flags.json);
  try {
    let retries = 0;
    if (flags.retries !== undefined) {
      if (!/^\d+$/.test(flags.retries) || Number(flags.retries) > 10) throw failure('API-013', `--retries ${flags.retries}: give a whole number from 0 to 10.`);
      retries = Number(flags.retries);
    }
    if (flags.host !== undefined && flags.baseUrl !== undefined) resolveTarget(flags);
    const report = readReport(path, 'API-009');
    const project = await compiled(flags.config);
    const names = [...project.model!.catalogs.map((c) => c.serviceName), ...project.model!.packages.map((p) => p.serviceName)];
    const unknown = (flags.service ?? []).filter((s) => !names.includes(s));
    if (unknown.length) throw failure('API-012', `--service ${unknown.join(', ')}: not a service of this project (it has ${names.join(', ') || 'no services'}).`);
    const diagnostics = sortDiagnostics(checkUsagePush(report.value, project.model!, { only: flags.service, file: report.file, spans: report.spans }));
    const body = report.value as UsageReport;
    const count = Array.isArray(body?.usages) ? body.usages.length : 0;
    if (hasErrors(diagnostics) || flags.dryRun) {
      return finish(out, 'usage push', diagnostics, { sent: false, metrics: count }, `usage push: ${count} metric${count === 1 ? '' : 's'} checked; dry run, nothing was sent.`);
    }
    const baseUrl = resolveTarget(flags, project.project!.config.deploy?.host);
    const client = makeClient(baseUrl, out, { usageToken: tokenFromEnv('usage') });
    // A repeated push may bill twice (H-28: de-duplication is undocumented), so no retries unless asked.
    const result = await client.pushUsages(body, { retries });
    return finish(out, 'usage push', diagnostics, { sent: true, target: baseUrl, metrics: count, status: result.status, attempts: result.attempts, response: result.body ?? null }, `pushed ${count} metric${count === 1 ? '' : 's'} to ${baseUrl}/usages (HTTP ${result.status}).`);
  } catch (error) {
    return reportFailure(out, 'usage push', error, { sent: false });
  }
}

export async function usageCheckCommand(path: string, flags: UsageCheckFlags): Promise<number> {
  const out = makeOutput(flags.json);
  try {
    const report = readReport(path, 'API-018');
    const data = (report.value as { data?: unknown } | null)?.data;
    const types = Array.isArray(data) ? [...new Set(data.map((r) => (r as { type?: unknown } | null)?.type).filter((t): t is string => typeof t === 'string'))] : [];
    let catalog: CatalogModel | undefined;
    let catalogFile: string | undefined;
    const preflight: Diagnostic[] = [];
    if (flags.catalog !== undefined) {
      const file = resolve(flags.catalog);
      if (!existsSync(file)) throw failure('API-019', `--catalog ${flags.catalog}: no such file.`);
      const read = readSaasCatalogFile(file);
      catalog = read.model.catalogs[0];
      catalogFile = rel(file);
      if (!catalog) throw new CommandFailure(read.diagnostics.filter((d) => d.severity === 'error'));
      if (hasErrors(read.diagnostics)) preflight.push({ code: 'API-019', severity: 'warning', message: `${catalogFile} has errors; the report was checked against what could be read (run vkmp validate ${catalogFile}).` });
    } else {
      const project = await compiled(flags.config);
      const catalogs = project.model!.catalogs;
      if (!catalogs.length) throw failure('BILL-017', 'The project has no SaaS catalog: pull-model reports exist only for SaaS services (image-based services push usage).', 'Check a report against a catalog file with --catalog catalog_<NAME>.json.');
      catalog = catalogs.find((c) => types.includes(c.serviceName)) ?? (catalogs.length === 1 ? catalogs[0] : undefined);
      if (!catalog) {
        throw failure('API-019', `The report's type ${types.length ? types.map((t) => JSON.stringify(t)).join(', ') : '(none)'} names no catalog of this project (${catalogs.map((c) => c.serviceName).join(', ')}).`, 'Set every record\'s "type" to the SERVICE_NAME of the broker\'s catalog.');
      }
      catalogFile = `catalog_${catalog.serviceName}.json (built from ${rel(project.project!.configPath)})`;
    }
    const diagnostics = sortDiagnostics([...preflight, ...checkUsageReport(report.value, catalog, { file: report.file, spans: report.spans, catalogFile })]);
    const records = Array.isArray(data) ? data.length : 0;
    const batch = (report.value as { batch_id?: unknown } | null)?.batch_id;
    return finish(out, 'usage check', diagnostics, { service_name: catalog.serviceName, records, batch_id: typeof batch === 'number' ? batch : null }, `usage check ok: batch ${typeof batch === 'number' ? batch : '?'}, ${records} record${records === 1 ? '' : 's'} match ${catalogFile}.`);
  } catch (error) {
    return reportFailure(out, 'usage check', error);
  }
}
