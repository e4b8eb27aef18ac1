/** Default cloud host (SPEC §D.1, API-006). Older docs use `cloud.vk.com`. */
export const DEFAULT_HOST = 'cloud.vk.ru';

/** Path prefix of every Infra API endpoint (`IAPI` in SPEC §D.1). */
export const API_PREFIX = '/marketplace/api/infra-api/api/v1-public';

/** Largest accepted package: 30 MB = 30 × 1 048 576 bytes (SPEC §0.3, API-004). */
export const MAX_PACKAGE_BYTES = 30 * 1048576;

/** Identifies one concrete service configuration: `(id, revision)` (SPEC §E). */
export interface ServiceRevisionRef {
  /** Service UUID4 from `service.yaml`. */
  id: string;
  /** Revision string from `service.yaml`. */
  revision: string;
}

/** One metric in a usage push (SPEC §D.4). */
export interface UsageRecord {
  /** Instance ID (UUID string). */
  instance_uuid: string;
  /** Postpaid option name: the SaaS JSON name or the IB option file base name (API-012). */
  param: string;
  /** Consumed quantity, e.g. `2.55786`. */
  value: number;
}

/** Body of `POST /usages` (SPEC §D.4, API-009..011). */
export interface UsageReport {
  /** Broker ID as registered; send only with several SaaS brokers or IB tenants (API-011). */
  broker_id?: string;
  /** RFC 3339 time the metrics refer to; defaults to the request time on the server (API-010). */
  base_date?: string;
  /** Non-empty list of metrics (API-009). */
  usages: UsageRecord[];
}

/** Body of `POST /hoe/object`: create a test instance in the deployment system (SPEC §D.8). */
export interface TestObjectSpec {
  /** Object UUID (generate a UUID4). */
  uuid: string;
  /** Manifest name previously uploaded with `POST /hoe/config/<name>`. */
  config: string;
  /** External Terraform variables: simulates the wizard (API-022). */
  vars: Record<string, unknown>;
}

/** Deployment state of a test object. */
export type TestObjectState = 'applying' | 'running' | 'failed' | 'deleted';

/** Response of `GET /hoe/object/<uuid>` (SPEC §D.8). Field names are the API's own. */
export interface TestObjectStatus {
  /** Object UUID. */
  uuid: string;
  /** What the deployment system is driving the object to. */
  target_status: 'running' | 'deleted';
  /** Input variables. */
  vars: Record<string, unknown>;
  /** Terraform outputs, as a JSON-encoded string (e.g. `"{}"`). */
  out: string;
  /** Current state. */
  status: TestObjectState;
  /** Name of the user who deployed it. */
  conf_name: string;
  /** Hash of the object's configuration. */
  conf_hash: string;
  /** OpenStack project ID. */
  pid: string;
  /** Creation time (RFC 3339). */
  create_at: string;
  /** Last update by the deployment system (RFC 3339). */
  update_at: string;
  /** Whether deployment succeeded (`false` once deleted). */
  full_deployed: boolean;
  /** Retries performed so far. */
  attempts: number;
  /** Maximum number of retries. */
  max_attempts: number;
}

/** One deployment-system log line from `GET /logs/instance/<uuid>` (SPEC §D.7). */
export interface InstanceLogEntry {
  /** Log text. */
  message: string;
  /** Origin, e.g. `terraform`. */
  src: string;
  /** Level, e.g. `debug`, `info`, `error`. */
  level: string;
  /** Time (RFC 3339). */
  created_at: string;
  /** Object UUID. */
  uuid: string;
  /** Broker ID (often empty). */
  broker_id: string;
}

/** Parses a string as RFC 3339 `date-time` (SPEC API-010). Returns false for anything else. */
export function isRfc3339DateTime(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))$/.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) return false;
  if (hour > 23 || minute > 59 || second > 60) return false;
  if (m[10] !== undefined && (Number(m[10]) > 23 || Number(m[11]) > 59)) return false;
  return true;
}

/** Any RFC 4122 UUID string (version not checked). */
export const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * Checks a usage report's shape (API-009, API-010, and the H-28 default `value ≥ 0`).
 * Returns one line per problem; an empty array means the body is well-formed.
 * Whether each `param` is a postpaid option (API-012) can only be checked by the server.
 *
 * @param body - the candidate `POST /usages` body
 */
export function validateUsageReport(body: unknown): string[] {
  const problems: string[] = [];
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return ['the usage report must be a JSON object with a "usages" array (API-009)'];
  }
  const rec = body as Record<string, unknown>;
  for (const key of Object.keys(rec)) {
    if (key !== 'broker_id' && key !== 'base_date' && key !== 'usages') {
      problems.push(`unknown field "${key}": only broker_id, base_date and usages are accepted (API-009)`);
    }
  }
  if (rec.broker_id !== undefined && typeof rec.broker_id !== 'string') {
    problems.push('broker_id must be a string, e.g. "7" (API-011)');
  }
  if (rec.base_date !== undefined) {
    if (typeof rec.base_date !== 'string' || !isRfc3339DateTime(rec.base_date)) {
      problems.push('base_date must be an RFC 3339 date-time such as "2024-05-01T00:00:00Z" (API-010)');
    }
  }
  const usages = rec.usages;
  if (!Array.isArray(usages)) {
    problems.push('usages must be an array of {instance_uuid, param, value} (API-009)');
    return problems;
  }
  if (usages.length === 0) problems.push('usages must contain at least one metric (API-009)');
  usages.forEach((u: unknown, i) => {
    const at = `usages[${i}]`;
    if (u === null || typeof u !== 'object' || Array.isArray(u)) {
      problems.push(`${at} must be an object {instance_uuid, param, value} (API-009)`);
      return;
    }
    const item = u as Record<string, unknown>;
    for (const key of Object.keys(item)) {
      if (key !== 'instance_uuid' && key !== 'param' && key !== 'value') {
        problems.push(`${at} has unknown field "${key}": only instance_uuid, param and value are accepted (API-009)`);
      }
    }
    if (typeof item.instance_uuid !== 'string' || !UUID_RE.test(item.instance_uuid)) {
      problems.push(`${at}.instance_uuid must be the instance UUID string (API-009)`);
    }
    if (typeof item.param !== 'string' || item.param === '') {
      problems.push(`${at}.param must be the postpaid option name, a non-empty string (API-009)`);
    }
    if (typeof item.value !== 'number' || !Number.isFinite(item.value)) {
      problems.push(`${at}.value must be a finite JSON number (API-009)`);
    } else if (item.value < 0) {
      problems.push(`${at}.value must not be negative (H-28)`);
    }
  });
  return problems;
}
