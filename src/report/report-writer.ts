/**
 * Streams the report files of a run to disk as rows finish: `results.csv` (every row, input order),
 * `failed.csv` (failed and invalid rows, re-importable with the same mapping) and, at the end,
 * `summary.json`. Nothing is held in memory beyond a 64 KB piece and the stream buffers.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { open, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ImportError, type RowProblem } from '../errors.js';
import type { RowStatus } from '../pipeline/status.js';
import { FAILED_FILE_STATUSES } from '../pipeline/status.js';
import { numberText } from '../number-text.js';
import { Utf8Pieces } from '../utf8-pieces.js';
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
  /** The row's original cells as the report writes them ({@link renderCells}). */
  cellsText: string;
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
    if (index > 0) line += ',';
    line += csvText(cells[index]!);
  }
  return `${line}\n`;
}

/** One cell of a line: formula-escaped, quoted when needed; numbers as `String(n)`. */
function csvText(cell: string | number): string {
  if (typeof cell !== 'string') return Number.isFinite(cell) ? numberText(cell) : String(cell);
  const text = escapeFormula(cell);
  if (!NEEDS_QUOTES.test(text)) return text;
  return `"${text.replaceAll('"', '""')}"`;
}

const NEEDS_QUOTES = /[",\n\r]/;

/**
 * Which of the input's columns the report repeats after its own: all of them, except that a
 * failed.csv read back carries the error columns of its own run, which the new report writes
 * afresh instead of repeating (so that its header never names a column twice).
 */
export interface ReportShape {
  /** Indexes of the kept input columns; undefined: all of them. */
  columns: number[] | undefined;
  /** The kept columns' names. */
  header: string[];
}

export function reportShape(inputHeader: readonly string[]): ReportShape {
  const kept = inputHeader.flatMap((name, index) => ((FAILED_COLUMNS as readonly string[]).includes(name) ? [] : [index]));
  if (kept.length === inputHeader.length) return { columns: undefined, header: [...inputHeader] };
  return { columns: kept, header: kept.map((index) => inputHeader[index]!) };
}

/**
 * A row's own cells as the report writes them: the shape's columns (missing cells empty),
 * formula-escaped, as CSV text. Done once per row, where the row is read.
 */
export function renderCells(cells: readonly string[], shape: ReportShape): string {
  const columns = shape.columns;
  const count = shape.header.length;
  let text = '';
  for (let index = 0; index < count; index += 1) {
    const cell = csvText(cells[columns === undefined ? index : columns[index]!] ?? '');
    text += index > 0 ? `,${cell}` : cell;
  }
  return text;
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
  /** Lines not yet handed to the streams. */
  readonly #resultsPiece: Utf8Pieces;
  readonly #failedPiece: Utf8Pieces;
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
    this.#resultsPiece = new Utf8Pieces((piece) => this.#results.write(piece));
    this.#failedPiece = new Utf8Pieces((piece) => this.#failed.write(piece));
    this.#results.on('error', (error) => this.#fail(files.results, error));
    this.#failed.on('error', (error) => this.#fail(files.failed, error));
    this.#results.write(csvLine([...RESULT_COLUMNS, ...header]));
    this.#failed.write(csvLine([...header, ...FAILED_COLUMNS]));
  }

  /** Rows that went to `failed.csv`. */
  get failedCount(): number {
    return this.#failedCount;
  }

  /**
   * Appends one row; throws the first write error (disk full…). Does not wait for the disk: the
   * caller waits for {@link drained} whenever {@link needsDrain} says the buffers are full.
   */
  write(outcome: RowOutcome): void {
    this.#throwIfFailed();
    const problem = outcome.problem;
    const width = this.#header.length;
    let results =
      `${numberText(outcome.line)},${outcome.status},${csvText(outcome.opportunityId ?? '')},${csvText(outcome.httpLink ?? '')},` +
      `${csvText(outcome.idempotencyKey ?? '')},${numberText(outcome.attempts)}`;
    results += problem
      ? `,${csvText(problem.type)},${csvText(problem.code)},${csvText(problem.param)},${csvText(problem.message)}`
      : ',,,,';
    if (width > 0) {
      this.#resultsPiece.add(`${results},`);
      this.#resultsPiece.add(outcome.cellsText);
    } else {
      this.#resultsPiece.add(results);
    }
    this.#resultsPiece.add('\n');
    if (FAILED_FILE_STATUSES.has(outcome.status)) {
      this.#failedCount += 1;
      const own =
        `${numberText(outcome.line)},${outcome.status},${csvText(problem?.type ?? '')},${csvText(problem?.code ?? '')},` +
        `${csvText(problem?.param ?? '')},${csvText(problem?.message ?? '')}`;
      if (width > 0) {
        this.#failedPiece.add(outcome.cellsText);
        this.#failedPiece.add(',');
      }
      this.#failedPiece.add(own);
      this.#failedPiece.add('\n');
    }
  }

  /** Whether a report file's buffer is full: wait for {@link drained} before writing more. */
  get needsDrain(): boolean {
    return this.#results.writableNeedDrain || this.#failed.writableNeedDrain;
  }

  /** Resolves when both files take more; throws the first write error. */
  async drained(): Promise<void> {
    if (this.#results.writableNeedDrain) await drained(this.#results);
    if (this.#failed.writableNeedDrain) await drained(this.#failed);
    this.#throwIfFailed();
  }

  /** Flushes and closes the CSV files, then writes `summary.json`. Throws a `report_incomplete` ImportError. */
  async close(summary: unknown): Promise<void> {
    this.#throwIfFailed();
    try {
      await Promise.all([endStream(this.#results, this.#resultsPiece.take()), endStream(this.#failed, this.#failedPiece.take())]);
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

function endStream(stream: WriteStream, last: Buffer): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    stream.once('error', reject);
    stream.end(last, () => resolvePromise());
  });
}
