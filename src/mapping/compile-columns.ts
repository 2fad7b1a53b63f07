/** The CSV header as the mapping sees it, and the column-or-constant rule shared by fields and relationships. */
import type { MappingProblems } from './compile-problems.js';
import { dataLikeHeaderHint } from '../reader/header.js';
import { closestMatches, quotedList } from './suggest.js';
import { quoteText } from '../quote-text.js';

/** Exactly one of `column` and `value`; the column must be in the header. */
export function checkSource(
  path: string,
  column: string | undefined,
  hasValue: boolean,
  columns: ColumnIndex,
  problems: MappingProblems,
): { kind: 'column'; column: string; index: number } | { kind: 'constant' } | undefined {
  if (column !== undefined && hasValue) {
    problems.add('mapping_invalid', path, 'give either "column" or "value", not both');
    return undefined;
  }
  if (column === undefined) {
    if (hasValue) return { kind: 'constant' };
    problems.add('mapping_invalid', path, 'give the CSV "column" to read, or a constant "value"');
    return undefined;
  }
  const index = columns.find(column, path);
  return index === undefined ? undefined : { kind: 'column', column, index };
}

/** Header names longer than this are shortened in messages (a binary file makes very long ones). */
const MAX_NAME_SHOWN = 40;
/** Header names listed in a message at most. */
const MAX_NAMES_SHOWN = 50;
/** Control characters (tab, CR and LF aside) and U+FFFD, which decoding leaves for bytes it cannot read. */
const NOT_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFD]/;

/** The CSV header, matched exactly (each header cell trimmed); misses become problems with a suggestion. */
export class ColumnIndex {
  readonly #indexes = new Map<string, number>();
  readonly #header: string[];

  constructor(
    header: readonly string[],
    private readonly csvFile: string,
    private readonly problems: MappingProblems,
  ) {
    this.#header = header.map((cell) => cell.trim());
    this.#header.forEach((cell, index) => {
      if (!this.#indexes.has(cell)) this.#indexes.set(cell, index);
    });
  }

  /** The column's index, or undefined after recording a `mapping_missing_column` problem about `path`. */
  find(column: string, path: string): number | undefined {
    const index = this.#indexes.get(column);
    if (index !== undefined) return index;
    const close = closestMatches(column, this.#header, 1);
    const hint = close.length > 0 ? ` (did you mean ${quotedList(close)}?)` : '';
    const shown = this.#header.slice(0, MAX_NAMES_SHOWN).map((name) => quoteText(name, MAX_NAME_SHOWN));
    const more = this.#header.length > shown.length ? ` and ${this.#header.length - shown.length} more` : '';
    this.problems.add(
      'mapping_missing_column',
      path,
      `column ${quoteText(column)} is not in the header of ${this.csvFile}${hint}; its columns: ${shown.join(', ')}${more}${this.#notText()}${this.#dataLike()}`,
    );
    return undefined;
  }

  /** A hint when the header is a line of data: a file without a header line needs the mapping's `columns`. */
  #dataLike(): string {
    const hint = dataLikeHeaderHint(this.#header);
    return hint === undefined ? '' : `. ${hint}`;
  }

  /** A hint when the header is not text: the usual cause of "no such column" is the wrong encoding or a binary file. */
  #notText(): string {
    if (!this.#header.some((name) => NOT_TEXT.test(name))) return '';
    return (
      '. The header holds characters that are not text: if the file is not UTF-8, pass --encoding ' +
      '(windows-1252, latin1, utf16le or utf16be); if it is a spreadsheet (.xlsx), save it as CSV first'
    );
  }
}
