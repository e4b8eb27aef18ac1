import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { request, type Dispatcher } from 'undici';
import { InfraApiError, truncateBody, type InfraApiErrorKind } from './errors.js';
import { buildMultipart, PackageChangedError, type UploadProgress, type ZipSource } from './multipart.js';
import { DEFAULT_RETRY_POLICY, backoffDelay, parseRetryAfter, sleep, type RetryPolicy } from './retry.js';
import { MissingSecretError, REDACTED, Secret, TOKEN_ENV, redact, type TokenKind } from './secret.js';
import {
  API_PREFIX,
  DEFAULT_HOST,
  MAX_PACKAGE_BYTES,
  UUID_RE,
  validateUsageReport,
  type InstanceLogEntry,
  type ServiceRevisionRef,
  type TestObjectSpec,
  type TestObjectStatus,
  type UsageReport,
} from './types.js';

/** Options of {@link InfraApiClient}. Every field is optional. */
export interface InfraApiClientOptions {
  /**
   * Cloud host, without scheme (API-006); default `cloud.vk.ru`. A scheme (`https://`) and a
   * trailing slash are stripped. Ignored when `baseUrl` is set.
   */
  host?: string;
  /**
   * Full API prefix, overriding `host`; for the emulator:
   * `http://127.0.0.1:PORT/marketplace/api/infra-api/api/v1-public`.
   */
  baseUrl?: string;
  /** Service key for upload and archive; default: environment variable `VKMP_SERVICE_TOKEN`. */
  serviceToken?: Secret | string;
  /** Usage key for `POST /usages`; default: environment variable `VKMP_USAGE_TOKEN`. */
  usageToken?: Secret | string;
  /** Keystone API token for the deployment-system test API and logs; default: `VKMP_AUTH_TOKEN`. */
  authToken?: Secret | string;
  /** Environment used for tokens not passed explicitly; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Time limit of one attempt of an ordinary request, in ms (default 60 000). */
  timeoutMs?: number;
  /** Time limit of one upload attempt, in ms (default 600 000). */
  uploadTimeoutMs?: number;
  /** Retries after the first attempt for transient failures (default 3). */
  retries?: number;
  /** Backoff base in ms (default 500). */
  retryBaseDelayMs?: number;
  /** Backoff ceiling for one wait in ms (default 10 000). */
  retryMaxDelayMs?: number;
  /** Ceiling for a server's `Retry-After` in ms (default 60 000). */
  maxRetryAfterMs?: number;
  /** Random source for the jitter, in [0, 1) (default `Math.random`). */
  random?: () => number;
  /** undici dispatcher (Agent, Pool, ProxyAgent, MockAgent…); default: undici's global dispatcher. */
  dispatcher?: Dispatcher;
  /** Called before each wait between attempts, e.g. to print "retrying in 1.2 s (HTTP 500)". */
  onRetry?: (info: RetryInfo) => void;
  /** `user-agent` header (default `vkmp-infra-api`). */
  userAgent?: string;
}

/** What {@link InfraApiClientOptions.onRetry} receives. Contains no secrets. */
export interface RetryInfo {
  /** HTTP method. */
  method: string;
  /** API path relative to the prefix, e.g. `/product`. */
  path: string;
  /** The attempt that just failed (1-based). */
  attempt: number;
  /** Total attempts allowed. */
  maxAttempts: number;
  /** Wait before the next attempt, in ms. */
  delayMs: number;
  /** Short cause, e.g. `HTTP 500`, `connection reset (ECONNRESET)`, `timeout after 60 s`. */
  reason: string;
  /** Failure category. */
  kind: InfraApiErrorKind;
  /** HTTP status, if a response was received. */
  status?: number;
  /** Whether the wait comes from the server's `Retry-After`. */
  fromRetryAfter: boolean;
}

/**
 * One-line human description of a retry, for CLI output: `retrying in 1.2 s (HTTP 500)`.
 *
 * @param info - what `onRetry` received
 */
export function describeRetry(info: RetryInfo): string {
  const wait = info.delayMs < 1000 ? `${Math.round(info.delayMs)} ms` : `${(info.delayMs / 1000).toFixed(1)} s`;
  return `retrying in ${wait} (${info.reason}${info.fromRetryAfter ? ', Retry-After' : ''}; attempt ${info.attempt + 1} of ${info.maxAttempts})`;
}

/** Per-call overrides accepted by every client method. */
export interface CallOptions {
  /** Cancels the call (including waits between retries). */
  signal?: AbortSignal;
  /** Overrides the client's `retries` for this call (0 = single attempt). */
  retries?: number;
  /** Overrides the per-attempt time limit for this call, in ms. */
  timeoutMs?: number;
}

