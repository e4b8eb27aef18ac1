/**
 * `parseTerraformFiles`: parses a plan's `deployment/*.tf` files with tree-sitter (HCL2,
 * Terraform dialect) and collects what the IB rules need (SPEC §C.10, IB-089…IB-106).
 * It never throws for bad input: syntax and structure problems become `parseErrors`.
 */
import type { Span } from '../diagnostics.js';
import { analyzeExpression, compactText, stringLiteralValue } from './expressions.js';
import { parseHcl, significant, type SyntaxNode } from './parser.js';
import { scanHcl } from './lexical.js';
import { createSourceFile, sourceOf, spanOf, type SourceFile } from './source.js';
import { syntaxErrors } from './syntax.js';
import type {
  TerraformModule,
  TfAttribute,
  TfBlock,
  TfBody,
  TfOutput,
  TfParseError,
  TfProvider,
  TfResource,
  TfSettingsBlock,
  TfVariable,
} from './types.js';

/** Top-level block types and their label counts (Terraform language). */
const TOP_LEVEL_LABELS: Record<string, number> = {
  terraform: 0,
  provider: 1,
  variable: 1,
  locals: 0,
  output: 1,
  resource: 2,
  data: 2,
  module: 1,
  moved: 0,
  import: 0,
  removed: 0,
  check: 1,
  ephemeral: 2,
};

const LABEL_EXAMPLES: Record<string, string> = {
  provider: 'provider "vkcs" { … }',
  variable: 'variable "flavor" { type = string }',
  output: 'output "address" { value = … }',
  resource: 'resource "vkcs_compute_instance" "vm" { … }',
  data: 'data "vkcs_networking_subnet" "subnet" { … }',
  module: 'module "name" { source = … }',
  check: 'check "name" { … }',
  ephemeral: 'ephemeral "type" "name" { … }',
};

interface BuiltBody extends TfBody {
  /** The value nodes of each argument, for checks that need the syntax tree (type constraints). */
  readonly valueNodes: ReadonlyMap<string, readonly SyntaxNode[]>;
}

function identifierText(file: SourceFile, node: SyntaxNode): string {
  const ident = node.children.find((c) => c.type === 'identifier');
  return ident ? sourceOf(file, ident) : '';
}

function buildAttribute(file: SourceFile, node: SyntaxNode): { attribute: TfAttribute; valueNodes: SyntaxNode[] } | undefined {
  const parts = significant(node);
  const nameNode = parts[0];
  const eq = parts.findIndex((c) => c.type === '=');
  if (!nameNode || nameNode.type !== 'identifier' || eq < 0) return undefined;
  const valueNodes = parts.slice(eq + 1);
  const expression = analyzeExpression(file, valueNodes.length > 0 ? valueNodes : [parts[eq]]);
  const attribute: TfAttribute = {
    ...expression,
    ...(valueNodes.length === 0 ? { text: '', kind: 'other' as const, constant: false, references: [] } : {}),
    name: sourceOf(file, nameNode),
    nameSpan: spanOf(file, nameNode),
    itemSpan: spanOf(file, node),
  };
  return { attribute, valueNodes };
}

function buildBody(file: SourceFile, body: SyntaxNode | undefined): BuiltBody {
  const attributes: Record<string, TfAttribute> = Object.create(null);
  const blocks: Record<string, TfBlock[]> = Object.create(null);
  const valueNodes = new Map<string, SyntaxNode[]>();
  if (body) {
    for (const item of body.children) {
      if (item.type === 'attribute') {
        const built = buildAttribute(file, item);
        if (!built || Object.hasOwn(attributes, built.attribute.name)) continue;
        attributes[built.attribute.name] = built.attribute;
        valueNodes.set(built.attribute.name, built.valueNodes);
      } else if (item.type === 'block') {
        const block = buildBlock(file, item);
        (blocks[block.type] ??= []).push(block);
      }
    }
  }
  return { attributes, blocks, valueNodes };
}

function buildBlock(file: SourceFile, node: SyntaxNode): TfBlock & { readonly body: BuiltBody } {
  // The grammar always starts a block with its type identifier; fall back to the node itself.
  const typeNode = node.children.find((c) => c.type === 'identifier') ?? node;
  const labels: string[] = [];
  const labelSpans: Span[] = [];
  for (const c of node.children) {
    if (c === typeNode || c.type === 'comment') continue;
    if (c.type === 'block_start') break;
    if (c.type === 'string_lit') labels.push(stringLiteralValue(file, c));
    else if (c.type === 'identifier') labels.push(sourceOf(file, c));
    else continue;
    labelSpans.push(spanOf(file, c));
  }
  const body = buildBody(file, node.children.find((c) => c.type === 'body'));
  return {
    type: sourceOf(file, typeNode),
    labels,
    labelSpans,
    span: spanOf(file, node),
    typeSpan: spanOf(file, typeNode),
    attributes: body.attributes,
    blocks: body.blocks,
    body,
  };
}

