/**
 * The image-based package reader: the SPEC §C.15 package (directory and zip) validates
 * without errors, the IR follows the DSL builder's conventions with YAML positions on every
 * node, `parameters_patch` is applied per plan, and layout problems carry their SPEC IDs.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../packages/core/src/diagnostics.js';
import { validateArtifacts, validateModel } from '../../packages/core/src/index.js';
import type { ServiceModel } from '../../packages/core/src/model/types.js';
import { ibArtifactReader, packageDirIn, readIbPackageTree } from '../../packages/core/src/read/ib.js';
import { readZipTree } from '../../packages/core/src/read/zip.js';
import { removeDir, tempDir } from '../helpers.js';
import { edit, show, SPEC_DIR, specFiles, text, utf8, writeTree, zipOf, type Files } from './support.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));
const temp = () => {
  const d = tempDir('ib-read-');
  dirs.push(d);
  return d;
};

const errors = (ds: readonly Diagnostic[]) => ds.filter((d) => d.severity === 'error');
const codes = (ds: readonly Diagnostic[]) => [...new Set(ds.map((d) => d.code))].sort();

/** Reads files as the package directory `/mem/demo_app`; returns the service and every diagnostic (reader + rules). */
function readMem(files: Files): { service: ServiceModel; diagnostics: Diagnostic[] } {
  const r = readIbPackageTree({ root: '/mem/demo_app', entries: new Map([...files].sort(([a], [b]) => (a < b ? -1 : 1))), issues: [] });
  expect(r.service).toBeDefined();
  const diagnostics = [...r.diagnostics, ...validateModel({ catalogs: [], packages: [r.service!] })];
  return { service: r.service!, diagnostics };
}

