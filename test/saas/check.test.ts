/** `vkmp check`: TypeScript type-check of the vendor's files plus every rule; writes nothing. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CONFIG_SOURCE, removeDir, runCli, saasServiceSource, tempDir, writeFiles } from '../helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

const TSCONFIG = JSON.stringify({ compilerOptions: { target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, skipLibCheck: true, types: [] }, include: ['**/*.ts'] });

describe('vkmp check', () => {
  it('passes on the VK Testers example (warnings only)', async () => {
    const r = await runCli(['check'], { cwd: join(process.cwd(), 'examples', 'vk-testers') });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/check ok: 0 errors/);
  });

  it('reports a misspelt option reference as a TypeScript error at its line, and writes nothing', async () => {
    const dir = tempDir('check-');
    dirs.push(dir);
    const src = saasServiceSource().replace("group('Team', [o.seats])", "group('Team', [o.seets])");
    writeFiles(dir, { 'vkmp.config.ts': CONFIG_SOURCE, 'tsconfig.json': TSCONFIG, 'services/demo/service.ts': src });
    const r = await runCli(['check', '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.format_version).toBe('1');
    const ts = doc.diagnostics.find((d: { code: string }) => d.code === 'TS2551' || d.code === 'TS2339');
    expect(ts, r.stdout).toBeDefined();
    expect(ts.file).toMatch(/services\/demo\/service\.ts$/);
    expect(ts.range.start.line).toBe(src.split('\n').findIndex((l) => l.includes('o.seets')) + 1);
    // The rule engine sees the same mistake at run time (the reference is undefined).
    expect(doc.diagnostics.some((d: { code: string }) => d.code === 'DSL-002')).toBe(true);
    expect(existsSync(join(dir, 'dist'))).toBe(false);
  });

  it('--no-typecheck runs the rules only', async () => {
    const dir = tempDir('check-');
    dirs.push(dir);
    writeFiles(dir, { 'vkmp.config.ts': CONFIG_SOURCE, 'tsconfig.json': TSCONFIG, 'services/demo/service.ts': saasServiceSource().replace("revision: '1.0'", 'revision: 1 as unknown as string') });
    const r = await runCli(['check', '--no-typecheck', '--json'], { cwd: dir });
    const doc = JSON.parse(r.stdout);
    expect(doc.diagnostics.every((d: { code: string }) => !d.code.startsWith('TS'))).toBe(true);
    expect(doc.diagnostics.some((d: { code: string }) => d.code === 'SAAS-006')).toBe(true);
    expect(r.code).toBe(1);
  });
});
