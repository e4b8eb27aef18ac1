/**
 * `vkmp init` templates: a service that passes `vkmp check` and builds at once, with
 * two plans and options of different kinds, every placeholder marked for replacement.
 */

export interface TemplateValues {
  /** SERVICE_NAME: Latin letters, digits and `_`. */
  serviceName: string;
  /** Displayed service name. */
  title: string;
  /** Fresh UUID4s: service id, then one per plan. */
  ids: readonly [string, string, string];
}

const q = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** `services/<name>/service.ts` of a SaaS service. */
export function saasServiceSource(v: TemplateValues): string {
  return `/**
 * ${v.title}: a SaaS service for VK Cloud Marketplace (scaffolded by \`vkmp init\`).
 *
 * \`npm run build\` writes dist/${v.serviceName}/catalog_${v.serviceName}.json and plan_mapping.json
 * for your broker's resources/ directory. Replace every "replace:" value below.
 */
import { file, group, option, options, page, saas } from '@vkmp/sdk';

const o = options({
  // Prepaid, bought in steps: 5 users are included, each +5 users costs 100 per month (at most +100).
  seats: option.integer.paidStep({
    description: 'Users',
    hint: 'Users of the team account',
    default: 0,
    minimum: 0,
    maximum: 20,
    billing: { base: 5, cost: 100, unitSize: 5, measurement: 'users' },
  }),
  // A free choice from a list.
  edition: option.string.enum({ description: 'Edition', values: ['standard', 'enterprise'], default: 'standard' }),
  // Free text with a pattern.
  sso_domain: option.string.input({ description: 'SSO domain', hint: 'Company domain for single sign-on', pattern: '^[a-z0-9.-]+$', maxLength: 253 }),
  // A paid switch: 500 per month while on.
  priority_support: option.boolean.switch({ description: 'Priority support', default: false, cost: 500 }),
  // Usage-based (postpaid): the broker reports GB stored; 3.5 per GB. Only in free plans.
  storage_gb: option.postpaid.number({ description: 'Stored data, GB', cost: 3.5, measurement: 'GB' }),
});

export default saas.service({
  serviceName: ${q(v.serviceName)},
  id: ${q(v.ids[0])},
  revision: '1',
  name: ${q(v.title)},
  shortDescription: ${q(`${v.title}: a SaaS service on VK Cloud Marketplace`)},
  fullDescription: file('./full_description.md'),
  // replace: the URL Marketplace returns for the SVG icon you email to it.
  icon: ${q(`https://example.com/icons/${v.serviceName}.svg`)},
  // replace: your documentation.
  help: 'https://example.com/docs',
  bindable: false,
  planUpdateable: true,
  deactivatable: true,
  bindingsRetrievable: false,
  instancesRetrievable: true,
  // replace: the namespaces Marketplace issued to you by email.
  metadata: { testNs: ['vendor_test'], prodNs: ['vendor_public'] },
  options: o,
  preview: [o.seats, o.priority_support],
  plans: [
    saas.plan({
      id: ${q(v.ids[1])},
      revision: '1',
      name: 'standard',
      description: 'Standard',
      free: false,
      // The plan's ID in your SaaS; it becomes the value in plan_mapping.json.
      planId: 'standard',
      billing: { cost: 1500, period: '1 mons 0 days', refundable: true },
      wizard: [
        page('Settings', [
          group('Team', [o.seats, o.edition]),
          group('Single sign-on', [o.sso_domain]),
          group('Support', [o.priority_support]),
        ]),
      ],
    }),
    saas.plan({
      id: ${q(v.ids[2])},
      revision: '1',
      name: 'pay_as_you_go',
      description: 'Pay as you go',
      free: true,
      planId: 'payg',
      billing: { cost: 0, usagePeriod: '1 mons 0 days' },
      wizard: [page('Usage', [group('Storage', [o.storage_gb])])],
    }),
  ],
});
`;
}

/** `full_description.md` with the sections of SPEC §C.5. */
export function fullDescription(v: TemplateValues, kind: 'saas' | 'image-based'): string {
  const ib = kind === 'image-based';
  return `${v.title} — replace: two or three sentences about the service. Поставщик сервиса: replace (vendor, distributor or VK).

