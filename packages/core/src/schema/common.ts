/**
 * zod building blocks shared by the SaaS catalog and the image-based package schemas
 * (SPEC §0.3, §B, §C). Descriptions quote SPEC, so editors show the docs' meaning.
 *
 * A few constraints JSON Schema can express but zod has no builder for (a map with
 * exactly one key, unique list items) are added twice: as a zod refinement, so a
 * reader validating with zod enforces them, and as extra JSON Schema keywords
 * attached with {@link jsonKeywords}, so the emitted documents carry them too.
 */
import { z } from 'zod';

/** Extra JSON Schema keywords per zod schema, merged in by the emitter. */
export const extraKeywords = new WeakMap<z.ZodType, Record<string, unknown>>();

/** Attaches JSON Schema keywords to a zod schema (see the module comment). */
export function jsonKeywords<T extends z.ZodType>(schema: T, keywords: Record<string, unknown>): T {
  extraKeywords.set(schema, { ...(extraKeywords.get(schema) ?? {}), ...keywords });
  return schema;
}

/** SPEC §0.3: UUID4. */
export const UUID4_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$';
/** SPEC §0.3: `<M> mons`, `<D> days` or `<M> mons <D> days`. */
export const PERIOD_PATTERN = '^(?:[0-9]+ mons(?: [0-9]+ days)?|[0-9]+ days)$';
/** SAAS-024 / IB-058: Latin letters and `_` (digits are only a warning). */
export const PLAN_NAME_PATTERN = '^[A-Za-z0-9_]+$';

export const uuid4 = (what: string) =>
  z.string().regex(new RegExp(UUID4_PATTERN)).describe(`${what}: a UUID4 (xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx). The docs' placeholders (04527a41-XXXX-…) are invalid.`);

export const revision = (what: string) =>
  z.string().max(255).describe(`${what} revision, ≤ 255 characters. (id, revision) identifies one configuration; reusing a pair that was already uploaded is silently ignored, so change it whenever the configuration changes.`);

export const period = (meaning: string) =>
  z.string().regex(new RegExp(PERIOD_PATTERN)).describe(`${meaning} A period: "<M> mons", "<D> days" or "<M> mons <D> days" (calendar months: "1 mons 0 days" ≠ "0 mons 31 days"). vkmp emits "<M> mons <D> days".`);

export const int = () => z.number().int();

/** An option name as other parts refer to it (preview, display, when, patches). */
export const optionName = z.string().min(1).describe('The option name: the SaaS `schemas` property key, or the IB file base name parameters/<name>.yaml.');

export const nameRef = (what: string) => z.strictObject({ name: optionName }).describe(what);

export const hint = z.string().max(255).describe('Tooltip text («подсказка»), ≤ 255 characters (the docs\' own 257- and 279-character hints are too long).');
export const description = z.string().max(255).describe('Option label shown above the field, in the tariff matrix and in the wizard, ≤ 255 characters.');

export const scalar = z.union([z.string(), z.number(), z.boolean()]);

const operand = z
  .union([
    z.strictObject({ param: optionName.describe('The current value of this option of the plan.') }),
    z.strictObject({ const: scalar.describe('A constant of the compared option\'s JSON type.') }),
  ])
  .describe('An operand: exactly one of `param` (an option) or `const` (a value).');

const condition = z
  .strictObject({
    key: operand.describe('What is compared: normally `{param: <option>}`; the option must be listed in a different group of the plan.'),
    values: z.array(operand).min(1).describe('What the key is compared with; at least one.'),
  })
  .describe('A condition.');

/** SPEC §B.5 `when`: `{in: Cond}` or `{not_in: Cond}`. */
export const when = z
  .union([
    z.strictObject({ in: condition.describe('Shown if the key equals at least one of the values.') }),
    z.strictObject({ not_in: condition.describe('Shown if the key equals none of the values.') }),
  ])
  .describe('Show this only when a condition holds. Exactly one of `in` / `not_in`. Only one level of dependency: options inside a conditional group cannot be keys of another condition.');

/** Option `billing` (SPEC §B.6, §C.7.5). */
export const optionBilling = z
  .strictObject({
    base: int()
      .optional()
      .describe('Prepaid step option: the value included in the plan price, and the minimum the user can set. Default 0. The user picks base + k·unit.size.'),
    cost: z.number().min(0).describe('Price of one step (prepaid integer), of the switch while on (boolean), or of one unit (postpaid), per period; ≥ 0, 0 = free.'),
    unit: z
      .strictObject({
        size: int().min(1).describe('Step size, an integer > 0. Postpaid options: exactly 1.'),
        measurement: z.string().max(255).optional().describe('Unit label shown to the user, ≤ 255 characters.'),
      })
      .optional()
      .describe('Step of a prepaid integer or unit of a postpaid option (required for both; absent for a boolean switch).'),
  })
  .describe('The option\'s price. Prepaid integer with step: cost + unit (+ base). Boolean switch: cost only. Postpaid: cost + unit with size 1. String and datasource options are never priced.');

/** Plan `billing` fields shared by SaaS and IB. */
export const planCost = z.number().min(0).describe('Plan price per billing period, excluding paid options (and, image-based, cloud infrastructure); ≥ 0, 0 for free plans. Only prepaid billing is supported for the plan price.');
export const refundable = z.boolean().describe('Prepaid plans only, default true. On a plan change or instance deletion, true refunds the remaining days to the bonus account and keeps the charge date; false resets the charge date.');

export const planName = z.string().max(255).regex(new RegExp(PLAN_NAME_PATTERN)).describe('Technical plan name, not shown: Latin letters and `_` instead of spaces, ≤ 255 characters (digits are a warning).');
export const planDescription = z.string().max(255).describe('The plan name users see (wizard, tariff matrix), ≤ 255 characters.');

export const serviceFields = {
  name: z.string().max(255).describe('Displayed service name, ≤ 255 characters.'),
  short_description: z.string().max(120).describe('Text of the catalog card and the «Описание сервиса» tab, ≤ 120 characters.'),
  singleton: z.boolean().optional().describe('At most one instance per cloud project. vkmp always emits it (false by default).'),
  auto_bind: z.boolean().optional().describe('Create a binding automatically after deployment. vkmp always emits it (false by default).'),
  help: z.string().max(512).describe('URL of the service documentation, ≤ 512 characters.'),
  deactivatable: z.boolean().describe('The service can be temporarily suspended (needed for prepaid services without a free plan).'),
  bindings_retrievable: z.boolean().describe('Retry failed binding creation for some time.'),
  instances_retrievable: z.boolean().describe('Retry failed instance creation for some time.'),
  preview: z
    .strictObject({ parameters: z.array(nameRef('An option shown in the tariff matrix.')).describe('Options of the tariff matrix (plans × options), in order; may be empty.') })
    .describe('The tariff matrix on the service page.'),
};

/** A list whose items must be distinct (zod refinement + `uniqueItems`); keywords go on last, since `.describe()` clones. */
export function uniqueList<T extends z.ZodType>(list: z.ZodArray<T>, what: string, text: string) {
  return jsonKeywords(
    list.refine((a) => new Set(a.map((x) => JSON.stringify(x))).size === a.length, { message: `${what} must not repeat` }).describe(text),
    { uniqueItems: true },
  );
}
