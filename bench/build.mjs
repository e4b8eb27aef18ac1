// Benchmark: cold wall time and peak memory of `vkmp build` (a new node process per run).
// Prints numbers; asserts nothing. Usage: node bench/build.mjs [runs]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'packages', 'cli', 'bin', 'vkmp.js');
const runs = Number(process.argv[2] ?? 15);
const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

function measure(label, cwd, args) {
  const times = [];
  let peakKb = 0;
  for (let i = 0; i < runs + 2; i++) {
    const start = process.hrtime.bigint();
    const r = timeBin
      ? spawnSync(timeBin, ['-f', '%M', process.execPath, bin, ...args], { cwd, encoding: 'utf8' })
      : spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0) throw new Error(`${label}: vkmp exited ${r.status}\n${r.stderr}`);
    if (i < 2) continue; // warm the OS file cache; each run is still a cold node process
    times.push(ms);
    if (timeBin) peakKb = Math.max(peakKb, Number(r.stderr.trim().split('\n').pop()));
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(`${label.padEnd(44)} median ${median.toFixed(0).padStart(5)} ms   min ${times[0].toFixed(0).padStart(5)} ms   peak RSS ${timeBin ? `${(peakKb / 1024).toFixed(0)} MB` : 'n/a'}   (${runs} runs)`);
  return median;
}

function nodeStart() {
  const t = [];
  for (let i = 0; i < runs; i++) {
    const s = process.hrtime.bigint();
    execFileSync(process.execPath, ['-e', '0']);
    t.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)];
}

/** A generated SaaS service with `plans` plans × `opts` options (all kinds of options). */
function generate(dir, plans, opts) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'services', 'big'), { recursive: true });
  writeFileSync(join(dir, 'vkmp.config.ts'), "import { defineConfig } from '@vkmp/sdk';\nexport default defineConfig({ services: ['services/*/service.ts'] });\n");
  const kinds = [
    (i) => `option.integer.paidStep({ description: 'Option ${i}', minimum: 0, maximum: 50, billing: { base: 1, cost: ${i % 7}, unitSize: 1 } })`,
    (i) => `option.integer.range({ description: 'Option ${i}', minimum: 0, maximum: ${i + 1} })`,
    (i) => `option.string.enum({ description: 'Option ${i}', values: ['a', 'b', 'c'], default: 'a' })`,
    (i) => `option.boolean.switch({ description: 'Option ${i}', cost: ${i} })`,
    (i) => `option.string.input({ description: 'Option ${i}', pattern: '^[a-z]+$', maxLength: 20 })`,
  ];
  const options = Array.from({ length: opts }, (_, i) => `  opt_${String.fromCharCode(97 + (i % 26))}${Math.floor(i / 26)}: ${kinds[i % kinds.length](i)},`).join('\n');
  const names = Array.from({ length: opts }, (_, i) => `o.opt_${String.fromCharCode(97 + (i % 26))}${Math.floor(i / 26)}`);
  const uuid = (n) => `${n.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
  const planSrc = Array.from({ length: plans }, (_, p) => {
    const pages = [0, 1, 2, 3].map((pg) => `page('Page ${pg}', [group('Group ${pg}', [${names.slice((pg * opts) / 4, ((pg + 1) * opts) / 4).join(', ')}])])`).join(', ');
    return `    saas.plan({ id: '${uuid(p + 1)}', revision: '1.0', name: 'plan_${String.fromCharCode(97 + (p % 26))}${'x'.repeat(Math.floor(p / 26))}', description: 'Plan ${p}', free: false, planId: ${p}, billing: { cost: ${100 + p} }, wizard: [${pages}] }),`;
  }).join('\n');
  writeFileSync(join(dir, 'services', 'big', 'service.ts'), `import { group, option, options, page, saas } from '@vkmp/sdk';
const o = options({
${options}
});
export default saas.service({
  serviceName: 'big', id: '${uuid(999999)}', revision: '1.0', name: 'Big', shortDescription: 'Generated', fullDescription: '# Правила тарификации\\n# Полезные ссылки\\n# Техническая поддержка\\n# Лицензионное соглашение',
  icon: 'https://icons.example.com/big.svg', help: 'https://docs.example.com', bindable: false, planUpdateable: true, deactivatable: true, bindingsRetrievable: false, instancesRetrievable: true,
  metadata: { testNs: ['t'], prodNs: ['p'] }, options: o, preview: [${names.slice(0, 5).join(', ')}],
  plans: [
${planSrc}
  ],
});
`);
}

console.log(`node start (node -e 0)                       median ${nodeStart().toFixed(0).padStart(5)} ms`);
measure('vkmp build examples/vk-testers', join(root, 'examples', 'vk-testers'), ['build', '--out', join(root, 'bench', 'out', 'vkt')]);
const big = join(root, 'test', '.tmp', 'bench-big');
mkdirSync(dirname(big), { recursive: true });
generate(big, 50, 100);
measure('vkmp build generated 50 plans x 100 options', big, ['build', '--out', join(root, 'bench', 'out', 'big')]);
rmSync(big, { recursive: true, force: true });
