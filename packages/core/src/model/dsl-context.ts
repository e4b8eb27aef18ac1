/**
 * Shared helpers for turning DSL values into the IR: resolving option references,
 * mapping call sites to spans, turning SDK issues into diagnostics, reading files.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Diagnostic, Span } from '../diagnostics.js';
import type { LoadedProject, RawSite } from '../load/load.js';
import type { OptionModel, OptionSchema, OptionBilling, OptionAction, WhenModel, WhenOperand } from './types.js';

const OPTION = Symbol.for('vkmp.option');
const OPTION_REF = Symbol.for('vkmp.optionRef');
const OPTION_USE = Symbol.for('vkmp.optionUse');
const FILE_REF = Symbol.for('vkmp.fileRef');

export const isBranded = (value: unknown, brand: symbol): boolean =>
  typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;

/** The runtime shape of SDK option definitions (see @vkmp/sdk `OptionDef`). */
export interface DslOptionDef {
  subtype: string;
  actions: readonly string[];
  schema: Readonly<Record<string, unknown>>;
  billing?: Readonly<Record<string, unknown>>;
  rawKeys: readonly string[];
  site?: RawSite;
  issues: readonly DslIssueLike[];
  rebuild(patch: unknown): DslOptionDef;
  wholeSections: readonly string[];
}
export interface DslIssueLike {
  code: string;
  message: string;
  hint?: string;
  site?: RawSite;
  field?: string;
}
interface DslRef {
  name: string;
  def: DslOptionDef;
}
interface DslUse {
  ref: DslRef;
  overrides: Record<string, unknown>;
  site?: RawSite;
}

/** An option reference resolved against a service's option set. */
export interface ResolvedOption {
  name: string;
  /** The service-level definition. */
  base: DslOptionDef;
  /** The definition after per-plan overrides. */
  effective: DslOptionDef;
  overrides?: Record<string, unknown>;
  site?: RawSite;
}

export class DslContext {
  readonly diagnostics: Diagnostic[] = [];

  constructor(readonly project: LoadedProject) {}

  span(site: RawSite | undefined): Span | undefined {
    return this.project.mapSite(site);
  }

  error(code: string, message: string, hint: string, site: RawSite | Span | undefined, severity: 'error' | 'warning' = 'error'): void {
    // Spans pass through mapSite unchanged; bundle sites are mapped to the vendor's source.
    const span = this.span(site);
    this.diagnostics.push({ code, severity, message, hint, span, docs: 'README.md#dsl-tour' });
  }

  /** SDK-side issues (unknown keys …) become diagnostics with the vendor's position. */
  issues(issues: readonly DslIssueLike[] | undefined): void {
    for (const issue of issues ?? []) {
      this.diagnostics.push({
        code: issue.code,
        severity: 'error',
        message: issue.message,
        hint: issue.hint,
        span: this.locate(this.span(issue.site), issue.field),
        docs: 'README.md#dsl-tour',
      });
    }
  }

  /** DSL-004: escape-hatch fields pass through verbatim; each is named in a warning. */
  rawWarning(keys: readonly string[], what: string, site: RawSite | undefined): void {
    if (!keys.length) return;
    this.diagnostics.push({
      code: 'DSL-004',
      severity: 'warning',
      message: `${what} passes ${keys.map((k) => `"${k}"`).join(', ')} through the raw escape hatch; vkmp does not check ${keys.length === 1 ? 'it' : 'them'}.`,
      hint: 'Keep raw fields for values Marketplace accepts but the docs do not describe.',
      span: this.locate(this.span(site), 'raw'),
      docs: 'README.md#escape-hatch',
    });
  }

  /** Moves a call-site span to the line of `field:` inside the call, when found. */
  locate(span: Span | undefined, field: string | undefined): Span | undefined {
    if (!span || !field) return span;
    return locateField(span, field);
  }

  /** Reads a `file('./x')` reference relative to the source file that wrote it. */
  readFile(ref: unknown, what: string, site: RawSite | undefined): { bytes: Uint8Array; path: string } | undefined {
    if (!isBranded(ref, FILE_REF)) {
      this.error('DSL-002', `${what} must be file('./path').`, 'Use file() from @vkmp/sdk with a path relative to the service file.', site);
      return undefined;
    }
    const fileRef = ref as { path: string; site?: RawSite };
    const from = this.span(fileRef.site) ?? this.span(site);
    const base = from ? dirname(from.file) : this.project.rootDir;
    const path = resolve(base, fileRef.path);
    try {
      return { bytes: readFileSync(path), path };
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'EISDIR' ? 'is a directory' : 'cannot be read';
      this.error('DSL-003', `${what}: ${fileRef.path} ${reason} (resolved to ${path}).`, 'Paths in file() are relative to the TypeScript file that calls file().', fileRef.site ?? site);
      return undefined;
    }
  }
}

/** Where to search for `field:` after a call site, in characters. */
const LOCATE_WINDOW = 20000;
const sourceCache = new Map<string, string | undefined>();

function readSource(file: string): string | undefined {
  if (!sourceCache.has(file)) {
    try {
      sourceCache.set(file, readFileSync(file, 'utf8'));
    } catch {
      sourceCache.set(file, undefined);
    }
  }
  return sourceCache.get(file);
}

