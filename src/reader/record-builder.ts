/**
 * Turns what csv-parse emits into {@link CsvRecord}s: the line where each record starts, its
 * cells lined up with the header, and the reason when it is malformed (so that the row ends
 * `invalid` in the report instead of disappearing). Also turns the parser's fatal errors (a
 * quote never closed, a record too long) into one last malformed record.
 *
 * This is the per-record hot path: the common record costs two or three native string
 * searches over its raw text and nothing else.
 */
import { CsvError } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { LineTracker, trimLineBreaksEnd, type RecordPosition } from './line-breaks.js';
import { findQuotingProblem, type QuotingProblem } from './quoting.js';
import type { ParsedRow } from './parser.js';
import type { CsvRecord } from './types.js';
import { quoteText } from '../quote-text.js';

type RecordError = NonNullable<CsvRecord['error']>;

const REPLACEMENT_CHARACTER = '\uFFFD';
/** A UTF-16 code unit is at most 3 bytes of UTF-8 (a surrogate pair: 2 units, 4 bytes). */
const MAX_UTF8_BYTES_PER_CHARACTER = 3;
/** Characters of a record the parser gave up on that are read into its cells for the report. */
const SHOWN_OF_A_BROKEN_LINE = 64 * 1024;

export interface RecordBuilderOptions {
  header: readonly string[];
  delimiter: string;
  /** Follows the line count; the header must already have gone through it. */
  lines: LineTracker;
  /** Whether invalid UTF-8 bytes have been read so far (always false for other encodings). */
  sawInvalidBytes: () => boolean;
  /** The longest record accepted, in bytes of its UTF-8 text. */
  maxRecordBytes: number;
  /** The length at which the parser gave up on a record, for the message when one passes it. */
  runawayBytes: number;
}

export class RecordBuilder {
  readonly #header: readonly string[];
  readonly #delimiter: string;
  readonly #lines: LineTracker;
  readonly #sawInvalidBytes: () => boolean;
  readonly #maxRecordBytes: number;
  readonly #runawayBytes: number;

  constructor(options: RecordBuilderOptions) {
    this.#header = options.header;
    this.#delimiter = options.delimiter;
    this.#lines = options.lines;
    this.#sawInvalidBytes = options.sawInvalidBytes;
    this.#maxRecordBytes = options.maxRecordBytes;
    this.#runawayBytes = options.runawayBytes;
  }

