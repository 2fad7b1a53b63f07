/** The CSV header as the mapping sees it, and the column-or-constant rule shared by fields and relationships. */
import type { MappingProblems } from './compile-problems.js';
import { closestMatches, quotedList } from './suggest.js';

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
    this.problems.add(
      'mapping_missing_column',
      path,
      `column "${column}" is not in the header of ${this.csvFile}${hint}; its columns: ${quotedList(this.#header, 50)}`,
    );
    return undefined;
  }
}
