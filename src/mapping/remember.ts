/**
 * Remembers a converter's answers by cell text. Exports repeat the same few stages, priorities,
 * tags and dates over and over, and these answers depend on the cell alone; reading them again
 * (Luxon, option matching) costs more than the rest of the row. Bounded, so that memory stays flat:
 * a column of all-different values only refills the table.
 */
import { valueText } from './payload-text.js';
import type { CellConverter, Conversion } from './types.js';

/** Answers remembered per converter (a few hundred KB at most). */
const MAX_REMEMBERED = 4096;

export function remembered(convert: CellConverter): CellConverter {
  const known = new Map<string, Conversion>();
  return (cell: string): Conversion => {
    let conversion = known.get(cell);
    if (conversion === undefined) {
      conversion = convert(cell);
      // With its payload text, written once; shared by every row with this cell: frozen, so that
      // no row can change another's value.
      if (conversion.ok) {
        if (Array.isArray(conversion.value)) Object.freeze(conversion.value);
        conversion = { ...conversion, text: valueText(conversion.value) };
      }
      Object.freeze(conversion);
      if (known.size >= MAX_REMEMBERED) known.clear();
      known.set(cell, conversion);
    }
    return conversion;
  };
}
