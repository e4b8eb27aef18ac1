/**
 * fast-check arbitraries of valid SaaS catalogs as IR (`CatalogModel`), built to respect
 * the rules by construction: UUID4 ids, Latin-letter names, option subtypes with
 * consistent minimum/maximum/default, billing by plan kind (prepaid vs postpaid), one
 * level of `when`, and options that keep their subtype and actions across plans (only
 * their values vary per plan, which the DSL expresses with `o.x.with({...})`).
 */
import fc from 'fast-check';
import type { CatalogModel, DisplayGroup, DisplayPage, OptionModel, PlanModel, PlanOption, ServiceModel, WhenModel } from '@vkmp/core';

type Kind =
  | 'int-const' | 'int-enum' | 'int-step1' | 'int-custom-step'
  | 'str-const' | 'str-input' | 'str-enum'
  | 'bool-const' | 'bool-switch'
  | 'postpaid-int' | 'postpaid-num';

const KINDS: Kind[] = ['int-const', 'int-enum', 'int-step1', 'int-custom-step', 'str-const', 'str-input', 'str-enum', 'bool-const', 'bool-switch', 'postpaid-int', 'postpaid-num'];
const isPostpaid = (k: Kind) => k === 'postpaid-int' || k === 'postpaid-num';

const letters = 'abcdefghijklmnopqrstuvwxyz';
/** A Latin name: a letter, then letters and `_`. */
export const latinName = (maxLength = 12) =>
  fc.tuple(fc.constantFrom(...letters), fc.string({ unit: fc.constantFrom(...`${letters}_`), maxLength: maxLength - 1 })).map(([a, b]) => a + b);

/** Text that stresses code generation: quotes, backslashes, newlines, Cyrillic, emoji, `*\/`, `${`. */
export const text = (minLength: number, maxLength: number) =>
  fc.string({
    unit: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...'abcxyz ABC 0123'.split('')) },
      { weight: 2, arbitrary: fc.constantFrom('Б', 'ж', 'ё', '«', '»', '—', '€', '😀', 'é') },
      { weight: 1, arbitrary: fc.constantFrom("'", '"', '\\', '\n', '\t', '`', '${', '*/', '\r\n', '\u2028') },
    ),
    minLength,
    maxLength,
  });

const price = fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: 99999 }).map((n) => n / 100));
const positivePrice = fc.oneof(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 99999 }).map((n) => n / 100));
const period = fc.tuple(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 31 })).filter(([m, d]) => m + d > 0).map(([m, d]) => `${m} mons ${d} days`);
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

interface OptionShape {
  schema: OptionModel['schema'];
  billing?: OptionModel['billing'];
}

const compact = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** Consistent minimum ≤ default ≤ maximum (maximum > 0, minimum ≥ 0), each optional. */
const intRange = fc
  .tuple(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 1, max: 100 }), fc.integer({ min: 0, max: 100 }), fc.boolean(), fc.boolean(), fc.boolean())
  .map(([a, span, d, hasMin, hasMax, hasDefault]) => {
    const minimum = a;
    const maximum = a + span;
    const def = minimum + (d % (span + 1));
    return compact({ minimum: hasMin ? minimum : undefined, maximum: hasMax ? maximum : undefined, default: hasDefault ? def : undefined });
  });

