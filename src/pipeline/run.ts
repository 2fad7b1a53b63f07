/**
 * `runImport` and `runPlan`: read the CSV, map every row, decide its action against the ledger, send
 * it through the paced queue, and report every row in input order. The reader waits while the queue
 * is full, so memory does not grow with the file.
 */
import PQueue from 'p-queue';
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { ImportError, type RowProblem } from '../errors.js';
import { silentLogger, type Logger } from '../log/logger.js';
import { Progress } from '../log/progress.js';
import { LookupResolver } from '../lookup/resolver.js';
import { canonicalPayload, mapRow, payloadHash } from '../mapping/index.js';
import type { CsvRecord } from '../reader/types.js';
import { ReportWriter, type RowOutcome } from '../report/report-writer.js';
import { unescapeFormula } from '../report/escape.js';
import { FAILED_COLUMNS } from '../report/report-writer.js';
import { decide } from './decide.js';
import { OrderedOutput } from './ordered-output.js';
import { DEFAULT_STOP_GRACE_MS, IDEMPOTENCY_WINDOW_MS, type RunOptions } from './options.js';
import { RowProcessor, type ReadyRow } from './row-processor.js';
import { SeenIdentities } from './seen-identities.js';
import { setUpRun, type RunContext, type RunMode } from './setup.js';
import { buildSummary, exitCodeFor, type RunSummary, type StopReason } from './summary.js';
import { identityFieldOf } from './identity-field.js';

export type { RunSummary } from './summary.js';

/** Creates (or updates) one opportunity per row. */
export function runImport(options: RunOptions): Promise<RunSummary> {
  return run('import', 'import', options);
}

/** Dry run: every check and lookup of `runImport`, no write, no ledger change. */
export function runPlan(options: RunOptions): Promise<RunSummary> {
  return run('plan', 'plan', options);
}

