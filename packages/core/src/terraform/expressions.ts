/**
 * Turns tree-sitter HCL expression nodes into `TfExpression`s: kind, source text, span,
 * constant value, references and the sub-structure rules need (tuple items, object
 * entries, conditional branches, call arguments).
 */
import { significant, type SyntaxNode } from './parser.js';
import { sourceOf, spanOf, type SourceFile } from './source.js';
import type { TfExpression, TfObjectEntry, TfValue } from './types.js';

const TRAVERSAL = new Set(['get_attr', 'index', 'splat']);
const BINARY_OPERATORS = new Set(['*', '/', '%', '+', '-', '>', '>=', '<', '<=', '==', '!=', '&&', '||']);
const WORD = /[\p{ID_Continue}$]/u;

/**
 * Source text of a node with whitespace and comments removed; a space is kept only between
 * two word tokens (`for s in x`). String and heredoc templates keep their exact text.
 */
export function compactText(file: SourceFile, node: SyntaxNode): string {
  if (node.children.length === 0 || node.type === 'string_lit' || node.type === 'template_expr' || node.type === 'quoted_template' || node.type === 'heredoc_template') {
    return sourceOf(file, node);
  }
  let out = '';
  for (const child of node.children) {
    if (child.type === 'comment') continue;
    const piece = compactText(file, child);
    if (piece === '') continue;
    if (out !== '' && WORD.test(out[out.length - 1]) && WORD.test(piece[0])) out += ' ';
    out += piece;
  }
  return out;
}

// ---------------------------------------------------------------- string values

/** An escape or other problem inside a quoted string, at a UTF-16 offset into the file. */
export interface StringProblem {
  readonly offset: number;
  readonly length: number;
  readonly message: string;
}

/**
 * Decodes the raw text between the quotes of an HCL quoted string: `\n \r \t \" \\ \uNNNN
 * \UNNNNNNNN`, and `$${` / `%%{` for literal `${` / `%{`. Problems are reported with offsets
 * relative to `baseOffset`.
 */
export function decodeQuoted(raw: string, baseOffset = 0): { value: string; problems: StringProblem[] } {
  let value = '';
  const problems: StringProblem[] = [];
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    if (ch === '$' || ch === '%') {
      if (raw[i + 1] === ch && raw[i + 2] === '{') {
        value += `${ch}{`;
        i += 2;
        continue;
      }
      value += ch;
      continue;
    }
    if (ch !== '\\') {
      value += ch;
      continue;
    }
    const next = raw[i + 1];
    switch (next) {
      case 'n':
        value += '\n';
        i++;
        break;
      case 'r':
        value += '\r';
        i++;
        break;
      case 't':
        value += '\t';
        i++;
        break;
      case '"':
        value += '"';
        i++;
        break;
      case '\\':
        value += '\\';
        i++;
        break;
      case 'u':
      case 'U': {
        const digits = next === 'u' ? 4 : 8;
        const hex = raw.slice(i + 2, i + 2 + digits);
        const code = /^[0-9A-Fa-f]+$/.test(hex) && hex.length === digits ? Number.parseInt(hex, 16) : Number.NaN;
        if (Number.isNaN(code) || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
          problems.push({
            offset: baseOffset + i,
            length: Math.min(raw.length - i, 2 + digits),
            message: `Invalid unicode escape "${raw.slice(i, i + 2 + digits)}": write \\${next} followed by exactly ${digits} hex digits of a valid code point.`,
          });
          value += raw.slice(i, i + 2);
          i++;
        } else {
          value += String.fromCodePoint(code);
          i += 1 + digits;
        }
        break;
      }
      default:
        problems.push({
          offset: baseOffset + i,
          length: next === undefined ? 1 : 2,
          message:
            next === undefined
              ? 'A quoted string cannot end with a single backslash; write \\\\ for a literal backslash.'
              : `Invalid escape sequence "\\${next}" in a quoted string; write \\\\ for a literal backslash (valid escapes: \\n \\r \\t \\" \\\\ \\uNNNN \\UNNNNNNNN).`,
        });
        value += next === undefined ? '\\' : `\\${next}`;
        i++;
    }
  }
  return { value, problems };
}

