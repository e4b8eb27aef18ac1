/**
 * Deployed state (DESIGN §5): `.vkmp/deployed/<service>.json`, one file per SaaS
 * catalog (SERVICE_NAME) or IB package. It holds the normalized model (no positions),
 * content hashes per entry, plan and option, the revisions, the artifact hashes, the
 * deploy time and the ledger of every (id, revision) ever recorded (REV-003). Keys are
 * sorted and the JSON is indented, so the file diffs well in merge requests.
 * `deploy` writes it only after Marketplace accepted the upload.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppKind, ProjectModel } from '../model/types.js';
import {
  asSnapshot, canonicalJson, optionHash, planHash, seedHash, serviceHash, sha256, type Snapshot, type SnapshotService, type SnapshotUnit,
} from '../diff/normalize.js';
import { planLedgerKey, serviceLedgerKey, type Ledger } from '../diff/revisions.js';

export const STATE_FORMAT_VERSION = 1;
/**
 * Version of the snapshot normalization and content hashes. Ledger hashes recorded under
 * another version are not compared (REV-003), so a vkmp upgrade never reports every
 * recorded pair as changed.
 */
export const HASH_VERSION = 1;
/** Relative to the project root (the directory of vkmp.config.ts). */
export const STATE_DIR = join('.vkmp', 'deployed');

export interface StatePlanHashes {
  id: string;
  name: string;
  revision: string;
  /** Content hash of the plan (every field but its revision). */
  hash: string;
  /** Hash of each option as the plan uses it. */
  options: Record<string, string>;
}

export interface StateEntryHashes {
  id: string;
  revision: string;
  /** Content hash of the entry (every field but its revision). */
  hash: string;
  plans: StatePlanHashes[];
  /** IB: hash of each option file. */
  option_files?: Record<string, string>;
}

export interface DeployedState {
  format_version: typeof STATE_FORMAT_VERSION;
  hash_version: number;
  kind: AppKind;
  service_name: string;
  /** ISO 8601 time of the deploy (or of `vkmp state record`). */
  deployed_at: string;
  /** What was recorded: `build`, `deploy`, or the artifact path. */
  source: string;
  /** Revisions and content hashes of what is deployed now. */
  entries: StateEntryHashes[];
  /** Artifact path → sha256 (catalog and plan_mapping.json, or the package files / zip). */
  artifacts: Record<string, string>;
  /** Every (id, revision) recorded so far, with its content hash. */
  ledger: Ledger;
  /** The normalized model of what is deployed now. */
  model: SnapshotUnit;
}

export class DeployedStateError extends Error {
  constructor(readonly file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'DeployedStateError';
  }
}

/** The file name of a unit's state (SERVICE_NAME, made safe for any file system). */
export function stateFileName(serviceName: string): string {
  return `${/^[A-Za-z0-9_.-]+$/.test(serviceName) && !serviceName.startsWith('.') ? serviceName : encodeURIComponent(serviceName).replace(/^\./, '%2E')}.json`;
}

export function stateFilePath(rootDir: string, serviceName: string): string {
  return join(rootDir, STATE_DIR, stateFileName(serviceName));
}

function entryHashes(e: SnapshotService): StateEntryHashes {
  const out: StateEntryHashes = {
    id: e.id,
    revision: e.revision,
    hash: serviceHash(e),
    plans: e.plans.map((p) => ({ id: p.id, name: p.name, revision: p.revision, hash: planHash(p), options: Object.fromEntries(Object.entries(p.options).map(([n, o]) => [n, optionHash(o)])) })),
  };
  if (e.options) out.option_files = Object.fromEntries(Object.entries(e.options).map(([n, o]) => [n, optionHash(o)]));
  return out;
}

/** The ledger pairs of a unit's current entries. */
export function ledgerOfUnit(unit: SnapshotUnit): Ledger {
  const ledger: Ledger = { services: {}, plans: {} };
  for (const e of unit.entries) {
    ledger.services[serviceLedgerKey(e.id, e.revision)] = serviceHash(e);
    for (const p of e.plans) ledger.plans[planLedgerKey(e.id, p.id, p.revision)] = planHash(p);
  }
  return ledger;
}

/**
 * Merges ledgers. A pair already recorded keeps its first hash: Marketplace ignores a
 * re-upload of an existing pair, so the first content is what it has.
 */
export function mergeLedgers(...ledgers: (Ledger | undefined)[]): Ledger {
  const out: Ledger = { services: {}, plans: {} };
  for (const l of ledgers) {
    if (!l) continue;
    for (const [k, v] of Object.entries(l.services)) if (!(k in out.services)) out.services[k] = v;
    for (const [k, v] of Object.entries(l.plans)) if (!(k in out.plans)) out.plans[k] = v;
  }
  return out;
}

