import { createHash, timingSafeEqual } from 'node:crypto';
import { inspect } from 'node:util';

/** What every redacted value is rendered as. */
export const REDACTED = '[redacted]';

/**
 * Default environment variable names for the three Infra API credentials.
 *
 * - `service`: the service key (`x-service-token`) used to upload and archive packages.
 * - `usage`: the dedicated usage key (`x-service-token` on `POST /usages`); the upload key is rejected there.
 * - `auth`: a Keystone API token (`x-auth-token`) for the deployment-system test API and instance logs.
 */
export const TOKEN_ENV = {
  service: 'VKMP_SERVICE_TOKEN',
  usage: 'VKMP_USAGE_TOKEN',
  auth: 'VKMP_AUTH_TOKEN',
} as const;

/** Which of the three credentials a value is (key of {@link TOKEN_ENV}). */
export type TokenKind = keyof typeof TOKEN_ENV;

/**
 * Thrown by {@link Secret.fromEnv} when the variable is missing or empty.
 * The message names the variable and never contains any value.
 */
export class MissingSecretError extends Error {
  /** The environment variable that was looked up. */
  readonly variable: string;

  /** @param variable - the environment variable name that was missing or empty */
  constructor(variable: string) {
    super(`environment variable ${variable} is not set or is empty; export it with your key before running this command`);
    this.name = 'MissingSecretError';
    this.variable = variable;
  }
}

/**
 * A credential that refuses to be printed.
 *
 * `String(secret)`, template literals, `JSON.stringify` and `util.inspect`/`console.log`
 * all render `[redacted]`. The only way to get the value is {@link Secret.reveal}, which
 * the client calls in exactly one place: when it sets the request header.
 *
 * @example
 * ```ts
 * const token = Secret.fromEnv('VKMP_SERVICE_TOKEN');
 * console.log(`using ${token}`); // using [redacted]
 * ```
 */
export class Secret {
  readonly #value: string;
  /** Where the value came from (an environment variable name), if known. Never the value itself. */
  readonly source: string | undefined;

  /**
   * @param value - the raw token; surrounding whitespace is trimmed; must not be empty
   * @param source - optional description of where it came from (e.g. an environment variable name)
   */
  constructor(value: string, source?: string) {
    if (typeof value !== 'string') throw new TypeError('Secret value must be a string');
    const trimmed = value.trim();
    if (trimmed === '') throw new TypeError(source ? `secret from ${source} is empty` : 'secret value is empty');
    this.#value = trimmed;
    this.source = source;
  }

  /**
   * Reads a secret from an environment variable.
   *
   * @param name - the variable name, e.g. `VKMP_SERVICE_TOKEN`
   * @param env - the environment to read (defaults to `process.env`)
   * @throws {@link MissingSecretError} naming the variable when it is missing, empty or only whitespace
   */
  static fromEnv(name: string, env: NodeJS.ProcessEnv = process.env): Secret {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') throw new MissingSecretError(name);
    return new Secret(raw, name);
  }

  /** Wraps a string (or passes a Secret through unchanged). */
  static from(value: Secret | string, source?: string): Secret {
    return value instanceof Secret ? value : new Secret(value, source);
  }

  /** Returns the raw value. Call it only where the value is put on the wire. */
  reveal(): string {
    return this.#value;
  }

  /** Timing-safe comparison: whether this secret equals `other` (a string or Secret). */
  equals(other: Secret | string): boolean {
    const o = other instanceof Secret ? other.#value : other;
    const a = createHash('sha256').update(this.#value).digest();
    const b = createHash('sha256').update(o).digest();
    return timingSafeEqual(a, b);
  }

  /** Always `[redacted]`. */
  toString(): string {
    return REDACTED;
  }

  /** Always `[redacted]`, so `JSON.stringify` never leaks the value. */
  toJSON(): string {
    return REDACTED;
  }

  /** Always `[redacted]`, so `console.log` and `util.inspect` never leak the value. */
  [inspect.custom](): string {
    return REDACTED;
  }

  /** Template-literal and `+` coercion render `[redacted]`. */
  [Symbol.toPrimitive](): string {
    return REDACTED;
  }
}

/**
 * Replaces every occurrence of every secret value in `text` with `[redacted]`.
 * Also catches the percent-encoded form of each value (as it would appear in a URL).
 * Use it on anything that may echo a request back: error messages, response bodies, logs.
 *
 * @param text - the text to clean
 * @param secrets - secrets (or raw strings) to remove; `undefined` entries are skipped
 */
export function redact(text: string, secrets: Iterable<Secret | string | undefined>): string {
  const values = new Set<string>();
  for (const s of secrets) {
    if (s === undefined) continue;
    const v = s instanceof Secret ? s.reveal() : s;
    if (v === '') continue;
    values.add(v);
    const enc = encodeURIComponent(v);
    if (enc !== v) values.add(enc);
  }
  if (values.size === 0) return text;
  // Longest first, so a secret that contains another is replaced whole.
  const ordered = [...values].sort((a, b) => b.length - a.length);
  let out = text;
  for (const v of ordered) out = out.split(v).join(REDACTED);
  return out;
}
