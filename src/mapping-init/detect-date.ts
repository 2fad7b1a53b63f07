/**
 * The Luxon format of a date column, found by reading its sampled cells with the importer's own
 * date reading under common export formats: the format written is one that reads them.
 */
import { DateTime } from 'luxon';
import { datetimeConverter, relaxPadding } from '../mapping/convert-datetime.js';
import type { CellConverter } from '../mapping/types.js';
import type { ColumnSample } from './column-sample.js';

/** Formats exports write, most specific first; an earlier one wins a tie. `undefined` is ISO 8601. */
export const DATE_FORMATS: ReadonlyArray<string | undefined> = [
  'yyyy-MM-dd',
  'yyyy-MM-dd HH:mm',
  'yyyy-MM-dd HH:mm:ss',
  'dd.MM.yyyy',
  'dd.MM.yyyy HH:mm',
  'dd.MM.yyyy HH:mm:ss',
  'dd.MM.yy',
  'MM/dd/yyyy',
  'dd/MM/yyyy',
  'MM/dd/yyyy HH:mm',
  'dd/MM/yyyy HH:mm',
  'MM/dd/yyyy h:mm a',
  'MM/dd/yy',
  'dd/MM/yy',
  'MM-dd-yyyy',
  'dd-MM-yyyy',
  'yyyy/MM/dd',
  'd MMM yyyy',
  'MMM d, yyyy',
  'dd-MMM-yyyy',
  'dd-MMM-yy',
  undefined,
];

/** Distinct cells tried first: a format that fails most of these is not tried on the rest. */
const FIRST_TRY = 20;

/** Years outside these are taken for placeholders (`31.12.3999`, `01.01.1900`). */
const PLAUSIBLE_YEARS = { from: 1901, to: 2100 } as const;

export interface DateReading {
  /** The format to write; undefined when ISO 8601 reads best (the mapping's default). */
  format: string | undefined;
  /** Share of non-empty cells that read. */
  share: number;
  /** The day-first or month-first twin that reads the sample just as well (every day ≤ 12). */
  alsoReadsAs: string | undefined;
  /** Cells that read to an implausible year: likely placeholders for "no date". */
  placeholders: string[];
  /** Distinct cells the format does not read. */
  unread: string[];
}

/** Reads `sample` under every format; `dayFirst` breaks a day/month tie (European exports). */
export function detectDate(sample: ColumnSample, dayFirst: boolean): DateReading | undefined {
  const distinct = [...sample.counts.keys()];
  if (distinct.length === 0) return undefined;
  const scored: Array<{ format: string | undefined; read: number; converter: CellConverter }> = [];
  for (const format of DATE_FORMATS) {
    const converter = datetimeConverter({ format, timezone: 'UTC', dateOnly: false });
    const firstCells = distinct.slice(0, FIRST_TRY);
    if (firstCells.filter((cell) => converter(cell).ok).length < firstCells.length / 2) continue;
    let read = 0;
    for (const [cell, count] of sample.counts) if (converter(cell).ok) read += count;
    scored.push({ format, read, converter });
  }
  if (scored.length === 0) return undefined;
  const bestRead = Math.max(...scored.map((entry) => entry.read));
  const tied = scored.filter((entry) => entry.read === bestRead);
  const first = tied[0]!;
  const twinFormat = first.format === undefined ? undefined : swapDayMonth(first.format);
  const twin = tied.find((entry) => twinFormat !== undefined && entry.format === twinFormat);
  // Both read every cell (no day above 12): take the order the rest of the file suggests.
  const [best, other] = twin !== undefined && dayFirst !== first.format?.startsWith('dd') ? [twin, first] : [first, twin];
  const placeholders = distinct.filter((cell) => {
    const converted = best.converter(cell);
    if (!converted.ok || typeof converted.value !== 'string') return false;
    const year = Number(converted.value.slice(0, 4));
    return year < PLAUSIBLE_YEARS.from || year > PLAUSIBLE_YEARS.to;
  });
  return {
    format: best.format === undefined ? undefined : writtenForm(best.format, distinct),
    share: bestRead / sample.values.length,
    alsoReadsAs: other?.format === undefined ? undefined : writtenForm(other.format, distinct),
    placeholders,
    unread: distinct.filter((cell) => !best.converter(cell).ok),
  };
}

/** `dd/MM/yyyy` ↔ `MM/dd/yyyy`; undefined for formats without such a twin. */
function swapDayMonth(format: string): string | undefined {
  if (format.startsWith('dd/MM') || format.startsWith('dd-MM')) return `MM${format.charAt(2)}dd${format.slice(5)}`;
  if (format.startsWith('MM/dd') || format.startsWith('MM-dd')) return `dd${format.charAt(2)}MM${format.slice(5)}`;
  return undefined;
}

/** The padded format when every cell is written padded, else its unpadded form (`M/d/yyyy` for `2/15/2027`). */
function writtenForm(format: string, cells: readonly string[]): string {
  const relaxed = relaxPadding(format);
  if (relaxed === format) return format;
  const padded = cells.every((cell) => !DateTime.fromFormat(cell, relaxed, { zone: 'UTC' }).isValid || DateTime.fromFormat(cell, format, { zone: 'UTC' }).isValid);
  return padded ? format : relaxed;
}
