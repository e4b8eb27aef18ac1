/**
 * Deployment-system test of one image-based plan (SPEC §D.8): the manifest to upload (the
 * plan's `deployment/*.tf` concatenated, as the docs post `deploy.tf`) and the `vars` of the
 * test object — exactly the plan's external variables (API-022): each Terraform variable
 * named after an option of the plan, with the value given on the command line, else the
 * option's `const`/`default` (after the plan's patches), else the variable's own default.
 */
import type { Diagnostic } from '../diagnostics.js';
import { planTerraform, prepareTerraform } from '../ib/terraform.js';
import type { PlanModel, ProjectModel, ServiceModel } from '../model/types.js';
import { docsRef } from '../rules/engine.js';
import { classifyOption } from '../rules/option-checks.js';
import { isPlainObject } from '../util/strings.js';

/** Variables the deployment system fills in itself (SPEC §C.10). */
export const SPECIAL_TF_VARIABLES = ['instance_uuid', 'email'] as const;

export type TfVarValue = string | number | boolean;

/** Where a variable's value came from. */
export type TfVarSource = 'command line' | 'option const' | 'option default' | 'terraform default';

export interface TerraformTestPlan {
  serviceName: string;
  planName: string;
  planId: string;
  planRevision: string;
  /** Manifest name for `POST /hoe/config/<name>`. */
  manifestName: string;
  /** The manifest text: the plan's `.tf` files in deployment order. */
  manifest: string;
  /** The `deployment/` paths concatenated. */
  files: string[];
  /** `vars` of `POST /hoe/object`. */
  vars: Record<string, TfVarValue>;
  /** Each external variable, its Terraform type and where its value came from. */
  variables: { name: string; type: string; source: TfVarSource }[];
}

export interface TerraformTestOptions {
  /** `name=value` overrides from the command line (keys must be external variables). */
  vars?: Record<string, string>;
  /** Manifest name (default `<SERVICE_NAME>_<plan>_<revision>`). */
  manifestName?: string;
}

const DOCS = docsRef('§D.8', 'UP/ibservice_upload_deploysystemtest/#create_service_instance');
const err = (code: string, message: string, hint?: string): Diagnostic => ({ code, severity: 'error', message, ...(hint ? { hint } : {}), docs: DOCS });
const q = (s: string): string => JSON.stringify(s);

/** `<SERVICE_NAME>_<plan>_<revision>` with characters other than letters, digits, `_ . -` as `_`. */
export function defaultManifestName(serviceName: string, planName: string, revision: string): string {
  return `${serviceName}_${planName}_${revision}`.replace(/[^A-Za-z0-9_.-]+/g, '_');
}

function findPlan(model: ProjectModel, ref: string): { service: ServiceModel; plan: PlanModel } | Diagnostic {
  const all = model.packages.flatMap((s) => (Array.isArray(s.plans) ? s.plans : []).map((plan) => ({ service: s, plan })));
  const slash = ref.indexOf('/');
  const [svc, name] = slash >= 0 ? [ref.slice(0, slash), ref.slice(slash + 1)] : [undefined, ref];
  const matches = all.filter(({ service, plan }) => (svc === undefined || service.serviceName === svc) && (plan.name === name || plan.id === name));
  const known = all.map(({ service, plan }) => `${service.serviceName}/${plan.name}`);
  if (!model.packages.length) return err('TFTEST-001', 'The project has no image-based services; the deployment-system test runs Terraform manifests of image-based plans.');
  if (!matches.length) return err('TFTEST-001', `No image-based plan ${q(ref)} in the project.`, `Plans: ${known.join(', ')}.`);
  if (matches.length > 1) return err('TFTEST-001', `Plan ${q(ref)} exists in several services.`, `Name it as <SERVICE_NAME>/<plan>: ${matches.map(({ service, plan }) => `${service.serviceName}/${plan.name}`).join(', ')}.`);
  return matches[0]!;
}

function parseValue(raw: string, type: string | undefined, name: string): TfVarValue | string[] {
  switch (type) {
    case 'integer':
    case 'number': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) return [`--vars ${name}=${raw}: ${q(name)} is a ${type} option; give a number`];
      if (type === 'integer' && !Number.isInteger(n)) return [`--vars ${name}=${raw}: ${q(name)} is an integer option`];
      return n;
    }
    case 'boolean':
      if (raw === 'true') return true;
      if (raw === 'false') return false;
      return [`--vars ${name}=${raw}: ${q(name)} is a boolean option; give true or false`];
    default:
      return raw;
  }
}

