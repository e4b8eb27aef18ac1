/**
 * The pipeline as library functions: load → model → validate → emit. Every CLI
 * command is one of these first.
 */
import type { Diagnostic } from './diagnostics.js';
import { hasErrors, sortDiagnostics } from './diagnostics.js';
import { emitProject } from './emit/project.js';
import './emit/ib.js'; // registers the image-based package emitter
import { prepareTerraform } from './ib/terraform.js';
import type { OutputTree } from './emit/tree.js';
import { readArtifacts } from './read/artifacts.js';
import { findConfig, LoadError, loadProject, type LoadedProject } from './load/load.js';
import { modelFromProject } from './model/from-dsl.js';
import type { ProjectModel } from './model/types.js';
import { allRules } from './rules/index.js';
import { runRules } from './rules/engine.js';

export interface CompileOptions {
  /** Where to look for vkmp.config.ts (default: process.cwd()). */
  cwd?: string;
  /** Explicit config path. */
  config?: string;
}

export interface CompileResult {
  project?: LoadedProject;
  model?: ProjectModel;
  diagnostics: Diagnostic[];
  ok: boolean;
}

/** load → model → validate. Never throws for vendor mistakes: they become diagnostics. */
export async function compileProject(options: CompileOptions = {}): Promise<CompileResult> {
  let project: LoadedProject;
  try {
    project = await loadProject(findConfig(options.cwd ?? process.cwd(), options.config));
  } catch (error) {
    if (error instanceof LoadError) return { diagnostics: error.diagnostics, ok: false };
    throw error;
  }
  const { model, diagnostics } = modelFromProject(project);
  const prepared = await prepareTerraform(model);
  const all = sortDiagnostics([...diagnostics, ...prepared, ...validateModel(model)]);
  return { project, model, diagnostics: all, ok: !hasErrors(all) };
}

/** validate: every registered rule over a model. */
export function validateModel(model: ProjectModel): Diagnostic[] {
  return runRules(model, allRules());
}

export interface BuildResult extends CompileResult {
  tree?: OutputTree;
}

/** compile, then emit the artifacts in memory (nothing is written). */
export async function buildProject(options: CompileOptions = {}): Promise<BuildResult> {
  const compiled = await compileProject(options);
  if (!compiled.ok || !compiled.model) return compiled;
  const emitted = await emitProject(compiled.model);
  const diagnostics = sortDiagnostics([...compiled.diagnostics, ...emitted.diagnostics]);
  return { ...compiled, diagnostics, ok: !hasErrors(diagnostics), tree: emitted.tree };
}

/** validate: read hand-written artifacts and run every rule on them. */
export async function validateArtifacts(paths: string[]): Promise<{ model: ProjectModel; diagnostics: Diagnostic[]; ok: boolean }> {
  const { model, diagnostics } = await readArtifacts(paths);
  const prepared = await prepareTerraform(model);
  const all = sortDiagnostics([...diagnostics, ...prepared, ...validateModel(model)]);
  return { model, diagnostics: all, ok: !hasErrors(all) };
}
