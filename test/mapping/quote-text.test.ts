/** How messages quote a header name or a cell: invisible characters are shown escaped. */
import { describe, expect, test } from '@jest/globals';
import { quoteText } from '../../src/quote-text.js';

describe('quoteText()', () => {
  test.each([
    ['plain text', 'Deal Name', '"Deal Name"'],
    ['a zero-width space', 'Deal\u200bName', '"Deal\\u200bName"'],
    ['a no-break space', 'Deal\u00a0Name', '"Deal\\u00a0Name"'],
    ['a byte order mark', '\ufeffid', '"\\ufeffid"'],
    ['a right-to-left override', 'abc\u202edef', '"abc\\u202edef"'],
    ['a soft hyphen and a word joiner', 'Dea\u00adl\u2060', '"Dea\\u00adl\\u2060"'],
    ['a C1 control character', 'a\u0085b', '"a\\u0085b"'],
    ['a line separator', 'a\u2028b', '"a\\u2028b"'],
    ['a tag character (outside the BMP)', 'flag\u{e0067}', '"flag\\u{e0067}"'],
    ['a line break and a quote, as JSON escapes them', 'a\n"b"', '"a\\n\\"b\\""'],
    ['visible non-ASCII text, left as it is', 'Café Müller – “special”', '"Café Müller – “special”"'],
  ])('%s', (_name, text, expected) => {
    expect(quoteText(text)).toBe(expected);
  });

  test('shortens to the given number of characters, never cutting a character in two', () => {
    expect(quoteText('😀'.repeat(10), 4)).toBe('"😀😀😀…"');
  });
});
