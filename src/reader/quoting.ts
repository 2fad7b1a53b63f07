/**
 * Finds the quoting mistakes that csv-parse reads leniently (`relax_quotes`): a quote inside an
 * unquoted cell (`5" screen`), text after a closing quote (`"Acme" Inc`), and a quote that is
 * never closed. The parser keeps such a record (so that the following ones still come out);
 * this check is what marks it as malformed instead of importing it silently.
 *
 * Only records whose raw text contains a quote are checked, and the scan jumps from quote to
 * quote and from delimiter to delimiter with native `indexOf`.
 */

const QUOTE = 34;
const CR = 13;
const LF = 10;

export type QuotingProblemKind = 'quote_in_unquoted_cell' | 'text_after_closing_quote' | 'unclosed_quote';

export interface QuotingProblem {
  kind: QuotingProblemKind;
  /** 0-based index of the cell where the problem is. */
  column: number;
}

/**
 * The first quoting problem of the record whose raw text starts at `start` in `raw` (and runs to
 * the end of `raw`, a trailing line break included), or `undefined` when it is well formed.
 */
export function findQuotingProblem(raw: string, start: number, delimiter: string): QuotingProblem | undefined {
  let column = 0;
  let index = start;
  // Kept as the first quote at or after `index`: once there is none, nothing can be wrong.
  let nextQuote = raw.indexOf('"', index);
  while (nextQuote !== -1) {
    if (nextQuote === index) {
      const afterQuotedCell = closingQuoteEnd(raw, index + 1);
      if (afterQuotedCell === -1) return { kind: 'unclosed_quote', column };
      index = afterQuotedCell;
      if (index >= raw.length) return undefined;
      if (endsRecord(raw, index)) return undefined;
      if (!raw.startsWith(delimiter, index)) return { kind: 'text_after_closing_quote', column };
      index += delimiter.length;
      nextQuote = raw.indexOf('"', index);
    } else {
      const delimiterAt = raw.indexOf(delimiter, index);
      const cellEnd = delimiterAt === -1 ? raw.length : delimiterAt;
      if (nextQuote < cellEnd) return { kind: 'quote_in_unquoted_cell', column };
      if (delimiterAt === -1) return undefined;
      index = delimiterAt + delimiter.length;
    }
    column++;
  }
  return undefined;
}

/** The index just after the quote that closes a quoted cell whose content starts at `from`, or -1. */
function closingQuoteEnd(raw: string, from: number): number {
  let index = from;
  for (;;) {
    const quote = raw.indexOf('"', index);
    if (quote === -1) return -1;
    // A doubled quote is an escaped quote inside the cell.
    if (raw.charCodeAt(quote + 1) === QUOTE) {
      index = quote + 2;
      continue;
    }
    return quote + 1;
  }
}

/**
 * Whether the line break character at `index` ends the record. An LF always does; a CR when it
 * starts a CRLF or is the raw text's last character (how csv-parse hands over a CRLF); a lone
 * CR elsewhere is a character of the cell, in files whose records end with LF.
 */
function endsRecord(raw: string, index: number): boolean {
  const code = raw.charCodeAt(index);
  if (code === LF) return true;
  return code === CR && (index === raw.length - 1 || raw.charCodeAt(index + 1) === LF);
}
