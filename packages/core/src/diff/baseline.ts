/**
 * diff baselines: what the sources are compared with. The deployed state by default;
 * or a build directory, a package zip, a catalog JSON (any artifact `readArtifacts`
 * reads), the project at a git ref (`git:<ref>`), or a live SaaS broker's catalog
 * (`https://broker/…`, OSB `GET /v2/catalog`).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import type { ProjectModel } from '../model/types.js';
import { compileProject } from '../pipeline.js';
import { readArtifacts } from '../read/artifacts.js';
import { readSaasCatalog } from '../read/saas.js';
import { ledgerFromStates, readDeployedState, snapshotFromStates, STATE_DIR } from '../state/state.js';
import { normalizeProject, type Snapshot } from './normalize.js';
import type { Ledger } from './revisions.js';

export type BaselineSpec =
  | { kind: 'state' }
  | { kind: 'artifact'; path: string }
  | { kind: 'git'; ref: string }
  | { kind: 'broker'; url: string };

/** A baseline that cannot be loaded: the message says why and what to pass instead. */
export class BaselineError extends Error {
  constructor(message: string, readonly diagnostics: Diagnostic[] = []) {
    super(message);
    this.name = 'BaselineError';
  }
}

const FORMS = 'Use a build directory, a package zip, a catalog_<NAME>.json, git:<ref> or a broker URL (https://…).';

/** Parses `--against`: undefined → the deployed state. */
export function parseBaselineSpec(value: string | undefined, cwd: string = process.cwd()): BaselineSpec {
  if (value === undefined || value === '' || value === 'state' || value === 'deployed') return { kind: 'state' };
  if (value.startsWith('git:')) {
    const ref = value.slice(4);
    if (!ref || /^-/.test(ref) || /[\s\0]/.test(ref)) throw new BaselineError(`--against ${value}: "${ref}" is not a git ref. ${FORMS}`);
    return { kind: 'git', ref };
  }
  if (/^https?:\/\//i.test(value)) {
    try {
      new URL(value);
    } catch {
      throw new BaselineError(`--against ${redactUrl(value)}: not a valid URL.`);
    }
    return { kind: 'broker', url: value };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) throw new BaselineError(`--against ${redactUrl(value)}: unsupported URL scheme; a broker URL starts with https:// or http://.`);
  const path = resolve(cwd, value);
  if (!existsSync(path)) throw new BaselineError(`--against ${value}: no such file or directory, and not a form vkmp knows. ${FORMS}`);
  return { kind: 'artifact', path };
}

export interface Baseline {
  snapshot: Snapshot;
  /** Human description: `deployed state (.vkmp/deployed)`, `git:HEAD~1 (3f2a1bc)`, … */
  label: string;
  /** Warnings from reading the baseline (errors make loadBaseline throw). */
  diagnostics: Diagnostic[];
}

export interface BaselineContext {
  /** The project root (directory of vkmp.config.ts), for the state and git. */
  rootDir: string;
  /** The config path, to compile the project at a git ref. */
  configPath?: string;
  /** The head snapshot: names a broker's catalog by matching service ids. */
  head?: Snapshot;
  /** `x-broker-api-version` (default `0.1`). */
  brokerApiVersion?: string;
  /** Environment for broker credentials (default process.env). */
  env?: Record<string, string | undefined>;
  /** Broker request timeout in ms (default 15000). */
  timeoutMs?: number;
}

/** Loads a baseline snapshot. Throws BaselineError with a clear message on bad input. */
export async function loadBaseline(spec: BaselineSpec, ctx: BaselineContext): Promise<Baseline> {
  switch (spec.kind) {
    case 'state': {
      const states = readDeployedState(ctx.rootDir);
      return { snapshot: snapshotFromStates(states), label: states.size ? `deployed state (${STATE_DIR})` : `deployed state (${STATE_DIR} is empty: everything is new)`, diagnostics: [] };
    }
    case 'artifact': {
      const model = await readArtifactTree(spec.path);
      return { snapshot: normalizeProject(model.model), label: relative(process.cwd(), spec.path) || spec.path, diagnostics: model.diagnostics };
    }
    case 'git':
      return gitBaseline(spec.ref, ctx);
    case 'broker':
      return brokerBaseline(spec.url, ctx);
  }
}

/** The ledger (REV-003) of the project: the deployed state, whatever the baseline. */
export function loadLedger(rootDir: string): Ledger {
  return ledgerFromStates(readDeployedState(rootDir));
}

// ---------------------------------------------------------------------------------------
// Artifacts: a catalog, a broker or package directory, a zip, or a build output directory
// holding several of them (`dist/<SERVICE_NAME>/…`).