/** The schema and billing of one option of a subtype. */
function shapeOf(kind: Kind): fc.Arbitrary<OptionShape> {
  const common = fc.record({ description: text(1, 40), hint: maybe(text(1, 60)) });
  const withCommon = <T extends object>(type: string, rest: fc.Arbitrary<T>, billing?: fc.Arbitrary<OptionShape['billing']>) =>
    fc.tuple(common, rest, billing ?? fc.constant(undefined)).map(([c, r, b]) => compact({ schema: compact({ type, ...c, ...r }) as OptionModel['schema'], billing: b }));
  switch (kind) {
    case 'int-const':
      return withCommon('integer', fc.record({ const: fc.integer({ min: -5, max: 1000 }) }));
    case 'int-enum':
      return withCommon('integer', fc.uniqueArray(fc.integer({ min: 0, max: 64 }), { minLength: 1, maxLength: 5 }).chain((values) => fc.constantFrom(...values).map((d) => ({ enum: values, default: d }))));
    case 'int-step1':
      return withCommon('integer', intRange);
    case 'int-custom-step':
      return withCommon(
        'integer',
        intRange,
        fc.record({ base: maybe(fc.integer({ min: 0, max: 100 })), cost: price, unit: fc.record({ size: fc.integer({ min: 1, max: 1000 }), measurement: maybe(text(1, 20)) }) }).map((b) => compact({ ...b, unit: compact(b.unit) })),
      );
    case 'str-const':
      return withCommon('string', fc.record({ const: text(0, 20) }));
    case 'str-input':
      return withCommon(
        'string',
        fc.oneof(
          fc.record({ default: maybe(text(0, 20)) }).map(compact),
          fc.tuple(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 0, max: 100 }), fc.constantFrom('^[a-z]+$', '^\\d{3}-\\d{2}$', '.*', '^[^@\\s]+@[^@\\s]+$'), fc.boolean()).map(([min, span, pattern, withPattern]) =>
            compact({ minLength: min, maxLength: min + span, pattern: withPattern ? pattern : undefined }),
          ),
        ),
      );
    case 'str-enum':
      return withCommon('string', fc.uniqueArray(text(1, 12), { minLength: 1, maxLength: 4 }).chain((values) => fc.constantFrom(...values).map((d) => ({ enum: values, default: d }))));
    case 'bool-const':
      return withCommon('boolean', fc.record({ const: fc.boolean() }));
    case 'bool-switch':
      return withCommon('boolean', fc.record({ default: maybe(fc.boolean()) }).map(compact), fc.option(fc.record({ cost: price }), { nil: undefined }));
    case 'postpaid-int':
    case 'postpaid-num':
      return withCommon(kind === 'postpaid-int' ? 'integer' : 'number', fc.constant({}), fc.record({ cost: price, unit: fc.record({ size: fc.constant(1), measurement: maybe(text(1, 20)) }).map(compact) }));
  }
}

interface PoolOption {
  name: string;
  kind: Kind;
  actions: OptionModel['actions'];
  /** The definition in the first plan, then per-plan variants. */
  shapes: OptionShape[];
}

// Reserved words and a dash stress the generated property access (o.default, o['with_dash-name']).
// Names of Object.prototype members (constructor, toString) are left out: readSaasCatalog tests
// `name in create`, which is true for them, and misreads such options (reported to its owner).
const NAME_POOL = fc.oneof({ weight: 9, arbitrary: latinName(14) }, { weight: 1, arbitrary: fc.constantFrom('default', 'delete', 'class', 'with_dash-name') });

const poolArb: fc.Arbitrary<PoolOption[]> = fc
  .uniqueArray(NAME_POOL, { minLength: 1, maxLength: 7 })
  .chain((names) =>
    fc.tuple(
      ...names.map((name) =>
        fc.constantFrom(...KINDS).chain((kind) =>
          fc.record({
            name: fc.constant(name),
            kind: fc.constant(kind),
            actions: isPostpaid(kind) ? fc.constant<OptionModel['actions']>(['resource_usages']) : fc.constantFrom<OptionModel['actions']>(['create', 'update'], ['create', 'update'], ['create'], ['update']),
            shapes: fc.array(shapeOf(kind), { minLength: 1, maxLength: 3 }),
          }),
        ),
      ),
    ),
  );

const paid = (shape: OptionShape) => typeof shape.billing?.cost === 'number' && shape.billing.cost > 0;

/** Values an option can take, for `when` constants. */
function valuesOf(shape: OptionShape): unknown[] {
  const s = shape.schema;
  if ('const' in s) return [s.const];
  if (Array.isArray(s.enum)) return s.enum;
  if (s.type === 'boolean') return [true, false];
  return [];
}

interface PlanDraft {
  name: string;
  mode: 'prepaid' | 'postpaid';
  uses: { option: PoolOption; shape: OptionShape }[];
}

