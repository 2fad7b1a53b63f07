/**
 * The CSV parser: decoded text in, records with their line numbers out. It reads exactly as
 * csv-parse does with the reader's settings (`relax_quotes`, `relax_column_count`,
 * `skip_empty_lines`, `"` as quote and escape; test/reader/scanner.property.test.ts compares the two
 * on generated input), at a fraction of the cost: one pass over the characters, cells cut out of the
 * text with `slice` instead of copied byte by byte.
 *
 * Leniency, as in csv-parse: a quote inside an unquoted cell is a character of the cell; text after
 * a closing quote makes the cell unquoted from there on, the quotes kept. Such records come out,
 * with their text (`raw`), so that the reader marks them malformed instead of importing them.
 *
 * Line numbers count CRLF, LF and a lone CR once each, wherever they are (between records, in
 * skipped empty lines, inside quoted cells): the numbers an editor shows.
 */

const QUOTE = 34;
const CR = 13;
const LF = 10;

export interface ScannedRecord {
  kind: 'record';
  cells: string[];
  /** 1-based line where the record starts. */
  line: number;
  /** 1-based line where it ends (later than `line` when a quoted cell holds line breaks). */
  lastLine: number;
  /**
   * The record's text and the first character of the line break that ends it; only for records
   * with a quote character, the only ones whose quoting needs checking.
   */
  raw: string | undefined;
}

export interface ScanFailure {
  kind: 'failure';
  /** csv-parse's codes: a quote still open at the end of the file; a record longer than the limit. */
  code: 'CSV_QUOTE_NOT_CLOSED' | 'CSV_MAX_RECORD_SIZE';
  /** 1-based line where the failing record starts. */
  line: number;
  /** The failing record's text, as far as it was read. */
  raw: string;
}

export type ScanOutput = ScannedRecord | ScanFailure;

/**
 * Records are made with `new`, not as object literals. A chunk's records are made together and are
 * all alive until the chunk is read; V8 watches where literals are made, and seeing a whole chunk's
 * records survive a collection, it took them for long-lived: from then on it made every record
 * directly in the old generation, and kept each one's cells there until the next full collection
 * (most of a 1M-row plan's memory traffic, a quarter of its time). Objects made with `new` are not
 * watched that way.
 */
class Scanned implements ScannedRecord {
  readonly kind = 'record';
  constructor(
    readonly cells: string[],
    readonly line: number,
    readonly lastLine: number,
    readonly raw: string | undefined,
  ) {}
}

export interface ScannerOptions {
  delimiter: string;
  /** Line breaks that end a record outside quotes: CRLF and LF always, a lone CR when listed. */
  recordDelimiters: readonly string[];
  /** The longest record accepted, in UTF-8 bytes of cell content; a longer one is a failure and ends the scan. */
  maxRecordBytes: number;
}

export class CsvScanner {
  readonly #delimiter: string;
  readonly #delimiterCode: number;
  readonly #loneCrEndsRecord: boolean;
  readonly #maxRecordBytes: number;
  /** Characters each position may look ahead: a closing quote, then a delimiter or CRLF. */
  readonly #lookahead: number;

  /** Text not scanned yet: the end of the previous chunk, kept for look-ahead. */
  #carry = '';
  /** Line at the scan position. */
  #line = 1;
  #stopped = false;
  /** In the text being scanned: the next quote and CR at or after the last line read the fast way (-1: none; -2: not searched yet). */
  #nextQuote = -2;
  #nextCr = -2;

  // The record being read.
  /** The cells of the record being read (reused from record to record). */
  readonly #cells: string[] = [];
  /** Content of the current cell read so far from earlier chunks (and escaped quotes). */
  #field = '';
  #quoting = false;
  #wasQuoting = false;
  #hasQuote = false;
  /** The record has started (a character other than an empty line's break was read). */
  #started = false;
  #recordLine = 1;
  /** The record's text from earlier chunks, for `raw`. */
  #rawSoFar = '';
  /** Characters (UTF-16 units) in the record's earlier cells. */
  #contentLength = 0;

  constructor(options: ScannerOptions) {
    this.#delimiter = options.delimiter;
    this.#delimiterCode = options.delimiter.charCodeAt(0);
    this.#loneCrEndsRecord = options.recordDelimiters.includes('\r');
    this.#maxRecordBytes = options.maxRecordBytes;
    this.#lookahead = 2 + options.delimiter.length;
  }

