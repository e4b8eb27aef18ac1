/**
 * YAML reader for the image-based service package (`service.yaml`, `plan.yaml`,
 * `parameters/*.yaml`, …).
 *
 * Reads YAML 1.2 (core schema) with the `yaml` package and reports, besides syntax
 * errors, what makes a file risky for the marketplace, whose JSON generator is most
 * probably PyYAML, a YAML 1.1 reader (SPEC §0.3): plain scalars that YAML 1.1 reads
 * differently (`yes`, `on`, `0777`, `1:30`, `2024-01-01`, …), duplicate keys, tabs used
 * for indentation, several documents in one file, and alias bombs.
 *
 * Spans and key spans use the JSON-pointer scheme of {@link parseJson}; positions are
 * 1-based, columns count UTF-16 code units, ends are exclusive, and a byte-order mark
 * is not counted.
 */
import { LineCounter, Scalar, isAlias, isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import type { Alias, Document, Node, Pair, YAMLError, YAMLMap, YAMLSeq } from 'yaml';
import type { Span } from '../diagnostics.js';
import type { ParseIssue, ParsedDocument } from './json.js';

/** Resource limits of {@link parseYaml}. */
export interface YamlLimits {
  /**
   * Most alias expansions allowed when converting to plain JS (the `yaml` package's
   * `maxAliasCount`: roughly, uses of an anchor times the aliases inside it), and most
   * alias nodes in the document. Default 100; -1 disables both checks (trusted input only).
   */
  maxAliasCount?: number;
  /** Largest document accepted, in UTF-8 bytes. Default 4 MiB (service-package files are a few KB). */
  maxDocumentBytes?: number;
}

const DEFAULT_MAX_ALIAS_COUNT = 100;
const DEFAULT_MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;
/** Most nodes visited while recording spans of values reached through aliases. */
const MAX_ALIAS_SPAN_NODES = 100_000;

/**
 * Parses `text` as one YAML 1.2 document (core schema) and returns its plain JS value
 * with spans. Never throws.
 *
 * Uses `parseDocument` of the `yaml` package with a `LineCounter`, `prettyErrors` (the
 * excerpt is dropped from messages: the span locates it) and `toJS({ maxAliasCount })`.
 * Duplicate keys are found here rather than with the package's `uniqueKeys`, whose check
 * is quadratic in the size of a mapping.
 *
 * Issue kinds:
 * - `bom` — a leading U+FEFF (ignored);
 * - `too-large` — the text exceeds `maxDocumentBytes`; nothing is parsed;
 * - `syntax` — a YAML error reported by the parser (also: an alias to an anchor that is
 *   not defined before it; that alias reads as null);
 * - `tab-indent` — a TAB used for indentation (YAML forbids it; PyYAML fails on it);
 * - `duplicate-key` — a key that repeats an earlier key of the same mapping, compared
 *   as JSON keys (so `1:` and `"1":` collide); reported at the second key, and the
 *   **first** value is kept;
 * - `multiple-documents` — more than one document (`---`); only the first is read;
 * - `alias-bomb` — aliases that expand beyond `maxAliasCount` ("billion laughs"), or
 *   more alias nodes than `maxAliasCount`: nothing is expanded and `value` is
 *   `undefined`; or an alias inside its own anchor (an infinitely deep value), which
 *   then reads as null;
 * - `yaml11-ambiguity` — a plain (unquoted) scalar, value or key, that YAML 1.1
 *   (PyYAML) reads differently from YAML 1.2: booleans `yes/no/on/off` (and `y/n` and
 *   other spellings, in any case), sexagesimal `1:30`, octal `0777` vs `0o777`, binary,
 *   `1_000`, exponents PyYAML does not accept (`1e3`), timestamps, `<<` and `=`. The
 *   message gives the source text and both readings; `value` keeps the YAML 1.2 reading;
 * - `tag` — a tag the core schema does not know (`!!python/object`, `!foo`); PyYAML's
 *   safe loader rejects such tags. The value is read as if untagged;
 * - `complex-key` — a collection used as a mapping key (JSON has none);
 * - `depth` — nesting too deep for the YAML parser.
 */
export function parseYaml(text: string, file: string, limits?: YamlLimits): ParsedDocument {
  const issues: ParseIssue[] = [];
  const spans = new Map<string, Span>();
  const keySpans = new Map<string, Span>();
  const result: ParsedDocument = { value: undefined, issues, spans, keySpans };
  if (text.charCodeAt(0) === 0xfeff) {
    text = text.slice(1);
    issues.push({
      kind: 'bom',
      message: 'the file starts with a byte-order mark (U+FEFF); SPEC §0.3 requires UTF-8 without BOM. It was ignored.',
      span: { file, line: 1, column: 1, endLine: 1, endColumn: 1 },
    });
  }
  const maxBytes = limits?.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) {
    issues.push({
      kind: 'too-large',
      message: `the YAML document is ${bytes} bytes, more than the limit of ${maxBytes}; it was not parsed`,
      span: { file, line: 1, column: 1, endLine: 1, endColumn: 1 },
    });
    return result;
  }
  const maxAliasCount = limits?.maxAliasCount ?? DEFAULT_MAX_ALIAS_COUNT;
  try {
    const reader = new YamlReader(text, file, maxAliasCount, result);
    reader.read();
    reader.sortIssues();
  } catch (e) {
    // The `yaml` package does not throw on bad input; this is a last line of defence.
    issues.push({
      kind: 'syntax',
      message: `the YAML parser failed: ${e instanceof Error ? e.message : String(e)}`,
      span: { file, line: 1, column: 1, endLine: 1, endColumn: 1 },
    });
    result.value = undefined;
  }
  return result;
}