describe('the SPEC §C.15 package', () => {
  it('validates without errors as a directory (only the IB-106 data-volume warnings)', async () => {
    const r = await validateArtifacts([SPEC_DIR]);
    expect(errors(r.diagnostics), show(r.diagnostics)).toEqual([]);
    expect(codes(r.diagnostics)).toEqual(['IB-106']);
    expect(r.model.packages).toHaveLength(1);
  });

  it('validates without errors as a zip, with positions inside the archive', async () => {
    const dir = temp();
    const zipPath = join(dir, 'demo_app.zip');
    writeFileSync(zipPath, zipOf(specFiles()));
    const r = await validateArtifacts([zipPath]);
    expect(errors(r.diagnostics), show(r.diagnostics)).toEqual([]);
    expect(codes(r.diagnostics)).toEqual(['IB-106']);
    const s = r.model.packages[0]!;
    expect(s.serviceName).toBe('demo_app');
    expect(s.span?.file).toBe(`${resolve(zipPath)}!/demo_app/service.yaml`);
    expect(r.diagnostics[0]!.span?.file).toBe(`${resolve(zipPath)}!/demo_app/plans/basic/deployment/deploy.tf`);
  });

  it('reads into the IR of the DSL conventions', async () => {
    const r = await validateArtifacts([SPEC_DIR]);
    const s = r.model.packages[0]!;
    expect(s.kind).toBe('image-based');
    expect(s.serviceName).toBe('demo_app');
    expect(s.generatorVersion).toBe('0.0.1');
    expect(s.id).toBe('3f0a6c1e-5b7d-4e2a-9c8f-1d2e3f4a5b6c');
    expect(s.revision).toBe('1.0');
    expect(s.bindable).toBe(true);
    expect(s.plan_updateable).toBe(false);
    expect(s.singleton).toBe(false);
    expect(s.icon).toBe('icon.svg');
    expect(s.iconAsset?.fileName).toBe('icon.svg');
    expect(text(s.iconAsset?.bytes)).toContain('<svg');
    expect(s.full_description.text).toContain('## Решаемые задачи');
    expect(s.full_description.path).toBe(join(SPEC_DIR, 'full_description.md'));
    expect(s.preview.map((p) => p.name)).toEqual(['users', 'backup']);
    expect(s.options.map((o) => o.name)).toEqual(['az', 'backup', 'flavor', 'root_size', 'root_type', 'storage', 'subnet', 'users']);
    expect(s.plans.map((p) => p.name)).toEqual(['basic', 'payg']);
    const [basic, payg] = s.plans;
    expect(basic!.options.map((o) => o.name)).toEqual(['flavor', 'az', 'subnet', 'root_type', 'root_size', 'users', 'backup']);
    expect(payg!.options.map((o) => o.name)).toEqual(['flavor', 'az', 'subnet', 'root_type', 'root_size', 'storage']);
    expect(payg!.resource_usages).toEqual(['storage']);
    expect(basic!.billing).toMatchObject({ cost: 1000, refundable: true, billing_cycle_flat: '1 mons 0 days' });
    expect(basic!.display.pages.map((p) => p.name)).toEqual(['Server', 'Service']);
    expect(basic!.display.pages[0]!).not.toHaveProperty('index');
    expect(basic!.entities).toHaveLength(1);
    expect(basic!.entities![0]).toMatchObject({ entity: 'vm', count: { const: 1 }, flavor: { param: 'flavor' }, disks: [{ type: { param: 'root_type' }, size: { param: 'root_size' } }] });
    expect(basic!.deployment!.map((f) => f.path)).toEqual(['deploy.tf', 'settings.yaml']);
    expect(payg!.deployment!.map((f) => f.path)).toEqual(['deploy.tf']);
    // Options without a patch are the option files themselves.
    expect(basic!.options[0]!.option).toBe(s.options.find((o) => o.name === 'flavor'));
    expect(basic!.options.some((o) => o.patch !== undefined)).toBe(false);
  });

  it('puts a YAML position on every node', async () => {
    const s = (await validateArtifacts([SPEC_DIR])).model.packages[0]!;
    const at = (file: string, line: number) => ({ file: join(SPEC_DIR, file), line });
    expect(s.span).toMatchObject(at('service.yaml', 1));
    expect(s.fieldSpans!.plans).toMatchObject(at('service.yaml', 14));
    expect(s.fieldSpans!.preview).toMatchObject(at('service.yaml', 17));
    expect(s.fieldSpans!.generatorVersion).toMatchObject(at('version.yaml', 1));
    expect(s.preview[1]!.span).toMatchObject(at('service.yaml', 20));
    const users = s.options.find((o) => o.name === 'users')!;
    expect(users.span).toMatchObject(at('parameters/users.yaml', 1));
    expect(users.fieldSpans!.billing).toMatchObject(at('parameters/users.yaml', 9));
    expect(users.fieldSpans!.maximum).toMatchObject(at('parameters/users.yaml', 8));
    const basic = s.plans[0]!;
    expect(basic.span).toMatchObject(at('plans/basic/plan.yaml', 1));
    expect(basic.fieldSpans!.billing).toMatchObject(at('plans/basic/plan.yaml', 6));
    expect(basic.billing.fieldSpans!.refundable).toMatchObject(at('plans/basic/plan.yaml', 8));
    expect(basic.fieldSpans!.entities).toMatchObject(at('plans/basic/display.yaml', 19));
    const group = basic.display.pages[1]!.groups[0]!;
    expect(group.span).toMatchObject(at('plans/basic/display.yaml', 15));
    expect(group.parameters[1]!.span).toMatchObject(at('plans/basic/display.yaml', 18));
    expect(basic.options.find((o) => o.name === 'backup')!.span).toMatchObject(at('plans/basic/display.yaml', 18));
    expect(basic.entities![0]!.fieldSpans!.flavor).toMatchObject(at('plans/basic/display.yaml', 23));
    expect(basic.entities![0]!.disks![0]!.span).toMatchObject(at('plans/basic/display.yaml', 25));
    expect(basic.deployment![0]!.span).toMatchObject(at('plans/basic/deployment/deploy.tf', 1));
  });
});

