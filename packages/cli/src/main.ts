/**
 * vkmp CLI. Thin: each command is a library call plus rendering and an exit code
 * (0 success, 1 errors, 2 `diff --exit-code` found changes). Command modules are
 * imported lazily so `vkmp build` never loads what only `deploy` needs.
 */
import { Command } from 'commander';

const program = new Command();
program
  .name('vkmp')
  .description('Marketplace-as-code for VK Cloud Marketplace vendors: check, build, diff and deploy services written in TypeScript.')
  .version('0.1.0')
  .showHelpAfterError('(run vkmp --help for usage)');

const run = (load: () => Promise<number>) => load().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`vkmp: ${(error as Error)?.message ?? String(error)}\n`);
    if (process.env.VKMP_DEBUG) process.stderr.write(`${(error as Error)?.stack}\n`);
    process.exitCode = 1;
  },
);

program
  .command('check')
  .description('type-check the project and run every rule; writes nothing')
  .option('-c, --config <path>', 'path of vkmp.config.ts (default: found from the current directory up)')
  .option('--no-typecheck', 'skip the TypeScript type-check, run the rules only')
  .option('--json', 'print a JSON document instead of text')
  .action((flags) => run(async () => (await import('./commands/check.js')).checkCommand(flags)));

program
  .command('build')
  .description('validate and write the artifacts to dist/ (atomically; nothing on errors)')
  .option('-c, --config <path>', 'path of vkmp.config.ts (default: found from the current directory up)')
  .option('-o, --out <dir>', 'output directory (default: outDir from the config, or dist)')
  .option('--json', 'print a JSON document instead of text')
  .action((flags) => run(async () => (await import('./commands/build.js')).buildCommand(flags)));

program
  .command('validate')
  .description('check hand-written artifacts: catalog_<NAME>.json, a broker directory, a package directory or zip')
  .argument('<paths...>', 'files or directories to validate')
  .option('--json', 'print a JSON document instead of text')
  .action((paths: string[], flags) => run(async () => (await import('./commands/validate.js')).validateCommand(paths, flags)));

program
  .command('preview')
  .description('render each service as a self-contained HTML page: catalog card, tariff matrix, plan wizards with live prices')
  .option('-c, --config <path>', 'path of vkmp.config.ts (default: found from the current directory up)')
  .option('-o, --out <dir>', 'output directory (default: <outDir>/preview, i.e. dist/preview)')
  .option('--serve', 'serve the pages on 127.0.0.1 from memory, rebuild on change and reload open pages')
  .option('--port <n>', 'port for --serve; 0 picks a free one (default: 7070)')
  .option('--json', 'print a JSON document instead of text')
  .action((flags) => run(async () => (await import('./commands/preview.js')).previewCommand(flags)));

program
  .command('diff')
  .description('what a deploy would change (prices, plans, options) and which revisions must change; compared with the deployed state by default')
  .option('-c, --config <path>', 'path of vkmp.config.ts (default: found from the current directory up)')
  .option('--against <baseline>', 'compare with a build dir, a package zip, a catalog JSON, git:<ref> or a broker URL (default: .vkmp/deployed)')
  .option('--head <artifact>', 'compare this artifact instead of the sources (a build dir, catalog JSON, broker or package dir, zip)')
  .option('--format <format>', 'text, markdown (for merge-request comments) or json', 'text')
  .option('--json', 'same as --format json')
  .option('--exit-code', 'exit with 2 when there are changes, 0 when there are none (1 on errors)')
  .option('--bump', 'rewrite the revisions that must change in the TypeScript sources, then diff again')
  .option('--allow-removed <revision...>', 'SaaS revisions (or <id>@<revision>) whose catalog sections may be deleted: never published or withdrawn (REV-007)')
  .option('--broker-api-version <version>', 'x-broker-api-version sent to a broker URL', '0.1')
  .action((flags) => run(async () => (await import('./commands/diff.js')).diffCommand(flags)));

const state = program.command('state').description('the deployed state in .vkmp/deployed/<service>.json (written by deploy)');
state
  .command('record')
  .description('record the deployed state from the current build, or from an existing artifact when adopting vkmp on a live service')
  .option('-c, --config <path>', 'path of vkmp.config.ts (default: found from the current directory up)')
  .option('--from <artifact>', 'record this artifact instead of the build: a build dir, catalog JSON, broker or package dir, or zip')
  .option('--service <name...>', 'record only these SERVICE_NAMEs')
  .option('--at <time>', 'deploy time to record (ISO 8601; default: now)')
  .option('--reset-ledger', 'forget previously recorded revisions (REV-003 ledger) for the recorded services')
  .option('--json', 'print a JSON document instead of text')
  .action((flags) => run(async () => (await import('./commands/state.js')).stateRecordCommand(flags)));

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`vkmp: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