function planArb(pool: PoolOption[], name: string, revision: fc.Arbitrary<string>): fc.Arbitrary<PlanModel> {
  const prepaidPool = pool.filter((o) => !isPostpaid(o.kind));
  const postpaidPool = pool.filter((o) => isPostpaid(o.kind));
  const modes: ('prepaid' | 'postpaid')[] = [...(prepaidPool.length ? ['prepaid' as const] : []), ...(postpaidPool.length ? ['postpaid' as const] : [])];
  return fc.constantFrom(...modes).chain((mode) => {
    const source = mode === 'prepaid' ? prepaidPool : postpaidPool;
    return fc
      .tuple(
        fc.subarray(source, { minLength: 1 }),
        fc.array(fc.nat(), { minLength: source.length, maxLength: source.length }),
      )
      .chain(([chosen, variantPicks]) => {
        const uses = chosen.map((option, i) => ({ option, shape: option.shapes[variantPicks[i]! % option.shapes.length]! }));
        return draftToPlan({ name, mode, uses }, revision);
      });
  });
}

function draftToPlan(draft: PlanDraft, revision: fc.Arbitrary<string>): fc.Arbitrary<PlanModel> {
  const anyPaid = draft.uses.some((u) => paid(u.shape));
  const freeCost = draft.mode === 'postpaid' ? fc.constant({ free: true, cost: 0 }) : anyPaid ? positivePrice.chain((c) => fc.constantFrom({ free: false, cost: 0 }, { free: false, cost: c })) : fc.oneof(fc.constant({ free: true, cost: 0 }), positivePrice.map((c) => ({ free: false, cost: c })));
  const options: PlanOption[] = draft.uses.map((u) => ({ name: u.option.name, option: { name: u.option.name, actions: [...u.option.actions], schema: u.shape.schema, billing: u.shape.billing } }));
  return fc
    .record({
      id: fc.uuid({ version: 4 }),
      revision,
      description: text(1, 30),
      freeCost,
      flat: maybe(period),
      step: maybe(period),
      refundable: maybe(fc.boolean()),
      planUpdateable: maybe(fc.boolean()),
      metadata: maybe(fc.record({ test_ns: fc.array(latinName(10), { minLength: 1, maxLength: 2 }), prod_ns: fc.array(latinName(10), { minLength: 1, maxLength: 2 }) })),
      binding: maybe(fc.dictionary(latinName(8), fc.record({ type: fc.constantFrom('string', 'integer'), description: text(1, 20) }), { minKeys: 1, maxKeys: 2 })),
      display: displayArb(draft),
      omitIndexes: fc.boolean(),
    })
    .map((r) => {
      const prepaid = draft.mode === 'prepaid' && (r.freeCost.free === false || r.freeCost.cost > 0 || anyPaid);
      const billing: PlanModel['billing'] = compact({
        cost: r.freeCost.cost,
        billing_cycle_flat: prepaid ? r.flat : undefined,
        billing_cycle_step: draft.mode === 'postpaid' ? r.step : undefined,
        refundable: prepaid ? r.refundable : undefined,
      });
      const pages = r.omitIndexes ? r.display : r.display.map((p, pi) => ({ ...p, index: pi, groups: p.groups.map((g, gi) => ({ ...g, index: gi, parameters: g.parameters.map((x, xi) => ({ ...x, index: xi })) })) }));
      return compact({
        id: r.id,
        revision: r.revision,
        name: draft.name,
        description: r.description,
        free: r.freeCost.free,
        plan_updateable: r.planUpdateable,
        metadata: r.metadata,
        billing,
        options,
        display: { pages },
        bindingProperties: r.binding ?? {},
      }) as PlanModel;
    });
}

