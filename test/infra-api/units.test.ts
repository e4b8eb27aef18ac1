import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  describeRetry,
  isRfc3339DateTime,
  parseRetryAfter,
  resolveBaseUrl,
  truncateBody,
  validateUsageReport,
} from '../../packages/infra-api/src/index.js';

describe('backoffDelay', () => {
  it('draws from [0, min(max, base·2^(n-1)))', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (n, r) => {
        const d = backoffDelay(n, { baseDelayMs: 100, maxDelayMs: 5_000, random: () => r });
        const ceiling = Math.min(5_000, 100 * 2 ** (n - 1));
        return d >= 0 && d < ceiling && Number.isInteger(d);
      }),
    );
    expect(backoffDelay(3, { baseDelayMs: 100, maxDelayMs: 5_000, random: () => 0.5 })).toBe(200);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2024-05-01T00:00:00Z');
  it('parses seconds and HTTP dates', () => {
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('0.25', now)).toBe(250);
    expect(parseRetryAfter('Wed, 01 May 2024 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Tue, 30 Apr 2024 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(['3', '9'], now)).toBe(3000);
  });
  it('ignores garbage', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-1', now)).toBeUndefined();
  });
});

describe('isRfc3339DateTime', () => {
  it('accepts RFC 3339 date-times only', () => {
    for (const ok of ['2024-05-01T00:00:00Z', '2024-02-29T23:59:60.123+03:00', '2024-05-01t10:00:00-00:30']) expect(isRfc3339DateTime(ok)).toBe(true);
    for (const bad of ['2024-05-01', '2024-05-01 00:00:00Z', '2023-02-29T00:00:00Z', '2024-05-01T24:00:00Z', '2024-05-01T00:00:00', '2024-13-01T00:00:00Z']) {
      expect(isRfc3339DateTime(bad)).toBe(false);
    }
  });
});

describe('validateUsageReport', () => {
  const ok = { usages: [{ instance_uuid: '078621f1-ebe3-4f16-b998-503c487e4bfc', param: 'storage', value: 2.55786 }] };
  it('accepts the corrected documentation example', () => {
    expect(validateUsageReport({ broker_id: '7', base_date: '2024-05-01T00:00:00Z', ...ok })).toEqual([]);
  });
  it('names every problem with its rule', () => {
    expect(validateUsageReport(null)).toEqual(['the usage report must be a JSON object with a "usages" array (API-009)']);
    expect(validateUsageReport({ usages: [] })).toEqual(['usages must contain at least one metric (API-009)']);
    expect(validateUsageReport({ ...ok, broker_id: 7 })).toEqual(['broker_id must be a string, e.g. "7" (API-011)']);
    expect(validateUsageReport({ ...ok, extra: 1 })[0]).toContain('unknown field "extra"');
    expect(validateUsageReport({ usages: [{ instance_uuid: 'x', param: 'p', value: -1 }] })).toEqual([
      'usages[0].instance_uuid must be the instance UUID string (API-009)',
      'usages[0].value must not be negative (H-28)',
    ]);
  });
  it('never throws on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const problems = validateUsageReport(v);
        return Array.isArray(problems) && problems.every((p) => typeof p === 'string');
      }),
    );
  });
});

describe('resolveBaseUrl and truncateBody', () => {
  it('keeps explicit base URLs and trims the trailing slash', () => {
    expect(resolveBaseUrl({ baseUrl: 'http://127.0.0.1:1234/marketplace/api/infra-api/api/v1-public/' })).toBe(
      'http://127.0.0.1:1234/marketplace/api/infra-api/api/v1-public',
    );
    expect(resolveBaseUrl({ host: 'msk.cloud.vk.ru:8443' })).toBe('https://msk.cloud.vk.ru:8443/marketplace/api/infra-api/api/v1-public');
  });
  it('truncates long bodies with a marker', () => {
    expect(truncateBody('abcdef', 3)).toBe('abc… [truncated 3 more characters]');
    expect(truncateBody('abc', 3)).toBe('abc');
  });
});

describe('describeRetry', () => {
  it('prints the wait and the cause on one line', () => {
    const base = { method: 'POST', path: '/product', attempt: 1, maxAttempts: 4, kind: 'transient' as const, status: 500 };
    expect(describeRetry({ ...base, delayMs: 1234, reason: 'HTTP 500', fromRetryAfter: false })).toBe('retrying in 1.2 s (HTTP 500; attempt 2 of 4)');
    expect(describeRetry({ ...base, delayMs: 250, reason: 'HTTP 429', fromRetryAfter: true })).toBe('retrying in 250 ms (HTTP 429, Retry-After; attempt 2 of 4)');
  });
});
