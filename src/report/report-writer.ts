/**
 * Streams the report files of a run to disk as rows finish: `results.csv` (every row, input order),
 * `failed.csv` (failed and invalid rows, re-importable with the same mapping) and, at the end,
 * `summary.json`. Nothing is held in memory beyond the stream buffers.
 */
import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { stringify, type Stringifier } from 'csv-stringify';
import { stringify as stringifySync } from 'csv-stringify/sync';
import type { ProblemGroup } from './problems.js';
import { ImportError } from '../errors.js';
import { escapeFormula } from './escape.js';
import { placeExtraColumns, reportCsvFormat } from './extra-columns.js';
import { PRIVATE_FILE_MODE, reportFiles, writeFileAtomically, type ReportFiles } from './report-folder.js';
import { FAILED_FILE_STATUSES, type RowOutcome } from './row-outcome.js';

export type { RowOutcome } from './row-outcome.js';
export { defaultReportDir, prepareReportDir, releaseReportDir, reportFiles, type ReportFiles } from './report-folder.js';

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
  'changes',
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

/** Whether a CSV header is that of a failed.csv this tool wrote (the input of a re-import). */
export function isFailedReport(header: readonly string[]): boolean {
  return header.includes(FAILED_COLUMNS[FAILED_COLUMNS.length - 1]!);
}

/**
 * Refuses an input that is one of the report files the run is about to write: importing
 * `report/failed.csv` with `--out report` would overwrite the file while it is read.
 */
export function refuseReadingTheReport(csvPath: string, outDir: string): void {
  const files = reportFiles(outDir);
  const csv = resolve(csvPath);
  if (csv === files.failed || csv === files.results || csv === files.summary) {
    throw new ImportError(
      'usage',
      `${csvPath} is a report file of the folder this run writes its report to (${files.dir}); give another --out folder`,
      { subject: csvPath },
    );
  }
}

/** Bytes a report file buffers before the run waits for the disk. */
const WRITE_BUFFER_BYTES = 1024 * 1024;

/** A report CSV file written through csv-stringify, its text cells formula-escaped. */
function csvFile(path: string, options: { delimiter: string; bom: boolean }): { stringifier: Stringifier; done: Promise<void> } {
  const stringifier = stringify({ ...reportCsvFormat(options), cast: { string: escapeFormula } });
  // A plan writes every row of a big file as fast as it reads them: with the default 16 KiB buffer
  // the run waits on the disk every few rows (measured: 10 % of a 100k-row plan's time spent idle).
  const done = pipeline(stringifier, createWriteStream(path, { mode: PRIVATE_FILE_MODE, highWaterMark: WRITE_BUFFER_BYTES }));
  return { stringifier, done };
}

/** NUL characters cannot be fixed in a spreadsheet and stop most tools reading a CSV: failed.csv leaves them out. */
const NUL = /\0/g;

export interface ReportWriterOptions {
  /** The source's delimiter: failed.csv keeps it, so the original command reads it back. @default ',' */
  sourceDelimiter?: string;
  /** The record type the rows became: names results.csv's ID column (`account_id`). @default 'opportunity' */
  object?: string;
}

/** results.csv's own columns for a run writing `object` records. */
export function resultColumns(object = 'opportunity'): string[] {
  return RESULT_COLUMNS.map((column) => (column === 'opportunity_id' ? `${object}_id` : column));
}

export class ReportWriter {
  readonly files: ReportFiles;
  readonly #results: { stringifier: Stringifier; done: Promise<void> };
  readonly #failed: { stringifier: Stringifier; done: Promise<void> };
  readonly #header: readonly string[];
  readonly #failedDelimiter: string;
  #failedCount = 0;
  /** The most cells beyond the header a row had (a ragged row); their columns are placed at close. */
  #extraCount = 0;
  #failedExtraCount = 0;
  /** The first write error (disk full…): kept, so that it stops the run instead of crashing the process. */
  #failure: ImportError | undefined;

  constructor(files: ReportFiles, header: readonly string[], options: ReportWriterOptions = {}) {
    this.files = files;
    this.#header = header;
    this.#results = csvFile(files.results, { delimiter: ',', bom: false });
    // UTF-8 with a BOM: the BOM wins over --encoding, so the file re-imports with the original
    // command's options whatever the source's encoding was.
    this.#failedDelimiter = options.sourceDelimiter ?? ',';
    this.#failed = csvFile(files.failed, { delimiter: this.#failedDelimiter, bom: true });
    this.#results.done.catch((error: unknown) => this.#fail(files.results, error));
    this.#failed.done.catch((error: unknown) => this.#fail(files.failed, error));
    this.#results.stringifier.write([...resultColumns(options.object), ...header]);
    this.#failed.stringifier.write([...header, ...FAILED_COLUMNS]);
  }