const literalBool = (a: TfAttribute | undefined): boolean | undefined => (a && typeof a.literal === 'boolean' ? a.literal : undefined);
const literalString = (a: TfAttribute | undefined): string | undefined => (a && typeof a.literal === 'string' ? a.literal : undefined);
const attr = (body: TfBody, name: string): TfAttribute | undefined => (Object.hasOwn(body.attributes, name) ? body.attributes[name] : undefined);

interface FileResult {
  variables: TfVariable[];
  outputs: TfOutput[];
  resources: TfResource[];
  data: TfResource[];
  locals: TfAttribute[];
  providers: TfProvider[];
  terraform: TfSettingsBlock[];
  otherBlocks: TfBlock[];
  errors: TfParseError[];
  /** No syntax errors: the items are reliable enough for cross-file duplicate checks. */
  valid: boolean;
}

async function parseFile(path: string, rawText: string): Promise<FileResult> {
  // A BOM is not part of the first line for editors; repairs of unclosed strings, heredocs and
  // comments (see lexical.ts) keep line numbers, so spans still match the file.
  const original = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
  const lexical = scanHcl(original);
  const text = lexical.text;
  const file: SourceFile = createSourceFile(path, original, text, lexical.edits);
  const result: FileResult = { variables: [], outputs: [], resources: [], data: [], locals: [], providers: [], terraform: [], otherBlocks: [], errors: [], valid: false };
  const root = await parseHcl(text);
  if (!root) {
    result.errors.push({ kind: 'syntax', message: 'The file could not be parsed as HCL.', span: { file: path, line: 1, column: 1 } });
    return result;
  }
  result.errors.push(...syntaxErrors(file, root, lexical.problems));
  result.valid = result.errors.length === 0;

  // In a file with syntax errors the tree's recovery may move items between blocks, so
  // structure errors would mostly be echoes: report them only for files that parse.
  const structure = (message: string, span: Span): void => {
    if (result.valid) result.errors.push({ kind: 'structure', message, span });
  };

  const body = root.children.find((c) => c.type === 'body');
  if (!body) return result;
  for (const item of body.children) {
    if (item.type === 'attribute') {
      const name = identifierText(file, item);
      structure(`Unexpected argument "${name}" at the top level of a .tf file: arguments belong inside a block (for a named value, use locals { ${name} = … }).`, spanOf(file, item));
      continue;
    }
    if (item.type !== 'block') continue;
    const block = buildBlock(file, item);
    const expected = Object.hasOwn(TOP_LEVEL_LABELS, block.type) ? TOP_LEVEL_LABELS[block.type] : undefined;
    if (expected === undefined) {
      structure(
        `Unsupported block type "${block.type}": a .tf file contains terraform, provider, variable, locals, output, resource, data and module blocks.`,
        block.typeSpan,
      );
      continue;
    }
    if (block.labels.length !== expected) {
      const want = expected === 0 ? 'no labels' : expected === 1 ? 'exactly one label' : `exactly ${expected} labels`;
      const example = LABEL_EXAMPLES[block.type] ? `: ${LABEL_EXAMPLES[block.type]}` : '';
      structure(`A ${block.type} block takes ${want}, but this one has ${block.labels.length}${example}.`, block.labels.length > 0 ? block.labelSpans[0] : block.typeSpan);
      continue;
    }
    const common = { attributes: block.attributes, blocks: block.blocks };
    switch (block.type) {
      case 'variable': {
        const typeAttribute = attr(block, 'type');
        const typeNodes = block.body.valueNodes.get('type') ?? [];
        const defaultAttribute = attr(block, 'default');
        const description = literalString(attr(block, 'description'));
        const sensitive = literalBool(attr(block, 'sensitive'));
        result.variables.push({
          ...common,
          name: block.labels[0],
          span: block.span,
          nameSpan: block.labelSpans[0],
          ...(typeAttribute ? { type: typeNodes.map((n) => compactText(file, n)).join(''), typeAttribute } : {}),
          hasDefault: defaultAttribute !== undefined,
          ...(defaultAttribute ? { defaultAttribute } : {}),
          ...(defaultAttribute && defaultAttribute.constant ? { default: defaultAttribute.value } : {}),
          ...(sensitive !== undefined ? { sensitive } : {}),
          ...(description !== undefined ? { description } : {}),
        });
        break;
      }
      case 'output': {
        const value = attr(block, 'value');
        const sensitiveAttribute = attr(block, 'sensitive');
        const sensitive = literalBool(sensitiveAttribute);
        const description = literalString(attr(block, 'description'));
        result.outputs.push({
          ...common,
          name: block.labels[0],
          span: block.span,
          nameSpan: block.labelSpans[0],
          ...(value ? { value, valueText: value.text } : {}),
          ...(sensitiveAttribute ? { sensitiveAttribute } : {}),
          ...(sensitive !== undefined ? { sensitive } : {}),
          ...(description !== undefined ? { description } : {}),
        });
        break;
      }
      case 'resource':
      case 'data': {
        const count = attr(block, 'count');
        const forEach = attr(block, 'for_each');
        const mode = block.type === 'data' ? 'data' : 'managed';
        const [type, name] = block.labels;
        const resource: TfResource = {
          ...common,
          mode,
          type,
          name,
          address: mode === 'data' ? `data.${type}.${name}` : `${type}.${name}`,
          span: block.span,
          typeSpan: block.labelSpans[0],
          nameSpan: block.labelSpans[1],
          hasCount: count !== undefined,
          hasForEach: forEach !== undefined,
          ...(count ? { count } : {}),
          ...(forEach ? { forEach } : {}),
        };
        (mode === 'data' ? result.data : result.resources).push(resource);
        break;
      }
      case 'locals':
        for (const name of Object.keys(block.attributes)) result.locals.push(block.attributes[name]);
        for (const type of Object.keys(block.blocks)) {
          for (const nested of block.blocks[type]) structure(`A locals block holds only arguments (name = value), not nested blocks such as "${type}".`, nested.typeSpan);
        }
        break;
      case 'provider': {
        const alias = literalString(attr(block, 'alias'));
        result.providers.push({ ...common, name: block.labels[0], span: block.span, nameSpan: block.labelSpans[0], ...(alias !== undefined ? { alias } : {}) });
        break;
      }
      case 'terraform':
        result.terraform.push({ ...common, span: block.span });
        break;
      default: {
        const { body: _body, ...plain } = block;
        result.otherBlocks.push(plain);
      }
    }
  }
  return result;
}

