import type { Secret } from '../secret.js';
import type { InstanceLogEntry, TestObjectStatus, UsageRecord } from '../types.js';

/** A plan of an accepted package, as the validator reports it. */
export interface VerdictPlan {
  /** Plan UUID (`plan.yaml` `id`). */
  id: string;
  /** Plan revision. */
  revision: string;
  /** Plan technical name (directory name). */
  name: string;
}

/**
 * What a package validator returns for an uploaded zip.
 *
 * - `{ ok: true, service }`: the package is valid. `service` identifies it for the revision
 *   semantics of SPEC §E (`id` + `revision`), and `postpaidOptions` lists the option names with
 *   `actions: [resource_usages]`, which the emulator uses to accept or reject `param` in usage
 *   pushes (API-012, BILL-018).
 * - `{ ok: false, diagnostics }`: the package is invalid; the emulator answers HTTP 400 with the
 *   JSON body `{"diagnostics": [...]}`, passing the array through unchanged (the CLI plugs in the
 *   `@vkmp/core` validator, whose diagnostics have `{code, severity, message, file, range, …}`).
 */
export type PackageVerdict =
  | {
      ok: true;
      service: {
        id: string;
        revision: string;
        name: string;
        plans: VerdictPlan[];
        postpaidOptions: string[];
      };
    }
  | { ok: false; diagnostics: unknown[] };

/**
 * Validates one uploaded zip. `zipPath` is a complete temporary file that exists only until the
 * returned promise settles; read it, do not keep the path. A thrown error becomes HTTP 500.
 */
export type PackageValidator = (zipPath: string) => Promise<PackageVerdict>;

/**
 * Failures the emulator injects into the next API requests (never into `/__emulator/*` routes).
 * Setting faults replaces the previous set; omitted fields are 0 / unset.
 */
export interface EmulatorFaults {
  /** Wait this long before handling every API request (stays until faults are reset). */
  delayMs?: number;
  /** Answer the next N API requests with `failStatus` (default 500) after reading their body. */
  fail5xxCount?: number;
  /** Status used by `fail5xxCount` (e.g. 500, 503 or 429); default 500. */
  failStatus?: number;
  /** `Retry-After` header value sent with injected failures (seconds or an HTTP date). */
  retryAfter?: string;
  /** Close the socket mid-request for the next N API requests (after the first body bytes arrive). */
  dropConnectionCount?: number;
}

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Bind address; only loopback addresses are accepted (default `127.0.0.1`). */
  host?: string;
  /** Directory for the state file, stored packages and manifests (created if missing; one running emulator per directory). */
  dataDir: string;
  /** Accepted service keys (`x-service-token` on upload and archive). */
  serviceTokens: Array<string | Secret>;
  /** Accepted usage keys (`x-service-token` on `POST /usages` only). */
  usageTokens: Array<string | Secret>;
  /** Accepted Keystone tokens (`x-auth-token` on `/hoe/*` and `/logs/*`). */
  authTokens: Array<string | Secret>;
  /**
   * Package validator. Without it the emulator runs its own minimal check (a readable zip with a
   * `<SERVICE_NAME>/service.yaml` giving id, revision and name; see `minimalValidatePackage`).
   */
  validatePackage?: PackageValidator;
  /** Time a test object spends in `applying` (and before `deleted`), in ms; default 200. */
  testObjectTransitionMs?: number;
  /** `conf_name` reported on test objects (default `vendor@emulator.local`). */
  userName?: string;
  /** `pid` reported on test objects (default a fixed fake project ID). */
  projectId?: string;
}

/** One line of the upload log. */
export interface UploadLogEntry {
  /** Upload ID (`u-000001`, …), also sent as `x-emulator-upload-id`. */
  id: string;
  /** When the upload finished (RFC 3339). */
  at: string;
  /** HTTP status answered. */
  status: number;
  /**
   * - `accepted`: a new `(id, revision)` stored;
   * - `ignored`: the pair already existed, answered 204 but nothing updated (SPEC §E);
   * - `rejected`: the validator said no (400 with diagnostics);
   * - `too-large`: over 30 MB (400, API-004);
   * - `malformed`: not multipart, or no `upload` part (400).
   */
  outcome: 'accepted' | 'ignored' | 'rejected' | 'too-large' | 'malformed';
  /** `true` exactly when `outcome` is `ignored`. */
  ignored: boolean;
  /** File name given in the multipart part. */
  filename?: string;
  /** Bytes of the zip received (up to the limit). */
  size: number;
  /** SHA-256 (hex) of the complete zip, when it was received whole. */
  sha256?: string;
  /** Stored package path relative to `dataDir` (accepted and ignored uploads). */
  packageFile?: string;
  /** Service identity reported by the validator. */
  service?: { id: string; revision: string; name: string };
  /** Validator diagnostics or the reason for a 400. */
  diagnostics?: unknown[];
}

