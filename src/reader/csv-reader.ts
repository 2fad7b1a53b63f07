/**
 * The streaming CSV reader: file → (UTF-8 check | transcoding) → csv-parse → records, as one
 * Node stream pipeline pulled by an async iterator. Nothing is read ahead beyond the streams'
 * small buffers, so memory stays flat whatever the file size, and reading waits while the
 * consumer does not pull (backpressure).
 *
 * csv-parse runs leniently (relaxed quotes and column counts) so that one malformed record never
 * stops the file; {@link RecordBuilder} marks such records with an `error` instead.
 */
import type { ReadStream } from 'node:fs';
import { pipeline, type Transform } from 'node:stream';
import { CsvError } from 'csv-parse';
import { ImportError } from '../errors.js';
import { CSV_ENCODINGS, decodeText, detectEncoding, TranscodeToUtf8, Utf8Validator } from './decode.js';
import { ChangeWatch, changeSince } from './change-watch.js';
import { checkHeader } from './header.js';
import { LineTracker } from './line-breaks.js';
import { fileError, openFile, readStart, type OpenedFile } from './open-file.js';
import { createParser, isParseFailure, type ParsedRow, type ParserOptions, type ParserOutput } from './parser.js';
import { RecordBuilder } from './record-builder.js';
import { detectDelimiter, detectRecordDelimiters } from './sniff.js';
import type { CsvEncoding, CsvReaderOptions, CsvRecord, CsvSource } from './types.js';

/** How much of the start of the file the encoding and delimiter are guessed from. */
const SAMPLE_BYTES = 64 * 1024;
/** Read size: large enough that per-chunk costs vanish, small enough to keep memory flat. */
const READ_CHUNK_BYTES = 64 * 1024;
const DEFAULT_MAX_RECORD_BYTES = 16 * 1024 * 1024;
/**
 * A record still running on at this many times the maximum stops the reading: it is almost always a
 * quote that is never closed (the rest of the file would become one cell), and memory must stay bounded.
 */
const RUNAWAY_FACTOR = 2;

/** A record of empty cells only (`;;;;`): spreadsheets leave such rows at the end of exports; they are not data. */
export function isBlankRecord(record: CsvRecord): boolean {
  return record.cells.every((cell) => cell.trim() === '');
}

/** Opens a CSV file, reads its header and returns its records as a lazy stream. */
export async function openCsv(options: CsvReaderOptions): Promise<CsvSource> {
  const { path } = options;
  const requestedDelimiter = options.delimiter === undefined ? undefined : checkDelimiter(options.delimiter);
  const requestedEncoding = checkEncoding(options.encoding ?? 'utf8');
  const maxRecordBytes = checkMaxRecordBytes(options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES);

  const file = await openFile(path);
  let encoding: CsvEncoding;
  let bomLength: number;
  let delimiter: string;
  let recordDelimiters: string[];
  try {
    const start = await readStart(file, SAMPLE_BYTES, path);
    ({ encoding, bomLength } = detectEncoding(start, requestedEncoding));
    const sample = decodeText(start.subarray(bomLength), encoding);
    delimiter = requestedDelimiter ?? detectDelimiter(sample, start.length === file.size);
    recordDelimiters = detectRecordDelimiters(sample);
  } catch (error) {
    await file.handle.close();
    throw error;
  }

  const runawayBytes = maxRecordBytes * RUNAWAY_FACTOR;
  const stream = openRecordStream(file, { path, encoding, bomLength, parser: { delimiter, recordDelimiters, stopAfterBytes: runawayBytes } });
  const lines = new LineTracker();
  let header: string[];
  let warning: string | undefined;
  try {
    ({ header, warning } = options.columns === undefined ? await readHeader(stream.rows, path, runawayBytes, lines) : { header: [...options.columns], warning: undefined });
  } catch (error) {
    await stream.close();
    throw error;
  }

  const builder = new RecordBuilder({
    header,
    delimiter,
    lines,
    sawInvalidBytes: stream.sawInvalidBytes,
    maxRecordBytes,
    runawayBytes,
  });
  return {
    header,
    warnings: warning === undefined ? [] : [warning],
    delimiter,
    encoding,
    size: file.size,
    bytesRead: () => bomLength + stream.file.bytesRead,
    records: readRecords(stream, builder, path, () => changeSince(file.handle, file, path)),
    close: stream.close,
  };
}

interface RecordStream {
  file: ReadStream;
  /** The parser's output, pulled one row at a time. */
  rows: AsyncIterator<ParserOutput>;
  sawInvalidBytes: () => boolean;
  /** Whether {@link close} has been called. */
  isClosed: () => boolean;
  /** Stops reading and resolves once the file descriptor is closed. Safe to call more than once. */
  close: () => Promise<void>;
}

interface RecordStreamOptions {
  path: string;
  encoding: CsvEncoding;
  bomLength: number;
  parser: ParserOptions;
}