/** Pages and groups over the plan's options (some stay hidden); at most one conditional group. */
function displayArb(draft: PlanDraft): fc.Arbitrary<DisplayPage[]> {
  const names = draft.uses.map((u) => u.option.name);
  return fc
    .tuple(
      fc.shuffledSubarray(names),
      fc.integer({ min: 1, max: 3 }),
      fc.array(fc.nat(), { minLength: names.length, maxLength: names.length }),
      fc.array(text(0, 14), { minLength: 6, maxLength: 6 }),
      fc.boolean(),
      fc.nat(),
      fc.boolean(),
    )
    .map(([shown, groupCount, picks, titles, withWhen, keyPick, notIn]) => {
      if (!shown.length) return [];
      const groups: DisplayGroup[] = Array.from({ length: groupCount }, (_, i) => ({ name: titles[i]!, parameters: [] }));
      shown.forEach((n, i) => groups[picks[i]! % groupCount]!.parameters.push({ name: n }));
      const nonEmpty = groups.filter((g) => g.parameters.length);
      // One level of `when`: the key is an option of another group, the condition sits on the last group.
      if (withWhen && nonEmpty.length >= 2) {
        const target = nonEmpty[nonEmpty.length - 1]!;
        const keys = nonEmpty.slice(0, -1).flatMap((g) => g.parameters.map((p) => p.name));
        const candidates = keys.map((k) => draft.uses.find((u) => u.option.name === k)!).filter((u) => valuesOf(u.shape).length);
        if (candidates.length) {
          const key = candidates[keyPick % candidates.length]!;
          const values = valuesOf(key.shape);
          const when: WhenModel = { operator: notIn ? 'not_in' : 'in', key: { param: key.option.name }, values: values.slice(0, 1 + (keyPick % values.length)).map((v) => ({ const: v })) };
          target.when = when;
        }
      }
      const pageCount = Math.min(nonEmpty.length, 1 + (groupCount % 2));
      const pages: DisplayPage[] = Array.from({ length: pageCount }, (_, i) => ({ name: titles[3 + i]!, groups: [] }));
      nonEmpty.forEach((g, i) => pages[Math.min(i, pageCount - 1)]!.groups.push(g));
      return pages;
    });
}

function serviceArb(serviceName: string, id: string, revision: string, planRevision: fc.Arbitrary<string>): fc.Arbitrary<ServiceModel> {
  return poolArb.chain((pool) =>
    fc.uniqueArray(latinName(16), { minLength: 1, maxLength: 3 }).chain((planNames) =>
      fc.tuple(...planNames.map((n) => planArb(pool, n, planRevision))).chain((plans) => {
        const used = [...new Set(plans.flatMap((p) => p.options.map((o) => o.name)))];
        return fc
          .record({
            name: text(1, 40),
            short: text(1, 55),
            description: text(0, 80),
            singleton: maybe(fc.boolean()),
            autoBind: maybe(fc.boolean()),
            bools: fc.tuple(fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean()),
            preview: fc.shuffledSubarray(used),
            ns: fc.record({ test_ns: fc.array(latinName(10), { minLength: 1, maxLength: 2 }), prod_ns: fc.array(latinName(10), { minLength: 1, maxLength: 2 }) }),
          })
          .map(
            (r): ServiceModel =>
              compact({
                kind: 'saas' as const,
                serviceName,
                id,
                revision,
                name: r.name,
                short_description: r.short,
                full_description: {
                  text: `${r.description || 'Service.'}\n\n# Правила тарификации\nPrepaid.\n\n# Полезные ссылки\nhttps://docs.example.com\n\n# Техническая поддержка\nsupport@example.com\n\n# Лицензионное соглашение\nhttps://example.com/eula${r.description.endsWith('\n') ? '\n' : ''}`,
                },
                singleton: r.singleton,
                auto_bind: r.autoBind,
                icon: `https://icons.example.com/${serviceName}.svg`,
                help: 'https://docs.example.com',
                bindable: r.bools[0],
                plan_updateable: r.bools[1],
                deactivatable: r.bools[2],
                bindings_retrievable: r.bools[3],
                instances_retrievable: r.bools[4],
                metadata: r.ns,
                preview: r.preview.map((name) => ({ name })),
                options: [],
                plans,
              }) as ServiceModel,
          );
      }),
    ),
  );
}

/** A valid catalog: one or two service entries (revisions of one id) and its plan mapping. */
export const catalogArb: fc.Arbitrary<CatalogModel> = fc
  .record({
    serviceName: latinName(10),
    id: fc.uuid({ version: 4 }),
    revisions: fc.uniqueArray(fc.oneof(fc.constantFrom('1.0', '2.0', 'v. 1.0'), text(1, 12)), { minLength: 1, maxLength: 2 }),
  })
  .chain(({ serviceName, id, revisions }) =>
    fc.tuple(...revisions.map((rev, i) => serviceArb(serviceName, id, rev, fc.constant(`r${i}`)))).chain((services) => {
      const plans = services.flatMap((s) => s.plans);
      return fc.array(fc.oneof(latinName(8), fc.integer({ min: 1, max: 999 })), { minLength: plans.length, maxLength: plans.length }).map((ids) => ({
        serviceName,
        services,
        planMapping: { value: { [serviceName]: Object.fromEntries(plans.map((p, i) => [p.id, ids[i]])) } },
      }));
    }),
  );
