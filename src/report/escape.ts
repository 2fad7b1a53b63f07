/**
 * Spreadsheet formula escaping for report cells (CSV injection).
 *
 * A cell that starts with `=`, `+`, `-`, `@`, tab or carriage return would run as a formula when the
 * report is opened in Excel, LibreOffice or Google Sheets; it is written with a leading `'`, which
 * spreadsheets show as text. Plain numbers such as `-500` or `+3.5` are left alone so that a fixed
 * `failed.csv` still imports its amounts. A cell that already starts with `'` before such a character
 * gets one more `'`, so that reading a report back ({@link unescapeFormula}) gives every cell exactly
 * as it was.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
/** Quotes, then a formula start: what an escaped cell looks like. */
const QUOTED_FORMULA_START = /^'+[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(\d[\d,.' ]*)?\d([.,]\d+)?$/;

export function escapeFormula(cell: string): string {
  if (QUOTED_FORMULA_START.test(cell)) return `'${cell}`;
  if (!FORMULA_START.test(cell) || PLAIN_NUMBER.test(cell)) return cell;
  return `'${cell}`;
}

/** Reverses {@link escapeFormula} when a report file is read back as input. */
export function unescapeFormula(cell: string): string {
  if (QUOTED_FORMULA_START.test(cell)) return cell.slice(1);
  return cell;
}
