/**
 * zod schemas of the SaaS broker files (SPEC §B): `catalog_<SERVICE_NAME>.json` and
 * `plan_mapping.json`. They describe the documented format: unknown keys, plan-level
 * billing fields (SAAS-045) and other shapes vkmp reports are rejected. Rules that
 * relate several fields (preview names exist, one level of `when`, billing by plan
 * kind) are vkmp's rule engine's job (`vkmp validate`), not the schema's.
 */
import { z } from 'zod';
import {
  description, hint, int, jsonKeywords, optionBilling, optionName, period, planCost, planDescription, planName, refundable, revision, serviceFields, uuid4, when,
} from './common.js';

export const DRAFT4_URL = 'http://json-schema.org/draft-04/schema#';

const index = int().describe('Ordinal among its siblings (0-based; vkmp emits contiguous indexes in array order).');

export const saasDisplay = z
  .strictObject({
    pages: z
      .array(
        z
          .strictObject({
            name: z.string().max(32).describe('Page title, ≤ 32 characters.'),
            index: index.optional(),
            groups: z
              .array(
                z
                  .strictObject({
                    name: z.string().max(255).describe('Group title, ≤ 255 characters; "" is allowed.'),
                    index: index.optional(),
                    parameters: z
                      .array(z.strictObject({ name: optionName, index: index.optional() }).describe('An option of the plan; the wizard shows its description.'))
                      .describe('The options of the group. An option appears in at most one group of a plan.'),
                    when: when.optional(),
                  })
                  .describe('A group of options.'),
              )
              .describe('Groups of the page.'),
          })
          .describe('A wizard page.'),
      )
      .max(5)
      .describe('The middle pages of the wizard (the first and last pages are automatic); at most 5, may be empty.'),
  })
  .describe('Wizard layout («мастер конфигурации тарифного плана»).');

const optionSchemaCommon = { description, hint: hint.optional() };

/** One option property in `schemas.service_instance.*.parameters.properties` (SPEC §B.7, §C.7.2). */
export const saasOptionSchema = z
  .discriminatedUnion('type', [
    z
      .strictObject({
        type: z.literal('integer'),
        ...optionSchemaCommon,
        const: int().optional().describe('Fixed, read-only value (int-const). Excludes every other value keyword.'),
        enum: z.array(int()).min(1).optional().describe('Values to choose from (int-enum); requires default ∈ enum.'),
        default: int().optional().describe('Initial value. For a custom-step option it is a step count.'),
        minimum: int().optional().describe('Smallest value (≥ 0); a step count for custom-step options.'),
        maximum: int().optional().describe('Largest value (> 0); a step count for custom-step options.'),
      })
      .describe('An integer option: const, enum, step 1, or (with billing.options) custom step.'),
    z.strictObject({ type: z.literal('number'), ...optionSchemaCommon }).describe('A number option: documented only for postpaid options (resource_usages).'),
    z
      .strictObject({
        type: z.literal('string'),
        ...optionSchemaCommon,
        const: z.string().optional().describe('Fixed, read-only value (str-const).'),
        enum: z.array(z.string()).min(1).optional().describe('Values to choose from (str-enum); requires default ∈ enum.'),
        default: z.string().optional().describe('Initial value.'),
        pattern: z.string().optional().describe('Regular expression the input must match (str-input only).'),
        minLength: int().min(1).optional().describe('Shortest input, > 0 (str-input only).'),
        maxLength: int().min(1).optional().describe('Longest input, > 0 (str-input only).'),
      })
      .describe('A string option: const, enum or free input. Never priced.'),
    z
      .strictObject({
        type: z.literal('boolean'),
        ...optionSchemaCommon,
        const: z.boolean().optional().describe('Fixed, read-only value (bool-const).'),
        default: z.boolean().optional().describe('Initial state of the switch, default false.'),
      })
      .describe('A boolean option: const, or a switch (paid while on when billing.options has its cost).'),
  ])
  .describe('An option in JSON-Schema draft-04 keywords plus `hint`. `datasource` and `tag` are image-based only.');

const parameters = (meaning: string) =>
  z
    .strictObject({
      parameters: z
        .strictObject({
          $schema: z.literal(DRAFT4_URL).describe('Always the draft-04 URL.'),
          type: z.literal('object'),
          properties: z.record(optionName, saasOptionSchema).describe('Option name → option definition; may be empty.'),
        })
        .describe(meaning),
    })
    .describe(meaning);

