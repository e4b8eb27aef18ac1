/**
 * zod schemas of the image-based package files (SPEC §C, generator 0.0.1): one per
 * YAML file kind. They describe the documented format (strict keys, documented value
 * sets); cross-file rules (plan directories exist, tags pair up, Terraform variables
 * match options) are vkmp's rule engine's job.
 */
import { z } from 'zod';
import { description, hint, int, nameRef, optionBilling, period, planCost, planDescription, planName, refundable, revision, serviceFields, uniqueList, uuid4, when } from './common.js';

/** IB-021: an option name is a file base name and a Terraform identifier. */
export const IB_OPTION_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_-]*$';
const ibOptionName = z.string().regex(new RegExp(IB_OPTION_NAME_PATTERN)).describe('An option: the base name of parameters/<name>.yaml (a Terraform identifier).');

/** `service.yaml` (SPEC §C.4). */
export const ibService = z
  .strictObject({
    id: uuid4('Service ID'),
    revision: revision('Service'),
    name: serviceFields.name,
    short_description: serviceFields.short_description,
    singleton: serviceFields.singleton,
    auto_bind: serviceFields.auto_bind,
    icon: z.string().max(512).describe('File name of the icon in images/ (.png or .svg, ≤ 1 MB, ≥ 62×62 px), ≤ 512 characters.'),
    help: serviceFields.help,
    bindable: z.literal(true).describe('Must be true for image-based services.'),
    plan_updateable: z.literal(false).describe('Must be false for image-based services.'),
    deactivatable: serviceFields.deactivatable,
    bindings_retrievable: serviceFields.bindings_retrievable,
    instances_retrievable: serviceFields.instances_retrievable,
    plans: z
      .array(z.strictObject({ name: planName }).describe('A plan: the name of a directory plans/<name>/.'))
      .min(1)
      .describe('The available plans; plans not listed are neither available nor shown in the matrix.'),
    preview: serviceFields.preview,
  })
  .describe('service.yaml of an image-based package (VK Cloud Marketplace). No full_description (it is full_description.md) and no metadata (namespaces come from the service key).');

const limits = (what: string) =>
  z
    .strictObject({
      minimum: int().min(1).optional().describe(`Smallest ${what}, an integer > 0.`),
      maximum: int().min(1).optional().describe(`Largest ${what}, an integer > 0.`),
    })
    .describe(`Limits of ${what}.`);

const VOLUME_TYPES = ['ceph-ssd', 'ceph-hdd', 'high-iops'] as const;
const networkKind = z.enum(['external', 'internal', 'all']);

/** `schema.datasource` (SPEC §C.7.4). */
export const ibDatasource = z
  .discriminatedUnion('type', [
    z
      .strictObject({
        type: z.literal('flavor'),
        filter: z.strictObject({ vcpus: limits('vCPU count').optional(), ram: limits('RAM in MB').optional() }).optional().describe('Which VM types to list.'),
      })
      .describe('VM types available in the user\'s project; Terraform receives the flavor ID.'),
    z.strictObject({ type: z.literal('az') }).describe('Availability zones; schema.default may be ms1 or gz1.'),
    z
      .strictObject({
        type: z.literal('network'),
        value_is: z.enum(['uuid', 'name']).optional().describe('What is passed and shown: the network UUID or its name.'),
        filter: z
          .strictObject({
            kind: z.union([networkKind, z.array(networkKind)]).optional().describe('external, internal or all (scalar or list; `private` from the docs\' example is invalid).'),
            shared: z.union([z.boolean(), z.array(z.boolean())]).optional().describe('List shared networks too; default false.'),
          })
          .optional()
          .describe('Which networks to list.'),
      })
      .describe('Project networks.'),
    z.strictObject({ type: z.literal('subnet') }).describe('Project subnets; Terraform receives the subnet ID.'),
    z
      .strictObject({
        type: z.literal('volume_type'),
        filter: z
          .strictObject({
            disk_class: z
              .strictObject({ enum: z.array(z.enum(['ssd', 'hdd', 'high_iops_disk', ...VOLUME_TYPES])).min(1).describe('Disk classes (ssd, hdd, high_iops_disk; the REF tree\'s ceph-* names are accepted with a warning).') })
              .optional()
              .describe('Filter by disk class; `enum` must be nested under disk_class.'),
            name: z.strictObject({ enum: z.array(z.enum(VOLUME_TYPES)).min(1).describe('Exact disk type names.') }).optional().describe('Filter by disk type name.'),
          })
          .optional()
          .describe('Which disk types to list; none means all.'),
      })
      .describe('Disk types; pair with a disk-size integer option through the same schema.tag.'),
  ])
  .describe('Makes the option a picker of the user\'s cloud entities (schema.type string). Never priced: platform tariffs apply.');

