/** deploy: plan and run a deploy, the broker's resources/, the emulator's package check, Terraform tests. */
export { deployProject, planDeploy, runDeploy } from './deploy.js';
export type {
  DeployAction, DeployEvent, DeployPlan, DeployProjectOptions, DeployProjectResult, DeployReport, DeployUnitPlan, DeployUnitResult, DeployUnitStatus,
  PackageUploader, PlanDeployOptions, RunDeployOptions,
} from './deploy.js';
export { brokerDirProblem, brokerFilesMatch, writeBrokerFiles } from './broker.js';
export type { BrokerFile } from './broker.js';
export { packageZipReaderAvailable, validatePackageZip } from './verdict.js';
export type { PackageIdentity, PackageZipVerdict } from './verdict.js';
export { defaultManifestName, prepareTerraformTest, SPECIAL_TF_VARIABLES } from './tftest.js';
export type { TerraformTestOptions, TerraformTestPlan, TfVarSource, TfVarValue } from './tftest.js';