/**
 * Prepares the deployment-system test of a plan (`<plan>` or `<SERVICE_NAME>/<plan>`, or a
 * plan id). Problems are diagnostics; `test` is set only when there are none.
 */
export async function prepareTerraformTest(model: ProjectModel, planRef: string, options: TerraformTestOptions = {}): Promise<{ test?: TerraformTestPlan; diagnostics: Diagnostic[] }> {
  const found = findPlan(model, planRef);
  if ('code' in found) return { diagnostics: [found] };
  const { service, plan } = found;
  await prepareTerraform(model);
  const decoder = new TextDecoder();
  const tfFiles = (plan.deployment ?? []).filter((f) => f.path.endsWith('.tf'));
  if (!tfFiles.length) return { diagnostics: [err('TFTEST-003', `Plan ${q(plan.name)} of ${q(service.serviceName)} has no deployment/*.tf files.`, 'Add the plan\'s Terraform manifests (deployment in ib.plan).')] };
  const manifest = tfFiles.map((f) => `# vkmp: deployment/${f.path}\n${decoder.decode(f.bytes).replace(/\s*$/, '\n')}`).join('\n');
  const module = planTerraform(plan);
  const diagnostics: Diagnostic[] = [];
  const options_ = new Map((Array.isArray(plan.options) ? plan.options : []).filter((o) => o && !o.billingOnly).map((o) => [o.name, o]));
  const variables = (module?.variables ?? []).filter((v) => !(SPECIAL_TF_VARIABLES as readonly string[]).includes(v.name) && options_.has(v.name));
  const externalNames = variables.map((v) => v.name);
  const given = options.vars ?? {};
  for (const key of Object.keys(given)) {
    if (!externalNames.includes(key)) {
      diagnostics.push(err('TFTEST-002', `--vars ${key}: not an external variable of plan ${q(plan.name)}; vars are exactly the plan's external variables (API-022).`, `External variables: ${externalNames.join(', ') || 'none'}.`));
    }
  }
  const vars: Record<string, TfVarValue> = {};
  const described: TerraformTestPlan['variables'] = [];
  for (const v of variables) {
    const po = options_.get(v.name)!;
    const schema = isPlainObject(po.option.schema) ? po.option.schema : ({} as Record<string, unknown>);
    const optType = typeof schema.type === 'string' ? schema.type : undefined;
    const tfType = v.type ?? (optType === 'boolean' ? 'bool' : optType === 'integer' || optType === 'number' ? 'number' : 'string');
    if (Object.prototype.hasOwnProperty.call(given, v.name)) {
      const parsed = parseValue(given[v.name]!, schema.datasource !== undefined ? 'string' : optType, v.name);
      if (Array.isArray(parsed)) parsed.forEach((m) => diagnostics.push(err('TFTEST-002', `${m} (API-022).`)));
      else {
        vars[v.name] = parsed;
        described.push({ name: v.name, type: tfType, source: 'command line' });
      }
      continue;
    }
    const scalar = (x: unknown): x is TfVarValue => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean';
    if (scalar(schema.const)) {
      vars[v.name] = schema.const;
      described.push({ name: v.name, type: tfType, source: 'option const' });
    } else if (scalar(schema.default)) {
      vars[v.name] = schema.default;
      described.push({ name: v.name, type: tfType, source: 'option default' });
    } else if (v.hasDefault && scalar(v.default)) {
      vars[v.name] = v.default;
      described.push({ name: v.name, type: tfType, source: 'terraform default' });
    } else {
      const subtype = classifyOption(po.option);
      const what = subtype === 'datasource' ? `a ${String((schema.datasource as Record<string, unknown> | undefined)?.type ?? 'datasource')} datasource option (an ID from your project)` : `a ${optType ?? 'typed'} option`;
      diagnostics.push(err('TFTEST-002', `External variable ${q(v.name)} (${what}) has no default in plan ${q(plan.name)}, so the test object needs a value for it (API-022).`, `Pass --vars ${v.name}=<value>.`));
    }
  }
  if (diagnostics.length) return { diagnostics };
  const manifestName = options.manifestName ?? defaultManifestName(service.serviceName, plan.name, plan.revision);
  if (!/^[^/\s]+$/.test(manifestName) || manifestName === '.' || manifestName === '..') {
    return { diagnostics: [err('TFTEST-002', `--manifest ${q(manifestName)}: a manifest name has no "/" and no spaces.`)] };
  }
  return {
    test: { serviceName: service.serviceName, planName: plan.name, planId: plan.id, planRevision: plan.revision, manifestName, manifest, files: tfFiles.map((f) => `deployment/${f.path}`), vars, variables: described },
    diagnostics,
  };
}
