// Benchmark: cold `vkmp validate` (a new node process per run) on
//   1. a ~30 MB image-based package zip: the SPEC §C.15 package plus a 29 MiB incompressible
//      file in plans/basic/deployment/ (stored, so the archive is ~29 MiB);
//   2. a SaaS catalog with 1,000 plans (the VK Testers catalog, its plan repeated).
// Prints the median wall time of the runs and the peak RSS (/usr/bin/time -f %M); asserts
// nothing. Goal: the 30 MB zip in ≤ 1 s with a peak RSS < 200 MB.
// Usage: node bench/validate.mjs [runs]   (default 5; build the CLI first: node scripts/build.mjs)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'packages', 'cli', 'bin', 'vkmp.js');
const out = join(root, 'bench', 'out', 'validate');
const runs = Number(process.argv[2] ?? 5);
const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const MiB = 1048576;

if (!existsSync(join(root, 'packages', 'cli', 'dist', 'vkmp.js'))) {
  console.error('Build the CLI first: node scripts/build.mjs');
  process.exit(1);
}

// ---------------------------------------------------------------- inputs

/** Deterministic incompressible bytes (SHA-256 in counter mode). */
function noise(size) {
  const buf = Buffer.alloc(size);
  for (let off = 0, i = 0; off < size; off += 32, i++) createHash('sha256').update(`vkmp-bench-${i}`).digest().copy(buf, off);
  return buf;
}

/** A zip of stored entries (the payload does not compress, and stored keeps this script dependency-free). */
function storedZip(entries) {
  const parts = [];
  const central = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const n = Buffer.from(name);
    const crc = crc32(data) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(33, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(n.length, 26);
    parts.push(local, n, data);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE((3 << 8) | 20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(0x0800, 8);
    c.writeUInt16LE(33, 14);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(data.length, 20);
    c.writeUInt32LE(data.length, 24);
    c.writeUInt16LE(n.length, 28);
    c.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    c.writeUInt32LE(offset, 42);
    central.push(c, n);
    offset += 30 + n.length + data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cd, end]);
}

function packageEntries(dir, prefix) {
  const entries = [];
  const walk = (rel) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(join(dir, r)).isDirectory()) walk(r);
      else entries.push([`${prefix}${r}`, readFileSync(join(dir, r))]);
    }
  };
  walk('');
  return entries;
}

function makeZip() {
  const entries = packageEntries(join(root, 'test', 'fixtures', 'ib', 'spec-c15', 'demo_app'), 'demo_app/');
  entries.push(['demo_app/plans/basic/deployment/payload.bin', noise(29 * MiB)]);
  entries.sort(([a], [b]) => (a < b ? -1 : 1));
  const path = join(out, 'demo_app.zip');
  writeFileSync(path, storedZip(entries));
  return path;
}

/** The VK Testers catalog with its plan repeated `count` times (distinct ids and names), and its plan_mapping.json. */
function makeCatalog(count) {
  const base = JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'saas', 'vk-testers', 'catalog_VKT.json'), 'utf8'));
  const service = base.services[0];
  const template = service.plans[0];
  const mapping = {};
  service.plans = Array.from({ length: count }, (_, i) => {
    const hex = createHash('sha256').update(`plan-${i}`).digest('hex');
    const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
    mapping[id] = String(i + 1);
    const letters = i.toString(26).split('').map((c) => String.fromCharCode(97 + parseInt(c, 26))).join('');
    return { ...structuredClone(template), id, name: `plan_${letters}`, description: `Plan ${i + 1}` };
  });
  const dir = join(out, 'broker', 'resources');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'catalog_VKT.json'), `${JSON.stringify(base, null, 2)}\n`);
  writeFileSync(join(dir, 'plan_mapping.json'), `${JSON.stringify({ VKT: mapping }, null, 2)}\n`);
  return join(dir, 'catalog_VKT.json');
}

// ---------------------------------------------------------------- measure

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function measure(label, path) {
  const times = [];
  let peakKb = 0;
  let summary = '';
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const r = timeBin
      ? spawnSync(timeBin, ['-f', '%M', process.execPath, bin, 'validate', path], { cwd: root, encoding: 'utf8', maxBuffer: 64 * MiB })
      : spawnSync(process.execPath, [bin, 'validate', path], { cwd: root, encoding: 'utf8', maxBuffer: 64 * MiB });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (r.status !== 0 && r.status !== 1) throw new Error(`${label}: vkmp exited ${r.status}\n${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    if (timeBin) peakKb = Math.max(peakKb, Number(lines.pop()));
    summary = [...r.stdout.split('\n'), ...lines].find((l) => l.startsWith('validate ')) ?? '';
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(`${label.padEnd(44)} median ${median(times).toFixed(0).padStart(5)} ms   min ${sorted[0].toFixed(0).padStart(5)} ms   max ${sorted.at(-1).toFixed(0).padStart(5)} ms   peak RSS ${timeBin ? `${(peakKb / 1024).toFixed(0)} MB` : 'n/a'}   (${runs} cold runs)`);
  console.log(`  ${summary}`);
  return { median: median(times), peakMb: peakKb / 1024 };
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const zip = makeZip();
const catalog = makeCatalog(1000);
console.log(`inputs: ${zip} (${(statSync(zip).size / MiB).toFixed(1)} MiB), ${catalog} (${(statSync(catalog).size / MiB).toFixed(1)} MiB, 1,000 plans)`);
const nodeStart = [];
for (let i = 0; i < runs; i++) {
  const s = process.hrtime.bigint();
  spawnSync(process.execPath, ['-e', '0']);
  nodeStart.push(Number(process.hrtime.bigint() - s) / 1e6);
}
console.log(`${'node start (node -e 0)'.padEnd(44)} median ${median(nodeStart).toFixed(0).padStart(5)} ms`);
const z = measure('vkmp validate demo_app.zip (~30 MB)', zip);
measure('vkmp validate catalog_VKT.json (1,000 plans)', catalog);
console.log(`goal (30 MB zip ≤ 1000 ms, peak RSS < 200 MB): ${z.median <= 1000 && (!timeBin || z.peakMb < 200) ? 'met' : 'NOT met'}`);
