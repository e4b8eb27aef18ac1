/**
 * `vkmp schema`: the zod schemas accept the SPEC's valid examples (§B.11, §C.15) and
 * reject the docs' defects (§B.12, §C.16); the emitted JSON Schema documents are
 * well-formed draft-07, deterministic, and give the same verdicts as the zod schemas
 * (checked with a tiny validator, there being no ajv).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { afterAll, describe, expect, it } from 'vitest';
import { artifactSchemas, JSON_SCHEMA_TARGET, SCHEMA_DOCUMENTS, schemaDocuments } from '@vkmp/core';
import { parseJson } from '../../packages/core/src/read/json.js';
import { removeDir, repoRoot, runCli, tempDir } from '../helpers.js';
import { validate } from './mini-json-schema.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));
const fixture = (...p: string[]) => readFileSync(join(repoRoot, 'test', ...p), 'utf8');

const documents = schemaDocuments();
const jsonSchema = (fileName: string) => JSON.parse(documents.get(fileName)!) as Record<string, unknown>;
const SCHEMA_OF: Record<string, { zod: z.ZodType; file: string }> = {
  catalog: { zod: artifactSchemas.saasCatalog, file: 'catalog.schema.json' },
  mapping: { zod: artifactSchemas.planMapping, file: 'plan_mapping.schema.json' },
  service: { zod: artifactSchemas.ibService, file: 'service.schema.json' },
  parameter: { zod: artifactSchemas.ibParameter, file: 'parameter.schema.json' },
  plan: { zod: artifactSchemas.ibPlan, file: 'plan.schema.json' },
  display: { zod: artifactSchemas.ibDisplay, file: 'display.schema.json' },
  settings: { zod: artifactSchemas.ibSettings, file: 'settings.schema.json' },
  version: { zod: artifactSchemas.ibVersion, file: 'version.schema.json' },
};
type Kind = keyof typeof SCHEMA_OF;

/** Validates with zod and with the emitted JSON Schema; both must agree. Returns the zod issues. */
function verdict(kind: Kind, value: unknown): { ok: boolean; issues: z.core.$ZodIssue[] } {
  const { zod, file } = SCHEMA_OF[kind]!;
  const result = zod.safeParse(value);
  const jsErrors = validate(jsonSchema(file) as never, value);
  expect(jsErrors.length === 0, `${kind}: zod says ${result.success}, JSON Schema says ${JSON.stringify(jsErrors)}`).toBe(result.success);
  return { ok: result.success, issues: result.success ? [] : result.error.issues };
}
const accepts = (kind: Kind, value: unknown) => {
  const v = verdict(kind, value);
  expect(v.issues, kind).toEqual([]);
};
const rejects = (kind: Kind, value: unknown, path?: (string | number)[]) => {
  const v = verdict(kind, value);
  expect(v.ok, `${kind} should be rejected`).toBe(false);
  if (path) expect(v.issues.map((i) => i.path.join('.'))).toContain(path.join('.'));
  return v.issues;
};
const clone = <T>(v: T): T => structuredClone(v);