const escapePointer = (key: string): string =>
  key.indexOf('~') < 0 && key.indexOf('/') < 0 ? key : key.replace(/~/g, '~0').replace(/\//g, '~1');

type YNode = Node | null | undefined;

/** A node to visit in document order, with how to replace it in its parent. */
interface Work {
  node: YNode;
  pointer: string;
  replace: ((node: Scalar) => void) | null;
}

class YamlReader {
  private readonly lineCounter = new LineCounter();
  private doc!: Document.Parsed;
  /** Anchor each alias resolves to (the last node with that anchor before it). */
  private readonly aliasTargets = new Map<Alias, Node>();
  /** Aliases kept after checks, with the pointer where they are used, in document order. */
  private readonly aliasUses: { alias: Alias; pointer: string }[] = [];

  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly maxAliasCount: number,
    private readonly result: ParsedDocument,
  ) {}

  read(): void {
    const doc = parseDocument(this.text, {
      lineCounter: this.lineCounter,
      version: '1.2',
      schema: 'core',
      merge: false,
      // The package's own duplicate check compares every key with every earlier key of
      // its map (a 250 KB flat map takes seconds): walk() finds duplicates in one pass,
      // comparing them as JSON keys, which also catches `1` vs `"1"`.
      uniqueKeys: false,
      prettyErrors: true,
      keepSourceTokens: false,
      logLevel: 'error',
    });
    this.doc = doc;
    for (const e of doc.errors) this.reportYamlError(e, false);
    for (const w of doc.warnings) this.reportYamlError(w, true);

    this.walk(doc.contents);

    // The `yaml` package resolves each alias by scanning all anchors and aliases before
    // it: quadratic in their number (20,000 aliases take ten seconds). More aliases than
    // maxAliasCount are therefore refused outright, as an expansion beyond it would be.
    if (this.maxAliasCount >= 0 && this.aliasUses.length > this.maxAliasCount) {
      this.issue(
        'alias-bomb',
        `the document uses ${this.aliasUses.length} aliases, more than maxAliasCount (${this.maxAliasCount}); it was not expanded and has no value`,
        this.nodeSpan(this.aliasUses[this.maxAliasCount].alias),
      );
      this.result.value = undefined;
      return;
    }

    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: this.maxAliasCount });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (/alias/i.test(message)) {
        this.reportAliasBomb();
      } else {
        this.issue('syntax', `the YAML document could not be converted to plain values: ${message}`, this.span(0, 0));
      }
      this.result.value = undefined;
      return;
    }
    this.result.value = value;
    this.recordAliasSpans();
  }

  /** Issues in document order (stable: equal positions keep the order of discovery). */
  sortIssues(): void {
    this.result.issues.sort((a, b) => a.span.line - b.span.line || a.span.column - b.span.column);
  }

  // ---- issues -------------------------------------------------------------------------

  private issue(kind: string, message: string, span: Span): void {
    this.result.issues.push({ kind, message, span });
  }

  private span(start: number, end: number): Span {
    const a = this.lineCounter.linePos(start);
    const b = this.lineCounter.linePos(Math.max(start, end));
    return { file: this.file, line: a.line, column: a.col, endLine: b.line, endColumn: b.col };
  }

  /** Span of a node: its range without trailing whitespace and line breaks. */
  private nodeSpan(node: Node): Span {
    const range = node.range;
    if (!range) return this.span(0, 0);
    const start = range[0];
    let end = range[1];
    const text = this.text;
    while (end > start) {
      const c = text.charCodeAt(end - 1);
      if (c === 32 || c === 9 || c === 10 || c === 13) end--;
      else break;
    }
    return this.span(start, end);
  }

  private reportYamlError(e: YAMLError, warning: boolean): void {
    const [start, end] = e.pos;
    // prettyErrors appends " at line L, column C:\n\n<excerpt>"; the span carries that.
    const message = e.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim();
    const span = this.span(start, end);
    switch (e.code) {
      case 'DUPLICATE_KEY':
        return; // reported by walk()
      case 'MULTIPLE_DOCS':
        this.issue(
          'multiple-documents',
          'the file contains more than one YAML document (a second `---` or content after `...`); only the first document was read',
          span,
        );
        return;
      case 'TAB_AS_INDENT':
        this.issue('tab-indent', 'a TAB character is used for indentation; YAML allows only spaces (use 2 spaces, SPEC §0.3)', span);
        return;
      case 'BAD_INDENT':
        if (this.lineIndentHasTab(start)) {
          this.issue('tab-indent', `a TAB character is used for indentation; YAML allows only spaces (${message})`, span);
          return;
        }
        break;
      case 'RESOURCE_EXHAUSTION':
        this.issue('depth', `the YAML document is nested too deeply to parse (${message})`, span);
        return;
      case 'TAG_RESOLVE_FAILED':
      case 'BAD_COLLECTION_TYPE':
        this.issue('tag', `${message}; PyYAML's safe loader rejects tags it does not know. The value was read as if untagged`, span);
        return;
    }
    this.issue('syntax', warning ? `${message} (warning)` : message, span);
  }

  /** Whether the leading whitespace of the line containing `offset` contains a TAB. */
  private lineIndentHasTab(offset: number): boolean {
    const text = this.text;
    let i = offset;
    while (i > 0 && text.charCodeAt(i - 1) !== 10) i--;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 9) return true;
      if (c !== 32) return false;
    }
    return false;
  }

  // ---- walk ---------------------------------------------------------------------------

  /**
   * Visits every node once in document order: records spans and key spans, checks plain
   * scalars, resolves aliases, and removes what `toJS` must not see (duplicate members,
   * unresolved and recursive aliases).
   */
  private walk(root: YNode): void {
    const { spans, keySpans } = this.result;
    const doc = this.doc;
    const anchors = new Map<string, Node>();
    if (!root) {
      spans.set('', this.span(0, 0));
      return;
    }
    const stack: Work[] = [{ node: root, pointer: '', replace: (n) => (doc.contents = n as unknown as typeof doc.contents) }];
    while (stack.length > 0) {
      const { node, pointer, replace } = stack.pop()!;
      if (!node) continue; // an empty value inside a collection: yaml gives a null Scalar
      if (isAlias(node)) {
        spans.set(pointer, this.nodeSpan(node));
        this.visitAlias(node, pointer, anchors, replace);
        continue;
      }
      if (node.anchor) anchors.set(node.anchor, node);
      spans.set(pointer, this.nodeSpan(node));
      if (isScalar(node)) {
        this.checkPlainScalar(node, false);
      } else if (isMap(node)) {
        const children = this.mapChildren(node as YAMLMap<unknown, unknown>, pointer, anchors, keySpans);
        for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
      } else if (isSeq(node)) {
        const seq = node as YAMLSeq<unknown>;
        for (let i = seq.items.length - 1; i >= 0; i--) {
          const item = seq.items[i];
          stack.push({
            node: isNodeLike(item) ? item : null,
            pointer: `${pointer}/${i}`,
            replace: (n) => (seq.items[i] = n),
          });
        }
      }
    }
  }

  private visitAlias(alias: Alias, pointer: string, anchors: Map<string, Node>, replace: Work['replace']): void {
    const target = anchors.get(alias.source);
    const span = this.nodeSpan(alias);
    if (!target) {
      this.issue('syntax', `alias *${alias.source} refers to no anchor &${alias.source} defined before it; read as null`, span);
      this.replaceWithNull(alias, replace);
      return;
    }
    const [ts, te] = target.range ?? [0, 0];
    const [as] = alias.range ?? [0, 0];
    if (as >= ts && as < te) {
      this.issue(
        'alias-bomb',
        `alias *${alias.source} is inside its own anchor &${alias.source}: the value would be infinitely deep; read as null`,
        span,
      );
      this.replaceWithNull(alias, replace);
      return;
    }
    this.aliasTargets.set(alias, target);
    this.aliasUses.push({ alias, pointer });
  }

  private replaceWithNull(node: Node, replace: Work['replace']): void {
    const n = new Scalar(null);
    n.range = node.range;
    replace?.(n);
  }

  /** Members of a mapping: records key spans, reports and drops duplicates, returns the values to visit. */
  private mapChildren(
    map: YAMLMap<unknown, unknown>,
    pointer: string,
    anchors: Map<string, Node>,
    keySpans: Map<string, Span>,
  ): Work[] {
    const seen = new Map<string, Pair<unknown, unknown>>();
    const kept: Pair<unknown, unknown>[] = [];
    const work: Work[] = [];
    for (const pair of map.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key;
      let key: string;
      if (keyNode === null || keyNode === undefined) {
        key = '';
      } else if (isScalar(keyNode)) {
        if (keyNode.anchor) anchors.set(keyNode.anchor, keyNode);
        this.checkPlainScalar(keyNode, true);
        key = jsonKey(keyNode.value);
      } else if (isAlias(keyNode)) {
        const target = anchors.get(keyNode.source);
        if (target && isScalar(target)) {
          key = jsonKey(target.value);
        } else {
          this.issue('complex-key', `the alias *${keyNode.source} used as a key does not refer to a scalar; JSON keys are strings`, this.nodeSpan(keyNode));
          kept.push(pair);
          continue;
        }
      } else {
        this.issue(
          'complex-key',
          'a collection is used as a mapping key; JSON has only string keys (the key was converted to text)',
          isNodeLike(keyNode) ? this.nodeSpan(keyNode) : this.nodeSpan(map),
        );
        kept.push(pair);
        if (isNodeLike(keyNode) && keyNode.anchor) anchors.set(keyNode.anchor, keyNode);
        continue;
      }
      const keySpan = isNodeLike(keyNode) ? this.nodeSpan(keyNode) : this.nodeSpan(map);
      const first = seen.get(key);
      if (first) {
        const firstKey = first.key;
        const at = isNodeLike(firstKey) ? this.nodeSpan(firstKey) : undefined;
        this.issue(
          'duplicate-key',
          `duplicate key ${JSON.stringify(key)}${at ? ` (first at line ${at.line}, column ${at.column})` : ''}; the first value is kept and this one is ignored`,
          keySpan,
        );
        continue;
      }
      seen.set(key, pair);
      kept.push(pair);
      const childPointer = `${pointer}/${escapePointer(key)}`;
      keySpans.set(childPointer, keySpan);
      const value = pair.value;
      if (isNodeLike(value)) {
        work.push({ node: value, pointer: childPointer, replace: (n) => (pair.value = n) });
      } else {
        // `key:` with nothing after it: yaml gives a null Scalar, but be safe.
        this.result.spans.set(childPointer, { ...keySpan, line: keySpan.endLine!, column: keySpan.endColumn! });
      }
    }
    if (kept.length !== map.items.length) map.items = kept;
    return work;
  }

  // ---- YAML 1.1 ambiguity -------------------------------------------------------------

  private checkPlainScalar(node: Scalar, isKey: boolean): void {
    if (node.type !== 'PLAIN' || node.tag) return;
    const source = node.source;
    if (typeof source !== 'string' || source.length === 0 || source.length > 64) return;
    const v12 = node.value;
    const v11 = yaml11Reading(source);
    const spelling = /^(?:y|n|yes|no|on|off)$/i.test(source);
    const differs = !sameReading(v11, v12);
    if (!differs && !spelling) return;
    const where = isKey ? 'plain key' : 'plain scalar';
    let message: string;
    if (differs) {
      message =
        `${where} \`${source}\`: YAML 1.2 reads ${describe12(v12)}, YAML 1.1 (PyYAML, probably the marketplace's generator) reads ${describe11(v11)}; ` +
        `quote it ("${source}") or write an unambiguous value`;
    } else if (/^[yYnN]$/.test(source)) {
      message =
        `${where} \`${source}\`: the YAML 1.1 specification reads ${/^[yY]$/.test(source) ? 'boolean true' : 'boolean false'} ` +
        `(PyYAML and YAML 1.2 read the string "${source}"); quote it ("${source}")`;
    } else {
      message =
        `${where} \`${source}\` is a spelling of a YAML 1.1 boolean (yes/no/on/off); YAML 1.2 and PyYAML read the string "${source}", ` +
        `case-insensitive YAML 1.1 readers a boolean; quote it ("${source}")`;
    }
    this.issue('yaml11-ambiguity', message, this.nodeSpan(node));
  }

  // ---- aliases ------------------------------------------------------------------------

  private reportAliasBomb(): void {
    // Point at the first alias whose anchor itself contains aliases (the amplifier),
    // or else at the first alias.
    let culprit: Alias | undefined;
    for (const { alias } of this.aliasUses) {
      const target = this.aliasTargets.get(alias);
      if (target && containsAlias(target)) {
        culprit = alias;
        break;
      }
    }
    culprit ??= this.aliasUses[0]?.alias;
    this.issue(
      'alias-bomb',
      `aliases expand to more than maxAliasCount (${this.maxAliasCount}) nodes ("billion laughs"); the document was not expanded and has no value`,
      culprit ? this.nodeSpan(culprit) : this.span(0, 0),
    );
  }

  /**
   * Spans of values reached through aliases: each such pointer gets the span of the
   * anchored node it copies. Runs only after `toJS` succeeded within `maxAliasCount`, and
   * stops after {@link MAX_ALIAS_SPAN_NODES} nodes (pointers beyond have no span).
   */
  private recordAliasSpans(): void {
    const { spans, keySpans } = this.result;
    let budget = MAX_ALIAS_SPAN_NODES;
    for (const { alias, pointer } of this.aliasUses) {
      const target = this.aliasTargets.get(alias);
      if (!target) continue;
      const stack: { node: Node; pointer: string }[] = [{ node: target, pointer }];
      while (stack.length > 0) {
        if (--budget < 0) return;
        const item = stack.pop()!;
        let node = item.node;
        if (isAlias(node)) {
          const t = this.aliasTargets.get(node);
          if (!t) continue;
          node = t;
        }
        if (item.pointer !== pointer) spans.set(item.pointer, this.nodeSpan(node));
        if (isMap(node)) {
          const seen = new Set<string>();
          const work: { node: Node; pointer: string }[] = [];
          for (const pair of (node as YAMLMap<unknown, unknown>).items) {
            const k = pair.key;
            let key: string | undefined;
            if (k === null || k === undefined) key = '';
            else if (isScalar(k)) key = jsonKey(k.value);
            else if (isAlias(k)) {
              const t = this.aliasTargets.get(k);
              if (t && isScalar(t)) key = jsonKey(t.value);
            }
            if (key === undefined || seen.has(key)) continue;
            seen.add(key);
            const childPointer = `${item.pointer}/${escapePointer(key)}`;
            if (isNodeLike(k)) keySpans.set(childPointer, this.nodeSpan(k));
            if (isNodeLike(pair.value)) work.push({ node: pair.value, pointer: childPointer });
          }
          for (let i = work.length - 1; i >= 0; i--) stack.push(work[i]);
        } else if (isSeq(node)) {
          const items = (node as YAMLSeq<unknown>).items;
          for (let i = items.length - 1; i >= 0; i--) {
            const it = items[i];
            if (isNodeLike(it)) stack.push({ node: it, pointer: `${item.pointer}/${i}` });
          }
        }
      }
    }
  }
}

