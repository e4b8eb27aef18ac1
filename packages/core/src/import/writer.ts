/**
 * What the SaaS and image-based importers share: the reporter, one `options({...})` set
 * per service with per-plan `.with({...})` overrides, option references, `when`
 * conditions and the wizard (`page` / `group`).
 */
import type { Diagnostic, Span } from '../diagnostics.js';
import type { DisplayGroup, DisplayPage, Located, WhenModel, WhenOperand } from '../model/types.js';
import { isPlainObject } from '../util/strings.js';
import { arr, call, cast, code, json, member, numberLiteral, obj, prop, stringLiteral, type Expr } from './expr.js';
import { orderByIndex } from './normalize.js';
import { isEnum, optionExpr, overridesExpr, overridesOf, valueKind, type OptionMapping, type OptionSpec } from './options.js';

export const IMPORT_DOCS = 'README.md#vkmp-import';

/** A place in the input: a span, or a JSON pointer the reporter resolves in the input file. */
export type Where = Span | string | undefined;

export class Reporter {
  readonly diagnostics: Diagnostic[] = [];
  constructor(
    readonly allowInvalid: boolean,
    private readonly locatePointer: (pointer: string) => Span | undefined,
  ) {}

  locate(where: Where): Span | undefined {
    return typeof where === 'string' ? this.locatePointer(where) : where;
  }

  /** Something the DSL cannot express: an error, or with allowInvalid a warning (and the value is dropped). */
  inexpressible(where: Where, message: string, hint?: string): void {
    this.diagnostics.push({
      code: 'IMPORT-001',
      severity: this.allowInvalid ? 'warning' : 'error',
      message: `${message}${this.allowInvalid ? ' It is left out of the generated code.' : ''}`,
      hint: hint ?? (this.allowInvalid ? undefined : 'Fix the input, or pass --allow-invalid to import the rest and fix it in TypeScript.'),
      span: this.locate(where),
      docs: IMPORT_DOCS,
    });
  }

  warn(code: string, where: Where, message: string, hint?: string): void {
    this.diagnostics.push({ code, severity: 'warning', message, hint, span: this.locate(where), docs: IMPORT_DOCS });
  }

  /** IMPORT-002: values passed through the raw escape hatch, named. */
  raw(where: Where, what: string, keys: readonly string[]): void {
    const one = keys.length === 1;
    this.warn('IMPORT-002', where, `${what}: ${keys.map((k) => `"${k}"`).join(', ')} ${one ? 'is' : 'are'} not documented and ${one ? 'goes' : 'go'} through the raw escape hatch.`, 'vkmp passes raw fields through unchecked; remove them unless Marketplace documented them for you.');
  }
}

/** Reports what the mapping of one option definition found: inexpressible parts, raw keywords, type mismatches. */
export function reportMapping(r: Reporter, m: OptionMapping, name: string, where: Where): void {
  for (const problem of m.inexpressible) r.inexpressible(where, `Option "${name}": ${problem} cannot be expressed in the DSL.`);
  if (m.spec && m.rawKeys.length) {
    r.warn('IMPORT-002', where, `Option "${name}": ${m.rawKeys.map((k) => `"${k}"`).join(', ')} ${m.rawKeys.length === 1 ? 'goes' : 'go'} through the raw escape hatch (not a field of option.${m.spec.ctor}).`, 'vkmp passes raw keywords through unchecked; remove them unless Marketplace documented them for you.');
  }
  for (const t of m.typeMismatches) r.warn('IMPORT-006', where, `Option "${name}": ${t}; the generated code will not type-check until it is fixed.`);
  for (const field of m.spec?.casts ?? []) r.warn('IMPORT-007', where, `Option "${name}": ${field} ${JSON.stringify(m.spec!.fields[field])} is outside the values the DSL's type lists; the generated code casts it (as never).`);
}

export interface SetEntry {
  name: string;
  spec: OptionSpec;
  /** Where the base definition comes from (a plan name, or an option file). */
  origin: string;
  /** Enum values over every plan (the base's first). */
  enumValues?: unknown[];
}

/** The expression of one option in one plan (`o.x` or `o.x.with({...})`). */
export interface PlanUse {
  expr?: Expr;
}

