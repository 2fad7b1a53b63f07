/**
 * A failed.csv imported again: its `import_*` columns are the earlier run's, not source columns. The
 * new report writes fresh ones instead of repeating them (its header never names a column twice), and
 * the cells in `import_extra_*` columns (beyond the header in the source) are extra cells again.
 */
import { isExtraColumn } from './extra-columns.js';
import { FAILED_COLUMNS } from './report-writer.js';

export interface ReadBackColumns {
  /** Indices of the columns the new report repeats as source columns. */
  kept: number[];
  /** Indices of the `import_extra_*` columns. */
  extras: number[];
}

export function readBackColumns(header: readonly string[]): ReadBackColumns {
  const kept: number[] = [];
  const extras: number[] = [];
  header.forEach((name, index) => {
    if (isExtraColumn(name)) extras.push(index);
    else if (!(FAILED_COLUMNS as readonly string[]).includes(name)) kept.push(index);
  });
  return { kept, extras };
}

/**
 * Why a row read back cannot be imported: its `import_extra_*` cells are filled, so the cells under
 * the header are still shifted. Undefined when they are empty (the user moved them).
 */
export function leftoverExtraCells(columns: ReadBackColumns, header: readonly string[], cells: readonly string[], line: number): string | undefined {
  const filled = columns.extras.filter((index) => (cells[index] ?? '') !== '').map((index) => header[index]!);
  if (filled.length === 0) return undefined;
  const names = filled.join(', ');
  return `line ${line}: ${names} ${filled.length === 1 ? 'holds cells' : 'hold cells'} that were beyond the header in the source; move them into the right columns, empty ${names} and import the file again`;
}

/** A row's cells for the new report: the kept columns, then its extra cells (trailing empty ones left out). */
export function reportCellsOf(columns: ReadBackColumns, headerLength: number, cells: readonly string[]): string[] {
  const extras = [...columns.extras.map((index) => cells[index] ?? ''), ...cells.slice(headerLength)];
  while (extras.length > 0 && extras[extras.length - 1] === '') extras.pop();
  return [...columns.kept.map((index) => cells[index] ?? ''), ...extras];
}
