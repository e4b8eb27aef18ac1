/**
 * VK Testers: the SaaS catalog example from the VK Cloud Marketplace docs
 * (`catalog_VKT.json`), with the docs' defects corrected (SPEC §B.12): real UUIDs,
 * billing fields inside `billing`, every option in the wizard, hints ≤ 255 characters,
 * and `free: false` for a plan that charges for options.
 */
import { file, group, option, options, page, saas } from '@vkmp/sdk';

const o = options({
  products: option.integer.paidStep({
    description: 'Количество продуктов',
    hint: 'Предельное количество тестируемых на платформе проектов: к продуктам прикрепляются отчеты и чек-листы, а также загружаются сборки.',
    minimum: 0,
    default: 0,
    billing: { base: 5, cost: 100, unitSize: 10 },
  }),
  groups: option.integer.paidStep({
    description: 'Количество групп пользователей',
    hint: 'Возможность разделения сотрудников заказчика на отдельные группы с различными правами в выбранных продуктах. Инструмент позволяет структурировать доступы и тестируемые продукты, объединяя их в группы по обозначенным критериям.',
    minimum: 0,
    default: 0,
    billing: { base: 0, cost: 200, unitSize: 5 },
  }),
  members: option.integer.paidStep({
    description: 'Количество участников',
    hint: 'Количество сотрудников компании заказчика, которые могут использовать инфраструктуру тестирования и обрабатывать отчеты от тестировщиков VK Testers.',
    minimum: 0,
    default: 0,
    billing: { base: 5, cost: 100, unitSize: 1 },
  }),
  checklists_per_product: option.integer.paidStep({
    description: 'Количество чек-листов на продукт',
    hint: 'Чек-лист — список действий, которые нужно выполнить при тестировании продукта. Большее количество чек-листов позволяет лучше структурировать проводимые участниками VK Testers проверки.',
    minimum: 0,
    default: 0,
    billing: { base: 2, cost: 50, unitSize: 1 },
  }),
  api_requests_daily_limit: option.integer.paidStep({
    description: 'Доступ к открытому API',
    hint: 'Открытое API помогает встроить платформу тестирования в работу существующих в вашей компании решений. Увеличенный суточный лимит на запросы позволяет поддерживать больше интеграций одновременно.',
    minimum: 0,
    default: 0,
    billing: { base: 1000, cost: 50, unitSize: 1000, measurement: 'Запросы в сутки' },
  }),
  report_notifications: option.boolean.const({
    description: 'Уведомления о новых отчетах',
    hint: 'Настройка мгновенных уведомлений для сотрудников компании о появлении новых отчетов.',
    value: false,
  }),
});

export default saas.service({
  serviceName: 'VKT',
  id: '04527a41-6f2b-4c3d-9e8f-57e1aecb3ebc',
  revision: 'v. 1.0',
  name: 'VK Testers',
  shortDescription: 'Программа крауд-тестирования с многотысячным коммьюнити бета-тестировщиков и собственной платформой для работы с данными',
  fullDescription: file('./full_description.md'),
  singleton: false,
  autoBind: true,
  icon: 'https://vk.ru/images/bugs/vktesters_logo.svg',
  help: 'http://vk.cc/vktesters_po_faq',
  bindable: true,
  planUpdateable: true,
  deactivatable: false,
  bindingsRetrievable: true,
  instancesRetrievable: true,
  options: o,
  preview: [o.api_requests_daily_limit, o.products, o.members],
  plans: [
    saas.plan({
      id: 'f6593bfb-c0b8-40a3-8b82-c05e07f6ae9a',
      revision: 'v. 2.0',
      name: 'free',
      description: 'Бесплатный',
      free: false,
      planId: '1',
      metadata: { testNs: ['test'], prodNs: ['vkcs_ru'] },
      billing: { cost: 0, refundable: true, period: '1 mons' },
      wizard: [
        page('Настройки', [
          group('', [o.api_requests_daily_limit, o.groups, o.products, o.members, o.checklists_per_product, o.report_notifications]),
        ]),
      ],
    }),
  ],
});