/** Options of {@link InfraApiClient.uploadProduct}. */
export interface UploadOptions extends CallOptions {
  /** Called as bytes are handed to the connection; restarts from 0 on every retry. */
  onProgress?: (progress: UploadProgress) => void;
  /** File name in the multipart part (default: the file's base name, or `package.zip`). */
  filename?: string;
}

/** The zip to upload: a path (streamed from disk) or bytes already in memory. */
export type PackageInput = { path: string } | { bytes: Uint8Array };

/** Common result of calls whose response carries no data. */
export interface ApiResult {
  /** HTTP status received (the documented success code). */
  status: number;
  /** Attempts made (1 = no retry). */
  attempts: number;
}

/** Result of {@link InfraApiClient.uploadProduct}. */
export interface UploadResult extends ApiResult {
  /** Always 204: the only success code for uploads (API-005). */
  status: 204;
  /** Zip size in bytes. */
  sizeBytes: number;
  /** SHA-256 (hex) of the bytes that were sent in the successful attempt. */
  sha256: string;
  /**
   * Only when talking to the vkmp emulator: whether the revision was stored (`accepted`) or
   * silently ignored because the `(id, revision)` pair already existed (`ignored`, SPEC §E).
   * The real API answers 204 in both cases (H-26), so this is `undefined` there.
   */
  emulatorOutcome?: 'accepted' | 'ignored';
  /** Only when talking to the emulator: the upload log entry ID. */
  emulatorUploadId?: string;
}

/** Result of {@link InfraApiClient.pushUsages}. */
export interface UsagePushResult extends ApiResult {
  /** Always 200 (API-013). */
  status: 200;
  /** Parsed JSON response body, if any (undocumented by the API). */
  body: unknown;
}

const TOKEN_HEADER: Record<TokenKind, string> = {
  service: 'x-service-token',
  usage: 'x-service-token',
  auth: 'x-auth-token',
};

const TOKEN_LABEL: Record<TokenKind, string> = {
  service: 'service key',
  usage: 'usage key',
  auth: 'Keystone API token',
};

const TOKEN_OPTION: Record<TokenKind, string> = {
  service: 'serviceToken',
  usage: 'usageToken',
  auth: 'authToken',
};

/** Response bytes kept from an error response (the rest is discarded). */
const ERROR_BODY_READ_CAP = 64 * 1024;
/** Largest successful response body accepted (logs can be long). */
const SUCCESS_BODY_CAP = 64 * 1024 * 1024;

const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

interface PreparedBody {
  body: string | AsyncIterable<Uint8Array>;
  headers: Record<string, string>;
  close?: () => void;
}

interface Call<T> {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  token: TokenKind;
  expect: number;
  timeoutMs: number;
  opts: CallOptions | undefined;
  accept?: string;
  body?: (attempt: number) => PreparedBody;
  read: (res: Dispatcher.ResponseData) => Promise<T>;
  notFound?: string;
}

interface Failure {
  kind: InfraApiErrorKind;
  message: string;
  reason: string;
  retryable: boolean;
  status?: number;
  body?: string;
  code?: string;
  diagnostics?: unknown[];
  retryAfterMs?: number;
}

class CancelledError extends Error {}

/** Normalises `host` (API-006): drops a scheme and trailing slash; rejects paths and blanks. */
export function normalizeHost(host: string): string {
  const trimmed = host.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/+$/, '');
  if (trimmed === '' || /[/?#@\s]/.test(trimmed)) {
    throw new TypeError(`invalid Infra API host "${host}": give a host name such as cloud.vk.ru`);
  }
  return trimmed;
}

/**
 * Builds the Infra API prefix URL (`IAPI`, SPEC §D.1) for a host, or validates an explicit base URL.
 *
 * @param opts - `baseUrl` wins over `host`; `host` defaults to `cloud.vk.ru`
 */
export function resolveBaseUrl(opts: { host?: string; baseUrl?: string }): string {
  if (opts.baseUrl !== undefined) {
    const u = new URL(opts.baseUrl);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new TypeError(`baseUrl must be http(s): ${opts.baseUrl}`);
    return u.toString().replace(/\/+$/, '');
  }
  return `https://${normalizeHost(opts.host ?? DEFAULT_HOST)}${API_PREFIX}`;
}

