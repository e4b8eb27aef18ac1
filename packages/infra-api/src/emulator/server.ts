import { createHash } from 'node:crypto';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Secret } from '../secret.js';
import { API_PREFIX, MAX_PACKAGE_BYTES, UUID_RE, validateUsageReport, type InstanceLogEntry, type UsageReport } from '../types.js';
import { errorBody, isLoopback, readBody, respondAfterDrain, send } from './http.js';
import { EmulatorStore } from './store.js';
import type {
  EmulatorFaults,
  EmulatorHandle,
  EmulatorOptions,
  EmulatorStateView,
  EmulatorStats,
  PackageValidator,
  PackageVerdict,
  TestObjectRecord,
  UploadLogEntry,
} from './types.js';
import { receiveUpload } from './upload.js';
import { minimalValidatePackage } from './zip.js';

type TokenKind = 'service' | 'usage' | 'auth';

interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  pattern: RegExp;
  name: string;
  token: TokenKind;
  /** Largest request body drained before answering early (auth failure, injected fault). */
  drainCap: number;
  handler: (req: IncomingMessage, res: ServerResponse, params: string[]) => Promise<void>;
}

/** Multipart overhead allowed on top of the 30 MB zip before a request is treated as abusive. */
const MULTIPART_SLACK = 1024 * 1024;
/** Request bytes discarded after the 30 MB limit is hit, before the connection is dropped. */
const UPLOAD_DRAIN_CAP = 4 * 1024 * 1024;
const SMALL_BODY_CAP = 16 * 1024 * 1024;
const JSON_CAP = 1024 * 1024;
const USAGE_CAP = 8 * 1024 * 1024;
const MANIFEST_CAP = 8 * 1024 * 1024;
const MAX_ATTEMPTS = 15;

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function tokenSet(tokens: Array<string | Secret>): Set<string> {
  return new Set(tokens.map((t) => digest(t instanceof Secret ? t.reveal() : String(t).trim())).filter((d) => d !== digest('')));
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function ruleOf(problem: string): string {
  return /\((API-\d{3}|H-\d{2})\)$/.exec(problem)?.[1] ?? 'API-009';
}

function countResources(tf: string): number {
  return (tf.match(/^\s*resource\s+"[^"]+"\s+"[^"]+"/gm) ?? []).length;
}

function checkVerdict(v: unknown): v is PackageVerdict {
  if (v === null || typeof v !== 'object') return false;
  const r = v as Record<string, unknown>;
  if (r.ok === false) return Array.isArray(r.diagnostics);
  if (r.ok !== true || r.service === null || typeof r.service !== 'object') return false;
  const s = r.service as Record<string, unknown>;
  const str = (x: unknown): boolean => typeof x === 'string' && x !== '';
  return (
    str(s.id) &&
    str(s.revision) &&
    typeof s.name === 'string' &&
    Array.isArray(s.plans) &&
    s.plans.every((p: unknown) => p !== null && typeof p === 'object' && str((p as Record<string, unknown>).id) && str((p as Record<string, unknown>).revision)) &&
    Array.isArray(s.postpaidOptions) &&
    s.postpaidOptions.every((o: unknown) => typeof o === 'string')
  );
}

function parseJson(buf: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(buf.toString('utf8')) as unknown };
  } catch {
    return { ok: false };
  }
}

function normalizeFaults(input: unknown): EmulatorFaults | string {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return 'faults must be a JSON object';
  const r = input as Record<string, unknown>;
  const out: EmulatorFaults = {};
  for (const key of Object.keys(r)) {
    const v = r[key];
    if (key === 'retryAfter') {
      if (v !== undefined && typeof v !== 'string') return 'retryAfter must be a string';
      if (typeof v === 'string') out.retryAfter = v;
      continue;
    }
    if (key !== 'delayMs' && key !== 'fail5xxCount' && key !== 'dropConnectionCount' && key !== 'failStatus') return `unknown fault "${key}"`;
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) return `${key} must be a non-negative integer`;
    if (key === 'failStatus' && (v < 400 || v > 599)) return 'failStatus must be an HTTP error status (400–599)';
    out[key] = v;
  }
  return out;
}

