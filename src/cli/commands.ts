/**
 * Declares the commands and flags (design.md, "Commands"). Nothing runs here: each handler hands a
 * typed options object to `run`, which main.ts provides, so that `--help` loads no command code.
 */
import type { Argv } from 'yargs';

export type CommandName = 'import' | 'plan' | 'retry' | 'verify' | 'emulator' | 'demo' | 'mapping-init';

export interface GlobalArguments {
  apiKey?: string;
  baseUrl?: string;
  logLevel?: string;
  json: boolean;
}

/** Sending options; `retry` leaves unset those not on its command line (the earlier run's apply). */
export interface SendArguments {
  out?: string;
  state?: string;
  rate?: number;
  concurrency?: number;
  maxRetries?: number;
  maxErrors?: number;
  timeout?: number;
  wait: number;
  update?: boolean;
  recreateDeleted?: boolean;
  redis?: string;
}

export interface ImportArguments extends GlobalArguments, SendArguments {
  csv: string;
  mapping: string;
  limit?: number;
  delimiter?: string;
  encoding?: string;
}

export interface RetryArguments extends GlobalArguments, SendArguments {
  results: string;
  mapping?: string;
  csv?: string;
}

export interface EmulatorArguments extends GlobalArguments {
  port: number;
  host: string;
  rate: number;
  latency?: string;
  faults?: number;
  indexLag: number;
  errorEnvelope: 'wrapped' | 'unwrapped';
  conflictType: 'conflict' | 'idempotency_conflict';
  retryAfterMs: boolean;
  definitionExtras: boolean;
}

export interface DemoArguments extends GlobalArguments {
  out?: string;
  rate: number;
}

export interface MappingInitArguments extends GlobalArguments {
  csv: string;
  object: 'opportunity';
  out: string;
  force: boolean;
  limit?: number;
  delimiter?: string;
  encoding?: string;
}

export interface VerifyArguments extends GlobalArguments {
  report: string;
  state?: string;
  rate: number;
}

export type ParsedCommand =
  | { command: 'import' | 'plan'; args: ImportArguments }
  | { command: 'verify'; args: VerifyArguments }
  | { command: 'mapping-init'; args: MappingInitArguments }
  | { command: 'retry'; args: RetryArguments }
  | { command: 'emulator'; args: EmulatorArguments }
  | { command: 'demo'; args: DemoArguments };

const SENDING = 'Sending:';
const REPORT = 'Report and state:';
const READING = 'Reading the CSV:';

/**
 * The sending options. `retry` declares them without defaults, so that an option left out keeps the
 * earlier run's value (yargs cannot tell a default from a given value).
 */
function sendOptions<T>(yargs: Argv<T>, defaults: 'own defaults' | 'earlier run' = 'own defaults'): Argv<T & SendArguments> {
  const byDefault = <V>(value: V): { default?: V } => (defaults === 'own defaults' ? { default: value } : {});
  const earlier = defaults === 'own defaults' ? '' : " [default: the earlier run's]";
  return yargs
    .option('out', {
      alias: 'o',
      type: 'string',
      group: REPORT,
      describe: 'Folder for results.csv, failed.csv and summary.json [default: ./lightfield-import-report/<time>-<command>]',
    })
    .option('state', {
      type: 'string',
      group: REPORT,
      // No yargs default: `retry` must tell "not given" (use the earlier run's ledger) from a path.
      describe:
        'Run ledger (SQLite) that makes reruns resume and never create a row twice ' +
        "[default: one per organization, $XDG_STATE_HOME/lightfield-import/<host>-<key hash>.db, else under ~/.local/state; " +
        "retry: the earlier run's]",
    })
    .option('wait', {
      type: 'number',
      group: REPORT,
      default: 0,
      describe: 'Seconds to wait for another run using the same ledger to finish (0: stop at once, exit 2)',
    })
    .option('rate', {
      type: 'number',
      group: SENDING,
      ...byDefault(25),
      describe: "Max write requests per second; the server's rate-limit headers can only lower it" + earlier,
    })
    .option('concurrency', {
      type: 'number',
      group: SENDING,
      ...byDefault(32),
      describe: 'Max requests in flight (the importer uses as many as the latency needs, up to this)' + earlier,
    })
    .option('max-retries', {
      type: 'number',
      group: SENDING,
      ...byDefault(5),
      describe: 'Retries of one request on 429, 5xx, timeouts and connection errors (same Idempotency-Key)' + earlier,
    })
    .option('max-errors', {
      type: 'number',
      group: SENDING,
      describe: 'Stop (exit 3) after this many failed or invalid rows; rerun the same command to resume' + earlier,
    })
    .option('timeout', {
      type: 'number',
      group: SENDING,
      ...byDefault(30),
      describe: 'Seconds to wait for one answer before retrying with the same key' + earlier,
    })
    .option('redis', {
      type: 'string',
      group: SENDING,
      describe:
        'Share the rate budget with every importer writing into the same organization, through this Redis ' +
        '(redis://host:port) [default: env LIGHTFIELD_IMPORT_REDIS; unset: this process paces alone]',
    })
    .option('update', {
      type: 'boolean',
      group: SENDING,
      ...byDefault(true),
      describe: 'Update records whose row changed since they were imported (--no-update: only create)' + earlier,
    })
    .option('recreate-deleted', {
      type: 'boolean',
      group: SENDING,
      ...byDefault(false),
      describe: 'Create again a record imported earlier but deleted in Lightfield since (else its changed row fails as record_deleted)' + earlier,
    }) as unknown as Argv<T & SendArguments>;
}