function isNodeLike(x: unknown): x is Node {
  return typeof x === 'object' && x !== null && (isScalar(x) || isMap(x) || isSeq(x) || isAlias(x));
}

/** Whether `node` contains an alias (iterative). */
function containsAlias(node: Node): boolean {
  const stack: unknown[] = [node];
  while (stack.length > 0) {
    const n = stack.pop();
    if (isAlias(n)) return true;
    if (isMap(n)) for (const p of (n as YAMLMap<unknown, unknown>).items) stack.push(p.key, p.value);
    else if (isSeq(n)) for (const it of (n as YAMLSeq<unknown>).items) stack.push(it);
  }
  return false;
}

/** The JSON key `toJS` makes of a scalar key value. */
function jsonKey(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value) ?? '';
  return String(value);
}

// ---------------------------------------------------------------------------------------
// How PyYAML (YAML 1.1, `SafeLoader`) resolves a plain scalar: the implicit resolvers of
// pyyaml/lib/yaml/resolver.py and the constructors of constructor.py.

type Yaml11 =
  | { type: 'bool'; value: boolean }
  | { type: 'int' | 'float'; value: number }
  | { type: 'null' }
  | { type: 'timestamp' }
  | { type: 'merge' }
  | { type: 'value' }
  | { type: 'str' };