function openRecordStream(opened: OpenedFile, options: RecordStreamOptions): RecordStream {
  // The handle stays open after the last byte: the file is checked unchanged once more when its last row is taken.
  const file = opened.handle.createReadStream({ start: options.bomLength, highWaterMark: READ_CHUNK_BYTES, autoClose: false });
  const validator = options.encoding === 'utf8' ? new Utf8Validator() : undefined;
  const decoder: Transform = validator ?? new TranscodeToUtf8(options.encoding);
  const parser = createParser(options.parser);
  const watch = new ChangeWatch(opened.handle, opened, options.path);
  // Parse errors come out of the parser in order; read errors (and a change of the file) reach the
  // consumer through the parser's iterator. The callback only keeps them from being unhandled.
  pipeline(file, watch, decoder, parser, () => undefined);

  let closed = false;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed = true;
    closing ??= new Promise<void>((resolve) => {
      if (file.closed) resolve();
      else file.once('close', () => resolve());
      parser.destroy();
      decoder.destroy();
      watch.destroy();
      file.destroy();
    }).then(() => opened.handle.close());
    return closing;
  };
  return {
    file,
    rows: parser[Symbol.asyncIterator]() as AsyncIterator<ParserOutput>,
    sawInvalidBytes: validator === undefined ? () => false : () => validator.sawInvalidBytes,
    isClosed: () => closed,
    close,
  };
}

async function readHeader(
  rows: AsyncIterator<ParserOutput>,
  path: string,
  maxRecordBytes: number,
  lines: LineTracker,
): Promise<{ header: string[]; warning: string | undefined }> {
  let first: IteratorResult<ParserOutput>;
  try {
    first = await rows.next();
  } catch (error) {
    throw fileError(error, path);
  }
  if (first.done === true) {
    throw new ImportError('csv_header', `${path} is empty: it has no header line`, { subject: path });
  }
  if (isParseFailure(first.value)) throw headerParseError(first.value.failure, path, maxRecordBytes);
  const { record: header, raw, emptyLines }: ParsedRow = first.value;
  lines.locate(raw, emptyLines);
  return { header, warning: checkHeader(header, path) };
}

function headerParseError(error: unknown, path: string, maxRecordBytes: number): ImportError {
  if (!(error instanceof CsvError)) return fileError(error, path);
  if (error.code === 'CSV_QUOTE_NOT_CLOSED') {
    return new ImportError('csv_header', `${path}: the header has a quote that is never closed`, { subject: path, cause: error });
  }
  if (error.code === 'CSV_MAX_RECORD_SIZE') {
    return new ImportError(
      'csv_header',
      `${path}: the header is longer than ${maxRecordBytes} bytes; is it a CSV file, and is its quoting right?`,
      { subject: path, cause: error },
    );
  }
  return new ImportError('csv_header', `${path}: the header cannot be read: ${error.message}`, { subject: path, cause: error });
}

/**
 * The records, each handed over once the next one is read: the last one (the one a writer still at
 * work would have cut off) only once the file is checked unchanged since it was opened.
 */
async function* readRecords(
  stream: RecordStream,
  builder: RecordBuilder,
  path: string,
  changed: () => Promise<ImportError | undefined>,
): AsyncGenerator<CsvRecord, void, undefined> {
  let held: CsvRecord | undefined;
  try {
    for (;;) {
      let next: IteratorResult<ParserOutput>;
      try {
        next = await stream.rows.next();
      } catch (error) {
        // Closing mid-read makes the stream end with a premature-close error: that is the asked-for stop.
        if (stream.isClosed()) return;
        throw fileError(error, path);
      }
      if (stream.isClosed()) return;
      if (next.done === true) {
        await throwIfChanged(changed);
        if (held !== undefined) yield held;
        return;
      }
      if (isParseFailure(next.value)) {
        const last = builder.fromParserError(next.value.failure, next.value.emptyLines);
        if (last === undefined) throw fileError(next.value.failure, path);
        await throwIfChanged(changed);
        if (held !== undefined) yield held;
        yield last;
        return;
      }
      if (held !== undefined) yield held;
      held = builder.build(next.value);
    }
  } finally {
    await stream.close();
  }
}

async function throwIfChanged(changed: () => Promise<ImportError | undefined>): Promise<void> {
  const change = await changed();
  if (change) throw change;
}

function checkDelimiter(delimiter: string): string {
  const normalized = delimiter === 'tab' || delimiter === '\\t' ? '\t' : delimiter;
  if (normalized === '' || /["\r\n]/.test(normalized)) {
    throw new ImportError(
      'usage',
      `Expected the delimiter to be a character such as "," ";" "|" or tab (\\t), got ${JSON.stringify(delimiter)}`,
    );
  }
  return normalized;
}

function checkEncoding(encoding: string): CsvEncoding {
  const known = CSV_ENCODINGS.find((candidate) => candidate === encoding);
  if (known === undefined) {
    throw new ImportError('usage', `Expected the encoding to be one of ${CSV_ENCODINGS.join(', ')}, got ${JSON.stringify(encoding)}`);
  }
  return known;
}

function checkMaxRecordBytes(bytes: number): number {
  if (!Number.isInteger(bytes) || bytes <= 0) {
    throw new ImportError('usage', `Expected maxRecordBytes to be a positive integer, got ${String(bytes)}`);
  }
  return bytes;
}
