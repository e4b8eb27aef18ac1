/**
 * The parsed Terraform module of each image-based plan, prepared once before the rules run.
 * Rules are synchronous and the HCL parser is not (its wasm loads lazily), so the pipeline
 * awaits {@link prepareTerraform} first; rules then read {@link planTerraform}.
 *
 * Spans of the parsed module use each file's source path when the IR knows it (the vendor's
 * `.tf` file for a DSL project, the package file for a read artifact), else
 * `deployment/<name>`.
 *
 * The tree-sitter parser needs about 250 MB of memory per MB of input and aborts its wasm
 * instance on inputs of several MB, so manifests above {@link MAX_TERRAFORM_FILE_BYTES} are
 * not parsed: the plan is reported (IB-089, warning) and the Terraform rules skip it.
 */
import type { Diagnostic } from '../diagnostics.js';
import type { PlanModel, ProjectModel } from '../model/types.js';
import type { TerraformModule } from '../terraform/index.js';

/** Largest `.tf` file vkmp parses. Real manifests are tens of KB. */
export const MAX_TERRAFORM_FILE_BYTES = 1048576;

const modules = new WeakMap<PlanModel, TerraformModule>();
const DOCS = 'SPEC.md §C.10 · vkcloud-docs/tools-for-using-services/vendor-account/manage-apps/ibservice_add/ib_structure/ib_structure.md#ib_structure_file';

interface Source {
  path: string;
  text: string;
  bytes: number;
}

/** The `.tf` files of a plan's deployment, as the parser takes them. */
export function terraformSources(plan: PlanModel): Source[] {
  const decoder = new TextDecoder();
  return (Array.isArray(plan.deployment) ? plan.deployment : [])
    .filter((f) => typeof f?.path === 'string' && f.path.endsWith('.tf') && f.bytes instanceof Uint8Array)
    .map((f) => ({ path: f.span?.file ?? `deployment/${f.path}`, text: f.bytes.length > MAX_TERRAFORM_FILE_BYTES ? '' : decoder.decode(f.bytes), bytes: f.bytes.length }));
}

/**
 * Parses every image-based plan's manifests (once per plan object). Returns warnings for
 * plans whose manifests vkmp could not parse.
 */
export async function prepareTerraform(model: ProjectModel): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  const plans = (Array.isArray(model.packages) ? model.packages : []).flatMap((s) => (Array.isArray(s.plans) ? s.plans : []));
  const todo = plans.filter((p) => p && typeof p === 'object' && !modules.has(p) && terraformSources(p).length > 0);
  if (!todo.length) return diagnostics;
  const { parseTerraformFiles } = await import('../terraform/index.js');
  for (const plan of todo) {
    const sources = terraformSources(plan);
    const large = sources.filter((s) => s.bytes > MAX_TERRAFORM_FILE_BYTES);
    if (large.length) {
      for (const s of large) {
        diagnostics.push({
          code: 'IB-089',
          severity: 'warning',
          message: `${s.path} is ${(s.bytes / 1048576).toFixed(1)} MB; vkmp parses Terraform files up to ${MAX_TERRAFORM_FILE_BYTES / 1048576} MB, so the Terraform checks of this plan were skipped.`,
          span: { file: s.path, line: 1, column: 1 },
          hint: 'Manifests are small text files; keep data (images, archives) out of deployment/.',
          docs: DOCS,
        });
      }
      continue;
    }
    try {
      modules.set(plan, await parseTerraformFiles(sources.map(({ path, text }) => ({ path, text }))));
    } catch (error) {
      diagnostics.push({
        code: 'IB-089',
        severity: 'warning',
        message: `The Terraform files of the plan could not be parsed by vkmp (${(error as Error).message}); its Terraform checks were skipped.`,
        ...(sources[0] ? { span: { file: sources[0].path, line: 1, column: 1 } } : {}),
        docs: DOCS,
      });
    }
  }
  return diagnostics;
}

/** The plan's parsed manifests; undefined before {@link prepareTerraform} or without `.tf` files. */
export function planTerraform(plan: PlanModel): TerraformModule | undefined {
  return modules.get(plan);
}
