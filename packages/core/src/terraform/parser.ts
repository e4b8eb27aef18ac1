/**
 * Lazy tree-sitter HCL parser. Neither `web-tree-sitter` nor the grammar wasm is loaded
 * until the first parse; the Parser is then cached for the life of the process.
 *
 * The tree-sitter tree lives in wasm memory and every node access crosses into wasm, so
 * each tree is copied once into plain objects (`SyntaxNode`) with a TreeCursor and freed.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Parser as TsParser, TreeCursor } from 'web-tree-sitter';

/**
 * A plain copy of a tree-sitter node: `start`/`end` are UTF-16 offsets into the parsed text
 * (positions come from `SourceFile.spanAt`). Only what the analysis reads is copied, since
 * every cursor property read crosses into wasm.
 */
export interface SyntaxNode {
  readonly type: string;
  readonly named: boolean;
  readonly missing: boolean;
  readonly start: number;
  readonly end: number;
  readonly children: SyntaxNode[];
  parent: SyntaxNode | null;
}

/** The package and file of the grammar; the `terraform` dialect handles Terraform templates. */
const GRAMMAR_PACKAGE = '@tree-sitter-grammars/tree-sitter-hcl';
const GRAMMAR_WASM = 'tree-sitter-terraform.wasm';

let parserPromise: Promise<TsParser> | undefined;

async function createParser(): Promise<TsParser> {
  const { Parser, Language } = await import('web-tree-sitter');
  await Parser.init();
  const require = createRequire(import.meta.url);
  let wasmPath: string;
  try {
    wasmPath = require.resolve(`${GRAMMAR_PACKAGE}/${GRAMMAR_WASM}`);
  } catch (cause) {
    throw new Error(`Cannot find ${GRAMMAR_PACKAGE}/${GRAMMAR_WASM}; reinstall dependencies (npm ci).`, { cause });
  }
  const language = await Language.load(new Uint8Array(await readFile(wasmPath)));
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}

/** The shared parser, created on first use. A failed load is not cached, so a later call retries. */
export function getParser(): Promise<TsParser> {
  if (!parserPromise) {
    parserPromise = createParser().catch((error: unknown) => {
      parserPromise = undefined;
      throw error;
    });
  }
  return parserPromise;
}

/** Parses `text` and returns a plain copy of the tree, or undefined if tree-sitter gives no tree. */
export async function parseHcl(text: string): Promise<SyntaxNode | undefined> {
  const parser = await getParser();
  const tree = parser.parse(text);
  if (!tree) return undefined;
  try {
    const cursor = tree.walk();
    try {
      return copyTree(cursor);
    } finally {
      cursor.delete();
    }
  } finally {
    tree.delete();
  }
}

function nodeAtCursor(cursor: TreeCursor, parent: SyntaxNode | null): SyntaxNode {
  return {
    type: cursor.nodeType,
    named: cursor.nodeIsNamed,
    missing: cursor.nodeIsMissing,
    start: cursor.startIndex,
    end: cursor.endIndex,
    children: [],
    parent,
  };
}

/** Iterative pre-order copy (no recursion, so deeply nested input cannot overflow the stack). */
function copyTree(cursor: TreeCursor): SyntaxNode {
  const root = nodeAtCursor(cursor, null);
  let current = root;
  for (;;) {
    if (cursor.gotoFirstChild()) {
      const child = nodeAtCursor(cursor, current);
      current.children.push(child);
      current = child;
      continue;
    }
    for (;;) {
      if (cursor.gotoNextSibling()) {
        const parent = current.parent as SyntaxNode;
        const sibling = nodeAtCursor(cursor, parent);
        parent.children.push(sibling);
        current = sibling;
        break;
      }
      if (!cursor.gotoParent()) return root;
      current = current.parent as SyntaxNode;
    }
  }
}

/** Children without comments. */
export const significant = (node: SyntaxNode): SyntaxNode[] => node.children.filter((c) => c.type !== 'comment');

export const firstOfType = (node: SyntaxNode, type: string): SyntaxNode | undefined =>
  node.children.find((c) => c.type === type);
