/**
 * Report cells are escaped against spreadsheet formulas and unescaped when a report is imported
 * again: every cell must come back exactly as it was, or a fixed failed.csv would send other values
 * (or another identity) than the source file.
 */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { escapeFormula, unescapeFormula } from '../../src/report/escape.js';

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(\d[\d,.' ]*)?\d([.,]\d+)?$/;

/** Strings that start the way the escaping cares about. */
const tricky = fc
  .tuple(fc.constantFrom('', "'", "''", '=', '+', '-', '@', '\t', '\r', "'=", "'-", "''+"), fc.string({ maxLength: 8 }))
  .map(([start, rest]) => start + rest);

describe('formula escaping of report cells', () => {
  test.each([
    ['=SUM(A1)', "'=SUM(A1)"],
    ['-500', '-500'],
    ['+3.5', '+3.5'],
    ['-1.234,50', '-1.234,50'],
    ['-1.5k', "'-1.5k"],
    ['@mention', "'@mention"],
    ["'=already quoted", "''=already quoted"],
    ["'plain", "'plain"],
    ['', ''],
  ])('%j is written as %j and read back unchanged', (cell, written) => {
    expect(escapeFormula(cell)).toBe(written);
    expect(unescapeFormula(written)).toBe(cell);
  });

  test('unescape(escape(cell)) is the cell, for any cell', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), tricky), (cell) => {
        expect(unescapeFormula(escapeFormula(cell))).toBe(cell);
      }),
      { numRuns: 2000 },
    );
  });

  test('a written cell never starts like a formula, unless it is a plain number', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), tricky), (cell) => {
        const written = escapeFormula(cell);
        expect(!FORMULA_START.test(written) || PLAIN_NUMBER.test(written)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
