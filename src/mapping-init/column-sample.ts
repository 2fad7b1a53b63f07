/** What the sampled rows say about each column: its non-empty cells, how many are distinct, what they look like. */
import { readEmail, readUrl } from '../mapping/convert-contact.js';
import { NULL_MARKERS } from '../reader/header.js';
import { looseForm, words } from './vocabulary.js';
import { quoteText } from '../quote-text.js';

export interface ColumnSample {
  /** The header name, trimmed (as the mapping refers to it). */
  name: string;
  index: number;
  /** The name's words and loose form, for matching. */
  words: string[];
  loose: string;
  /** Trimmed cells that are neither empty nor a null marker, in row order. */
  values: string[];
  /** How often each of {@link values} occurs. */
  counts: Map<string, number>;
  /** Sampled rows. */
  rows: number;
}

/** A share of cells above which a column is taken to hold that kind of value (a few typos do not count). */
export const MOST = 0.8;

/** The null markers that occur as whole cells in the sample, in {@link NULL_MARKERS} order, with how often. */
export function findNullMarkers(rows: ReadonlyArray<readonly string[]>): Array<{ marker: string; count: number }> {
  const counts = new Map<string, number>();
  for (const row of rows) {
    for (const cell of row) {
      const trimmed = cell.trim();
      if (NULL_MARKERS.has(trimmed)) counts.set(trimmed, (counts.get(trimmed) ?? 0) + 1);
    }
  }
  return [...NULL_MARKERS].filter((marker) => counts.has(marker)).map((marker) => ({ marker, count: counts.get(marker) ?? 0 }));
}

export function sampleColumns(header: readonly string[], rows: ReadonlyArray<readonly string[]>, nullValues: ReadonlySet<string>): ColumnSample[] {
  return header.map((raw, index) => {
    const name = raw.trim();
    const values: string[] = [];
    const counts = new Map<string, number>();
    for (const row of rows) {
      const cell = (row[index] ?? '').trim();
      if (cell === '' || nullValues.has(cell)) continue;
      values.push(cell);
      counts.set(cell, (counts.get(cell) ?? 0) + 1);
    }
    return { name, index, words: words(name), loose: looseForm(name), values, counts, rows: rows.length };
  });
}

/** The share of a column's non-empty cells that pass `test` (1 for a column without any). */
export function shareOf(sample: ColumnSample, test: (cell: string) => boolean): number {
  if (sample.values.length === 0) return 1;
  let passing = 0;
  for (const [cell, count] of sample.counts) if (test(cell)) passing += count;
  return passing / sample.values.length;
}

export function isEmail(cell: string): boolean {
  return readEmail(cell).ok;
}

/** A web address or a bare domain (`acme.com`, `https://www.acme.com/`), as account lookups by `$website` take. */
export function isWebsite(cell: string): boolean {
  return !cell.includes('@') && /^(?:https?:\/\/)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:[/?#].*)?$/i.test(cell) && readUrl(cell).ok;
}

/** Up to `limit` distinct cells, quoted, for messages. */
export function examples(sample: ColumnSample, limit = 3, test: (cell: string) => boolean = () => true): string {
  return [...sample.counts.keys()]
    .filter(test)
    .slice(0, limit)
    .map((cell) => quoteText(cell))
    .join(', ');
}
