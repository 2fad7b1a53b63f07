/**
 * The engine of a run: reads the CSV, prepares every row (prepare-row.ts), hands the rows that need a
 * request or a lookup to a p-queue whose concurrency follows the latency (the rate limiter paces the
 * requests themselves), and writes every row's outcome to the report in input order. The reader waits
 * while the queue is full, so memory does not grow with the file.
 */
import PQueue from 'p-queue';
import { setMaxListeners } from 'node:events';
import { ImportError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { Progress } from '../log/progress.js';
import { combined, LookupResolver, type RowResolution } from '../lookup/resolver.js';
import { unescapeFormula } from '../report/escape.js';
import { identityOf } from '../mapping/index.js';
import { isBlankRecord, type CsvRecord } from '../reader/index.js';
import { leftoverExtraCells, readBackColumns, reportCellsOf, type ReadBackColumns } from '../report/read-back.js';
import { isFailedReport, ReportWriter } from '../report/report-writer.js';
import type { RowOutcome } from '../report/row-outcome.js';
import { ProblemGroups, type ProblemGroup } from '../report/problems.js';
import { problemHints } from './problem-hints.js';
import { RowImporter } from './import-row.js';
import { identityFieldOf } from './identity-field.js';
import { DEFAULT_OUTAGE_MS, DEFAULT_OUTAGE_ROWS, DEFAULT_STOP_GRACE_MS, IDEMPOTENCY_WINDOW_MS } from './options.js';
import { OutageWatch } from './outage.js';
import { OrderedOutput } from './ordered-output.js';
import { planRow, planRowNow, type PlanContext } from './plan-row.js';
import { rowPolicy } from './decide.js';
import { matchContext } from './match-record.js';
import { prepareRow, type InvalidRowWithLookups } from './prepare-row.js';
import { notAttempted, settledWithoutRequest, withNotes, type ReadyRow } from './ready-row.js';
import { SeenIdentities } from './seen-identities.js';
import type { RunContext } from './setup.js';
import type { StopReason } from './summary.js';

/** What the engine hands back to the run's lifecycle for the summary. */
export interface EngineResult {
  counts: Record<string, number>;
  rowsRead: number;
  blankRows: number;
  /** A plan: distinct related records that find-or-create lookups would make, per object. */
  wouldCreate: Record<string, number>;
  /** The invalid and failed rows' problems, grouped. */
  problems: ProblemGroup[];
  retries: number;
  stopReason: StopReason | null;
}

export class Engine {
  readonly report: ReportWriter;
  readonly #context: RunContext;
  readonly #logger: Logger;
  readonly #counts = new Map<string, number>();
  readonly #problems = new ProblemGroups();
  /** The values (lower-cased) of the related records a plan would create, per object. */
  readonly #wouldCreate = new Map<string, Set<string>>();
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
  /** A failed.csv read back: which of its columns are source columns, which extra cells; undefined: any other CSV. */
  readonly #readBack: ReadBackColumns | undefined;

  constructor(context: RunContext, logger: Logger) {
    this.#context = context;
    this.#logger = logger;
    const header = context.source.header;
    this.#readBack = isFailedReport(header) ? readBackColumns(header) : undefined;
    this.report = new ReportWriter(context.files, this.#readBack ? this.#readBack.kept.map((index) => header[index]!) : header, {
      sourceDelimiter: context.source.delimiter,
      object: context.compiled.object,
    });
    // Every request in flight listens to this signal: as many listeners as the concurrency allows.
    setMaxListeners(0, this.#hardStop.signal);
  }

  async run(): Promise<EngineResult> {
    const { options, source, compiled, pacer, mode, retryIdentities } = this.#context;
    const now = options.now ?? Date.now;
    const seen = new SeenIdentities();
    const outage = new OutageWatch({ rows: options.outageRows ?? DEFAULT_OUTAGE_ROWS, ms: options.outageMs ?? DEFAULT_OUTAGE_MS });
    const output = new OrderedOutput<RowOutcome>((outcome) => this.#write(outcome));
    const concurrencyCap = this.#context.settings.concurrency;
    const queue = new PQueue({ concurrency: pacer.wantedConcurrency(concurrencyCap) });
    const policy = rowPolicy(compiled.mode, this.#context.settings.update, compiled.matchField);
    const resolver = new LookupResolver({
      client: this.#context.client,
      ledger: this.#context.ledger,
      mode,
      requestOptions: { signal: this.#hardStop.signal, onRetry: () => (this.#retries += 1) },
    });
    const importer = new RowImporter({
      object: compiled.object,
      namespace: compiled.namespace,
      client: this.#context.client,
      ledger: this.#context.ledger,
      resolver,
      definitions: this.#context.definitions,
      logger: this.#logger,
      policy,
      matchField: compiled.matchField,
      now,
      idempotencyWindowMs: IDEMPOTENCY_WINDOW_MS,
      hardSignal: this.#hardStop.signal,
      identityField: identityFieldOf(this.#context.mapping),
      recreateDeleted: this.#context.settings.recreateDeleted,
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

    const planContext: PlanContext = {
      namespace: compiled.namespace,
      resolver,
      policy,
      definitions: this.#context.definitions,
      match: compiled.matchField === undefined ? undefined : matchContext(this.#context, compiled.matchField, resolver, this.#hardStop.signal),
    };
    const handle = async (row: ReadyRow): Promise<RowOutcome> =>
      withNotes(row, mode === 'plan' ? await planRow(row, planContext) : await importer.import(row));
    let sequence = 0;
    try {
      for await (const record of untilChanged(source.records, (change) => this.#sourceChanged(change))) {
        if (options.limit !== undefined && this.#rowsRead >= options.limit) break;
        if (isBlankRecord(record)) {
          this.#blankRows += 1;
          continue;
        }
        const cells = this.#readBack ? record.cells.map(unescapeFormula) : record.cells;
        if (retryIdentities && !retryIdentities.has(identityOf(compiled, cells))) continue;
        this.#rowsRead += 1;
        const index = sequence++;
        if (this.#stopReason) {
          await this.#put(output, index, notAttempted(record.line, cells));
          continue;
        }
        let prepared: ReturnType<typeof prepareRow>;
        try {
          prepared = prepareRow(this.#withLeftoverCells(record, cells), cells, { compiled, ledger: this.#context.ledger, seen, policy, now: now() });
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
        const settled = 'invalid' in prepared ? undefined : settledWithoutRequest(prepared);
        // A note (a rounded cell) on a row that needs no request is still said.
        if (settled) {
          await this.#put(output, index, 'invalid' in prepared ? settled : withNotes(prepared, settled));
          continue;
        }
        const work = prepared;
        // A plan row whose lookups this run has all answered already needs no request: it is planned
        // here rather than waiting for a slot in the queue (most rows of a big file, once its first
        // accounts and owners are found).
        const planned = mode === 'plan' && !('invalid' in work) ? planRowNow(work, planContext) : undefined;
        if (planned) {
          await this.#put(output, index, planned);
          continue;
        }
        queue.concurrency = pacer.wantedConcurrency(concurrencyCap);
        await queue.onSizeLessThan(queue.concurrency);
        void queue.add(async () => {
          const outcome =
            'invalid' in work
              ? await withLookupProblems(work, resolver)
              : this.#stopReason
                ? notAttempted(work.line, work.cells)
                : await handle(work);
          if (outcome.problem?.type === 'unauthorized' || outcome.problem?.type === 'forbidden') this.#stop('auth');
          if (outcome.problem?.type === 'state_unwritable') this.#stop('storage');
          if (outcome.problem?.type === 'rate_limiter_unavailable') this.#stop('rate_limiter');
          const notAnswering = outage.observe(outcome);
          if (notAnswering !== undefined && !this.#stopReason) {
            this.#logger.error({ event: 'outage' }, notAnswering);
            this.#stop('outage');
          }
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
      wouldCreate: this.#wouldCreateCounts(),
      problems: this.#problems.list(problemHints(this.#context.compiled, this.#context.definitions)),
      retries: this.#retries,
      stopReason: this.#stopReason,
    };
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

  #wouldCreateCounts(): Record<string, number> {
    return Object.fromEntries([...this.#wouldCreate].map(([object, values]) => [object, values.size]));
  }

  async #write(outcome: RowOutcome): Promise<void> {
    this.#counts.set(outcome.status, (this.#counts.get(outcome.status) ?? 0) + 1);
    this.#problems.add(outcome);
    for (const create of outcome.wouldCreate ?? []) {
      const values = this.#wouldCreate.get(create.object) ?? new Set<string>();
      values.add(create.value.trim().toLowerCase());
      this.#wouldCreate.set(create.object, values);
    }
    this.#rowsDone += 1;
    const readBack = this.#readBack;
    if (this.#reportFailed) return;
    try {
      await this.report.write(readBack ? { ...outcome, cells: reportCellsOf(readBack, this.#context.source.header.length, outcome.cells) } : outcome);
    } catch (error) {
      // Disk full: stop sending rows whose outcome could not be reported; close() rethrows the error.
      this.#reportFailed = true;
      this.#logger.error({ event: 'report_error' }, (error as Error).message);
      this.#stop('storage');
    }
  }

  /** A failed.csv row read back whose `import_extra_*` cells are still filled: its cells are still shifted. */
  #withLeftoverCells(record: CsvRecord, cells: readonly string[]): CsvRecord {
    if (this.#readBack === undefined || this.#readBack.extras.length === 0 || record.error) return record;
    const message = leftoverExtraCells(this.#readBack, this.#context.source.header, cells, record.line);
    return message === undefined ? record : { ...record, error: { code: 'ragged_row', message } };
  }

  /** Rows read before the change go on; none read after it came out of the reader. */
  #sourceChanged(change: ImportError): void {
    this.#logger.error({ event: 'file_changed' }, change.message);
    this.#stop('source_changed');
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

/** An invalid row, never sent, with the problems of its lookups added: one run shows all of them. */
async function withLookupProblems(row: InvalidRowWithLookups, resolver: LookupResolver): Promise<RowOutcome> {
  let resolved: RowResolution;
  try {
    resolved = await resolver.resolveAll(row.lookups);
  } catch {
    // No answer to a lookup (network, stop): the row's own problems are what it reports.
    return row.invalid;
  }
  if (resolved.ok) return row.invalid;
  const problems = [...row.invalid.problems, ...resolved.problems];
  return { ...row.invalid, problem: combined(problems), problems };
}

/** The ledger cannot be read or written (disk full, I/O error). */
function isStorageError(error: unknown): boolean {
  return error instanceof ImportError && (error.code === 'state_unwritable' || error.code === 'state_damaged');
}

/** The records until the file changes under the reader: then `onChange`, and no more records. */
async function* untilChanged(records: AsyncIterable<CsvRecord>, onChange: (change: ImportError) => void): AsyncGenerator<CsvRecord> {
  try {
    yield* records;
  } catch (error) {
    if (!(error instanceof ImportError && error.code === 'file_changed')) throw error;
    onChange(error);
  }
}