// SPEC §C.15, transcribed.
const C15: Record<string, [Kind, string]> = {
  'version.yaml': ['version', 'version: 0.0.1\n'],
  'service.yaml': ['service', `id: 3f0a6c1e-5b7d-4e2a-9c8f-1d2e3f4a5b6c
revision: "1.0"
name: Demo App
short_description: Self-hosted demo application on a single VM
singleton: false
auto_bind: false
icon: icon.svg
help: https://docs.example.com/demo-app
bindable: true
plan_updateable: false
deactivatable: false
bindings_retrievable: true
instances_retrievable: true
plans:
  - name: basic
  - name: payg
preview:
  parameters:
    - name: users
    - name: backup
`],
  'parameters/flavor.yaml': ['parameter', 'actions: [create, update]\nschema:\n  description: VM type\n  type: string\n  datasource:\n    type: flavor\n    filter:\n      vcpus: {minimum: 2, maximum: 8}\n      ram: {minimum: 4096}\n'],
  'parameters/az.yaml': ['parameter', 'actions: [create]\nschema:\n  description: Availability zone\n  type: string\n  default: gz1\n  datasource:\n    type: az\n'],
  'parameters/subnet.yaml': ['parameter', 'actions: [create]\nschema:\n  description: Subnet\n  type: string\n  datasource:\n    type: subnet\n'],
  'parameters/root_type.yaml': ['parameter', 'actions: [create, update]\nschema:\n  description: Disk type\n  type: string\n  default: ceph-ssd\n  tag: root_disk\n  datasource:\n    type: volume_type\n    filter:\n      disk_class:\n        enum: [ssd, hdd]\n'],
  'parameters/root_size.yaml': ['parameter', 'actions: [create, update]\nschema:\n  description: Disk size, GB\n  type: integer\n  default: 20\n  minimum: 20\n  maximum: 500\n  tag: root_disk\n'],
  'parameters/users.yaml': ['parameter', 'actions: [create, update]\nschema:\n  description: Users\n  hint: Number of user accounts\n  type: integer\n  default: 0\n  minimum: 0\n  maximum: 9\nbilling:\n  base: 10\n  cost: 300\n  unit:\n    size: 10\n    measurement: users\n'],
  'parameters/backup.yaml': ['parameter', 'actions: [create, update]\nschema:\n  description: Daily backup\n  type: boolean\n  default: false\nbilling:\n  cost: 200\n'],
  'parameters/storage.yaml': ['parameter', 'actions: [resource_usages]\nschema:\n  description: Stored data\n  type: number\nbilling:\n  cost: 5\n  unit:\n    size: 1\n    measurement: GB\n'],
  'plans/basic/plan.yaml': ['plan', 'id: 7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d\nrevision: "1.0"\nname: basic\ndescription: Basic\nfree: false\nbilling:\n  cost: 1000\n  refundable: true\n  billing_cycle_flat: 1 mons 0 days\n'],
  'plans/basic/display.yaml': ['display', `pages:
  - name: Server
    groups:
      - name: VM
        parameters:
          - name: flavor
          - name: az
          - name: subnet
      - name: Disk
        parameters:
          - name: root_type
          - name: root_size
  - name: Service
    groups:
      - name: Accounts
        parameters:
          - name: users
          - name: backup
entities:
  - entity: vm
    description: Application VM
    count: {const: 1}
    flavor: {param: flavor}
    disks:
      - type: {param: root_type}
        size: {param: root_size}
`],
  'plans/basic/deployment/settings.yaml': ['settings', 'preset: base_v3\nretry: yes\n'],
  'plans/payg/plan.yaml': ['plan', 'id: 5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f\nrevision: "1.0"\nname: payg\ndescription: Pay as you go\nfree: true\nbilling:\n  cost: 0\nresource_usages:\n  - storage\n'],
  'plans/payg/display.yaml': ['display', 'pages:\n  - name: Server\n    groups:\n      - name: Usage\n        parameters:\n          - name: storage\nentities:\n  - entity: vm\n    count: {const: 1}\n    flavor: {param: flavor}\n    disks:\n      - type: {param: root_type}\n        size: {param: root_size}\n'],
};
const c15 = (file: string) => parseYaml(C15[file]![1]) as Record<string, any>;

