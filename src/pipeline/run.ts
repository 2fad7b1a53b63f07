/**
 * `runImport` and `runPlan`: a run's lifecycle. Set up and check everything (setup.ts), record the
 * run in the ledger, let the engine go through the rows (engine.ts), then write the summary and close
 * the report, the ledger, the CSV and the rate limiter, whatever happened.
 */
import { randomUUID } from 'node:crypto';
import { ImportError } from '../errors.js';
import { releaseReportDir } from '../report/report-writer.js';
import { silentLogger } from '../log/logger.js';
import { Engine } from './engine.js';
import type { RunOptions } from './options.js';
import { setUpRun, type RunMode } from './setup.js';
import { buildSummary, exitCodeFor, type RunSummary } from './summary.js';

export type { RunSummary } from './summary.js';

/** Creates (or updates) one opportunity per row. */
export function runImport(options: RunOptions): Promise<RunSummary> {
  return run('import', 'import', options);
}

/** Dry run: every check and lookup of `runImport`, no write, no ledger change. */
export function runPlan(options: RunOptions): Promise<RunSummary> {
  return run('plan', 'plan', options);
}

/** `runImport` restricted to the rows `options.retryOf` left to retry, as `retry` runs it. */
export function runImportOfRows(options: RunOptions & { retryOf: string }): Promise<RunSummary> {
  return run('import', 'retry', options);
}

async function run(mode: RunMode, command: string, options: RunOptions): Promise<RunSummary> {
  const logger = options.logger ?? silentLogger();
  const startedAt = Date.now();
  const context = await setUpRun(mode, command, options);
  const runId = randomUUID();
  if (mode === 'import') {
    context.ledger.startRun({
      runId,
      command,
      csvPath: context.settings.csv,
      mappingPath: context.settings.mapping,
      namespace: context.compiled.namespace,
      settings: JSON.stringify(context.settings),
      startedAt,
    });
  }
  logger.info(
    {
      event: 'start',
      command,
      csv: context.settings.csv,
      mapping: context.settings.mapping,
      namespace: context.compiled.namespace,
      delimiter: context.source.delimiter,
      encoding: context.source.encoding,
      report: context.files.dir,
    },
    `${command}: ${context.settings.csv}`,
  );
  const engine = new Engine(context, logger);
  try {
    const result = await engine.run();
    const summary = buildSummary({
      command,
      runId,
      startedAt,
      finishedAt: Date.now(),
      counts: result.counts,
      rowsRead: result.rowsRead,
      blankRows: result.blankRows,
      wouldCreate: result.wouldCreate,
      problems: result.problems,
      pacer: context.pacer,
      retries: result.retries,
      stopReason: result.stopReason,
      settings: context.settings,
      files: context.files,
      mode,
    });
    let reportFailure: unknown;
    try {
      await engine.report.close(summary);
    } catch (error) {
      reportFailure = error;
    }
    if (mode === 'import') {
      try {
        context.ledger.finishRun(runId, { finishedAt: Date.now(), exitCode: summary.exitCode, summary: JSON.stringify(summary) });
      } catch (error) {
        logger.error({ event: 'ledger_error' }, `the run ledger could not record the end of the run: ${(error as Error).message}`);
      }
    }
    if (reportFailure !== undefined) throw reportStopped(reportFailure, mode, context.settings.state);
    logger.info({ event: 'finish', exitCode: summary.exitCode, counts: summary.counts }, `${command} finished`);
    return summary;
  } finally {
    try {
      context.ledger.close();
    } catch (error) {
      // Answers not yet written stay `in_flight`: the next run sends them again with their keys.
      logger.error({ event: 'ledger_error' }, `the run ledger could not record the last answers: ${(error as Error).message}`);
    }
    await context.source.close();
    await context.pacer.close();
    await releaseReportDir(context.files);
  }
}

/** The report cannot be written (disk full): the run stopped; say what is safe and how to resume. */
function reportStopped(failure: unknown, mode: RunMode, statePath: string): unknown {
  if (!(failure instanceof ImportError)) return failure;
  const resume =
    mode === 'import'
      ? `; the run stopped after its requests in flight. The run ledger ${statePath} records every row sent: free some space and rerun the same command (rows already imported end \`unchanged\`; none is created twice).`
      : '; the plan stopped.';
  return new ImportError('report_incomplete', `${failure.message}${resume}`, { subject: failure.subject ?? statePath, cause: failure });
}

export { exitCodeFor };
