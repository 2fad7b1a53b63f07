/** Telephone normalisation as the API documents it (US first, E.164 with +, extensions as ;ext=). */
import { describe, expect, test } from '@jest/globals';

import { normalizeTelephone } from '../../src/emulator/index.js';

describe('normalizeTelephone', () => {
  test.each([
    ['(415) 555-0132', '+14155550132'],
    ['1-415-555-0132', '+14155550132'],
    ['+44 20 7946 0958', '+442079460958'],
    ['+49 (30) 901820', '+4930901820'],
    ['415.555.0132 x100', '+14155550132;ext=100'],
    ['415-555-0132 ext:7', '+14155550132;ext=7'],
    ['415 555 0132 #42', '+14155550132;ext=42'],
    ['555-0132', '5550132'],
    ['020 7946 0958', '02079460958'],
  ])('%s becomes %s', (input, expected) => {
    expect(normalizeTelephone(input)).toBe(expected);
  });

  test.each([['call me'], ['+0 123 456 789'], ['12345'], ['+1234567890123456'], ['415+555']])('%s is refused', (input) => {
    expect(normalizeTelephone(input)).toBeUndefined();
  });
});
