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
  .description('generate a vkmp project (DSL TypeScript) from a SaaS catalog or an image-based package; `vkmp build` reproduces it')
  .argument('<path>', 'catalog_<NAME>.json (plan_mapping.json beside it is used), a broker directory with resources/, or a package directory or zip')
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
  .addArgument(program.createArgument('[kind]', 'app kind (default: saas; with --from, the kind of the artifact)').choices(['saas', 'image-based']))
  .argument('[dir]', 'target directory (default: the current directory)')
  .option('--from <path>', 'import this catalog, broker directory or image-based package (directory or zip) instead of the template')
  .option('--force', 'replace files that already exist')
  .option('--allow-invalid', 'with --from: import even with rule errors or values the DSL cannot express')
  .option('--json', 'print a JSON document instead of text')
  .action((kind: 'saas' | 'image-based' | undefined, dir: string | undefined, flags) => run(async () => (await import('./commands/init.js')).initCommand(kind, dir, flags)));

program
  .command('deploy')
  .description('build, diff against .vkmp/deployed, refuse revisions that must change, upload changed image-based packages and write changed SaaS catalogs into the broker, then record the deployed state')
  .option('-c, --config <path>', 'path of vkmp.config.ts (default: found from the current directory up)')
  .option('--dry-run', 'show what would be sent; send and write nothing')
  .option('-y, --yes', 'do not ask for confirmation (never asked with CI=true or without a TTY)')
  .option('--host <host>', 'Infra API host (default: deploy.host of the config, else cloud.vk.ru)')
  .option('--base-url <url>', 'full Infra API prefix, e.g. the one vkmp emulator prints')
  .option('--service <name...>', 'deploy only these SERVICE_NAMEs')
  .option('--broker-dir <dir>', "the SaaS broker's resources/ directory (default: deploy.brokerResourcesDir of the config)")
  .option('--allow-removed <revision...>', 'SaaS revisions (or <id>@<revision>) whose catalog sections may be deleted: never published or withdrawn (REV-007)')
  .option('--json', 'print a JSON document instead of text')
  .action((flags) => run(async () => (await import('./commands/deploy.js')).deployCommand(flags)));

program
  .command('emulator')
  .description('run the local Infra API emulator on 127.0.0.1 with vkmp\'s package check, until Ctrl+C')
  .option('--port <n>', 'port; 0 picks a free one (default: 7071)')
  .option('--data-dir <dir>', 'where uploads, manifests and state are kept (default: .vkmp/emulator)')
  .option('--json', 'print a JSON line with the URLs instead of text')
  .action((flags) => run(async () => (await import('./commands/emulator.js')).emulatorCommand(flags)));

program
  .command('archive')
  .description('archive an image-based revision in the test namespaces (POST …/product/archive, service key from VKMP_SERVICE_TOKEN)')
  .argument('<service-id>', 'service id (UUID) from service.yaml, or the SERVICE_NAME of an image-based service of this project')
  .argument('<revision>', 'the revision to archive')
  .option('-c, --config <path>', 'path of vkmp.config.ts (for deploy.host and SERVICE_NAME lookup)')
  .option('--host <host>', 'Infra API host (default: deploy.host of the config, else cloud.vk.ru)')
  .option('--base-url <url>', 'full Infra API prefix, e.g. the one vkmp emulator prints')
  .option('--json', 'print a JSON document instead of text')
  .action((service: string, revision: string, flags) => run(async () => (await import('./commands/archive.js')).archiveCommand(service, revision, flags)));

const usage = program.command('usage').description('usage reports: push postpaid metrics, check a SaaS broker\'s pull-model report');
usage
  .command('push')
  .description('check a usage push against the project\'s postpaid options, then POST it to …/usages with VKMP_USAGE_TOKEN')
  .argument('<file>', 'JSON body: {"base_date"?, "broker_id"?, "usages": [{"instance_uuid", "param", "value"}]}')
  .option('-c, --config <path>', 'path of vkmp.config.ts (default: found from the current directory up)')
  .option('--service <name...>', 'accept only the postpaid options of these SERVICE_NAMEs')
  .option('--dry-run', 'check only; send nothing')
  .option('--retries <n>', 'retries after a failed attempt (default 0: a repeated push may bill twice)')
  .option('--host <host>', 'Infra API host (default: deploy.host of the config, else cloud.vk.ru)')
  .option('--base-url <url>', 'full Infra API prefix, e.g. the one vkmp emulator prints')
  .option('--json', 'print a JSON document instead of text')
  .action((file: string, flags) => run(async () => (await import('./commands/usage.js')).usagePushCommand(file, flags)));
usage
  .command('check')
  .description('check a pull-model report ({batch_id, data}) against the built SaaS catalog: kind, type, price, plan')
  .argument('<report>', 'the report JSON, as the broker returns it')
  .option('-c, --config <path>', 'path of vkmp.config.ts (default: found from the current directory up)')
  .option('--catalog <file>', 'check against this catalog_<NAME>.json instead of the project')
  .option('--json', 'print a JSON document instead of text')
  .action((file: string, flags) => run(async () => (await import('./commands/usage.js')).usageCheckCommand(file, flags)));

program
  .command('logs')
  .description('read the deployment-system log of a test object (GET …/logs/instance/<uuid>, VKMP_AUTH_TOKEN)')
  .argument('<object-uuid>', 'the test object UUID (vkmp tf-test prints it)')
  .option('-c, --config <path>', 'path of vkmp.config.ts (for deploy.host)')
  .option('--level <levels>', 'only these levels, comma-separated (e.g. error,info)')
  .option('--host <host>', 'Infra API host (default: deploy.host of the config, else cloud.vk.ru)')
  .option('--base-url <url>', 'full Infra API prefix, e.g. the one vkmp emulator prints')
  .option('--json', 'print a JSON document instead of text')
  .action((uuid: string, flags) => run(async () => (await import('./commands/logs.js')).logsCommand(uuid, flags)));

program
  .command('tf-test')
  .description("test a plan's Terraform manifests with the deployment system: upload, create a test object, follow it to running/failed, delete it")
  .argument('<plan>', 'image-based plan name (or <SERVICE_NAME>/<plan>, or a plan id)')
  .option('-c, --config <path>', 'path of vkmp.config.ts (default: found from the current directory up)')
  .option('--vars <name=value...>', 'external variable values (defaults come from the options)')
  .option('--keep', 'keep the test object instead of deleting it')
  .option('--manifest <name>', 'manifest name (default: <SERVICE_NAME>_<plan>_<revision>)')
  .option('--timeout <seconds>', 'how long to wait for running, then for deleted (default: 1800)')
  .option('--interval <seconds>', 'status polling interval (default: 2)')
  .option('--host <host>', 'Infra API host (default: deploy.host of the config, else cloud.vk.ru)')
  .option('--base-url <url>', 'full Infra API prefix, e.g. the one vkmp emulator prints')
  .option('--json', 'print a JSON document instead of text')
  .action((plan: string, flags) => run(async () => (await import('./commands/tf-test.js')).tfTestCommand(plan, flags)));

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`vkmp: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
