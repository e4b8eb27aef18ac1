import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTerraformFiles, referencesVar, tfTypeOfOption, type TerraformModule } from '../../packages/core/src/terraform/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = (name: string): string => readFileSync(join(here, 'fixtures', name), 'utf8');
const SPEC = '/work/shared/reference/SPEC.md';

const parse = (text: string, path = 'main.tf'): Promise<TerraformModule> => parseTerraformFiles([{ path, text }]);
const errorLines = (m: TerraformModule): number[] => m.parseErrors.map((e) => e.span.line);

describe('parseTerraformFiles: SPEC §C.15 deploy.tf', () => {
  const path = 'demo_app/plans/basic/deployment/deploy.tf';
  const text = fixture('c15-deploy.tf');

  it('the fixture is the deploy.tf of SPEC §C.15', () => {
    if (!existsSync(SPEC)) return;
    const spec = readFileSync(SPEC, 'utf8');
    const start = spec.indexOf('`plans/basic/deployment/deploy.tf`\n```hcl\n');
    expect(start).toBeGreaterThan(0);
    const body = spec.slice(spec.indexOf('```hcl\n', start) + 7);
    expect(body.slice(0, body.indexOf('```\n'))).toBe(text);
  });

  it('parses without errors, with variables, types, defaults and spans', async () => {
    const m = await parse(text, path);
    expect(m.parseErrors).toEqual([]);
    expect(m.files).toEqual([path]);
    expect(m.variables.map((v) => [v.name, v.type, v.hasDefault])).toEqual([
      ['instance_uuid', 'string', false],
      ['email', 'string', false],
      ['flavor', 'string', false],
      ['az', 'string', false],
      ['subnet', 'string', false],
      ['root_type', 'string', false],
      ['root_size', 'number', false],
      ['users', 'number', false],
      ['backup', 'bool', false],
      ['image_uuid', 'string', true],
    ]);
    const first = m.variables[0];
    expect(first.span).toEqual({ file: path, line: 1, column: 1, endLine: 1, endColumn: 43 });
    expect(first.nameSpan).toEqual({ file: path, line: 1, column: 10, endLine: 1, endColumn: 25 });
    expect(first.typeAttribute?.span).toMatchObject({ line: 1, column: 35, endColumn: 41 });
    expect(first.typeAttribute?.nameSpan).toMatchObject({ line: 1, column: 28 });
    const image = m.variables[9];
    expect(image.default).toBe('00000000-0000-4000-8000-000000000000');
    expect(image.defaultAttribute?.literal).toBe('00000000-0000-4000-8000-000000000000');
    expect(image.span).toMatchObject({ line: 10, column: 1, endLine: 13, endColumn: 2 });
    expect(image.defaultAttribute?.span).toMatchObject({ line: 12, column: 13, endLine: 12, endColumn: 51 });
  });

  it('lists outputs with value text and sensitivity', async () => {
    const m = await parse(text, path);
    expect(m.outputs.map((o) => [o.name, o.valueText, o.sensitive])).toEqual([
      ['address', 'vkcs_compute_instance.vm.access_ip_v4', undefined],
      ['private_key', 'ivkcs_ssh_keypair.keypair.private_key', true],
    ]);
    expect(m.outputs[1].span).toMatchObject({ line: 89, endLine: 92 });
    expect(m.outputs[1].sensitiveAttribute?.span).toMatchObject({ line: 91, column: 15 });
  });

  it('lists resources and data sources with addresses, attributes and nested blocks', async () => {
    const m = await parse(text, path);
    expect(m.resources.map((r) => [r.address, r.span.line])).toEqual([
      ['vkcs_networking_secgroup.sg', 19],
      ['vkcs_networking_secgroup_rule.https', 24],
      ['vkcs_networking_port.port', 33],
      ['vkcs_blockstorage_volume.root', 41],
      ['ivkcs_ssh_keypair.keypair', 50],
      ['ivkcs_user_data.init', 52],
      ['vkcs_compute_instance.vm', 59],
      ['ivkcs_agent_exec.configure', 75],
    ]);
    expect(m.resources.every((r) => r.mode === 'managed' && !r.hasCount && !r.hasForEach)).toBe(true);
    expect(m.data.map((d) => [d.address, d.type, d.name, d.mode])).toEqual([['data.vkcs_networking_subnet.subnet', 'vkcs_networking_subnet', 'subnet', 'data']]);
    expect(m.data[0].attributes.subnet_id.references).toEqual(['var.subnet']);
    expect(m.locals.map((l) => [l.name, l.kind, l.references])).toEqual([['host', 'template', ['var.instance_uuid']]]);
    expect(m.providers).toEqual([]);
    expect(m.terraform).toEqual([]);

    const byAddress = new Map(m.resources.map((r) => [r.address, r]));
    const sg = byAddress.get('vkcs_networking_secgroup.sg')!;
    expect(sg.attributes.sdn).toMatchObject({ kind: 'reference', text: 'data.vkcs_networking_subnet.subnet.sdn', references: ['data.vkcs_networking_subnet.subnet.sdn'] });
    expect(sg.attributes.sdn.span).toMatchObject({ line: 21, column: 10 });
    expect(sg.attributes.sdn.nameSpan).toMatchObject({ line: 21, column: 3 });

    const rule = byAddress.get('vkcs_networking_secgroup_rule.https')!;
    expect(rule.attributes.port_range_min.literal).toBe(443);
    expect(rule.attributes.direction.literal).toBe('ingress');

    const volume = byAddress.get('vkcs_blockstorage_volume.root')!;
    const metadata = volume.attributes.metadata;
    expect(metadata.kind).toBe('object');
    expect(metadata.entries?.map((e) => [e.key, e.keyText, e.value.literal])).toEqual([
      ['sid', '"sid"', 'xaas'],
      ['product', '"product"', 'demo_app'],
    ]);
    expect(metadata.value).toEqual({ sid: 'xaas', product: 'demo_app' });
    expect(metadata.text).toBe('{ "sid" : "xaas", "product" : "demo_app" }');

    const init = byAddress.get('ivkcs_user_data.init')!;
    expect(referencesVar(init.attributes.uuid, 'instance_uuid')).toBe(true);
    expect(referencesVar(init.attributes.uuid.text, 'instance_uuid')).toBe(true);
    expect(init.attributes.target_os.literal).toBe('almalinux9');
    expect(init.attributes.hosts.kind).toBe('tuple');
    expect(init.attributes.hosts.items?.map((i) => i.text)).toEqual(['local.host']);

    const vm = byAddress.get('vkcs_compute_instance.vm')!;
    expect(vm.attributes.user_data.references).toEqual(['ivkcs_user_data.init.user_data[0]']);
    expect(vm.attributes.stop_before_destroy.literal).toBe(true);
    expect(vm.blocks.block_device).toHaveLength(1);
    expect(vm.blocks.block_device[0].attributes.boot_index.literal).toBe(0);
    expect(vm.blocks.block_device[0].span).toMatchObject({ line: 64, endLine: 69 });
    expect(vm.blocks.network[0].attributes.port.text).toBe('vkcs_networking_port.port.id');

    const exec = byAddress.get('ivkcs_agent_exec.configure')!;
    const content = exec.blocks.step[0].attributes.content;
    expect(content.kind).toBe('template');
    expect(content.literal).toBeUndefined();
    expect(content.references).toEqual(['var.users', 'var.backup', 'var.email']);
    expect(exec.attributes.depends_on.items?.map((i) => i.text)).toEqual(['vkcs_compute_instance.vm']);
  });

  it('caches the parser across calls and copes with concurrent calls', async () => {
    const [a, b] = await Promise.all([parse(text, 'a.tf'), parse(text, 'b.tf')]);
    expect(a.resources.length).toBe(8);
    expect(b.resources[0].span.file).toBe('b.tf');
  });
});