  /** Scans the next piece of text; returns the records (and at most one failure) completed by it. */
  push(text: string): ScanOutput[] {
    const output: ScanOutput[] = [];
    if (this.#stopped) return output;
    const all = this.#carry === '' ? text : this.#carry + text;
    const stoppedAt = this.#scan(all, Math.max(0, all.length - this.#lookahead), output);
    this.#carry = this.#stopped ? '' : all.slice(stoppedAt);
    return output;
  }

  /** Scans what is left at the end of the input. */
  end(): ScanOutput[] {
    const output: ScanOutput[] = [];
    if (this.#stopped) return output;
    const all = this.#carry;
    this.#carry = '';
    this.#scan(all, all.length, output);
    if (this.#stopped) return output;
    if (this.#quoting) {
      this.#fail('CSV_QUOTE_NOT_CLOSED', this.#rawSoFar, output);
    } else if (this.#started && (this.#wasQuoting || this.#cells.length > 0 || this.#field !== '')) {
      if (this.#tooLong(this.#field)) {
        this.#fail('CSV_MAX_RECORD_SIZE', this.#rawSoFar, output);
        return output;
      }
      this.#cells.push(this.#field);
      // A lone CR that is the file's last character sits on the line it ends.
      const lastLine = this.#rawSoFar.charCodeAt(this.#rawSoFar.length - 1) === CR ? this.#line - 1 : this.#line;
      output.push(this.#record(lastLine, this.#hasQuote ? this.#rawSoFar : undefined));
    }
    return output;
  }

  /**
   * Scans `text` from its start up to about `end`; characters after `end` are only looked at.
   * Returns where it stopped (a two-character step may pass `end`); the state there is kept for the
   * next call, with the cells and raw text read so far saved.
   */
  #scan(text: string, end: number, output: ScanOutput[]): number {
    this.#nextQuote = -2;
    this.#nextCr = -2;
    const delimiter = this.#delimiterCode;
    const delimiterLength = this.#delimiter.length;
    let index = 0;
    /** Where the unsaved part of the current cell starts. */
    let fieldStart = 0;
    /** Where the current record's text starts in `text` (0 when it started in an earlier chunk). */
    let recordStart = 0;

    while (index < end) {
      const code = text.charCodeAt(index);
      if (!this.#started) {
        // Between records: skip empty lines (counted), or start the next record here.
        if (code === LF || (code === CR && (text.charCodeAt(index + 1) === LF || this.#loneCrEndsRecord))) {
          index += code === CR && text.charCodeAt(index + 1) === LF ? 2 : 1;
          this.#line += 1;
          continue;
        }
        const lineEnd = this.#plainLineEnd(text, index, end);
        if (lineEnd !== -1) {
          // A record on one line without quotes or CRs: its cells are the line split at the delimiters.
          const cells = text.slice(index, lineEnd).split(this.#delimiter);
          if (this.#longerThanLimit(cells, lineEnd - index)) {
            this.#started = true;
            this.#recordLine = this.#line;
            recordStart = index;
            fieldStart = index;
          } else {
            output.push(new Scanned(cells, this.#line, this.#line, undefined));
            this.#line += 1;
            index = text.charCodeAt(lineEnd) === CR ? lineEnd + 2 : lineEnd + 1;
            continue;
          }
        } else {
          this.#started = true;
          this.#recordLine = this.#line;
          recordStart = index;
          fieldStart = index;
        }
      }

      if (this.#quoting) {
        if (code === QUOTE) {
          const next = text.charCodeAt(index + 1);
          if (next === QUOTE && index + 1 < text.length) {
            // An escaped quote: one quote in the cell.
            this.#field += text.slice(fieldStart, index + 1);
            index += 2;
            fieldStart = index;
            continue;
          }
          this.#quoting = false;
          this.#wasQuoting = true;
          if (index + 1 >= text.length || this.#isDelimiterAt(text, index + 1) || this.#endsRecordAt(text, index + 1)) {
            this.#field += text.slice(fieldStart, index);
            index += 1;
            fieldStart = index;
          } else {
            // Text after the closing quote: the cell goes on unquoted, its quotes kept.
            this.#field = `"${this.#field}${text.slice(fieldStart, index)}"`;
            index += 1;
            fieldStart = index;
          }
          continue;
        }
        if (code === LF || (code === CR && text.charCodeAt(index + 1) !== LF)) this.#line += 1;
        index += 1;
        continue;
      }

      if (code === QUOTE) {
        this.#hasQuote = true;
        if (this.#field === '' && fieldStart === index) {
          this.#quoting = true;
          index += 1;
          fieldStart = index;
          continue;
        }
        index += 1;
        continue;
      }
      if (code === LF || code === CR) {
        const crlf = code === CR && text.charCodeAt(index + 1) === LF;
        if (code === LF || crlf || this.#loneCrEndsRecord) {
          // The end of the record.
          const lastLine = this.#line;
          this.#line += 1;
          const cell = this.#field + text.slice(fieldStart, index);
          if (this.#tooLong(cell)) {
            this.#fail('CSV_MAX_RECORD_SIZE', this.#rawSoFar + text.slice(recordStart, index), output);
            return index;
          }
          this.#cells.push(cell);
          const raw = this.#hasQuote ? this.#rawSoFar + text.slice(recordStart, index + 1) : undefined;
          output.push(this.#record(lastLine, raw));
          index += crlf ? 2 : 1;
          fieldStart = index;
          continue;
        }
        // A lone CR in a file whose records end with LF: a character of the cell, and a line break.
        this.#line += 1;
        index += 1;
        continue;
      }
      if (code === delimiter && (delimiterLength === 1 || text.startsWith(this.#delimiter, index))) {
        const cell = this.#field + text.slice(fieldStart, index);
        if (this.#tooLong(cell)) {
          this.#fail('CSV_MAX_RECORD_SIZE', this.#rawSoFar + text.slice(recordStart, index), output);
          return index;
        }
        this.#cells.push(cell);
        this.#contentLength += cell.length;
        this.#field = '';
        this.#wasQuoting = false;
        index += delimiterLength;
        fieldStart = index;
        continue;
      }
      index += 1;
    }

    if (this.#started) {
      // The record goes on in the next chunk: save what was read of it.
      if (fieldStart < index) this.#field += text.slice(fieldStart, index);
      this.#rawSoFar += text.slice(recordStart, index);
      if (this.#tooLong(this.#field)) this.#fail('CSV_MAX_RECORD_SIZE', this.#rawSoFar, output);
    }
    return index;
  }

  /**
   * Where the line starting at `from` ends (its LF, or the CR of its CRLF), when it is a whole record
   * the fast way can read: it ends before `end`, and holds no quote and no other CR. Otherwise -1.
   */
  #plainLineEnd(text: string, from: number, end: number): number {
    const lf = text.indexOf('\n', from);
    if (lf === -1 || lf >= end) return -1;
    // The next quote and CR are remembered: searching again from every line would cross the whole
    // rest of the text each time in a file that has none.
    if (this.#nextQuote !== -1 && this.#nextQuote < from) this.#nextQuote = text.indexOf('"', from);
    if (this.#nextQuote !== -1 && this.#nextQuote < lf) return -1;
    if (this.#nextCr !== -1 && this.#nextCr < from) this.#nextCr = text.indexOf('\r', from);
    const cr = this.#nextCr;
    if (cr === -1 || cr > lf) return lf;
    return cr === lf - 1 && cr > from ? cr : -1;
  }

  /** Whether a plain record of `length` characters, split into `cells`, fails the length limit (the slow way then reads it). */
  #longerThanLimit(cells: readonly string[], length: number): boolean {
    if (3 * length <= this.#maxRecordBytes) return false;
    let before = 0;
    for (const cell of cells) {
      if (cell !== '' && before + Buffer.byteLength(cell, 'utf8') - 1 > this.#maxRecordBytes) return true;
      before += cell.length;
    }
    return false;
  }

  #isDelimiterAt(text: string, index: number): boolean {
    return text.startsWith(this.#delimiter, index);
  }

  /** Whether a line break that ends a record starts at `index`. */
  #endsRecordAt(text: string, index: number): boolean {
    const code = text.charCodeAt(index);
    if (code === LF) return true;
    if (code !== CR) return false;
    return this.#loneCrEndsRecord || text.charCodeAt(index + 1) === LF;
  }

  /**
   * Whether reading `cell` (whole, or as far as read) took the record over the limit, as csv-parse
   * decides it: before adding each byte of a cell, it compares the cells before it (counted in
   * UTF-16 units) plus the cell's bytes so far with `maxRecordBytes`.
   */
  #tooLong(cell: string): boolean {
    const before = this.#contentLength;
    // At most 3 UTF-8 bytes per UTF-16 unit: most cells are settled without counting bytes.
    if (cell === '' || before + 3 * cell.length - 1 <= this.#maxRecordBytes) return false;
    return before + Buffer.byteLength(cell, 'utf8') - 1 > this.#maxRecordBytes;
  }

  /** The record just ended; resets the state for the next one. */
  #record(lastLine: number, raw: string | undefined): ScannedRecord {
    // The record's own copy of the cells, by `slice`: a new `[]` per record would be an array literal,
    // watched by V8 as the records are (see Scanned), and a chunk's quoted records' cells are alive together too.
    const record = new Scanned(this.#cells.slice(), this.#recordLine, lastLine, raw);
    this.#cells.length = 0;
    this.#field = '';
    this.#quoting = false;
    this.#wasQuoting = false;
    this.#hasQuote = false;
    this.#started = false;
    this.#rawSoFar = '';
    this.#contentLength = 0;
    return record;
  }

  #fail(code: ScanFailure['code'], raw: string, output: ScanOutput[]): void {
    output.push({ kind: 'failure', code, line: this.#recordLine, raw });
    this.#stopped = true;
  }
}