describe('zod schemas and the emitted JSON Schema documents agree on SPEC examples', () => {
  it('SPEC §B.11 (demo_notes), the VK Testers catalog and their plan mappings are valid', () => {
    for (const dir of ['demo_notes', 'vk-testers']) {
      const files = readdirSync(join(repoRoot, 'test', 'fixtures', 'saas', dir));
      accepts('catalog', JSON.parse(fixture('fixtures', 'saas', dir, files.find((f) => f.startsWith('catalog_'))!)));
      accepts('mapping', JSON.parse(fixture('fixtures', 'saas', dir, 'plan_mapping.json')));
    }
    // Integer SaaS plan IDs in plan_mapping.json are accepted (G-11).
    accepts('mapping', { VKT: { 'f6593bfb-c0b8-40a3-8b82-c05e07f6ae9a': 1 } });
  });

  it('every SPEC §C.15 file is valid', () => {
    for (const [file, [kind, text]] of Object.entries(C15)) {
      const v = verdict(kind, parseYaml(text));
      expect(v.issues, file).toEqual([]);
    }
  });

  it('the docs\' SaaS example defects (SPEC §B.12) fail', () => {
    const doc = parseJson(fixture('fixtures', 'docs-examples', 'catalog_VKT.json'), 'catalog_VKT.json');
    const issues = rejects('catalog', doc.value);
    const at = (path: string) => issues.filter((i) => i.path.join('.') === path).map((i) => i.code);
    expect(at('services.0.id')).toContain('invalid_format'); // placeholder id
    expect(at('services.0.plans.0')).toContain('unrecognized_keys'); // plan-level refundable, billing_cycle_flat
    expect(at('services.0.plans.0.schemas.service_instance.resource_usages')).toContain('invalid_type'); // missing section
    expect(issues.some((i) => i.code === 'too_big' && i.path.join('.').endsWith('properties.groups.hint'))).toBe(true); // 257 characters
    // The defect-free transcription of the same example passes.
    accepts('catalog', JSON.parse(fixture('fixtures', 'saas', 'vk-testers', 'catalog_VKT.json')));
  });

  it('other SaaS defects fail where they are', () => {
    const valid = JSON.parse(fixture('fixtures', 'saas', 'demo_notes', 'catalog_demo_notes.json')) as Record<string, any>;
    const variant = (edit: (c: Record<string, any>) => void) => {
      const c = clone(valid);
      edit(c);
      return c;
    };
    rejects('catalog', variant((c) => (c.services[0].plans[0].billing.billing_cycle_flat = '1 month')), ['services', 0, 'plans', 0, 'billing', 'billing_cycle_flat']);
    rejects('catalog', variant((c) => (c.services[0].plans[0].name = 'Standard plan')), ['services', 0, 'plans', 0, 'name']);
    rejects('catalog', variant((c) => (c.services[0].short_description = 'x'.repeat(121))), ['services', 0, 'short_description']);
    rejects('catalog', variant((c) => delete c.services[0].plans[0].schemas.service_instance.update.parameters.$schema));
    rejects('catalog', variant((c) => (c.services[0].plans[0].schemas.service_instance.create.parameters.properties.seats.tag = 'disk')));
    rejects('catalog', variant((c) => (c.services[0].plans[0].display.pages[0].groups[0].when = { in: { key: { param: 'x' }, values: [] } })));
    rejects('catalog', variant((c) => (c.services[0].plans[0].display.pages = Array.from({ length: 6 }, (_, i) => ({ name: `p${i}`, groups: [] })))), ['services', 0, 'plans', 0, 'display', 'pages']);
    rejects('catalog', variant((c) => (c.services[0].metadata.stage_ns = ['x'])));
    rejects('mapping', { a: {}, b: {} });
    rejects('mapping', { demo_notes: { 'not-a-uuid': 'std' } });
  });

  it('the docs\' image-based defects (SPEC §C.16) fail', () => {
    // 1. The INS template's mis-indentation: `parameters` becomes a sibling of `preview`.
    rejects('service', parseYaml(C15['service.yaml']![1].replace('preview:\n  parameters:\n    - name: users\n    - name: backup\n', 'preview:\nparameters:\n  - name: users\n')));
    rejects('service', { ...c15('service.yaml'), bindable: false }, ['bindable']);
    rejects('service', { ...c15('service.yaml'), plan_updateable: true }, ['plan_updateable']);
    // 3. A 279-character hint.
    const hint = 'На платформу можно загружать тестовые сборки приложений для раздачи сотрудникам заказчика и тестировщикам VK Testers. Чем больше хранилище, тем больше версий ваших продуктов можно сохранять на платформе тестирования. Поддерживаемые платформы: iOS, Android, Windows, MacOS, Linux.';
    expect([...hint].length).toBeGreaterThan(255);
    const users = c15('parameters/users.yaml');
    rejects('parameter', { ...users, schema: { ...users.schema, hint } }, ['schema', 'hint']);
    // 4. disk_class without a nested enum; kind: private.
    const rootType = c15('parameters/root_type.yaml');
    rejects('parameter', { ...rootType, schema: { ...rootType.schema, datasource: { type: 'volume_type', filter: { disk_class: ['ssd', 'hdd'] } } } });
    rejects('parameter', { actions: ['create'], schema: { description: 'Net', type: 'string', datasource: { type: 'network', value_is: 'uuid', filter: { kind: 'private', shared: false } } } });
    // 8. The `billig.cost` typo in a parameters_patch.
    rejects('plan', { ...c15('plans/basic/plan.yaml'), parameters_patch: { users: { 'billig.cost': 0 } } });
    // More shapes the docs forbid.
    rejects('parameter', { actions: ['create', 'create'], schema: { description: 'x', type: 'integer' } }, ['actions']);
    rejects('parameter', { actions: ['resource_usages', 'create'], schema: { description: 'x', type: 'number' } }, ['actions']);
    rejects('parameter', { actions: ['create'], schema: { description: 'x', type: 'integer', pattern: '^a$' } });
    rejects('version', { version: '0.0.2' }, ['version']);
    rejects('settings', { preset: 'base_v4' }, ['preset']);
    rejects('display', { ...c15('plans/basic/display.yaml'), entities: [{ entity: 'load_balancing', count: { const: 1 }, flavor: { param: 'flavor' } }] });
    rejects('display', { pages: [] });
    rejects('plan', { ...c15('plans/payg/plan.yaml'), billing: { cost: -1 } }, ['billing', 'cost']);
    // YAML 1.1 booleans for retry are accepted, as vkmp does.
    accepts('settings', { preset: 'base_v3', retry: false });
  });
});

