/**
 * The package check the local Infra API emulator runs on every upload (DESIGN §7): the same
 * reader and rules as `vkmp validate <zip>`, answered in the emulator's verdict shape
 * (`{ ok: true, service }` or `{ ok: false, diagnostics }`).
 */
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toDiagnosticJson, type DiagnosticJson } from '../diagnostics.js';
import { validateArtifacts } from '../pipeline.js';
import { readArtifacts } from '../read/artifacts.js';
import { classifyOption } from '../rules/option-checks.js';

/** The identity the emulator keeps for an accepted package. */
export interface PackageIdentity {
  id: string;
  revision: string;
  name: string;
  plans: { id: string; revision: string; name: string }[];
  /** Option files with `actions: [resource_usages]`: accepted as usage `param` (API-012). */
  postpaidOptions: string[];
}

export type PackageZipVerdict =
  | { ok: true; service: PackageIdentity; warnings: DiagnosticJson[] }
  | { ok: false; diagnostics: DiagnosticJson[] }
  /** This build of vkmp has no reader for package zips: check it some other way. */
  | { ok: 'unsupported' };

const isUnreadable = (d: { code: string; message: string }) => d.code === 'READ-002' && /not an artifact vkmp can read/.test(d.message);

/** Whether this build of vkmp reads image-based package zips (probed with a tiny package). */
export async function packageZipReaderAvailable(): Promise<boolean> {
  const dir = await mkdtemp(join(tmpdir(), 'vkmp-probe-'));
  try {
    const { writeZip } = await import('../zip/index.js');
    const zip = await writeZip([{ path: 'probe/service.yaml', bytes: new TextEncoder().encode('id: probe\n') }]);
    const path = join(dir, 'probe.zip');
    await writeFile(path, zip);
    const { diagnostics } = await readArtifacts([path]);
    return !diagnostics.some(isUnreadable);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Reads a package zip and runs every rule on it. `label` names the zip in diagnostics
 * (default `package.zip`); the file is copied, so `zipPath` may lack a `.zip` suffix.
 */
export async function validatePackageZip(zipPath: string, options: { label?: string } = {}): Promise<PackageZipVerdict> {
  const label = (options.label ?? 'package.zip').replace(/[/\\]/g, '_');
  const dir = await mkdtemp(join(tmpdir(), 'vkmp-verdict-'));
  try {
    const copy = join(dir, label.endsWith('.zip') ? label : `${label}.zip`);
    await copyFile(zipPath, copy);
    const result = await validateArtifacts([copy]);
    if (result.diagnostics.some(isUnreadable)) return { ok: 'unsupported' };
    const prefix = `${dir}/`;
    const rel = (file: string) => (file.startsWith(prefix) ? file.slice(prefix.length) : file);
    const json = result.diagnostics.map((d) => toDiagnosticJson(d, rel));
    if (!result.ok) return { ok: false, diagnostics: json };
    const pkg = result.model.packages[0];
    if (result.model.packages.length !== 1 || !pkg) {
      return { ok: false, diagnostics: [...json, { code: 'READ-002', severity: 'error', message: `the zip holds ${result.model.packages.length} image-based packages; upload exactly one`, file: label, range: null, hint: 'Zip the <SERVICE_NAME>/ directory of one package.', docs: null }] };
    }
    const postpaid = new Set<string>();
    for (const o of pkg.options ?? []) if (classifyOption(o) === 'postpaid') postpaid.add(o.name);
    return {
      ok: true,
      service: {
        id: pkg.id,
        revision: pkg.revision,
        name: pkg.name,
        plans: (pkg.plans ?? []).map((p) => ({ id: p.id, revision: p.revision, name: p.name })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
        postpaidOptions: [...postpaid].sort(),
      },
      warnings: json,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
