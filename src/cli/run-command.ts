/**
 * Turns a parsed command line into a library call and prints its result. Loaded only after argv is
 * parsed, so `--help` stays fast.
 */
import { createLogger, type LogLevel } from '../log/logger.js';
import { runImport, runPlan } from '../pipeline/run.js';
import { runRetry } from '../pipeline/retry-rows.js';
import type { RunOptions } from '../pipeline/options.js';
import type { CsvEncoding } from '../reader/types.js';
import type { GlobalArguments, ImportArguments, ParsedCommand, SendArguments } from './commands.js';
import { printSummary, printVerifySummary } from './print-summary.js';
import { runVerify } from '../verify/verify.js';
import { runDemo } from './demo.js';
import { runEmulatorCommand } from './emulator-command.js';
import { runMappingInitCommand } from './mapping-init-command.js';

export async function runCommand(parsed: ParsedCommand, signal: AbortSignal): Promise<number> {
  // On a terminal the progress line and the summary say what a person needs; log pipelines get more.
  const level = (parsed.args.logLevel ?? (process.stderr.isTTY ? 'warn' : 'info')) as LogLevel;
  const logger = createLogger({ level });
  switch (parsed.command) {
    case 'import':
    case 'plan': {
      const options = { ...commonOptions(parsed.args, signal), ...readingOptions(parsed.args) };
      const run = parsed.command === 'import' ? runImport : runPlan;
      const summary = await run({ ...options, csvPath: parsed.args.csv, mappingPath: parsed.args.mapping, logger });
      printSummary(summary, parsed.args.json);
      return summary.exitCode;
    }
    case 'retry': {
      const summary = await runRetry({
        ...commonOptions(parsed.args, signal),
        resultsPath: parsed.args.results,
        ...(parsed.args.csv !== undefined ? { csvPath: parsed.args.csv } : {}),
        ...(parsed.args.mapping !== undefined ? { mappingPath: parsed.args.mapping } : {}),
        logger,
      });
      printSummary(summary, parsed.args.json);
      return summary.exitCode;
    }
    case 'verify': {
      const summary = await runVerify({
        reportDir: parsed.args.report,
        ...(parsed.args.state !== undefined ? { statePath: parsed.args.state } : {}),
        ...(parsed.args.apiKey !== undefined ? { apiKey: parsed.args.apiKey } : {}),
        ...(parsed.args.baseUrl !== undefined ? { baseUrl: parsed.args.baseUrl } : {}),
        rate: parsed.args.rate,
        signal,
      });
      printVerifySummary(summary, parsed.args.json);
      return summary.exitCode;
    }
    case 'mapping-init':
      return runMappingInitCommand(parsed.args, signal);
    case 'emulator':
      return runEmulatorCommand(parsed.args, signal);
    case 'demo':
      return runDemo(parsed.args, logger, signal);
  }
}

function commonOptions(args: GlobalArguments & SendArguments, signal: AbortSignal): Omit<RunOptions, 'csvPath' | 'mappingPath'> {
  const redisUrl = args.redis ?? process.env['LIGHTFIELD_IMPORT_REDIS'];
  return {
    ...(args.apiKey !== undefined ? { apiKey: args.apiKey } : {}),
    ...(redisUrl !== undefined && redisUrl !== '' ? { redisUrl } : {}),
    ...(args.baseUrl !== undefined ? { baseUrl: args.baseUrl } : {}),
    ...(args.out !== undefined ? { outDir: args.out } : {}),
    ...(args.state !== undefined ? { statePath: args.state } : {}),
    // Left unset by `retry` when not given: the earlier run's value applies.
    ...(args.rate !== undefined ? { rate: args.rate } : {}),
    ...(args.concurrency !== undefined ? { concurrency: args.concurrency } : {}),
    ...(args.maxRetries !== undefined ? { maxRetries: args.maxRetries } : {}),
    ...(args.maxErrors !== undefined ? { maxErrors: args.maxErrors } : {}),
    ...(args.timeout !== undefined ? { timeoutMs: args.timeout * 1000 } : {}),
    ...(args.update !== undefined ? { update: args.update } : {}),
    ...(args.recreateDeleted !== undefined ? { recreateDeleted: args.recreateDeleted } : {}),
    waitMs: args.wait * 1000,
    signal,
    progress: Boolean(process.stderr.isTTY),
  };
}

function readingOptions(args: ImportArguments): Pick<RunOptions, 'limit' | 'delimiter' | 'encoding'> {
  return {
    ...(args.limit !== undefined ? { limit: args.limit } : {}),
    ...(args.delimiter !== undefined ? { delimiter: args.delimiter === 'tab' ? '\t' : args.delimiter } : {}),
    ...(args.encoding !== undefined ? { encoding: args.encoding as CsvEncoding } : {}),
  };
}
