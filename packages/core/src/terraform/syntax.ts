/**
 * HCL2 syntax errors of one file: tree-sitter ERROR and MISSING nodes, plus the rules of
 * the HCL native syntax that the tree-sitter grammar does not enforce (it treats newlines
 * as plain whitespace):
 *
 * - an argument or block ends with a newline (`image_id = 2a7a77db-…` reads as `2` followed
 *   by a second argument on the same line, which HCL rejects right there);
 * - a single-line block holds at most one argument, no nested block, and closes on its line;
 * - a quoted string closes on its own line; escapes are `\n \r \t \" \\ \uNNNN \UNNNNNNNN`;
 * - numbers are decimal (`0x10` is not HCL);
 * - an argument is set once per body.
 *
 * The first problem of a region is reported with its position; tree-sitter errors inside a
 * region already reported (a consequence of the same mistake) are dropped, and at most one
 * error is kept per line.
 */
import type { Span } from '../diagnostics.js';
import { decodeQuoted } from './expressions.js';
import type { LexicalProblem } from './lexical.js';
import { significant, type SyntaxNode } from './parser.js';
import { sourceOf, type SourceFile } from './source.js';
import type { TfParseError } from './types.js';

const MAX_ERRORS_PER_FILE = 20;
const HCL_NUMBER = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

interface Candidate {
  readonly start: number;
  readonly span: Span;
  readonly message: string;
}

