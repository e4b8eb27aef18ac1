/**
 * `vkmp diff --bump`: rewrites the revision strings that must change in the vendor's
 * TypeScript sources. Only the string literals change; every other byte of the file
 * stays as it was (the literal keeps its quote style). ts-morph locates the literal:
 * the `revision:` property of the object literal (`saas.plan({...})`,
 * `saas.service({...})`, …) whose `id` is the plan's or service's id, nearest to the
 * DSL call the IR span points at. ts-morph is imported lazily (it costs ~200 ms).
 */
import { readFileSync, renameSync, rmSync, writeFileSync, statSync } from 'node:fs';
import type { RevisionBump } from './revisions.js';

export interface BumpEdit {
  file: string;
  /** 1-based line and column of the literal. */
  line: number;
  column: number;
  target: RevisionBump['target'];
  serviceName: string;
  serviceId: string;
  planId?: string;
  planName?: string;
  old: string;
  new: string;
}

export interface BumpFailure {
  bump: RevisionBump;
  reason: string;
}

export interface BumpResult {
  edits: BumpEdit[];
  failures: BumpFailure[];
}

/** Quotes `value` with the literal's own quote character. */
function quote(value: string, q: string): string {
  if (q === '`') return `\`${value.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${')}\``;
  const escaped = value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
  return q + escaped.split(q).join(`\\${q}`) + q;
}

/**
 * Applies revision bumps to source files (or only computes them with `dryRun`). A bump
 * whose literal cannot be found, or whose `revision` is not a plain string literal, is
 * a failure with the reason; the file is left untouched for it.
 */
export async function applyRevisionBumps(bumps: readonly RevisionBump[], options: { dryRun?: boolean } = {}): Promise<BumpResult> {
  const result: BumpResult = { edits: [], failures: [] };
  const byFile = new Map<string, RevisionBump[]>();
  for (const b of bumps) {
    const file = b.node?.span?.file;
    if (!file) {
      result.failures.push({ bump: b, reason: 'it does not come from a TypeScript source (the head is an artifact); edit the revision by hand' });
      continue;
    }
    byFile.set(file, [...(byFile.get(file) ?? []), b]);
  }
  if (!byFile.size) return result;
  const { Project, SyntaxKind, Node } = await import('ts-morph');
  const project = new Project({ useInMemoryFileSystem: true, skipAddingFilesFromTsConfig: true, compilerOptions: { allowJs: true } });

  for (const [file, list] of byFile) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      for (const b of list) result.failures.push({ bump: b, reason: `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
      continue;
    }
    const ext = /\.(c|m)?(t|j)sx?$/.exec(file)?.[0] ?? '.ts';
    const sf = project.createSourceFile(`/vkmp-bump-${result.edits.length}-${Math.random().toString(36).slice(2)}${ext}`, text, { overwrite: true });
    const lineStarts: number[] = [0];
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
    const posOf = (line: number, column: number) => (lineStarts[line - 1] ?? text.length) + column - 1;
    const lineColOf = (pos: number) => {
      let lo = 0;
      let hi = lineStarts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (lineStarts[mid]! <= pos) lo = mid;
        else hi = mid - 1;
      }
      return { line: lo + 1, column: pos - lineStarts[lo]! + 1 };
    };

    type Literal = { start: number; end: number; value: string; quote: string };
    const literalOf = (node: import('ts-morph').Node | undefined): Literal | undefined => {
      if (!node) return undefined;
      if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) {
        return { start: node.getStart(), end: node.getEnd(), value: node.getLiteralValue(), quote: node.getText()[0]! };
      }
      return undefined;
    };
    const propInit = (obj: import('ts-morph').ObjectLiteralExpression, name: string) => {
      const prop = obj.getProperty(name) ?? obj.getProperty(`'${name}'`) ?? obj.getProperty(`"${name}"`);
      return prop && Node.isPropertyAssignment(prop) ? prop.getInitializer() : undefined;
    };
    const objects = sf.getDescendantsOfKind(SyntaxKind.ObjectLiteralExpression).filter((o) => propInit(o, 'revision') !== undefined);
    const replacements: { start: number; end: number; text: string }[] = [];

    for (const b of list) {
      const id = b.target === 'plan' ? b.planId! : b.serviceId;
      const span = b.node!.span!;
      const at = posOf(span.line, span.column);
      const withId = objects.filter((o) => literalOf(propInit(o, 'id'))?.value === id);
      // Several literals with this id (a service kept in two sections): the one at or after the DSL call.
      const distance = (o: (typeof objects)[number]) => {
        const s = o.getStart();
        const e = o.getEnd();
        return at >= s && at <= e ? 0 : s >= at ? s - at : at - s + 1e9;
      };
      let candidates = withId;
      if (!candidates.length) {
        // The id is not a literal (a constant, an import): the object literal of the DSL call itself.
        candidates = objects.filter((o) => {
          const call = o.getParentIfKind(SyntaxKind.CallExpression);
          return call !== undefined && call.getStartLineNumber() === span.line;
        });
      }
      const obj = [...candidates].sort((x, y) => distance(x) - distance(y))[0];
      if (!obj) {
        result.failures.push({ bump: b, reason: `no object literal with id ${JSON.stringify(id)} and a revision property in ${file}` });
        continue;
      }
      const init = propInit(obj, 'revision');
      const lit = literalOf(init);
      if (!lit) {
        const where = lineColOf(init!.getStart());
        result.failures.push({ bump: b, reason: `revision at ${file}:${where.line}:${where.column} is not a string literal (${init!.getText().slice(0, 40)}); set it to ${JSON.stringify(b.suggested)} by hand` });
        continue;
      }
      if (lit.value !== b.current) {
        const where = lineColOf(lit.start);
        result.failures.push({ bump: b, reason: `revision at ${file}:${where.line}:${where.column} is ${JSON.stringify(lit.value)}, expected ${JSON.stringify(b.current)}; the file changed since it was loaded` });
        continue;
      }
      if (replacements.some((r) => r.start === lit.start)) continue;
      replacements.push({ start: lit.start, end: lit.end, text: quote(b.suggested, lit.quote) });
      const where = lineColOf(lit.start);
      const edit: BumpEdit = { file, line: where.line, column: where.column, target: b.target, serviceName: b.serviceName, serviceId: b.serviceId, old: b.current, new: b.suggested };
      if (b.planId) edit.planId = b.planId;
      if (b.planName) edit.planName = b.planName;
      result.edits.push(edit);
    }
    project.removeSourceFile(sf);
    if (!replacements.length || options.dryRun) continue;
    let out = text;
    for (const r of [...replacements].sort((x, y) => y.start - x.start)) out = out.slice(0, r.start) + r.text + out.slice(r.end);
    const tmp = `${file}.vkmp-bump-${process.pid}.tmp`;
    try {
      writeFileSync(tmp, out, { mode: statSync(file).mode & 0o777 });
      renameSync(tmp, file);
    } catch (error) {
      rmSync(tmp, { force: true });
      for (const e of result.edits.filter((x) => x.file === file)) result.failures.push({ bump: list.find((b) => (b.planId ?? b.serviceId) === (e.planId ?? e.serviceId))!, reason: `cannot write ${file}: ${(error as Error).message}` });
      result.edits = result.edits.filter((x) => x.file !== file);
    }
  }
  return result;
}
