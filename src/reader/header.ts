/**
 * Checks that a header can name the columns: no NUL bytes (the sign of a binary or UTF-16 file
 * read as text), at least one name and no name twice. Names are compared trimmed, because the
 * mapping matches column names trimmed. A column without a name (a header ending in a delimiter,
 * as many spreadsheet exports write it, or a spreadsheet's unnamed index column) cannot be mapped:
 * the run goes on and says so. A first line that looks like data (a file without a header line)
 * gets a hint towards the mapping's `columns`.
 */
import { ImportError } from '../errors.js';
import { quoteText } from '../quote-text.js';

/** Cells that database dumps and spreadsheets write for "no value" (`#NV` is German Excel's `#N/A`): never a column name. */
export const NULL_MARKERS: ReadonlySet<string> = new Set(['\\N', 'NULL', 'null', '(null)', '#N/A', 'N/A', '#NV']);
const NUMBER = /^[-+]?\d+(?:[.,'\s]\d+)*$/;
const DATE = /^(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4})(?:[ T]\d{1,2}:\d{2}.*)?$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
/** Cells quoted as examples in the hint. */
const EXAMPLES_SHOWN = 3;

/**
 * Throws a `csv_header` {@link ImportError} naming every problem of the header of `path`; returns
 * a warning when some columns have no name.
 */
export function checkHeader(header: readonly string[], path: string): string | undefined {
  if (header.some((name) => name.includes('\0'))) {
    throw new ImportError(
      'csv_header',
      `${path} does not look like a CSV file: its first line contains NUL bytes ` +
        '(is it a spreadsheet such as .xlsx, or UTF-16 text without a byte order mark?); save it as CSV UTF-8',
      { subject: path },
    );
  }

  const problems: string[] = [];
  const unnamed: number[] = [];
  const positionsByName = new Map<string, number[]>();
  header.forEach((name, index) => {
    const trimmed = name.trim();
    if (trimmed === '') {
      unnamed.push(index + 1);
      return;
    }
    const positions = positionsByName.get(trimmed);
    if (positions === undefined) positionsByName.set(trimmed, [index + 1]);
    else positions.push(index + 1);
  });
  const noName = `${plural(unnamed.length, 'column', 'columns')} ${listPositions(unnamed)} ${unnamed.length === 1 ? 'has' : 'have'} no name`;
  if (unnamed.length === header.length) problems.push('no column has a name');
  for (const [name, positions] of positionsByName) {
    if (positions.length > 1) {
      problems.push(`the column ${quoteText(name)} appears ${positions.length} times (columns ${listPositions(positions)})`);
    }
  }
  if (problems.length > 0) {
    const hint = dataLikeHeaderHint(header);
    throw new ImportError(
      'csv_header',
      `${path}: the header is unusable: ${problems.join('; ')}; every column needs a unique name${hint === undefined ? '' : `. ${hint}`}`,
      { subject: path },
    );
  }
  if (unnamed.length === 0) return undefined;
  return `${path}: ${noName}, so ${unnamed.length === 1 ? 'its' : 'their'} cells are not imported (give ${unnamed.length === 1 ? 'it' : 'them'} a name in the header to map ${unnamed.length === 1 ? 'it' : 'them'})`;
}

/**
 * A sentence for when the first line holds values rather than names (null markers, dates, email
 * addresses, or more than one number): the file likely has no header
 * line, and the mapping's `columns` names them. Undefined for a header that looks like names.
 */
export function dataLikeHeaderHint(header: readonly string[]): string | undefined {
  const cells = header.map((cell) => cell.trim()).filter((cell) => cell !== '');
  const numbers = cells.filter((cell) => NUMBER.test(cell));
  const telling = cells.filter((cell) => NULL_MARKERS.has(cell) || DATE.test(cell) || EMAIL.test(cell));
  if (telling.length === 0 && numbers.length < 2) return undefined;
  const examples = [...new Set([...telling, ...numbers])].slice(0, EXAMPLES_SHOWN).map((cell) => `"${cell}"`);
  return (
    `The first line looks like data, not column names (${examples.join(', ')}): if the file has no header line, ` +
    'list its column names in the mapping\'s "columns" (the first line is then read as data)'
  );
}

function plural(count: number, one: string, many: string): string {
  return count === 1 ? one : many;
}

/** `3`, `3 and 7`, `3, 5 and 7`. */
function listPositions(positions: readonly number[]): string {
  if (positions.length === 1) return String(positions[0]);
  return `${positions.slice(0, -1).join(', ')} and ${String(positions[positions.length - 1])}`;
}
