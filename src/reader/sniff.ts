/**
 * Delimiter detection from the start of the file: the candidate that splits the header into
 * the most columns, weighted by how many of the following records agree with that count.
 * Runs once per file on a bounded sample, so a plain character loop is fine here.
 */

/** The delimiters the reader tries, in the order that breaks a tie. */
export const DELIMITER_CANDIDATES = [',', ';', '\t', '|'] as const;

/** The header and this many data records are enough to judge consistency. */
const SNIFFED_DATA_RECORDS = 20;

/**
 * The delimiter of the CSV text that starts with `sample`.
 *
 * Each candidate is scored `header cells × share of data records with as many cells`, counting
 * delimiters outside quotes only; a candidate that leaves the header in one cell scores nothing.
 * When no candidate splits the header, the file has one column and `,` is as good as any.
 *
 * @param sampleIsWholeFile whether `sample` is the whole file; if not, its last record may be cut
 * short and is left out of the count.
 */
export function detectDelimiter(sample: string, sampleIsWholeFile: boolean): string {
  let best: string = DELIMITER_CANDIDATES[0];
  let bestScore = 0;
  for (const candidate of DELIMITER_CANDIDATES) {
    const [headerCells = 0, ...dataCells] = countCells(sample, candidate, SNIFFED_DATA_RECORDS + 1, sampleIsWholeFile);
    if (headerCells < 2) continue;
    const agreeing = dataCells.filter((cells) => cells === headerCells).length;
    const score = dataCells.length === 0 ? headerCells : (headerCells * agreeing) / dataCells.length;
    if (score > bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}

/**
 * How many cells each of the first `maxRecords` records of `text` has when split on `delimiter`,
 * honouring quotes (a quoted cell may hold delimiters and line breaks). Empty lines are skipped,
 * as the reader skips them.
 */
export function countCells(text: string, delimiter: string, maxRecords: number, textIsComplete: boolean): number[] {
  const counts: number[] = [];
  let cells = 1;
  let quoting = false;
  let atCellStart = true;
  let recordHasContent = false;
  for (let index = 0; index < text.length && counts.length < maxRecords; index++) {
    const character = text[index];
    if (quoting) {
      if (character === '"') {
        if (text[index + 1] === '"') index++;
        else quoting = false;
      }
      continue;
    }
    if (character === '\r' || character === '\n') {
      if (recordHasContent) counts.push(cells);
      cells = 1;
      atCellStart = true;
      recordHasContent = false;
      continue;
    }
    recordHasContent = true;
    if (character === '"' && atCellStart) {
      quoting = true;
      atCellStart = false;
    } else if (character === delimiter) {
      cells++;
      atCellStart = true;
    } else {
      atCellStart = false;
    }
  }
  const lastRecordIsWhole = textIsComplete || counts.length === 0;
  if (recordHasContent && lastRecordIsWhole && counts.length < maxRecords) counts.push(cells);
  return counts;
}

/**
 * The line breaks that end a record outside quotes. CRLF and LF always do, so that a file with
 * mixed line endings still splits into its lines; a lone CR only in a file without any LF (old
 * Mac exports), because elsewhere a lone CR is more likely text inside a cell that its writer
 * did not quote (csv-stringify, for one, leaves it unquoted).
 */
export function detectRecordDelimiters(sample: string): string[] {
  return sample.includes('\n') ? ['\r\n', '\n'] : ['\r\n', '\n', '\r'];
}
