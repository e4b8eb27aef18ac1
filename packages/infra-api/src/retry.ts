/** Settings of the client's retry loop. */
export interface RetryPolicy {
  /** Retries after the first attempt (0 = never retry). */
  retries: number;
  /** Backoff base: the first retry waits up to this long. */
  baseDelayMs: number;
  /** Backoff ceiling for one wait. */
  maxDelayMs: number;
  /** Ceiling applied to a server's `Retry-After`. */
  maxRetryAfterMs: number;
  /** Random source in [0, 1); replace it to make waits reproducible. */
  random: () => number;
}

/** Defaults: 3 retries, 500 ms base, 10 s ceiling, `Retry-After` capped at 60 s. */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  retries: 3,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  maxRetryAfterMs: 60_000,
  random: Math.random,
});

/**
 * Exponential backoff with full jitter: a uniform wait in `[0, min(max, base · 2^(n-1)))`
 * after the `n`-th failed attempt.
 *
 * @param failedAttempt - 1 for the first failure
 * @param policy - base, ceiling and random source
 */
export function backoffDelay(failedAttempt: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs' | 'random'>): number {
  const exp = policy.baseDelayMs * 2 ** Math.max(0, failedAttempt - 1);
  const ceiling = Math.min(policy.maxDelayMs, exp);
  return Math.floor(policy.random() * ceiling);
}

/**
 * Parses an HTTP `Retry-After` value: delay-seconds (`"2"`, `"0.5"` tolerated) or an HTTP date.
 * Returns milliseconds from `now` (never negative), or `undefined` if absent or unparseable.
 *
 * @param value - the header value (the first one if repeated)
 * @param now - current time in ms since the epoch
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined) return undefined;
  const v = raw.trim();
  if (v === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  // An HTTP date always names a month ("Wed, 21 Oct 2015 07:28:00 GMT"); anything else is junk.
  if (!/[A-Za-z]{3}/.test(v)) return undefined;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** Resolves after `ms` milliseconds, or rejects early when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
