/**
 * Streams the report files of a run to disk as rows finish: `results.csv` (every row, input order),
 * `failed.csv` (failed and invalid rows, re-importable with the same mapping) and, at the end,
 * `summary.json`. Nothing is held in memory beyond the stream buffers.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { open, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ImportError, type RowProblem } from '../errors.js';
import type { RowStatus } from '../pipeline/status.js';
import { FAILED_FILE_STATUSES } from '../pipeline/status.js';
import { escapeFormula } from './escape.js';

/** What became of one data row of the input. */
export interface RowOutcome {
  /** Line of the source file where the record starts. */
  line: number;
  status: RowStatus;
  opportunityId?: string | null;
  httpLink?: string | null;
  idempotencyKey?: string | null;
  /** HTTP requests made for the row (0 when nothing was sent). */
  attempts: number;
  problem?: RowProblem;
  /** The row's original cells, in header order. */
  cells: readonly string[];
}

export const RESULT_COLUMNS = [
  'line',
  'status',
  'opportunity_id',
  'http_link',
  'idempotency_key',
  'attempts',
  'error_type',
  'error_code',
  'error_param',
  'error_message',
] as const;

/** Columns appended to the original ones in `failed.csv`; their presence marks a file as one of our reports. */
export const FAILED_COLUMNS = [
  'import_line',
  'import_status',
  'import_error_type',
  'import_error_code',
  'import_error_param',
  'import_error_message',
] as const;

/** Report lines buffered before a write waits for the disk. */
const REPORT_BUFFER_BYTES = 256 * 1024;

/** File mode of every report file: they hold customer data, so the owner only. */
const PRIVATE_FILE_MODE = 0o600;

export interface ReportFiles {
  dir: string;
  results: string;
  failed: string;
  summary: string;
}

export function reportFiles(dir: string): ReportFiles {
  const absolute = resolve(dir);
  return {
    dir: absolute,
    results: join(absolute, 'results.csv'),
    failed: join(absolute, 'failed.csv'),
    summary: join(absolute, 'summary.json'),
  };
}

/**
 * One CSV line, as csv-stringify writes it with a `\n` record delimiter and a quoted `\r` (so that a
 * reader never takes a lone CR for a line break): a cell holding `,` `"` LF or CR is quoted with its
 * quotes doubled, numbers are written as `String(n)`. Written by hand because it runs for every row
 * and csv-stringify's per-call set-up cost more than everything else the report does.
 */
function csvLine(cells: readonly (string | number)[]): string {
  let line = '';
  for (let index = 0; index < cells.length; index += 1) {
    const cell = cells[index]!;
    if (index > 0) line += ',';
    line += typeof cell === 'string' ? csvCell(escapeFormula(cell)) : String(cell);
  }
  return `${line}\n`;
}