const where = (span: Span): string => `${span.file}:${span.line}`;

function duplicates<T>(items: readonly T[], key: (item: T) => string, span: (item: T) => Span, what: (item: T) => string): TfParseError[] {
  const seen = new Map<string, T>();
  const out: TfParseError[] = [];
  for (const item of items) {
    const k = key(item);
    const first = seen.get(k);
    if (first === undefined) seen.set(k, item);
    else out.push({ kind: 'structure', message: `Duplicate ${what(item)}: already declared at ${where(span(first))}. Remove or rename one of them.`, span: span(item) });
  }
  return out;
}

/**
 * Parses the `.tf` files of one Terraform module (a plan's `deployment/` directory). Each
 * span's `file` is the path given here. Rejects only if the parser itself cannot be loaded.
 */
export async function parseTerraformFiles(files: readonly { path: string; text: string }[]): Promise<TerraformModule> {
  const results: FileResult[] = [];
  for (const f of files) results.push(await parseFile(f.path, f.text));
  type ListKey = Exclude<keyof FileResult, 'valid'>;
  const pick = <K extends ListKey>(key: K): FileResult[K][number][] => results.flatMap((r): FileResult[K][number][] => r[key]);
  const variables = pick('variables');
  const outputs = pick('outputs');
  const resources = pick('resources');
  const data = pick('data');
  const locals = pick('locals');
  const providers = pick('providers');

  const order = new Map(files.map((f, i) => [f.path, i] as const));
  // Duplicates only among files that parse (see `FileResult.valid`).
  const valid = results.filter((r) => r.valid);
  const parseErrors = [
    ...pick('errors'),
    ...duplicates(valid.flatMap((r) => r.variables), (v) => v.name, (v) => v.nameSpan, (v) => `variable "${v.name}"`),
    ...duplicates(valid.flatMap((r) => r.outputs), (o) => o.name, (o) => o.nameSpan, (o) => `output "${o.name}"`),
    ...duplicates(valid.flatMap((r) => r.resources), (r) => r.address, (r) => r.nameSpan, (r) => `resource "${r.type}" "${r.name}"`),
    ...duplicates(valid.flatMap((r) => r.data), (r) => r.address, (r) => r.nameSpan, (r) => `data "${r.type}" "${r.name}"`),
    ...duplicates(valid.flatMap((r) => r.locals), (l) => l.name, (l) => l.nameSpan, (l) => `local value "${l.name}"`),
    ...duplicates(valid.flatMap((r) => r.providers), (p) => `${p.name}\u0000${p.alias ?? ''}`, (p) => p.nameSpan, (p) => `provider "${p.name}"${p.alias ? ` with alias "${p.alias}"` : ''}`),
  ].sort(
    (a, b) =>
      (order.get(a.span.file) ?? 0) - (order.get(b.span.file) ?? 0) || a.span.line - b.span.line || a.span.column - b.span.column,
  );

  return {
    files: files.map((f) => f.path),
    variables,
    outputs,
    resources,
    data,
    locals,
    providers,
    terraform: pick('terraform'),
    otherBlocks: pick('otherBlocks'),
    parseErrors,
  };
}
