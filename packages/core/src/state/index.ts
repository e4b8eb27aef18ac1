/** Deployed state: `.vkmp/deployed/<service>.json`. */
export {
  DeployedStateError, HASH_VERSION, STATE_DIR, STATE_FORMAT_VERSION, ledgerFromStates, ledgerOfUnit, mergeLedgers, readDeployedState, readDeployedStateFile,
  serializeState, snapshotFromStates, stateFileName, stateFilePath, stateFromModel, writeDeployedState,
} from './state.js';
export type { DeployedState, StateEntryHashes, StateOptions, StatePlanHashes } from './state.js';
