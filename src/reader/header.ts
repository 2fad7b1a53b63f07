/**
 * Checks that a header can name the columns: no NUL bytes (the sign of a binary or UTF-16 file
 * read as text), no empty names and no name twice. Names are compared trimmed, because the
 * mapping matches column names trimmed.
 */
import { ImportError } from '../errors.js';
import { quoteText } from '../quote-text.js';

/** Throws a `csv_header` {@link ImportError} naming every problem of the header of `path`. */
export function checkHeader(header: readonly string[], path: string): void {
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
  if (unnamed.length > 0) {
    problems.push(`${plural(unnamed.length, 'column', 'columns')} ${listPositions(unnamed)} ${unnamed.length === 1 ? 'has' : 'have'} no name`);
  }
  for (const [name, positions] of positionsByName) {
    if (positions.length > 1) {
      problems.push(`the column ${quoteText(name)} appears ${positions.length} times (columns ${listPositions(positions)})`);
    }
  }
  if (problems.length > 0) {
    throw new ImportError('csv_header', `${path}: the header is unusable: ${problems.join('; ')}; every column needs a unique name`, {
      subject: path,
    });
  }
}

function plural(count: number, one: string, many: string): string {
  return count === 1 ? one : many;
}

/** `3`, `3 and 7`, `3, 5 and 7`. */
function listPositions(positions: readonly number[]): string {
  if (positions.length === 1) return String(positions[0]);
  return `${positions.slice(0, -1).join(', ')} and ${String(positions[positions.length - 1])}`;
}
