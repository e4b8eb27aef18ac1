/** What the preview page hands its script: each plan in the shape `planPrice` reads. */
import type { PlanModel } from '../model/types.js';

export type PreviewPlan = Pick<PlanModel, 'billing' | 'options' | 'display' | 'entities'>;

export interface PreviewPlanData {
  /** DOM key of the plan's wizard (`data-plan-key`). */
  key: string;
  /** The displayed plan name (`description`). */
  label: string;
  plan: PreviewPlan;
}

export interface PreviewPageData {
  plans: PreviewPlanData[];
}