/** Where a wizard node is: `(node, path)` → a span or a pointer. `path` is relative to the display. */
export type WizardWhere = (node: Located | undefined, path: string) => Where;

export class DslWriter {
  readonly imports = new Set<string>(['options', 'option']);
  protected readonly set = new Map<string, SetEntry>();

  constructor(
    protected readonly r: Reporter,
    protected readonly optionsVar: string,
    /** Import what can be imported when parts are inexpressible (--allow-invalid). */
    protected readonly lossy: boolean,
    /** Fields per-plan overrides may not change (image-based: the datasource, H-10). */
    private readonly fixedFields: readonly string[] = [],
  ) {}

  ref(name: string): string {
    return member(this.optionsVar, name);
  }

  has(name: string): boolean {
    return this.set.has(name);
  }

  entry(name: string): SetEntry | undefined {
    return this.set.get(name);
  }

  /** Adds a base definition (the first one wins). */
  addBase(name: string, spec: OptionSpec, origin: string): void {
    if (this.set.has(name)) return;
    this.set.set(name, { name, spec, origin, enumValues: isEnum(spec.ctor) && Array.isArray(spec.fields.values) ? [...spec.fields.values] : undefined });
  }

  /** The option as one plan defines it: the base reference, or the base with overrides. */
  useOf(name: string, spec: OptionSpec, planLabel: string, where: Where): PlanUse {
    const entry = this.set.get(name);
    if (!entry) return {};
    const r = overridesOf(entry.spec, spec);
    const fixed = 'overrides' in r ? Object.keys(r.overrides).filter((k) => this.fixedFields.includes(k)) : [];
    if ('conflict' in r || fixed.length) {
      const why = 'conflict' in r ? r.conflict : `a different ${fixed.join(', ')} in one plan than in ${entry.origin} (parameters_patch cannot change the datasource, H-10)`;
      this.r.inexpressible(
        where,
        `Option "${name}" has ${why} (${entry.origin} and ${planLabel}). One options({...}) set per service cannot express both: per-plan overrides (.with) cannot change an option's constructor, actions, raw keywords or datasource.`,
        this.lossy ? undefined : "Give the plans one definition of the option, or pass --allow-invalid to use the base definition everywhere.",
      );
      return { expr: code(this.ref(name)) };
    }
    if (entry.enumValues && Array.isArray(r.overrides.values)) {
      for (const v of r.overrides.values) if (!entry.enumValues.some((x) => x === v)) entry.enumValues.push(v);
    }
    return { expr: Object.keys(r.overrides).length ? call(`${this.ref(name)}.with`, [overridesExpr(r.overrides, spec.casts)]) : code(this.ref(name)) };
  }

  /** The type argument that widens an enum to the values every plan uses, when needed. */
  private typeArgs(entry: SetEntry): string | undefined {
    const base = entry.spec.fields.values;
    if (!entry.enumValues || !Array.isArray(base) || entry.enumValues.length === base.length) return undefined;
    return entry.enumValues.map((v) => (typeof v === 'string' ? stringLiteral(v) : typeof v === 'number' ? numberLiteral(v) : 'never')).join(' | ');
  }

  optionsExpr(): Expr {
    return call('options', [obj([...this.set.values()].map((e) => prop(e.name, optionExpr(e.spec, this.typeArgs(e)))), true)]);
  }

  /** Whether a constant has the value type of the option (what `when` and entity operands need). */
  fits(entry: SetEntry, value: unknown): boolean {
    if (typeof value !== valueKind(entry.spec.ctor)) return false;
    return !entry.enumValues || entry.enumValues.some((v) => v === value);
  }

