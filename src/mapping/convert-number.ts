/**
 * NUMBER and CURRENCY cells. Exports write amounts in many ways (`1.234,56`, `$ 1,234.50`,
 * `1 234,5 €`, `(1,234.00)`), so the reading is told the decimal separator and then accepts only
 * what is unambiguous under it: thousands separators in groups of three, at most two decimals
 * (the API's limit), within the safe-integer range. Anything else is refused; more decimals are
 * rounded only when the mapping asks for it (`round`), and the row then carries a note.
 */
import type { Conversion } from './types.js';

/** The API stores at most two decimal places for NUMBER and CURRENCY. */
const MAX_DECIMALS = 2;

/** Characters that group thousands whatever the decimal separator: spaces (also no-break and thin ones) and apostrophes. */
const NEUTRAL_GROUPING = new Set([' ', '\u00a0', '\u202f', '\u2009', "'", '\u2019']);

/**
 * Plain and thousands-grouped amounts (`1234.5`, `1.234,50`) of at most 15 digits: the common case,
 * read without the general path's regular expressions (it runs for every row). Gives exactly what
 * {@link readParts} and {@link fromParts} give for them.
 */
const SIMPLE_NUMBER = {
  '.': /^(?:\d{1,15}|\d{1,3}(?:,\d{3}){1,4})(?:\.\d{1,2})?$/,
  ',': /^(?:\d{1,15}|\d{1,3}(?:\.\d{3}){1,4})(?:,\d{1,2})?$/,
} as const;

/**
 * Reads a cell with the given decimal separator. `round` (0–2 places) rounds a cell with more
 * decimal places half to even and says so in the conversion's `note`; without it such a cell is refused.
 */
export function parseNumber(cell: string, decimal: '.' | ',', round?: number): Conversion {
  if (SIMPLE_NUMBER[decimal].test(cell) && (round === undefined || decimalPlaces(cell, decimal) <= round)) {
    const grouping = decimal === '.' ? ',' : '.';
    const digits = cell.includes(grouping) ? cell.split(grouping).join('') : cell;
    return { ok: true, value: Number(decimal === '.' ? digits : digits.replace(',', '.')) };
  }
  const parts = readParts(cell, decimal);
  const result = 'ok' in parts ? parts : fromParts(parts, round);
  if (result.ok || result.code !== 'not_a_number') return result;
  // Say so when the cell would have been a number with the other separator: the usual mistake.
  const other = decimal === '.' ? ',' : '.';
  if (!('ok' in readParts(cell, other))) {
    return { ...result, expected: `${result.expected}; it reads as a number with "decimal": "${other}"` };
  }
  return result;
}

/** Checks a number given in the mapping (`value`, `default`) against the API's limits. */
export function checkNumber(value: number): Conversion {
  if (!Number.isFinite(value)) return notANumber('.');
  if (Math.abs(value) > Number.MAX_SAFE_INTEGER) return outOfRange();
  if (Math.round(value * 10 ** MAX_DECIMALS) / 10 ** MAX_DECIMALS !== value) return tooManyDecimals();
  return { ok: true, value: value === 0 ? 0 : value };
}

/** A number read from a cell, before the decimal places are checked. */
interface NumberParts {
  negative: boolean;
  /** Digits before the separator, without grouping; may be empty (`.5`). */
  integerDigits: string;
  /** Digits after the separator without trailing zeros; empty for a whole number. */
  fraction: string;
}

/** The parts of a number cell, or why it is not one. */
function readParts(cell: string, decimal: '.' | ','): NumberParts | Conversion {
  let text = cell
    .replace(/\p{Sc}/gu, '')
    .trim()
    .replace(/^[A-Z]{3}\s*(?=[-+\u2212(\d.,])/, '')
    .replace(/(?<=[\d.,)])\s*[A-Z]{3}$/, '')
    .trim();
  let negative = false;
  const parenthesized = /^\((.*)\)$/.exec(text);
  if (parenthesized !== null) {
    negative = true;
    text = (parenthesized[1] ?? '').trim();
  }
  const sign = /^([-+\u2212])\s*/.exec(text);
  if (sign !== null) {
    if (negative) return notANumber(decimal);
    negative = sign[1] !== '+';
    text = text.slice(sign[0].length);
  }

  const parts = text.split(decimal);
  if (parts.length > 2) return notANumber(decimal);
  const integerPart = parts[0] ?? '';
  const fraction = parts[1];
  if (fraction !== undefined && !/^\d+$/.test(fraction)) return notANumber(decimal);
  if (integerPart === '' && fraction === undefined) return notANumber(decimal);

  const integerDigits = integerDigitsOf(integerPart, decimal);
  if (integerDigits === undefined) return notANumber(decimal);

  return { negative, integerDigits, fraction: (fraction ?? '').replace(/0+$/, '') };
}

