/**
 * Bad image-based input through the real CLI: each case gives a diagnostic with file, line
 * and rule ID, exits 1, and writes nothing.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeDir, runCli } from '../helpers.js';
import { c15Dsl, c15ServiceFile, copyProject, replaceOnce } from './helpers.js';

interface JsonDiagnostic {
  code: string;
  severity: string;
  message: string;
  file: string | null;
  range: { start: { line: number; column: number } } | null;
}

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

/** Line (1-based) of the first line containing `text`, after the first line containing `after`. */
function lineOf(dir: string, file: string, text: string, after?: string): number {
  const lines = readFileSync(join(dir, file), 'utf8').split('\n');
  const start = after === undefined ? 0 : lines.findIndex((l) => l.includes(after));
  const i = lines.findIndex((l, n) => n >= start && l.includes(text));
  if (start < 0 || i < 0) throw new Error(`${text} not in ${file}`);
  return i + 1;
}

async function buildFails(edit: Parameters<typeof copyProject>[1]): Promise<{ dir: string; diagnostics: JsonDiagnostic[]; stdout: string }> {
  const dir = copyProject(c15Dsl, edit, 'ib-bad-');
  dirs.push(dir);
  const r = await runCli(['build', '--json'], { cwd: dir });
  expect(r.code, r.stdout + r.stderr).toBe(1);
  const doc = JSON.parse(r.stdout) as { ok: boolean; outputs: unknown[]; diagnostics: JsonDiagnostic[] };
  expect(doc.ok).toBe(false);
  expect(doc.outputs).toEqual([]);
  expect(existsSync(join(dir, 'dist')), 'nothing is written').toBe(false);
  return { dir, diagnostics: doc.diagnostics, stdout: r.stdout };
}

function expectAt(diagnostics: JsonDiagnostic[], code: string, file: string, line: number): JsonDiagnostic {
  const found = diagnostics.find((d) => d.code === code && d.severity === 'error' && d.file === file && d.range?.start.line === line);
  expect(found, `${code} at ${file}:${line}; got\n${diagnostics.map((d) => `${d.code} ${d.severity} ${d.file}:${d.range?.start.line} ${d.message}`).join('\n')}`).toBeDefined();
  return found!;
}

const svgOf = (w: number, h: number, padding = 0) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}"><!--${'x'.repeat(padding)}--><rect width="${w}" height="${h}" fill="#07f"/></svg>\n`;
const serviceEdit = (from: string, to: string) => ({ [c15ServiceFile]: replaceOnce(from, to) });

describe('vkmp build rejects bad image-based input', () => {
  it('a missing icon: IB-012 at the icon field', async () => {
    const { dir, diagnostics } = await buildFails(serviceEdit("icon: file('./icon.svg')", "icon: file('./logo.svg')"));
    const d = expectAt(diagnostics, 'IB-012', c15ServiceFile, lineOf(dir, c15ServiceFile, 'icon: file('));
    expect(d.message).toContain('logo.svg');
  });

  it('an icon over 1 MB: IB-013', async () => {
    const { dir, diagnostics } = await buildFails({ 'services/demo_app/icon.svg': svgOf(64, 64, 1_100_000) });
    expect(expectAt(diagnostics, 'IB-013', c15ServiceFile, lineOf(dir, c15ServiceFile, 'icon: file(')).message).toMatch(/limit is 1 MB/);
  });

  it('an icon under 62×62 px: IB-013', async () => {
    const { dir, diagnostics } = await buildFails({ 'services/demo_app/icon.svg': svgOf(32, 32) });
    expect(expectAt(diagnostics, 'IB-013', c15ServiceFile, lineOf(dir, c15ServiceFile, 'icon: file(')).message).toMatch(/32×32 px/);
  });

  it('a 31 MB random icon: IB-013 before any packaging', async () => {
    const { dir, diagnostics } = await buildFails({ 'services/demo_app/icon.svg': randomBytes(31 * 1048576) });
    expectAt(diagnostics, 'IB-013', c15ServiceFile, lineOf(dir, c15ServiceFile, 'icon: file('));
  });

  it.each(['pay-as-you-go', 'pay as you go', 'тариф'])('a plan directory named %j: IB-058 at the plan name', async (name) => {
    const { dir, diagnostics } = await buildFails(serviceEdit("name: 'payg'", `name: '${name}'`));
    expectAt(diagnostics, 'IB-058', c15ServiceFile, lineOf(dir, c15ServiceFile, `name: '${name}'`));
  });

  it('a postpaid option in a paid plan: IB-073 and BILL-003 at free', async () => {
    const { dir, diagnostics } = await buildFails({
      [c15ServiceFile]: (s) => replaceOnce("free: true,\n      billing: { cost: 0 },", "free: false,\n      billing: { cost: 100 },")(s),
    });
    const line = lineOf(dir, c15ServiceFile, 'free: false', "name: 'payg'");
    expectAt(diagnostics, 'IB-073', c15ServiceFile, line);
    expectAt(diagnostics, 'BILL-003', c15ServiceFile, line);
  });

  it('prepaid and postpaid options in one plan: IB-071 at the group, BILL-002 at the plan', async () => {
    const { dir, diagnostics } = await buildFails(serviceEdit("group('Usage', [o.storage])", "group('Usage', [o.storage, o.backup])"));
    expectAt(diagnostics, 'IB-071', c15ServiceFile, lineOf(dir, c15ServiceFile, "group('Usage', [o.storage, o.backup])"));
    // BILL-002 is about the whole plan: it points at the plan's ib.plan( call.
    const payg = lineOf(dir, c15ServiceFile, "name: 'payg'");
    expect(diagnostics.some((d) => d.code === 'BILL-002' && d.file === c15ServiceFile && d.range !== null && d.range.start.line < payg && d.range.start.line > payg - 5)).toBe(true);
  });

  it('a package over 30 MB (a Terraform file with 31 MB of random data): IB-111 at the plan\'s deployment, nothing written', async () => {
    // Text, so the manifest is valid UTF-8 and only the package size fails; base64 of random bytes deflates to about 3/4.
    const blob = `# ${randomBytes(31 * 1048576).toString('base64').replace(/.{76}/g, '$&\n# ')}\n`;
    const { dir, diagnostics } = await buildFails({
      'services/demo_app/terraform/payg/blob.tf': blob,
      [c15ServiceFile]: replaceOnce("terraform: file('./terraform/payg/deploy.tf')", "terraform: [file('./terraform/payg/deploy.tf'), file('./terraform/payg/blob.tf')]"),
    });
    const d = expectAt(diagnostics, 'IB-111', c15ServiceFile, lineOf(dir, c15ServiceFile, 'deployment:', "name: 'payg'"));
    expect(d.message).toMatch(/over the Marketplace limit of 30 MB.*plans\/payg\/deployment\/blob\.tf/);
  }, 120_000);
});
