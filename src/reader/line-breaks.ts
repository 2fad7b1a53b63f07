/**
 * Physical line numbers of records, computed from the raw text csv-parse hands over with each
 * record. A line break is CRLF, LF or a lone CR, each counting once, wherever it is (between
 * records, in skipped empty lines, inside a quoted cell): the numbers an editor shows.
 *
 * csv-parse's own `info.lines` counts a CRLF inside a quoted cell twice, hence this.
 * Counting uses native `indexOf` jumps, not a JavaScript loop over every character.
 */

const CR = 13;
const LF = 10;

/** The number of line breaks in `text` between `from` and `to`. */
export function countLineBreaks(text: string, from = 0, to = text.length): number {
  let count = 0;
  for (let index = text.indexOf('\n', from); index !== -1 && index < to; index = text.indexOf('\n', index + 1)) {
    count++;
  }
  for (let index = text.indexOf('\r', from); index !== -1 && index < to; index = text.indexOf('\r', index + 1)) {
    // A CR directly before an LF is the first half of a CRLF that the LF already counted.
    if (index + 1 >= to || text.charCodeAt(index + 1) !== LF) count++;
  }
  return count;
}

/** The index of the first character of `text` that is not CR or LF. */
export function skipLineBreaks(text: string, from = 0, to = text.length): number {
  let index = from;
  while (index < to && isLineBreak(text.charCodeAt(index))) index++;
  return index;
}

/** The index just after the last character of `text` that is not CR or LF. */
export function trimLineBreaksEnd(text: string, from = 0): number {
  let end = text.length;
  while (end > from && isLineBreak(text.charCodeAt(end - 1))) end--;
  return end;
}

function isLineBreak(code: number): boolean {
  return code === CR || code === LF;
}

/** Where one record sits in the file. */
export interface RecordPosition {
  /** 1-based line on which the record starts. */
  line: number;
  /** 1-based line on which the record ends (later than `line` when a quoted cell holds line breaks). */
  lastLine: number;
  /** Index in the raw text where the record itself starts, after the empty lines skipped before it. */
  contentStart: number;
}

/**
 * Follows the line count through the file, one record after another. Each record's raw text, as
 * csv-parse gives it, is: the empty lines skipped before the record, the record, and the first
 * character of its line break (the LF of a CRLF is not included, which still counts one break).
 * Every record must go through {@link locate} in file order, the header first.
 */
export class LineTracker {
  /** The line on which the next record's raw text starts. */
  #nextLine = 1;

  locate(raw: string): RecordPosition {
    const contentStart = skipLineBreaks(raw);
    const line = this.#nextLine + (contentStart === 0 ? 0 : countLineBreaks(raw, 0, contentStart));
    const breaks = countLineBreaks(raw, contentStart);
    this.#nextLine = line + breaks;
    const endsWithBreak = raw.length > contentStart && isLineBreak(raw.charCodeAt(raw.length - 1));
    return { line, lastLine: endsWithBreak ? line + breaks - 1 : line + breaks, contentStart };
  }

  /** Where a record cut short by the end of the file (or by a parse error) starts and ends; trailing empty lines do not count. */
  locateUnfinished(raw: string): RecordPosition {
    const contentStart = skipLineBreaks(raw);
    const line = this.#nextLine + (contentStart === 0 ? 0 : countLineBreaks(raw, 0, contentStart));
    const lastLine = line + countLineBreaks(raw, contentStart, trimLineBreaksEnd(raw, contentStart));
    return { line, lastLine, contentStart };
  }
}
