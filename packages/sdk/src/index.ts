/**
 * @vkmp/sdk: the typed DSL for VK Cloud Marketplace services.
 *
 * ```ts
 * import { saas, option, options, page, group, file } from '@vkmp/sdk';
 * const o = options({ seats: option.integer.paidStep({ description: 'Users', billing: { cost: 100, unitSize: 5 } }) });
 * export default saas.service({ ..., options: o, plans: [saas.plan({ ..., wizard: [page('Settings', [group('Team', [o.seats])])] })] });
 * ```
 */
export { option, options, integer, string, boolean, postpaid, datasource, isOptionDef, isOptionRef, isOptionUse } from './options.js';
export type {
  OptionAction, OptionSubtype, OptionDef, OptionRef, OptionUse, OptionLike, OptionSet, VolumeTypeName, DiskClass,
  CommonOptionInput, IntegerConstInput, IntegerEnumInput, IntegerRangeInput, IntegerPaidStepInput, PaidStepBilling,
  StringConstInput, StringInputInput, StringEnumInput, BooleanConstInput, BooleanSwitchInput, PostpaidInput,
  FlavorInput, AzInput, NetworkInput, SubnetInput, VolumeTypeInput,
} from './options.js';
export { page, group, when } from './wizard.js';
export type { WizardPage, WizardGroup, WhenCondition, GroupOptions, Operand } from './wizard.js';
export { file, isFileRef } from './common.js';
export type { FileRef, Namespaces, Period, PlanBillingInput, ServiceFlags } from './common.js';
export { saas } from './saas.js';
export type { SaasService, SaasServiceInput, SaasPlan, SaasPlanInput, SaasPlanBillingInput, BindingParameter } from './saas.js';
export { defineConfig } from './config.js';
export type { VkmpConfig, VkmpConfigInput, ServiceEntry } from './config.js';
export { OPTION, OPTION_REF, OPTION_USE, SERVICE, PLAN, PAGE, GROUP, CONFIG, FILE_REF } from './brand.js';
export type { DslIssue } from './brand.js';
export type { Site } from './site.js';
export { ib, entity } from './ib.js';
export type { IbService, IbServiceInput, IbPlan, IbPlanInput, EntityDef, EntityCommon, EntityValue, DiskInput, DeploymentInput, DeploymentSettings } from './ib.js';