const ibSchemaCommon = { description, hint: hint.optional() };

/** `schema` of an option file (SPEC §C.7.2, §C.7.3). */
export const ibOptionSchema = z
  .discriminatedUnion('type', [
    z
      .strictObject({
        type: z.literal('integer'),
        ...ibSchemaCommon,
        const: int().optional().describe('Fixed, read-only value (int-const).'),
        enum: z.array(int()).min(1).optional().describe('Values to choose from (int-enum); requires default ∈ enum.'),
        default: int().optional().describe('Initial value; a step count for custom-step options.'),
        minimum: int().optional().describe('Smallest value (≥ 0); a step count for custom-step options.'),
        maximum: int().optional().describe('Largest value (> 0); a step count for custom-step options.'),
        tag: z.string().optional().describe('Disk size option: links it with the volume_type option of the same tag.'),
      })
      .describe('An integer option.'),
    z.strictObject({ type: z.literal('number'), ...ibSchemaCommon }).describe('A number option: documented only for postpaid options.'),
    z
      .strictObject({
        type: z.literal('string'),
        ...ibSchemaCommon,
        const: z.string().optional().describe('Fixed, read-only value (str-const).'),
        enum: z.array(z.string()).min(1).optional().describe('Values to choose from (str-enum); requires default ∈ enum.'),
        default: z.string().optional().describe('Initial value. Datasource options: only az (ms1, gz1) and volume_type (ceph-ssd, ceph-hdd, high-iops).'),
        pattern: z.string().optional().describe('Regular expression for str-input.'),
        minLength: int().min(1).optional().describe('Shortest input, > 0.'),
        maxLength: int().min(1).optional().describe('Longest input, > 0.'),
        tag: z.string().optional().describe('volume_type datasource: links it with the disk-size option of the same tag.'),
        datasource: ibDatasource.optional(),
      })
      .describe('A string or datasource option.'),
    z
      .strictObject({
        type: z.literal('boolean'),
        ...ibSchemaCommon,
        const: z.boolean().optional().describe('Fixed, read-only value (bool-const).'),
        default: z.boolean().optional().describe('Initial state, default false.'),
      })
      .describe('A boolean option (switch, paid while on with billing.cost).'),
  ])
  .describe('Type, labels and value settings of the option.');

/** `parameters/<OPTION_NAME>.yaml` (SPEC §C.7). */
export const ibParameter = z
  .strictObject({
    actions: z
      .union([
        uniqueList(z.array(z.enum(['create', 'update'])).min(1).max(2), 'actions', 'Free or prepaid option: editable at connect (create) and/or at plan update (update).'),
        z.tuple([z.literal('resource_usages')]).describe('Postpaid option: values come from usage pushes (param = the file base name).'),
      ])
      .describe('A YAML list: a non-empty subset of [create, update], or exactly [resource_usages].'),
    schema: ibOptionSchema,
    billing: optionBilling.optional(),
  })
  .describe('parameters/<OPTION_NAME>.yaml of an image-based package: one option; the file base name is the option name and its Terraform variable.');

/** `plans/<PLAN_NAME>/plan.yaml` (SPEC §C.8). */
export const ibPlan = z
  .strictObject({
    id: uuid4('Plan ID'),
    revision: revision('Plan'),
    name: planName.describe('Plan name: Latin letters and `_`, ≤ 255 characters; equals the directory plans/<name>/ and the service.yaml plans entry.'),
    description: planDescription,
    free: z.boolean().describe('Whether the plan is free; plans with resource_usages must be free.'),
    billing: z
      .strictObject({
        cost: planCost,
        refundable: refundable.optional(),
        billing_cycle_flat: period('Billing period, default "1 mons 0 days".').optional(),
      })
      .describe('The plan price.'),
    parameters_patch: z
      .record(
        ibOptionName,
        z
          .record(
            z.string().regex(/^(?:schema|billing)(?:\..+)?$/).describe('Form A: a dotted path from the option root (schema.default, billing.unit.size); form B: a whole section (schema or billing).'),
            z.unknown(),
          )
          .describe('Overrides of one option for this plan only.'),
      )
      .optional()
      .describe('Per-plan overrides of option files. One option\'s patch cannot both replace a section K and set a path K.….'),
    resource_usages: uniqueList(z.array(ibOptionName), 'resource_usages', 'The postpaid options of the plan (each with actions [resource_usages]); only in free plans without prepaid options.').optional(),
  })
  .describe('plans/<PLAN_NAME>/plan.yaml of an image-based package.');

