/** The wizard's price calculator: pure, shared by `vkmp preview`'s page and the tests. */
export {
  planPrice, initialValues, optionValueRange, stepValue, stepsForValue, toNumber, whenHolds, wizardVisibility,
} from './price.js';
export type { OptionValueRange, PlanPrice, PriceLine, PostpaidLine, WizardVisibility } from './price.js';
export { optionSubtype, type OptionSubtype } from './subtype.js';
export { formatMoney, formatPeriod, formatPrice, roundKopecks } from './format.js';
