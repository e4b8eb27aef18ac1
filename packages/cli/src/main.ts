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

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`vkmp: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
