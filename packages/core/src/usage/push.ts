/**
 * Usage push (SPEC §D.4): `POST …/usages` with `{broker_id?, base_date?, usages: [{instance_uuid,
 * param, value}]}`. `checkUsagePush` checks a body against the project before anything is
 * sent: the shape (API-009), `base_date` (API-010), every `param` a postpaid option of a
 * service of the project (API-012, BILL-018), values ≥ 0 and integers for integer options (H-28).
 */
import type { Diagnostic, Severity, Span } from '../diagnostics.js';
import type { ProjectModel } from '../model/types.js';
import { docsRef, text } from '../rules/engine.js';
import { ANY_UUID, describeType, isPlainObject } from '../util/strings.js';
import { postpaidOptionsOf } from './catalog.js';

const DOCS = docsRef('§D.9', 'MA/concepts/about/#billing_push');

/** RFC 3339 `date-time` (API-010), with calendar checks. */
export function isRfc3339(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))$/.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12) return false;
  if (day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return false;
  if (hour > 23 || minute > 59 || second > 60) return false;
  if (m[10] !== undefined && (Number(m[10]) > 23 || Number(m[11]) > 59)) return false;
  return true;
}

export interface CheckUsagePushOptions {
  /** Only these SERVICE_NAMEs' postpaid options are accepted. */
  only?: readonly string[];
  /** The body's file, for positions. */
  file?: string;
  /** JSON pointer → span (from `parseJson`). */
  spans?: ReadonlyMap<string, Span>;
}

/** Checks a usage push body against the project's postpaid options. Never throws. */
export function checkUsagePush(body: unknown, model: ProjectModel, options: CheckUsagePushOptions = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  const at = (pointer: string): Span | undefined => options.spans?.get(pointer) ?? (options.file ? { file: options.file, line: 1, column: 1 } : undefined);
  const report = (code: string, pointer: string, message: string, hint?: string, severity: Severity = 'error') => {
    const span = at(pointer);
    out.push({ code, severity, message, ...(span ? { span } : {}), ...(hint ? { hint } : {}), docs: DOCS });
  };
  const shape = 'A usage push is {"base_date"?: <RFC 3339>, "broker_id"?: <string>, "usages": [{"instance_uuid", "param", "value"}, …]}.';
  if (!isPlainObject(body)) {
    report('API-009', '', `The usage push must be a JSON object, not ${describeType(body)}.`, shape);
    return out;
  }
  for (const key of Object.keys(body)) {
    if (key !== 'usages' && key !== 'base_date' && key !== 'broker_id') report('API-009', `/${key}`, `Unknown field ${q(key)}: only broker_id, base_date and usages are accepted.`, shape);
  }
  if (body.broker_id !== undefined && typeof body.broker_id !== 'string') {
    report('API-011', '/broker_id', `broker_id must be a string (e.g. "7"), not ${describeType(body.broker_id)}.`, 'Send broker_id only when the company has more than one SaaS broker or IB tenant.');
  }
  if (body.base_date !== undefined && (typeof body.base_date !== 'string' || !isRfc3339(body.base_date))) {
    report('API-010', '/base_date', `base_date ${q(body.base_date)} is not an RFC 3339 date-time.`, 'Use e.g. "2024-05-01T00:00:00Z", or leave base_date out to use the request time.');
  }
  if (!Array.isArray(body.usages)) {
    report('API-009', body.usages === undefined ? '' : '/usages', body.usages === undefined ? 'The push has no usages array.' : `usages must be an array, not ${describeType(body.usages)}.`, shape);
    return out;
  }
  if (body.usages.length === 0) report('API-009', '/usages', 'usages is empty: a push carries at least one metric.');
  const postpaid = postpaidOptionsOf(model, options.only);
  const known = [...postpaid.keys()].sort();
  body.usages.forEach((u: unknown, i: number) => {
    const base = `/usages/${i}`;
    const where = `usages[${i}]`;
    if (!isPlainObject(u)) {
      report('API-009', base, `${where} must be an object {instance_uuid, param, value}, not ${describeType(u)}.`);
      return;
    }
    for (const key of Object.keys(u)) {
      if (key !== 'instance_uuid' && key !== 'param' && key !== 'value') report('API-009', `${base}/${key}`, `${where} has unknown field ${q(key)}: only instance_uuid, param and value are accepted.`);
    }
    if (typeof u.instance_uuid !== 'string' || !ANY_UUID.test(u.instance_uuid)) {
      report('API-009', u.instance_uuid === undefined ? base : `${base}/instance_uuid`, `${where}.instance_uuid must be the instance UUID, not ${u.instance_uuid === undefined ? 'missing' : q(u.instance_uuid)}.`);
    }
    let type: string | undefined;
    if (typeof u.param !== 'string' || u.param === '') {
      report('API-009', u.param === undefined ? base : `${base}/param`, `${where}.param must be the postpaid option name, not ${u.param === undefined ? 'missing' : q(u.param)}.`);
    } else {
      const owners = postpaid.get(u.param);
      if (!owners) {
        report(
          'API-012',
          `${base}/param`,
          `${where}.param ${q(u.param)} is not a postpaid option of ${options.only?.length ? options.only.map(q).join(', ') : 'this project'}; Marketplace bills only options declared with resource_usages (BILL-018).`,
          known.length ? `The postpaid options are ${known.map(q).join(', ')}.` : 'The project has no postpaid options, so there is nothing to push.',
        );
      } else {
        const types = [...new Set(owners.map((o) => o.type))];
        type = types.length === 1 ? types[0] : undefined;
      }
    }
    if (typeof u.value !== 'number' || !Number.isFinite(u.value)) {
      report('API-009', u.value === undefined ? base : `${base}/value`, `${where}.value must be a JSON number, not ${u.value === undefined ? 'missing' : describeType(u.value)}.`);
    } else if (u.value < 0) {
      report('API-009', `${base}/value`, `${where}.value is ${u.value}; consumed quantities are never negative (H-28).`);
    } else if (type === 'integer' && !Number.isInteger(u.value)) {
      report('API-009', `${base}/value`, `${where}.value ${u.value} is not an integer, but ${q(u.param)} is an integer option (H-28).`);
    }
  });
  return out;
}

const q = (s: unknown): string => JSON.stringify(typeof s === 'string' ? s : text(s));
