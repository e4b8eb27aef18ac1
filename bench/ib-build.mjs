// Benchmark: cold `vkmp build` of the image-based example (examples/image-based-app: the
// package directory and its zip), a new node process per run. Prints the median of the
// runs, the minimum and the peak RSS; asserts nothing. Goal: ≤ 250 ms.
// Usage: node bench/ib-build.mjs [runs]   (default 10; the bundle cache is warm, as after a first build)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'packages', 'cli', 'bin', 'vkmp.js');
const example = join(root, 'examples', 'image-based-app');
const out = join(root, 'bench', 'out', 'ib');
const runs = Number(process.argv[2] ?? 10);
const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function nodeStart() {
  const t = [];
  for (let i = 0; i < runs; i++) {
    const s = process.hrtime.bigint();
    execFileSync(process.execPath, ['-e', '0']);
    t.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  return median(t);
}

function measure(label, args) {
  const times = [];
  let peakKb = 0;
  for (let i = 0; i < runs + 2; i++) {
    rmSync(out, { recursive: true, force: true });
    const start = process.hrtime.bigint();
    const r = timeBin
      ? spawnSync(timeBin, ['-f', '%M', process.execPath, bin, ...args], { cwd: example, encoding: 'utf8' })
      : spawnSync(process.execPath, [bin, ...args], { cwd: example, encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0) throw new Error(`${label}: vkmp exited ${r.status}\n${r.stderr}`);
    if (i < 2) continue; // the first runs warm the OS file cache and vkmp's bundle cache
    times.push(ms);
    if (timeBin) peakKb = Math.max(peakKb, Number(r.stderr.trim().split('\n').pop()));
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(`${label.padEnd(48)} median ${median(times).toFixed(0).padStart(5)} ms   min ${sorted[0].toFixed(0).padStart(5)} ms   peak RSS ${timeBin ? `${(peakKb / 1024).toFixed(0)} MB` : 'n/a'}   (${runs} runs)`);
}

console.log(`node start (node -e 0)                           median ${nodeStart().toFixed(0).padStart(5)} ms`);
measure('vkmp build examples/image-based-app', ['build', '--out', out]);
const zip = join(out, 'gitea.zip');
const files = readFileSync(zip).length;
console.log(`  → ${out}/gitea/ and gitea.zip (${files} bytes, ${statSync(zip).size === files ? 'ok' : '?'})`);
measure('vkmp check --no-typecheck examples/image-based-app', ['check', '--no-typecheck']);
