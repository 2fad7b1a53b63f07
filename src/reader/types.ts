/** The streaming CSV reader's contract. Implemented in ./csv-reader.ts. */

export type CsvEncoding = 'utf8' | 'latin1' | 'windows-1252' | 'utf16le' | 'utf16be';

export interface CsvReaderOptions {
  /** Path of the CSV file. */
  path: string;
  /** Field delimiter. @default detected from the header line among `,` `;` tab `|` */
  delimiter?: string;
  /** Text encoding of the file. A BOM (UTF-8, UTF-16LE or UTF-16BE) wins over this. @default 'utf8' */
  encoding?: CsvEncoding;
  /**
   * The longest record accepted, in bytes of its UTF-8 text. A longer one is a `record_too_long`
   * record and the records after it are read as usual; one still running on at twice this length
   * (usually a quote that is never closed, which makes the rest of the file one cell) ends the
   * records with one `malformed_csv` record, so that memory stays bounded. @default 16 MiB
   */
  maxRecordBytes?: number;
  /**
   * The column names of a file without a header line: used as the header, and the first line is
   * read as data. @default the first line is the header
   */
  columns?: readonly string[];
}

/** One data record of the file. `line` is the 1-based physical line where the record starts. */
export interface CsvRecord {
  line: number;
  /**
   * The cells, one per header column (padded with '' when a ragged row is short), then the cells of
   * a ragged row beyond the header, if any.
   */
  cells: string[];
  /** Set when the record is malformed (ragged, bad quoting, undecodable bytes): the row must end `invalid`. */
  error?: { code: 'ragged_row' | 'bad_quoting' | 'bad_encoding' | 'record_too_long' | 'malformed_csv'; message: string };
}

export interface CsvSource {
  /** The header cells, trimmed of a BOM. */
  header: string[];
  /** What the reader noticed that does not stop a run (columns without a name). */
  warnings: string[];
  /** The delimiter in use (given or detected). */
  delimiter: string;
  /** The encoding in use. */
  encoding: CsvEncoding;
  /** File size in bytes, for progress. */
  size: number;
  /** Bytes read so far, for progress. */
  bytesRead(): number;
  /** The data records in file order. Reading pauses while the consumer does not pull (backpressure). */
  records: AsyncIterable<CsvRecord>;
  /** Stop reading and release the file. */
  close(): Promise<void>;
}