describe('parameters_patch', () => {
  const patched = () => {
    const files = specFiles();
    edit(files, 'plans/basic/plan.yaml', '  billing_cycle_flat: 1 mons 0 days\n', [
      '  billing_cycle_flat: 1 mons 0 days',
      'parameters_patch:',
      '  users:',
      '    schema.default: 2',
      '    billing.unit.size: 5',
      '  backup:',
      '    billing:',
      '      cost: 100',
      '  root_size:',
      '    schema:',
      '      description: Disk',
      '      type: integer',
      '      minimum: 20',
      '      maximum: 500',
      '      tag: root_disk',
      '    schema.default: 30',
      '  storage:',
      '    billing.cost: 1',
      '  nothing:',
      '    schema.default: 1',
      '',
    ].join('\n'));
    return readMem(files);
  };

  it('applies form A dotted paths and keeps the rest of the option file', () => {
    const { service } = patched();
    const users = service.plans[0]!.options.find((o) => o.name === 'users')!;
    expect(users.patch).toEqual({ 'schema.default': 2, 'billing.unit.size': 5 });
    expect(users.option.schema.default).toBe(2);
    expect(users.option.schema.maximum).toBe(9);
    expect(users.option.billing).toEqual({ base: 10, cost: 300, unit: { size: 5, measurement: 'users' } });
    // The file itself is unchanged, and the other plan sees it.
    const file = service.options.find((o) => o.name === 'users')!;
    expect(file.schema.default).toBe(0);
    expect(file.billing!.unit!.size).toBe(10);
    // Patched fields point at the patch, the others at the option file.
    expect(users.span).toMatchObject({ file: '/mem/demo_app/plans/basic/plan.yaml', line: 11 });
    expect(users.option.fieldSpans!.default).toMatchObject({ file: '/mem/demo_app/plans/basic/plan.yaml', line: 12 });
    expect(users.option.fieldSpans!.billing).toMatchObject({ file: '/mem/demo_app/plans/basic/plan.yaml', line: 13 });
    expect(users.option.fieldSpans!.maximum).toMatchObject({ file: '/mem/demo_app/parameters/users.yaml', line: 8 });
  });

  it('replaces a whole section with form B', () => {
    const { service } = patched();
    const backup = service.plans[0]!.options.find((o) => o.name === 'backup')!;
    expect(backup.option.billing).toEqual({ cost: 100 });
    expect(backup.option.schema.default).toBe(false);
  });

  it('applies form B when one patch uses both forms for a section, and IB-067 reports it', () => {
    const { service, diagnostics } = patched();
    const rootSize = service.plans[0]!.options.find((o) => o.name === 'root_size')!;
    expect(rootSize.option.schema).toEqual({ description: 'Disk', type: 'integer', minimum: 20, maximum: 500, tag: 'root_disk' });
    const d = diagnostics.filter((x) => x.code === 'IB-067');
    expect(d, show(diagnostics)).toHaveLength(1);
    expect(d[0]!.span).toMatchObject({ file: '/mem/demo_app/plans/basic/plan.yaml', line: 17 });
  });

  it('keeps patches of unused and unknown options for IB-065 and IB-064', () => {
    const { service, diagnostics } = patched();
    const basic = service.plans[0]!;
    expect(basic.options.map((o) => o.name)).toEqual(['flavor', 'az', 'subnet', 'root_type', 'root_size', 'users', 'backup', 'storage', 'nothing']);
    expect(basic.options.find((o) => o.name === 'nothing')!.option).toBeUndefined();
    expect(diagnostics.find((d) => d.code === 'IB-065')?.span).toMatchObject({ line: 25 });
    expect(diagnostics.find((d) => d.code === 'IB-064')?.span).toMatchObject({ line: 27 });
  });
});

