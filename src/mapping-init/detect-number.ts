/** The decimal separator of a number column, read off its sampled cells with the importer's own number reading. */
import { parseNumber } from '../mapping/convert-number.js';
import type { ColumnSample } from './column-sample.js';

export interface NumberReading {
  decimal: '.' | ',';
  /** Share of non-empty cells that read as numbers (with any number of decimals). */
  share: number;
  /** Cells that only read with more than 2 decimal places: the mapping then needs `round`. */
  tooManyDecimals: number;
  /** True when cells with a separator (`1.250`) read under both: the choice is a guess. */
  ambiguous: boolean;
}

/**
 * The separator under which most cells read. On a tie (`1.250` reads under both), a file that
 * separates its cells with `;` is taken to be European: that is what spreadsheets write where
 * the comma is the decimal separator.
 */
export function detectNumber(sample: ColumnSample, delimiter: string): NumberReading {
  const dot = countReadings(sample, '.');
  const comma = countReadings(sample, ',');
  const preferComma = comma.read > dot.read || (comma.read === dot.read && delimiter === ';');
  const chosen = preferComma ? comma : dot;
  const total = sample.values.length;
  return {
    decimal: preferComma ? ',' : '.',
    share: total === 0 ? 0 : chosen.read / total,
    tooManyDecimals: chosen.tooManyDecimals,
    ambiguous: comma.read === dot.read && [...sample.counts.keys()].some((cell) => /[.,]/.test(cell)),
  };
}

function countReadings(sample: ColumnSample, decimal: '.' | ','): { read: number; tooManyDecimals: number } {
  let read = 0;
  let tooManyDecimals = 0;
  for (const [cell, count] of sample.counts) {
    const result = parseNumber(cell, decimal);
    if (result.ok) read += count;
    else if (result.code === 'too_many_decimals') {
      read += count;
      tooManyDecimals += count;
    }
  }
  return { read, tooManyDecimals };
}
