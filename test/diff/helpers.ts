/** Helpers for the diff tests: temporary git repos with scripted histories, and IR builders. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { OptionModel, PlanModel, ProjectModel, ServiceModel } from '@vkmp/core';
import { CONFIG_SOURCE, runCli, saasServiceSource, tempDir, writeFiles, type CliResult } from '../helpers.js';

export const GIT_ENV = {
  GIT_AUTHOR_NAME: 'vkmp test', GIT_AUTHOR_EMAIL: 'test@example.com', GIT_COMMITTER_NAME: 'vkmp test', GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null',
};

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8' }).trim();
}

/** The service file path of the test projects. */
export const SERVICE = 'services/demo/service.ts';

/** The base service: saasServiceSource() plus a string enum option `tier` in the standard plan. */
export function baseSource(): string {
  return mutate(saasServiceSource(), [
    ["  storage_gb: option.postpaid.number({ description: 'Stored data, GB', cost: 3.5, measurement: 'GB' }),", "  storage_gb: option.postpaid.number({ description: 'Stored data, GB', cost: 3.5, measurement: 'GB' }),\n  tier: option.string.enum({ description: 'Tier', values: ['basic', 'pro', 'max'], default: 'basic' }),"],
    ["group('Support', [o.priority_support])", "group('Support', [o.priority_support, o.tier])"],
  ]);
}

/** Replaces each `from` (which must occur) with `to`. */
export function mutate(source: string, edits: [from: string | RegExp, to: string][]): string {
  let out = source;
  for (const [from, to] of edits) {
    const found = typeof from === 'string' ? out.includes(from) : from.test(out);
    if (!found) throw new Error(`mutate: ${String(from)} not found`);
    out = typeof from === 'string' ? out.replace(from, to) : out.replace(from, to);
  }
  return out;
}

/** A new git repo holding a vkmp project; the first commit is `files`. */
export function gitProject(files: Record<string, string>, prefix = 'diff-'): string {
  const dir = tempDir(prefix);
  writeFiles(dir, { 'vkmp.config.ts': CONFIG_SOURCE, ...files });
  git(dir, 'init', '-q', '-b', 'main');
  commitAll(dir, 'base');
  return dir;
}

export function commitAll(dir: string, message: string): void {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', message);
}

export interface DiffJson {
  ok: boolean;
  baseline: string;
  summary: { added: number; removed: number; changed: number; flags: Record<string, number> };
  changes: { kind: string; path: string[]; field?: string; plan?: string; option?: string; old?: unknown; new?: unknown; flags: { kind: string; percent?: number | null; [k: string]: unknown }[] }[];
  revision_bumps: { target: string; current: string; suggested: string; plan: string | null; rules: string[] }[];
  bumped: { file: string; old: string; new: string }[];
  diagnostics: { code: string; severity: string; message: string; file: string | null; hint: string | null; range: { start: { line: number } } | null }[];
}

/** Runs `vkmp diff --json …` and parses the document (stdout must be JSON). */
export async function diffJson(cwd: string, args: string[] = [], env: Record<string, string | undefined> = {}): Promise<{ r: CliResult; doc: DiffJson }> {
  const r = await runCli(['diff', '--json', ...args], { cwd, env });
  let doc: DiffJson;
  try {
    doc = JSON.parse(r.stdout) as DiffJson;
  } catch {
    throw new Error(`vkmp diff did not print JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
  return { r, doc };
}

export const flagsOf = (doc: DiffJson): string[] => doc.changes.flatMap((c) => c.flags.map((f) => f.kind));
export const codesOf = (doc: DiffJson): string[] => doc.diagnostics.map((d) => d.code);
export const readText = (dir: string, path: string): string => readFileSync(join(dir, path), 'utf8');

/** No stack trace, a one-line reason. */
export function expectCleanError(r: CliResult, pattern: RegExp): void {
  expect(r.code).toBe(1);
  const all = r.stdout + r.stderr;
  expect(all).toMatch(pattern);
  expect(all).not.toMatch(/\n\s+at .+:\d+:\d+\)?/);
  expect(all).not.toMatch(/TypeError|ReferenceError|Unhandled/);
}

// ---------------------------------------------------------------------------------------
// Image-based IR, built directly (the IB DSL and reader are written elsewhere).

const utf8 = (s: string) => new TextEncoder().encode(s);

export function ibOption(name: string, schema: Record<string, unknown> = {}, billing?: OptionModel['billing']): OptionModel {
  return { name, actions: ['create', 'update'], schema: { type: 'integer', description: name, minimum: 0, maximum: 100, default: 0, ...schema }, billing };
}

export interface IbPlanInput {
  id: string;
  revision: string;
  name: string;
  cost?: number;
  options: OptionModel[];
  /** `deployment/<file>` → text. */
  tf: Record<string, string>;
  patch?: Record<string, Record<string, unknown>>;
}

export function ibPlan(p: IbPlanInput): PlanModel {
  return {
    id: p.id,
    revision: p.revision,
    name: p.name,
    description: p.name.toUpperCase(),
    free: (p.cost ?? 0) === 0,
    billing: { cost: p.cost ?? 0 },
    options: p.options.map((o) => ({ name: o.name, option: structuredClone(o), patch: p.patch?.[o.name] })),
    display: { pages: [{ name: 'Main', groups: [{ name: 'Settings', parameters: p.options.map((o) => ({ name: o.name })) }] }] },
    entities: [{ entity: 'vm', count: { const: 1 }, flavor: { const: 'Standard-2-4' } }],
    deployment: Object.entries(p.tf).map(([path, text]) => ({ path: `deployment/${path}`, bytes: utf8(text) })),
  };
}

export function ibProject(s: { revision: string; options: OptionModel[]; plans: PlanModel[] }): ProjectModel {
  const service: ServiceModel = {
    kind: 'image-based',
    serviceName: 'demo_vm',
    id: '3e9f4a51-2b7c-4d8e-9f0a-1b2c3d4e5f60',
    revision: s.revision,
    name: 'Demo VM',
    short_description: 'One VM',
    full_description: { text: 'Demo VM' },
    icon: 'icon.svg',
    help: 'https://docs.example.com',
    bindable: true,
    plan_updateable: false,
    deactivatable: false,
    bindings_retrievable: false,
    instances_retrievable: true,
    preview: [],
    options: s.options.map((o) => structuredClone(o)),
    plans: s.plans,
    generatorVersion: '0.0.1',
  };
  return { catalogs: [], packages: [service] };
}

export const TF_MAIN = `# the VM
variable "disk" {
  type = number
}
resource "vkcs_compute_instance" "vm" {
  name = "vm-\${var.instance_uuid}"
  # resource "commented_out" "x" {}
  user_data = <<EOT
resource "in_heredoc" "y" {
}
EOT
}
resource "vkcs_blockstorage_volume" "data" {
  size = var.disk
  description = "resource \\"in_string\\" \\"z\\" {"
}
/* resource "in_block_comment" "w" {} */
`;