  /** `when.in(o.key, [...])` / `when.notIn(...)`. */
  whenExpr(w: WhenModel, where: (path: string) => Where, rule: string): Expr | undefined {
    const raw = isPlainObject(w.raw) ? w.raw : undefined;
    if (raw && (Object.keys(raw).length !== 1 || !isPlainObject(raw[w.operator]))) {
      this.r.inexpressible(where(''), `A \`when\` with the keys ${Object.keys(raw).map((k) => `"${k}"`).join(', ')} cannot be expressed: it has exactly one of in / not_in (${rule}).`);
      return undefined;
    }
    const key = w.key as WhenOperand | undefined;
    if (!isPlainObject(key) || typeof key.param !== 'string' || Object.keys(key).length !== 1) {
      this.r.inexpressible(where(`/${w.operator}/key`), `A \`when\` whose key is not one option (${JSON.stringify(key)}) cannot be expressed: when.in/notIn take an option as the key.`);
      return undefined;
    }
    const keyEntry = this.set.get(key.param);
    if (!keyEntry) {
      this.r.inexpressible(where(`/${w.operator}/key`), `The \`when\` key "${key.param}" is not an option of this service.`);
      return undefined;
    }
    if (!Array.isArray(w.values) || w.values.length === 0) {
      this.r.inexpressible(where(`/${w.operator}/values`), `A \`when\` without values cannot be expressed (${rule}).`);
      return undefined;
    }
    const values: Expr[] = [];
    w.values.forEach((v, i) => {
      const vp = where(`/${w.operator}/values/${i}`);
      if (isPlainObject(v) && Object.keys(v).length === 1 && typeof v.param === 'string') {
        const entry = this.set.get(v.param);
        if (!entry) return this.r.inexpressible(vp, `The \`when\` operand "${v.param}" is not an option of this service.`);
        const compatible = valueKind(entry.spec.ctor) === valueKind(keyEntry.spec.ctor) && (!keyEntry.enumValues || (entry.enumValues?.every((x) => keyEntry.enumValues!.includes(x)) ?? false));
        if (!compatible) this.r.warn('IMPORT-007', vp, `The \`when\` operand option "${v.param}" has another value type than the key "${key.param}"; the generated code casts it (as never).`);
        values.push(compatible ? code(this.ref(v.param)) : cast(code(this.ref(v.param)), 'never'));
        return;
      }
      if (!isPlainObject(v) || Object.keys(v).length !== 1 || !Object.hasOwn(v, 'const')) {
        return this.r.inexpressible(vp, `The \`when\` operand ${JSON.stringify(v)} cannot be expressed: it is {param} or {const} (${rule}).`);
      }
      const value = v.const;
      if (!this.fits(keyEntry, value)) {
        this.r.warn('IMPORT-007', vp, `The \`when\` value ${JSON.stringify(value)} is not a value of option "${key.param}"; the generated code casts it (as never).`);
        values.push(cast(json(value), 'never'));
      } else values.push(json(value));
    });
    this.imports.add('when');
    return call(`when.${w.operator === 'not_in' ? 'notIn' : 'in'}`, [code(this.ref(key.param)), arr(values)]);
  }

  /** `[page('…', [group('…', [o.x, …], { when })])]`, or undefined for a wizard without pages. */
  wizardExpr(pages: readonly DisplayPage[], uses: ReadonlyMap<string, PlanUse>, where: WizardWhere, rule: string): Expr | undefined {
    if (!pages.length) return undefined;
    this.imports.add('page');
    const ordered = orderByIndex(pages, (p: DisplayPage) => p?.index);
    return arr(
      ordered.map((page) => {
        const pi = pages.indexOf(page);
        const groups = Array.isArray(page?.groups) ? page.groups : [];
        const groupExprs = orderByIndex(groups, (g: DisplayGroup) => g?.index).map((g) => {
          this.imports.add('group');
          const gi = groups.indexOf(g);
          const gp = `/pages/${pi}/groups/${gi}`;
          const params = Array.isArray(g?.parameters) ? g.parameters : [];
          const refs: Expr[] = [];
          for (const x of orderByIndex(params, (p) => p?.index)) {
            const name = x?.name;
            const use = typeof name === 'string' ? uses.get(name) : undefined;
            if (use?.expr) refs.push(use.expr);
            else if (typeof name === 'string' && this.set.has(name)) refs.push(code(this.ref(name)));
            else this.r.inexpressible(where(x, `${gp}/parameters/${params.indexOf(x)}`), `The wizard option ${JSON.stringify(name)} is not an option of this plan that the DSL can generate.`);
          }
          const args: Expr[] = [json(g?.name), arr(refs)];
          const w = g?.when ? this.whenExpr(g.when, (path) => where(g.when, `${gp}/when${path}`), rule) : undefined;
          if (w) args.push(obj([prop('when', w)]));
          return call('group', args);
        });
        return call('page', [json(page?.name), arr(groupExprs, groupExprs.length > 1)]);
      }),
      ordered.length > 1,
    );
  }
}
