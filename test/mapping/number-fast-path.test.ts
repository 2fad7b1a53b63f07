import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { parseNumber } from '../../src/mapping/convert-number.js';

/**
 * Plain and thousands-grouped amounts take a fast path. A leading space sends a cell down the
 * general path (which trims it first), so the two can be compared on the same text.
 */
function generalPath(cell: string, decimal: '.' | ','): unknown {
  return parseNumber(` ${cell}`, decimal);
}

describe('parseNumber() fast path', () => {
  test.each<[string, '.' | ',']>([
    ['1234', '.'],
    ['1234.5', '.'],
    ['1234.50', '.'],
    ['1,234.56', '.'],
    ['1.234,56', ','],
    ['20.500,00', ','],
    ['007', '.'],
    ['0', ','],
    ['999999999999999', '.'],
    ['999.999.999.999.999,99', ','],
  ])('%s with decimal "%s": the general reading', (cell, decimal) => {
    expect(parseNumber(cell, decimal)).toEqual(generalPath(cell, decimal));
  });

  test('any digits, grouped or not, with any decimals: the general reading', () => {
    const cells = fc.stringMatching(/^(\d{1,17}|\d{1,3}([.,]\d{3}){1,5})([.,]\d{1,3})?$/);
    fc.assert(
      fc.property(cells, fc.constantFrom<'.' | ','>('.', ','), (cell, decimal) => {
        expect(parseNumber(cell, decimal)).toEqual(generalPath(cell, decimal));
      }),
      { numRuns: 3000 },
    );
  });
});