/**
 * Starts a local VK Cloud Marketplace Infra API emulator (DESIGN §7): a real `node:http` server on
 * a loopback address that implements the documented endpoints under
 * `/marketplace/api/infra-api/api/v1-public` with their documented status codes:
 *
 * - `POST /product` (service key): multipart upload, part `upload`, 30 MB limit enforced while
 *   streaming to a temporary file (SHA-256 computed on the way), then `validatePackage`. 204 on
 *   success; an existing `(id, revision)` also gets 204 but is not updated and is logged as
 *   `ignored` (SPEC §E). 400 with `{"diagnostics": [...]}` when the validator rejects the package.
 * - `POST /product/archive` (service key): 204, or 404 for an unknown `(id, revision)`.
 * - `POST /usages` (usage key only): 200, 400 for a malformed body (API-009/010) or a `param` that
 *   is not a postpaid option of any uploaded service (API-012, BILL-018).
 * - `POST|GET /hoe/config/<name>`, `POST /hoe/object`, `GET|DELETE /hoe/object/<uuid>`,
 *   `GET /logs/instance/<uuid>` (Keystone token): manifests with version history, test objects
 *   moving `applying` → `running` → (delete) → `deleted` after `testObjectTransitionMs`, and logs.
 *
 * Emulator-only response headers on a 204 upload, `x-emulator-upload-id` and
 * `x-emulator-upload-outcome` (`accepted` | `ignored`), let the client report what happened; the
 * real API sends neither (H-25, H-26). Other error bodies are `{error, message, diagnostics?}`.
 *
 * State is kept in `dataDir` (atomic `state.json`, `packages/<sha256>.zip`,
 * `manifests/<sha256>.tf`) and reloaded on restart. `GET /__emulator/state` returns it for tests;
 * `POST /__emulator/faults` (or `setFaults`) injects delays, 5xx answers and dropped connections.
 *
 * @example
 * ```ts
 * const emu = await startEmulator({ dataDir, serviceTokens: ['svc'], usageTokens: ['use'], authTokens: ['ks'] });
 * const api = new InfraApiClient({ baseUrl: emu.baseUrl, serviceToken: 'svc' });
 * await api.uploadProduct({ path: 'pkg.zip' });
 * await emu.close();
 * ```
 *
 * @param options - data directory, accepted tokens, optional validator and timings
 * @throws when `host` is not a loopback address or the state file is unreadable
 */