/** `runImport` restricted to `options.lines`, as `retry` runs it. */
export function runImportOfLines(options: RunOptions & { lines: ReadonlySet<number> }): Promise<RunSummary> {
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

/** The ledger cannot be read or written (disk full, I/O error). */
function isStorageError(error: unknown): boolean {
  return error instanceof ImportError && error.code === 'state_unwritable';
}

class Engine {
  readonly report: ReportWriter;
  readonly #context: RunContext;
  readonly #logger: Logger;
  readonly #counts = new Map<string, number>();
  readonly #hardStop = new AbortController();
  #stopReason: StopReason | null = null;
  #graceTimer: NodeJS.Timeout | undefined;
  #retries = 0;
  #rowsRead = 0;
  #readingDone = false;
  #blankRows = 0;
  #rowsDone = 0;
  #failures = 0;
  #reportFailed = false;
  /** Indices of the input columns the report repeats; undefined: all of them. */
  readonly #reportColumns: number[] | undefined;

  constructor(context: RunContext, logger: Logger) {
    this.#context = context;
    this.#logger = logger;
    // A failed.csv read back carries the error columns of its own run: the new report writes fresh
    // ones instead of repeating them, so that its header never names a column twice.
    const header = context.source.header;
    const kept = header.flatMap((name, index) => ((FAILED_COLUMNS as readonly string[]).includes(name) ? [] : [index]));
    this.#reportColumns = kept.length < header.length ? kept : undefined;
    this.report = new ReportWriter(context.files, this.#reportColumns ? this.#reportColumns.map((index) => header[index]!) : header);
    // Every request in flight listens to this signal: as many listeners as the concurrency allows.
    setMaxListeners(0, this.#hardStop.signal);
  }

  async run(): Promise<{
    counts: Record<string, number>;
    rowsRead: number;
    blankRows: number;
    retries: number;
    stopReason: StopReason | null;
  }> {
    const { options, source, compiled, pacer, mode } = this.#context;
    const now = options.now ?? Date.now;
    const seen = new SeenIdentities();
    const output = new OrderedOutput<RowOutcome>((outcome) => this.#write(outcome));
    const concurrencyCap = this.#context.settings.concurrency;
    const queue = new PQueue({ concurrency: pacer.wantedConcurrency(concurrencyCap) });
    const processor = new RowProcessor({
      mode,
      namespace: compiled.namespace,
      client: this.#context.client,
      ledger: this.#context.ledger,
      resolver: new LookupResolver(this.#context.client, { signal: this.#hardStop.signal }),
      definitions: this.#context.definitions,
      logger: this.#logger,
      update: this.#context.settings.update,
      now,
      idempotencyWindowMs: IDEMPOTENCY_WINDOW_MS,
      hardSignal: this.#hardStop.signal,
      identityField: identityFieldOf(this.#context.mapping),
      onRetry: () => {
        this.#retries += 1;
      },
    });
    const progress =
      options.progress === undefined ? undefined : new Progress({ logger: this.#logger, live: options.progress, label: this.#context.settings.command });
    progress?.start(() => ({
      rowsRead: this.#rowsRead,
      readingDone: this.#readingDone,
      rowsDone: this.#rowsDone,
      failures: this.#failures,
      rateLimited: pacer.rateLimited,
      bytesRead: source.bytesRead(),
      totalBytes: source.size,
    }));
    const onAbort = (): void => this.#stop('signal');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) this.#stop('signal');

    const isReport = source.header.includes(FAILED_COLUMNS[FAILED_COLUMNS.length - 1]!);
    let sequence = 0;
    try {
      for await (const record of source.records) {
        if (options.lines && !options.lines.has(record.line)) continue;
        if (options.limit !== undefined && this.#rowsRead >= options.limit) break;
        // Spreadsheets leave rows of empty cells (`;;;;`) at the end of exports: not data rows.
        if (isBlank(record.cells)) {
          this.#blankRows += 1;
          continue;
        }
        this.#rowsRead += 1;
        const cells = isReport ? record.cells.map(unescapeFormula) : record.cells;
        const index = sequence++;
        if (this.#stopReason) {
          await this.#put(output, index, notAttempted(record.line, cells));
          continue;
        }
        let prepared: ReadyRow | RowOutcome;
        try {
          prepared = this.#prepare(record, cells, seen, now());
        } catch (error) {
          // The ledger cannot be read: stop sending, and leave the row to the rerun.
          if (!isStorageError(error)) throw error;
          this.#logger.error({ event: 'ledger_error', line: record.line }, (error as Error).message);
          this.#stop('storage');
          await this.#put(output, index, notAttempted(record.line, cells));
          continue;
        }
        if ('status' in prepared) {
          await this.#put(output, index, prepared);
          continue;
        }
        if (prepared.action.kind === 'unchanged' || prepared.action.kind === 'not_updated') {
          await this.#put(output, index, await processor.process(prepared));
          continue;
        }
        queue.concurrency = pacer.wantedConcurrency(concurrencyCap);
        await queue.onSizeLessThan(queue.concurrency);
        void queue.add(async () => {
          const outcome = this.#stopReason ? notAttempted(prepared.line, prepared.cells) : await processor.process(prepared);
          if (outcome.problem?.type === 'unauthorized' || outcome.problem?.type === 'forbidden') this.#stop('auth');
          if (outcome.problem?.type === 'state_unwritable') this.#stop('storage');
          if (outcome.problem?.type === 'rate_limiter_unavailable') this.#stop('rate_limiter');
          this.#settled(outcome);
          await output.put(index, outcome);
        });
      }
      this.#readingDone = true;
      await queue.onIdle();
      await output.flushed();
    } finally {
      clearTimeout(this.#graceTimer);
      options.signal?.removeEventListener('abort', onAbort);
      progress?.stop();
      seen.close();
    }
    return {
      counts: Object.fromEntries(this.#counts),
      rowsRead: this.#rowsRead,
      blankRows: this.#blankRows,
      retries: this.#retries,
      stopReason: this.#stopReason,
    };
  }

  /** Local checks and the ledger decision; an outcome when the row needs no request. */
  #prepare(record: CsvRecord, cells: readonly string[], seen: SeenIdentities, now: number): ReadyRow | RowOutcome {
    const { compiled, ledger } = this.#context;
    if (record.error) {
      return invalid(record.line, cells, {
        type: 'invalid_csv',
        code: record.error.code,
        param: '',
        message: record.error.message,
      });
    }
    const mapped = mapRow(compiled, cells as string[]);
    // A row refused locally does not claim its identity: a later, valid row with it is imported.
    if (!mapped.ok) {
      const [first, ...rest] = mapped.problems;
      return invalid(record.line, cells, {
        ...first!,
        message: [first!.message, ...rest.map((problem) => problem.message)].join('; '),
      });
    }
    const firstLine = seen.firstLine(mapped.identity, record.line);
    if (firstLine !== undefined) {
      return {
        line: record.line,
        status: 'skipped_duplicate',
        attempts: 0,
        problem: {
          type: 'duplicate',
          code: 'duplicate_identity',
          param: '',
          message: `same identity as line ${firstLine} (${mapped.identity}); only the first is imported`,
        },
        cells,
      };
    }
    const row = { fields: mapped.fields, relationships: mapped.relationships };
    const payload = canonicalPayload(row);
    const hash = payloadHash(payload);
    const action = decide({
      entry: ledger.get(compiled.namespace, mapped.identity),
      payloadHash: hash,
      row,
      update: this.#context.settings.update,
      now,
      idempotencyWindowMs: IDEMPOTENCY_WINDOW_MS,
    });
    return { line: record.line, cells, identity: mapped.identity, ...row, payload, payloadHash: hash, action };
  }

  /**
   * Counts a refused row as soon as its outcome is known, not when the ordered report reaches it:
   * `--max-errors` must stop the sending before rows queued behind a slow one are dispatched.
   */
  #settled(outcome: RowOutcome): void {
    if (outcome.status !== 'failed' && outcome.status !== 'invalid') return;
    this.#failures += 1;
    const maxErrors = this.#context.settings.maxErrors;
    if (maxErrors !== null && this.#failures >= maxErrors) this.#stop('max_errors');
  }

  async #put(output: OrderedOutput<RowOutcome>, index: number, outcome: RowOutcome): Promise<void> {
    this.#settled(outcome);
    const written = output.put(index, outcome);
    // Rows that need no request come much faster than the report file takes them: wait now and then.
    if (output.waiting > 256 || index % 512 === 0) await written;
  }

  async #write(outcome: RowOutcome): Promise<void> {
    this.#counts.set(outcome.status, (this.#counts.get(outcome.status) ?? 0) + 1);
    this.#rowsDone += 1;
    const columns = this.#reportColumns;
    if (this.#reportFailed) return;
    try {
      await this.report.write(columns ? { ...outcome, cells: columns.map((index) => outcome.cells[index] ?? '') } : outcome);
    } catch (error) {
      // Disk full: stop sending rows whose outcome could not be reported; close() rethrows the error.
      this.#reportFailed = true;
      this.#logger.error({ event: 'report_error' }, (error as Error).message);
      this.#stop('storage');
    }
  }

  #stop(reason: StopReason): void {
    if (this.#stopReason) return;
    this.#stopReason = reason;
    this.#logger.warn({ event: 'stop', reason }, `stopping (${reason}): no new rows are sent; requests in flight finish`);
    // Requests in flight get a bounded time to finish; then they are aborted and stay in flight in
    // the ledger, so the rerun sends them again with their keys.
    const graceMs = this.#context.options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
    this.#graceTimer = setTimeout(() => this.#hardStop.abort(new Error('stop grace period over')), graceMs);
  }

}

function isBlank(cells: readonly string[]): boolean {
  return cells.every((cell) => cell.trim() === '');
}

function invalid(line: number, cells: readonly string[], problem: RowProblem): RowOutcome {
  return { line, status: 'invalid', attempts: 0, problem, cells };
}

function notAttempted(line: number, cells: readonly string[]): RowOutcome {
  return {
    line,
    status: 'not_attempted',
    attempts: 0,
    problem: { type: 'stopped', code: 'not_attempted', param: '', message: 'the run stopped before this row; rerun the same command to resume' },
    cells,
  };
}

export { exitCodeFor };