const NEEDS_QUOTES = /[",\n\r]/;

function csvCell(text: string): string {
  if (!NEEDS_QUOTES.test(text)) return text;
  return `"${text.replaceAll('"', '""')}"`;
}

/**
 * Checks that the report folder can be created and written, before the run sends anything
 * (design.md: an unwritable `--out` is exit 2 with nothing written to Lightfield).
 */
export async function prepareReportDir(dir: string): Promise<ReportFiles> {
  const files = reportFiles(dir);
  try {
    mkdirSync(files.dir, { recursive: true, mode: 0o700 });
    // An earlier run's files go: the new ones are created owner-only (an existing file would keep
    // its mode), and a stale summary.json cannot pass for this run's if this one is cut short.
    await Promise.all([files.results, files.failed, files.summary].map((file) => rm(file, { force: true })));
    const probe = await open(files.results, 'w', PRIVATE_FILE_MODE);
    await probe.close();
  } catch (error) {
    throw new ImportError('output_unwritable', `Cannot write the report folder ${files.dir}: ${(error as Error).message}`, {
      subject: files.dir,
      cause: error,
    });
  }
  return files;
}

export class ReportWriter {
  readonly files: ReportFiles;
  readonly #results: WriteStream;
  readonly #failed: WriteStream;
  readonly #header: readonly string[];
  #failedCount = 0;
  /** The first write error (disk full…): kept, so that it stops the run instead of crashing the process. */
  #failure: ImportError | undefined;

  constructor(files: ReportFiles, header: readonly string[]) {
    this.files = files;
    this.#header = header;
    // A larger buffer than the 16 KB default: with it, the pipeline waited for the disk every ~60
    // rows of a fast run (a plan, a rerun of unchanged rows); the file is written in bigger chunks.
    this.#results = createWriteStream(files.results, { mode: PRIVATE_FILE_MODE, highWaterMark: REPORT_BUFFER_BYTES });
    this.#failed = createWriteStream(files.failed, { mode: PRIVATE_FILE_MODE, highWaterMark: REPORT_BUFFER_BYTES });
    this.#results.on('error', (error) => this.#fail(files.results, error));
    this.#failed.on('error', (error) => this.#fail(files.failed, error));
    this.#results.write(csvLine([...RESULT_COLUMNS, ...header]));
    this.#failed.write(csvLine([...header, ...FAILED_COLUMNS]));
  }

  /** Rows that went to `failed.csv`. */
  get failedCount(): number {
    return this.#failedCount;
  }

  /** Appends one row; resolves when the stream can take more (backpressure to the pipeline). */
  async write(outcome: RowOutcome): Promise<void> {
    this.#throwIfFailed();
    const cells = this.#cellsInHeaderShape(outcome.cells);
    const problem = outcome.problem;
    const resultsOk = this.#results.write(
      csvLine([
        outcome.line,
        outcome.status,
        outcome.opportunityId ?? '',
        outcome.httpLink ?? '',
        outcome.idempotencyKey ?? '',
        outcome.attempts,
        problem?.type ?? '',
        problem?.code ?? '',
        problem?.param ?? '',
        problem?.message ?? '',
        ...cells,
      ]),
    );
    let failedOk = true;
    if (FAILED_FILE_STATUSES.has(outcome.status)) {
      this.#failedCount += 1;
      failedOk = this.#failed.write(
        csvLine([
          ...cells,
          outcome.line,
          outcome.status,
          problem?.type ?? '',
          problem?.code ?? '',
          problem?.param ?? '',
          problem?.message ?? '',
        ]),
      );
    }
    if (!resultsOk) await drained(this.#results);
    if (!failedOk) await drained(this.#failed);
    this.#throwIfFailed();
  }

  /** Flushes and closes the CSV files, then writes `summary.json`. Throws a `report_incomplete` ImportError. */
  async close(summary: unknown): Promise<void> {
    this.#throwIfFailed();
    try {
      await Promise.all([endStream(this.#results), endStream(this.#failed)]);
      this.#throwIfFailed();
      await writeFile(this.files.summary, `${JSON.stringify(summary, null, 2)}\n`, { mode: PRIVATE_FILE_MODE });
    } catch (error) {
      this.#fail(this.files.summary, error);
      this.#throwIfFailed();
    }
  }

  #fail(file: string, error: unknown): void {
    this.#failure ??= new ImportError('report_incomplete', `Cannot write the report file ${file} (${(error as Error).message})`, {
      subject: file,
      cause: error,
    });
  }

  #throwIfFailed(): void {
    if (this.#failure !== undefined) throw this.#failure;
  }

  #cellsInHeaderShape(cells: readonly string[]): readonly string[] {
    if (cells.length === this.#header.length) return cells;
    const shaped = cells.slice(0, this.#header.length);
    while (shaped.length < this.#header.length) shaped.push('');
    return shaped;
  }
}

/** Resolves when the stream takes more, or when it failed and closed (it will never drain then). */
function drained(stream: WriteStream): Promise<void> {
  if (stream.destroyed) return Promise.resolve();
  return new Promise((resolvePromise) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      resolvePromise();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}

function endStream(stream: WriteStream): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    stream.once('error', reject);
    stream.end(() => resolvePromise());
  });
}
