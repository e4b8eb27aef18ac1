#!/usr/bin/env node
// Writes the rule-coverage fixtures of the image-based reader, Terraform and settings rules
// (test/fixtures/rules/<ID>/{fail,pass}…/) as small edits of the SPEC §C.15 package
// (test/fixtures/ib/spec-c15/demo_app). Run it after changing the package or a case:
//
//   node test/ib-read/make-fixtures.mjs
//
// Every case directory is replaced as a whole, so the output depends only on this file and
// the §C.15 package. Zip fixtures are written with a minimal stored-entry zip writer (fixed
// timestamps), so the bytes are stable too.
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SPEC = join(repo, 'test', 'fixtures', 'ib', 'spec-c15', 'demo_app');
const OUT = join(repo, 'test', 'fixtures', 'rules');
/** From a fixture directory (rules/<ID>/<variant>/) to the §C.15 package. */
const SPEC_FROM_FIXTURE = '../../../ib/spec-c15/demo_app';

const BASIC_TF = 'plans/basic/deployment/deploy.tf';
const PAYG_TF = 'plans/payg/deployment/deploy.tf';
const SETTINGS = 'plans/basic/deployment/settings.yaml';

/** Replaces `from` (which must occur exactly `times` times, default once) in a package file. */
const replace = (file, from, to, times = 1) => (dir) => {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  const count = text.split(from).length - 1;
  if (count !== times) throw new Error(`${file}: expected ${times} occurrence(s) of ${JSON.stringify(from)}, found ${count}`);
  writeFileSync(path, text.split(from).join(to));
};
/** Replaces the n-th (0-based) occurrence of `from`. */
const replaceNth = (file, from, to, n) => (dir) => {
  const path = join(dir, file);
  const parts = readFileSync(path, 'utf8').split(from);
  if (parts.length - 1 <= n) throw new Error(`${file}: fewer than ${n + 1} occurrences of ${JSON.stringify(from)}`);
  writeFileSync(path, parts.slice(0, n + 1).join(from) + to + parts.slice(n + 1).join(from));
};
const append = (file, text) => (dir) => writeFileSync(join(dir, file), readFileSync(join(dir, file), 'utf8') + text);
const write = (file, text) => (dir) => {
  mkdirSync(dirname(join(dir, file)), { recursive: true });
  writeFileSync(join(dir, file), text);
};
const remove = (file) => (dir) => rmSync(join(dir, file), { recursive: true });
const link = (file, target) => (dir) => symlinkSync(target, join(dir, file));

const DATA_VOLUME = `
resource "vkcs_blockstorage_volume" "data" {
  name              = "\${local.host}-data"
  metadata          = { "sid" : "xaas", "product" : "demo_app" }
  volume_type       = var.root_type
  size              = 10
  availability_zone = var.az
}

resource "vkcs_compute_volume_attach" "data" {
  instance_id = vkcs_compute_instance.vm.id
  volume_id   = vkcs_blockstorage_volume.data.id
}
`;

const FLOATING_IP_ENTITY = `  - entity: floating_ip
    description: Public IP
    count: {const: 1}
`;

/** A copy of the §C.15 package with `edits` applied, in `<case>/demo_app/`. */
const pkg = (note, edits = [], at) => ({ kind: 'dir', note, edits, at });
/** No copy: validate the §C.15 package itself. */
const spec = (note, at) => ({ kind: 'spec', note, at });
/** A zip of the edited package: `root` true puts the files under demo_app/, false at the zip root. */
const zip = (note, { edits = [], root = true, extra = [] } = {}) => ({ kind: 'zip', note, edits, root, extra });

const tfAt = (line, after, file = BASIC_TF) => ({ file: `demo_app/${file}`, line, ...(after ? { after } : {}) });

