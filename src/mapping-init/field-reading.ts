/**
 * Whether a column's cells fit a field's valueType, and the reading options that make them fit
 * (decimal separator, date format, checkbox texts, select aliases). A column whose name fits but
 * whose cells do not is not mapped: the report says why instead.
 */
import type { FieldDefinition } from '../lightfield/types.js';
import type { FieldSpec } from '../mapping/types.js';
import { readTelephone } from '../mapping/convert-contact.js';
import { parseNumber } from '../mapping/convert-number.js';
import { readCheckbox } from './checkbox-values.js';
import { examples, isEmail, isWebsite, MOST, shareOf, type ColumnSample } from './column-sample.js';
import { detectDate } from './detect-date.js';
import { quoteText } from '../quote-text.js';
import { detectNumber } from './detect-number.js';
import { MAX_UNKNOWN_CELLS, readSelect } from './select-values.js';

/** What the file is like as a whole, for the guesses a single column cannot settle. */
export interface FileHints {
  delimiter: string;
  /** Day before month in ambiguous dates (European exports). */
  dayFirst: boolean;
}

export type FieldReadingResult =
  | {
      ok: true;
      /** The spec to write; a bare column name when it holds nothing but `column`. */
      spec: FieldSpec & { column: string };
      details: string[];
      /** Guesses to check, each a sentence starting with the mapping path. */
      toCheck: string[];
    }
  | { ok: false; reason: string };