const operandOf = <T extends z.ZodType>(constant: T, what: string) =>
  z.union([z.strictObject({ const: constant }), z.strictObject({ param: ibOptionName })]).describe(`${what}: exactly one of const (a value) or param (an option of the plan).`);

const entityBase = {
  description: z.string().optional().describe('Shown next to the price.'),
  when: when.optional(),
  count: operandOf(int().min(0), 'How many (an integer option for param)'),
};

/** `plans/<PLAN_NAME>/display.yaml` (SPEC §C.9). */
export const ibDisplay = z
  .strictObject({
    pages: z
      .array(
        z
          .strictObject({
            name: z.string().max(32).describe('Page title, ≤ 32 characters.'),
            groups: z
              .array(
                z
                  .strictObject({
                    name: z.string().max(255).describe('Group title, ≤ 255 characters.'),
                    parameters: z.array(nameRef('An option of the plan.')).describe('Options of the group; every option of the plan is in exactly one group.'),
                    when: when.optional(),
                  })
                  .describe('A group of options.'),
              )
              .describe('Groups of the page.'),
          })
          .describe('A wizard page (no index: array order is the display order).'),
      )
      .max(5)
      .optional()
      .describe('Wizard pages between the automatic first and last pages; at most 5.'),
    entities: z
      .array(
        z
          .discriminatedUnion('entity', [
            z
              .strictObject({
                entity: z.literal('vm'),
                ...entityBase,
                flavor: operandOf(z.string(), 'VM type (a flavor ID, or a flavor datasource option)'),
                disks: z
                  .array(
                    z
                      .strictObject({
                        type: operandOf(z.enum(['ceph-ssd', 'ceph-hdd', 'high-iops']), 'Disk type'),
                        size: operandOf(int().min(1), 'Disk size in GB'),
                      })
                      .describe('A disk of the VM.'),
                  )
                  .optional()
                  .describe('Disks; required when the pages use a volume_type option.'),
              })
              .describe('Virtual machines.'),
            z.strictObject({ entity: z.literal('load_balancing'), ...entityBase }).describe('A load balancer.'),
            z.strictObject({ entity: z.literal('floating_ip'), ...entityBase }).describe('Floating IP addresses.'),
          ])
          .describe('Priced infrastructure: the wizard shows its cost at VK Cloud tariffs.'),
      )
      .describe('Infrastructure the deployment creates, for the price shown in the wizard (required, may be empty).'),
  })
  .describe('plans/<PLAN_NAME>/display.yaml of an image-based package: the wizard and the priced infrastructure.');

/** `plans/<PLAN_NAME>/deployment/settings.yaml` (SPEC §C.11). */
export const ibSettings = z
  .strictObject({
    preset: z.enum(['base_v2', 'base_v3', 'base_alpha']).optional().describe('Provider preset: base_v2 (VK CS 0.5.5, iVK CS 1.0.1), base_v3 (VK CS 0.7.1, iVK CS 1.2.0) or base_alpha (testing). Default: the latest stable.'),
    retry: z
      .union([z.enum(['yes', 'no']), z.boolean()])
      .optional()
      .describe('Redeploy after a failure: yes (default) or no. YAML 1.1 reads yes/no as booleans, so true/false are accepted too.'),
  })
  .describe('plans/<PLAN_NAME>/deployment/settings.yaml (optional).');

/** `version.yaml` (SPEC §C.3). */
export const ibVersion = z
  .strictObject({ version: z.literal('0.0.1').describe('The JSON generator version; 0.0.1 is the only documented one.') })
  .describe('version.yaml of an image-based package.');