## Решаемые задачи
* replace: the problems the service solves.

## Характеристики сервиса
| Тип сервиса | Версия продукта | ${ib ? 'ОС | ' : ''}Категория сервиса |
|---|---|${ib ? '---|' : ''}---|
| ${ib ? 'Image-based' : 'SaaS'} | 1.0 | ${ib ? 'AlmaLinux 9 | ' : ''}replace |
${ib ? '\nSingle VM. Network: the VM needs external access; private DNS must be off in the subnet.\n' : ''}
# Правила тарификации
Prepaid «Standard» (the plan price plus paid options) and usage-based «Pay as you go».${ib ? ' VK Cloud infrastructure is charged separately at platform tariffs.' : ''}

# Полезные ссылки
- [Documentation](https://example.com/docs)

# Техническая поддержка
replace: support@example.com${ib ? '; VK Cloud supports the infrastructure' : ''}.

# Лицензионное соглашение
- [Marketplace agreement](https://cloud.vk.ru/docs/ru/start/legal/digital-cloud/marketplace), [EULA](https://example.com/eula)
`;
}

/** `services/<name>/service.ts` of an image-based service. */
export function ibServiceSource(v: TemplateValues): string {
  return `/**
 * ${v.title}: an image-based service for VK Cloud Marketplace (scaffolded by \`vkmp init\`).
 *
 * \`npm run build\` writes the service package dist/${v.serviceName}/ and dist/${v.serviceName}.zip.
 * Replace every "replace:" value, and the image ID in terraform/<plan>/deploy.tf.
 */
import { entity, file, group, ib, option, options, page } from '@vkmp/sdk';

const o = options({
  // Cloud-entity pickers: the user chooses from their own project.
  flavor: option.datasource.flavor({ description: 'VM type', vcpus: { minimum: 2, maximum: 8 }, ram: { minimum: 4096 } }),
  az: option.datasource.az({ description: 'Availability zone', actions: ['create'], default: 'gz1' }),
  subnet: option.datasource.subnet({ description: 'Subnet', actions: ['create'] }),
  // A disk: a disk type and a size, paired by the same tag.
  root_type: option.datasource.volumeType({ description: 'Disk type', default: 'ceph-ssd', tag: 'root_disk', diskClass: ['ssd', 'hdd'] }),
  root_size: option.integer.range({ description: 'Disk size, GB', default: 20, minimum: 20, maximum: 500, tag: 'root_disk' }),
  // Prepaid, bought in steps: 10 users are included, each +10 users costs 300 per month.
  users: option.integer.paidStep({
    description: 'Users',
    hint: 'Number of user accounts',
    default: 0,
    minimum: 0,
    maximum: 9,
    billing: { base: 10, cost: 300, unitSize: 10, measurement: 'users' },
  }),
  // A paid switch: 200 per month while on.
  backup: option.boolean.switch({ description: 'Daily backup', default: false, cost: 200 }),
  // Usage-based (postpaid): the service pushes usage with param "storage"; 5 per GB. Only in free plans.
  storage: option.postpaid.number({ description: 'Stored data', cost: 5, measurement: 'GB' }),
});

const server = [group('VM', [o.flavor, o.az, o.subnet]), group('Disk', [o.root_type, o.root_size])];
// The wizard prices what the manifests create: the VM, its boot disk and the 10 GB data disk.
const vm = entity.vm({
  description: 'Application VM',
  count: 1,
  flavor: o.flavor,
  disks: [{ type: o.root_type, size: o.root_size }, { type: 'ceph-ssd', size: 10 }],
});

export default ib.service({
  serviceName: ${q(v.serviceName)},
  id: ${q(v.ids[0])},
  revision: '1',
  name: ${q(v.title)},
  shortDescription: ${q(`${v.title}: a single-VM application on VK Cloud`)},
  fullDescription: file('./full_description.md'),
  icon: file('./icon.svg'),
  // replace: your documentation.
  help: 'https://example.com/docs',
  deactivatable: false,
  bindingsRetrievable: true,
  instancesRetrievable: true,
  options: o,
  preview: [o.users, o.backup],
  plans: [
    ib.plan({
      id: ${q(v.ids[1])},
      revision: '1',
      name: 'standard',
      description: 'Standard',
      free: false,
      billing: { cost: 1000, refundable: true, period: '1 mons 0 days' },
      wizard: [page('Server', server), page('Service', [group('Accounts', [o.users, o.backup])])],
      entities: [vm],
      deployment: { terraform: file('./terraform/standard'), settings: { preset: 'base_v3', retry: true } },
    }),
    ib.plan({
      id: ${q(v.ids[2])},
      revision: '1',
      name: 'payg',
      description: 'Pay as you go',
      free: true,
      billing: { cost: 0 },
      wizard: [page('Server', [...server, group('Usage', [o.storage])])],
      entities: [vm],
      deployment: { terraform: file('./terraform/payg') },
    }),
  ],
});
`;
}

export const ICON_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64"><rect width="64" height="64" rx="12" fill="#0077FF"/></svg>\n';

/** `terraform/<plan>/deploy.tf`: one VM with a root disk; `extra` adds the plan's own options. */
export function terraformSource(serviceName: string, withAccounts: boolean): string {
  const accountVars = withAccounts ? 'variable "users"     { type = number }\nvariable "backup"    { type = bool }\n' : '';
  const configure = withAccounts
    ? `
resource "ivkcs_agent_exec" "configure" {
  uuid  = var.instance_uuid
  name  = "configure"
  hosts = [local.host]
  step {
    index   = 1
    type    = "bash"
    content = "/opt/app/configure.sh --users \${10 + var.users * 10} --backup \${var.backup} --admin \${var.email}"
  }
  depends_on = [vkcs_compute_instance.vm]
}
`
    : '';
  return `variable "instance_uuid" { type = string }
variable "email"         { type = string }
variable "flavor"    { type = string }
variable "az"        { type = string }
variable "subnet"    { type = string }
variable "root_type" { type = string }
variable "root_size" { type = number }
${accountVars}variable "image_uuid" {
  type    = string
  default = "00000000-0000-4000-8000-000000000000" # replace: your (public) image ID
}

locals { host = "app-\${substr(var.instance_uuid, 0, 8)}" }

data "vkcs_networking_subnet" "subnet" { subnet_id = var.subnet }

resource "vkcs_networking_secgroup" "sg" {
  name = "\${local.host}-sg"
  sdn  = data.vkcs_networking_subnet.subnet.sdn
}

resource "vkcs_networking_secgroup_rule" "https" {
  direction         = "ingress"
  protocol          = "tcp"
  port_range_min    = 443
  port_range_max    = 443
  remote_ip_prefix  = "0.0.0.0/0"
  security_group_id = vkcs_networking_secgroup.sg.id
}

resource "vkcs_networking_port" "port" {
  name               = "\${local.host}-port"
  network_id         = data.vkcs_networking_subnet.subnet.network_id
  sdn                = data.vkcs_networking_subnet.subnet.sdn
  security_group_ids = [vkcs_networking_secgroup.sg.id]
  fixed_ip { subnet_id = var.subnet }
}

resource "vkcs_blockstorage_volume" "root" {
  name              = "\${local.host}-root"
  metadata          = { "sid" : "xaas", "product" : "${serviceName}" }
  image_id          = var.image_uuid
  volume_type       = var.root_type
  size              = var.root_size
  availability_zone = var.az
}

# Service data lives on its own volume, so it survives a reinstall of the boot disk.
resource "vkcs_blockstorage_volume" "data" {
  name              = "\${local.host}-data"
  metadata          = { "sid" : "xaas", "product" : "${serviceName}" }
  volume_type       = "ceph-ssd"
  size              = 10
  availability_zone = var.az
}

resource "ivkcs_ssh_keypair" "keypair" {}

resource "ivkcs_user_data" "init" {
  uuid                = var.instance_uuid
  hosts               = [local.host]
  target_os           = "almalinux9"
  ssh_authorized_keys = [ivkcs_ssh_keypair.keypair.public_key]
}

resource "vkcs_compute_instance" "vm" {
  name              = local.host
  flavor_id         = var.flavor
  availability_zone = var.az
  metadata          = { "sid" : "xaas", "product" : "${serviceName}" }
  block_device {
    uuid             = vkcs_blockstorage_volume.root.id
    source_type      = "volume"
    destination_type = "volume"
    boot_index       = 0
  }
  network { port = vkcs_networking_port.port.id }
  user_data           = ivkcs_user_data.init.user_data[0]
  stop_before_destroy = true
}

resource "vkcs_compute_volume_attach" "data" {
  instance_id = vkcs_compute_instance.vm.id
  volume_id   = vkcs_blockstorage_volume.data.id
}
${configure}
output "address" { value = vkcs_compute_instance.vm.access_ip_v4 }

output "private_key" {
  value     = ivkcs_ssh_keypair.keypair.private_key
  sensitive = true
}
`;
}

/** `.gitlab-ci.yml`: check and build everywhere, the diff as a merge-request comment, deploy on main. */
export function gitlabCi(): string {
  return `# vkmp in GitLab CI (DESIGN §1): every pipeline checks and builds; a merge request gets
# \`vkmp diff --format markdown\` as a comment (prices, plans and options that change, and
# the revisions that must change); main deploys and commits the recorded deployed state.
#
# Settings → CI/CD → Variables (masked, protected):
#   VKMP_SERVICE_TOKEN  the Marketplace token \`vkmp deploy\` uses
#   VKMP_GITLAB_TOKEN   a project access token with the api and write_repository scopes
#                       (posts the diff comment, pushes .vkmp/deployed/ after a deploy)

default:
  image: node:22
  before_script:
    - if [ -f package-lock.json ]; then npm ci; else npm install; fi

stages: [check, build, review, deploy]

check:
  stage: check
  script:
    - npm run check

build:
  stage: build
  script:
    - npm run build
  artifacts:
    paths: [dist/]
    expire_in: 1 week

diff:
  stage: review
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
  script:
    - npx vkmp diff --format markdown > vkmp-diff.md
    - >-
      curl --fail --silent --show-error --request POST
      --header "PRIVATE-TOKEN: $VKMP_GITLAB_TOKEN"
      --data-urlencode "body@vkmp-diff.md"
      "$CI_API_V4_URL/projects/$CI_PROJECT_ID/merge_requests/$CI_MERGE_REQUEST_IID/notes"
  artifacts:
    paths: [vkmp-diff.md]
    when: always

deploy:
  stage: deploy
  rules:
    - if: $CI_COMMIT_BRANCH == "main"
  resource_group: marketplace
  script:
    - npx vkmp deploy --yes
    - |
      if [ -n "$(git status --porcelain -- .vkmp)" ]; then
        git config user.name "vkmp CI"
        git config user.email "vkmp-ci@$CI_SERVER_HOST"
        git add .vkmp
        git commit -m "vkmp: record deployed state [skip ci]"
        git push "https://oauth2:$VKMP_GITLAB_TOKEN@$CI_SERVER_HOST/$CI_PROJECT_PATH.git" "HEAD:$CI_COMMIT_BRANCH"
      fi
`;
}
