/**
 * The streaming CSV reader: file → (UTF-8 check | transcoding) → text → {@link CsvScanner} →
 * records, pulled by an async iterator. Nothing is read ahead beyond the streams' small buffers,
 * so memory stays flat whatever the file size, and reading waits while the consumer does not pull
 * (backpressure).
 *
 * The scanner reads leniently (relaxed quotes and column counts) so that one malformed record
 * never stops the file; {@link RecordBuilder} marks such records with an `error` instead.
 */
import type { ReadStream } from 'node:fs';
import { pipeline, type Transform } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { ImportError } from '../errors.js';
import { CSV_ENCODINGS, decodeText, detectEncoding, TranscodeToUtf8, Utf8Validator } from './decode.js';
import { checkHeader } from './header.js';
import { fileError, openFile, readStart, type OpenedFile } from './open-file.js';
import { RecordBuilder } from './record-builder.js';
import { CsvScanner, type ScanFailure, type ScannerOptions, type ScanOutput } from './scanner.js';
import { detectDelimiter, detectRecordDelimiters } from './sniff.js';
import type { CsvEncoding, CsvReaderOptions, CsvRecord, CsvSource } from './types.js';

/** How much of the start of the file the encoding and delimiter are guessed from. */
const SAMPLE_BYTES = 64 * 1024;
/**
 * Read size: large enough that per-chunk costs vanish, small enough to keep memory flat. A chunk's
 * records are made together and live until the chunk is read: every young-generation collection
 * copies them, so smaller chunks made collections cheaper (16 KB instead of 64 KB: with 128-row
 * batches, a third of the reading thread's collection time).
 */
const READ_CHUNK_BYTES = 16 * 1024;
const DEFAULT_MAX_RECORD_BYTES = 16 * 1024 * 1024;

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

  const stream = openRecordStream(file, { encoding, bomLength, parser: { delimiter, recordDelimiters, maxRecordBytes } });
  let header: string[];
  let afterHeader: ScanOutput[];
  try {
    ({ header, rest: afterHeader } = await readHeader(stream.rows, path, maxRecordBytes));
  } catch (error) {
    await stream.close();
    throw error;
  }

  const builder = new RecordBuilder({
    header,
    delimiter,
    sawInvalidBytes: stream.sawInvalidBytes,
    maxRecordBytes,
  });
  return {
    header,
    delimiter,
    encoding,
    size: file.size,
    bytesRead: () => bomLength + stream.file.bytesRead,
    ...recordIterables(readBatches(stream, builder, path, afterHeader), stream.isClosed),
    close: stream.close,
  };
}

/** `batches` as given, and `records` one by one from them (none after `close`); a source is read through one of the two. */
function recordIterables(batches: AsyncGenerator<CsvRecord[]>, isClosed: () => boolean): Pick<CsvSource, 'batches' | 'records'> {
  return {
    batches,
    records: (async function* records() {
      for await (const batch of batches) {
        for (const record of batch) {
          if (isClosed()) return;
          yield record;
        }
      }
    })(),
  };
}

interface RecordStream {
  file: ReadStream;
  /** The scanner's output, one array per chunk of the file. */
  rows: AsyncIterator<ScanOutput[]>;
  sawInvalidBytes: () => boolean;
  /** Whether {@link close} has been called. */
  isClosed: () => boolean;
  /** Stops reading and resolves once the file descriptor is closed. Safe to call more than once. */
  close: () => Promise<void>;
}

interface RecordStreamOptions {
  encoding: CsvEncoding;
  bomLength: number;
  parser: ScannerOptions;
}

function openRecordStream(opened: OpenedFile, options: RecordStreamOptions): RecordStream {
  const file = opened.handle.createReadStream({ start: options.bomLength, highWaterMark: READ_CHUNK_BYTES });
  const validator = options.encoding === 'utf8' ? new Utf8Validator() : undefined;
  const decoder: Transform = validator ?? new TranscodeToUtf8(options.encoding);
  // Read errors reach the consumer through the decoder's iterator; the callback only keeps them
  // from being unhandled.
  pipeline(file, decoder, () => undefined);

  let closed = false;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed = true;
    closing ??= new Promise<void>((resolve) => {
      if (file.closed) resolve();
      else file.once('close', () => resolve());
      decoder.destroy();
      file.destroy();
    });
    return closing;
  };
  return {
    file,
    rows: scan(decoder, new CsvScanner(options.parser)),
    sawInvalidBytes: validator === undefined ? () => false : () => validator.sawInvalidBytes,
    isClosed: () => closed,
    close,
  };
}

/** The scanner's output over the decoder's UTF-8 chunks, one array per chunk. */
async function* scan(decoder: Transform, scanner: CsvScanner): AsyncGenerator<ScanOutput[], void, undefined> {
  const text = new StringDecoder('utf8');
  for await (const chunk of decoder) yield scanner.push(text.write(chunk as Buffer));
  yield [...scanner.push(text.end()), ...scanner.end()];
}

/** The header, and the records scanned with it. */
async function readHeader(
  rows: AsyncIterator<ScanOutput[]>,
  path: string,
  maxRecordBytes: number,
): Promise<{ header: string[]; rest: ScanOutput[] }> {
  for (;;) {
    let next: IteratorResult<ScanOutput[]>;
    try {
      next = await rows.next();
    } catch (error) {
      throw fileError(error, path);
    }
    if (next.done === true) {
      throw new ImportError('csv_header', `${path} is empty: it has no header line`, { subject: path });
    }
    const [first, ...rest] = next.value;
    if (first === undefined) continue;
    if (first.kind === 'failure') throw headerParseError(first, path, maxRecordBytes);
    checkHeader(first.cells, path);
    return { header: first.cells, rest };
  }
}

function headerParseError(failure: ScanFailure, path: string, maxRecordBytes: number): ImportError {
  if (failure.code === 'CSV_QUOTE_NOT_CLOSED') {
    return new ImportError('csv_header', `${path}: the header has a quote that is never closed`, { subject: path });
  }
  return new ImportError(
    'csv_header',
    `${path}: the header is longer than ${maxRecordBytes} bytes; is it a CSV file, and is its quoting right?`,
    { subject: path },
  );
}

async function* readBatches(
  stream: RecordStream,
  builder: RecordBuilder,
  path: string,
  first: ScanOutput[],
): AsyncGenerator<CsvRecord[], void, undefined> {
  try {
    for (let outputs: ScanOutput[] | undefined = first; ; ) {
      const records: CsvRecord[] = [];
      for (const output of outputs) {
        if (output.kind === 'failure') {
          records.push(builder.fromFailure(output));
          yield records;
          return;
        }
        records.push(builder.build(output));
      }
      if (records.length > 0) yield records;
      let next: IteratorResult<ScanOutput[]>;
      try {
        next = await stream.rows.next();
      } catch (error) {
        // Closing mid-read makes the stream end with a premature-close error: that is the asked-for stop.
        if (stream.isClosed()) return;
        throw fileError(error, path);
      }
      if (next.done === true || stream.isClosed()) return;
      outputs = next.value;
    }
  } finally {
    await stream.close();
  }
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