export interface StateOptions {
  /** Deploy time. */
  at: Date | string;
  /** `build`, `deploy`, or an artifact path (default `build`). */
  source?: string;
  /**
   * The emitted artifacts (`buildProject().tree`: `<SERVICE_NAME>/…` or `<SERVICE_NAME>.zip`),
   * or explicit `{ unit: { path: bytes } }`; hashed per unit.
   */
  artifacts?: Map<string, Uint8Array> | Record<string, Record<string, Uint8Array>>;
  /** The states read before (readDeployedState), to carry the ledger forward. */
  previous?: ReadonlyMap<string, DeployedState>;
  /** Only these SERVICE_NAMEs (default: every unit of the model). */
  only?: readonly string[];
}

function artifactHashes(serviceName: string, artifacts: StateOptions['artifacts']): Record<string, string> {
  const out: Record<string, string> = {};
  if (!artifacts) return out;
  if (artifacts instanceof Map) {
    for (const [path, bytes] of artifacts) {
      const first = path.split('/')[0]!;
      if (first === serviceName || first === `${serviceName}.zip`) out[path] = sha256(bytes);
    }
  } else {
    for (const [path, bytes] of Object.entries(artifacts[serviceName] ?? {})) out[path] = sha256(bytes);
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The deployed state of every unit of a model (or snapshot), ready to write. */
export function stateFromModel(model: ProjectModel | Snapshot, options: StateOptions): DeployedState[] {
  const snapshot = asSnapshot(model);
  const at = typeof options.at === 'string' ? options.at : options.at.toISOString();
  const out: DeployedState[] = [];
  for (const unit of snapshot.units) {
    if (options.only && !options.only.includes(unit.serviceName)) continue;
    const previous = options.previous?.get(unit.serviceName);
    out.push({
      format_version: STATE_FORMAT_VERSION,
      hash_version: HASH_VERSION,
      kind: unit.kind,
      service_name: unit.serviceName,
      deployed_at: at,
      source: options.source ?? 'build',
      entries: unit.entries.map(entryHashes),
      artifacts: artifactHashes(unit.serviceName, options.artifacts),
      ledger: mergeLedgers(previous?.hash_version === HASH_VERSION ? previous.ledger : undefined, ledgerOfUnit(unit)),
      model: unit,
    });
  }
  return out;
}

/** The state file's text: sorted keys, 2-space indentation, trailing newline. */
export function serializeState(state: DeployedState): string {
  return `${JSON.stringify(JSON.parse(canonicalJson(state)), null, 2)}\n`;
}

/** Writes states atomically (temp file + rename, one file per unit). Returns the paths written. */
export function writeDeployedState(rootDir: string, states: DeployedState | readonly DeployedState[]): string[] {
  const list = Array.isArray(states) ? (states as readonly DeployedState[]) : [states as DeployedState];
  const dir = join(rootDir, STATE_DIR);
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const state of list) {
    const file = join(dir, stateFileName(state.service_name));
    const tmp = `${file}.${process.pid}.${Date.now().toString(36)}.tmp`;
    try {
      writeFileSync(tmp, serializeState(state), { mode: 0o644 });
      renameSync(tmp, file);
    } catch (error) {
      rmSync(tmp, { force: true });
      throw error;
    }
    written.push(file);
  }
  return written;
}

// ---------------------------------------------------------------------------------------
// Reading, with a clear error for every way the file can be broken.

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function validate(file: string, value: unknown): DeployedState {
  const fail = (what: string): never => {
    throw new DeployedStateError(file, `${what}. The deployed state is corrupt; restore it from git (git checkout -- <file>) or re-create it with \`vkmp state record\`.`);
  };
  if (!isObject(value)) fail('the root is not an object');
  const v = value as Record<string, unknown>;
  if (v.format_version !== STATE_FORMAT_VERSION) {
    if (typeof v.format_version === 'number' && v.format_version > STATE_FORMAT_VERSION) {
      throw new DeployedStateError(file, `format_version ${v.format_version} was written by a newer vkmp; upgrade vkmp to read it.`);
    }
    fail(`format_version is ${JSON.stringify(v.format_version)}, expected ${STATE_FORMAT_VERSION}`);
  }
  if (typeof v.hash_version !== 'number') fail('hash_version is missing');
  if (v.kind !== 'saas' && v.kind !== 'image-based') fail('kind must be "saas" or "image-based"');
  if (typeof v.service_name !== 'string' || !v.service_name) fail('service_name is missing');
  if (typeof v.deployed_at !== 'string') fail('deployed_at is missing');
  const strMap = (x: unknown, what: string) => {
    if (!isObject(x) || Object.values(x).some((s) => typeof s !== 'string')) fail(`${what} must map strings to strings`);
  };
  if (!isObject(v.ledger)) fail('ledger is missing');
  strMap((v.ledger as Record<string, unknown>).services, 'ledger.services');
  strMap((v.ledger as Record<string, unknown>).plans, 'ledger.plans');
  strMap(v.artifacts ?? {}, 'artifacts');
  const model = v.model;
  if (!isObject(model)) fail('model is missing');
  const m = model as Record<string, unknown>;
  if (m.kind !== v.kind || m.serviceName !== v.service_name) fail('model.kind/model.serviceName do not match kind/service_name');
  if (!Array.isArray(m.entries)) fail('model.entries must be an array');
  (m.entries as unknown[]).forEach((e, i) => {
    if (!isObject(e) || typeof e.id !== 'string' || typeof e.revision !== 'string') fail(`model.entries[${i}] needs string id and revision`);
    const entry = e as Record<string, unknown>;
    if (!Array.isArray(entry.plans)) fail(`model.entries[${i}].plans must be an array`);
    if (typeof entry.full_description !== 'string' || !Array.isArray(entry.preview)) fail(`model.entries[${i}] is incomplete`);
    if (entry.options !== undefined && !isObject(entry.options)) fail(`model.entries[${i}].options must be an object`);
    (entry.plans as unknown[]).forEach((p, j) => {
      const at = `model.entries[${i}].plans[${j}]`;
      if (!isObject(p) || typeof p.id !== 'string' || typeof p.revision !== 'string' || typeof p.name !== 'string') fail(`${at} needs string id, revision and name`);
      const plan = p as Record<string, unknown>;
      if (!isObject(plan.options) || !isObject(plan.billing) || !isObject(plan.display) || !Array.isArray((plan.display as Record<string, unknown>).pages)) fail(`${at} needs options, billing and display.pages`);
      for (const [name, o] of Object.entries(plan.options as Record<string, unknown>)) {
        if (!isObject(o) || !Array.isArray(o.actions) || !isObject(o.schema)) fail(`${at}.options.${name} needs actions and schema`);
      }
      if (plan.terraformResources !== undefined && !(Array.isArray(plan.terraformResources) && plan.terraformResources.every((r) => typeof r === 'string'))) fail(`${at}.terraformResources must be a list of strings`);
      if (plan.deployment !== undefined) strMap(plan.deployment, `${at}.deployment`);
    });
  });
  if (!Array.isArray(v.entries)) fail('entries must be an array');
  return { ...(v as unknown as DeployedState), artifacts: (v.artifacts as Record<string, string> | undefined) ?? {}, source: typeof v.source === 'string' ? v.source : 'unknown' };
}

/** Reads one state file. Throws DeployedStateError when it is unreadable or malformed. */
export function readDeployedStateFile(file: string): DeployedState {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new DeployedStateError(file, `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DeployedStateError(file, `is not valid JSON (${(error as Error).message}). The deployed state is corrupt; restore it from git (git checkout -- <file>) or re-create it with \`vkmp state record\`.`);
  }
  return validate(file, value);
}