const PY_BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const PY_FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const PY_INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const PY_NULL = /^(?:~|null|Null|NULL|)$/;
const PY_TIMESTAMP =
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/;

function yaml11Reading(s: string): Yaml11 {
  if (PY_BOOL.test(s)) return { type: 'bool', value: /^(?:yes|true|on)$/i.test(s) };
  if (PY_INT.test(s)) return { type: 'int', value: pyInt(s) };
  if (PY_FLOAT.test(s)) return { type: 'float', value: pyFloat(s) };
  if (PY_NULL.test(s)) return { type: 'null' };
  if (PY_TIMESTAMP.test(s)) return { type: 'timestamp' };
  if (s === '<<') return { type: 'merge' };
  if (s === '=') return { type: 'value' };
  return { type: 'str' };
}

function sexagesimal(sign: number, s: string): number {
  let value = 0;
  for (const part of s.split(':')) value = value * 60 + Number(part);
  return sign * value;
}

function pyInt(src: string): number {
  let s = src.replace(/_/g, '');
  let sign = 1;
  if (s[0] === '-') sign = -1;
  if (s[0] === '-' || s[0] === '+') s = s.slice(1);
  if (s === '0') return 0;
  if (s.startsWith('0b')) return sign * parseInt(s.slice(2), 2);
  if (s.startsWith('0x')) return sign * parseInt(s.slice(2), 16);
  if (s[0] === '0') return sign * parseInt(s, 8);
  if (s.includes(':')) return sexagesimal(sign, s);
  return sign * parseInt(s, 10);
}