const CASES = {
  'IB-004': {
    fail: pkg('the docs\' custom-step example: an unquoted hint containing "платформы: iOS" is not valid YAML (§C.16 item 3)', [
      replace('parameters/users.yaml', '  hint: Number of user accounts', '  hint: На платформу можно загружать тестовые сборки. Поддерживаемые платформы: iOS, Android, Windows, MacOS, Linux.'),
    ], { file: 'demo_app/parameters/users.yaml', line: 'hint:' }),
    'fail-ambiguous': pkg('an unquoted `on` reads as a string in YAML 1.2 and as true in YAML 1.1 (warning)', [
      replace('parameters/users.yaml', '    measurement: users', '    measurement: on'),
    ], { file: 'demo_app/parameters/users.yaml', line: 'measurement' }),
    'fail-yml': pkg('an option file with the extension .yml is not read by the generator', [
      write('parameters/extra.yml', 'actions: [create]\nschema:\n  description: Extra\n  type: string\n'),
    ]),
    pass: pkg('the same hint, quoted; settings.yaml keeps the documented unquoted retry: yes', [
      replace('parameters/users.yaml', '  hint: Number of user accounts', '  hint: "Поддерживаемые платформы: iOS, Android, Windows, MacOS, Linux."'),
    ]),
  },
  'IB-005': {
    fail: pkg('the INS service.yaml template: parameters: at the level of preview: (§C.16 item 1), so it is an undocumented root key', [
      replace('service.yaml', 'preview:\n  parameters:\n    - name: users\n    - name: backup\n', 'preview:\nparameters:\n  - name: users\n  - name: backup\n'),
    ], { file: 'demo_app/service.yaml', line: 'parameters:' }),
    'fail-entity': pkg('an entity key the docs do not describe', [
      replace('plans/basic/display.yaml', '    description: Application VM\n', '    description: Application VM\n    image: almalinux9\n'),
    ], { file: 'demo_app/plans/basic/display.yaml', line: 'image:' }),
    pass: pkg('only documented keys; the optional singleton and auto_bind left out', [
      replace('service.yaml', 'singleton: false\nauto_bind: false\n', ''),
    ]),
  },
  'IB-015': {
    fail: pkg('plans/trial/ exists but service.yaml does not list it', [
      (dir) => cpSync(join(dir, 'plans/payg'), join(dir, 'plans/trial'), { recursive: true }),
      replace('plans/trial/plan.yaml', 'id: 5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f\n', 'id: 2b3c4d5e-6f70-4812-9a3b-4c5d6e7f8091\n'),
      replace('plans/trial/plan.yaml', 'name: payg\ndescription: Pay as you go\n', 'name: trial\ndescription: Trial\n'),
    ]),
    pass: pkg('plans/trial/ is listed in service.yaml', [
      (dir) => cpSync(join(dir, 'plans/payg'), join(dir, 'plans/trial'), { recursive: true }),
      replace('plans/trial/plan.yaml', 'id: 5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f\n', 'id: 2b3c4d5e-6f70-4812-9a3b-4c5d6e7f8091\n'),
      replace('plans/trial/plan.yaml', 'name: payg\ndescription: Pay as you go\n', 'name: trial\ndescription: Trial\n'),
      replace('service.yaml', '  - name: payg\n', '  - name: payg\n  - name: trial\n'),
    ]),
  },
  'IB-089': {
    fail: pkg('the docs\' root-disk example: image_id = 2a7a77db-… unquoted is not HCL (§C.16 item 6)', [
      replace(BASIC_TF, '  image_id          = var.image_uuid\n', '  image_id          = 2a7a77db-d902-49bc-9198-531bd646d86f\n'),
    ], tfAt('image_id')),
    'fail-no-tf': pkg('deployment/ holds settings.yaml but no .tf file', [remove(BASIC_TF)]),
    pass: pkg('the image ID quoted', [
      replace(BASIC_TF, '  image_id          = var.image_uuid\n', '  image_id          = "2a7a77db-d902-49bc-9198-531bd646d86f"\n'),
    ]),
  },
  'IB-090': {
    fail: pkg('variable "root_size" declares no type', [
      replace(BASIC_TF, 'variable "root_size" { type = number }', 'variable "root_size" {}'),
    ], tfAt('variable "root_size"')),
    pass: pkg('variable "root_size" with a type and a default', [
      replace(BASIC_TF, 'variable "root_size" { type = number }', 'variable "root_size" {\n  type    = number\n  default = 20\n}'),
    ]),
  },
  'IB-091': {
    fail: pkg('basic shows the create/update option backup, but its manifest declares no variable "backup"', [
      replace(BASIC_TF, 'variable "backup"    { type = bool }\n', ''),
    ], tfAt('variable "instance_uuid"')),
    pass: spec('payg uses the postpaid option storage without a variable (SPEC §C.15: values arrive through usage pushes)'),
  },
  'IB-092': {
    fail: pkg('the integer option root_size has variable "root_size" { type = string }', [
      replace(BASIC_TF, 'variable "root_size" { type = number }', 'variable "root_size" { type = string }'),
    ], tfAt('variable "root_size"')),
    pass: pkg('payg also declares the postpaid option storage as a number variable with a default', [
      replace(PAYG_TF, 'variable "root_size" { type = number }\n', 'variable "root_size" { type = number }\nvariable "storage" {\n  type    = number\n  default = 0\n}\n'),
    ]),
  },
  'IB-093': {
    fail: pkg('the special variable email is typed number', [
      replace(BASIC_TF, 'variable "email"         { type = string }', 'variable "email"         { type = number }'),
    ], tfAt('variable "email"')),
    'fail-option': pkg('an option file is named instance_uuid', [
      write('parameters/instance_uuid.yaml', 'actions: [create]\nschema:\n  description: Instance\n  type: string\n'),
    ]),
    pass: spec('instance_uuid and email are strings; no option uses their names'),
  },
  'IB-094': {
    fail: pkg('a local variable without a default', [
      replace(BASIC_TF, 'variable "image_uuid" {', 'variable "ssh_port" { type = number }\nvariable "image_uuid" {'),
    ], tfAt('variable "ssh_port"')),
    pass: pkg('the local variable has a default', [
      replace(BASIC_TF, 'variable "image_uuid" {', 'variable "ssh_port" {\n  type    = number\n  default = 22\n}\nvariable "image_uuid" {'),
    ]),
  },
  'IB-095': {
    fail: pkg('ivkcs_user_data uuid is a literal UUID instead of var.instance_uuid', [
      replace(BASIC_TF, '  uuid                = var.instance_uuid\n', '  uuid                = "4a57a965-3c83-436c-80e2-428e421538cc"\n'),
    ], tfAt('uuid', 'resource "ivkcs_user_data"')),
    pass: pkg('uuid through a local that holds var.instance_uuid', [
      replace(BASIC_TF, 'locals { host = "demo-${substr(var.instance_uuid, 0, 8)}" }', 'locals {\n  host = "demo-${substr(var.instance_uuid, 0, 8)}"\n  uuid = var.instance_uuid\n}'),
      replace(BASIC_TF, '  uuid                = var.instance_uuid\n', '  uuid                = local.uuid\n'),
    ]),
  },
  'IB-096': {
    fail: pkg('ivkcs_user_data hosts names "demo-host", but the VM is named local.host', [
      replace(BASIC_TF, '  hosts               = [local.host]\n', '  hosts               = ["demo-host"]\n'),
    ], tfAt('hosts', 'resource "ivkcs_user_data"')),
    pass: pkg('a literal host name used both in hosts and as the VM name', [
      replace(BASIC_TF, '  hosts               = [local.host]\n', '  hosts               = ["demo-host"]\n'),
      replace(BASIC_TF, '  hosts = [local.host]\n', '  hosts = ["demo-host"]\n'),
      replace(BASIC_TF, '  name              = local.host\n', '  name              = "demo-host"\n'),
    ]),
  },
  'IB-097': {
    fail: pkg('the private key output is not sensitive', [
      replace(BASIC_TF, '  value     = ivkcs_ssh_keypair.keypair.private_key\n  sensitive = true\n', '  value     = ivkcs_ssh_keypair.keypair.private_key\n'),
    ], tfAt('output "private_key"')),
    'fail-password': pkg('a generated password output without sensitive (warning)', [
      append(BASIC_TF, '\nresource "random_password" "admin" {\n  length  = 20\n  special = false\n}\n\noutput "admin_password" { value = random_password.admin.result }\n'),
    ], tfAt('output "admin_password"')),
    pass: pkg('the password output is sensitive too', [
      append(BASIC_TF, '\nresource "random_password" "admin" {\n  length  = 20\n  special = false\n}\n\noutput "admin_password" {\n  value     = random_password.admin.result\n  sensitive = true\n}\n'),
    ]),
  },
  'IB-098': {
    fail: pkg('the docs\' metadata product "test service" instead of SERVICE_NAME (§C.16 item 6)', [
      replaceNth(BASIC_TF, '"product" : "demo_app"', '"product" : "test service"', 1),
    ], tfAt('metadata', 'resource "vkcs_compute_instance"')),
    pass: spec('VM and volume carry { "sid" : "xaas", "product" : "demo_app" }'),
  },
  'IB-099': {
    fail: pkg('a floating IP from the fixed pool "ext-net"', [
      append(BASIC_TF, '\nresource "vkcs_networking_floatingip" "fip" {\n  pool = "ext-net"\n}\n'),
      append('plans/basic/display.yaml', FLOATING_IP_ENTITY),
    ], tfAt('pool')),
    pass: pkg('the pool derived from the subnet SDN', [
      append(BASIC_TF, '\nresource "vkcs_networking_floatingip" "fip" {\n  pool = data.vkcs_networking_subnet.subnet.sdn == "neutron" ? "ext-net" : "internet"\n}\n'),
      append('plans/basic/display.yaml', FLOATING_IP_ENTITY),
    ]),
  },
  'IB-100': {
    fail: pkg('the security group hard-codes sdn = "neutron"', [
      replace(BASIC_TF, '  name = "${local.host}-sg"\n  sdn  = data.vkcs_networking_subnet.subnet.sdn\n', '  name = "${local.host}-sg"\n  sdn  = "neutron"\n'),
    ], tfAt('sdn', 'resource "vkcs_networking_secgroup" "sg"')),
    pass: pkg('sdn through a local holding the subnet\'s sdn', [
      replace(BASIC_TF, 'locals { host = "demo-${substr(var.instance_uuid, 0, 8)}" }', 'locals {\n  host = "demo-${substr(var.instance_uuid, 0, 8)}"\n  sdn  = data.vkcs_networking_subnet.subnet.sdn\n}'),
      replace(BASIC_TF, '  name = "${local.host}-sg"\n  sdn  = data.vkcs_networking_subnet.subnet.sdn\n', '  name = "${local.host}-sg"\n  sdn  = local.sdn\n'),
    ]),
  },
  'IB-101': {
    fail: pkg('an ivkcs_dns record in a domain the platform does not serve', [
      append(BASIC_TF, '\nresource "ivkcs_dns" "dns" {\n  name   = "demo-${substr(var.instance_uuid, 0, 8)}"\n  domain = "example.com"\n  ip     = vkcs_compute_instance.vm.access_ip_v4\n}\n'),
    ], tfAt('domain')),
    pass: pkg('the record in xaas.msk.vkcs.cloud', [
      append(BASIC_TF, '\nresource "ivkcs_dns" "dns" {\n  name   = "demo-${substr(var.instance_uuid, 0, 8)}"\n  domain = "xaas.msk.vkcs.cloud"\n  ip     = vkcs_compute_instance.vm.access_ip_v4\n}\n'),
    ]),
  },
  'IB-102': {
    fail: pkg('the deprecated ivkcs_agent_init', [
      append(BASIC_TF, '\nresource "ivkcs_agent_init" "agent" {\n  uuid  = var.instance_uuid\n  hosts = [local.host]\n}\n'),
    ], tfAt('resource "ivkcs_agent_init"')),
    pass: spec('the agent is installed with ivkcs_user_data'),
  },
  'IB-103': {
    fail: pkg('target_os "ubuntu2004" is not a documented value', [
      replace(BASIC_TF, '  target_os           = "almalinux9"\n', '  target_os           = "ubuntu2004"\n'),
    ], tfAt('target_os')),
    pass: pkg('target_os "ubuntu2204"', [
      replace(BASIC_TF, '  target_os           = "almalinux9"\n', '  target_os           = "ubuntu2204"\n'),
    ]),
  },
  'IB-104': {
    fail: pkg('a two-VM cluster with agent_install = false', clusterEdits(true), tfAt('agent_install')),
    pass: pkg('the same cluster with the agent installed (the default)', clusterEdits(false)),
  },
  'IB-105': {
    fail: pkg('the local-test auth.tf with provider credentials is in deployment/', [
      write('plans/basic/deployment/auth.tf', 'provider "vkcs" {\n  user_domain_name = "users"\n  username         = "USER_NAME"\n  password         = "PASSWORD"\n  project_id       = "PROJECT_ID"\n  region           = "RegionOne"\n}\n'),
    ], { file: 'demo_app/plans/basic/deployment/auth.tf', line: 'provider "vkcs"' }),
    pass: spec('deployment/ holds only deploy.tf and settings.yaml'),
  },
  'IB-106': {
    fail: spec('the §C.15 VM keeps everything on its boot volume (a warning)', { file: `${SPEC_FROM_FIXTURE}/${BASIC_TF}`, line: 'resource "vkcs_compute_instance"' }),
    pass: pkg('both plans attach a data volume', [append(BASIC_TF, DATA_VOLUME), append(PAYG_TF, DATA_VOLUME)]),
  },
  'IB-107': {
    fail: pkg('settings.yaml has an undocumented key', [append(SETTINGS, 'timeout: 30m\n')], { file: `demo_app/${SETTINGS}`, line: 'timeout' }),
    pass: pkg('settings.yaml with preset only (retry defaults to yes)', [write(SETTINGS, 'preset: base_v3\n')]),
  },
  'IB-108': {
    fail: pkg('preset base_v4 is not documented', [write(SETTINGS, 'preset: base_v4\nretry: yes\n')], { file: `demo_app/${SETTINGS}`, line: 'preset' }),
    pass: pkg('the older stable preset base_v2', [write(SETTINGS, 'preset: base_v2\nretry: yes\n')]),
  },
  'IB-109': {
    fail: pkg('retry: maybe', [write(SETTINGS, 'preset: base_v3\nretry: maybe\n')], { file: `demo_app/${SETTINGS}`, line: 'retry' }),
    pass: pkg('retry: false, the YAML 1.1 reading of no, is accepted', [write(SETTINGS, 'preset: base_v3\nretry: false\n')]),
  },
  'IB-110': {
    fail: pkg('the testing preset base_alpha', [write(SETTINGS, 'preset: base_alpha\nretry: no\n')], { file: `demo_app/${SETTINGS}`, line: 'preset' }),
    pass: pkg('retry: no with a stable preset', [write(SETTINGS, 'preset: base_v3\nretry: no\n')]),
  },
  'IB-111': {
    fail: zip('a 31 MiB archive (a stored file of zeros in images/) is over the 30 MB limit', {
      extra: [['demo_app/images/padding.bin', new Uint8Array(31 * 1048576)]],
    }),
    pass: zip('the §C.15 package zipped (a few KB)'),
  },
  'IB-112': {
    fail: zip('the package files at the zip root instead of inside demo_app/', { root: false }),
    pass: zip('the zip root is the single directory demo_app/'),
  },
  'IB-113': {
    fail: pkg('macOS litter (.DS_Store) in the package', [write('.DS_Store', '\u0000\u0000\u0000\u0001Bud1')]),
    'fail-layout': pkg('a README.md beside service.yaml is not part of the layout', [write('README.md', '# Demo App\n')]),
    pass: spec('only the files of SPEC §C.2'),
  },
  'READ-003': {
    fail: pkg('images/logo.svg is a symbolic link (links are never followed)', [link('images/logo.svg', 'icon.svg')]),
    'fail-zip-slip': zip('a zip entry named demo_app/../../evil.sh would escape the extraction directory', {
      extra: [['demo_app/../../evil.sh', new TextEncoder().encode('#!/bin/sh\n')]],
    }),
    pass: spec('regular files only'),
  },
};

