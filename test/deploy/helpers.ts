/** Helpers for the deploy tests: projects in temp dirs, an in-process emulator, the CLI with tokens in its env. */
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator, type EmulatorHandle, type EmulatorOptions, type EmulatorStateView } from '@vkmp/infra-api';
import { CONFIG_SOURCE, repoRoot, runCli, saasServiceSource, tempDir, writeFiles, type CliResult } from '../helpers.js';

export interface Tokens {
  service: string;
  usage: string;
  auth: string;
}

export function makeTokens(): Tokens {
  return {
    service: `svc-${randomBytes(16).toString('hex')}`,
    usage: `use-${randomBytes(16).toString('hex')}`,
    auth: `ks-${randomBytes(16).toString('hex')}`,
  };
}

export async function emulator(tokens: Tokens, extra: Partial<EmulatorOptions> = {}): Promise<EmulatorHandle> {
  return startEmulator({
    dataDir: tempDir('vkmp-deploy-emu-'),
    serviceTokens: [tokens.service],
    usageTokens: [tokens.usage],
    authTokens: [tokens.auth],
    testObjectTransitionMs: 50,
    ...extra,
  });
}

/** A copy of an example project (sources only) in a fresh temp dir under the repo. */
export function copyExample(name: 'image-based-app' | 'vk-testers', prefix = `vkmp-deploy-${name}-`): string {
  const dir = tempDir(prefix);
  const src = join(repoRoot, 'examples', name);
  for (const entry of readdirSync(src)) {
    if (entry === 'dist' || entry === '.vkmp' || entry === 'node_modules') continue;
    cpSync(join(src, entry), join(dir, entry), { recursive: true });
  }
  return dir;
}

/** The demo_notes SaaS project (postpaid storage_gb in the pay-as-you-go plan) with a broker resources/ dir configured. */
export function saasProject(brokerResourcesDir = 'broker/resources'): string {
  const dir = tempDir('vkmp-deploy-saas-');
  writeFiles(dir, {
    'vkmp.config.ts': `import { defineConfig } from '@vkmp/sdk';\nexport default defineConfig({ services: ['services/*/service.ts'], deploy: { brokerResourcesDir: ${JSON.stringify(brokerResourcesDir)} } });\n`,
    'services/demo/service.ts': saasServiceSource(),
    'broker/.env': 'BROKER_MODE=demo_notes\n',
  });
  return dir;
}

export { CONFIG_SOURCE };

/** Every CLI run of a test file, for the token scan. */
export const transcript: CliResult[] = [];

/** Runs the built CLI with the given tokens in its environment (and CI unset, no TTY). */
export async function vkmp(args: string[], cwd: string, env: Record<string, string | undefined> = {}): Promise<CliResult> {
  const result = await runCli(args, { cwd, env: { CI: undefined, VKMP_SERVICE_TOKEN: undefined, VKMP_USAGE_TOKEN: undefined, VKMP_AUTH_TOKEN: undefined, ...env } });
  transcript.push(result);
  return result;
}

export const tokenEnv = (t: Tokens): Record<string, string> => ({ VKMP_SERVICE_TOKEN: t.service, VKMP_USAGE_TOKEN: t.usage, VKMP_AUTH_TOKEN: t.auth });

export async function emulatorState(emu: EmulatorHandle): Promise<EmulatorStateView> {
  const res = await fetch(`${emu.url}/__emulator/state`);
  return (await res.json()) as EmulatorStateView;
}

/** Bytes of a file, or undefined when it does not exist (for byte-compares of the state). */
export function bytesOf(path: string): Buffer | undefined {
  return existsSync(path) ? readFileSync(path) : undefined;
}

/** Every file under `dir` (recursively), skipping node_modules. */
export function filesUnder(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) filesUnder(p, out);
    else out.push(p);
  }
  return out;
}

/** Where any of the secrets occurs in the transcript or in the files under `dirs`. */
export function secretHits(secrets: readonly string[], dirs: readonly string[]): string[] {
  const hits: string[] = [];
  transcript.forEach((r, i) => {
    for (const s of secrets) {
      if (r.stdout.includes(s)) hits.push(`run ${i} stdout`);
      if (r.stderr.includes(s)) hits.push(`run ${i} stderr`);
    }
  });
  for (const dir of dirs) {
    for (const file of filesUnder(dir)) {
      const text = readFileSync(file).toString('latin1');
      for (const s of secrets) if (text.includes(s)) hits.push(file);
    }
  }
  return hits;
}
