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

program
  .command('import')
  .description('generate a vkmp project (DSL TypeScript) from a SaaS catalog_<NAME>.json or broker directory; `vkmp build` reproduces the catalog')
  .argument('<path>', 'catalog_<NAME>.json (plan_mapping.json beside it is used), or a broker directory with resources/')
  .option('-o, --out <dir>', 'project directory to write (default: the current directory)')
  .option('--force', 'replace files that already exist')
  .option('--allow-invalid', 'import even with rule errors or values the DSL cannot express (each named; the code may need fixes)')
  .option('--json', 'print a JSON document instead of text')
  .action((path: string, flags) => run(async () => (await import('./commands/import.js')).importCommand(path, flags)));

program
  .command('schema')
  .description('write JSON Schema (draft-07) documents for the SaaS catalog, plan_mapping.json and the image-based YAML files')
  .option('-o, --out <dir>', 'output directory (default: schemas)')
  .option('--json', 'print a JSON document instead of text')
  .action((flags) => run(async () => (await import('./commands/schema.js')).schemaCommand(flags)));

program
  .command('init')
  .description('scaffold a vendor repository (npm scripts, config, one service with two plans, CI recipe) that checks and builds at once')
  .addArgument(program.createArgument('[kind]', 'app kind').choices(['saas', 'image-based']).default('saas'))
  .argument('[dir]', 'target directory (default: the current directory)')
  .option('--from <path>', 'import this SaaS catalog (file or broker directory) instead of the template')
  .option('--force', 'replace files that already exist')
  .option('--allow-invalid', 'with --from: import even with rule errors or values the DSL cannot express')
  .option('--json', 'print a JSON document instead of text')
  .action((kind: 'saas' | 'image-based', dir: string | undefined, flags) => run(async () => (await import('./commands/init.js')).initCommand(kind, dir, flags)));

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`vkmp: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