describe('parseTerraformFiles: syntax errors (SPEC §C.16 item 6)', () => {
  it('unquoted image_id = 2a7a77db-… in the docs snippet: error on its line', async () => {
    const m = await parse(fixture('docs-boot-volume.tf'), 'boot.tf');
    expect(m.parseErrors).toHaveLength(1);
    const [e] = m.parseErrors;
    expect(e.kind).toBe('syntax');
    expect(e.span).toMatchObject({ file: 'boot.tf', line: 6, column: 24 });
    expect(e.message).toContain('image_id');
    expect(e.message).toContain('image_id = "2a7a77db-d902-49bc-9198-531bd646d86f"');
  });

  it('unquoted UUID as the last argument of a block: error on its line', async () => {
    const m = await parse('resource "vkcs_blockstorage_volume" "boot" {\n  size     = 10\n  image_id = 2a7a77db-d902-49bc-9198-531bd646d86f\n}\n');
    expect(errorLines(m)).toEqual([3]);
    expect(m.parseErrors[0].message).toContain('quote it');
  });

  it('unquoted content = pwgen 25 1 in the docs snippet: error on its line', async () => {
    const m = await parse(fixture('docs-output-password.tf'), 'output.tf');
    expect(errorLines(m)).toEqual([9]);
    expect(m.parseErrors[0].span.column).toBe(15);
    expect(m.parseErrors[0].message).toContain('"content"');
  });

  it('the semantic defects (hosts_names, .key, "test service", unquoted label) are valid HCL', async () => {
    const m = await parse(fixture('docs-semantic-defects.tf'));
    expect(m.parseErrors).toEqual([]);
    expect(m.data.map((d) => d.address)).toEqual(['data.ivkcs_agent_script_result.password', 'data.vkcs_networking_subnet.subnet']);
    expect(m.data[0].attributes.host.references).toEqual(['local.hosts_names[0]']);
    expect(m.outputs[0].value?.references).toEqual(['ivkcs_ssh_keypair.key.private_key']);
    expect(m.resources[0].attributes.metadata.value).toEqual({ sid: 'xaas', product: 'test service' });
    expect(referencesVar(m.data[1].attributes.subnet_id, 'ds-subnet')).toBe(true);
    expect(referencesVar(m.data[1].attributes.subnet_id, 'ds')).toBe(false);
  });

  it.each([
    ['an unterminated string', 'locals {\n  a = "open\n  b = 1\n}\n', 2, 'Unterminated string'],
    ['an invalid escape', 'locals {\n  a = 1\n  b = "a\\qb"\n}\n', 3, 'Invalid escape'],
    ['two arguments on one line', 'resource "a" "b" {\n  x = 1 y = 2\n}\n', 2, 'Missing newline after argument "x"'],
    ['a single-line block with two arguments', 'resource "a" "b" { x = 1 y = 2 }\n', 1, 'single-line block'],
    ['a single-line block with a nested block', 'resource "a" "b" { n { x = 1 } }\n', 1, 'nested block "n"'],
    ['a single-line block closed on the next line', 'resource "a" "b" { x = 1\n}\n', 2, 'single-line block must end'],
    ['a closing brace after an argument', 'resource "a" "b" {\n  x = 1 }\n', 2, 'closing "}"'],
    ['a missing closing parenthesis', 'resource "a" "b" {\n  x = (1 + 2\n}\n', 2, 'missing ")"'],
    ['a missing closing brace', 'resource "a" "b" {\n  x = 1\n', 1, 'Unclosed block resource "a" "b"'],
    ['a missing closing bracket', 'locals {\n  x = [1, 2\n}\n', 2, 'missing'],
    ['a stray closing brace', 'resource "a" "b" {\n  x = 1\n}\n}\n', 4, 'unexpected "}"'],
    ['an unterminated heredoc', 'locals {\n  a = <<EOT\n  text\n}\n', 2, 'Unterminated heredoc'],
    ['an unterminated comment', 'locals {\n  a = 1 /* open\n}\n', 2, 'Unterminated comment'],
    ['a hexadecimal number', 'locals {\n  a = 0x10\n}\n', 2, 'not an HCL number'],
    ['a duplicate argument', 'locals {\n  a = 1\n  a = 2\n}\n', 3, 'set twice'],
    ['a block after a block on the same line', 'locals {\n  a = 1\n} locals {\n  b = 2\n}\n', 3, 'Missing newline after block locals'],
  ])('%s', async (_what, text, line, message) => {
    const m = await parse(text);
    expect(m.parseErrors.length).toBeGreaterThanOrEqual(1);
    expect(m.parseErrors[0]).toMatchObject({ kind: 'syntax', span: { file: 'main.tf', line } });
    expect(m.parseErrors[0].message).toContain(message);
  });

  it('an error line is counted in the original text, after repairs on earlier lines', async () => {
    const m = await parse('locals {\n  a = "open\n  b = "x\\q"\n  c = 1e3\n  d = 1 e = 2\n}\n');
    expect(errorLines(m)).toEqual([2, 3, 5]);
    expect(m.parseErrors[1].span).toMatchObject({ line: 3, column: 9 });
    const c = m.locals.find((l) => l.name === 'c');
    expect(c).toMatchObject({ text: '1e3', literal: 1000, span: { line: 4, column: 7, endColumn: 10 } });
  });

  it('binary garbage and empty files never throw', async () => {
    const garbage = await parse('\u0000\u0001\u00ff {{{ "\n]]] = = =\n');
    expect(garbage.parseErrors.length).toBeGreaterThan(0);
    expect(garbage.parseErrors[0].span.line).toBe(1);
    const empty = await parse('');
    expect(empty.parseErrors).toEqual([]);
    const comments = await parse('# only a comment\n// another\n/* and\n a block */\n');
    expect(comments.parseErrors).toEqual([]);
  });

  it('never throws and reports positions inside the file, for any input (property)', async () => {
    const base = fixture('c15-deploy.tf');
    const alphabet = ['"', '{', '}', '[', ']', '(', ')', '=', '\n', ' ', '$', '%', '<<EOT\n', '#', '/*', '*/', '\\', 'x', '1', ',', '.', ':', '?', 'var.a', '\u0000', 'ё'];
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: base.length }),
        fc.integer({ min: 0, max: 40 }),
        fc.array(fc.constantFrom(...alphabet), { maxLength: 12 }),
        async (at, cut, insert) => {
          const text = base.slice(0, at) + insert.join('') + base.slice(Math.min(base.length, at + cut));
          const m = await parse(text);
          const lines = text.split('\n').length;
          for (const e of m.parseErrors) {
            expect(e.span.line).toBeGreaterThanOrEqual(1);
            expect(e.span.line).toBeLessThanOrEqual(lines);
            expect(e.message.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 150, seed: 20260101 },
    );
  });
});

