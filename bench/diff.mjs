// Benchmark: diffModels + checkRevisions on two generated versions of a large project
// (100 services × 20 plans × 50 options, built as IR in-process), median of 5 runs, and
// the process's peak RSS. Prints numbers; asserts nothing. Goal: ≤ 1 s and ≤ 400 MB.
// Usage: node bench/diff.mjs [services] [plans] [options]   (needs `npm run build` first)
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const core = await import(pathToFileURL(join(root, 'packages', 'core', 'dist', 'index.js')).href);
const { diffModels, checkRevisions, normalizeProject } = core;

const numeric = process.argv.slice(2).filter((a) => /^\d+$/.test(a)).map(Number);
const [SERVICES, PLANS, OPTIONS] = [numeric[0] ?? 100, numeric[1] ?? 20, numeric[2] ?? 50];
const RUNS = 5;
const uuid = (n, tag) => `${n.toString(16).padStart(8, '0')}-${tag}-4000-8000-${n.toString(16).padStart(12, '0')}`;
const enc = new TextEncoder();

/** One option definition; `v2` changes a few deterministic ones (price, range, enum, default). */
function option(i, s, v2) {
  const touched = v2 && (i * 7 + s) % 20 === 0; // 5 % of options change
  switch (i % 5) {
    case 0:
      return { name: `opt_${i}`, actions: ['create', 'update'], schema: { type: 'integer', description: `Paid ${i}`, default: 0, minimum: 0, maximum: 50 }, billing: { base: 1, cost: touched ? 12 + (i % 7) : 10 + (i % 7), unit: { size: 1, measurement: 'pcs' } } };
    case 1:
      return { name: `opt_${i}`, actions: ['create', 'update'], schema: { type: 'integer', description: `Range ${i}`, default: 0, minimum: 0, maximum: touched ? i : i + 10 } };
    case 2:
      return { name: `opt_${i}`, actions: ['create', 'update'], schema: { type: 'string', description: `Enum ${i}`, enum: touched ? ['a', 'b'] : ['a', 'b', 'c'], default: 'a' } };
    case 3:
      return { name: `opt_${i}`, actions: ['create', 'update'], schema: { type: 'boolean', description: `Switch ${i}`, default: touched } , billing: { cost: i } };
    default:
      return { name: `opt_${i}`, actions: ['create'], schema: { type: 'string', description: `Input ${i}`, pattern: '^[a-z]+$', maxLength: touched ? 10 : 20 } };
  }
}

const TF = (p, v2) => `variable "opt_0" {\n  type = number\n}\nresource "vkcs_compute_instance" "vm" {\n  name = "vm-\${var.instance_uuid}"\n  user_data = <<EOT\n#cloud-config\nEOT\n}\n${v2 && p % 10 === 0 ? '' : 'resource "vkcs_blockstorage_volume" "data" {\n  size = 10\n}\n'}# plan ${p}\n`;

