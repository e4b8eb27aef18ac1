/**
 * `vkmp init`: scaffold a vendor repository that passes `vkmp check` and builds at
 * once — npm scripts, `vkmp.config.ts`, `tsconfig.json`, one service with two plans,
 * `full_description.md` with the documented sections, `.gitignore` and a GitLab CI
 * recipe. `--from <path>` imports an existing catalog or package instead of the template.
 * Existing files are never overwritten without `force`.
 */
import { randomUUID } from 'node:crypto';
import { basename, resolve } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { hasErrors } from '../diagnostics.js';
import { findArtifacts, importToDirectory } from '../import/project-import.js';
import { GITIGNORE, packageNameFrom, projectFiles } from '../import/project.js';
import { writeNewFiles } from '../import/write.js';
import { fullDescription, gitlabCi, ibServiceSource, ICON_SVG, saasServiceSource, terraformSource, type TemplateValues } from './templates.js';

export type InitKind = 'saas' | 'image-based';
/** App kinds `init` can scaffold (image-based needs the `ib` DSL of @vkmp/sdk, which this build has). */
export const INIT_KINDS: readonly InitKind[] = ['saas', 'image-based'];

export interface InitOptions {
  /** Default `saas`; with `from`, the kind of the artifact (an explicit kind must match it). */
  kind?: InitKind;
  /** Target directory (created if missing). */
  dir: string;
  /** Replace existing files. */
  force?: boolean;
  /** Import this artifact (a SaaS catalog or broker directory, an image-based package directory or zip) instead of the template. */
  from?: string;
  /** With `from`: import even with rule errors or inexpressible values. */
  allowInvalid?: boolean;
  /** SERVICE_NAME of the template (default: from the directory name). */
  serviceName?: string;
}

export interface InitResult {
  ok: boolean;
  dir: string;
  kind: InitKind;
  diagnostics: Diagnostic[];
  /** Files written, relative to `dir`. */
  written: string[];
  conflicts: string[];
}

const DOCS = 'README.md#vkmp-init';

/** SERVICE_NAME from free text: Latin letters and `_` only, valid for both app kinds (SAAS-072, IB-003). */
export function serviceNameFrom(text: string): string {
  const name = text
    .normalize('NFKD')
    .replace(/[^A-Za-z]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
  return name || 'my_service';
}

const titleOf = (serviceName: string) =>
  serviceName
    .split('_')
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(' ');

/** The template files of one app kind (paths relative to the project root). */
export function templateFiles(kind: InitKind, values: TemplateValues): Map<string, string> {
  const dir = `services/${values.serviceName}`;
  const files = projectFiles({
    packageName: packageNameFrom(values.serviceName.replace(/_/g, '-')),
    description: `${values.title}: a VK Cloud Marketplace ${kind === 'saas' ? 'SaaS' : 'image-based'} service, written with vkmp`,
  });
  files.set('.gitlab-ci.yml', gitlabCi());
  files.set(`${dir}/full_description.md`, fullDescription(values, kind));
  if (kind === 'saas') {
    files.set(`${dir}/service.ts`, saasServiceSource(values));
  } else {
    files.set(`${dir}/service.ts`, ibServiceSource(values));
    files.set(`${dir}/icon.svg`, ICON_SVG);
    files.set(`${dir}/terraform/standard/deploy.tf`, terraformSource(values.serviceName, true));
    files.set(`${dir}/terraform/payg/deploy.tf`, terraformSource(values.serviceName, false));
  }
  return files;
}

function conflictDiagnostic(dir: string, conflicts: string[]): Diagnostic {
  return {
    code: 'INIT-001',
    severity: 'error',
    message: `${conflicts.length === 1 ? 'A file' : `${conflicts.length} files`} already exist${conflicts.length === 1 ? 's' : ''} in ${dir}: ${conflicts.join(', ')}. Nothing was written.`,
    hint: 'Choose an empty directory, or pass --force to replace these files.',
    docs: DOCS,
  };
}

/** Scaffolds a project (or imports one with `from`). */
export async function initProject(options: InitOptions): Promise<InitResult> {
  const dir = resolve(options.dir);
  const kind = options.kind ?? 'saas';
  if (options.from !== undefined) {
    const found = findArtifacts(options.from);
    const fromKind: InitKind = found.packages.length ? 'image-based' : 'saas';
    if (options.kind && !found.diagnostics.length && options.kind !== fromKind) {
      return {
        ok: false, dir, kind: options.kind, written: [], conflicts: [],
        diagnostics: [{ code: 'INIT-002', severity: 'error', message: `init ${options.kind} --from ${options.from}: that is ${fromKind === 'saas' ? 'a SaaS catalog' : 'an image-based package'}, not ${options.kind === 'saas' ? 'a SaaS catalog' : 'an image-based package'}.`, hint: `Run \`vkmp init ${fromKind} ${options.dir} --from ${options.from}\`, or leave the kind out.`, docs: DOCS }],
      };
    }
    const extraFiles = new Map([['.gitlab-ci.yml', gitlabCi()], ['.gitignore', GITIGNORE]]);
    const r = await importToDirectory(options.from, dir, { force: options.force, allowInvalid: options.allowInvalid, extraFiles });
    return { ok: r.ok, dir, kind: fromKind, diagnostics: r.diagnostics, written: r.written, conflicts: r.conflicts };
  }
  const serviceName = options.serviceName ?? serviceNameFrom(basename(dir));
  const files = templateFiles(kind, { serviceName, title: titleOf(serviceName) || 'My Service', ids: [randomUUID(), randomUUID(), randomUUID()] });
  const result = await writeNewFiles(files, dir, { force: options.force });
  const diagnostics: Diagnostic[] = [];
  if (result.conflicts.length && !options.force) diagnostics.push(conflictDiagnostic(dir, result.conflicts));
  return { ok: !hasErrors(diagnostics), dir, kind, diagnostics, written: result.written, conflicts: result.conflicts };
}
