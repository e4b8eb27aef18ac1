/**
 * Rule coverage (DESIGN §9): every registered rule has a failing and a passing fixture.
 *
 * Layout: `test/fixtures/rules/<RULE-ID>/<variant>/`, where `<variant>` is `fail`, `pass`,
 * or an extra case `fail-<label>` / `pass-<label>`. A fixture is either
 * - an artifact: a broker directory (`.env`, `resources/catalog_<NAME>.json`,
 *   `resources/plan_mapping.json`) or any other path `validateArtifacts` reads, or
 * - a DSL project (`vkmp.config.ts` + `services/x/service.ts`) compiled with `compileProject`
 *   (in plain Node, see native-compile.ts: inside vitest the loader cannot map call sites), or
 * - a history (the `vkmp diff` revision rules): `base/` (what was deployed) and `head/` (the
 *   new artifact), optionally `ledger.json` (uploaded pairs); the head is read and validated,
 *   then `checkRevisions(diffModels(base, head))` adds the revision findings.
 *
 * An optional `fixture.json` says more:
 * - `kind`: `"artifact"` | `"dsl"` | `"history"` (default: `dsl` when the directory has
 *   `vkmp.config.ts`);
 * - `note`: what is wrong (fail) or what the near miss exercises (pass);
 * - `paths`: artifact paths to validate, relative to the fixture (default: the directory);
 * - `allowRemovedRevisions`: history only, revisions confirmed as removable (--allow-removed);
 * - `at`: `{ file, line, after? }`, a fail fixture's expected position: a diagnostic of the
 *   rule points at the first line of `file` containing `line` (after the first line
 *   containing `after`, when given);
 * - `isolated`: a fail fixture reports no error of any other rule (its defect implies no
 *   other), which guards against false positives of neighbouring rules.
 *
 * A fail fixture yields at least one diagnostic of the rule (for an alias listed with
 * `enforcedBy`, of one of the enforcing rules). A pass fixture yields none of those codes
 * and no errors at all (warnings of other rules are allowed).
 *
 * Rules whose kinds exclude `saas` and that have no fixture directory yet (image-based
 * rules before their fixtures exist) are skipped, visibly; once a directory appears,
 * the rule is held to the same contract.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../packages/core/src/diagnostics.js';
import { checkRevisions, diffModels, readArtifacts, validateArtifacts, validateModel, type Ledger } from '../../packages/core/src/index.js';
import { allRules } from '../../packages/core/src/rules/index.js';
import { repoRoot } from '../helpers.js';
import { compileNatively, type NativeResult } from './native-compile.js';

const FIXTURES = join(repoRoot, 'test', 'fixtures', 'rules');
const VARIANT = /^(fail|pass)(-[a-z0-9]+(?:-[a-z0-9]+)*)?$/;

interface FixtureMeta {
  kind?: 'artifact' | 'dsl' | 'history';
  note?: string;
  paths?: string[];
  allowRemovedRevisions?: string[];
  at?: { file: string; line: string; after?: string };
  isolated?: boolean;
}

interface RuleEntry {
  id: string;
  kinds: Set<string>;
  /** Codes a fail fixture may produce: the ID and, for aliases, the enforcing IDs. */
  codes: Set<string>;
}

function registeredRules(): RuleEntry[] {
  const byId = new Map<string, RuleEntry>();
  for (const rule of allRules()) {
    const entry = byId.get(rule.id) ?? { id: rule.id, kinds: new Set<string>(), codes: new Set([rule.id]) };
    for (const k of rule.kinds) entry.kinds.add(k);
    if ('enforcedBy' in rule && rule.enforcedBy) for (const code of rule.enforcedBy) entry.codes.add(code);
    byId.set(rule.id, entry);
  }
  return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
}

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();

function readMeta(dir: string): FixtureMeta {
  const p = join(dir, 'fixture.json');
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as FixtureMeta) : {};
}

const kindOf = (dir: string, meta: FixtureMeta) => meta.kind ?? (existsSync(join(dir, 'vkmp.config.ts')) ? 'dsl' : 'artifact');

/** Every DSL fixture is compiled once, in one child process, when the first one is needed. */
const dslDirs: string[] = [];
let dslResults: Promise<Map<string, NativeResult>> | undefined;

async function diagnosticsOf(dir: string, meta: FixtureMeta): Promise<Diagnostic[]> {
  if (kindOf(dir, meta) === 'dsl') {
    dslResults ??= compileNatively(dslDirs);
    const result = (await dslResults).get(dir);
    if (!result) throw new Error(`${dir} was not compiled`);
    if ('thrown' in result) throw new Error(`compileProject threw (it must report diagnostics instead):\n${result.thrown}`);
    return result.diagnostics;
  }
  if (kindOf(dir, meta) === 'history') {
    const base = await readArtifacts([join(dir, 'base')]);
    const head = await readArtifacts([join(dir, 'head')]);
    const ledgerFile = join(dir, 'ledger.json');
    const ledger = existsSync(ledgerFile) ? (JSON.parse(readFileSync(ledgerFile, 'utf8')) as Ledger) : undefined;
    const report = checkRevisions(diffModels(base.model, head.model), { ledger, allowRemovedRevisions: meta.allowRemovedRevisions });
    return [...base.diagnostics, ...head.diagnostics, ...validateModel(head.model), ...report.diagnostics];
  }
  return (await validateArtifacts((meta.paths ?? ['.']).map((p) => resolve(dir, p)))).diagnostics;
}

