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
 * Follows the line count through the file, one record after another, the header first. Each
 * record comes with its raw text as csv-parse gives it (one character per empty line skipped
 * before the record, the record, the first character of its line break: the LF of a CRLF is
 * left out, which still counts as one break) and the parser's running count of skipped empty
 * lines.
 */
export class LineTracker {
  /** The line on which the next record's raw text starts. */
  #nextLine = 1;
  /** Empty lines skipped up to the previous record. */
  #emptyLines = 0;

  /** Where the next record starts and ends. */
  locate(raw: string, emptyLines: number): RecordPosition {
    const contentStart = this.#skipEmptyLines(emptyLines);
    const line = this.#nextLine + contentStart;
    const breaks = countLineBreaks(raw, contentStart);
    this.#nextLine = line + breaks;
    const endsWithBreak = raw.length > contentStart && isLineBreak(raw.charCodeAt(raw.length - 1));
    return { line, lastLine: endsWithBreak ? line + breaks - 1 : line + breaks, contentStart };
  }

  /** Where a record cut short by the end of the file (or by a parse error) starts and ends; trailing line breaks do not count. */
  locateUnfinished(raw: string, emptyLines: number): RecordPosition {
    const contentStart = this.#skipEmptyLines(emptyLines);
    const line = this.#nextLine + contentStart;
    const lastLine = line + countLineBreaks(raw, contentStart, trimLineBreaksEnd(raw, contentStart));
    return { line, lastLine, contentStart };
  }

  /** The number of empty lines skipped since the previous record, which is also where the record starts in its raw text. */
  #skipEmptyLines(emptyLines: number): number {
    const skipped = emptyLines - this.#emptyLines;
    this.#emptyLines = emptyLines;
    return skipped;
  }
}
