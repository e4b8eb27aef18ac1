/**
 * The cases of the image-based reader fuzz test (`fuzz.test.ts`): random damage to the
 * SPEC §C.15 package and one read-and-validate run per case. Kept free of vitest so the
 * same cases can be profiled in plain Node.
 */
import fc from 'fast-check';
import { parse as parseYamlLib, stringify as stringifyYaml } from 'yaml';
import type { Diagnostic } from '../../packages/core/src/diagnostics.js';
import { prepareTerraform } from '../../packages/core/src/ib/terraform.js';
import { validateModel } from '../../packages/core/src/index.js';
import type { ProjectModel } from '../../packages/core/src/model/types.js';
import { readIbPackageTree } from '../../packages/core/src/read/ib.js';
import { readZipTree } from '../../packages/core/src/read/zip.js';
import { makeZip, specFiles, text, utf8, type Files } from './support.js';

const BASE = specFiles();
const PATHS = [...BASE.keys()];
const YAML_PATHS = PATHS.filter((p) => p.endsWith('.yaml'));
const TF_PATHS = PATHS.filter((p) => p.endsWith('.tf'));
/** The parsed YAML of the undamaged files: a key mutation of an undamaged file starts from a copy. */
const BASE_YAML = new Map(YAML_PATHS.map((p) => [p, parseYamlLib(text(BASE.get(p)!)) as unknown]));


/** Every key path of a plain YAML value (arrays by index). */
function keyPaths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (Array.isArray(v)) v.forEach((x, i) => (out.push([...prefix, i]), keyPaths(x, [...prefix, i], out)));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) (out.push([...prefix, k]), keyPaths(x, [...prefix, k], out));
  return out;
}

const anyValue = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.double({ noNaN: false }),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 40 }),
  fc.constantFrom('yes', 'no', 'on', '0.0.1', '1 mons 0 days', 'create', 'resource_usages', 'ceph-ssd', 'gz1', 'flavor', '__proto__', '', 'a: b', '${var.x}'),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 8 }), fc.constant(null)), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.integer(), fc.string({ maxLength: 8 }), fc.boolean()), { maxKeys: 3 }),
);

/** A YAML file with a key deleted or a value replaced by one of another type. */
interface KeyMutation { t: 'key'; path: string; pick: number; del: boolean; value: unknown }
/** Raw damage to a file's bytes. */
interface ByteMutation { t: 'bytes'; path: string; at: number; op: number; s: string; byte: number }
/** A file deleted, moved, added, or turned into a directory. */
interface FileMutation { t: 'file'; path: string; op: number; dir: string; name: string }
export type Mutation = KeyMutation | ByteMutation | FileMutation;

const keyMutation: fc.Arbitrary<Mutation> = fc.record({ t: fc.constant('key' as const), path: fc.constantFrom(...YAML_PATHS), pick: fc.nat(), del: fc.boolean(), value: anyValue });
const byteMutation: fc.Arbitrary<Mutation> = fc.record({ t: fc.constant('bytes' as const), path: fc.constantFrom(...PATHS), at: fc.nat(), op: fc.integer({ min: 0, max: 6 }), s: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(': ', ' #', '\t', '\u0000', '&a ', '*a', '\n- ', '{', '[', '"', "'", '${', '\ufeff', '\u2028', '\ud800', '<<: *a', '---\n', '!!python/object ')), byte: fc.integer({ min: 0, max: 255 }) });
const fileMutation: fc.Arbitrary<Mutation> = fc.record({
  t: fc.constant('file' as const),
  path: fc.constantFrom(...PATHS),
  op: fc.integer({ min: 0, max: 3 }),
  dir: fc.constantFrom('', 'images/', 'parameters/', 'plans/', 'plans/basic/', 'plans/basic/deployment/', 'plans/x/', '.git/', '__MACOSX/'),
  name: fc.constantFrom('x.yaml', 'icon.svg', 'service.yaml', 'plan.yaml', 'display.yaml', 'deployment', 'deploy.tf', 'settings.yaml', 'a b.yaml', 'ds-flavor.yaml', '.DS_Store', 'README.md', 'x.yml', '__proto__'),
});