/** The 1-based line `at` names, or a failed expectation explaining why it is not found. */
function expectedLine(dir: string, at: NonNullable<FixtureMeta['at']>): number {
  const lines = readFileSync(join(dir, at.file), 'utf8').split(/\r?\n/);
  const start = at.after === undefined ? 0 : lines.findIndex((l) => l.includes(at.after!));
  expect(start, `fixture.json at.after ${JSON.stringify(at.after)} is not in ${at.file}`).toBeGreaterThanOrEqual(0);
  const index = lines.findIndex((l, i) => i >= start && l.includes(at.line));
  expect(index, `fixture.json at.line ${JSON.stringify(at.line)} is not in ${at.file}`).toBeGreaterThanOrEqual(0);
  return index + 1;
}

const show = (ds: readonly Diagnostic[]) =>
  ds.map((d) => `${d.code} ${d.severity} ${d.span ? `${d.span.file}:${d.span.line}:${d.span.column}` : '-'} ${d.message}`).join('\n') || '(no diagnostics)';

function checkShape(diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) {
    expect(d.code, show([d])).toMatch(/^[A-Z]+-\d{3}$/);
    expect(d.message.length, show([d])).toBeGreaterThan(0);
    expect(d.message, 'a rule threw').not.toMatch(/^Internal error in rule/);
  }
}

const rules = registeredRules();
const fixtureDirs = isDir(FIXTURES) ? readdirSync(FIXTURES).filter((n) => isDir(join(FIXTURES, n))).sort() : [];
const skipped = rules.filter((r) => !r.kinds.has('saas') && !fixtureDirs.includes(r.id));

describe('rule fixtures', () => {
  it('every fixture directory names a registered rule and holds only fail*/pass* fixtures', () => {
    const ids = new Set(rules.map((r) => r.id));
    expect(fixtureDirs.filter((d) => !ids.has(d)), 'fixture directories of unregistered rules').toEqual([]);
    for (const d of fixtureDirs) {
      expect(readdirSync(join(FIXTURES, d)).filter((v) => !VARIANT.test(v) || !isDir(join(FIXTURES, d, v))), `unexpected entries in ${d}/`).toEqual([]);
    }
  });

  if (skipped.length) {
    console.info(`rule coverage: skipping ${skipped.length} rule(s) that do not apply to SaaS and have no fixtures yet: ${skipped.map((r) => r.id).join(', ')}`);
  }
  for (const r of skipped) it.skip(`${r.id}: no fixtures yet (${[...r.kinds].join(', ')} rule)`, () => {});
});

for (const rule of rules) {
  if (skipped.includes(rule)) continue;
  const ruleDir = join(FIXTURES, rule.id);
  const variants = isDir(ruleDir) ? readdirSync(ruleDir).filter((v) => VARIANT.test(v) && isDir(join(ruleDir, v))).sort() : [];
  const codes = [...rule.codes];

  describe(rule.id, () => {
    it('has a fail/ and a pass/ fixture', () => {
      expect(variants, `test/fixtures/rules/${rule.id}/ needs fail/ and pass/`).toEqual(expect.arrayContaining(['fail', 'pass']));
    });

    for (const variant of variants) {
      const dir = join(ruleDir, variant);
      const meta = readMeta(dir);
      if (kindOf(dir, meta) === 'dsl') dslDirs.push(dir);
      const failing = variant.startsWith('fail');
      it(`${variant}${meta.note ? `: ${meta.note}` : ''}`, async () => {
        const diagnostics = await diagnosticsOf(dir, meta);
        checkShape(diagnostics);
        const own = diagnostics.filter((d) => codes.includes(d.code));
        if (failing) {
          expect(own.length, `${rule.id} ${variant} should report ${codes.join(' or ')}; got:\n${show(diagnostics)}`).toBeGreaterThan(0);
          if (meta.at) {
            const line = expectedLine(dir, meta.at);
            const file = resolve(dir, meta.at.file);
            expect(own.some((d) => d.span?.file === file && d.span.line === line), `${rule.id} should point at ${meta.at.file}:${line}; got:\n${show(own)}`).toBe(true);
          }
          if (meta.isolated) {
            const others = diagnostics.filter((d) => d.severity === 'error' && !codes.includes(d.code));
            expect(others, `an isolated fail fixture reports errors of ${rule.id} only; got:\n${show(others)}`).toEqual([]);
          }
        } else {
          expect(own, `${rule.id} ${variant} should not report ${codes.join(' or ')}`).toEqual([]);
          const errors = diagnostics.filter((d) => d.severity === 'error');
          expect(errors, `a pass fixture has no errors; got:\n${show(errors)}`).toEqual([]);
        }
      });
    }
  });
}