function fromParts(parts: NumberParts, round: number | undefined): Conversion {
  let { integerDigits, fraction } = parts;
  const rounding = round !== undefined && fraction.length > round;
  if (rounding) ({ integerDigits, fraction } = roundHalfEven(integerDigits, fraction, round));
  else if (fraction.length > MAX_DECIMALS) return tooManyDecimals();
  const magnitude = Number(`${integerDigits === '' ? '0' : integerDigits}.${fraction || '0'}`);
  if (magnitude > Number.MAX_SAFE_INTEGER) return outOfRange();
  const value = parts.negative && magnitude !== 0 ? -magnitude : magnitude;
  return rounding ? { ok: true, value, note: `rounded to ${JSON.stringify(value)} ("round": ${round})` } : { ok: true, value };
}

/**
 * Rounds a decimal written as digit texts to `places`, half to even, on the digits themselves:
 * binary floating point cannot hold most decimals, so `Math.round(x * 100)` would round some
 * ties the wrong way (1.005 is 1.00499… as a double).
 */
function roundHalfEven(integerDigits: string, fraction: string, places: number): { integerDigits: string; fraction: string } {
  const kept = BigInt(`${integerDigits}${fraction.slice(0, places)}` || '0');
  const dropped = fraction.slice(places);
  // `fraction` has no trailing zeros, so exactly half is the single digit 5.
  const half = dropped === '5';
  const up = dropped > '5' || (half && kept % 2n === 1n);
  const digits = (up ? kept + 1n : kept).toString().padStart(places + 1, '0');
  const split = digits.length - places;
  return { integerDigits: digits.slice(0, split), fraction: digits.slice(split).replace(/0+$/, '') };
}

/** Decimal places of a cell that matched {@link SIMPLE_NUMBER}. */
function decimalPlaces(cell: string, decimal: '.' | ','): number {
  const at = cell.indexOf(decimal);
  return at === -1 ? 0 : cell.length - at - 1;
}

/** The digits of the integer part, or undefined when its grouping is not thousands of one kind. */
function integerDigitsOf(integerPart: string, decimal: '.' | ','): string | undefined {
  if (/^\d*$/.test(integerPart)) return integerPart;
  const groupingCharacter = decimal === '.' ? ',' : '.';
  const separators = new Set(integerPart.replace(/\d/g, ''));
  const allSpaces = [...separators].every((character) => NEUTRAL_GROUPING.has(character) && character !== "'" && character !== '\u2019');
  const valid =
    separators.size === 1
      ? [...separators].every((character) => character === groupingCharacter || NEUTRAL_GROUPING.has(character))
      : allSpaces;
  if (!valid) return undefined;
  const groups = integerPart.split(/[^\d]/);
  const [head, ...tail] = groups;
  if (head === undefined || !/^\d{1,3}$/.test(head) || tail.length === 0) return undefined;
  if (!tail.every((group) => /^\d{3}$/.test(group))) return undefined;
  return groups.join('');
}

function notANumber(decimal: '.' | ','): Conversion {
  return { ok: false, code: 'not_a_number', expected: `a number (decimal separator "${decimal}")` };
}

function tooManyDecimals(): Conversion {
  return {
    ok: false,
    code: 'too_many_decimals',
    expected: `a number with at most ${MAX_DECIMALS} decimal places (to round such cells, add "round": ${MAX_DECIMALS} to the field)`,
  };
}

function outOfRange(): Conversion {
  return { ok: false, code: 'out_of_range', expected: `a number between -${Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}` };
}