/** Text of the line from `offset`, without a trailing comment, trimmed and shortened for messages. */
function restOfLine(text: string, offset: number, max = 60): string {
  const eol = text.indexOf('\n', offset);
  let line = text.slice(offset, eol < 0 ? text.length : eol).replace(/\r$/, '');
  const comment = /\s(#|\/\/).*$/.exec(line);
  if (comment) line = line.slice(0, comment.index);
  line = line.trim().replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '\ufffd');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** True when the text between two offsets contains a newline outside `/* … *\/` comments. */
function gapHasNewline(text: string, from: number, to: number): boolean {
  if (to <= from) return false;
  return text.slice(from, to).replace(/\/\*[\s\S]*?\*\//g, ' ').includes('\n');
}

function firstLeaf(node: SyntaxNode): SyntaxNode | undefined {
  if (node.children.length === 0) return node.end > node.start ? node : undefined;
  for (const c of node.children) {
    if (c.type === 'comment') continue;
    const leaf = firstLeaf(c);
    if (leaf) return leaf;
  }
  return undefined;
}

const MISSING_NAMES: Record<string, string> = {
  quoted_template_end: 'closing quote (")',
  heredoc_identifier: 'heredoc end marker',
  identifier: 'name',
  template_interpolation_end: '"}" closing "${"',
  template_directive_end: '"}" closing "%{"',
  block_end: '"}"',
  object_end: '"}"',
  tuple_end: '"]"',
  block_start: '"{"',
};

/**
 * The syntax errors of one parsed file. `lexical` are the problems found (and repaired) by
 * `scanHcl` before parsing; `file.text` is the repaired text the tree was parsed from.
 */
export function syntaxErrors(file: SourceFile, root: SyntaxNode, lexical: readonly LexicalProblem[] = []): TfParseError[] {
  const { text } = file;
  const own: Candidate[] = [];
  const treeSitter: Candidate[] = [];
  /** Regions already explained by an own error: tree-sitter errors inside them are consequences. */
  const flagged: [number, number][] = [];

  const spanAt = (start: number, end: number): Span => file.spanAt(start, end);
  /** A span from `start` to the end of the node or of the line, whichever comes first. */
  const spanOnLine = (start: number, end: number): Span => {
    const eol = text.indexOf('\n', start);
    return spanAt(start, eol >= 0 && eol < end ? eol : end);
  };
  const report = (start: number, end: number, message: string, flag?: SyntaxNode): void => {
    own.push({ start, span: spanOnLine(start, end), message });
    if (flag) flagged.push([flag.start, Math.max(flag.end, flag.start + 1)]);
  };

  for (const p of lexical) {
    own.push({ start: p.start, span: spanAt(p.start, p.end), message: p.message });
    flagged.push([p.start, p.toEnd ? text.length + 1 : p.end + 1]);
  }

  const nameOf = (item: SyntaxNode): string => {
    const ident = item.children.find((c) => c.type === 'identifier');
    return ident ? sourceOf(file, ident) : '';
  };

  /** What to do when `offset` continues the line of argument `attribute`. */
  const afterArgumentHint = (attribute: SyntaxNode, offset: number): string => {
    const value = attribute.children.find((c) => c.type === 'expression');
    if (offset === attribute.end && value) {
      const whole = restOfLine(text, value.start, 200).replace(/^"|"$/g, '');
      return ` If it is one value, quote it: ${nameOf(attribute)} = "${whole}".`;
    }
    return ' Put each argument on its own line.';
  };

  /** The argument that ends on the line of `offset`, with only spaces between its end and `offset`. */
  const argumentBefore = (offset: number): SyntaxNode | undefined => {
    let found: SyntaxNode | undefined;
    const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
    const visit = (node: SyntaxNode): void => {
      if (node.start > offset || node.end < lineStart) return;
      if (node.type === 'attribute' && node.end <= offset && /^[ \t]*$/.test(text.slice(node.end, offset))) found = node;
      for (const c of node.children) if (c.start <= offset) visit(c);
    };
    visit(root);
    return found;
  };

  /** `resource "a" "b"`: a block's type and labels as written, for messages. */
  const describeBlock = (block: SyntaxNode | undefined): string => {
    if (!block) return '';
    const parts: string[] = [];
    for (const c of block.children) {
      if (c.type === 'block_start') break;
      if (c.type === 'identifier' || c.type === 'string_lit') parts.push(sourceOf(file, c));
    }
    return parts.join(' ');
  };

  /** Whether a node contains a tree-sitter error; its extent is then unreliable. */
  const broken = new Map<SyntaxNode, boolean>();
  const isBroken = (node: SyntaxNode): boolean => {
    const known = broken.get(node);
    if (known !== undefined) return known;
    const value = node.type === 'ERROR' || node.missing || node.children.some(isBroken);
    broken.set(node, value);
    return value;
  };

  const checkBody = (body: SyntaxNode): void => {
    const items = significant(body).filter((c) => c.type === 'attribute' || c.type === 'block');
    const block = body.parent && body.parent.type === 'block' ? body.parent : undefined;
    const open = block?.children.find((c) => c.type === 'block_start');
    const close = block?.children.find((c) => c.type === 'block_end' && !c.missing);

    // Duplicate arguments.
    const seen = new Map<string, SyntaxNode>();
    for (const item of items) {
      if (item.type !== 'attribute') continue;
      const name = nameOf(item);
      const previous = seen.get(name);
      if (previous) {
        report(item.start, item.end, `Argument "${name}" is set twice in the same block; it was already set on line ${file.spanAt(previous.start, previous.end).line}. Keep one definition.`);
      } else seen.set(name, item);
    }
    if (items.length === 0) return;

    const singleLine = open !== undefined && !gapHasNewline(text, open.end, items[0].start);
    if (singleLine) {
      const blockName = describeBlock(block);
      if (items[0].type === 'block') {
        report(items[0].start, items[0].end, `A single-line block can contain only one argument: put the nested block "${nameOf(items[0])}" of ${blockName} on its own line, after a newline following "{".`, items[0]);
        return;
      }
      if (items.length > 1) {
        report(items[1].start, items[1].end, `A single-line block can contain only one argument: "${restOfLine(text, items[1].start)}" follows "${nameOf(items[0])}" on the same line. Put each argument of ${blockName} on its own line.`, items[1]);
        return;
      }
      if (close && gapHasNewline(text, items[0].end, close.start) && !isBroken(items[0])) {
        report(close.start, close.end, `A single-line block must end with "}" right after its argument: move "${nameOf(items[0])}" of ${blockName} to its own line after "{", or close the block on line ${file.spanAt(items[0].end, items[0].end).line}.`);
      }
      return;
    }

    for (let i = 1; i < items.length; i++) {
      const prev = items[i - 1];
      const next = items[i];
      if (gapHasNewline(text, prev.end, next.start) || isBroken(prev)) continue;
      const found = restOfLine(text, next.start);
      if (prev.type === 'attribute') {
        report(next.start, next.end, `Missing newline after argument "${nameOf(prev)}": "${found}" follows on the same line, but an argument must end with a newline.${afterArgumentHint(prev, next.start)}`, next);
      } else {
        report(next.start, next.end, `Missing newline after block ${describeBlock(prev)}: "${found}" follows its closing "}" on the same line. Start it on a new line.`, next);
      }
    }
    const last = items[items.length - 1];
    if (close && !gapHasNewline(text, last.end, close.start) && !isBroken(last)) {
      const what = last.type === 'attribute' ? `argument "${nameOf(last)}"` : `block ${describeBlock(last)}`;
      report(close.start, close.end, `Missing newline after ${what}: the closing "}" of ${describeBlock(block)} must be on its own line (or write the whole block on one line with a single argument).`);
    }
  };

  const checkQuotedLiteral = (literal: SyntaxNode, quoted: SyntaxNode | undefined): void => {
    const raw = sourceOf(file, literal);
    const newline = raw.indexOf('\n');
    if (newline >= 0 && quoted) {
      report(quoted.start, quoted.start + 1 + Math.max(0, raw.slice(0, newline).replace(/\r$/, '').length), `Unterminated string: a quoted string must close on the line it starts. Add the closing quote, write \\n for a line break, or use a heredoc (<<-EOT … EOT) for multi-line text.`, quoted);
      return;
    }
    for (const p of decodeQuoted(raw, literal.start).problems) report(p.offset, p.offset + p.length, p.message);
  };

  const treeSitterError = (node: SyntaxNode): void => {
    if (node.missing) {
      const block = node.parent?.type === 'block_end' ? node.parent.parent : node.type === 'block_end' ? node.parent : null;
      const open = block?.children.find((c) => c.type === 'block_start');
      if (block && open) {
        // Point at the block left open, not at the end of the file where the brace is missing.
        treeSitter.push({
          start: node.start,
          span: spanAt(open.start, open.end),
          message: `Unclosed block ${describeBlock(block)}: no "}" closes the "{" on line ${file.spanAt(open.start, open.end).line}. Add the closing brace.`,
        });
        return;
      }
      let at = node.start;
      while (at > 0 && /\s/.test(text[at - 1])) at--;
      const name = MISSING_NAMES[node.type] ?? `"${node.type}"`;
      treeSitter.push({ start: node.start, span: spanAt(at, at), message: `Syntax error: missing ${name}.` });
      return;
    }
    const parent = node.parent;
    const siblings = parent ? parent.children : [];
    const index = siblings.indexOf(node);
    const before = index > 0 ? siblings[index - 1] : undefined;
    let message: string;
    if (parent && parent.type === 'attribute' && before && before.type === '=') {
      message = `Invalid value for argument "${nameOf(parent)}": "${restOfLine(text, node.start)}" is not a valid HCL expression. Quote text values: ${nameOf(parent)} = "…".`;
    } else if (parent && parent.type === 'config_file' && text.slice(node.start, node.end).trim() === '}') {
      message = 'Syntax error: unexpected "}" with no open block to close. Check the braces above.';
    } else {
      const leaf = firstLeaf(node);
      const previous = leaf ? argumentBefore(leaf.start) : undefined;
      if (leaf && previous) {
        message = `Unexpected "${restOfLine(text, leaf.start, 40)}" after the value of argument "${nameOf(previous)}" on the same line.${afterArgumentHint(previous, leaf.start)}`;
      } else {
        message = leaf ? `Syntax error: unexpected "${restOfLine(text, leaf.start, 40)}".` : 'Syntax error.';
      }
    }
    treeSitter.push({ start: node.start, span: spanOnLine(node.start, node.end), message });
  };

  // Iterative walk; `quoted` is the innermost quoted string whose literal text is being visited.
  const stack: [SyntaxNode, SyntaxNode | undefined][] = [[root, undefined]];
  while (stack.length > 0) {
    const [node, quotedContext] = stack.pop() as [SyntaxNode, SyntaxNode | undefined];
    if (node.type === 'ERROR' || node.missing) {
      treeSitterError(node);
      continue;
    }
    let quoted = quotedContext;
    switch (node.type) {
      case 'config_file':
        for (const c of node.children) {
          if (c.type === 'object') report(c.start, c.end, 'A .tf file holds blocks and arguments (resource "type" "name" { … }), not a JSON object; JSON configuration belongs in a .tf.json file.', c);
        }
        break;
      case 'body':
        checkBody(node);
        break;
      case 'numeric_lit': {
        const raw = sourceOf(file, node);
        if (!HCL_NUMBER.test(raw)) {
          const asNumber = Number(raw);
          report(node.start, node.end, `"${raw}" is not an HCL number; write it in decimal${Number.isFinite(asNumber) ? ` (${asNumber})` : ''}.`);
        }
        break;
      }
      case 'string_lit':
      case 'quoted_template':
        quoted = node;
        break;
      case 'heredoc_template':
      case 'expression':
        quoted = undefined;
        break;
      case 'template_literal':
        if (quoted) checkQuotedLiteral(node, quoted);
        break;
      default:
        break;
    }
    for (let i = node.children.length - 1; i >= 0; i--) stack.push([node.children[i], quoted]);
  }

  // After the first tree-sitter error the tree's recovery is guesswork (braces get re-paired,
  // blocks end early), so later tree-sitter errors are mostly echoes of the first: keep one.
  const kept = treeSitter
    .filter((c) => !flagged.some(([a, b]) => c.start >= a && c.start < b))
    .sort((a, b) => a.start - b.start)
    .slice(0, 1);
  const all = [...own, ...kept].sort((a, b) => a.span.line - b.span.line || a.span.column - b.span.column);
  const out: TfParseError[] = [];
  let lastLine = 0;
  for (const c of all) {
    if (c.span.line === lastLine) continue;
    lastLine = c.span.line;
    out.push({ kind: 'syntax', message: c.message, span: c.span });
    if (out.length === MAX_ERRORS_PER_FILE) break;
  }
  return out;
}
