/**
 * The `range` option of number and datetime fields: bounds checked once when the mapping compiles,
 * then applied to every converted value. Exports fill unknown dates with placeholders
 * (`31.12.3999`, `01.01.1900`) that read as perfectly good dates; a range turns them into invalid
 * rows that name the column, the value and the bounds, instead of records dated in the year 3999.
 */
import { DateTime } from 'luxon';
import type { ValueType } from '../lightfield/types.js';
import type { Conversion, RangeSpec } from './types.js';

/** Bounds in the terms of the converted value: the number itself, or a datetime's epoch milliseconds. */
export interface ValueRange {
  min: number | undefined;
  max: number | undefined;
  /** Completes "… is not …" in a row's message, e.g. `a date from 2000-01-01 to 2100-12-31 (the field's "range")`. */
  expected: string;
  /** Reads a converted value as a comparable number. */
  measure: (value: number | string) => number;
}

export type RangeResolution = { ok: true; range: ValueRange } | { ok: false; problems: Array<{ bound: 'min' | 'max' | undefined; message: string }> };

const ISO_DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** Checks the mapping's bounds against the field's valueType; dates are read in the field's `timezone`. */
export function resolveRange(spec: RangeSpec, valueType: ValueType, timezone: string): RangeResolution {
  const isDatetime = valueType === 'DATETIME';
  const problems: Array<{ bound: 'min' | 'max' | undefined; message: string }> = [];
  const bounds: { min: number | undefined; max: number | undefined } = { min: undefined, max: undefined };
  for (const bound of ['min', 'max'] as const) {
    const given = spec[bound];
    if (given === undefined) continue;
    const value = isDatetime ? dateBound(given, bound, timezone) : typeof given === 'number' ? given : undefined;
    if (value === undefined) {
      const wanted = isDatetime ? 'an ISO 8601 date like "2100-12-31" (or a date-time with an offset)' : 'a number';
      problems.push({ bound, message: `${JSON.stringify(given)} is not ${wanted}` });
    }
    bounds[bound] = value;
  }
  if (problems.length === 0 && bounds.min !== undefined && bounds.max !== undefined && bounds.min > bounds.max) {
    problems.push({ bound: undefined, message: `min (${JSON.stringify(spec.min)}) is above max (${JSON.stringify(spec.max)}): no value would pass` });
  }
  if (problems.length > 0) return { ok: false, problems };
  const shown = (bound: 'min' | 'max'): string => String(spec[bound]);
  const described =
    spec.min !== undefined && spec.max !== undefined
      ? `from ${shown('min')} to ${shown('max')}`
      : spec.min !== undefined
        ? `${isDatetime ? 'no earlier than' : 'of at least'} ${shown('min')}`
        : `${isDatetime ? 'no later than' : 'of at most'} ${shown('max')}`;
  return {
    ok: true,
    range: {
      ...bounds,
      expected: `${isDatetime ? 'a date' : 'a number'} ${described} (the field's "range")`,
      // The converter sends datetimes as ISO 8601 with a numeric offset, which Date.parse reads exactly.
      measure: isDatetime ? (value) => Date.parse(String(value)) : (value) => Number(value),
    },
  };
}

/** Refuses a converted value outside the range; anything else passes through unchanged. */
export function checkRange(conversion: Conversion, range: ValueRange): Conversion {
  if (!conversion.ok || (typeof conversion.value !== 'number' && typeof conversion.value !== 'string')) return conversion;
  const measured = range.measure(conversion.value);
  if ((range.min !== undefined && measured < range.min) || (range.max !== undefined && measured > range.max)) {
    return { ok: false, code: 'out_of_range', expected: range.expected };
  }
  return conversion;
}

/** A date alone covers its whole day: `min` is that day's first millisecond, `max` its last. */
function dateBound(given: number | string, bound: 'min' | 'max', timezone: string): number | undefined {
  if (typeof given !== 'string') return undefined;
  const text = given.trim();
  const parsed = DateTime.fromISO(text, { zone: timezone, setZone: true });
  if (!parsed.isValid || !/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  if (ISO_DATE_ONLY.test(text) && bound === 'max') return parsed.endOf('day').toMillis();
  return parsed.toMillis();
}
