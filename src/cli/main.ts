/**
 * The one entry point of the binary: parses argv, runs the command, maps errors to exit codes
 * (design.md, "Exit codes") and is the only place that calls `process.exit`.
 */
import yargs from 'yargs';
import { declareCommands, type ParsedCommand } from './commands.js';
import { ImportError } from '../errors.js';

export const EXIT_OK = 0;
export const EXIT_ROWS_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_STOPPED = 3;
/** A second Ctrl-C: out at once, requests in flight abandoned (the ledger still makes the rerun exactly once). */
export const EXIT_INTERRUPTED = 130;
/** A bug: an error the importer did not expect. Reruns stay exactly once thanks to the ledger. */
export const EXIT_INTERNAL = 70;

export async function main(argv: string[]): Promise<void> {
  // A reader of the logs or of --json that goes away (`2>&1 | head`, a log shipper that dies) must
  // not kill a run half way with EPIPE: the report, the ledger and the exit code are what count.
  process.stdout.on('error', ignoreOutputError);
  process.stderr.on('error', ignoreOutputError);
  const exitCode = await runCli(argv);
  // Let stdout/stderr drain before leaving (a pipe may be slower than we are).
  process.exitCode = exitCode;
  setImmediate(() => process.exit(exitCode));
}

/** Runs one command line and returns its exit code; never exits the process itself. */
export async function runCli(argv: string[]): Promise<number> {
  let parsed: ParsedCommand | undefined;
  let usageError: string | undefined;
  const parser = declareCommands(yargs(argv), async (command) => {
    parsed = command;
  })
    .exitProcess(false)
    .fail((message, error) => {
      usageError = message ?? error?.message ?? 'invalid usage';
    });
  try {
    await parser.parseAsync();
  } catch (error) {
    usageError ??= (error as Error).message;
  }
  if (usageError !== undefined) {
    process.stderr.write(`lightfield-import: ${usageError}\nRun 'lightfield-import --help' for the commands and options.\n`);
    return EXIT_USAGE;
  }
  if (!parsed) return EXIT_OK; // --help or --version was printed
  if (argv.includes('-')) restoreDash(parsed);

  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupts += 1;
    if (interrupts === 1) {
      process.stderr.write(`\n${signal}: finishing the requests in flight, then stopping (again to quit at once)\n`);
      controller.abort(new Error(signal));
    } else {
      process.stderr.write(`\n${signal} again: quitting now; rerun the same command to resume\n`);
      process.exit(EXIT_INTERRUPTED);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const { runCommand } = await import('./run-command.js');
    return await runCommand(parsed, controller.signal);
  } catch (error) {
    const exitCode = reportFatal(error);
    if (parsed.args.json) printJsonError(parsed.command, exitCode, error);
    return exitCode;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/**
 * yargs reads a lone `-` given as the CSV (standard input, by convention) as an empty string; put it
 * back, so that the reader can say that standard input is not supported instead of naming no file.
 */
function restoreDash(parsed: ParsedCommand): void {
  if ((parsed.command === 'import' || parsed.command === 'plan' || parsed.command === 'retry') && parsed.args.csv === '') {
    parsed.args.csv = '-';
  }
}

function ignoreOutputError(): void {
  // Nothing to do: what could not be printed is lost; summary.json and results.csv still say it all.
}

/** With `--json`, scripts get a machine-readable answer on stdout even when no run took place. */
function printJsonError(command: string, exitCode: number, error: unknown): void {
  const body =
    error instanceof ImportError
      ? { code: error.code, message: error.message, subject: error.subject ?? null }
      : { code: 'internal_error', message: error instanceof Error ? error.message : String(error), subject: null };
  process.stdout.write(`${JSON.stringify({ command, exitCode, error: body }, null, 2)}\n`);
}

function reportFatal(error: unknown): number {
  if (error instanceof ImportError) {
    process.stderr.write(`lightfield-import: ${error.message}\n`);
    // Every other ImportError comes before the first write; this one stops a run part way.
    return error.code === 'report_incomplete' ? EXIT_STOPPED : EXIT_USAGE;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`lightfield-import: unexpected error (please report it): ${message}\n`);
  return EXIT_INTERNAL;
}