/** A two-VM cluster: one VM resource with count = 2, one user data for both hosts. */
function clusterEdits(agentOff) {
  return [
    replace(BASIC_TF, '  hosts               = [local.host]\n', `  hosts               = [for i in range(2) : "\${local.host}-\${i}"]\n${agentOff ? '  agent_install       = false\n' : ''}`),
    replace(BASIC_TF, 'resource "vkcs_compute_instance" "vm" {\n  name              = local.host\n', 'resource "vkcs_compute_instance" "vm" {\n  count             = 2\n  name              = "${local.host}-${count.index}"\n'),
    replace(BASIC_TF, '  user_data           = ivkcs_user_data.init.user_data[0]\n', '  user_data           = ivkcs_user_data.init.user_data[count.index]\n'),
    replace(BASIC_TF, '  hosts = [local.host]\n', '  hosts = [for i in range(2) : "${local.host}-${i}"]\n'),
    replace(BASIC_TF, 'output "address" { value = vkcs_compute_instance.vm.access_ip_v4 }', 'output "address" { value = vkcs_compute_instance.vm[0].access_ip_v4 }'),
    replace(BASIC_TF, '  uuid             = vkcs_blockstorage_volume.root.id\n', '  uuid             = vkcs_blockstorage_volume.root[count.index].id\n'),
    replace(BASIC_TF, 'resource "vkcs_blockstorage_volume" "root" {\n', 'resource "vkcs_blockstorage_volume" "root" {\n  count             = 2\n'),
    replace(BASIC_TF, '  name              = "${local.host}-root"\n', '  name              = "${local.host}-root-${count.index}"\n'),
    replace('plans/basic/display.yaml', '    count: {const: 1}\n', '    count: {const: 2}\n'),
  ];
}