/**
 * Finds the first `field:` (or `'field':`/`"field":`) at or after the span's position.
 * The DSL records call sites, not property positions; this narrows a diagnostic to the
 * property's line so the editor jumps to it. Falls back to the call site.
 */
export function locateField(span: Span, field: string): Span {
  const text = readSource(span.file);
  if (!text) return span;
  const lines = text.split('\n');
  let offset = 0;
  for (let i = 0; i < span.line - 1 && i < lines.length; i++) offset += lines[i]!.length + 1;
  offset += span.column - 1;
  const window = text.slice(offset, offset + LOCATE_WINDOW);
  const escaped = field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`(?:^|[\\s,{(])(?:${escaped}|'${escaped}'|"${escaped}")\\s*:`).exec(window);
  if (!m) return span;
  const at = offset + m.index + (m[0].length - m[0].trimStart().length);
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  const column = at - before.lastIndexOf('\n');
  return { file: span.file, line, column, endLine: line, endColumn: column + field.length };
}

/** Converts an SDK option definition to the IR. */
export function optionModel(name: string, def: DslOptionDef, span: Span | undefined): OptionModel {
  const schema = { ...def.schema } as OptionSchema;
  return {
    name,
    actions: [...def.actions] as OptionAction[],
    schema,
    billing: def.billing ? (structuredClone(def.billing) as OptionBilling) : undefined,
    rawKeys: def.rawKeys.length ? [...def.rawKeys] : undefined,
    span,
  };
}

/** Resolves option references against one service's option set. */
export class OptionResolver {
  private readonly byDef = new Map<unknown, string>();

  constructor(
    private readonly ctx: DslContext,
    readonly set: Record<string, unknown>,
    private readonly siteForErrors: RawSite | undefined,
  ) {
    for (const [key, ref] of Object.entries(set)) {
      if (!isBranded(ref, OPTION_REF) || !isBranded((ref as DslRef).def, OPTION)) {
        ctx.error('DSL-002', `options.${key} is not an option made by options({...}).`, "Build the set with options({ name: option.integer.range({...}) }) from '@vkmp/sdk'.", siteForErrors);
        continue;
      }
      this.byDef.set((ref as DslRef).def, key);
    }
  }

  /** Every option of the set, in declaration order. */
  all(): { name: string; def: DslOptionDef }[] {
    const out: { name: string; def: DslOptionDef }[] = [];
    for (const [name, ref] of Object.entries(this.set)) if (this.byDef.get((ref as DslRef)?.def) === name) out.push({ name, def: (ref as DslRef).def });
    return out;
  }

  /**
   * Resolves a reference, an override (`o.x.with({...})`) or — when the type system was
   * bypassed — a string name. Returns undefined (and reports DSL-002) when it names no
   * option of this service; rule checks on names still run where the caller keeps the name.
   */
  resolve(value: unknown, where: string, site: RawSite | undefined): ResolvedOption | { unresolvedName: string } | undefined {
    if (isBranded(value, OPTION_USE)) {
      const use = value as DslUse;
      const r = this.resolve(use.ref, where, use.site ?? site);
      if (!r || 'unresolvedName' in r) return r;
      return { ...r, effective: r.base.rebuild(use.overrides), overrides: use.overrides, site: use.site ?? site };
    }
    if (isBranded(value, OPTION_REF)) {
      const ref = value as DslRef;
      const name = this.byDef.get(ref.def);
      if (name === undefined) {
        this.ctx.error('DSL-002', `${where}: option "${ref.name}" is not in this service's options.`, 'Add it to the options({...}) set passed as `options`, or use a reference from that set.', site);
        return { unresolvedName: ref.name };
      }
      return { name, base: ref.def, effective: ref.def, site };
    }
    if (typeof value === 'string') {
      const ref = this.set[value] as DslRef | undefined;
      if (ref && this.byDef.get(ref.def) === value) return { name: value, base: ref.def, effective: ref.def, site };
      return { unresolvedName: value };
    }
    this.ctx.error(
      'DSL-002',
      `${where}: expected an option reference, got ${value === undefined ? 'undefined (a misspelt option name?)' : typeof value}.`,
      'Refer to options through the object returned by options({...}), e.g. o.seats.',
      site,
    );
    return undefined;
  }

  /** A `when` condition in the IR. */
  when(cond: unknown, site: RawSite | undefined): WhenModel | undefined {
    if (cond === undefined) return undefined;
    const c = cond as { operator?: string; key?: unknown; values?: unknown[]; site?: RawSite };
    if (!c || (c.operator !== 'in' && c.operator !== 'not_in')) {
      this.ctx.error('DSL-002', 'when must be built with when.in(...) or when.notIn(...).', "Import `when` from '@vkmp/sdk'.", site);
      return undefined;
    }
    const operand = (v: unknown): WhenOperand => {
      if (isBranded(v, OPTION_REF) || isBranded(v, OPTION_USE) ) {
        const r = this.resolve(v, 'when', c.site ?? site);
        return { param: r && 'unresolvedName' in r ? r.unresolvedName : r?.name };
      }
      return { const: v };
    };
    const key = operand(c.key);
    return { operator: c.operator, key, values: (Array.isArray(c.values) ? c.values : []).map(operand), span: this.ctx.span(c.site ?? site) };
  }
}