describe('parseTerraformFiles: HCL constructs', () => {
  it('heredocs, for expressions, dynamic blocks, template directives, comments', async () => {
    const text = [
      '# hash comment',
      '// slash comment',
      '/* block',
      '   comment */',
      'locals {',
      '  script = <<EOT',
      'echo ${var.name}',
      'EOT',
      '  plain = <<-EOT',
      '    line one',
      '      line two',
      '    EOT',
      '  upper = [for s in var.list : upper(s) if s != ""] # trailing comment',
      '  byname = { for k, v in var.map : k => v... }',
      '  greeting = "Hello, %{ if var.name != "" }${var.name}%{ else }there%{ endif }!"',
      '  escaped = "a\\tb\\u00e9 $${literal} %%{literal}"',
      '  ids = aws_instance.x[*].id',
      '  neg = -5',
      '  nested = { a = [1, 2, { b = true }], "c" = null }',
      '}',
      'resource "vkcs_networking_secgroup" "sg" {',
      '  dynamic "rule" {',
      '    for_each = var.ports // one rule per port',
      '    content {',
      '      port = rule.value',
      '    }',
      '  }',
      '  count = var.enabled ? 1 : 0',
      '}',
      '',
    ].join('\n');
    const m = await parse(text);
    expect(m.parseErrors).toEqual([]);
    const local = (name: string) => m.locals.find((l) => l.name === name)!;
    expect(local('script')).toMatchObject({ kind: 'template', references: ['var.name'] });
    expect(local('script').literal).toBeUndefined();
    expect(local('plain')).toMatchObject({ kind: 'template', literal: 'line one\n  line two\n' });
    expect(local('upper')).toMatchObject({ kind: 'for', references: ['var.list'] });
    expect(local('byname')).toMatchObject({ kind: 'for', references: ['var.map'] });
    expect(local('greeting')).toMatchObject({ kind: 'template', references: ['var.name'] });
    expect(local('escaped').literal).toBe('a\tbé ${literal} %{literal}');
    expect(local('ids').references).toEqual(['aws_instance.x[*].id']);
    expect(local('neg')).toMatchObject({ kind: 'literal', literal: -5 });
    expect(local('nested').value).toEqual({ a: [1, 2, { b: true }], c: null });
    const sg = m.resources[0];
    expect(sg.hasCount).toBe(true);
    expect(sg.count?.kind).toBe('conditional');
    expect(sg.count?.conditional?.ifTrue.literal).toBe(1);
    const dyn = sg.blocks.dynamic[0];
    expect(dyn.labels).toEqual(['rule']);
    expect(dyn.attributes.for_each.references).toEqual(['var.ports']);
    expect(dyn.blocks.content[0].attributes.port.references).toEqual(['rule.value']);
  });

  it('comment markers and quotes inside strings and heredocs are text; interpolations may span lines', async () => {
    const m = await parse(
      [
        'locals {',
        '  url    = "http://example.com/*x"',
        '  hash   = "# not a comment // nor this"',
        '  script = <<-EOT',
        '    echo "unbalanced',
        '    it\'s ${var.x} and "${var.y}',
        '  EOT',
        '  nested = "${join(",", ["a", "b"])}"',
        '  multi  = "${var.a ?',
        '    "x" : "y"}"',
        '  after  = 1',
        '}',
        '',
      ].join('\n'),
    );
    expect(m.parseErrors).toEqual([]);
    expect(m.locals.map((l) => [l.name, l.kind, l.literal ?? null, l.references])).toEqual([
      ['url', 'literal', 'http://example.com/*x', []],
      ['hash', 'literal', '# not a comment // nor this', []],
      ['script', 'template', null, ['var.x', 'var.y']],
      ['nested', 'template', null, []],
      ['multi', 'template', null, ['var.a']],
      ['after', 'literal', 1, []],
    ]);
    expect(m.locals[5].span).toMatchObject({ line: 11, column: 12 });
  });

  it('gives the floating-IP pool as a conditional, and a bare pool as a literal (IB-099)', async () => {
    const m = await parse(
      'resource "vkcs_networking_floatingip" "good" {\n  pool = data.vkcs_networking_subnet.subnet.sdn == "neutron" ? "ext-net" : "internet"\n}\n' +
        'resource "vkcs_networking_floatingip" "bad" {\n  pool = "ext-net"\n}\n',
    );
    const [good, bad] = m.resources;
    expect(good.attributes.pool.kind).toBe('conditional');
    const cond = good.attributes.pool.conditional!;
    expect(cond.condition.operation?.operator).toBe('==');
    expect(cond.condition.operation?.operands.map((o) => o.text)).toEqual(['data.vkcs_networking_subnet.subnet.sdn', '"neutron"']);
    expect([cond.ifTrue.literal, cond.ifFalse.literal]).toEqual(['ext-net', 'internet']);
    expect(bad.attributes.pool).toMatchObject({ kind: 'literal', literal: 'ext-net', span: { line: 5, column: 10 } });
  });

  it('variables: normalised types, constant defaults, sensitive and description', async () => {
    const m = await parse(
      [
        'variable "tags" {',
        '  type = map( string ) # comment',
        '  default = { env = "prod" }',
        '}',
        'variable "spec" {',
        '  type = object({ name = string, size = optional(number, 10) })',
        '}',
        'variable "legacy" { type = "string" }',
        'variable "secret" {',
        '  type        = string',
        '  sensitive   = true',
        '  description = "A secret"',
        '  default     = null',
        '}',
        'variable "computed" {',
        '  type    = list(string)',
        '  default = [var.a]',
        '}',
        'variable "untyped" {}',
        '',
      ].join('\n'),
    );
    expect(m.parseErrors).toEqual([]);
    const v = Object.fromEntries(m.variables.map((x) => [x.name, x]));
    expect(v.tags.type).toBe('map(string)');
    expect(v.tags.default).toEqual({ env: 'prod' });
    expect(v.spec.type).toBe('object({name=string,size=optional(number,10)})');
    expect(v.legacy.type).toBe('"string"');
    expect(v.secret).toMatchObject({ sensitive: true, description: 'A secret', hasDefault: true, default: null });
    expect(v.computed.hasDefault).toBe(true);
    expect('default' in v.computed).toBe(false);
    expect(v.untyped.type).toBeUndefined();
    expect(v.untyped.hasDefault).toBe(false);
  });

  it('providers and terraform blocks (IB-105), CRLF, BOM and UTF-16 columns', async () => {
    const text = '\ufeffterraform {\r\n  required_providers {\r\n    vkcs = { source = "vk-cs/vkcs" }\r\n  }\r\n}\r\n# Комментарий\r\nprovider "vkcs" {\r\n  username = "Пользователь" \r\n  alias    = "second"\r\n}\r\n';
    const m = await parse(text, 'auth.tf');
    expect(m.parseErrors).toEqual([]);
    expect(m.terraform).toHaveLength(1);
    expect(m.terraform[0].blocks.required_providers[0].attributes.vkcs.entries?.[0]).toMatchObject({ key: 'source' });
    expect(m.providers).toHaveLength(1);
    expect(m.providers[0]).toMatchObject({ name: 'vkcs', alias: 'second', span: { line: 7, column: 1 } });
    expect(m.providers[0].attributes.username).toMatchObject({ literal: 'Пользователь', span: { line: 8, column: 14, endColumn: 28 } });
  });

  it('structure errors: top-level arguments, unknown blocks, label counts, duplicates across files', async () => {
    const m = await parseTerraformFiles([
      { path: 'a.tf', text: 'foo = 1\nresorce "a" "b" {}\nvariable {}\nresource "only_type" {}\nvariable "x" { type = string }\n' },
      { path: 'b.tf', text: 'variable "x" { type = number }\nlocals {\n  y = 1\n}\n' },
      { path: 'c.tf', text: 'locals {\n  y = 2\n}\n' },
    ]);
    expect(m.parseErrors.map((e) => [e.kind, e.span.file, e.span.line])).toEqual([
      ['structure', 'a.tf', 1],
      ['structure', 'a.tf', 2],
      ['structure', 'a.tf', 3],
      ['structure', 'a.tf', 4],
      ['structure', 'b.tf', 1],
      ['structure', 'c.tf', 2],
    ]);
    expect(m.parseErrors[4].message).toBe('Duplicate variable "x": already declared at a.tf:5. Remove or rename one of them.');
    expect(m.variables.map((v) => `${v.span.file}:${v.name}`)).toEqual(['a.tf:x', 'b.tf:x']);
  });
});

describe('helpers', () => {
  it('tfTypeOfOption follows SPEC §C.10', () => {
    expect(tfTypeOfOption('integer')).toBe('number');
    expect(tfTypeOfOption('number')).toBe('number');
    expect(tfTypeOfOption('string')).toBe('string');
    expect(tfTypeOfOption('boolean')).toBe('bool');
  });

  it('referencesVar matches whole variable names in text', () => {
    expect(referencesVar('var.flavor', 'flavor')).toBe(true);
    expect(referencesVar('"${var.flavor}-x"', 'flavor')).toBe(true);
    expect(referencesVar('var.flavor_id', 'flavor')).toBe(false);
    expect(referencesVar('var.ds-flavor', 'flavor')).toBe(false);
    expect(referencesVar('var.ds-flavor', 'ds-flavor')).toBe(true);
    expect(referencesVar('local.var.flavor', 'flavor')).toBe(false);
    expect(referencesVar('var.list[0]', 'list')).toBe(true);
  });
});
