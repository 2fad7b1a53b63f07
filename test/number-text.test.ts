import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { numberText } from '../src/number-text.js';

describe('numberText()', () => {
  test('writes every finite number as String() does (payloads and reports keep their text)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.maxSafeInteger()), (value) => {
        expect(numberText(value)).toBe(String(value));
      }),
      { numRuns: 5000 },
    );
  });

  test.each([0, -0, 1e21, 1e-7, 123456789.125, -5e-324, Number.MAX_VALUE])('%p as String() writes it', (value) => {
    expect(numberText(value)).toBe(String(value));
  });
});
