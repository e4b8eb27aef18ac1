/**
 * An image-based service IR for the preview tests: SPEC §C.15's `demo_app` (a prepaid plan
 * with datasources, a disk, a custom step and a paid switch; a free plan with a postpaid
 * option), plus a `when` group and a string input with a pattern.
 */
import type { OptionModel, PlanModel, PlanOption, ServiceModel } from '@vkmp/core';

const option = (name: string, schema: OptionModel['schema'], billing?: OptionModel['billing'], actions: OptionModel['actions'] = ['create']): OptionModel => ({
  name, actions, schema, ...(billing ? { billing } : {}),
});

export const IB_ICON_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64"><rect width="64" height="64" rx="12" fill="#1f6feb"/><path d="M16 44 L32 16 L48 44 Z" fill="#fff"/></svg>';

export function ibService(): ServiceModel {
  const options: Record<string, OptionModel> = {
    flavor: option('flavor', { type: 'string', description: 'Тип ВМ', hint: 'vCPU и RAM сервера приложения.', datasource: { type: 'flavor', filter: { vcpus: { minimum: 2, maximum: 4 }, ram: { minimum: 4096 } } } }),
    az: option('az', { type: 'string', description: 'Зона доступности', default: 'gz1', datasource: { type: 'az' } }),
    subnet: option('subnet', { type: 'string', description: 'Подсеть', datasource: { type: 'subnet' } }),
    root_type: option('root_type', { type: 'string', description: 'Тип диска', default: 'ceph-ssd', tag: 'root', datasource: { type: 'volume_type', filter: { disk_class: { enum: ['ssd', 'high_iops_disk'] } } } }),
    root_size: option('root_size', { type: 'integer', description: 'Размер диска, ГБ', tag: 'root', minimum: 20, maximum: 500, default: 40 }),
    users: option('users', { type: 'integer', description: 'Пользователи', hint: 'Включено 25, шаг 100 за 150 ₽.', default: 1, minimum: 0, maximum: 10 }, { base: 25, cost: 150, unit: { size: 100, measurement: 'users' } }, ['create', 'update']),
    backup: option('backup', { type: 'boolean', description: 'Резервное копирование', default: false }, { cost: 500 }, ['create', 'update']),
    backup_copies: option('backup_copies', { type: 'integer', description: 'Число копий', enum: [3, 7, 14], default: 7 }),
    admin_email: option('admin_email', { type: 'string', description: 'Email администратора', pattern: '^[^@\\s]+@[^@\\s]+$', minLength: 3, maxLength: 254 }),
    edition: option('edition', { type: 'string', description: 'Редакция', const: 'Community' }),
    storage: option('storage', { type: 'number', description: 'Хранилище, ГБ', hint: 'Фактический объём данных за месяц.' }, { cost: 3.5, unit: { size: 1, measurement: 'GB' } }, ['resource_usages']),
  };
  const use = (...names: string[]): PlanOption[] => names.map((n) => ({ name: n, option: options[n] }));
  const basic: PlanModel = {
    id: '7d2b9a61-0c4e-4f83-9a15-2b6c8d0e4f11', revision: '1.0', name: 'basic', description: 'Базовый', free: false,
    billing: { cost: 990, billing_cycle_flat: '1 mons 0 days', refundable: true },
    options: use('flavor', 'az', 'subnet', 'root_type', 'root_size', 'users', 'backup', 'backup_copies', 'admin_email', 'edition'),
    display: {
      pages: [
        { name: 'Сервер', groups: [
          { name: 'ВМ', parameters: [{ name: 'flavor' }, { name: 'az' }, { name: 'subnet' }] },
          { name: 'Диск', parameters: [{ name: 'root_type' }, { name: 'root_size' }] },
        ] },
        { name: 'Сервис', groups: [
          { name: 'Учётные записи', parameters: [{ name: 'users' }, { name: 'admin_email' }, { name: 'edition' }] },
          { name: 'Резервное копирование', parameters: [{ name: 'backup' }] },
          { name: 'Хранение копий', parameters: [{ name: 'backup_copies' }], when: { operator: 'in', key: { param: 'backup' }, values: [{ const: true }] } },
        ] },
      ],
    },
    entities: [
      { entity: 'vm', description: 'Application VM', count: { const: 1 }, flavor: { param: 'flavor' }, disks: [{ type: { param: 'root_type' }, size: { param: 'root_size' } }] },
      { entity: 'floating_ip', count: { const: 1 }, when: { operator: 'in', key: { param: 'backup' }, values: [{ const: true }] } },
    ],
  };
  const payg: PlanModel = {
    id: '9e4c1f27-5a3b-4d6e-8f90-1a2b3c4d5e6f', revision: '1.0', name: 'payg', description: 'Оплата по факту', free: true,
    billing: { cost: 0 },
    options: use('flavor', 'az', 'subnet', 'root_type', 'root_size', 'storage'),
    display: {
      pages: [
        { name: 'Сервер', groups: [
          { name: 'ВМ', parameters: [{ name: 'flavor' }, { name: 'az' }, { name: 'subnet' }] },
          { name: 'Диск', parameters: [{ name: 'root_type' }, { name: 'root_size' }] },
          { name: 'Потребление', parameters: [{ name: 'storage' }] },
        ] },
      ],
    },
    entities: [{ entity: 'vm', count: { const: 1 }, flavor: { param: 'flavor' }, disks: [{ type: { param: 'root_type' }, size: { param: 'root_size' } }] }],
    resource_usages: ['storage'],
  };
  return {
    kind: 'image-based', serviceName: 'demo_app', id: '3f0a6c1e-5b7d-4e2a-9c8f-1d2e3f4a5b6c', revision: '1.0',
    name: 'Demo App', short_description: 'Self-hosted demo application on a single VM',
    full_description: {
      text:
        'Demo App is a sample single-VM application. Поставщик сервиса: Example LLC.\n\n## Решаемые задачи\n* Demonstration.\n\n' +
        '| Тип сервиса | ОС |\n|---|---|\n| Image-based | AlmaLinux 9 |\n\n<script>alert("raw html")</script>\n\n' +
        '# Правила тарификации\nPrepaid «Basic» and usage-based «Pay as you go». [Docs](https://docs.example.com/demo-app) · [bad](javascript:alert(1))\n\n' +
        '![diagram](https://example.com/diagram.png)\n',
    },
    icon: 'icon.svg', iconAsset: { fileName: 'icon.svg', bytes: new TextEncoder().encode(IB_ICON_SVG) },
    help: 'https://docs.example.com/demo-app', singleton: false, auto_bind: false, bindable: true, plan_updateable: false,
    deactivatable: false, bindings_retrievable: true, instances_retrievable: true,
    preview: [{ name: 'users' }, { name: 'backup' }, { name: 'storage' }],
    options: Object.values(options), plans: [basic, payg], generatorVersion: '0.0.1',
  };
}