function failOnErrors(what: string, diagnostics: Diagnostic[]): Diagnostic[] {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) {
    const first = errors[0]!;
    throw new BaselineError(`${what} cannot be read: ${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more error${errors.length > 2 ? 's' : ''})` : ''}`, errors);
  }
  return diagnostics;
}

/** Reads an artifact path; a directory no reader claims is read as a build output (its children). */
export async function readArtifactTree(path: string): Promise<{ model: ProjectModel; diagnostics: Diagnostic[] }> {
  const direct = await readArtifacts([path]);
  const notArtifact = direct.diagnostics.some((d) => d.code === 'READ-002');
  if (!notArtifact || !statSync(path).isDirectory()) return { model: direct.model, diagnostics: failOnErrors(path, direct.diagnostics) };
  const model: ProjectModel = { catalogs: [], packages: [] };
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  const children = readdirSync(path, { withFileTypes: true })
    .filter((d) => !d.name.startsWith('.'))
    // Directories before zips, so a package written both ways counts once.
    .sort((a, b) => Number(b.isDirectory()) - Number(a.isDirectory()) || (a.name < b.name ? -1 : 1));
  for (const child of children) {
    const r = await readArtifacts([join(path, child.name)]);
    if (r.diagnostics.some((d) => d.code === 'READ-002')) continue;
    failOnErrors(join(path, child.name), r.diagnostics);
    diagnostics.push(...r.diagnostics);
    for (const c of r.model.catalogs) if (!seen.has(`saas:${c.serviceName}`)) (seen.add(`saas:${c.serviceName}`), model.catalogs.push(c));
    for (const p of r.model.packages) if (!seen.has(`ib:${p.serviceName}`)) (seen.add(`ib:${p.serviceName}`), model.packages.push(p));
  }
  if (!model.catalogs.length && !model.packages.length) {
    throw new BaselineError(`${path} holds no artifact vkmp can read (a catalog_<NAME>.json, a broker directory, a package directory or zip, or a build output directory of them).`);
  }
  return { model, diagnostics };
}

// ---------------------------------------------------------------------------------------
// git:<ref> — the project as committed at a ref, compiled without installing anything.

function run(cmd: string, args: string[], cwd: string, stdoutTo?: NodeJS.WritableStream): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    if (stdoutTo) child.stdout.pipe(stdoutTo);
    else child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', rej);
    child.on('close', (code) => res({ code, stdout, stderr }));
  });
}

async function git(args: string[], cwd: string): Promise<string> {
  let r;
  try {
    r = await run('git', args, cwd);
  } catch (error) {
    throw new BaselineError(`cannot run git: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'git is not installed' : (error as Error).message}`);
  }
  if (r.code !== 0) throw new BaselineError(`git ${args[0]} failed: ${r.stderr.trim() || `exit code ${r.code}`}`);
  return r.stdout.trim();
}

/** Extracts the tree of `commit` into a new temporary directory (`git archive | tar -x`). */
async function extract(toplevel: string, commit: string, into: string): Promise<void> {
  const archive = spawn('git', ['archive', '--format=tar', commit], { cwd: toplevel, stdio: ['ignore', 'pipe', 'pipe'] });
  const untar = spawn('tar', ['-x', '-f', '-', '-C', into], { stdio: ['pipe', 'ignore', 'pipe'] });
  let errors = '';
  archive.stderr.on('data', (b: Buffer) => (errors += b.toString()));
  untar.stderr.on('data', (b: Buffer) => (errors += b.toString()));
  archive.stdout.pipe(untar.stdin);
  const done = (p: ReturnType<typeof spawn>, name: string) =>
    new Promise<void>((res, rej) => {
      p.on('error', (e: NodeJS.ErrnoException) => rej(new BaselineError(`cannot run ${name}: ${e.code === 'ENOENT' ? `${name} is not installed` : e.message}`)));
      p.on('close', (code) => (code === 0 ? res() : rej(new BaselineError(`${name} failed while extracting ${commit}: ${errors.trim() || `exit code ${code}`}`))));
    });
  await Promise.all([done(archive, 'git archive'), done(untar, 'tar')]);
}

/**
 * Links the node_modules the project resolves from into the extracted tree, at the same
 * relative places (nothing is installed). A node_modules above the repository is linked
 * at the tree's root.
 */
function linkNodeModules(projectDir: string, toplevel: string, tree: string): void {
  let dir = projectDir;
  let linkedRoot = false;
  for (;;) {
    const nm = join(dir, 'node_modules');
    if (existsSync(nm)) {
      const rel = relative(toplevel, dir);
      const inside = rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
      const target = inside ? join(tree, rel, 'node_modules') : join(tree, 'node_modules');
      if (inside || !linkedRoot) {
        if (!existsSync(target)) {
          mkdirSync(dirname(target), { recursive: true });
          symlinkSync(nm, target, 'dir');
        }
        if (!inside || rel === '') linkedRoot = true;
      }
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
}

async function gitBaseline(ref: string, ctx: BaselineContext): Promise<Baseline> {
  if (!ctx.configPath) throw new BaselineError('--against git:<ref> needs a project (vkmp.config.ts) to compile at that ref.');
  const toplevel = await git(['rev-parse', '--show-toplevel'], ctx.rootDir).catch(() => {
    throw new BaselineError(`--against git:${ref}: ${ctx.rootDir} is not inside a git repository.`);
  });
  let commit: string;
  try {
    commit = await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], toplevel);
  } catch {
    commit = '';
  }
  if (!commit) throw new BaselineError(`--against git:${ref}: "${ref}" is not a commit in ${toplevel} (check the ref with git log).`);
  const tree = mkdtempSync(join(tmpdir(), 'vkmp-git-'));
  const previousCache = process.env.VKMP_NO_CACHE;
  try {
    await extract(toplevel, commit, tree);
    const configRel = relative(toplevel, ctx.configPath);
    const config = join(tree, configRel);
    if (configRel.startsWith('..') || !existsSync(config)) throw new BaselineError(`--against git:${ref}: ${configRel.split(sep).join('/')} does not exist at ${commit.slice(0, 12)}.`);
    linkNodeModules(dirname(ctx.configPath), toplevel, tree);
    // The temporary tree would only fill the bundle cache with entries nobody reuses.
    process.env.VKMP_NO_CACHE = '1';
    const compiled = await compileProject({ config });
    if (!compiled.model) {
      const first = compiled.diagnostics.find((d) => d.severity === 'error');
      throw new BaselineError(`the project at git:${ref} (${commit.slice(0, 12)}) does not load: ${first?.message ?? 'unknown error'}`, compiled.diagnostics);
    }
    return { snapshot: normalizeProject(compiled.model), label: `git:${ref} (${commit.slice(0, 12)})`, diagnostics: [] };
  } finally {
    if (previousCache === undefined) delete process.env.VKMP_NO_CACHE;
    else process.env.VKMP_NO_CACHE = previousCache;
    rmSync(tree, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------
// A live broker: OSB `GET <url>/v2/catalog`, basic auth from VKMP_BROKER_USERNAME/PASSWORD.

/** The URL without credentials, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = '';
      u.password = '';
    }
    return u.toString();
  } catch {
    return url.replace(/\/\/[^/@]*@/, '//');
  }
}

async function brokerBaseline(url: string, ctx: BaselineContext): Promise<Baseline> {
  const env = ctx.env ?? process.env;
  const u = new URL(url);
  const username = decodeURIComponent(u.username) || env.VKMP_BROKER_USERNAME;
  const password = decodeURIComponent(u.password) || env.VKMP_BROKER_PASSWORD;
  u.username = '';
  u.password = '';
  const base = u.toString().replace(/\/+$/, '');
  const endpoint = base.endsWith('/v2/catalog') ? base : `${base}/v2/catalog`;
  const headers: Record<string, string> = { accept: 'application/json', 'x-broker-api-version': ctx.brokerApiVersion ?? '0.1' };
  if (username !== undefined || password !== undefined) headers.authorization = `Basic ${Buffer.from(`${username ?? ''}:${password ?? ''}`).toString('base64')}`;
  const { request } = await import('undici');
  const timeout = ctx.timeoutMs ?? 15_000;
  let status: number;
  let body: Uint8Array;
  try {
    const res = await request(endpoint, { method: 'GET', headers, headersTimeout: timeout, bodyTimeout: timeout });
    status = res.statusCode;
    body = new Uint8Array(await res.body.arrayBuffer());
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
    const code = e.code ?? e.cause?.code;
    throw new BaselineError(`cannot reach the broker at ${endpoint}: ${code ? `${code}${e.message && !e.message.includes(code) ? ` (${e.message})` : ''}` : e.message}`);
  }
  if (status === 401 || status === 403) throw new BaselineError(`the broker at ${endpoint} answered HTTP ${status}: check VKMP_BROKER_USERNAME and VKMP_BROKER_PASSWORD (the broker's BROKER_USERNAME/BROKER_PASSWORD).`);
  if (status === 412) throw new BaselineError(`the broker at ${endpoint} answered HTTP 412: it does not accept x-broker-api-version ${headers['x-broker-api-version']}; pass --broker-api-version.`);
  if (status < 200 || status >= 300) throw new BaselineError(`the broker at ${endpoint} answered HTTP ${status}.`);
  const peek = readSaasCatalog({ catalog: { path: endpoint, bytes: body } });
  failOnErrors(`the broker catalog at ${endpoint}`, peek.diagnostics);
  const ids = new Set(peek.value.services.map((s) => s.id));
  const match = ctx.head?.units.find((x) => x.kind === 'saas' && x.entries.some((e) => ids.has(e.id)));
  const serviceName = match?.serviceName ?? (u.hostname.replace(/[^A-Za-z0-9_]/g, '_') || 'broker');
  const catalog = peek.value;
  catalog.serviceName = serviceName;
  for (const s of catalog.services) s.serviceName = serviceName;
  // The broker serves the catalog, not plan_mapping.json: the mapping is unknown on this side.
  catalog.planMapping = undefined;
  return { snapshot: normalizeProject({ catalogs: [catalog], packages: [] }), label: `broker ${endpoint}`, diagnostics: peek.diagnostics };
}