function pyFloat(src: string): number {
  let s = src.replace(/_/g, '').toLowerCase();
  let sign = 1;
  if (s[0] === '-') sign = -1;
  if (s[0] === '-' || s[0] === '+') s = s.slice(1);
  if (s === '.inf') return sign * Infinity;
  if (s === '.nan') return NaN;
  if (s.includes(':')) return sexagesimal(sign, s);
  return sign * Number(s);
}

function sameReading(v11: Yaml11, v12: unknown): boolean {
  switch (v11.type) {
    case 'bool':
      return v12 === v11.value;
    case 'int':
    case 'float':
      return typeof v12 === 'number' && (v12 === v11.value || (Number.isNaN(v12) && Number.isNaN(v11.value)));
    case 'null':
      return v12 === null;
    case 'str':
      return typeof v12 === 'string';
    default:
      return false; // timestamps, merge keys and `=` have no YAML 1.2 counterpart
  }
}

function describe11(v: Yaml11): string {
  switch (v.type) {
    case 'bool':
      return `the boolean ${v.value}`;
    case 'int':
      return `the integer ${v.value}`;
    case 'float':
      return `the float ${v.value}`;
    case 'null':
      return 'null';
    case 'timestamp':
      return 'a timestamp (a date, not a string)';
    case 'merge':
      return 'a merge key (`<<` copies the members of the mapping it names)';
    case 'value':
      return "the '=' value tag, which PyYAML's safe loader rejects";
    case 'str':
      return 'a string';
  }
}

function describe12(v: unknown): string {
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
  if (typeof v === 'boolean') return `the boolean ${v}`;
  if (typeof v === 'number') return Number.isInteger(v) ? `the integer ${v}` : `the number ${v}`;
  if (v === null) return 'null';
  return String(v);
}
