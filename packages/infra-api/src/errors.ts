/**
 * What went wrong with an Infra API call, in terms a vendor can act on.
 *
 * - `auth`: a key is missing, wrong, expired or of the wrong kind (HTTP 401/403, or not configured).
 * - `rejected`: the request was refused as invalid (HTTP 400 and other 4xx), failed a client-side
 *   check, or the response was not what the API documents. Fix the input; retrying will not help.
 * - `not-found`: the service revision, manifest or object does not exist (HTTP 404).
 * - `too-large`: the package exceeds 30 MB (API-004), refused by the client or by the server.
 * - `transient`: the server failed (HTTP 5xx) or throttled (HTTP 429) on every attempt.
 * - `timeout`: the request did not complete within the configured time on every attempt.
 * - `network`: the host could not be reached or the connection broke on every attempt.
 */
export type InfraApiErrorKind = 'auth' | 'rejected' | 'not-found' | 'too-large' | 'transient' | 'timeout' | 'network';

/** Constructor fields of {@link InfraApiError}. */
export interface InfraApiErrorInit {
  /** Error category. */
  kind: InfraApiErrorKind;
  /** One-line, token-free message. */
  message: string;
  /** HTTP status of the last response, if one was received. */
  status?: number;
  /** Raw response body of the last response: redacted and truncated. */
  body?: string;
  /** HTTP method of the request. */
  method?: string;
  /** API path of the request, relative to the Infra API prefix (e.g. `/product`). */
  path?: string;
  /** How many attempts were made (1 = no retry). */
  attempts?: number;
  /** Low-level error code, e.g. `ECONNRESET` or `UND_ERR_SOCKET`. */
  code?: string;
  /** Whether the failure is of a kind the client retries. */
  retryable?: boolean;
  /** `diagnostics` array from a 400 response body, when the server sent one. */
  diagnostics?: unknown[];
  /** Client-side validation problems (one line each), for `rejected` errors raised before sending. */
  problems?: string[];
  /** `Retry-After` of the last response, in milliseconds (already capped). */
  retryAfterMs?: number;
}

/**
 * The single error type the Infra API client throws.
 *
 * Its `message` is one line that says what failed and what to do, and never contains a token
 * (everything is passed through `redact`). `exitCode` is the CLI exit code for this failure (1,
 * per the CLI conventions: "errors (invalid input, failed request)").
 */
export class InfraApiError extends Error {
  /** Error category, see {@link InfraApiErrorKind}. */
  readonly kind: InfraApiErrorKind;
  /** HTTP status of the last response, if any. */
  readonly status: number | undefined;
  /** Raw response body (redacted, truncated to {@link MAX_ERROR_BODY_CHARS} characters), if any. */
  readonly body: string | undefined;
  /** Suggested process exit code. */
  readonly exitCode: 1 = 1;
  /** HTTP method of the failed request. */
  readonly method: string | undefined;
  /** API path of the failed request (relative to the Infra API prefix). */
  readonly path: string | undefined;
  /** Number of attempts made. */
  readonly attempts: number;
  /** Low-level error code (`ECONNRESET`, `UND_ERR_SOCKET`, …), if any. */
  readonly code: string | undefined;
  /** Whether this kind of failure is retried by the client. */
  readonly retryable: boolean;
  /** `diagnostics` from a 400 body (the emulator and validators send them). */
  readonly diagnostics: unknown[] | undefined;
  /** Client-side validation problems, one line each. */
  readonly problems: string[] | undefined;
  /** Capped `Retry-After` of the last response, in milliseconds. */
  readonly retryAfterMs: number | undefined;

  /** @param init - error fields; `message` must already be redacted */
  constructor(init: InfraApiErrorInit) {
    super(init.message);
    this.name = 'InfraApiError';
    this.kind = init.kind;
    this.status = init.status;
    this.body = init.body;
    this.method = init.method;
    this.path = init.path;
    this.attempts = init.attempts ?? 1;
    this.code = init.code;
    this.retryable = init.retryable ?? false;
    this.diagnostics = init.diagnostics;
    this.problems = init.problems;
    this.retryAfterMs = init.retryAfterMs;
  }

  /** Plain JSON form for `--json` output. Contains no secrets. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, kind: this.kind, message: this.message, exitCode: this.exitCode, attempts: this.attempts };
    if (this.status !== undefined) out.status = this.status;
    if (this.method !== undefined) out.method = this.method;
    if (this.path !== undefined) out.path = this.path;
    if (this.code !== undefined) out.code = this.code;
    if (this.body !== undefined) out.body = this.body;
    if (this.diagnostics !== undefined) out.diagnostics = this.diagnostics;
    if (this.problems !== undefined) out.problems = this.problems;
    return out;
  }
}

/** Type guard for {@link InfraApiError}. */
export function isInfraApiError(value: unknown): value is InfraApiError {
  return value instanceof InfraApiError;
}

/** Longest response body kept on an {@link InfraApiError}, in characters. */
export const MAX_ERROR_BODY_CHARS = 2000;

/**
 * Shortens a response body for an error: at most {@link MAX_ERROR_BODY_CHARS} characters, with a
 * marker saying how much was cut. Apply it after `redact`: cutting first could leave half a
 * token that `redact` no longer recognises.
 */
export function truncateBody(text: string, max: number = MAX_ERROR_BODY_CHARS): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… [truncated ${text.length - max} more characters]`;
}
