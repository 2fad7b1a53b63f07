/** What became of a row. The list is the product contract (design.md, "Statuses"). */
export type ImportStatus =
  | 'created'
  | 'updated'
  | 'unchanged'
  | 'skipped_duplicate'
  | 'failed'
  | 'invalid'
  | 'not_attempted';

export type PlanStatus = 'would_create' | 'would_update' | 'unchanged' | 'skipped_duplicate' | 'invalid' | 'failed';

export type RowStatus = ImportStatus | PlanStatus;

export const IMPORT_STATUSES: readonly ImportStatus[] = [
  'created',
  'updated',
  'unchanged',
  'skipped_duplicate',
  'failed',
  'invalid',
  'not_attempted',
];

export const PLAN_STATUSES: readonly PlanStatus[] = [
  'would_create',
  'would_update',
  'unchanged',
  'skipped_duplicate',
  'invalid',
  'failed',
];

/** Statuses that `retry` runs again and `failed.csv` lists. */
export const RETRYABLE_STATUSES: ReadonlySet<string> = new Set(['failed', 'invalid', 'not_attempted']);
export const FAILED_FILE_STATUSES: ReadonlySet<string> = new Set(['failed', 'invalid']);
