/**
 * Line breaks in a record's text, for the last line of a record the scanner stopped on. A line
 * break is CRLF, LF or a lone CR, each counting once, as the scanner counts them. Counting uses
 * native `indexOf` jumps, not a JavaScript loop over every character.
 */

const CR = 13;
const LF = 10;

/** The number of line breaks in `text` between `from` and `to`. */
export function countLineBreaks(text: string, from = 0, to = text.length): number {
  let count = 0;
  for (let index = text.indexOf('\n', from); index !== -1 && index < to; index = text.indexOf('\n', index + 1)) {
    count++;
  }
  for (let index = text.indexOf('\r', from); index !== -1 && index < to; index = text.indexOf('\r', index + 1)) {
    // A CR directly before an LF is the first half of a CRLF that the LF already counted.
    if (index + 1 >= to || text.charCodeAt(index + 1) !== LF) count++;
  }
  return count;
}

/** The index just after the last character of `text` that is not CR or LF. */
export function trimLineBreaksEnd(text: string, from = 0): number {
  let end = text.length;
  while (end > from && isLineBreak(text.charCodeAt(end - 1))) end--;
  return end;
}

function isLineBreak(code: number): boolean {
  return code === CR || code === LF;
}
