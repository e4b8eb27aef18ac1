/**
 * SPEC §C.16: the defects of the docs' own image-based examples, pasted into the §C.15
 * package, are each reported with the file, the line and the rule ID.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../packages/core/src/diagnostics.js';
import { validateArtifacts } from '../../packages/core/src/index.js';
import { removeDir, tempDir } from '../helpers.js';
import { edit, lineOf, show, specFiles, text, utf8, writeTree, type Files } from './support.js';

let dir = '';
let files: Files;
let diagnostics: Diagnostic[] = [];

/** The docs' snippets, verbatim where they are the defect. */
function defective(): Files {
  const f = specFiles();
  // 1. INS templates: `parameters:` beside `preview:`, `cost:` beside `billing:`, `users:` beside `parameters_patch:`.
  edit(f, 'service.yaml', 'preview:\n  parameters:\n    - name: users\n    - name: backup\n', 'preview:\nparameters:\n- name: users\n- name: backup\n');
  edit(f, 'plans/basic/plan.yaml', 'billing:\n  cost: 1000\n  refundable: true\n  billing_cycle_flat: 1 mons 0 days\n', 'billing:\ncost: 1000\nrefundable: true\nbilling_cycle_flat: 1 mons 0 days\n\nparameters_patch:\nusers:\n   schema.const: 5000\n');
  // 2. The tree drawing: plan.yaml and display.yaml under deployment/.
  f.set('plans/payg/deployment/plan.yaml', f.get('plans/payg/plan.yaml')!);
  f.set('plans/payg/deployment/display.yaml', f.get('plans/payg/display.yaml')!);
  f.delete('plans/payg/plan.yaml');
  f.delete('plans/payg/display.yaml');
  // 3. The custom-step example: an unquoted hint containing "платформы: iOS".
  edit(f, 'parameters/users.yaml', '  hint: Number of user accounts\n', '  hint: На платформу можно загружать тестовые сборки приложений для раздачи сотрудникам заказчика и тестировщикам VK Testers. Чем больше хранилище, тем больше версий ваших продуктов можно сохранять на платформе тестирования. Поддерживаемые платформы: iOS, Android, Windows, MacOS, Linux.\n');
  // 4. The disk example without `enum` nested under disk_class; the network example with kind: private.
  edit(f, 'parameters/root_type.yaml', '      disk_class:\n        enum: [ssd, hdd]\n', '      disk_class:\n      enum: ["ssd", "hdd"]\n');
  f.set('parameters/network.yaml', utf8('actions:\n- create\n- update\n\nschema:\n  description: Внутренняя сеть\n  hint: Внутренняя сеть\n  type: string\n  datasource:\n    type: network\n    value_is: name\n    filter:\n      kind: private\n      shared: false\n'));
  // 6. HCL: unquoted image_id; local.hosts_names vs hosts_name; ivkcs_ssh_keypair.key vs keypair.
  edit(f, 'plans/basic/deployment/deploy.tf', '  image_id          = var.image_uuid\n', '  image_id          = 2a7a77db-d902-49bc-9198-531bd646d86f\n');
  edit(f, 'plans/basic/deployment/deploy.tf', 'output "private_key" {\n  value     = ivkcs_ssh_keypair.keypair.private_key\n', 'output "private_key" {\n  value     = ivkcs_ssh_keypair.key.private_key\n');
  // 6. metadata product "test service" instead of SERVICE_NAME.
  f.set('plans/basic/deployment/deploy.tf', utf8(text(f.get('plans/basic/deployment/deploy.tf')).replace('metadata          = { "sid" : "xaas", "product" : "demo_app" }\n  image_id', 'metadata          = { "sid" : "xaas", "product" : "test service" }\n  image_id')));
  // 7. Hyphenated option files (ds-flavor).
  f.set('parameters/ds-flavor.yaml', f.get('parameters/flavor.yaml')!);
  return f;
}

beforeAll(async () => {
  dir = tempDir('ib-doc-defects-');
  files = defective();
  writeTree(join(dir, 'demo_app'), files);
  diagnostics = (await validateArtifacts([join(dir, 'demo_app')])).diagnostics;
});
afterAll(() => removeDir(dir));

