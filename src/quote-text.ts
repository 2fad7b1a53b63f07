/**
 * How every message quotes a header name or a cell: as a JSON string, with characters a reader
 * cannot see written as `\uXXXX`. A header `Deal\u200bName` (a zero-width space pasted in) then
 * no longer reads as the `Deal Name` the mapping asks for, which the user could never spot.
 */

/**
 * Characters shown escaped: controls (JSON.stringify escapes only those below U+0020), format
 * characters (zero-width spaces and joiners, bidirectional marks, the BOM, soft hyphens), spaces
 * other than U+0020 (no-break and typographic spaces), line and paragraph separators, and
 * fillers that render as nothing.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\u034f\u115f\u1160\u3164\uffa0\ufe00-\ufe0f]/gu;

/**
 * `text` as a JSON string with invisible characters escaped, shortened to `maxCharacters`
 * characters (with `…`) when given.
 */
export function quoteText(text: string, maxCharacters?: number): string {
  const characters = [...text];
  const shown =
    maxCharacters !== undefined && characters.length > maxCharacters ? `${characters.slice(0, maxCharacters - 1).join('')}…` : text;
  return JSON.stringify(shown).replace(INVISIBLE, escape);
}

function escape(character: string): string {
  const code = character.codePointAt(0) ?? 0;
  return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
}