export function readField(key: string, definition: FieldDefinition, sample: ColumnSample, hints: FileHints): FieldReadingResult {
  const path = `fields.${key}`;
  const column = sample.name;
  const fits = (share: number, what: string): FieldReadingResult | undefined =>
    share >= MOST ? undefined : { ok: false, reason: `named like ${key} ("${definition.label}"), but its cells are not ${what} (${examples(sample)})` };
  const plain: FieldReadingResult = { ok: true, spec: { column }, details: [], toCheck: [] };
  if (sample.values.length === 0) return { ...plain, details: ['no values in the sample'] };

  switch (definition.valueType) {
    case 'NUMBER':
    case 'CURRENCY': {
      const reading = detectNumber(sample, hints.delimiter);
      const refused = fits(reading.share, 'numbers');
      if (refused !== undefined) return refused;
      const toCheck: string[] = [];
      if (reading.ambiguous) {
        toCheck.push(`${path}.decimal: "${reading.decimal}" is a guess (from the "${hints.delimiter}" delimiter): cells like ${examples(sample, 2, (cell) => /[.,]\d{3}$/.test(cell))} read either way`);
      }
      const spec: FieldSpec & { column: string } = { column, decimal: reading.decimal };
      if (reading.tooManyDecimals > 0) {
        spec.round = 2;
        toCheck.push(
          `${path}.round: ${reading.tooManyDecimals} sampled ${reading.tooManyDecimals === 1 ? 'cell has' : 'cells have'} more than 2 decimal places ` +
            `(${examples(sample, 2, (cell) => hasTooManyDecimals(cell, reading.decimal))}); "round": 2 rounds them half to even, each with a note on its row; remove it to refuse them instead`,
        );
      }
      return { ok: true, spec, details: [`decimal "${reading.decimal}"`, ...(spec.round === undefined ? [] : ['round 2'])], toCheck };
    }
    case 'DATETIME': {
      const reading = detectDate(sample, hints.dayFirst);
      if (reading === undefined) return fits(0, 'dates in a format it knows')!;
      if (reading.share < MOST) {
        const format = reading.format === undefined ? 'ISO 8601' : `the format "${reading.format}"`;
        const unread = reading.unread.slice(0, 3).map((cell) => quoteText(cell)).join(', ');
        return {
          ok: false,
          reason: `named like ${key} ("${definition.label}"), but only ${Math.round(reading.share * 100)}% of its sampled cells read as dates in ${format} (not ${unread}): map it by hand with that format if the others are mistakes`,
        };
      }
      const spec: FieldSpec & { column: string } = { column, ...(reading.format === undefined ? {} : { format: reading.format }), timezone: 'UTC' };
      const toCheck = [`${path}.timezone: dates without an offset are read as UTC; set the zone the export was written in (e.g. "Europe/Berlin")`];
      if (reading.alsoReadsAs !== undefined) {
        toCheck.push(`${path}.format: "${reading.format ?? ''}" is a guess: every sampled date also reads as "${reading.alsoReadsAs}" (no day above 12)`);
      }
      if (reading.placeholders.length > 0) {
        const shown = reading.placeholders.slice(0, 3).map((cell) => quoteText(cell)).join(', ');
        toCheck.push(
          `${path}: ${shown} ${reading.placeholders.length === 1 ? 'looks like a placeholder' : 'look like placeholders'} for "no date": ` +
            `add ${reading.placeholders.length === 1 ? 'it' : 'them'} to "nullValues" to leave the date empty, or add "range": { "min": "1901-01-01", "max": "2100-12-31" } to refuse such rows`,
        );
      }
      const shareText = reading.share < 1 ? ` (reads ${Math.round(reading.share * 100)}% of the sampled cells)` : '';
      return { ok: true, spec, details: [`${reading.format === undefined ? 'ISO 8601 dates' : `format "${reading.format}"`}${shareText}`], toCheck };
    }
    case 'CHECKBOX': {
      const reading = readCheckbox(sample, definition.label);
      if (!reading.ok) {
        return { ok: false, reason: `named like ${key} ("${definition.label}"), but it is unclear which cells mean true: ${reading.unclear.slice(0, 3).map((cell) => quoteText(cell)).join(', ')}` };
      }
      const spec: FieldSpec & { column: string } = {
        column,
        ...(reading.trueValues === undefined ? {} : { trueValues: reading.trueValues }),
        ...(reading.falseValues === undefined ? {} : { falseValues: reading.falseValues }),
      };
      const listed = reading.trueValues !== undefined || reading.falseValues !== undefined;
      const described = `true: ${(reading.trueValues ?? ['the usual yes texts']).join(', ')}; false: ${(reading.falseValues ?? ['the usual no texts']).join(', ')}`;
      return { ok: true, spec, details: listed ? [described] : [], toCheck: listed ? [`${path}: ${described}: check which cells mean true`] : [] };
    }
    case 'SINGLE_SELECT':
    case 'MULTI_SELECT': {
      const options = definition.typeConfiguration.options ?? [];
      const reading = readSelect(sample, key, options, definition.valueType === 'MULTI_SELECT');
      if (reading === undefined) {
        return { ok: false, reason: `named like ${key} ("${definition.label}"), but it has more than ${MAX_UNKNOWN_CELLS} distinct values that are not its options` };
      }
      const spec: FieldSpec & { column: string } = { column, ...(reading.split === undefined ? {} : { split: reading.split }) };
      if (reading.guesses.length > 0) spec.values = reading.values;
      const details = [
        ...(reading.split === undefined ? [] : [`split on "${reading.split}"`]),
        `${reading.labelled} distinct ${reading.labelled === 1 ? 'value is an option' : 'values are options'}` +
          (reading.guesses.length === 0 ? '' : `, ${reading.guesses.length} mapped in "values"`),
        ...reading.guesses.map((guess) => `"${guess.cell}" → "${guess.label}" (${guess.placeholder ? 'placeholder' : guess.confidence}: ${guess.reason})`),
      ];
      const toCheck = reading.guesses
        .filter((guess) => guess.confidence !== 'high')
        .map((guess) =>
          guess.placeholder
            ? `${path}.values: "${guess.cell}" is close to no option of ${key}; it is set to "${guess.label}" only as a placeholder: choose the right option`
            : `${path}.values: "${guess.cell}" → "${guess.label}" is a guess (${guess.reason})`,
        );
      return { ok: true, spec, details, toCheck };
    }
    case 'EMAIL': {
      const refused = fits(shareOf(sample, (cell) => cell.split(/[;,]/).every((item) => item.trim() === '' || isEmail(item.trim()))), 'email addresses');
      if (refused !== undefined) return refused;
      const split = definition.typeConfiguration.multipleValues === true ? listSeparator(sample) : undefined;
      return split === undefined ? plain : { ok: true, spec: { column, split }, details: [`split on "${split}"`], toCheck: [] };
    }
    case 'URL':
      return fits(shareOf(sample, isWebsite), 'web addresses') ?? plain;
    case 'TELEPHONE':
      return fits(shareOf(sample, (cell) => readTelephone(cell).ok), 'phone numbers') ?? plain;
    default:
      return plain;
  }
}

function hasTooManyDecimals(cell: string, decimal: '.' | ','): boolean {
  const result = parseNumber(cell, decimal);
  return !result.ok && result.code === 'too_many_decimals';
}

/** `;` or `,` when some cell holds several values separated by it. */
function listSeparator(sample: ColumnSample): string | undefined {
  return [';', ','].find((separator) => [...sample.counts.keys()].some((cell) => cell.includes(separator)));
}