function oneLine(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

function errorCode(err: unknown): string | undefined {
  let cur: unknown = err;
  for (let depth = 0; depth < 5 && cur !== null && typeof cur === 'object'; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

function findPackageChanged(err: unknown): PackageChangedError | undefined {
  let cur: unknown = err;
  for (let depth = 0; depth < 5 && cur !== null && typeof cur === 'object'; depth++) {
    if (cur instanceof PackageChangedError) return cur;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

function formatMb(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MB`;
}

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Number((ms / 1000).toFixed(1))} s`;
}

async function readCapped(body: Dispatcher.ResponseData['body'], cap: number): Promise<{ text: string; capped: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let capped = false;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    if (size + chunk.byteLength > cap) {
      chunks.push(chunk.subarray(0, cap - size));
      size = cap;
      capped = true;
      break;
    }
    chunks.push(chunk);
    size += chunk.byteLength;
  }
  return { text: Buffer.concat(chunks).toString('utf8'), capped };
}

/**
 * Typed client for the VK Cloud Marketplace Infra API (SPEC §D): package upload and archive,
 * usage push, the deployment-system test API and instance logs.
 *
 * - Transient failures (connection refused/reset/closed mid-request, HTTP 5xx and 429, time-outs)
 *   are retried with exponential backoff and full jitter, honouring `Retry-After`; 400, 401 and
 *   404 never are. Uploads re-open the file for every attempt.
 * - Every failure is an {@link InfraApiError} with a one-line message; tokens are wrapped in
 *   {@link Secret} and removed from every message and echoed body.
 *
 * @example
 * ```ts
 * const api = new InfraApiClient({ serviceToken: Secret.fromEnv('VKMP_SERVICE_TOKEN'),
 *   onRetry: (r) => console.error(`retrying in ${(r.delayMs / 1000).toFixed(1)} s (${r.reason})`) });
 * await api.uploadProduct({ path: 'dist/my_service.zip' }, { onProgress: (p) => bar.update(p.sentBytes) });
 * ```
 */
export class InfraApiClient {
  /** The Infra API prefix every path is appended to. */
  readonly baseUrl: string;
  readonly #origin: string;
  readonly #tokens: Partial<Record<TokenKind, Secret>>;
  readonly #env: NodeJS.ProcessEnv;
  readonly #timeoutMs: number;
  readonly #uploadTimeoutMs: number;
  readonly #policy: RetryPolicy;
  readonly #dispatcher: Dispatcher | undefined;
  readonly #onRetry: ((info: RetryInfo) => void) | undefined;
  readonly #userAgent: string;

  /** @param options - host or base URL, tokens, time limits, retry policy, dispatcher */
  constructor(options: InfraApiClientOptions = {}) {
    this.baseUrl = resolveBaseUrl(options);
    this.#origin = new URL(this.baseUrl).host;
    this.#tokens = {};
    if (options.serviceToken !== undefined) this.#tokens.service = Secret.from(options.serviceToken, 'the serviceToken option');
    if (options.usageToken !== undefined) this.#tokens.usage = Secret.from(options.usageToken, 'the usageToken option');
    if (options.authToken !== undefined) this.#tokens.auth = Secret.from(options.authToken, 'the authToken option');
    this.#env = options.env ?? process.env;
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#uploadTimeoutMs = options.uploadTimeoutMs ?? 600_000;
    this.#policy = {
      retries: Math.max(0, Math.floor(options.retries ?? DEFAULT_RETRY_POLICY.retries)),
      baseDelayMs: options.retryBaseDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs,
      maxDelayMs: options.retryMaxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
      maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULT_RETRY_POLICY.maxRetryAfterMs,
      random: options.random ?? DEFAULT_RETRY_POLICY.random,
    };
    this.#dispatcher = options.dispatcher;
    this.#onRetry = options.onRetry;
    this.#userAgent = options.userAgent ?? 'vkmp-infra-api';
  }

  /**
   * Uploads an image-based service package: `POST /product`, `multipart/form-data` with the zip
   * in the part `upload`, header `x-service-token` (API-001..003). Only HTTP 204 is success (API-005).
   *
   * A zip larger than 30 MB (31 457 280 bytes) is refused before any request (API-004) with
   * kind `too-large`. Files are streamed from disk and re-opened for each retry. Note that the
   * real API also answers 204 when the `(id, revision)` already exists and ignores the package
   * (SPEC §E, H-26); against the emulator, `emulatorOutcome` tells which happened.
   *
   * @param zip - `{ path }` to stream a file, or `{ bytes }`
   * @param options - `onProgress`, `filename`, and per-call overrides
   * @throws {@link InfraApiError}
   */
  async uploadProduct(zip: PackageInput, options: UploadOptions = {}): Promise<UploadResult> {
    const path = '/product';
    let source: ZipSource;
    if ('path' in zip) {
      let info;
      try {
        info = await stat(zip.path);
      } catch (err) {
        throw this.#error({
          kind: 'rejected',
          message: `cannot read package ${zip.path}: ${errorCode(err) ?? 'unreadable'}`,
          method: 'POST',
          path,
        });
      }
      if (!info.isFile()) throw this.#error({ kind: 'rejected', message: `package ${zip.path} is not a file`, method: 'POST', path });
      source = { path: zip.path, size: info.size, filename: options.filename ?? basename(zip.path) };
    } else {
      source = { bytes: zip.bytes, filename: options.filename ?? 'package.zip' };
    }
    const size = 'bytes' in source ? source.bytes.byteLength : source.size;
    if (size > MAX_PACKAGE_BYTES) {
      throw this.#error({
        kind: 'too-large',
        message:
          `package ${source.filename} is ${formatMb(size)} (${size} bytes); the Marketplace accepts at most 30 MB ` +
          `(${MAX_PACKAGE_BYTES} bytes), so it was not sent (API-004)`,
        method: 'POST',
        path,
      });
    }
    if (size === 0) throw this.#error({ kind: 'rejected', message: `package ${source.filename} is empty`, method: 'POST', path });

    let lastSha: string | undefined;
    const { value, attempts } = await this.#send<{ outcome?: string; id?: string }>({
      method: 'POST',
      path,
      token: 'service',
      expect: 204,
      timeoutMs: options.timeoutMs ?? this.#uploadTimeoutMs,
      opts: options,
      body: (attempt) => {
        const mp = buildMultipart(source, 'upload', attempt, options.onProgress);
        return {
          body: (async function* () {
            yield* mp.stream;
            lastSha = mp.sha256();
          })(),
          headers: { 'content-type': mp.contentType, 'content-length': String(mp.length) },
          close: () => mp.close(),
        };
      },
      read: async (res) => {
        await res.body.dump();
        const outcome = res.headers['x-emulator-upload-outcome'];
        const id = res.headers['x-emulator-upload-id'];
        return {
          outcome: typeof outcome === 'string' ? outcome : undefined,
          id: typeof id === 'string' ? id : undefined,
        };
      },
    });
    const result: UploadResult = { status: 204, attempts, sizeBytes: size, sha256: lastSha ?? '' };
    if (value.outcome === 'accepted' || value.outcome === 'ignored') result.emulatorOutcome = value.outcome;
    if (value.id !== undefined) result.emulatorUploadId = value.id;
    return result;
  }

  /**
   * Archives image-based service revisions: `POST /product/archive` with
   * `{"services":[{id, revision}]}` and the service key; 204 is success (API-007).
   * Only revisions in a test namespace can be archived; an unknown pair is `not-found` (HTTP 404).
   *
   * @param services - the `(id, revision)` pairs to archive (at least one)
   * @param options - per-call overrides
   * @throws {@link InfraApiError}
   */
  async archive(services: ServiceRevisionRef[], options?: CallOptions): Promise<ApiResult> {
    const path = '/product/archive';
    const problems: string[] = [];
    if (!Array.isArray(services) || services.length === 0) problems.push('give at least one {id, revision} to archive');
    else {
      services.forEach((s, i) => {
        if (!s || typeof s.id !== 'string' || s.id === '') problems.push(`services[${i}].id must be the service UUID`);
        if (!s || typeof s.revision !== 'string' || s.revision === '') problems.push(`services[${i}].revision must be a non-empty string`);
      });
    }
    if (problems.length > 0) throw this.#invalid('POST', path, 'archive request', problems);
    const payload = JSON.stringify({ services: services.map((s) => ({ id: s.id, revision: s.revision })) });
    const { attempts } = await this.#send({
      method: 'POST',
      path,
      token: 'service',
      expect: 204,
      timeoutMs: options?.timeoutMs ?? this.#timeoutMs,
      opts: options,
      body: () => ({ body: payload, headers: { 'content-type': 'application/json' } }),
      read: async (res) => {
        await res.body.dump();
      },
      notFound: `service revision not found: ${services.map((s) => `${s.id}@${s.revision}`).join(', ')}`,
    });
    return { status: 204, attempts };
  }

  /**
   * Pushes postpaid usage metrics: `POST /usages` with the **usage** key (API-008; the upload key
   * is rejected). The body is checked first (API-009, API-010, H-28) and refused with kind
   * `rejected` and `problems` if malformed. Only 200 is success (API-013).
   *
   * Retries follow the client policy. The API does not document whether a repeated push is
   * de-duplicated (H-28); pass `{ retries: 0 }` to never risk a duplicate after a 5xx or a broken
   * connection.
   *
   * @param report - `{ broker_id?, base_date?, usages: [{ instance_uuid, param, value }] }`
   * @param options - per-call overrides
   * @throws {@link InfraApiError}
   */
  async pushUsages(report: UsageReport, options?: CallOptions): Promise<UsagePushResult> {
    const path = '/usages';
    const problems = validateUsageReport(report);
    if (problems.length > 0) throw this.#invalid('POST', path, 'usage report', problems);
    const payload = JSON.stringify(report);
    const { value, attempts } = await this.#send<unknown>({
      method: 'POST',
      path,
      token: 'usage',
      expect: 200,
      timeoutMs: options?.timeoutMs ?? this.#timeoutMs,
      opts: options,
      body: () => ({ body: payload, headers: { 'content-type': 'application/json' } }),
      read: async (res) => {
        const { text } = await readCapped(res.body, SUCCESS_BODY_CAP);
        if (text.trim() === '') return undefined;
        try {
          return JSON.parse(text) as unknown;
        } catch {
          return text;
        }
      },
    });
    return { status: 200, attempts, body: value };
  }

  /**
   * Uploads or updates a Terraform manifest in the deployment system:
   * `POST /hoe/config/<name>` with the raw `.tf` text and `x-auth-token`; 201 is success (SPEC §D.8).
   * Re-posting a name updates it; the deployment system keeps the previous versions.
   *
   * @param name - manifest name, e.g. `test_1.0`
   * @param tfText - the manifest text (`deploy.tf`, plus any extra provider resources)
   * @param options - per-call overrides
   * @throws {@link InfraApiError}
   */
  async putManifest(name: string, tfText: string, options?: CallOptions): Promise<ApiResult> {
    const path = `/hoe/config/${this.#segment(name, 'manifest name')}`;
    if (typeof tfText !== 'string' || tfText.trim() === '') throw this.#invalid('POST', path, 'manifest', ['the manifest text is empty']);
    const { attempts } = await this.#send({
      method: 'POST',
      path,
      token: 'auth',
      expect: 201,
      timeoutMs: options?.timeoutMs ?? this.#timeoutMs,
      opts: options,
      // The documented call is `curl --data-binary @deploy.tf`, which sends this content type;
      // mirror it so the request is exactly the one the docs show working.
      body: () => ({ body: tfText, headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
      read: async (res) => {
        await res.body.dump();
      },
    });
    return { status: 201, attempts };
  }

  /**
   * Reads the current configuration of a manifest: `GET /hoe/config/<name>`; 200 (SPEC §D.8).
   * The response format is undocumented, so the raw body text is returned.
   *
   * @param name - manifest name
   * @param options - per-call overrides
   * @throws {@link InfraApiError} (`not-found` when the manifest does not exist)
   */
  async getManifest(name: string, options?: CallOptions): Promise<string> {
    const path = `/hoe/config/${this.#segment(name, 'manifest name')}`;
    const { value } = await this.#send({
      method: 'GET',
      path,
      token: 'auth',
      expect: 200,
      timeoutMs: options?.timeoutMs ?? this.#timeoutMs,
      opts: options,
      read: async (res) => (await readCapped(res.body, SUCCESS_BODY_CAP)).text,
      notFound: `manifest "${name}" not found`,
    });
    return value;
  }

  /**
   * Creates a test instance from an uploaded manifest: `POST /hoe/object` with
   * `{uuid, config, vars}`; 201 is success (SPEC §D.8). Poll {@link InfraApiClient.getTestObject}.
   *
   * @param spec - object UUID (UUID4), manifest name and external variables
   * @param options - per-call overrides
   * @throws {@link InfraApiError}
   */
  async createTestObject(spec: TestObjectSpec, options?: CallOptions): Promise<ApiResult> {
    const path = '/hoe/object';
    const problems: string[] = [];
    if (typeof spec?.uuid !== 'string' || !UUID_RE.test(spec.uuid)) problems.push('uuid must be a UUID4 string');
    if (typeof spec?.config !== 'string' || spec.config === '') problems.push('config must be the manifest name');
    if (spec?.vars === null || typeof spec?.vars !== 'object' || Array.isArray(spec.vars)) problems.push('vars must be an object of external variables');
    if (problems.length > 0) throw this.#invalid('POST', path, 'test object', problems);
    const payload = JSON.stringify({ uuid: spec.uuid, config: spec.config, vars: spec.vars });
    const { attempts } = await this.#send({
      method: 'POST',
      path,
      token: 'auth',
      expect: 201,
      timeoutMs: options?.timeoutMs ?? this.#timeoutMs,
      opts: options,
      body: () => ({ body: payload, headers: { 'content-type': 'application/json' } }),
      read: async (res) => {
        await res.body.dump();
      },
    });
    return { status: 201, attempts };
  }

  /**
   * Reads a test object's status: `GET /hoe/object/<uuid>`; 200 (SPEC §D.8).
   *
   * @param uuid - object UUID
   * @param options - per-call overrides
   * @throws {@link InfraApiError} (`not-found` for an unknown UUID)
   */
  async getTestObject(uuid: string, options?: CallOptions): Promise<TestObjectStatus> {
    const path = `/hoe/object/${this.#segment(uuid, 'object UUID')}`;
    const { value } = await this.#send({
      method: 'GET',
      path,
      token: 'auth',
      expect: 200,
      timeoutMs: options?.timeoutMs ?? this.#timeoutMs,
      opts: options,
      read: async (res) => {
        const json = await this.#readJson(res, 'GET', path);
        const o = json as Partial<TestObjectStatus> | null;
        if (o === null || typeof o !== 'object' || Array.isArray(o) || typeof o.uuid !== 'string' || typeof o.status !== 'string') {
          throw this.#unexpected('GET', path, 'expected a status object with uuid and status');
        }
        return o as TestObjectStatus;
      },
      notFound: `test object ${uuid} not found`,
    });
    return value;
  }

  /**
   * Deletes a test object: `DELETE /hoe/object/<uuid>`; 201 is success (SPEC §D.8).
   * The object's status then moves to `deleted`.
   *
   * @param uuid - object UUID
   * @param options - per-call overrides
   * @throws {@link InfraApiError} (`not-found` for an unknown UUID)
   */
  async deleteTestObject(uuid: string, options?: CallOptions): Promise<ApiResult> {
    const path = `/hoe/object/${this.#segment(uuid, 'object UUID')}`;
    const { attempts } = await this.#send({
      method: 'DELETE',
      path,
      token: 'auth',
      expect: 201,
      timeoutMs: options?.timeoutMs ?? this.#timeoutMs,
      opts: options,
      read: async (res) => {
        await res.body.dump();
      },
      notFound: `test object ${uuid} not found`,
    });
    return { status: 201, attempts };
  }

  /**
   * Reads the deployment-system log of a test object: `GET /logs/instance/<uuid>` with
   * `x-auth-token`; 200 with `[{message, src, level, created_at, uuid, broker_id}]` (SPEC §D.7).
   *
   * @param objectUuid - object UUID
   * @param options - per-call overrides
   * @throws {@link InfraApiError} (`not-found` for an unknown UUID)
   */
  async instanceLogs(objectUuid: string, options?: CallOptions): Promise<InstanceLogEntry[]> {
    const path = `/logs/instance/${this.#segment(objectUuid, 'object UUID')}`;
    const { value } = await this.#send({
      method: 'GET',
      path,
      token: 'auth',
      expect: 200,
      timeoutMs: options?.timeoutMs ?? this.#timeoutMs,
      opts: options,
      read: async (res) => {
        const json = await this.#readJson(res, 'GET', path);
        if (!Array.isArray(json)) throw this.#unexpected('GET', path, 'expected a JSON array of log entries');
        return json.map((e: unknown): InstanceLogEntry => {
          const r = (e ?? {}) as Record<string, unknown>;
          const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
          return {
            message: str(r.message),
            src: str(r.src),
            level: str(r.level),
            created_at: str(r.created_at),
            uuid: str(r.uuid),
            broker_id: str(r.broker_id),
          };
        });
      },
      notFound: `no logs: object ${objectUuid} not found`,
    });
    return value;
  }

  /** Never prints tokens. */
  toJSON(): Record<string, unknown> {
    return { baseUrl: this.baseUrl };
  }

  // ---------------------------------------------------------------------------------------------

  #segment(value: string, what: string): string {
    if (typeof value !== 'string' || value === '' || value === '.' || value === '..') {
      throw this.#error({ kind: 'rejected', message: `invalid ${what}: must be a non-empty string` });
    }
    return encodeURIComponent(value);
  }

  #secret(kind: TokenKind): Secret {
    const explicit = this.#tokens[kind];
    if (explicit) return explicit;
    try {
      const s = Secret.fromEnv(TOKEN_ENV[kind], this.#env);
      this.#tokens[kind] = s;
      return s;
    } catch (err) {
      if (err instanceof MissingSecretError) {
        throw this.#error({
          kind: 'auth',
          message: `no ${TOKEN_LABEL[kind]} configured: set ${TOKEN_ENV[kind]} or pass the ${TOKEN_OPTION[kind]} option`,
        });
      }
      throw err;
    }
  }

  #knownSecrets(): Secret[] {
    const out: Secret[] = [];
    for (const kind of ['service', 'usage', 'auth'] as const) {
      const explicit = this.#tokens[kind];
      if (explicit) out.push(explicit);
      else {
        const raw = this.#env[TOKEN_ENV[kind]];
        if (raw !== undefined && raw.trim() !== '') out.push(new Secret(raw, TOKEN_ENV[kind]));
      }
    }
    return out;
  }

  #redact(text: string): string {
    return redact(text, this.#knownSecrets());
  }

  /** Redacts a (possibly capped) body and drops a trailing partial token cut by the cap. */
  #cleanBody(text: string, capped: boolean): string {
    let out = this.#redact(text);
    if (capped) {
      for (const s of this.#knownSecrets()) {
        const v = s.reveal();
        for (let k = Math.min(v.length - 1, out.length); k >= 1; k--) {
          if (out.endsWith(v.slice(0, k))) {
            out = `${out.slice(0, out.length - k)}${REDACTED}`;
            break;
          }
        }
      }
    }
    return truncateBody(out);
  }

  #error(init: ConstructorParameters<typeof InfraApiError>[0]): InfraApiError {
    return new InfraApiError({ ...init, message: this.#redact(init.message), body: init.body === undefined ? undefined : this.#redact(init.body) });
  }

  #invalid(method: string, path: string, what: string, problems: string[]): InfraApiError {
    const clean = problems.map((p) => this.#redact(p));
    const more = clean.length > 1 ? ` (+${clean.length - 1} more)` : '';
    return this.#error({ kind: 'rejected', message: `invalid ${what}, not sent: ${clean[0]}${more}`, method, path, problems: clean });
  }

  #unexpected(method: string, path: string, detail: string, status = 200): InfraApiError {
    return this.#error({ kind: 'rejected', message: `${method} ${path}: unexpected response from the Infra API (HTTP ${status}): ${detail}`, method, path, status });
  }

  async #readJson(res: Dispatcher.ResponseData, method: string, path: string): Promise<unknown> {
    const { text } = await readCapped(res.body, SUCCESS_BODY_CAP);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw this.#unexpected(method, path, `body is not JSON: ${oneLine(this.#redact(text), 120)}`);
    }
  }

  async #httpFailure<T>(res: Dispatcher.ResponseData, call: Call<T>): Promise<Failure> {
    const status = res.statusCode;
    const { text, capped } = await readCapped(res.body, ERROR_BODY_READ_CAP);
    const body = text === '' ? undefined : this.#cleanBody(text, capped);
    const where = `${call.method} ${call.path}`;
    let diagnostics: unknown[] | undefined;
    let serverMessage: string | undefined;
    if (!capped && text.trim().startsWith('{')) {
      try {
        const parsed = JSON.parse(this.#redact(text)) as { diagnostics?: unknown; message?: unknown; detail?: unknown };
        if (Array.isArray(parsed.diagnostics)) diagnostics = parsed.diagnostics;
        if (typeof parsed.message === 'string' && parsed.message.trim() !== '') serverMessage = parsed.message;
        else if (typeof parsed.detail === 'string' && parsed.detail.trim() !== '') serverMessage = parsed.detail;
      } catch {
        // not JSON: keep the raw body only
      }
    }
    // The body format is undocumented (H-25): prefer a JSON `message`, else show the raw start.
    const snippet = serverMessage !== undefined ? `: ${oneLine(serverMessage, 200)}` : body === undefined ? '' : `: ${oneLine(body, 200)}`;
    const base = { status, body, diagnostics, reason: `HTTP ${status}` };

    if (status === 401 || status === 403) {
      const secret = this.#tokens[call.token];
      const source = secret?.source ?? TOKEN_ENV[call.token];
      const what = status === 401 ? `rejected the ${TOKEN_LABEL[call.token]}` : `refused access with this ${TOKEN_LABEL[call.token]}`;
      const hint = call.token === 'usage' ? ' (usage pushes need the dedicated usage key, not the upload key)' : '';
      return { ...base, kind: 'auth', retryable: false, message: `${where}: the Infra API ${what} (HTTP ${status}); check ${source}${hint}` };
    }
    if (status === 404) {
      return { ...base, kind: 'not-found', retryable: false, message: `${where}: ${call.notFound ?? 'not found'} (HTTP 404)${call.notFound ? '' : snippet}` };
    }
    if (status === 413 || (status === 400 && diagnostics?.some((d) => (d as { code?: unknown } | null)?.code === 'API-004'))) {
      return { ...base, kind: 'too-large', retryable: false, message: `${where}: the package is larger than the 30 MB limit (HTTP ${status}, API-004)` };
    }
    if (status === 408 || status === 429 || status >= 500) {
      const retryAfterRaw = parseRetryAfter(res.headers['retry-after']);
      const retryAfterMs = retryAfterRaw === undefined ? undefined : Math.min(retryAfterRaw, this.#policy.maxRetryAfterMs);
      const what = status === 429 ? 'throttled the request' : status === 408 ? 'timed out reading the request' : 'failed';
      return { ...base, kind: 'transient', retryable: true, retryAfterMs, message: `${where}: the Infra API ${what} (HTTP ${status})${snippet}` };
    }
    if (status === 400) {
      const first = diagnostics?.[0] as { message?: unknown; code?: unknown } | undefined;
      const detail =
        first && typeof first.message === 'string'
          ? `: ${typeof first.code === 'string' ? `${first.code} ` : ''}${oneLine(first.message, 200)}${diagnostics && diagnostics.length > 1 ? ` (+${diagnostics.length - 1} more)` : ''}`
          : snippet || ': no details in the response body';
      return { ...base, kind: 'rejected', retryable: false, message: `${where} was rejected (HTTP 400)${detail}` };
    }
    const expectNote = status >= 200 && status < 300 ? ` (only ${call.expect} counts as success${call.path === '/product' ? ', API-005' : ''})` : '';
    return { ...base, kind: 'rejected', retryable: false, message: `${where}: unexpected HTTP ${status}${expectNote}${snippet}` };
  }

  #thrownFailure(err: unknown, timedOut: boolean, timeoutMs: number, where: string): Failure {
    if (timedOut) {
      return { kind: 'timeout', retryable: true, reason: `timeout after ${seconds(timeoutMs)}`, message: `${where}: no complete response within ${seconds(timeoutMs)}` };
    }
    const changed = findPackageChanged(err);
    if (changed) return { kind: 'rejected', retryable: false, reason: 'package changed', message: `${where}: ${changed.message}` };
    const code = errorCode(err);
    if (code !== undefined && TIMEOUT_CODES.has(code)) {
      return { kind: 'timeout', retryable: true, code, reason: `timeout (${code})`, message: `${where}: ${this.#origin} did not answer in time (${code})` };
    }
    if (code === 'ECONNREFUSED') {
      return { kind: 'network', retryable: true, code, reason: 'connection refused', message: `${where}: connection to ${this.#origin} refused (ECONNREFUSED); is the host right and reachable?` };
    }
    if (code === 'ENOTFOUND') {
      return { kind: 'network', retryable: false, code, reason: 'unknown host', message: `${where}: cannot resolve host ${this.#origin} (ENOTFOUND); check the host setting` };
    }
    if (code !== undefined && RETRYABLE_CODES.has(code)) {
      return { kind: 'network', retryable: true, code, reason: `connection closed (${code})`, message: `${where}: connection to ${this.#origin} was closed mid-request (${code})` };
    }
    const msg = err instanceof Error ? err.message : String(err);
    return { kind: 'network', retryable: false, code, reason: code ?? 'request error', message: `${where}: request failed: ${oneLine(msg, 200)}${code ? ` (${code})` : ''}` };
  }

  async #send<T>(call: Call<T>): Promise<{ value: T; attempts: number }> {
    const secret = this.#secret(call.token);
    const url = `${this.baseUrl}${call.path}`;
    const where = `${call.method} ${call.path}`;
    const maxAttempts = 1 + Math.max(0, Math.floor(call.opts?.retries ?? this.#policy.retries));
    const external = call.opts?.signal;
    const cancelled = (): InfraApiError =>
      this.#error({ kind: 'network', message: `${where}: cancelled`, method: call.method, path: call.path, code: 'ABORTED' });

    for (let attempt = 1; ; attempt++) {
      if (external?.aborted) throw cancelled();
      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort(new CancelledError('timeout'));
      }, call.timeoutMs);
      const signal = external ? AbortSignal.any([controller.signal, external]) : controller.signal;
      let prepared: PreparedBody | undefined;
      let failure: Failure;
      try {
        prepared = call.body?.(attempt);
        const headers: Record<string, string> = {
          'user-agent': this.#userAgent,
          accept: call.accept ?? '*/*',
          ...prepared?.headers,
          [TOKEN_HEADER[call.token]]: secret.reveal(),
        };
        const res = await request(url, {
          method: call.method,
          headers,
          body: prepared === undefined ? null : typeof prepared.body === 'string' ? prepared.body : Readable.from(prepared.body, { objectMode: false }),
          signal,
          ...(this.#dispatcher ? { dispatcher: this.#dispatcher } : {}),
        });
        if (res.statusCode === call.expect) {
          const value = await call.read(res);
          return { value, attempts: attempt };
        }
        failure = await this.#httpFailure(res, call);
      } catch (err) {
        if (err instanceof InfraApiError) throw err;
        if (external?.aborted && !timedOut) throw cancelled();
        failure = this.#thrownFailure(err, timedOut, call.timeoutMs, where);
      } finally {
        clearTimeout(timer);
        prepared?.close?.();
      }

      if (!failure.retryable || attempt >= maxAttempts) {
        const suffix = attempt > 1 ? ` (gave up after ${attempt} attempts)` : '';
        throw this.#error({
          kind: failure.kind,
          message: `${failure.message}${suffix}`,
          status: failure.status,
          body: failure.body,
          method: call.method,
          path: call.path,
          attempts: attempt,
          code: failure.code,
          retryable: failure.retryable,
          diagnostics: failure.diagnostics,
          retryAfterMs: failure.retryAfterMs,
        });
      }
      const fromRetryAfter = failure.retryAfterMs !== undefined;
      const delayMs = failure.retryAfterMs ?? backoffDelay(attempt, this.#policy);
      this.#onRetry?.({
        method: call.method,
        path: call.path,
        attempt,
        maxAttempts,
        delayMs,
        reason: failure.reason,
        kind: failure.kind,
        ...(failure.status !== undefined ? { status: failure.status } : {}),
        fromRetryAfter,
      });
      try {
        await sleep(delayMs, external);
      } catch {
        throw cancelled();
      }
    }
  }
}
