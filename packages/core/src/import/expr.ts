/**
 * A tiny expression tree for generated DSL code, and a printer onto ts-morph's
 * CodeBlockWriter. Short expressions stay on one line; longer ones break the way a
 * person writes the DSL (one property per line, the last call argument "hugged").
 */
import type { CodeBlockWriter } from 'ts-morph';

export type Expr =
  | { readonly k: 'code'; readonly code: string }
  | { readonly k: 'str'; readonly value: string }
  | { readonly k: 'obj'; readonly props: readonly Prop[]; readonly multiline?: boolean }
  | { readonly k: 'arr'; readonly items: readonly Expr[]; readonly multiline?: boolean }
  | { readonly k: 'call'; readonly fn: string; readonly typeArgs?: string; readonly args: readonly Expr[] }
  | { readonly k: 'cast'; readonly expr: Expr; readonly type: string };

export interface Prop {
  readonly key: string;
  readonly value: Expr;
}

/** Longest line the printer aims for. */
export const MAX_WIDTH = 100;

export const code = (text: string): Expr => ({ k: 'code', code: text });
export const str = (value: string): Expr => ({ k: 'str', value });
export const obj = (props: readonly Prop[], multiline = false): Expr => ({ k: 'obj', props, multiline });
export const arr = (items: readonly Expr[], multiline = false): Expr => ({ k: 'arr', items, multiline });
export const call = (fn: string, args: readonly Expr[], typeArgs?: string): Expr => ({ k: 'call', fn, args, typeArgs });
export const cast = (expr: Expr, type: string): Expr => ({ k: 'cast', expr, type });
export const prop = (key: string, value: Expr): Prop => ({ key, value });

/** A JSON value as an expression (objects and arrays become breakable nodes). */
export function json(value: unknown): Expr {
  if (typeof value === 'string') return str(value);
  if (typeof value === 'number') return code(numberLiteral(value));
  if (typeof value === 'boolean') return code(String(value));
  if (value === null) return code('null');
  if (Array.isArray(value)) return arr(value.map(json));
  if (typeof value === 'object') return obj(Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).map(([k, v]) => prop(k, json(v))));
  return code('undefined');
}

export function numberLiteral(n: number): string {
  if (Object.is(n, -0)) return '-0';
  return String(n);
}

/** A TypeScript string literal in single quotes; non-ASCII text stays readable. */
export function stringLiteral(s: string): string {
  let out = "'";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i]!;
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c === 0x2028 || c === 0x2029) out += `\\u${c.toString(16)}`;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += s.slice(i, i + 2);
        i++;
      } else out += `\\u${c.toString(16)}`;
    } else if (c >= 0xdc00 && c <= 0xdfff) out += `\\u${c.toString(16)}`;
    else out += ch;
  }
  return `${out}'`;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export const isIdentifier = (name: string): boolean => IDENTIFIER.test(name);

/** An object-literal key. `__proto__` is computed so it stays an own property. */
export function propertyKey(name: string): string {
  if (name === '__proto__') return `['__proto__']`;
  return isIdentifier(name) ? name : stringLiteral(name);
}

/** `base.name`, or `base['odd-name']`. */
export function member(base: string, name: string): string {
  return isIdentifier(name) ? `${base}.${name}` : `${base}[${stringLiteral(name)}]`;
}

/** The expression on one line. */
export function flat(e: Expr): string {
  switch (e.k) {
    case 'code':
      return e.code;
    case 'str':
      return stringLiteral(e.value);
    case 'obj':
      return e.props.length ? `{ ${e.props.map((p) => `${propertyKey(p.key)}: ${flat(p.value)}`).join(', ')} }` : '{}';
    case 'arr':
      return `[${e.items.map(flat).join(', ')}]`;
    case 'call':
      return `${e.fn}${e.typeArgs ? `<${e.typeArgs}>` : ''}(${e.args.map(flat).join(', ')})`;
    case 'cast':
      return `${flat(e.expr)} as ${e.type}`;
  }
}

function forcedBreak(e: Expr): boolean {
  switch (e.k) {
    case 'obj':
      return Boolean(e.multiline && e.props.length) || e.props.some((p) => forcedBreak(p.value));
    case 'arr':
      return Boolean(e.multiline && e.items.length) || e.items.some(forcedBreak);
    case 'call':
      return e.args.some(forcedBreak);
    case 'cast':
      return forcedBreak(e.expr);
    default:
      return false;
  }
}

const indentWidth = (w: CodeBlockWriter): number => w.getIndentationLevel() * 2;

/**
 * Writes `e` at the writer's position. `lead` is the width already used on the line
 * (indentation included); `tail` the width of what follows it on the line (`,`, `);`).
 */
export function print(w: CodeBlockWriter, e: Expr, lead: number, tail = 1): void {
  const one = flat(e);
  if (!forcedBreak(e) && lead + one.length + tail <= MAX_WIDTH) {
    w.write(one);
    return;
  }
  switch (e.k) {
    case 'code':
    case 'str':
      w.write(one);
      return;
    case 'cast':
      print(w, e.expr, lead, tail + e.type.length + 4);
      w.write(` as ${e.type}`);
      return;
    case 'obj':
      w.write('{').newLine();
      w.indent(() => {
        for (const p of e.props) {
          const key = `${propertyKey(p.key)}: `;
          w.write(key);
          print(w, p.value, indentWidth(w) + key.length, 1);
          w.write(',').newLine();
        }
      });
      w.write('}');
      return;
    case 'arr':
      w.write('[').newLine();
      w.indent(() => {
        for (const item of e.items) {
          print(w, item, indentWidth(w), 1);
          w.write(',').newLine();
        }
      });
      w.write(']');
      return;
    case 'call': {
      const head = `${e.fn}${e.typeArgs ? `<${e.typeArgs}>` : ''}(`;
      w.write(head);
      const last = e.args[e.args.length - 1];
      const hug = last && (last.k === 'obj' || last.k === 'arr');
      if (hug) {
        const before = e.args.slice(0, -1).map(flat);
        const prefix = before.length ? `${before.join(', ')}, ` : '';
        w.write(prefix);
        print(w, last, lead + head.length + prefix.length, tail + 1);
      } else {
        e.args.forEach((a, i) => {
          if (i) w.write(', ');
          print(w, a, lead + head.length, tail + 1);
        });
      }
      w.write(')');
      return;
    }
  }
}