function applyKey(files: Files, m: KeyMutation): void {
  const bytes = files.get(m.path);
  if (!bytes) return;
  let doc: unknown;
  try {
    doc = bytes === BASE.get(m.path) ? structuredClone(BASE_YAML.get(m.path)) : parseYamlLib(text(bytes), { logLevel: 'silent' });
  } catch {
    return;
  }
  const paths = keyPaths(doc);
  if (paths.length === 0) {
    files.set(m.path, utf8(stringifyYaml(m.value)));
    return;
  }
  const target = paths[m.pick % paths.length]!;
  let parent = doc as Record<string | number, unknown>;
  for (const k of target.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  const last = target[target.length - 1]!;
  if (m.del) {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else parent[last] = m.value;
  files.set(m.path, utf8(stringifyYaml(doc)));
}

function applyBytes(files: Files, m: ByteMutation): void {
  const b = files.get(m.path);
  if (!b) return;
  const i = b.length ? m.at % b.length : 0;
  const t = text(b);
  const lines = t.split('\n');
  const li = lines.length ? m.at % lines.length : 0;
  switch (m.op) {
    case 0: // truncate
      files.set(m.path, b.subarray(0, i));
      break;
    case 1: // flip a byte
      if (b.length) {
        const c = new Uint8Array(b);
        c[i] = m.byte;
        files.set(m.path, c);
      }
      break;
    case 2: // insert text
      files.set(m.path, utf8(t.slice(0, i) + m.s + t.slice(i)));
      break;
    case 3: // drop a line
      lines.splice(li, 1);
      files.set(m.path, utf8(lines.join('\n')));
      break;
    case 4: // double a line
      lines.splice(li, 0, lines[li] ?? '');
      files.set(m.path, utf8(lines.join('\n')));
      break;
    case 5: // re-indent a line
      lines[li] = (m.byte % 2 ? '\t' : ' '.repeat(m.byte % 5)) + (lines[li] ?? '').trimStart();
      files.set(m.path, utf8(lines.join('\n')));
      break;
    default: // empty file
      files.set(m.path, new Uint8Array(0));
  }
}

function applyFile(files: Files, m: FileMutation): void {
  const b = files.get(m.path);
  switch (m.op) {
    case 0:
      files.delete(m.path);
      break;
    case 1:
      if (b) {
        files.delete(m.path);
        files.set(`${m.dir}${m.name}`, b);
      }
      break;
    case 2:
      files.set(`${m.dir}${m.name}`, b ?? utf8(m.name));
      break;
    default:
      if (b) {
        files.delete(m.path);
        files.set(`${m.path}/${m.name}`, b);
      }
  }
}

export function applyMutation(files: Files, m: Mutation): void {
  if (m.t === 'key') applyKey(files, m);
  else if (m.t === 'bytes') applyBytes(files, m);
  else applyFile(files, m);
}

const mutation = fc.oneof({ arbitrary: keyMutation, weight: 4 }, { arbitrary: byteMutation, weight: 3 }, { arbitrary: fileMutation, weight: 2 });

/** What happens to the archive: none (read the tree), a clean zip, or a damaged zip. */
export type Damage = { kind: 'tree' } | { kind: 'zip' } | { kind: 'corrupt'; at: number; bytes: Uint8Array; truncate: boolean };
const zipDamage: fc.Arbitrary<Damage> = fc.oneof(
  { arbitrary: fc.constant({ kind: 'tree' as const }), weight: 18 },
  { arbitrary: fc.constant({ kind: 'zip' as const }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('corrupt' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }), truncate: fc.boolean() }), weight: 1 },
);

const shapeOk= (d: Diagnostic) => /^[A-Z]+-\d{3}$/.test(d.code) && typeof d.message === 'string' && d.message.length > 0 && (d.severity === 'error' || d.severity === 'warning');

export interface FuzzStats {
  cases: number;
  terraformParsed: number;
}

/** One case: damage, read (tree or zip), maybe parse Terraform, validate; throws on a crash or a malformed diagnostic. */
export async function runCase(mutations: Mutation[], damage: Damage, tfDice: number, stats: FuzzStats): Promise<void> {
  const files: Files = new Map(BASE);
  for (const m of mutations) applyMutation(files, m);
  const sorted = new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  let result;
  if (damage.kind === 'tree') {
    result = readIbPackageTree({ root: '/fuzz/demo_app', entries: sorted, issues: [] });
  } else {
    let zip = makeZip([...sorted].map(([name, data], i) => ({ name: `demo_app/${name}`, data, deflate: i % 2 === 0 })));
    if (damage.kind === 'corrupt') {
      const at = damage.at % Math.max(1, zip.length);
      zip = damage.truncate ? zip.subarray(0, at) : new Uint8Array([...zip.subarray(0, at), ...damage.bytes, ...zip.subarray(Math.min(zip.length, at + damage.bytes.length))]);
    }
    const tree = await readZipTree(zip, undefined, '/fuzz/demo_app.zip');
    result = readIbPackageTree(tree, { zip: true, serviceName: 'demo_app' });
  }
  const model: ProjectModel = { catalogs: [], packages: result.service ? [result.service] : [] };
  const tfDamaged = TF_PATHS.some((p) => files.get(p) !== BASE.get(p));
  if (tfDice === 0 || (tfDamaged && tfDice < 2)) {
    stats.terraformParsed++;
    await prepareTerraform(model);
  }
  stats.cases++;
  const diagnostics = [...result.diagnostics, ...validateModel(model)];
  const crashes = diagnostics.filter((d) => d.message.startsWith('Internal error in rule'));
  if (crashes.length) throw new Error(`rule crash: ${crashes.map((d) => `${d.code}: ${d.message}`).join('; ')}`);
  const bad = diagnostics.filter((d) => !shapeOk(d));
  if (bad.length) throw new Error(`malformed diagnostic: ${JSON.stringify(bad[0])}`);
}

/** The whole property: 1–4 mutations, a zip damage, a Terraform dice. */
export const fuzzCase = fc.tuple(fc.array(mutation, { minLength: 1, maxLength: 4 }), zipDamage, fc.nat(15));
