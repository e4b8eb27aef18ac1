/**
 * The parsed Terraform module of each image-based plan, prepared once before the rules run.
 * Rules are synchronous and the HCL parser is not (its wasm loads lazily), so the pipeline
 * awaits {@link prepareTerraform} first; rules then read {@link planTerraform}.
 *
 * Spans of the parsed module use each file's source path when the IR knows it (the vendor's
 * `.tf` file for a DSL project, the package file for a read artifact), else
 * `deployment/<name>`.
 */
import type { PlanModel, ProjectModel } from '../model/types.js';
import type { TerraformModule } from '../terraform/index.js';

const modules = new WeakMap<PlanModel, TerraformModule>();

/** The `.tf` files of a plan's deployment, as the parser takes them. */
export function terraformSources(plan: PlanModel): { path: string; text: string }[] {
  const decoder = new TextDecoder();
  return (Array.isArray(plan.deployment) ? plan.deployment : [])
    .filter((f) => typeof f?.path === 'string' && f.path.endsWith('.tf') && f.bytes instanceof Uint8Array)
    .map((f) => ({ path: f.span?.file ?? `deployment/${f.path}`, text: decoder.decode(f.bytes) }));
}

/** Parses every image-based plan's manifests (once per plan object). */
export async function prepareTerraform(model: ProjectModel): Promise<void> {
  const plans = (Array.isArray(model.packages) ? model.packages : []).flatMap((s) => (Array.isArray(s.plans) ? s.plans : []));
  const todo = plans.filter((p) => !modules.has(p) && terraformSources(p).length > 0);
  if (!todo.length) return;
  const { parseTerraformFiles } = await import('../terraform/index.js');
  for (const plan of todo) modules.set(plan, await parseTerraformFiles(terraformSources(plan)));
}

/** The plan's parsed manifests; undefined before {@link prepareTerraform} or without `.tf` files. */
export function planTerraform(plan: PlanModel): TerraformModule | undefined {
  return modules.get(plan);
}
