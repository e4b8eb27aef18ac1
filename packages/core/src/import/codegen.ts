/**
 * ts-morph code generation: a service file made of top-level statements whose
 * initializers are expression trees (see `expr.ts`). ts-morph is imported lazily: it
 * costs ~200 ms and only `import` and `init --from` need it.
 */
import { print, type Expr } from './expr.js';

export interface Statement {
  /** JSDoc lines above the statement. */
  readonly doc?: readonly string[];
  readonly kind: 'const' | 'export-const' | 'export-default';
  readonly name?: string;
  readonly expr: Expr;
}

export interface SourceParts {
  /** File comment lines. */
  readonly header: readonly string[];
  /** Named imports from `@vkmp/sdk`. */
  readonly imports: readonly string[];
  readonly statements: readonly Statement[];
}

type TsMorph = typeof import('ts-morph');
let tsMorph: Promise<TsMorph> | undefined;
const loadTsMorph = (): Promise<TsMorph> => (tsMorph ??= import('ts-morph'));

const docText = (line: string): string => line.replace(/\*\//g, '*\\/');

/** Renders a TypeScript module. */
export async function renderSource(parts: SourceParts): Promise<string> {
  const { Project, IndentationText, QuoteKind, NewLineKind } = await loadTsMorph();
  const project = new Project({
    useInMemoryFileSystem: true,
    manipulationSettings: { indentationText: IndentationText.TwoSpaces, quoteKind: QuoteKind.Single, newLineKind: NewLineKind.LineFeed },
  });
  const sf = project.createSourceFile('/service.ts', '');
  if (parts.header.length) {
    sf.addStatements((w) => {
      w.writeLine('/**');
      for (const line of parts.header) w.writeLine(line ? ` * ${docText(line)}` : ' *');
      w.write(' */');
    });
  }
  if (parts.imports.length) sf.addImportDeclaration({ moduleSpecifier: '@vkmp/sdk', namedImports: [...new Set(parts.imports)].sort() });
  for (const st of parts.statements) {
    sf.addStatements((w) => {
      w.newLine();
      if (st.doc?.length) {
        w.writeLine('/**');
        for (const line of st.doc) w.writeLine(line ? ` * ${docText(line)}` : ' *');
        w.writeLine(' */');
      }
      const head = st.kind === 'export-default' ? 'export default ' : `${st.kind === 'export-const' ? 'export ' : ''}const ${st.name} = `;
      w.write(head);
      print(w, st.expr, head.length, 1);
      w.write(';');
    });
  }
  let text = sf.getFullText();
  if (!text.endsWith('\n')) text += '\n';
  return text;
}
