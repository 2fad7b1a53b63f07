/**
 * One converter per field, chosen by the field's valueType and built once when the mapping
 * compiles. A converter reads a non-empty cell (trimmed when the mapping says so) into the bare
 * value the API takes, or refuses it with a code and what a valid cell looks like.
 */
import type { FieldDefinition, FieldWriteValue } from '../lightfield/types.js';
import { currencyMismatch, moneyConverter } from './convert-currency.js';
import { checkNumber, parseNumber } from './convert-number.js';
import { datetimeConverter } from './convert-datetime.js';
import { readEmail, readSocialHandle, readTelephone, readUrl, type ItemResult } from './convert-contact.js';
import { checkAddress, checkFullName, readAddress, readFullName } from './convert-structured.js';
import { selectMany, selectOne, type OptionIndex } from './convert-select.js';
import { checkRange, type ValueRange } from './value-range.js';
import type { CellConverter, Conversion } from './types.js';
import { quoteText } from '../quote-text.js';

/** Cell texts a CHECKBOX reads as true / false when the mapping gives none (compared lower-cased). */
export const DEFAULT_TRUE_VALUES: readonly string[] = ['true', 'yes', 'y', '1'];
export const DEFAULT_FALSE_VALUES: readonly string[] = ['false', 'no', 'n', '0'];

/** Everything a converter needs, resolved from the field spec and the definition. */
export interface FieldReading {
  key: string;
  definition: FieldDefinition;
  /** @default '.' */
  decimal: '.' | ',';
  /** Numbers: decimal places to round to (half to even); undefined refuses more than 2. */
  round: number | undefined;
  /** Numbers and datetimes: the values accepted. */
  range: ValueRange | undefined;
  format: string | undefined;
  /** @default 'UTC' */
  timezone: string;
  dateOnly: boolean;
  split: string | undefined;
  /** Trim each value of a split cell. */
  trim: boolean;
  trueValues: readonly string[];
  falseValues: readonly string[];
  /** Select fields: the option tables, and `values` aliases already resolved to option IDs (keys normalised). */
  options: OptionIndex | undefined;
  aliases: ReadonlyMap<string, string>;
  /** The mapping's `currency`: what the column's bare amounts are in. */
  currency: string | undefined;
}

export interface FieldConverter {
  /** Reads a non-empty cell. */
  cell: CellConverter;
  /** Checks and converts a constant from the mapping (`value`, `default`). */
  constant(value: FieldWriteValue): Conversion;
}

export function fieldConverter(reading: FieldReading): FieldConverter {
  const { definition } = reading;
  switch (definition.valueType) {
    case 'NUMBER':
    case 'CURRENCY': {
      const money = {
        key: reading.key,
        fieldCurrency: definition.valueType === 'CURRENCY' ? definition.typeConfiguration.currency : undefined,
        isCurrencyField: definition.valueType === 'CURRENCY',
        declared: reading.currency,
      };
      const cell = moneyConverter(money, (text) => parseNumber(text, reading.decimal, reading.round));
      const mismatch = currencyMismatch(money);
      return bounded(reading.range, {
        cell,
        constant: (value) => mismatch ?? (typeof value === 'number' ? checkNumber(value) : typeof value === 'string' ? cell(value) : wrongType('a number')),
      });
    }
    case 'CHECKBOX':
      return checkboxConverter(reading);
    case 'DATETIME': {
      const cell = datetimeConverter({ format: reading.format, timezone: reading.timezone, dateOnly: reading.dateOnly });
      return bounded(reading.range, { cell, constant: (value) => (typeof value === 'string' ? cell(value) : wrongType('a date text')) });
    }
    case 'EMAIL':
      return listConverter(reading, readEmail, definition.typeConfiguration.multipleValues === true);
    case 'URL':
      return listConverter(reading, readUrl, definition.typeConfiguration.multipleValues === true);
    case 'TELEPHONE':
      return listConverter(reading, readTelephone, true);
    case 'SOCIAL_HANDLE': {
      const cell = (text: string): Conversion => readSocialHandle(text, definition.typeConfiguration.handleService);
      return { cell, constant: (value) => (typeof value === 'string' ? cell(value) : wrongType('a profile URL')) };
    }
    case 'SINGLE_SELECT':
      return selectConverter(reading, false);
    case 'MULTI_SELECT':
      return selectConverter(reading, true);
    case 'ADDRESS':
      return { cell: readAddress, constant: (value) => (typeof value === 'string' ? readAddress(value) : checkAddress(value)) };
    case 'FULL_NAME':
      return { cell: readFullName, constant: (value) => (typeof value === 'string' ? readFullName(value) : checkFullName(value)) };
    case 'TEXT':
    case 'MARKDOWN':
    case 'HTML':
    default:
      return {
        cell: (cell) => ({ ok: true, value: cell }),
        constant: (value) => (typeof value === 'string' ? { ok: true, value } : wrongType('a text')),
      };
  }
}