/** The value of a `string_lit` node (its text between the quotes, decoded). */
export function stringLiteralValue(file: SourceFile, node: SyntaxNode): string {
  const open = node.children[0];
  const close = node.children[node.children.length - 1];
  if (!open || !close || close === open) return '';
  return decodeQuoted(file.text.slice(open.end, close.missing ? node.end : close.start)).value;
}

/** The value of a heredoc without interpolation or directives (`<<EOT` or the indented `<<-EOT`). */
function heredocValue(file: SourceFile, node: SyntaxNode): string | undefined {
  const idents = node.children.filter((c) => c.type === 'heredoc_identifier');
  if (idents.length < 2 || idents[1].missing) return undefined;
  const flush = node.children.some((c) => c.type === 'heredoc_start' && sourceOf(file, c) === '<<-');
  const lineBreak = file.text.indexOf('\n', idents[0].end);
  if (lineBreak < 0) return undefined;
  const contentStart = lineBreak + 1;
  const contentEnd = file.text.lastIndexOf('\n', idents[1].start - 1) + 1;
  let content = contentEnd > contentStart ? file.text.slice(contentStart, contentEnd).replace(/\r\n/g, '\n') : '';
  if (flush && content !== '') {
    const lines = content.split('\n');
    let indent = Number.POSITIVE_INFINITY;
    for (const line of lines) {
      if (line.trim() === '') continue;
      indent = Math.min(indent, (/^[ \t]*/.exec(line) as RegExpExecArray)[0].length);
    }
    if (Number.isFinite(indent) && indent > 0) content = lines.map((l) => l.slice(Math.min(indent, (/^[ \t]*/.exec(l) as RegExpExecArray)[0].length))).join('\n');
  }
  return content.replace(/([$%])\1\{/g, '$1{');
}

// ---------------------------------------------------------------- references

function traversalPieces(file: SourceFile, node: SyntaxNode): string {
  switch (node.type) {
    case 'get_attr': {
      const ident = node.children.find((c) => c.type === 'identifier');
      return ident ? `.${sourceOf(file, ident)}` : '';
    }
    case 'index': {
      const inner = node.children[0];
      if (!inner) return '';
      if (inner.type === 'legacy_index') return `[${sourceOf(file, inner).replace(/^\s*\.\s*/, '')}]`;
      const expr = inner.children.find((c) => c.type === 'expression');
      return `[${expr ? compactText(file, expr) : ''}]`;
    }
    case 'splat': {
      const inner = node.children[0];
      if (!inner) return '';
      return (inner.type === 'attr_splat' ? '.*' : '[*]') + inner.children.map((c) => traversalPieces(file, c)).join('');
    }
    default:
      return '';
  }
}

/** `key = value` / `key: value`: the key is the first expression child, the value the last. */
function objectElemParts(elem: SyntaxNode): { key?: SyntaxNode; value?: SyntaxNode } {
  const parts = elem.children.filter((c) => c.type === 'expression');
  return parts.length === 2 ? { key: parts[0], value: parts[1] } : {};
}

function isBareKey(node: SyntaxNode): boolean {
  const parts = significant(node);
  return node.type === 'expression' && parts.length === 1 && parts[0].type === 'variable_expr';
}

function collectReferences(file: SourceFile, node: SyntaxNode, bound: ReadonlySet<string>, out: Set<string>): void {
  if (node.type === 'for_tuple_expr' || node.type === 'for_object_expr') {
    const intro = node.children.find((c) => c.type === 'for_intro');
    const names = new Set(bound);
    if (intro) {
      for (const c of intro.children) {
        if (c.type === 'identifier') names.add(sourceOf(file, c));
        else if (c.type === 'expression') collectReferences(file, c, bound, out);
      }
    }
    for (const c of node.children) if (c !== intro) collectReferences(file, c, names, out);
    return;
  }
  if (node.type === 'template_for') {
    const start = node.children.find((c) => c.type === 'template_for_start');
    const names = new Set(bound);
    if (start) {
      for (const c of start.children) {
        if (c.type === 'identifier') names.add(sourceOf(file, c));
        else if (c.type === 'expression') collectReferences(file, c, bound, out);
      }
    }
    for (const c of node.children) if (c !== start) collectReferences(file, c, names, out);
    return;
  }
  if (node.type === 'object_elem') {
    const { key } = objectElemParts(node);
    for (const c of node.children) {
      if (c === key && isBareKey(c)) continue;
      collectReferences(file, c, bound, out);
    }
    return;
  }
  const children = significant(node);
  for (let i = 0; i < children.length; i++) {
    const child = children[i];
    if (child.type !== 'variable_expr') {
      collectReferences(file, child, bound, out);
      continue;
    }
    const root = sourceOf(file, child);
    let path = root;
    let j = i + 1;
    for (; j < children.length && TRAVERSAL.has(children[j].type); j++) {
      path += traversalPieces(file, children[j]);
      collectReferences(file, children[j], bound, out);
    }
    if (!bound.has(root)) out.add(path);
    i = j - 1;
  }
}

/** Every traversal read by the nodes (see `TfExpression.references`). */
export function referencesOf(file: SourceFile, nodes: readonly SyntaxNode[]): string[] {
  const out = new Set<string>();
  const holder: SyntaxNode = { type: '(group)', named: false, missing: false, start: 0, end: 0, children: [...nodes], parent: null };
  collectReferences(file, holder, new Set(), out);
  return [...out];
}

// ---------------------------------------------------------------- analysis

type Shape = Omit<TfExpression, 'text' | 'span' | 'references'>;

const other: Shape = { kind: 'other', constant: false };

function literalShape(value: string | number | boolean): Shape {
  return { kind: 'literal', literal: value, constant: true, value };
}

function templateShape(file: SourceFile, node: SyntaxNode): Shape {
  const dynamic = node.children.some((c) => c.type === 'template_interpolation' || c.type === 'template_directive');
  if (dynamic) return { kind: 'template', constant: false };
  if (node.type === 'heredoc_template') {
    const value = heredocValue(file, node);
    return value === undefined ? { kind: 'template', constant: false } : { kind: 'template', literal: value, constant: true, value };
  }
  const open = node.children[0];
  const close = node.children[node.children.length - 1];
  const raw = open && close && close !== open ? file.text.slice(open.end, close.missing ? node.end : close.start) : '';
  const value = decodeQuoted(raw).value;
  return { kind: 'template', literal: value, constant: true, value };
}

function shapeOfNodes(file: SourceFile, nodes: readonly SyntaxNode[]): Shape {
  if (nodes.length === 0) return other;
  if (nodes.length === 3 && nodes[0].type === '(' && nodes[2].type === ')' && nodes[1].type === 'expression') {
    return shapeOfNodes(file, significant(nodes[1]));
  }
  if (nodes[0].type === 'variable_expr' && nodes.slice(1).every((n) => TRAVERSAL.has(n.type))) return { kind: 'reference', constant: false };
  if (nodes.length !== 1) return other;
  const node = nodes[0];
  switch (node.type) {
    case 'expression':
    case 'literal_value':
    case 'template_expr':
    case 'collection_value':
    case 'operation':
    case 'for_expr':
      return shapeOfNodes(file, significant(node));
    case 'numeric_lit': {
      const n = Number(sourceOf(file, node));
      return Number.isFinite(n) ? literalShape(n) : other;
    }
    case 'bool_lit':
      return literalShape(sourceOf(file, node) === 'true');
    case 'null_lit':
      return { kind: 'null', constant: true, value: null };
    case 'string_lit':
      return literalShape(stringLiteralValue(file, node));
    case 'quoted_template':
    case 'heredoc_template':
      return templateShape(file, node);
    case 'tuple': {
      const items = significant(node)
        .filter((c) => c.type === 'expression')
        .map((c) => analyzeExpression(file, [c]));
      const constant = items.every((i) => i.constant);
      return { kind: 'tuple', items, constant, ...(constant ? { value: items.map((i) => i.value as TfValue) } : {}) };
    }
    case 'object': {
      const entries: TfObjectEntry[] = [];
      for (const elem of significant(node)) {
        if (elem.type !== 'object_elem') continue;
        const { key: keyNode, value: valNode } = objectElemParts(elem);
        if (!keyNode || !valNode) continue;
        const value = analyzeExpression(file, [valNode]);
        let key: string | undefined;
        if (isBareKey(keyNode)) key = sourceOf(file, significant(keyNode)[0]);
        else {
          const k = analyzeExpression(file, [keyNode]);
          if (k.kind === 'literal' && k.literal !== undefined) key = String(k.literal);
        }
        entries.push({ ...(key !== undefined ? { key } : {}), keyText: sourceOf(file, keyNode), keySpan: spanOf(file, keyNode), value });
      }
      const constant = entries.every((e) => e.key !== undefined && e.value.constant);
      let value: TfValue | undefined;
      if (constant) {
        const obj: { [key: string]: TfValue } = {};
        for (const e of entries) obj[e.key as string] = e.value.value as TfValue;
        value = obj;
      }
      return { kind: 'object', entries, constant, ...(value !== undefined ? { value } : {}) };
    }
    case 'function_call': {
      const name = node.children.find((c) => c.type === 'identifier');
      const argsNode = node.children.find((c) => c.type === 'function_arguments');
      const args = argsNode ? significant(argsNode).filter((c) => c.type === 'expression').map((c) => analyzeExpression(file, [c])) : [];
      const expandFinal = argsNode ? argsNode.children.some((c) => c.type === 'ellipsis') : false;
      return { kind: 'function_call', constant: false, call: { name: name ? sourceOf(file, name) : '', args, expandFinal } };
    }
    case 'for_tuple_expr':
    case 'for_object_expr':
      return { kind: 'for', constant: false };
    case 'conditional': {
      const parts = significant(node).filter((c) => c.type === 'expression');
      if (parts.length !== 3) return other;
      const [condition, ifTrue, ifFalse] = parts.map((p) => analyzeExpression(file, [p]));
      return { kind: 'conditional', constant: false, conditional: { condition, ifTrue, ifFalse } };
    }
    case 'unary_operation': {
      const parts = significant(node);
      const operator = parts[0] ? parts[0].type : '';
      const operand = analyzeExpression(file, parts.slice(1));
      const operation = { operator, operands: [operand] };
      // `-1` and `!true` are constants: report them as literals so rules need not fold them.
      if (operator === '-' && typeof operand.literal === 'number') return { kind: 'literal', literal: -operand.literal, constant: true, value: -operand.literal, operation };
      if (operator === '!' && typeof operand.literal === 'boolean') return { kind: 'literal', literal: !operand.literal, constant: true, value: !operand.literal, operation };
      return { kind: 'operation', constant: false, operation };
    }
    case 'binary_operation': {
      const parts = significant(node);
      let depth = 0;
      let at = -1;
      for (let i = 0; i < parts.length; i++) {
        const t = parts[i].type;
        if (t === '(') depth++;
        else if (t === ')') depth--;
        else if (depth === 0 && !parts[i].named && BINARY_OPERATORS.has(t) && i > 0) {
          at = i;
          break;
        }
      }
      if (at < 0) return other;
      const left = analyzeExpression(file, parts.slice(0, at));
      const right = analyzeExpression(file, parts.slice(at + 1));
      return { kind: 'operation', constant: false, operation: { operator: parts[at].type, operands: [left, right] } };
    }
    default:
      return other;
  }
}

/** Analyses a contiguous run of sibling nodes as one expression (usually a single `expression` node). */
export function analyzeExpression(file: SourceFile, nodes: readonly SyntaxNode[]): TfExpression {
  const first = nodes[0];
  const last = nodes[nodes.length - 1];
  if (!first || !last) {
    return { kind: 'other', text: '', span: { file: file.path, line: 1, column: 1 }, constant: false, references: [] };
  }
  const shape = shapeOfNodes(file, nodes);
  return { ...shape, text: sourceOf(file, first, last), span: spanOf(file, first, last), references: referencesOf(file, nodes) };
}