  /** Rows that went to `failed.csv`. */
  get failedCount(): number {
    return this.#failedCount;
  }

  /** Appends one row; resolves when the files can take more (backpressure to the pipeline). */
  async write(outcome: RowOutcome): Promise<void> {
    this.#throwIfFailed();
    const { cells, extras } = this.#inHeaderShape(outcome.cells);
    this.#extraCount = Math.max(this.#extraCount, extras.length);
    const problem = outcome.problem;
    const resultsOk = this.#results.stringifier.write([
      outcome.line,
      outcome.status,
      outcome.recordId ?? '',
      outcome.httpLink ?? '',
      outcome.idempotencyKey ?? '',
      outcome.attempts,
      problem?.type ?? '',
      problem?.code ?? '',
      problem?.param ?? '',
      problem?.message ?? '',
      outcome.changes ?? '',
      ...cells,
      ...extras,
    ]);
    let failedOk = true;
    if (FAILED_FILE_STATUSES.has(outcome.status)) {
      this.#failedCount += 1;
      this.#failedExtraCount = Math.max(this.#failedExtraCount, extras.length);
      const hasNul = [...cells, ...extras].some((cell) => cell.includes('\0'));
      const note = hasNul ? ' (NUL characters were removed from the cells written here)' : '';
      failedOk = this.#failed.stringifier.write([
        ...(hasNul ? cells.map((cell) => cell.replace(NUL, '')) : cells),
        outcome.line,
        outcome.status,
        problem?.type ?? '',
        problem?.code ?? '',
        problem?.param ?? '',
        `${problem?.message ?? ''}${note}`,
        ...(hasNul ? extras.map((cell) => cell.replace(NUL, '')) : extras),
      ]);
    }
    if (!resultsOk) await drained(this.#results.stringifier);
    if (!failedOk) await drained(this.#failed.stringifier);
    this.#throwIfFailed();
  }

  /** Flushes and closes the CSV files, then writes `summary.json`. Throws a `report_incomplete` ImportError. */
  async close(summary: unknown): Promise<void> {
    this.#throwIfFailed();
    try {
      this.#results.stringifier.end();
      this.#failed.stringifier.end();
      await Promise.all([this.#results.done, this.#failed.done]);
      this.#throwIfFailed();
      await this.#placeExtraColumns();
      const problems = (summary as { problems?: readonly ProblemGroup[] }).problems ?? [];
      await writeFileAtomically(this.files.problems, problemsCsv(problems));
      await writeFileAtomically(this.files.summary, `${JSON.stringify(summary, null, 2)}\n`);
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

  /** The cells under the header, and those of a ragged row beyond it. */
  #inHeaderShape(cells: readonly string[]): { cells: readonly string[]; extras: readonly string[] } {
    const width = this.#header.length;
    if (cells.length === width) return { cells, extras: [] };
    const shaped = cells.slice(0, width);
    while (shaped.length < width) shaped.push('');
    return { cells: shaped, extras: cells.slice(width) };
  }

  /** results.csv gets the extra columns at its end, failed.csv before its import_* columns. */
  async #placeExtraColumns(): Promise<void> {
    const width = this.#header.length;
    if (this.#extraCount > 0) {
      const resultsWidth = RESULT_COLUMNS.length + width;
      await placeExtraColumns(this.files.results, { delimiter: ',', bom: false, width: resultsWidth, insertAt: resultsWidth, count: this.#extraCount });
    }
    if (this.#failedExtraCount > 0) {
      const layout = { delimiter: this.#failedDelimiter, bom: true, width: width + FAILED_COLUMNS.length, insertAt: width, count: this.#failedExtraCount };
      await placeExtraColumns(this.files.failed, layout);
    }
  }
}

/** problems.csv: one line per group of problems, the largest first. */
function problemsCsv(groups: readonly ProblemGroup[]): string {
  return stringifySync(
    [['code', 'column', 'count', 'lines', 'values', 'hint'], ...groups.map((group) => [group.code, group.column, group.count, group.lines.join(' '), group.values.join(' | '), group.hint])],
    { record_delimiter: 'unix', cast: { string: escapeFormula } },
  );
}

/** Resolves when the stream takes more, or when it failed and closed (it will never drain then). */
function drained(stream: Stringifier): Promise<void> {
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
