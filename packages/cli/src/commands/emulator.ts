/**
 * `vkmp emulator`: the local Infra API emulator (DESIGN §7) on 127.0.0.1, with vkmp's own
 * package check plugged in (the reader and rules of `vkmp validate <zip>`), tokens from
 * VKMP_SERVICE_TOKEN / VKMP_USAGE_TOKEN / VKMP_AUTH_TOKEN (or generated local test tokens,
 * printed once), its base URL printed for `vkmp deploy --base-url`. Runs until SIGINT or
 * SIGTERM, then stops cleanly (state flushed to the data directory).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packageZipReaderAvailable, validatePackageZip } from '../../../core/src/cli-index.js';
import { minimalValidatePackage, startEmulator, TOKEN_ENV, type PackageValidator, type TokenKind } from '@vkmp/infra-api';
import { failure, makeOutput, rel, reportFailure } from './deploy.js';

export interface EmulatorFlags {
  port?: string;
  dataDir?: string;
  json?: boolean;
}

/** Default port (vkmp preview uses 7070). */
export const DEFAULT_EMULATOR_PORT = 7071;
const DEFAULT_DATA_DIR = join('.vkmp', 'emulator');

/** The emulator's package check: vkmp's reader and rules, or the emulator's minimal check when this build cannot read zips. */
export const vkmpPackageValidator: PackageValidator = async (zipPath) => {
  const verdict = await validatePackageZip(zipPath, { label: 'upload.zip' });
  if (verdict.ok === 'unsupported') return minimalValidatePackage(zipPath);
  if (verdict.ok) return { ok: true, service: verdict.service };
  return { ok: false, diagnostics: verdict.diagnostics };
};

function parsePort(value: string | undefined): number {
  if (value === undefined) return DEFAULT_EMULATOR_PORT;
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw failure('EMU-001', `--port ${value}: give a port number from 0 to 65535 (0 picks a free one).`);
  return Number(value);
}

export async function emulatorCommand(flags: EmulatorFlags): Promise<number> {
  const generated: Partial<Record<TokenKind, string>> = {};
  const out = makeOutput(flags.json, () => []);
  try {
    const port = parsePort(flags.port);
    const dataDir = resolve(flags.dataDir ?? DEFAULT_DATA_DIR);
    const tokens = {} as Record<TokenKind, string>;
    for (const kind of ['service', 'usage', 'auth'] as const) {
      const fromEnv = process.env[TOKEN_ENV[kind]]?.trim();
      if (fromEnv) tokens[kind] = fromEnv;
      else tokens[kind] = generated[kind] = `emu-${kind}-${randomBytes(16).toString('hex')}`;
    }
    const coreReader = await packageZipReaderAvailable();
    let emu;
    try {
      emu = await startEmulator({
        port,
        dataDir,
        serviceTokens: [tokens.service],
        usageTokens: [tokens.usage],
        authTokens: [tokens.auth],
        ...(coreReader ? { validatePackage: vkmpPackageValidator } : {}),
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw failure('EMU-001', `port ${port} on 127.0.0.1 is in use.`, 'Pass --port <n> for another port, or --port 0 for a free one.');
      if (code === 'EACCES') throw failure('EMU-001', `port ${port}: permission denied.`, 'Use a port above 1023.');
      throw failure('EMU-002', `the emulator could not start: ${(error as Error).message}`, `Check the data directory ${rel(dataDir)} (pass --data-dir for another one).`);
    }
    if (flags.dataDir === undefined && !existsSync(join(dataDir, '.gitignore'))) {
      // The default data directory sits beside .vkmp/deployed (which is committed); keep it out of git.
      writeFileSync(join(dataDir, '.gitignore'), '*\n');
    }
    // Listen for the stop signals before the URL is printed: a script may signal as soon as it reads it.
    const stopped = new Promise<NodeJS.Signals>((done) => {
      const onInt = () => finish('SIGINT');
      const onTerm = () => finish('SIGTERM');
      const finish = (s: NodeJS.Signals) => {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
        done(s);
      };
      process.on('SIGINT', onInt);
      process.on('SIGTERM', onTerm);
    });
    const validator = coreReader ? 'vkmp' : 'minimal';
    const validatorText = coreReader
      ? 'vkmp rules (the same reader and rules as `vkmp validate <zip>`)'
      : 'minimal — this vkmp build cannot read image-based package zips yet, so uploads are checked for a single <SERVICE_NAME>/ root and the id, revision and name in service.yaml only';
    const generatedNames = (Object.keys(generated) as TokenKind[]).map((k) => TOKEN_ENV[k]);
    if (out.json) {
      out.out(`${JSON.stringify({
        format_version: '1',
        command: 'emulator',
        ok: true,
        url: emu.url,
        base_url: emu.baseUrl,
        port: emu.port,
        data_dir: dataDir,
        validator,
        tokens_from_env: (['service', 'usage', 'auth'] as const).filter((k) => !generated[k]).map((k) => TOKEN_ENV[k]),
        generated_tokens: Object.fromEntries((Object.keys(generated) as TokenKind[]).map((k) => [TOKEN_ENV[k], generated[k]])),
        diagnostics: [],
      })}\n`);
    } else {
      out.out(`vkmp Infra API emulator listening on ${emu.url}\n`);
      out.out(`  base URL:      ${emu.baseUrl}\n`);
      out.out(`  data:          ${rel(dataDir)}\n`);
      out.out(`  package check: ${validatorText}\n`);
      out.out(`  inspect:       ${emu.url}/__emulator/state\n`);
      const fromEnv = (['service', 'usage', 'auth'] as const).filter((k) => !generated[k]).map((k) => TOKEN_ENV[k]);
      if (fromEnv.length) out.out(`  tokens from the environment: ${fromEnv.join(', ')}\n`);
      if (generatedNames.length) {
        out.out('  generated local test tokens (valid for this emulator only); set them where you run vkmp:\n');
        for (const k of Object.keys(generated) as TokenKind[]) out.out(`    set ${TOKEN_ENV[k]}=${generated[k]}\n`);
      }
      out.out(`deploy to it with: vkmp deploy --base-url ${emu.baseUrl}\n`);
      out.out('Press Ctrl+C to stop.\n');
    }
    const signal = await stopped;
    await emu.close();
    out.info(`emulator stopped (${signal}); state kept in ${rel(dataDir)}\n`);
    return 0;
  } catch (error) {
    return reportFailure(out, 'emulator', error);
  }
}
