/**
 * csv-parse, configured the way the reader needs it, with its fatal errors delivered in order.
 *
 * A stream that fails is destroyed and drops what it had buffered: the records parsed from the
 * same chunk just before the error would never reach the consumer. So a parse error is pushed
 * as a last item after them ({@link ParseFailure}) and the output ends there.
 */
import type { TransformCallback } from 'node:stream';
import { Parser } from 'csv-parse';

/** One record as csv-parse emits it with `raw: true`. */
export interface ParsedRow {
  record: string[];
  /**
   * The record's text: one character for each empty line skipped just before it, then the
   * record, then the first character of its line break.
   */
  raw: string;
  /** How many empty lines were skipped from the start of the file up to this record. */
  emptyLines: number;
}

/** The error that stopped the parser; always the last item. */
export interface ParseFailure {
  failure: unknown;
  /** How many empty lines were skipped from the start of the file up to the failing record. */
  emptyLines: number;
}

export type ParserOutput = ParsedRow | ParseFailure;

export interface ParserOptions {
  delimiter: string;
  /** The characters that end a record outside quotes. */
  recordDelimiters: string[];
  /** csv-parse gives up on a record longer than this (a runaway one: see the reader). */
  stopAfterBytes: number;
}

/** A parser stream: UTF-8 bytes in, {@link ParserOutput} objects out. */
export function createParser(options: ParserOptions): Parser {
  return new InBandErrorParser({
    delimiter: options.delimiter,
    quote: '"',
    escape: '"',
    record_delimiter: options.recordDelimiters,
    // Lenient on purpose: a malformed record comes out (marked by the record builder) and the
    // records after it still do, instead of the whole file stopping at the first stray quote.
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    raw: true,
    bom: false,
    max_record_size: options.stopAfterBytes,
  });
}

class InBandErrorParser extends Parser {
  /**
   * Stamps each record with the parser's running count of skipped empty lines, read at the
   * moment the record is emitted. That count is the only way to tell skipped empty lines from a
   * record's own leading CR in its raw text (a lone CR is cell content in an LF file).
   */
  override push(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (typeof chunk === 'object' && chunk !== null && !('failure' in chunk)) {
      (chunk as ParsedRow).emptyLines = this.info.empty_lines;
    }
    return super.push(chunk, encoding);
  }

  override _transform(chunk: Buffer, encoding: BufferEncoding, callback: TransformCallback): void {
    // After an error csv-parse ignores further input without calling back, which holds the
    // upstream streams still until the reader closes them.
    super._transform(chunk, encoding, (error) => this.#settle(error, callback));
  }

  override _flush(callback: TransformCallback): void {
    super._flush((error) => this.#settle(error, callback));
  }

  #settle(error: unknown, callback: TransformCallback): void {
    if (error !== undefined && error !== null) {
      const failure: ParseFailure = { failure: error, emptyLines: this.info.empty_lines };
      this.push(failure);
      this.push(null);
    }
    callback();
  }
}

export function isParseFailure(output: ParserOutput): output is ParseFailure {
  return 'failure' in output;
}
