/** What `mapping init` is given and what it gives back: a mapping and a report for the user. */
import type { Definitions } from '../lightfield/types.js';
import type { MappingFile } from '../mapping/types.js';

export type Confidence = 'high' | 'medium' | 'low';

export interface MappingInitInput {
  /** The CSV header as read. */
  header: readonly string[];
  /** Sampled data rows, cells in header order. */
  rows: ReadonlyArray<readonly string[]>;
  /** `GET /v1/opportunities/definitions`. */
  definitions: Definitions;
  /** The mapping's `namespace` (e.g. from the file name). */
  namespace: string;
  /** The CSV delimiter: `;` hints at European number and date formats. */
  delimiter: string;
}

/** One decision of the suggestion, as the report shows it. */
export interface InitMatch {
  /** The mapping path decided: `fields.amount`, `relationships.$account`, `identity`. */
  target: string;
  /** The column read; undefined for a placeholder constant. */
  column: string | undefined;
  confidence: Confidence;
  /** Why this column: `label "Amount"`, `synonym of "Close Date"`. */
  reason: string;
  /** How it is read: `decimal ","`, `format "dd.MM.yyyy"`, `lookup account by $name`. */
  details: string[];
}

export interface InitReport {
  rowsSampled: number;
  /** Null markers found as whole cells (written to `nullValues`), with how many cells hold each. */
  nullValues: Array<{ marker: string; count: number }>;
  matches: InitMatch[];
  /** Columns the mapping does not read, each with why when a near miss explains it. */
  unmatched: Array<{ column: string; reason: string | undefined }>;
  /** Guesses and placeholders the user must check before importing, each naming the mapping path. */
  toCheck: string[];
}

export interface MappingSuggestion {
  mapping: MappingFile;
  report: InitReport;
}