export const saasSchemas = z
  .strictObject({
    service_instance: z
      .strictObject({
        create: parameters('Free and prepaid options the user sets at connect (sent to the broker when a tenant is created).'),
        update: parameters('Free and prepaid options the user sets at plan update (sent to the broker on update).'),
        resource_usages: parameters('Postpaid options (values come from usage reports). A plan has options either in create/update or here, never both.'),
      })
      .describe('All three sections must be declared, even if empty.'),
    service_binding: z
      .strictObject({
        create: z
          .strictObject({
            parameters: z
              .strictObject({
                type: z.literal('object'),
                properties: z.record(z.string(), z.record(z.string(), z.unknown())).describe('Binding parameters as JSON-Schema properties.'),
              })
              .describe('Parameters sent to the broker when a binding is created.'),
          })
          .describe('Binding creation.'),
      })
      .describe('Binding parameters; must be declared, even if empty.'),
  })
  .describe('Option definitions of the plan (SPEC §B.7).');

export const saasPlanBilling = z
  .strictObject({
    cost: planCost,
    billing_cycle_flat: period('Billing period of a prepaid plan, default "1 mons 0 days" (vkmp always emits it for prepaid plans).').optional(),
    billing_cycle_step: period('How often Marketplace polls the broker for usage reports; plans with postpaid options only; default "1 mons 0 days".').optional(),
    refundable: refundable.optional(),
    options: z.record(optionName, optionBilling).optional().describe('Option name → price. Keys are options of this plan\'s schemas; string options are never priced.'),
  })
  .describe('Prices (SPEC §B.6). refundable and the periods belong here, not at plan level (SAAS-045).');

const namespaces = z
  .strictObject({
    test_ns: z.array(z.string().min(1)).optional().describe('Test namespaces issued by Marketplace (vendor only).'),
    prod_ns: z.array(z.string().min(1)).optional().describe('Public namespaces issued by Marketplace.'),
  })
  .describe('Namespaces the plans are shown in. Every plan must resolve metadata from its own field or the service\'s, or it is not shown.');

export const saasPlan = z
  .strictObject({
    id: uuid4('Plan ID'),
    revision: revision('Plan'),
    name: planName,
    description: planDescription,
    free: z.boolean().describe('Whether the plan is free. Postpaid options are allowed only in free plans.'),
    plan_updateable: z.boolean().optional().describe('Overrides the service-level plan_updateable.'),
    metadata: namespaces.optional(),
    display: saasDisplay,
    billing: saasPlanBilling,
    schemas: saasSchemas,
  })
  .describe('A tariff plan («тарифный план», SPEC §B.4).');

export const saasService = z
  .strictObject({
    id: uuid4('Service ID'),
    revision: revision('Service'),
    name: serviceFields.name,
    short_description: serviceFields.short_description,
    full_description: z.string().min(1).describe('Markdown for the «Описание сервиса» tab, as a JSON string with \\n newlines; sections per SPEC §C.5.'),
    singleton: serviceFields.singleton,
    auto_bind: serviceFields.auto_bind,
    icon: z.string().max(512).describe('URL Marketplace returns for the emailed SVG icon (not a file name), ≤ 512 characters.'),
    help: serviceFields.help,
    bindable: z.boolean().describe('Bindings can be created.'),
    plan_updateable: z.boolean().describe('Users can switch plans without deleting the service; a plan may override it.'),
    deactivatable: serviceFields.deactivatable,
    bindings_retrievable: serviceFields.bindings_retrievable,
    instances_retrievable: serviceFields.instances_retrievable,
    metadata: namespaces.optional(),
    preview: serviceFields.preview,
    plans: z.array(saasPlan).min(1).describe('The plans of this service revision; at least one.'),
  })
  .describe('One service revision (SPEC §B.3). Several entries may share an id with different revisions.');

/** `catalog_<SERVICE_NAME>.json` (SPEC §B.2). */
export const saasCatalog = z
  .strictObject({ services: z.array(saasService).min(1).describe('Service entries: revisions of the service kept in the catalog.') })
  .describe('SaaS catalog: resources/catalog_<SERVICE_NAME>.json of the vendor\'s broker (VK Cloud Marketplace). Strict JSON: no comments, no trailing commas.');

/** `plan_mapping.json` (SPEC §B.8). */
export const planMapping = jsonKeywords(
  z
    .record(
      z.string().min(1).describe('SERVICE_NAME, the suffix of catalog_<SERVICE_NAME>.json.'),
      z
        .record(uuid4('Marketplace plan ID'), z.union([z.string(), int()]).describe('The vendor-side plan ID: a string (the text) or an integer (the docs\' example, G-11).'))
        .describe('Marketplace plan id → SaaS-side plan id, for every plan id of the catalog.'),
    )
    .refine((m) => Object.keys(m).length === 1, { message: 'plan_mapping.json has exactly one top-level key, SERVICE_NAME' })
    .describe('resources/plan_mapping.json: { "<SERVICE_NAME>": { "<plan id>": <SaaS plan id> } }, exactly one top-level key.'),
  { minProperties: 1, maxProperties: 1 },
);