/** A service revision known to the emulator. */
export interface ServiceRecord {
  /** Service UUID. */
  id: string;
  /** Revision. */
  revision: string;
  /** Service name. */
  name: string;
  /** Plans of this revision. */
  plans: VerdictPlan[];
  /** Postpaid option names (accepted as usage `param`). */
  postpaidOptions: string[];
  /** SHA-256 of the package that created it. */
  sha256: string;
  /** Upload log ID that created it. */
  uploadId: string;
  /** When it was created. */
  uploadedAt: string;
  /** Whether it has been archived. */
  archived: boolean;
  /** When it was archived. */
  archivedAt?: string;
}

/** One archive operation on one revision. */
export interface ArchiveRecord {
  /** Service UUID. */
  id: string;
  /** Revision. */
  revision: string;
  /** When. */
  at: string;
}

/** One accepted usage push. */
export interface UsageBatchRecord {
  /** When it was received. */
  at: string;
  /** `broker_id` as sent. */
  broker_id?: string;
  /** `base_date` as sent. */
  base_date?: string;
  /** The metrics. */
  usages: UsageRecord[];
}

/** One stored version of a manifest. */
export interface ManifestVersion {
  /** 1-based version number. */
  version: number;
  /** SHA-256 of the text (file `manifests/<sha256>.tf` under `dataDir`). */
  sha256: string;
  /** Size in bytes. */
  size: number;
  /** When it was posted. */
  at: string;
}

/** A manifest and all its versions (the last one is current). */
export interface ManifestRecord {
  /** Manifest name. */
  name: string;
  /** Versions, oldest first. */
  versions: ManifestVersion[];
}

/** A deployment-system test object. */
export interface TestObjectRecord {
  /** The status object exactly as `GET /hoe/object/<uuid>` returns it. */
  status: TestObjectStatus;
  /** Manifest name it was created from. */
  config: string;
  /** Manifest version it was created from. */
  manifestVersion: number;
  /** Number of `resource` blocks in that manifest version (used in the log lines). */
  resources: number;
  /** Epoch ms at which the pending transition happens, if one is pending. */
  transitionAt?: number;
  /** Log lines, as `GET /logs/instance/<uuid>` returns them. */
  logs: InstanceLogEntry[];
}

/** Everything the emulator persists in `dataDir/state.json`. */
export interface EmulatorState {
  /** State file format. */
  format_version: 1;
  /** Upload log, oldest first. */
  uploads: UploadLogEntry[];
  /** Known service revisions. */
  services: ServiceRecord[];
  /** Archive operations. */
  archived: ArchiveRecord[];
  /** Accepted usage pushes. */
  usages: UsageBatchRecord[];
  /** Manifests. */
  manifests: ManifestRecord[];
  /** Test objects. */
  objects: TestObjectRecord[];
}

/** Request counters since start (not persisted). */
export interface EmulatorStats {
  /** API requests received (excluding `/__emulator/*`). */
  requests: number;
  /** API requests per `METHOD route`, e.g. `POST /product`. */
  byRoute: Record<string, number>;
  /** Injected 5xx answers. */
  failedInjected: number;
  /** Injected dropped connections. */
  droppedInjected: number;
}

/** What `GET /__emulator/state` returns. */
export interface EmulatorStateView extends EmulatorState {
  /** Currently armed faults. */
  faults: EmulatorFaults;
  /** Request counters since start. */
  stats: EmulatorStats;
}

/** A running emulator. */
export interface EmulatorHandle {
  /** Server origin, e.g. `http://127.0.0.1:43123`. */
  url: string;
  /** Infra API prefix to give the client as `baseUrl`. */
  baseUrl: string;
  /** Bound port. */
  port: number;
  /** Replaces the armed faults. */
  setFaults(faults: EmulatorFaults): void;
  /** Snapshot of the state (same as `GET /__emulator/state`). */
  state(): EmulatorStateView;
  /** Stops accepting requests, closes connections and flushes the state file. */
  close(): Promise<void>;
}
