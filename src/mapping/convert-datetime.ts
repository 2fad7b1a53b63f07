/**
 * DATETIME cells. The API wants ISO 8601 with an offset; exports hold `12/01/2026`, `2026-01-12`
 * or `2026-01-12 14:30`. A value without an offset is read in the mapping's `timezone`; a date
 * alone becomes midnight there. A local time that does not exist (skipped by a daylight-saving
 * change) or exists twice (repeated by one) is refused rather than shifted.
 */
import { DateTime } from 'luxon';
import type { CellConverter, Conversion } from './types.js';

export interface DatetimeReading {
  /** Luxon format; undefined reads ISO 8601. */
  format: string | undefined;
  /** IANA zone for values without an offset. */
  timezone: string;
  /** Keep the calendar date only (`type: "date"`): the result is midnight in `timezone`. */
  dateOnly: boolean;
}

/** How the API receives dates: milliseconds and a numeric offset (`+00:00`, never `Z`). */
const OUTPUT_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSSZZ";

/** Converted cells remembered per field (a few hundred KB at most). */
const MAX_REMEMBERED = 4096;

/** An ISO 8601 value must at least hold a full calendar date. */
const ISO_DATE_START = /^\d{4}-\d{2}-\d{2}(?:$|[T ])/;
const ISO_DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** True when Luxon knows the zone (IANA names, `UTC`, fixed offsets like `UTC+1`). */
export function isValidTimezone(zone: string): boolean {
  return DateTime.fromMillis(0, { zone }).isValid;
}

export function datetimeConverter(reading: DatetimeReading): CellConverter {
  const { format, timezone, dateOnly } = reading;
  const expected =
    format === undefined
      ? dateOnly
        ? 'a date like 2026-10-31 (ISO 8601)'
        : 'a date or date-time in ISO 8601, like 2026-10-31 or 2026-10-31T14:30:00+01:00'
      : `a date in the format "${format}"`;
  const formatHasTime = format !== undefined && hasTimeTokens(format);
  const relaxedFormat = format === undefined ? undefined : relaxPadding(format);

  const parse = (cell: string, zone: string): DateTime | undefined => {
    if (format === undefined) {
      if (!ISO_DATE_START.test(cell)) return undefined;
      const iso = cell.replace(/^(\d{4}-\d{2}-\d{2}) (?=\d)/, '$1T');
      const parsed = DateTime.fromISO(iso, { zone, setZone: true });
      return parsed.isValid ? parsed : undefined;
    }
    const strict = DateTime.fromFormat(cell, format, { zone, setZone: true });
    if (strict.isValid) return strict;
    if (relaxedFormat === format || relaxedFormat === undefined) return undefined;
    const relaxed = DateTime.fromFormat(cell, relaxedFormat, { zone, setZone: true });
    return relaxed.isValid ? relaxed : undefined;
  };

  const convert = (cell: string): Conversion => {
    const parsed = parse(cell, timezone);
    if (parsed === undefined) return { ok: false, code: 'bad_date', expected };
    const hasTime = format === undefined ? !ISO_DATE_ONLY.test(cell) : formatHasTime;
    let result = parsed;
    if (dateOnly) {
      result = DateTime.fromObject({ year: parsed.year, month: parsed.month, day: parsed.day }, { zone: timezone });
    } else if (hasTime) {
      const wallClock = parse(cell, 'UTC');
      // The same cell read in UTC keeps the written wall-clock time; a zone that shifted it skipped that time.
      if (wallClock !== undefined && wallClock.offset === 0 && parsed.offset !== 0 && !sameWallClock(parsed, wallClock)) {
        return { ok: false, code: 'bad_date', expected: `a time that exists in ${timezone} (it falls in a daylight-saving gap)` };
      }
      if (wallClock !== undefined && wallClock.offset === 0 && sameWallClock(parsed, wallClock)) {
        const offsets = parsed.getPossibleOffsets();
        if (offsets.length > 1) {
          return {
            ok: false,
            code: 'ambiguous_date',
            expected: `an unambiguous time in ${timezone} (it occurs twice when daylight saving ends; add an offset)`,
          };
        }
      }
    }
    if (!result.isValid || result.year < 1 || result.year > 9999) return { ok: false, code: 'bad_date', expected };
    return { ok: true, value: result.toFormat(OUTPUT_FORMAT) };
  };

  // Luxon takes ~50 µs per cell, more than all the rest of a row; exports repeat the same dates over
  // and over, and the answer depends on the cell alone. Bounded, so that memory stays flat.
  const known = new Map<string, Conversion>();
  return (cell: string): Conversion => {
    let conversion = known.get(cell);
    if (conversion === undefined) {
      conversion = convert(cell);
      if (known.size >= MAX_REMEMBERED) known.clear();
      known.set(cell, conversion);
    }
    return conversion;
  };
}

function sameWallClock(left: DateTime, right: DateTime): boolean {
  return (
    left.year === right.year &&
    left.month === right.month &&
    left.day === right.day &&
    left.hour === right.hour &&
    left.minute === right.minute &&
    left.second === right.second
  );
}

/** Luxon tokens outside quoted literals that carry a time of day or an offset. */
function hasTimeTokens(format: string): boolean {
  return /[HhmsSaTtZz]/.test(format.replace(/'[^']*'/g, ''));
}

/**
 * Lets `dd/MM/yyyy` also read `1/2/2026`: a two-letter day, month, hour, minute or second token
 * between separators becomes its one-or-two-digit form. Tokens touching another letter keep their
 * width, since without a separator the digits could be split more than one way.
 */
export function relaxPadding(format: string): string {
  return format.replace(/(?<![A-Za-z])(dd|MM|HH|hh|mm|ss)(?![A-Za-z])/g, (token) => token.charAt(0));
}