  /** The record for the next row the parser emitted. */
  build(row: ParsedRow): CsvRecord {
    const { raw } = row;
    const position = this.#lines.locate(raw, row.emptyLines);
    const cellCount = row.record.length;
    const cells = this.#padToHeader(row.record);

    // In order of what the user should fix first: a stray quote is usually why a row is ragged.
    const quotingProblem = raw.includes('"', position.contentStart)
      ? findQuotingProblem(raw, position.contentStart, this.#delimiter)
      : undefined;
    const error =
      this.#lengthError(raw, position) ??
      (quotingProblem && this.#quotingError(quotingProblem, position, cellCount)) ??
      (cellCount !== this.#header.length ? this.#raggedError(position, cellCount) : undefined) ??
      (this.#sawInvalidBytes() ? this.#encodingError(position, cells) : undefined);
    return error === undefined ? { line: position.line, cells } : { line: position.line, cells, error };
  }

  /**
   * The last record when the parser stopped on `error`, or `undefined` when `error` is not a
   * parse error (the caller reports that one as such).
   */
  fromParserError(error: unknown, emptyLines: number): CsvRecord | undefined {
    if (!(error instanceof CsvError)) return undefined;
    const raw = typeof error['raw'] === 'string' ? error['raw'] : '';
    const position = this.#lines.locateUnfinished(raw, emptyLines);
    // The record's cells as the user sees them on its first line (its start, when that line runs on
    // for megabytes); what the broken quote swallowed is in the message.
    const firstLine = raw.slice(position.contentStart, Math.min(lineEnd(raw, position.contentStart), position.contentStart + SHOWN_OF_A_BROKEN_LINE));
    const cells = this.#padToHeader(parseLeniently(firstLine, this.#delimiter));
    const { line, lastLine } = position;
    if (error.code === 'CSV_QUOTE_NOT_CLOSED') {
      const problem = findQuotingProblem(raw, position.contentStart, this.#delimiter);
      const where = problem?.kind === 'unclosed_quote' ? ` in column ${this.#columnName(problem.column)}` : '';
      const swallowed = lastLine > line ? `, so lines ${line}–${lastLine} (to the end of the file) were read as this one row` : '';
      return {
        line,
        cells,
        error: {
          code: 'bad_quoting',
          message: `line ${line}: a quote opened${where} is never closed${swallowed}; close the quote, or double it ("") if it is part of the text`,
        },
      };
    }
    if (error.code === 'CSV_MAX_RECORD_SIZE') {
      return {
        line,
        cells,
        error: {
          code: 'malformed_csv',
          message:
            `line ${line}: this row runs on past ${formatBytes(this.#runawayBytes)}, twice the ${formatBytes(this.#maxRecordBytes)} a row may have: ` +
            'a quote that is never closed, or not a CSV file? Reading stopped here and the rest of the file was not read',
        },
      };
    }
    return { line, cells, error: { code: 'malformed_csv', message: `line ${line}: ${error.message}; reading stopped here` } };
  }

  /** A record longer than the maximum; measured in bytes only when its characters could be that many. */
  #lengthError(raw: string, position: RecordPosition): RecordError | undefined {
    const characters = trimLineBreaksEnd(raw, position.contentStart) - position.contentStart;
    if (characters * MAX_UTF8_BYTES_PER_CHARACTER <= this.#maxRecordBytes) return undefined;
    const bytes = Buffer.byteLength(raw.slice(position.contentStart, position.contentStart + characters));
    if (bytes <= this.#maxRecordBytes) return undefined;
    const { line, lastLine } = position;
    const span = lastLine > line ? ` (lines ${line}–${lastLine})` : '';
    return {
      code: 'record_too_long',
      message:
        `line ${line}: the row${span} is ${formatBytes(bytes, 1)} long, more than the ${formatBytes(this.#maxRecordBytes)} a row may have; ` +
        'shorten its cells (the rows after it were read as usual)',
    };
  }

  /**
   * Pads a short record with '', so that cells line up with the header. A long one keeps its cells
   * beyond the header: the report holds every cell of the source row.
   */
  #padToHeader(cells: string[]): string[] {
    const width = this.#header.length;
    while (cells.length < width) cells.push('');
    return cells;
  }

  #quotingError(problem: QuotingProblem, position: RecordPosition, cellCount: number): RecordError {
    const { line, lastLine } = position;
    const column = this.#columnName(problem.column);
    const explanation =
      problem.kind === 'quote_in_unquoted_cell'
        ? `a quote inside a cell that does not start with one, in column ${column}; put the whole cell in quotes and double the quote ("")`
        : problem.kind === 'text_after_closing_quote'
          ? `text after the closing quote of column ${column}; a quote inside a quoted cell must be doubled ("")`
          : `a quote opened in column ${column} is never closed`;
    const consequences = [
      ...(lastLine > line ? [`the row runs on to line ${lastLine}`] : []),
      ...(cellCount !== this.#header.length ? [`it has ${cellCount} cells, the header has ${this.#header.length}`] : []),
    ];
    return { code: 'bad_quoting', message: [`line ${line}: ${explanation}`, ...consequences].join('; ') };
  }

  #raggedError(position: RecordPosition, cellCount: number): RecordError {
    const { line, lastLine } = position;
    const span = lastLine > line ? ` (the row runs on to line ${lastLine} because a quoted cell holds line breaks)` : '';
    return { code: 'ragged_row', message: `line ${line} has ${cellCount} cells, the header has ${this.#header.length}${span}` };
  }

  #encodingError(position: RecordPosition, cells: readonly string[]): RecordError | undefined {
    const column = cells.findIndex((cell) => cell.includes(REPLACEMENT_CHARACTER));
    if (column === -1) return undefined;
    return {
      code: 'bad_encoding',
      message: `line ${position.line}: bytes in column ${this.#columnName(column)} are not valid UTF-8; try --encoding windows-1252`,
    };
  }

  #columnName(index: number): string {
    const name = this.#header[index];
    return name === undefined ? `${index + 1} (beyond the header)` : quoteText(name);
  }
}

/** The end of the line that starts at `from`. */
function lineEnd(text: string, from: number): number {
  const breaks = [text.indexOf('\n', from), text.indexOf('\r', from)].filter((index) => index !== -1);
  return breaks.length === 0 ? text.length : Math.min(...breaks);
}

/** The cells of one line of CSV, whatever its quoting: an open quote is closed at the end of the line. */
function parseLeniently(line: string, delimiter: string): string[] {
  const options = { delimiter, relax_quotes: true, relax_column_count: true, max_record_size: 0 };
  try {
    return parseSync(line, options)[0] ?? [];
  } catch {
    try {
      return parseSync(`${line}"`, options)[0] ?? [];
    } catch {
      return [line];
    }
  }
}

/** `16 MiB`, `17.0 MiB` (with `decimals`), or `1000 bytes` below a MiB. */
function formatBytes(bytes: number, decimals = 0): string {
  const mebibytes = bytes / (1024 * 1024);
  if (decimals > 0 && mebibytes >= 1) return `${mebibytes.toFixed(decimals)} MiB`;
  return Number.isInteger(mebibytes) ? `${mebibytes} MiB` : `${bytes} bytes`;
}