function readOptions<T>(yargs: Argv<T>): Argv<T & { limit?: number; delimiter?: string; encoding?: string }> {
  return yargs
    .option('limit', { type: 'number', group: READING, describe: 'Only the first n data rows' })
    .option('delimiter', {
      type: 'string',
      group: READING,
      describe: "Field delimiter [default: detected among , ; tab |] (write 'tab' for a tab)",
    })
    .option('encoding', {
      type: 'string',
      group: READING,
      choices: ['utf8', 'latin1', 'windows-1252', 'utf16le', 'utf16be'],
      describe: 'Text encoding [default: utf8; a BOM wins]',
    });
}

/** Registers the five commands; `run` receives the parsed, typed command. */
export function declareCommands(yargs: Argv, run: (parsed: ParsedCommand) => Promise<void>): Argv {
  return yargs
    .scriptName('lightfield-import')
    // An option given twice (`-m a.json -m b.json`, a wrapper script adding `--out`) takes the last
    // value, as most command-line tools do, instead of becoming an array no option expects.
    .parserConfiguration({ 'duplicate-arguments-array': false })
    .usage('$0 <command> [options]\n\nBulk-import CSV files into Lightfield CRM as opportunities.')
    .option('api-key', {
      type: 'string',
      describe: 'Lightfield API key [default: env LIGHTFIELD_API_KEY]',
    })
    .option('base-url', {
      type: 'string',
      describe: 'API base URL [default: env LIGHTFIELD_BASE_URL, else https://api.lightfield.app]',
    })
    .option('log-level', {
      type: 'string',
      choices: ['trace', 'debug', 'info', 'warn', 'error', 'silent'],
      describe: 'Log verbosity; logs go to stderr [default: warn on a terminal (the progress line says the rest), info otherwise]',
    })
    .option('json', { type: 'boolean', default: false, describe: 'Print the run summary as JSON on stdout' })
    .command(
      'import <csv>',
      'Create (or update) one opportunity per CSV row',
      (command) =>
        sendOptions(readOptions(command))
          .positional('csv', { type: 'string', demandOption: true, describe: 'The CSV file' })
          .option('mapping', { alias: 'm', type: 'string', demandOption: true, describe: 'Mapping file (JSON)' })
          .example('$0 import deals.csv -m mappings/hubspot-deals.json', 'Import a HubSpot export')
          .example('$0 import deals.csv -m map.json --max-errors 50 --json', 'Unattended, machine-readable'),
      (argv) => run({ command: 'import', args: argv as unknown as ImportArguments }),
    )
    .command(
      'plan <csv>',
      'Dry run: read, map, validate and resolve every row and say what import would do; writes nothing',
      (command) =>
        sendOptions(readOptions(command))
          .positional('csv', { type: 'string', demandOption: true, describe: 'The CSV file' })
          .option('mapping', { alias: 'm', type: 'string', demandOption: true, describe: 'Mapping file (JSON)' }),
      (argv) => run({ command: 'plan', args: argv as unknown as ImportArguments }),
    )
    .command(
      'retry <results>',
      'Run again only the rows that failed, were invalid or were not attempted in an earlier run',
      (command) =>
        sendOptions(command, 'earlier run')
          .positional('results', { type: 'string', demandOption: true, describe: "An earlier run's results.csv" })
          .option('mapping', { alias: 'm', type: 'string', describe: 'Mapping file [default: the one of the earlier run]' })
          .option('csv', { type: 'string', describe: 'Source CSV [default: the one of the earlier run]' }),
      (argv) => run({ command: 'retry', args: argv as unknown as RetryArguments }),
    )
    .command(
      'verify <report>',
      "Read back every record a run created, updated or found unchanged and compare it with what the ledger says was applied; writes verify.csv; exit 1 on any mismatch or missing record",
      (command) =>
        command
          .positional('report', { type: 'string', demandOption: true, describe: 'The report folder of an import (holds summary.json and results.csv)' })
          .option('state', { type: 'string', group: REPORT, describe: "Run ledger [default: the run's, from its summary.json]" })
          .option('rate', { type: 'number', default: 25, describe: 'Max read requests per second' })
          .example('$0 verify lightfield-import-report/2026-12-01T02-00-00-import', 'Check what last night\'s import left in Lightfield'),
      (argv) => run({ command: 'verify', args: argv as unknown as VerifyArguments }),
    )
    .command('mapping', 'Write a first mapping file from a CSV export (mapping init)', (command) =>
      command
        .command(
          'init <csv>',
          'Suggest a mapping from the CSV header, a sample of rows and the definitions; prints what it matched and what to check',
          (init) =>
            readOptions(init)
              .positional('csv', { type: 'string', demandOption: true, describe: 'The CSV export' })
              .option('object', { type: 'string', choices: ['opportunity'], default: 'opportunity', describe: 'The Lightfield object each row becomes' })
              .option('out', { alias: 'o', type: 'string', default: 'mapping.json', describe: 'The mapping file to write' })
              .option('force', { type: 'boolean', default: false, describe: 'Overwrite the file if it exists' })
              .example('$0 mapping init deals.csv -o deals.mapping.json', 'Write a mapping for deals.csv, then plan with -m deals.mapping.json'),
          (argv) => run({ command: 'mapping-init', args: argv as unknown as MappingInitArguments }),
        )
        .demandCommand(1, 'Name a mapping command: init.'),
    )
    .command(
      'emulator',
      'Run the local Lightfield API emulator on loopback (for trying a mapping, tests, benchmarks)',
      (command) =>
        command
          .option('port', { type: 'number', default: 4010, describe: 'Port to listen on (0: any free port)' })
          .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to listen on' })
          .option('rate', { type: 'number', default: 25, describe: 'Write requests per second it allows' })
          .option('latency', { type: 'string', describe: "Added latency in ms: '200' or '80-250'" })
          .option('faults', { type: 'number', describe: 'Share of write requests that fail (0–1): 5xx, drops, commit-then-5xx' })
          .option('index-lag', { type: 'number', default: 0, describe: 'Ms before a write shows up in list endpoints' })
          .option('error-envelope', {
            choices: ['wrapped', 'unwrapped'] as const,
            default: 'wrapped' as const,
            describe: 'Error bodies as { "error": {...} } (docs) or bare { type, message, ... } (OpenAPI spec)',
          })
          .option('conflict-type', {
            choices: ['conflict', 'idempotency_conflict'] as const,
            default: 'conflict' as const,
            describe: 'The type of a 409 for an Idempotency-Key in flight',
          })
          .option('retry-after-ms', {
            type: 'boolean',
            default: true,
            describe: 'Send retry-after-ms besides Retry-After on 429 (--no-retry-after-ms: only Retry-After)',
          })
          .option('definition-extras', {
            type: 'boolean',
            default: true,
            describe: 'Definitions carry slug, system and relationship readOnly (--no-definition-extras: only what the spec has)',
          }),
      (argv) => run({ command: 'emulator', args: argv as unknown as EmulatorArguments }),
    )
    .command(
      'demo',
      'Start the emulator in-process and import the bundled sample with the bundled mapping',
      (command) =>
        command
          .option('out', { alias: 'o', type: 'string', describe: 'Report folder [default: a new temporary folder]' })
          .option('rate', { type: 'number', default: 25, describe: 'Emulated write limit per second' }),
      (argv) => run({ command: 'demo', args: argv as unknown as DemoArguments }),
    )
    .demandCommand(1, 'Name a command: import, plan, retry, mapping init, emulator or demo.')
    .strict()
    .epilogue(
      'Exit codes: 0 every row landed (or plan: no invalid row); 1 some rows failed or were invalid; ' +
        '2 usage, file, mapping or authentication error, nothing written; 3 stopped (--max-errors, Ctrl-C), rerun to resume.',
    )
    .help()
    .alias('help', 'h')
    .version()
    .wrap(Math.min(110, yargs.terminalWidth()));
}
