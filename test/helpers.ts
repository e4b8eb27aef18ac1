/** Test helpers: temp projects on disk and the real CLI binary. */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));
export const cliBin = join(repoRoot, 'packages', 'cli', 'bin', 'vkmp.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `vkmp` binary. */
export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string | undefined>; input?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliBin, ...args], {
      cwd: options.cwd ?? repoRoot,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** A temporary directory under the repo (so `@vkmp/sdk` resolves from node_modules). */
export function tempDir(prefix = 'vkmp-test-'): string {
  const base = join(repoRoot, 'test', '.tmp');
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, prefix));
}

export function writeFiles(dir: string, files: Record<string, string | Uint8Array>): void {
  for (const [path, content] of Object.entries(files)) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A minimal valid SaaS service file, with parts replaceable by tests. */
export function saasServiceSource(overrides: { options?: string; plans?: string; service?: string; preview?: string } = {}): string {
  return `import { file, group, option, options, page, saas, when } from '@vkmp/sdk';
const o = options({
${overrides.options ?? `  seats: option.integer.paidStep({ description: 'Users', default: 0, minimum: 0, maximum: 20, billing: { base: 5, cost: 100, unitSize: 5, measurement: 'users' } }),
  priority_support: option.boolean.switch({ description: 'Priority support', default: false, cost: 500 }),
  storage_gb: option.postpaid.number({ description: 'Stored data, GB', cost: 3.5, measurement: 'GB' }),`}
});
export default saas.service({
  serviceName: 'demo_notes',
  id: '6f1c2a3b-8d4e-4f5a-9b6c-7d8e9f0a1b2c',
  revision: '1.0',
  name: 'Demo Notes',
  shortDescription: 'Shared team notes with an API',
  fullDescription: 'Demo Notes: team notes.\\n\\n# Правила тарификации\\nPrepaid or usage-based.\\n\\n# Полезные ссылки\\nhttps://docs.example.com\\n\\n# Техническая поддержка\\nsupport@example.com\\n\\n# Лицензионное соглашение\\nhttps://example.com/eula',
  icon: 'https://icons.example.com/demo_notes.svg',
  help: 'https://docs.example.com',
  bindable: false,
  planUpdateable: true,
  deactivatable: true,
  bindingsRetrievable: false,
  instancesRetrievable: true,
  metadata: { testNs: ['acme_test'], prodNs: ['acme_public'] },
${overrides.service ?? ''}
  options: o,
  preview: ${overrides.preview ?? '[o.seats]'},
  plans: [
${overrides.plans ?? `    saas.plan({
      id: '0b7e4f7a-2c61-4d1e-8a3f-5e9b6c2d1a40', revision: '1.0', name: 'standard', description: 'Standard', free: false, planId: 'std',
      billing: { cost: 1500, period: '1 mons 0 days', refundable: true },
      wizard: [page('Settings', [group('Team', [o.seats]), group('Support', [o.priority_support])])],
    }),
    saas.plan({
      id: '9d2c8e51-7f3a-4b6c-9e1d-2a4f6b8c0d13', revision: '1.0', name: 'pay_as_you_go', description: 'Pay as you go', free: true, planId: 'payg',
      billing: { cost: 0, usagePeriod: '1 mons 0 days' },
      wizard: [page('Usage', [group('Storage', [o.storage_gb])])],
    }),`}
  ],
});
`;
}

export const CONFIG_SOURCE = `import { defineConfig } from '@vkmp/sdk';\nexport default defineConfig({ services: ['services/*/service.ts'] });\n`;