export async function startEmulator(options: EmulatorOptions): Promise<EmulatorHandle> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host)) throw new Error(`the emulator binds to loopback addresses only (got "${host}")`);
  const store = await EmulatorStore.open(options.dataDir);
  const tokens: Record<TokenKind, Set<string>> = {
    service: tokenSet(options.serviceTokens),
    usage: tokenSet(options.usageTokens),
    auth: tokenSet(options.authTokens),
  };
  const validate: PackageValidator = options.validatePackage ?? minimalValidatePackage;
  const transitionMs = Math.max(0, options.testObjectTransitionMs ?? 200);
  const userName = options.userName ?? 'vendor@emulator.local';
  const projectId = options.projectId ?? 'b66dde3d0e7b4b6c8e1f2a3b4c5d6e7f';
  let faults: EmulatorFaults = {};
  const stats: EmulatorStats = { requests: 0, byRoute: {}, failedInjected: 0, droppedInjected: 0 };
  const { state } = store;

  // ---- test-object lifecycle (advanced lazily from the stored transition time) ----------------

  const addLog = (obj: TestObjectRecord, at: number, level: string, src: string, message: string): void => {
    const entry: InstanceLogEntry = { message, src, level, created_at: isoSeconds(at), uuid: obj.status.uuid, broker_id: '' };
    obj.logs.push(entry);
  };

  const advance = (now: number): boolean => {
    let changed = false;
    for (const obj of state.objects) {
      if (obj.transitionAt === undefined || obj.transitionAt > now) continue;
      const at = obj.transitionAt;
      const s = obj.status;
      if (s.target_status === 'running') {
        s.status = 'running';
        s.full_deployed = true;
        addLog(obj, at, 'debug', 'terraform', ` Apply complete! Resources: ${obj.resources} added, 0 changed, 0 destroyed. `);
        addLog(obj, at, 'info', 'deployment', `object ${s.uuid} is running`);
      } else {
        s.status = 'deleted';
        s.full_deployed = false;
        addLog(obj, at, 'debug', 'terraform', ` Destroy complete! Resources: ${obj.resources} destroyed. `);
        addLog(obj, at, 'info', 'deployment', `object ${s.uuid} is deleted`);
      }
      s.update_at = iso(at);
      delete obj.transitionAt;
      changed = true;
    }
    return changed;
  };

  const advanceAndPersist = async (): Promise<void> => {
    if (advance(Date.now())) await store.persist();
  };

  const stateView = (): EmulatorStateView => {
    if (advance(Date.now())) void store.persist().catch(() => undefined);
    return structuredClone({ ...state, faults: { ...faults }, stats });
  };

  // ---- handlers ---------------------------------------------------------------------------------

  const recordUpload = (entry: Omit<UploadLogEntry, 'id' | 'at' | 'ignored'> & { ignored?: boolean }): UploadLogEntry => {
    const full: UploadLogEntry = {
      id: `u-${String(state.uploads.length + 1).padStart(6, '0')}`,
      at: iso(Date.now()),
      ignored: entry.outcome === 'ignored',
      ...entry,
    };
    state.uploads.push(full);
    return full;
  };

  const upload = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const declared = Number(header(req, 'content-length') ?? NaN);
    const tooLargeBody = (size: number): Record<string, unknown> => {
      const message = `the package exceeds 30 MB (${MAX_PACKAGE_BYTES} bytes); nothing was stored (API-004)`;
      return errorBody('too-large', message, [{ code: 'API-004', severity: 'error', message, ...(size > 0 ? { received: size } : {}) }]);
    };
    // Why 400: the documented answers for POST /product are 204, 400, 401, 404 and 500 (SPEC §D.2).
    // An oversized package is a fault of the request, not of the server, so 400 ("request error")
    // is the only fitting documented code; 500 would also make clients retry a hopeless upload.
    // The body carries an API-004 diagnostic so the client can still report "too large".
    if (Number.isFinite(declared) && declared > MAX_PACKAGE_BYTES + MULTIPART_SLACK) {
      recordUpload({ status: 400, outcome: 'too-large', size: 0 });
      await store.persist();
      await respondAfterDrain(req, res, 0, 400, tooLargeBody(0));
      return;
    }
    const tmp = store.tmpPath('upload');
    const received = await receiveUpload(req, tmp, { maxFileBytes: MAX_PACKAGE_BYTES, drainCapBytes: UPLOAD_DRAIN_CAP, field: 'upload' });
    if (received.kind === 'aborted') return;
    if (received.kind === 'error') {
      await respondAfterDrain(req, res, UPLOAD_DRAIN_CAP, 500, errorBody('internal', received.message));
      return;
    }
    if (received.kind === 'malformed') {
      const diagnostics = [{ code: 'API-003', severity: 'error', message: received.message }];
      recordUpload({ status: 400, outcome: 'malformed', size: 0, diagnostics });
      await store.persist();
      await respondAfterDrain(req, res, UPLOAD_DRAIN_CAP, 400, errorBody('malformed', received.message, diagnostics));
      return;
    }
    if (received.kind === 'too-large') {
      const body = tooLargeBody(received.size);
      recordUpload({ status: 400, outcome: 'too-large', size: received.size, ...(received.filename ? { filename: received.filename } : {}), diagnostics: body.diagnostics as unknown[] });
      await store.persist();
      if (received.dropConnection) {
        send(res, 400, body, { connection: 'close' });
        res.once('finish', () => req.socket.destroy());
      } else send(res, 400, body);
      return;
    }

    const file = received.file;
    let verdict: unknown;
    try {
      verdict = await validate(file.tmpPath);
    } catch (err) {
      await rm(file.tmpPath, { force: true });
      send(res, 500, errorBody('validator-failed', `package validation failed inside the emulator: ${(err as Error).message}`));
      return;
    }
    if (!checkVerdict(verdict)) {
      await rm(file.tmpPath, { force: true });
      send(res, 500, errorBody('validator-failed', 'validatePackage returned something that is not a PackageVerdict'));
      return;
    }
    const base = { filename: file.filename, size: file.size, sha256: file.sha256 };
    if (!verdict.ok) {
      await rm(file.tmpPath, { force: true });
      recordUpload({ ...base, status: 400, outcome: 'rejected', diagnostics: verdict.diagnostics });
      await store.persist();
      send(res, 400, { diagnostics: verdict.diagnostics });
      return;
    }
    const packageFile = `packages/${file.sha256}.zip`;
    await rename(file.tmpPath, join(store.dirs.root, packageFile));
    const svc = verdict.service;
    const key = EmulatorStore.serviceKey(svc.id, svc.revision);
    const existing = store.services.get(key);
    const entry = recordUpload({
      ...base,
      status: 204,
      outcome: existing ? 'ignored' : 'accepted',
      packageFile,
      service: { id: svc.id, revision: svc.revision, name: svc.name },
    });
    if (!existing) {
      const record = {
        id: svc.id,
        revision: svc.revision,
        name: svc.name,
        plans: svc.plans.map((p) => ({ id: p.id, revision: p.revision, name: p.name })),
        postpaidOptions: [...svc.postpaidOptions],
        sha256: file.sha256,
        uploadId: entry.id,
        uploadedAt: entry.at,
        archived: false,
      };
      state.services.push(record);
      store.services.set(key, record);
    }
    await store.persist();
    send(res, 204, undefined, { 'x-emulator-upload-id': entry.id, 'x-emulator-upload-outcome': entry.outcome });
  };

  const readJson = async (req: IncomingMessage, res: ServerResponse, cap: number): Promise<{ value: unknown } | undefined> => {
    const body = await readBody(req, cap);
    if (!body.ok) {
      if (body.reason === 'too-large') await respondAfterDrain(req, res, cap, 400, errorBody('too-large', `request body exceeds ${cap} bytes`));
      return undefined;
    }
    const parsed = parseJson(body.body);
    if (!parsed.ok) {
      send(res, 400, errorBody('invalid-json', 'the request body is not valid JSON'));
      return undefined;
    }
    return { value: parsed.value };
  };

  const archive = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const json = await readJson(req, res, JSON_CAP);
    if (!json) return;
    const body = json.value as { services?: unknown } | null;
    const list = body !== null && typeof body === 'object' ? body.services : undefined;
    if (!Array.isArray(list) || list.length === 0) {
      send(res, 400, errorBody('invalid', 'body must be {"services":[{"id":"<uuid4>","revision":"<revision>"}]} (API-007)'));
      return;
    }
    const refs: Array<{ id: string; revision: string }> = [];
    for (const item of list as unknown[]) {
      const r = item as { id?: unknown; revision?: unknown } | null;
      if (r === null || typeof r !== 'object' || typeof r.id !== 'string' || typeof r.revision !== 'string') {
        send(res, 400, errorBody('invalid', 'every services[] item needs string "id" and "revision" (API-007)'));
        return;
      }
      refs.push({ id: r.id, revision: r.revision });
    }
    const missing = refs.filter((r) => !store.services.has(EmulatorStore.serviceKey(r.id, r.revision)));
    if (missing.length > 0) {
      send(res, 404, { ...errorBody('not-found', `service revision not found: ${missing.map((m) => `${m.id}@${m.revision}`).join(', ')}`), services: missing });
      return;
    }
    const at = iso(Date.now());
    for (const r of refs) {
      const svc = store.services.get(EmulatorStore.serviceKey(r.id, r.revision))!;
      if (!svc.archived) {
        svc.archived = true;
        svc.archivedAt = at;
      }
      state.archived.push({ id: svc.id, revision: svc.revision, at });
    }
    await store.persist();
    send(res, 204);
  };

  const usages = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const json = await readJson(req, res, USAGE_CAP);
    if (!json) return;
    const problems = validateUsageReport(json.value);
    if (problems.length > 0) {
      const diagnostics = problems.map((p) => ({ code: ruleOf(p), severity: 'error', message: p }));
      send(res, 400, errorBody('invalid', problems[0]!, diagnostics));
      return;
    }
    const report = json.value as UsageReport;
    const known = new Set<string>();
    for (const s of state.services) for (const o of s.postpaidOptions) known.add(o);
    const unknown = [...new Set(report.usages.map((u) => u.param).filter((p) => !known.has(p)))];
    if (unknown.length > 0) {
      const diagnostics = unknown.map((p) => ({
        code: 'API-012',
        severity: 'error',
        message: `"${p}" is not a postpaid option (actions: [resource_usages]) of any uploaded service (API-012, BILL-018)`,
      }));
      send(res, 400, errorBody('unknown-param', diagnostics[0]!.message, diagnostics));
      return;
    }
    state.usages.push({
      at: iso(Date.now()),
      ...(report.broker_id !== undefined ? { broker_id: report.broker_id } : {}),
      ...(report.base_date !== undefined ? { base_date: report.base_date } : {}),
      usages: report.usages.map((u) => ({ instance_uuid: u.instance_uuid, param: u.param, value: u.value })),
    });
    await store.persist();
    send(res, 200, { accepted: report.usages.length });
  };

  const putManifest = async (req: IncomingMessage, res: ServerResponse, [name]: string[]): Promise<void> => {
    const body = await readBody(req, MANIFEST_CAP);
    if (!body.ok) {
      if (body.reason === 'too-large') await respondAfterDrain(req, res, MANIFEST_CAP, 400, errorBody('too-large', `manifest exceeds ${MANIFEST_CAP} bytes`));
      return;
    }
    const text = body.body.toString('utf8');
    if (text.trim() === '') {
      send(res, 400, errorBody('invalid', 'the manifest body is empty; send the .tf text (--data-binary @deploy.tf)'));
      return;
    }
    const sha = createHash('sha256').update(body.body).digest('hex');
    const file = join(store.dirs.manifests, `${sha}.tf`);
    const exists = await stat(file).then(
      () => true,
      () => false,
    );
    if (!exists) {
      const tmp = store.tmpPath('manifest');
      await writeFile(tmp, body.body);
      await rename(tmp, file);
    }
    let record = store.manifests.get(name!);
    if (!record) {
      record = { name: name!, versions: [] };
      state.manifests.push(record);
      store.manifests.set(name!, record);
    }
    record.versions.push({ version: record.versions.length + 1, sha256: sha, size: body.body.length, at: iso(Date.now()) });
    await store.persist();
    send(res, 201);
  };

  const getManifest = async (_req: IncomingMessage, res: ServerResponse, [name]: string[]): Promise<void> => {
    const record = store.manifests.get(name!);
    const current = record?.versions.at(-1);
    if (!current) {
      send(res, 404, errorBody('not-found', `manifest "${name}" not found`));
      return;
    }
    const text = await readFile(join(store.dirs.manifests, `${current.sha256}.tf`), 'utf8');
    send(res, 200, text);
  };

  const createObject = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const json = await readJson(req, res, JSON_CAP);
    if (!json) return;
    const b = json.value as { uuid?: unknown; config?: unknown; vars?: unknown } | null;
    if (b === null || typeof b !== 'object' || Array.isArray(b)) {
      send(res, 400, errorBody('invalid', 'body must be {"uuid": "<uuid4>", "config": "<manifest>", "vars": {…}}'));
      return;
    }
    if (typeof b.uuid !== 'string' || !UUID_RE.test(b.uuid)) {
      send(res, 400, errorBody('invalid', '"uuid" must be a UUID4 string'));
      return;
    }
    if (typeof b.config !== 'string' || b.config === '') {
      send(res, 400, errorBody('invalid', '"config" must be the name of an uploaded manifest'));
      return;
    }
    if (b.vars === null || typeof b.vars !== 'object' || Array.isArray(b.vars)) {
      send(res, 400, errorBody('invalid', '"vars" must be an object of external variables'));
      return;
    }
    const manifest = store.manifests.get(b.config);
    const version = manifest?.versions.at(-1);
    if (!manifest || !version) {
      send(res, 400, errorBody('invalid', `manifest "${b.config}" has not been uploaded (POST /hoe/config/${b.config} first)`));
      return;
    }
    const uuid = b.uuid.toLowerCase();
    if (store.objects.has(uuid)) {
      send(res, 400, errorBody('invalid', `object ${b.uuid} already exists; use a new UUID`));
      return;
    }
    const text = await readFile(join(store.dirs.manifests, `${version.sha256}.tf`), 'utf8');
    const vars = b.vars as Record<string, unknown>;
    const now = Date.now();
    const confHash = createHash('sha256')
      .update(version.sha256)
      .update(JSON.stringify(vars, Object.keys(vars).sort()))
      .digest('hex')
      .slice(0, 32);
    const obj: TestObjectRecord = {
      status: {
        uuid: b.uuid,
        target_status: 'running',
        vars,
        out: '{}',
        status: 'applying',
        conf_name: userName,
        conf_hash: confHash,
        pid: projectId,
        create_at: iso(now),
        update_at: iso(now),
        full_deployed: false,
        attempts: 0,
        max_attempts: MAX_ATTEMPTS,
      },
      config: b.config,
      manifestVersion: version.version,
      resources: countResources(text),
      transitionAt: now + transitionMs,
      logs: [],
    };
    addLog(obj, now, 'info', 'deployment', `object ${b.uuid}: applying manifest "${b.config}" version ${version.version}`);
    addLog(obj, now, 'debug', 'terraform', ' Terraform has been successfully initialized! ');
    state.objects.push(obj);
    store.objects.set(uuid, obj);
    await store.persist();
    send(res, 201);
  };

  const findObject = (raw: string): TestObjectRecord | undefined => store.objects.get(raw.toLowerCase());

  const getObject = async (_req: IncomingMessage, res: ServerResponse, [uuid]: string[]): Promise<void> => {
    await advanceAndPersist();
    const obj = findObject(uuid!);
    if (!obj) send(res, 404, errorBody('not-found', `object ${uuid} not found`));
    else send(res, 200, obj.status);
  };

  const deleteObject = async (req: IncomingMessage, res: ServerResponse, [uuid]: string[]): Promise<void> => {
    await advanceAndPersist();
    const obj = findObject(uuid!);
    if (!obj) {
      await respondAfterDrain(req, res, SMALL_BODY_CAP, 404, errorBody('not-found', `object ${uuid} not found`));
      return;
    }
    if (obj.status.target_status !== 'deleted') {
      const now = Date.now();
      obj.status.target_status = 'deleted';
      obj.status.update_at = iso(now);
      obj.transitionAt = now + transitionMs;
      addLog(obj, now, 'info', 'deployment', `object ${obj.status.uuid}: destroying`);
      await store.persist();
    }
    await respondAfterDrain(req, res, SMALL_BODY_CAP, 201);
  };

  const logs = async (_req: IncomingMessage, res: ServerResponse, [uuid]: string[]): Promise<void> => {
    await advanceAndPersist();
    const obj = findObject(uuid!);
    if (!obj) send(res, 404, errorBody('not-found', `object ${uuid} not found`));
    else send(res, 200, obj.logs);
  };

  const uploadCap = MAX_PACKAGE_BYTES + MULTIPART_SLACK;
  const routes: Route[] = [
    { method: 'POST', pattern: /^\/product$/, name: 'POST /product', token: 'service', drainCap: uploadCap, handler: upload },
    { method: 'POST', pattern: /^\/product\/archive$/, name: 'POST /product/archive', token: 'service', drainCap: SMALL_BODY_CAP, handler: archive },
    { method: 'POST', pattern: /^\/usages$/, name: 'POST /usages', token: 'usage', drainCap: SMALL_BODY_CAP, handler: usages },
    { method: 'POST', pattern: /^\/hoe\/config\/([^/]+)$/, name: 'POST /hoe/config', token: 'auth', drainCap: SMALL_BODY_CAP, handler: putManifest },
    { method: 'GET', pattern: /^\/hoe\/config\/([^/]+)$/, name: 'GET /hoe/config', token: 'auth', drainCap: SMALL_BODY_CAP, handler: getManifest },
    { method: 'POST', pattern: /^\/hoe\/object$/, name: 'POST /hoe/object', token: 'auth', drainCap: SMALL_BODY_CAP, handler: createObject },
    { method: 'GET', pattern: /^\/hoe\/object\/([^/]+)$/, name: 'GET /hoe/object', token: 'auth', drainCap: SMALL_BODY_CAP, handler: getObject },
    { method: 'DELETE', pattern: /^\/hoe\/object\/([^/]+)$/, name: 'DELETE /hoe/object', token: 'auth', drainCap: SMALL_BODY_CAP, handler: deleteObject },
    { method: 'GET', pattern: /^\/logs\/instance\/([^/]+)$/, name: 'GET /logs/instance', token: 'auth', drainCap: SMALL_BODY_CAP, handler: logs },
  ];

  const authFailure = (route: Route, req: IncomingMessage): string | undefined => {
    const headerName = route.token === 'auth' ? 'x-auth-token' : 'x-service-token';
    const value = header(req, headerName);
    if (value === undefined || value.trim() === '') return `missing ${headerName} header`;
    const d = digest(value.trim());
    if (tokens[route.token].has(d)) return undefined;
    if (route.token === 'usage' && tokens.service.has(d)) return 'the service (upload) key cannot push usages; use the usage key';
    if (route.token === 'service' && tokens.usage.has(d)) return 'a usage key cannot upload or archive; use the service key';
    return `${headerName} is not a valid ${route.token === 'auth' ? 'API token' : route.token === 'usage' ? 'usage key' : 'service key'}`;
  };

  const dropMidRequest = (req: IncomingMessage): void => {
    const length = header(req, 'content-length');
    const hasBody = (length !== undefined && length !== '0') || header(req, 'transfer-encoding') !== undefined;
    if (!hasBody) {
      req.socket.destroy();
      return;
    }
    const kill = (): void => {
      req.socket.destroy();
    };
    req.once('data', kill);
    req.once('end', kill);
    req.resume();
  };

  const internal = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    if (path === '/__emulator/state' && req.method === 'GET') {
      send(res, 200, stateView());
      return;
    }
    if (path === '/__emulator/faults' && req.method === 'GET') {
      send(res, 200, faults);
      return;
    }
    if (path === '/__emulator/faults' && req.method === 'POST') {
      const json = await readJson(req, res, 64 * 1024);
      if (!json) return;
      const f = normalizeFaults(json.value);
      if (typeof f === 'string') send(res, 400, errorBody('invalid', f));
      else {
        faults = f;
        send(res, 204);
      }
      return;
    }
    await respondAfterDrain(req, res, SMALL_BODY_CAP, 404, errorBody('not-found', `no emulator route ${req.method} ${path}`));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://emulator.invalid').pathname;
    if (path.startsWith('/__emulator/')) {
      await internal(req, res, path);
      return;
    }
    const sub = path.startsWith(`${API_PREFIX}/`) ? path.slice(API_PREFIX.length) : undefined;
    const candidates = sub === undefined ? [] : routes.filter((r) => r.pattern.test(sub));
    const route = candidates.find((r) => r.method === req.method);
    if (!route) {
      if (candidates.length > 0) {
        await respondAfterDrain(req, res, SMALL_BODY_CAP, 405, errorBody('method-not-allowed', `${req.method} is not supported on ${path}`), {
          allow: candidates.map((c) => c.method).join(', '),
        });
      } else {
        await respondAfterDrain(req, res, SMALL_BODY_CAP, 404, errorBody('not-found', `no Infra API endpoint ${req.method} ${path}`));
      }
      return;
    }
    stats.requests++;
    stats.byRoute[route.name] = (stats.byRoute[route.name] ?? 0) + 1;

    if (faults.delayMs) await new Promise((r) => setTimeout(r, faults.delayMs));
    if (faults.dropConnectionCount) {
      faults.dropConnectionCount--;
      stats.droppedInjected++;
      dropMidRequest(req);
      return;
    }
    if (faults.fail5xxCount) {
      faults.fail5xxCount--;
      stats.failedInjected++;
      const status = faults.failStatus ?? 500;
      await respondAfterDrain(req, res, route.drainCap, status, errorBody('injected', `injected failure (HTTP ${status})`), faults.retryAfter !== undefined ? { 'retry-after': faults.retryAfter } : {});
      return;
    }

    const denied = authFailure(route, req);
    if (denied !== undefined) {
      await respondAfterDrain(req, res, route.drainCap, 401, errorBody('unauthorized', denied));
      return;
    }
    const match = route.pattern.exec(sub!)!;
    let params: string[];
    try {
      params = match.slice(1).map((p) => decodeURIComponent(p));
    } catch {
      await respondAfterDrain(req, res, SMALL_BODY_CAP, 400, errorBody('invalid', 'malformed percent-encoding in the path'));
      return;
    }
    await route.handler(req, res, params);
  };

  const inflight = new Set<Promise<void>>();
  const server = createServer((req, res) => {
    const task = handle(req, res).catch((err: unknown) => {
      if (res.headersSent) {
        req.socket.destroy();
        return;
      }
      send(res, 500, errorBody('internal', `emulator error: ${err instanceof Error ? err.message : String(err)}`), { connection: 'close' });
    });
    inflight.add(task);
    void task.finally(() => inflight.delete(task));
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closed: Promise<void> | undefined;

  return {
    url,
    baseUrl: `${url}${API_PREFIX}`,
    port,
    setFaults(f: EmulatorFaults): void {
      const normalized = normalizeFaults(f);
      if (typeof normalized === 'string') throw new TypeError(normalized);
      faults = normalized;
    },
    state: stateView,
    close(): Promise<void> {
      closed ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        // Handlers of dropped connections may still be storing files or state: let them finish.
        while (inflight.size > 0) await Promise.allSettled([...inflight]);
        await store.flush();
      })();
      return closed;
    },
  };
}