/** Adds the `range` check to a converter; constants (`value`, `default`) must be in range too. */
function bounded(range: ValueRange | undefined, converter: FieldConverter): FieldConverter {
  if (range === undefined) return converter;
  return {
    cell: (cell) => checkRange(converter.cell(cell), range),
    constant: (value) => checkRange(converter.constant(value), range),
  };
}

function checkboxConverter(reading: FieldReading): FieldConverter {
  const meanings = new Map<string, boolean>();
  for (const text of reading.falseValues) meanings.set(text.trim().toLowerCase(), false);
  for (const text of reading.trueValues) meanings.set(text.trim().toLowerCase(), true);
  const expected = `one of ${[...reading.trueValues, ...reading.falseValues].map((text) => JSON.stringify(text)).join(', ')}`;
  const cell = (text: string): Conversion => {
    const meaning = meanings.get(text.trim().toLowerCase());
    return meaning === undefined ? { ok: false, code: 'not_a_boolean', expected } : { ok: true, value: meaning };
  };
  return {
    cell,
    constant: (value) => (typeof value === 'boolean' ? { ok: true, value } : typeof value === 'string' ? cell(value) : wrongType('true or false')),
  };
}

/** Splits a cell into its values (only on `split`), trimming them when asked and dropping empty ones. */
export function splitCell(cell: string, split: string | undefined, trim: boolean): string[] {
  if (split === undefined) return [cell];
  return cell
    .split(split)
    .map((item) => (trim ? item.trim() : item))
    .filter((item) => item.trim() !== '');
}

/**
 * EMAIL, URL, TELEPHONE: each value checked. Sent as a list where the field holds several values
 * (`typeConfiguration.multipleValues`; TELEPHONE always), else as one text.
 */
function listConverter(reading: FieldReading, readItem: (text: string) => ItemResult, multiple: boolean): FieldConverter {
  const fromItems = (items: readonly string[]): Conversion => {
    const values: string[] = [];
    for (const item of items) {
      const result = readItem(item);
      if (!result.ok) {
        return items.length > 1 ? { ...result, expected: `${result.expected} (${quoteText(item)} is not)` } : result;
      }
      if (!values.includes(result.value)) values.push(result.value);
    }
    if (multiple) return { ok: true, value: values };
    if (values.length > 1) {
      return { ok: false, code: 'too_many_values', expected: `one value: ${reading.key} holds a single value` };
    }
    return values[0] === undefined ? { ok: true, value: [] } : { ok: true, value: values[0] };
  };
  return {
    cell: (cell) => fromItems(splitCell(cell, reading.split, reading.trim)),
    constant: (value) =>
      typeof value === 'string'
        ? fromItems(splitCell(value, reading.split, reading.trim))
        : isTextList(value)
          ? fromItems(value)
          : wrongType('a text or a list of texts'),
  };
}

function selectConverter(reading: FieldReading, multiple: boolean): FieldConverter {
  const options = reading.options;
  if (options === undefined) throw new Error(`select field ${reading.key} compiled without options`);
  if (!multiple) {
    const cell = (text: string): Conversion => selectOne(text, options, reading.aliases);
    return { cell, constant: (value) => (typeof value === 'string' ? cell(value) : wrongType('an option label or ID')) };
  }
  return {
    cell: (cell) => selectMany(splitCell(cell, reading.split, reading.trim), options, reading.aliases),
    constant: (value) =>
      typeof value === 'string'
        ? selectMany(splitCell(value, reading.split, reading.trim), options, reading.aliases)
        : isTextList(value)
          ? selectMany(value, options, reading.aliases)
          : wrongType('option labels or IDs'),
  };
}

function isTextList(value: FieldWriteValue): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function wrongType(expected: string): Conversion {
  return { ok: false, code: 'invalid_type', expected };
}
