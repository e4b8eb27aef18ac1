/**
 * diff (Terraform): the resource addresses a plan's `deployment/*.tf` declares, for
 * REV-013 (an update never removes a resource of the previous revision).
 *
 * This is the one place that reads HCL for the diff. It is a small tokenizer, not a
 * parser: it skips comments (`#`, `//`, `/* *\/`), quoted strings with `${…}`/`%{…}`
 * templates, and heredocs, tracks brace depth, and records top-level
 * `resource "<type>" "<name>" {` headers. It is synchronous so the diff stays
 * synchronous; swap the body for the HCL parser's resource list if it ever disagrees.
 */

interface Token {
  kind: 'ident' | 'string' | '{' | '}' | 'newline' | 'other';
  value: string;
}

const IDENT_START = /[\p{L}_]/u;
const IDENT_PART = /[\p{L}\p{N}_-]/u;

/** Tokens of one file, with `${…}` templates and heredoc bodies skipped. */
function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = text.length;

  /** Skips a template expression `${ … }` starting after `{`; returns the index after its `}`. */
  const skipTemplateExpr = (start: number): number => {
    let depth = 1;
    let j = start;
    while (j < n && depth > 0) {
      const c = text[j]!;
      if (c === '"') j = skipString(j + 1);
      else if (c === '{') {
        depth++;
        j++;
      } else if (c === '}') {
        depth--;
        j++;
      } else j++;
    }
    return j;
  };

  /** Skips a quoted string body starting after `"`; returns the index after the closing quote. */
  function skipString(start: number): number {
    let j = start;
    while (j < n) {
      const c = text[j]!;
      if (c === '\\') {
        j += 2;
        continue;
      }
      if (c === '"') return j + 1;
      if (c === '\n') return j; // unterminated: stop at the line end
      if ((c === '$' || c === '%') && text[j + 1] === '{') {
        if (text[j - 1] === c) {
          // `$${` / `%%{` is an escaped literal
          j += 2;
          continue;
        }
        j = skipTemplateExpr(j + 2);
        continue;
      }
      j++;
    }
    return j;
  }

  const stringValue = (start: number, end: number): string => {
    const raw = text.slice(start, end);
    return raw.replace(/\\(["\\nrt])/g, (_m, c: string) => ({ n: '\n', r: '\r', t: '\t' } as Record<string, string>)[c] ?? c);
  };

  while (i < n) {
    const c = text[i]!;
    if (c === '\n') {
      out.push({ kind: 'newline', value: '\n' });
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') i++;
    else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === '"') {
      const end = skipString(i + 1);
      const closed = text[end - 1] === '"' && end - 1 > i;
      out.push({ kind: 'string', value: stringValue(i + 1, closed ? end - 1 : end) });
      i = end;
    } else if (c === '<' && text[i + 1] === '<' && /[-A-Za-z_]/.test(text[i + 2] ?? '')) {
      // heredoc: <<EOF or <<-EOF … a line holding only EOF
      const m = /^<<-?([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n/.exec(text.slice(i, i + 300));
      if (!m) {
        out.push({ kind: 'other', value: '<' });
        i++;
        continue;
      }
      const marker = m[1]!;
      let j = i + m[0].length;
      for (;;) {
        const eol = text.indexOf('\n', j);
        const line = text.slice(j, eol < 0 ? n : eol);
        j = eol < 0 ? n : eol + 1;
        if (line.trim() === marker || eol < 0) break;
      }
      out.push({ kind: 'other', value: 'heredoc' });
      out.push({ kind: 'newline', value: '\n' });
      i = j;
    } else if (c === '{' || c === '}') {
      out.push({ kind: c, value: c });
      i++;
    } else if (IDENT_START.test(c)) {
      let j = i + 1;
      while (j < n && IDENT_PART.test(text[j]!)) j++;
      out.push({ kind: 'ident', value: text.slice(i, j) });
      i = j;
    } else {
      out.push({ kind: 'other', value: c });
      i++;
    }
  }
  return out;
}

/** `type.name` of each top-level `resource` block in one file. */
export function resourcesInFile(text: string): string[] {
  const tokens = tokenize(text);
  const found: string[] = [];
  let depth = 0;
  let lineStart = true;
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.kind === '{') depth++;
    else if (t.kind === '}') depth = Math.max(0, depth - 1);
    if (depth === 0 && lineStart && t.kind === 'ident' && t.value === 'resource') {
      const a = tokens[k + 1];
      const b = tokens[k + 2];
      const open = tokens[k + 3];
      const label = (x: Token | undefined) => (x && (x.kind === 'string' || x.kind === 'ident') ? x.value : undefined);
      const type = label(a);
      const name = label(b);
      if (type && name && open?.kind === '{') found.push(`${type}.${name}`);
    }
    lineStart = t.kind === 'newline' || t.kind === '}';
  }
  return found;
}

/** Plans of one package often share manifests: recent results by text. */
const recent = new Map<string, string[]>();
const RECENT_MAX = 256;

function cachedResources(text: string): string[] {
  let found = recent.get(text);
  if (!found) {
    found = resourcesInFile(text);
    if (recent.size >= RECENT_MAX) recent.delete(recent.keys().next().value!);
    recent.set(text, found);
  }
  return found;
}

/** Sorted, distinct `type.name` addresses of every `resource` block in the files. */
export function terraformResourceAddresses(files: readonly { path: string; text: string }[]): string[] {
  const all = new Set<string>();
  for (const f of files) for (const r of cachedResources(f.text)) all.add(r);
  return [...all].sort();
}
