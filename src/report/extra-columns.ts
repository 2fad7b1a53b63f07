/**
 * The cells of ragged rows beyond the header, in the report: named columns `import_extra_1…`, added
 * only when some row has such cells, so that the report's own columns stay aligned and failed.csv
 * holds every cell of the source row. The report is written as rows finish, before the widest row is
 * known: rows carry their extra cells at their end while the run goes, and a report file that got
 * any is written once more at the end with the columns in place (a run without ragged rows pays
 * nothing).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { stringify, type Options } from 'csv-stringify';
import { PRIVATE_FILE_MODE } from './report-folder.js';

const EXTRA_COLUMN = /^import_extra_\d+$/;

/**
 * How every report CSV is written: LF line ends, and a lone CR quoted too (csv-stringify leaves it
 * bare by default, and some readers take it for a line break).
 */
export function reportCsvFormat(options: { delimiter: string; bom: boolean }): Options {
  return { delimiter: options.delimiter, bom: options.bom, record_delimiter: 'unix', quoted_match: /\r/ };
}

export function extraColumnNames(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `import_extra_${index + 1}`);
}

/** Whether a column of a failed.csv read back holds cells that were beyond the header. */
export function isExtraColumn(name: string): boolean {
  return EXTRA_COLUMN.test(name);
}

export interface ExtraColumnsLayout {
  delimiter: string;
  bom: boolean;
  /** The width of the rows as written, without their extra cells. */
  width: number;
  /** Where in that width the extra columns go. */
  insertAt: number;
  /** How many extra columns: the most extra cells a row had. */
  count: number;
}

/** Rewrites `path` (temporary file, then rename) with its rows' extra cells in `count` named columns at `insertAt`. */
export async function placeExtraColumns(path: string, layout: ExtraColumnsLayout): Promise<void> {
  const { width, insertAt, count } = layout;
  let header = true;
  const arrange = new Transform({
    objectMode: true,
    transform(row: string[], _encoding, callback) {
      const extras = header ? extraColumnNames(count) : row.slice(width);
      header = false;
      while (extras.length < count) extras.push('');
      callback(null, [...row.slice(0, insertAt), ...extras, ...row.slice(insertAt, width)]);
    },
  });
  const temporary = `${path}.tmp`;
  await pipeline(
    createReadStream(path),
    parse({ bom: layout.bom, delimiter: layout.delimiter, relax_column_count: true }),
    arrange,
    // No formula escaping: the cells were escaped when first written.
    stringify(reportCsvFormat(layout)),
    createWriteStream(temporary, { mode: PRIVATE_FILE_MODE }),
  );
  await rename(temporary, path);
}
