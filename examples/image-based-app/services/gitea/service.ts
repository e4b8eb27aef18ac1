/**
 * Gitea (a self-hosted Git service) as an image-based VK Cloud Marketplace app: one VM from
 * the vendor's image, a system disk and a separate data disk for repositories, a floating IP
 * with a DNS name in the platform's zone, and two plans:
 *
 * - `community`: free; Git LFS storage is usage-based (postpaid, pushed by the service);
 * - `team`: prepaid; user seats bought in steps of 10 and a paid daily backup.
 *
 * `vkmp build` writes `dist/gitea/` (the service package) and `dist/gitea.zip` (to upload).
 */
import { entity, file, group, ib, option, options, page, type OptionLike } from '@vkmp/sdk';

const o = options({
  flavor: option.datasource.flavor({
    description: 'Тип виртуальной машины',
    hint: 'Gitea работает на ВМ от 2 vCPU и 4 ГБ RAM; для команд больше 50 человек выберите 4 vCPU и 8 ГБ RAM.',
    vcpus: { minimum: 2, maximum: 16 },
    ram: { minimum: 4096, maximum: 65536 },
  }),
  az: option.datasource.az({ description: 'Зона доступности', actions: ['create'], default: 'gz1' }),
  subnet: option.datasource.subnet({
    description: 'Подсеть',
    hint: 'Подсеть с доступом в интернет; приватный DNS в ней должен быть выключен.',
    actions: ['create'],
  }),
  system_type: option.datasource.volumeType({
    description: 'Тип системного диска',
    actions: ['create'],
    default: 'ceph-ssd',
    tag: 'system_disk',
    diskClass: ['ssd', 'hdd'],
  }),
  system_size: option.integer.range({ description: 'Размер системного диска, ГБ', actions: ['create'], default: 20, minimum: 20, maximum: 100, tag: 'system_disk' }),
  data_type: option.datasource.volumeType({
    description: 'Тип диска для репозиториев',
    actions: ['create'],
    default: 'ceph-ssd',
    tag: 'data_disk',
    diskClass: ['ssd', 'hdd', 'high_iops_disk'],
  }),
  data_size: option.integer.range({
    description: 'Размер диска для репозиториев, ГБ',
    hint: 'Диск можно только увеличить.',
    default: 50,
    minimum: 10,
    maximum: 2000,
    tag: 'data_disk',
  }),
  users: option.integer.paidStep({
    description: 'Пользователи',
    hint: 'В тариф входят 10 учетных записей; каждые следующие 10 оплачиваются отдельно.',
    default: 0,
    minimum: 0,
    maximum: 49,
    billing: { base: 10, cost: 500, unitSize: 10, measurement: 'пользователей' },
  }),
  backup: option.boolean.switch({
    description: 'Ежедневное резервное копирование',
    hint: 'Копии репозиториев и базы данных хранятся 14 дней в бакете объектного хранилища VK Cloud.',
    default: false,
    cost: 300,
  }),
  lfs_storage: option.postpaid.number({
    description: 'Хранилище Git LFS',
    hint: 'Средний за месяц объем файлов Git LFS.',
    cost: 4.5,
    measurement: 'ГБ',
  }),
});

/** The server page is the same in both plans; the team plan starts with a larger data disk. */
const serverPage = (dataSize: OptionLike) =>
  page('Сервер', [
    group('Виртуальная машина', [o.flavor, o.az, o.subnet]),
    group('Системный диск', [o.system_type, o.system_size]),
    group('Диск для репозиториев', [o.data_type, dataSize]),
  ]);

const infrastructure = [
  entity.vm({
    description: 'Сервер Gitea',
    count: 1,
    flavor: o.flavor,
    disks: [
      { type: o.system_type, size: o.system_size },
      { type: o.data_type, size: o.data_size },
    ],
  }),
  entity.floatingIp({ description: 'Внешний IP-адрес', count: 1 }),
];

export default ib.service({
  serviceName: 'gitea',
  id: 'c99f1732-fab2-4d3e-a4c9-4988022dd862',
  revision: '1.0.0',
  name: 'Gitea',
  shortDescription: 'Легковесный Git-сервис: репозитории, ревью кода, задачи и CI на одной ВМ',
  fullDescription: file('./full_description.md'),
  singleton: false,
  autoBind: false,
  icon: file('./icon.svg'),
  help: 'https://docs.gitea.com/',
  deactivatable: false,
  bindingsRetrievable: true,
  instancesRetrievable: true,
  options: o,
  preview: [o.users, o.backup, o.lfs_storage],
  plans: [
    ib.plan({
      id: '58761eb4-72d8-4d7e-be97-43887bcbdf0f',
      revision: '1.0.0',
      name: 'community',
      description: 'Community',
      free: true,
      billing: { cost: 0 },
      wizard: [serverPage(o.data_size), page('Использование', [group('Git LFS', [o.lfs_storage])])],
      entities: infrastructure,
      deployment: {
        terraform: [file('./terraform/common'), file('./terraform/community')],
        settings: { preset: 'base_v3', retry: true },
      },
    }),
    ib.plan({
      id: 'ca3f48dd-4c92-4cab-ac0b-e5bf8d7bf6e8',
      revision: '1.0.0',
      name: 'team',
      description: 'Team',
      free: false,
      billing: { cost: 2500, refundable: true, period: '1 mons' },
      wizard: [
        serverPage(o.data_size.with({ default: 100, minimum: 50 })),
        page('Команда', [group('Пользователи', [o.users]), group('Резервные копии', [o.backup])]),
      ],
      entities: infrastructure,
      deployment: {
        terraform: [file('./terraform/common'), file('./terraform/team')],
        settings: { preset: 'base_v3', retry: true },
      },
    }),
  ],
});