/**
 * Every state file under `<rootDir>/.vkmp/deployed/`, by SERVICE_NAME. An absent
 * directory is an empty state. Throws DeployedStateError for a corrupt file.
 */
export function readDeployedState(rootDir: string): Map<string, DeployedState> {
  const dir = join(rootDir, STATE_DIR);
  const out = new Map<string, DeployedState>();
  if (!existsSync(dir)) return out;
  if (!statSync(dir).isDirectory()) throw new DeployedStateError(dir, 'is not a directory');
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.json')) continue;
    const file = join(dir, name);
    const state = readDeployedStateFile(file);
    if (out.has(state.service_name)) throw new DeployedStateError(file, `records service ${JSON.stringify(state.service_name)}, which another state file records too`);
    out.set(state.service_name, state);
  }
  return out;
}

/** Seeds the stored hashes on the model's nodes, so the diff never recomputes them. */
function seedStoredHashes(state: DeployedState): void {
  if (state.hash_version !== HASH_VERSION || !Array.isArray(state.entries)) return;
  for (const e of state.model.entries) {
    const stored = state.entries.find((x) => x && x.id === e.id && x.revision === e.revision);
    if (!stored) continue;
    if (typeof stored.hash === 'string') seedHash(e, stored.hash);
    for (const p of e.plans) {
      const sp = Array.isArray(stored.plans) ? stored.plans.find((x) => x && x.id === p.id && x.revision === p.revision) : undefined;
      if (sp && typeof sp.hash === 'string') seedHash(p, sp.hash);
    }
  }
}

/** The deployed state as a snapshot (the default baseline of `vkmp diff`). */
export function snapshotFromStates(states: ReadonlyMap<string, DeployedState> | readonly DeployedState[]): Snapshot {
  const list = states instanceof Map ? [...states.values()] : (states as readonly DeployedState[]);
  for (const s of list) seedStoredHashes(s);
  return { units: list.map((s) => s.model) };
}

/** The ledger of every recorded (id, revision), including the current entries. */
export function ledgerFromStates(states: ReadonlyMap<string, DeployedState> | readonly DeployedState[]): Ledger {
  const list = states instanceof Map ? [...states.values()] : (states as readonly DeployedState[]);
  for (const s of list) seedStoredHashes(s);
  return mergeLedgers(...list.map((s) => (s.hash_version === HASH_VERSION ? s.ledger : undefined)), ...list.map((s) => ledgerOfUnit(s.model)));
}
