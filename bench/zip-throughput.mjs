// Zip throughput: `writeZip` (packages/core/src/zip) against the system `zip -6 -r -X`.
//
// Builds a ~20 MB package tree in a temp dir (one 20 MB incompressible PNG-like icon and
// ~1,000 small YAML/TF files), then zips it 5 times each way and prints the median time,
// the throughput and the ratio. Both sides include reading the tree and writing the archive.
//
//   node bench/zip-throughput.mjs [--runs N]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;

// Load writeZip from source: bundle the zip module (npm packages stay external).
const outDir = join(root, 'bench', 'out');
mkdirSync(outDir, { recursive: true });
const bundle = join(outDir, 'zip-bench-module.mjs');
await build({
  entryPoints: [join(root, 'packages', 'core', 'src', 'zip', 'index.ts')],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
const { writeZip } = await import(pathToFileURL(bundle).href);

// ------------------------------------------------------------------ the tree
/** xorshift32: reproducible "random" bytes without crypto cost. */
function noise(size, seed) {
  const out = Buffer.allocUnsafe(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i + 4 <= size; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out.writeUInt32LE(x >>> 0, i);
  }
  for (let i = size - (size % 4); i < size; i++) out[i] = i & 0xff;
  return out;
}

const work = mkdtempSync(join(tmpdir(), 'vkmp-zip-bench-'));
const pkg = join(work, 'demo_app');
const put = (rel, data) => {
  const file = join(pkg, rel);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, data);
};

const png = noise(20 * 1048576, 0x9e3779b9);
Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(png, 0);
put('images/icon.png', png);
put('version.yaml', 'version: 0.0.1\n');
put('service.yaml', 'id: 3f0a6c1e-5b7d-4e2a-9c8f-1d2e3f4a5b6c\nrevision: "1.0"\nname: Demo App\n');
put('full_description.md', '# Demo\n\n'.repeat(200));
let files = 4;
for (let i = 0; i < 500; i++) {
  put(
    `parameters/option_${String(i).padStart(4, '0')}.yaml`,
    `actions: [create, update]\nschema:\n  description: Option ${i}\n  hint: Number of things for option ${i}\n  type: integer\n  default: ${i % 7}\n  minimum: 0\n  maximum: ${10 + i}\nbilling:\n  cost: ${i * 3}\n  unit:\n    size: 10\n    measurement: users\n`.repeat(3),
  );
  files++;
}
for (let p = 0; p < 20; p++) {
  const plan = `plans/plan_${String(p).padStart(2, '0')}`;
  put(`${plan}/plan.yaml`, `id: 7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c${String(p).padStart(2, '0')}\nrevision: "1.0"\nname: plan_${p}\ndescription: Plan ${p}\nfree: false\nbilling:\n  cost: ${1000 + p}\n`);
  put(`${plan}/display.yaml`, `pages:\n  - name: Server\n    groups:\n      - name: VM\n        parameters:\n${Array.from({ length: 20 }, (_, k) => `          - name: option_${String(p * 20 + k).padStart(4, '0')}\n`).join('')}entities: []\n`);
  files += 2;
  for (let t = 0; t < 22; t++) {
    put(
      `${plan}/deployment/part_${String(t).padStart(2, '0')}.tf`,
      Array.from({ length: 8 }, (_, k) => `resource "vkcs_networking_secgroup_rule" "r_${t}_${k}" {\n  direction         = "ingress"\n  protocol          = "tcp"\n  port_range_min    = ${1000 + k}\n  port_range_max    = ${1000 + k}\n  remote_ip_prefix  = "0.0.0.0/0"\n  security_group_id = vkcs_networking_secgroup.sg.id\n}\n`).join('\n'),
    );
    files++;
  }
}

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walk(full));
    else out.push(full);
  }
  return out;
}
const inputBytes = walk(pkg).reduce((n, f) => n + statSync(f).size, 0);

// ------------------------------------------------------------------ runs
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const mbps = (ms) => inputBytes / 1048576 / (ms / 1000);

async function runWriteZip() {
  const t0 = performance.now();
  const entries = walk(pkg).map((f) => ({ path: relative(work, f).split('\\').join('/'), bytes: readFileSync(f) }));
  const zip = await writeZip(entries);
  writeFileSync(join(work, 'writezip.zip'), zip);
  return { ms: performance.now() - t0, size: zip.length };
}

function runSystemZip() {
  rmSync(join(work, 'system.zip'), { force: true });
  const t0 = performance.now();
  execFileSync('zip', ['-6', '-r', '-X', '-q', 'system.zip', 'demo_app'], { cwd: work });
  return { ms: performance.now() - t0, size: statSync(join(work, 'system.zip')).size };
}

console.log(`tree: ${files} files, ${(inputBytes / 1048576).toFixed(1)} MB (20 MB incompressible icon + text), ${RUNS} runs each, node ${process.version}`);
await runWriteZip(); // warm-up: module load, zlib init
const ours = [];
for (let i = 0; i < RUNS; i++) ours.push(await runWriteZip());
const oursMs = median(ours.map((r) => r.ms));
console.log(`writeZip      median ${oursMs.toFixed(1)} ms  ${mbps(oursMs).toFixed(1)} MB/s  archive ${ours[0].size} bytes`);

const hasZip = spawnSync('zip', ['-v'], { stdio: 'ignore' }).status === 0;
if (!hasZip) {
  console.log('zip -6: the `zip` command is not installed; skipped.');
} else {
  runSystemZip();
  const theirs = [];
  for (let i = 0; i < RUNS; i++) theirs.push(runSystemZip());
  const theirsMs = median(theirs.map((r) => r.ms));
  console.log(`zip -6 -r -X  median ${theirsMs.toFixed(1)} ms  ${mbps(theirsMs).toFixed(1)} MB/s  archive ${theirs[0].size} bytes`);
  console.log(`ratio writeZip / zip -6: ${(oursMs / theirsMs).toFixed(2)}×`);
}
rmSync(work, { recursive: true, force: true });