describe('layout findings', () => {
  it('reports each structural problem with its ID, file and line', () => {
    const files = specFiles();
    files.delete('plans/payg/plan.yaml');
    files.set('plans/trial/plan.yaml', utf8('id: 2b3c4d5e-6f70-4812-9a3b-4c5d6e7f8091\nrevision: "1"\nname: trial\ndescription: Trial\nfree: true\nbilling: {cost: 0}\n'));
    files.set('parameters/notes.txt', utf8('notes'));
    files.set('parameters/extra.yml', utf8('actions: [create]\n'));
    files.set('parameters/sub/x.yaml', utf8('actions: [create]\n'));
    files.set('README.md', utf8('# readme\n'));
    edit(files, 'version.yaml', 'version: 0.0.1\n', 'version: 0.0.1\ngenerator: json\n');
    edit(files, 'service.yaml', 'plans:\n  - name: basic\n  - name: payg\n', 'plans:\n  - name: basic\n  - name: payg\n  - name: gold\nmetadata: {test_ns: [x]}\n');
    edit(files, 'plans/basic/plan.yaml', 'name: basic\n', 'name: basic_plan\n');
    const { diagnostics } = readMem(files);
    const find = (code: string, file: string, line: number) =>
      expect(diagnostics.some((d) => d.code === code && d.span?.file === `/mem/demo_app/${file}`.replace(/\/$/, '') && d.span.line === line), `${code} at ${file}:${line}\n${show(diagnostics)}`).toBe(true);
    find('IB-055', 'plans/payg', 1);
    find('IB-015', 'plans/trial', 1);
    find('IB-021', 'parameters/notes.txt', 1);
    find('IB-021', 'parameters/sub', 1);
    find('IB-004', 'parameters/extra.yml', 1);
    find('IB-113', 'README.md', 1);
    find('IB-002', 'version.yaml', 2);
    find('IB-014', 'service.yaml', 17);
    find('IB-005', 'service.yaml', 18);
    find('IB-058', 'plans/basic/plan.yaml', 3);
  });

  it('reports a directory where a file belongs and a file where a directory belongs', () => {
    const files = specFiles();
    const service = files.get('service.yaml')!;
    files.delete('service.yaml');
    files.set('service.yaml/service.yaml', service);
    for (const k of [...files.keys()]) if (k.startsWith('plans/')) files.delete(k);
    files.set('plans', utf8('basic payg'));
    const r = readIbPackageTree({ root: '/mem/demo_app', entries: files, issues: [] });
    expect(r.diagnostics.filter((d) => d.code === 'IB-001').map((d) => d.message), show(r.diagnostics)).toEqual([
      'service.yaml is a directory; the package root needs the file service.yaml.',
      'plans is a file; the package root needs the directory plans/.',
    ]);
  });

  it('reports YAML syntax, duplicate keys, YAML 1.1 ambiguity and an alias bomb as IB-004', () => {
    const files = specFiles();
    edit(files, 'service.yaml', 'name: Demo App\n', 'name: Demo App\nname: Other\n');
    edit(files, 'parameters/users.yaml', '    measurement: users\n', '    measurement: yes\n');
    edit(files, 'parameters/backup.yaml', '  description: Daily backup\n', '  description: Daily: backup\n');
    files.set('parameters/bomb.yaml', utf8(['a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]', 'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]', ''].join('\n')));
    const { diagnostics } = readMem(files);
    const ib004 = diagnostics.filter((d) => d.code === 'IB-004');
    const at = (file: string) => ib004.filter((d) => d.span?.file === `/mem/demo_app/${file}`).map((d) => `${d.severity}:${d.span!.line}`);
    expect(at('service.yaml'), show(ib004)).toEqual(['error:4']);
    expect(at('parameters/users.yaml')).toEqual(['warning:14']);
    expect(at('parameters/backup.yaml')).toEqual(['error:3']);
    expect(at('parameters/bomb.yaml').length).toBeGreaterThan(0);
    expect(ib004.find((d) => d.span?.file.endsWith('bomb.yaml'))!.message).toMatch(/alias/);
  });

  it('keeps settings.yaml retry: yes (the documented form) free of YAML 1.1 warnings', () => {
    const { diagnostics } = readMem(specFiles());
    expect(diagnostics.filter((d) => d.code === 'IB-004')).toEqual([]);
  });
});

describe('zip roots (IB-112)', () => {
  const zipDiagnostics = async (zip: Uint8Array) => {
    const tree = await readZipTree(zip, undefined, '/mem/demo_app.zip');
    return readIbPackageTree(tree, { zip: true, serviceName: 'demo_app' });
  };

  it('accepts the single root directory', async () => {
    const r = await zipDiagnostics(zipOf(specFiles()));
    expect(r.diagnostics).toEqual([]);
    expect(r.service!.serviceName).toBe('demo_app');
    expect(r.service!.span?.file).toBe('/mem/demo_app.zip!/demo_app/service.yaml');
  });

  it('warns about files at the zip root and still reads them', async () => {
    const r = await zipDiagnostics(zipOf(specFiles(), ''));
    expect(r.diagnostics.map((d) => `${d.code} ${d.severity}`)).toEqual(['IB-112 warning']);
    expect(r.service!.serviceName).toBe('demo_app');
    expect(r.service!.plans).toHaveLength(2);
  });

  it('warns about entries beside the package directory', async () => {
    const files = specFiles();
    const zip = zipOf(new Map([...[...files].map(([k, v]) => [`demo_app/${k}`, v] as const), ['notes/readme.txt', utf8('x')]]), '');
    const r = await zipDiagnostics(zip);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['IB-112']);
    expect(r.diagnostics[0]!.message).toContain('"notes"');
    expect(r.service!.serviceName).toBe('demo_app');
  });
});