function expectAt(code: string, file: string, needle: string | number, opts: { after?: string; severity?: 'error' | 'warning' } = {}): Diagnostic {
  const line = typeof needle === 'number' ? needle : lineOf(text(files.get(file)), needle, opts.after);
  const abs = join(dir, 'demo_app', file);
  const found = diagnostics.find((d) => d.code === code && d.span?.file === abs && d.span.line === line && (!opts.severity || d.severity === opts.severity));
  expect(found, `${code} at ${file}:${line}; got\n${show(diagnostics.filter((d) => d.span?.file === abs))}`).toBeDefined();
  return found!;
}

describe('SPEC §C.16 defects of the docs\' IB examples', () => {
  it('1. mis-indented templates: the keys that fell out of their section are undocumented keys (IB-005)', () => {
    expectAt('IB-005', 'service.yaml', 'parameters:', { severity: 'warning' });
    expectAt('IB-005', 'plans/basic/plan.yaml', 'cost: 1000');
    expectAt('IB-005', 'plans/basic/plan.yaml', 'billing_cycle_flat');
    expectAt('IB-005', 'plans/basic/plan.yaml', 'users:');
  });

  it('2. plan.yaml and display.yaml under deployment/: the plan directory has no plan.yaml (IB-055)', () => {
    const abs = join(dir, 'demo_app', 'plans', 'payg');
    const d = diagnostics.find((x) => x.code === 'IB-055' && x.span?.file === abs);
    expect(d, show(diagnostics)).toBeDefined();
    expect(d!.message).toContain('plan.yaml, display.yaml');
  });

  it('3. the unquoted hint containing "платформы: iOS" is invalid YAML (IB-004)', () => {
    const d = expectAt('IB-004', 'parameters/users.yaml', 'hint:', { severity: 'error' });
    expect(d.hint).toMatch(/Quote/);
  });

  it('4. disk_class without a nested enum (IB-051) and kind: private (IB-050)', () => {
    expectAt('IB-051', 'parameters/root_type.yaml', 'datasource:', { severity: 'error' });
    const d = expectAt('IB-050', 'parameters/network.yaml', 'datasource:', { severity: 'error' });
    expect(d.message).toContain('"private"');
  });

  it('6. HCL: unquoted image_id (IB-089), product "test service" (IB-098)', () => {
    expectAt('IB-089', 'plans/basic/deployment/deploy.tf', 'image_id', { severity: 'error' });
    expectAt('IB-098', 'plans/basic/deployment/deploy.tf', '"test service"', { severity: 'warning' });
  });

  it('6. HCL: local.hosts_names[0] and ivkcs_ssh_keypair.key name nothing declared (IB-089)', async () => {
    // In a manifest that parses: references are checked only then.
    const only = specFiles();
    edit(only, 'plans/basic/deployment/deploy.tf', 'output "private_key" {\n  value     = ivkcs_ssh_keypair.keypair.private_key\n', 'output "private_key" {\n  value     = ivkcs_ssh_keypair.key.private_key\n');
    only.set('plans/basic/deployment/output.tf', utf8('data "ivkcs_agent_script_result" "password" {\n  uuid  = var.instance_uuid\n  host  = local.hosts_names[0]\n  group = ivkcs_agent_exec.configure.name\n  index = 1\n}\n'));
    const d2 = tempDir('ib-doc-defects-');
    try {
      writeTree(join(d2, 'demo_app'), only);
      const r = await validateArtifacts([join(d2, 'demo_app')]);
      const tf = (name: string) => join(d2, 'demo_app', 'plans', 'basic', 'deployment', name);
      const key = r.diagnostics.find((d) => d.code === 'IB-089' && d.span?.file === tf('deploy.tf') && d.span.line === lineOf(text(only.get('plans/basic/deployment/deploy.tf')), 'ivkcs_ssh_keypair.key.private_key'));
      expect(key, show(r.diagnostics)).toBeDefined();
      expect(key!.hint).toContain('named keypair');
      const local = r.diagnostics.find((d) => d.code === 'IB-089' && d.span?.file === tf('output.tf') && d.span.line === 3);
      expect(local, show(r.diagnostics)).toBeDefined();
      expect(local!.message).toContain('local.hosts_names');
      expect(local!.hint).toContain('host');
    } finally {
      removeDir(d2);
    }
  });

  it('7. hyphenated option files (ds-flavor) are a naming warning (IB-003)', () => {
    expectAt('IB-003', 'parameters/ds-flavor.yaml', 1, { severity: 'warning' });
  });
});
