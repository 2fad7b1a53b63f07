/**
 * What became of a row: its status (the list is the product contract, design.md "Statuses") and
 * everything the report says about it.
 */
import type { RowProblem } from '../errors.js';

export type ImportStatus =
  | 'created'
  | 'updated'
  | 'unchanged'
  | 'skipped_duplicate'
  | 'skipped_existing'
  | 'failed'
  | 'invalid'
  | 'not_attempted';

export type PlanStatus = 'would_create' | 'would_update' | 'unchanged' | 'skipped_duplicate' | 'skipped_existing' | 'invalid' | 'failed';

export type RowStatus = ImportStatus | PlanStatus;

export const IMPORT_STATUSES: readonly ImportStatus[] = [
  'created',
  'updated',
  'unchanged',
  'skipped_duplicate',
  'skipped_existing',
  'failed',
  'invalid',
  'not_attempted',
];

export const PLAN_STATUSES: readonly PlanStatus[] = [
  'would_create',
  'would_update',
  'unchanged',
  'skipped_duplicate',
  'skipped_existing',
  'invalid',
  'failed',
];

/** Statuses that `retry` runs again and `failed.csv` lists. */
export const RETRYABLE_STATUSES: ReadonlySet<string> = new Set(['failed', 'invalid', 'not_attempted']);
export const FAILED_FILE_STATUSES: ReadonlySet<string> = new Set(['failed', 'invalid']);

/** What became of one data row of the input. */
export interface RowOutcome {
  /** Line of the source file where the record starts. */
  line: number;
  status: RowStatus;
  /** The Lightfield record the row created, updated or found. */
  recordId?: string | null;
  httpLink?: string | null;
  idempotencyKey?: string | null;
  /** HTTP requests made for the row (0 when nothing was sent). */
  attempts: number;
  problem?: RowProblem;
  /** For an update (done, or in a plan, to be done): what changes, `amount: 100 → 120; $stage: Prospecting → Closed Won`. */
  changes?: string;
  /** In a plan: the related records a find-or-create lookup would make for this row. */
  wouldCreate?: ReadonlyArray<{ object: string; value: string }>;
  /** The row's original cells, in header order. */
  cells: readonly string[];
}