describe('detection', () => {
  it('claims a package directory, its parent with one child, and any zip', () => {
    const dir = temp();
    writeTree(join(dir, 'demo_app'), specFiles());
    writeFileSync(join(dir, 'fixture.json'), '{}');
    expect(packageDirIn(join(dir, 'demo_app'))).toBe(join(dir, 'demo_app'));
    expect(packageDirIn(dir)).toBe(`${dir}/demo_app`);
    expect(ibArtifactReader.detect(dir, true)).toBe(true);
    expect(ibArtifactReader.detect(join(dir, 'x.zip'), false)).toBe(true);
    expect(ibArtifactReader.detect(join(dir, 'x.json'), false)).toBe(false);
    mkdirSync(join(dir, 'other'));
    expect(packageDirIn(dir)).toBeUndefined();
    const empty = temp();
    expect(ibArtifactReader.detect(empty, true)).toBe(false);
  });

  it('reads the package through a parent directory, named after the package directory', async () => {
    const dir = temp();
    writeTree(join(dir, 'demo_app'), specFiles());
    symlinkSync(join(dir, 'demo_app', 'images', 'icon.svg'), join(dir, 'demo_app', 'images', 'link.svg'));
    const r = await validateArtifacts([dir]);
    expect(r.model.packages[0]!.serviceName).toBe('demo_app');
    const read003 = r.diagnostics.filter((d) => d.code === 'READ-003');
    expect(read003.map((d) => d.span?.file)).toEqual([join(dir, 'demo_app', 'images', 'link.svg')]);
  });
});

describe('never throws', () => {
  it('reads an empty tree, a tree of garbage and a tree of wrong shapes', () => {
    expect(readIbPackageTree({ root: '/mem/x', entries: new Map(), issues: [] }).service).toBeDefined();
    const garbage: Files = new Map([
      ['service.yaml', utf8('- a\n- b\n')],
      ['version.yaml', new Uint8Array([0xff, 0xfe, 0x00])],
      ['parameters/a.yaml', utf8('[1, 2')],
      ['plans/p/plan.yaml', utf8('"just a string"')],
      ['plans/p/display.yaml', utf8('pages: 3\nentities: {a: 1}\n')],
      ['plans/p/deployment/deploy.tf', utf8('resource "x" {')],
      ['__proto__/constructor.yaml', utf8('__proto__: {polluted: true}\n')],
    ]);
    const r = readMem(garbage);
    expect(r.diagnostics.length).toBeGreaterThan(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(r.diagnostics.filter((d) => /^Internal error/.test(d.message))).toEqual([]);
  });
});

describe('service.yaml plans list', () => {
  it('reports a missing or malformed list (IB-014) and still reads the plan directories', () => {
    const missing = specFiles();
    edit(missing, 'service.yaml', 'plans:\n  - name: basic\n  - name: payg\n', '');
    const a = readMem(missing);
    expect(a.diagnostics.filter((d) => d.code === 'IB-014').map((d) => d.span?.line), show(a.diagnostics)).toEqual([1]);
    expect(a.service.plans.map((p) => p.name)).toEqual(['basic', 'payg']);
    const map = specFiles();
    edit(map, 'service.yaml', 'plans:\n  - name: basic\n  - name: payg\n', 'plans: {basic: {}, payg: {}}\n');
    const b = readMem(map);
    expect(b.diagnostics.filter((d) => d.code === 'IB-014').map((d) => `${d.span?.line} ${d.message}`), show(b.diagnostics)).toEqual([expect.stringMatching(/^14 service.yaml plans must be a list/)]);
  });
});