/** A project version: SaaS catalogs (one entry each) or IB packages with deployment files. */
function project(kind, v2) {
  const services = [];
  for (let s = 0; s < SERVICES; s++) {
    const defs = Array.from({ length: OPTIONS }, (_, i) => option(i, s, v2));
    const plans = [];
    for (let p = 0; p < PLANS; p++) {
      if (v2 && s % 10 === 0 && p === PLANS - 1) continue; // a plan removed in 10 % of services
      const bumped = v2 && (s + p) % 3 === 0; // a third of the plans bump their revision
      plans.push({
        id: uuid(s * 1000 + p, 'aaaa'),
        revision: bumped ? '1.1' : '1.0',
        name: `plan_${p}`,
        description: `Plan ${p}`,
        free: false,
        billing: { cost: v2 && p === 0 ? 1200 : 1000 + p, billing_cycle_flat: '1 mons 0 days', refundable: true },
        options: defs.map((o) => ({ name: o.name, option: structuredClone(o) })),
        display: { pages: [0, 1, 2, 3, 4].map((pg) => ({ name: `Page ${pg}`, index: pg, groups: [{ name: `Group ${pg}`, index: 0, parameters: defs.slice((pg * OPTIONS) / 5, ((pg + 1) * OPTIONS) / 5).map((o, i) => ({ name: o.name, index: i })) }] })) },
        saasPlanId: `p${p}`,
        ...(kind === 'image-based'
          ? { entities: [{ entity: 'vm', count: { const: 1 }, flavor: { const: 'Standard-2-4' } }], deployment: [{ path: 'deployment/main.tf', bytes: enc.encode(TF(p, v2)) }, { path: 'deployment/settings.yaml', bytes: enc.encode('preset: base_v3\n') }] }
          : {}),
      });
    }
    services.push({
      kind,
      serviceName: `svc_${s}`,
      id: uuid(s, 'bbbb'),
      revision: v2 && s % 2 === 0 ? '1.1' : '1.0',
      name: `Service ${s}`,
      short_description: 'Generated',
      full_description: { text: `# Service ${s}\n\nGenerated for the diff benchmark.\n` },
      icon: 'https://icons.example.com/x.svg',
      help: 'https://docs.example.com',
      bindable: true,
      plan_updateable: kind === 'saas',
      deactivatable: false,
      bindings_retrievable: false,
      instances_retrievable: true,
      metadata: kind === 'saas' ? { test_ns: ['t'], prod_ns: v2 && s === 1 ? ['p', 'beta'] : ['p'] } : undefined,
      preview: [{ name: 'opt_0' }],
      options: defs,
      plans,
    });
  }
  if (kind === 'saas') {
    return {
      catalogs: services.map((svc) => ({ serviceName: svc.serviceName, services: [svc], planMapping: { value: { [svc.serviceName]: Object.fromEntries(svc.plans.map((p) => [p.id, p.saasPlanId])) } } })),
      packages: [],
    };
  }
  return { catalogs: [], packages: services };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (bytes) => `${(bytes / 1048576).toFixed(0)} MB`;

/** One app kind in this process: models first, then 5 timed runs (GC before each, outside the timing). */
function runKind(kind) {
  const base = project(kind, false);
  const head = project(kind, true);
  globalThis.gc?.();
  const modelsRss = process.memoryUsage().rss;
  const times = [];
  const cpu = [];
  const phases = { diff: [], revisions: [], normalize: [] };
  let result;
  let sampledPeak = modelsRss;
  for (let i = 0; i < RUNS; i++) {
    globalThis.gc?.();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const cs = diffModels(base, head);
    const t1 = performance.now();
    const report = checkRevisions(cs);
    const t2 = performance.now();
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss);
    times.push(t2 - t0);
    phases.diff.push(t1 - t0);
    phases.revisions.push(t2 - t1);
    result = { changes: cs.changes.length, diagnostics: report.diagnostics.length, bumps: report.bumps.length, flags: cs.summary.flags };
  }
  for (let i = 0; i < RUNS; i++) {
    globalThis.gc?.();
    const n0 = performance.now();
    normalizeProject(base);
    normalizeProject(head);
    phases.normalize.push(performance.now() - n0);
  }
  return { kind, times, cpu, phases, result, modelsRss, sampledPeak, maxRss: process.resourceUsage().maxRSS * 1024 };
}

if (process.argv.includes('--child')) {
  process.stdout.write(JSON.stringify(runKind(process.argv[process.argv.indexOf('--child') + 1])));
} else {
  for (const kind of ['saas', 'image-based']) {
    // A fresh process per kind, so peak RSS is this kind's alone; --expose-gc keeps collections out of the timings.
    const r = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), String(SERVICES), String(PLANS), String(OPTIONS), '--child', kind], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status !== 0) {
      console.error(r.stderr);
      process.exit(1);
    }
    const x = JSON.parse(r.stdout);
    const flags = Object.entries(x.result.flags).map(([k, v]) => `${k} ${v}`).join(', ');
    console.log(
      `${kind.padEnd(12)} ${SERVICES}×${PLANS}×${OPTIONS}: diffModels + checkRevisions median ${median(x.times).toFixed(0)} ms wall (${median(x.cpu).toFixed(0)} ms CPU), min ${Math.min(...x.times).toFixed(0)} ms ` +
        `(diff incl. normalizing both sides ${median(x.phases.diff).toFixed(0)} ms, normalizing alone ${median(x.phases.normalize).toFixed(0)} ms; revision checks ${median(x.phases.revisions).toFixed(0)} ms)`,
    );
    console.log(`${''.padEnd(12)} peak RSS ${mb(x.maxRss)} (the two generated models alone: ${mb(x.modelsRss)}); ${x.result.changes} changes, ${x.result.diagnostics} revision findings, ${x.result.bumps} bumps`);
    console.log(`${''.padEnd(12)} flags: ${flags}`);
  }
  console.log('goal: ≤ 1000 ms and ≤ 400 MB');
}