// ---------------------------------------------------------------- zip writer (stored entries)

function storedZip(entries) {
  const enc = new TextEncoder();
  const locals = [];
  const centrals = [];
  let offset = 0;
  const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01
  for (const [name, data] of entries) {
    const nameBytes = enc.encode(name);
    const crc = crc32(data) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, nameBytes, data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const cdSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

function packageFiles(dir, prefix = '') {
  const out = [];
  const walk = (rel) => {
    const abs = join(dir, rel);
    for (const name of readdirSorted(abs)) {
      const r = rel ? `${rel}/${name}` : name;
      if (statIsDir(join(dir, r))) walk(r);
      else out.push([`${prefix}${r}`, new Uint8Array(readFileSync(join(dir, r)))]);
    }
  };
  walk('');
  return out;
}

const readdirSorted = (d) => readdirSync(d).sort();
const statIsDir = (p) => statSync(p).isDirectory();

// ---------------------------------------------------------------- write

const only = process.argv.slice(2);
for (const [id, variants] of Object.entries(CASES)) {
  if (only.length && !only.includes(id)) continue;
  rmSync(join(OUT, id), { recursive: true, force: true });
  for (const [variant, c] of Object.entries(variants)) {
    const dir = join(OUT, id, variant);
    mkdirSync(dir, { recursive: true });
    const meta = { kind: 'artifact', note: c.note };
    if (c.kind === 'spec') {
      meta.paths = [SPEC_FROM_FIXTURE];
    } else if (c.kind === 'dir') {
      cpSync(SPEC, join(dir, 'demo_app'), { recursive: true });
      for (const edit of c.edits) edit(join(dir, 'demo_app'));
    } else {
      const tmp = join(dir, 'tmp-demo_app');
      cpSync(SPEC, tmp, { recursive: true });
      for (const edit of c.edits) edit(tmp);
      const entries = [...packageFiles(tmp, c.root ? 'demo_app/' : ''), ...c.extra];
      rmSync(tmp, { recursive: true });
      writeFileSync(join(dir, 'demo_app.zip'), storedZip(entries));
      meta.paths = ['demo_app.zip'];
    }
    if (c.at) meta.at = c.at;
    writeFileSync(join(dir, 'fixture.json'), `${JSON.stringify(meta, null, 2)}\n`);
  }
}