describe('the emitted JSON Schema documents', () => {
  /** A zod description of the draft-07 keywords the documents may use: a tiny meta-schema. */
  const node: z.ZodType = z.lazy(() =>
    z.union([
      z.boolean(),
      z.strictObject({
        $schema: z.literal('http://json-schema.org/draft-07/schema#').optional(),
        title: z.string().optional(),
        $comment: z.string().optional(),
        description: z.string().optional(),
        type: z.union([z.enum(['object', 'array', 'string', 'number', 'integer', 'boolean', 'null']), z.array(z.enum(['object', 'array', 'string', 'number', 'integer', 'boolean', 'null'])).min(1)]).optional(),
        properties: z.record(z.string(), node).optional(),
        required: z.array(z.string()).optional(),
        additionalProperties: node.optional(),
        propertyNames: node.optional(),
        minProperties: z.number().int().min(0).optional(),
        maxProperties: z.number().int().min(0).optional(),
        items: z.union([node, z.array(node)]).optional(),
        additionalItems: node.optional(),
        minItems: z.number().int().min(0).optional(),
        maxItems: z.number().int().min(0).optional(),
        uniqueItems: z.boolean().optional(),
        enum: z.array(z.unknown()).min(1).optional(),
        const: z.unknown().optional(),
        pattern: z.string().optional(),
        minLength: z.number().int().min(0).optional(),
        maxLength: z.number().int().min(0).optional(),
        minimum: z.number().optional(),
        maximum: z.number().optional(),
        anyOf: z.array(node).min(1).optional(),
        oneOf: z.array(node).min(1).optional(),
      }),
    ]),
  );

  it('are well-formed draft-07: known keywords only, required ⊆ properties, patterns compile, no unresolved $ref', () => {
    expect(JSON_SCHEMA_TARGET).toBe('draft-07');
    expect([...documents.keys()]).toEqual(['catalog.schema.json', 'plan_mapping.schema.json', 'service.schema.json', 'parameter.schema.json', 'plan.schema.json', 'display.schema.json', 'settings.schema.json', 'version.schema.json']);
    for (const [file, text] of documents) {
      const doc = JSON.parse(text) as Record<string, unknown>;
      const meta = node.safeParse(doc);
      expect(meta.success, `${file}: ${JSON.stringify(meta.error?.issues.slice(0, 3))}`).toBe(true);
      expect(doc.$schema).toBe('http://json-schema.org/draft-07/schema#');
      expect(typeof doc.title).toBe('string');
      expect(typeof doc.description).toBe('string');
      expect(text.endsWith('}\n') && text === `${JSON.stringify(doc, null, 2)}\n`).toBe(true);
      const walk = (n: unknown, at: string): void => {
        if (typeof n !== 'object' || n === null) return;
        if (Array.isArray(n)) return n.forEach((x, i) => walk(x, `${at}/${i}`));
        const o = n as Record<string, unknown>;
        expect(o.$ref, `${file}${at}`).toBeUndefined();
        if (typeof o.pattern === 'string') expect(() => new RegExp(o.pattern as string, 'u'), `${file}${at}`).not.toThrow();
        if (Array.isArray(o.required)) for (const r of o.required as string[]) expect(Object.keys((o.properties as object) ?? {}), `${file}${at}`).toContain(r);
        if (o.maximum === Number.MAX_SAFE_INTEGER || o.minimum === Number.MIN_SAFE_INTEGER) throw new Error(`${file}${at}: safe-integer bound leaked`);
        for (const [k, v] of Object.entries(o)) if (k !== 'enum' && k !== 'const') walk(v, `${at}/${k}`);
      };
      walk(doc, '');
    }
    // Objects are closed: undocumented keys fail (the catalog, a plan, an option property).
    const catalog = jsonSchema('catalog.schema.json') as any;
    expect(catalog.additionalProperties).toBe(false);
    expect(catalog.properties.services.items.properties.plans.items.additionalProperties).toBe(false);
    // Descriptions come from SPEC.
    expect(catalog.properties.services.items.properties.short_description.description).toMatch(/≤ 120 characters/);
  });

  it('are deterministic: in process, and written by `vkmp schema` twice', async () => {
    const again = schemaDocuments();
    for (const [file, text] of documents) expect(again.get(file), file).toBe(text);
    const a = tempDir('schema-a-');
    const b = tempDir('schema-b-');
    dirs.push(a, b);
    const ra = await runCli(['schema', '--out', a]);
    expect(ra.code, ra.stderr).toBe(0);
    expect(ra.stdout.trim().split('\n')).toHaveLength(SCHEMA_DOCUMENTS.length);
    expect(ra.stdout).toMatch(/wrote .*catalog\.schema\.json \(resources\/catalog_<SERVICE_NAME>\.json\)/);
    const rb = await runCli(['schema', '--out', b, '--json']);
    expect(rb.code).toBe(0);
    const json = JSON.parse(rb.stdout) as { command: string; ok: boolean; outputs: { path: string; describes: string }[] };
    expect(json).toMatchObject({ command: 'schema', ok: true });
    expect(json.outputs.map((o) => o.path.split('/').pop())).toEqual(SCHEMA_DOCUMENTS.map((d) => d.fileName));
    for (const d of SCHEMA_DOCUMENTS) {
      const fromA = readFileSync(join(a, d.fileName), 'utf8');
      expect(readFileSync(join(b, d.fileName), 'utf8'), d.fileName).toBe(fromA);
      expect(fromA, d.fileName).toBe(documents.get(d.fileName));
    }
    expect(readdirSync(a).sort()).toEqual(SCHEMA_DOCUMENTS.map((d) => d.fileName).sort());
  });
});
