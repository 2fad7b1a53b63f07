/** A row that mapped cleanly, with what the ledger says to do with it, and the outcomes made from it. */
import type { RowProblem } from '../errors.js';
import type { LedgerEntry } from '../ledger/types.js';
import type { Entity, FieldWriteValue } from '../lightfield/types.js';
import type { RelationshipInput } from '../mapping/types.js';
import type { RowOutcome, RowStatus } from '../report/row-outcome.js';
import type { RowAction } from './decide.js';

export interface ReadyRow {
  line: number;
  cells: readonly string[];
  identity: string;
  fields: Record<string, FieldWriteValue>;
  relationships: Record<string, RelationshipInput>;
  /** Canonical JSON of the mapped payload, as stored in the ledger. */
  payload: string;
  payloadHash: string;
  action: RowAction;
}

export interface OutcomeDetails {
  attempts: number;
  key?: string;
  entity?: Entity;
  entry?: LedgerEntry | undefined;
  problem?: RowProblem;
  wouldCreate?: RowOutcome['wouldCreate'];
}

/** The report's line for `row`: the record from the answer, else from the ledger. */
export function outcomeOf(row: Pick<ReadyRow, 'line' | 'cells'>, status: RowStatus, details: OutcomeDetails): RowOutcome {
  return {
    line: row.line,
    status,
    recordId: details.entity?.id ?? details.entry?.opportunityId ?? null,
    httpLink: details.entity?.httpLink ?? details.entry?.httpLink ?? null,
    idempotencyKey: details.key ?? details.entry?.idempotencyKey ?? null,
    attempts: details.attempts,
    ...(details.problem ? { problem: details.problem } : {}),
    ...(details.wouldCreate ? { wouldCreate: details.wouldCreate } : {}),
    cells: row.cells,
  };
}

export function invalid(line: number, cells: readonly string[], problem: RowProblem): RowOutcome {
  return { line, status: 'invalid', attempts: 0, problem, cells };
}

export function notAttempted(line: number, cells: readonly string[], message = 'the run stopped before this row; rerun the same command to resume'): RowOutcome {
  return { line, status: 'not_attempted', attempts: 0, problem: { type: 'stopped', code: 'not_attempted', param: '', message }, cells };
}

/**
 * The outcome of a row that needs no request, in a plan and an import alike: it landed with these
 * values (`unchanged`); it changed, but the mode (`create`, `--no-update`) keeps Lightfield's values
 * (`skipped_existing`); or the mode is `update` and there is no record to update. Undefined when the
 * row needs a request (or, in a plan, its lookups).
 */
export function settledWithoutRequest(row: ReadyRow): RowOutcome | undefined {
  const { action } = row;
  if (action.kind === 'unchanged') return outcomeOf(row, 'unchanged', { attempts: 0, entry: action.entry });
  if (action.kind === 'skip_existing') return skippedExisting(row, action.entry.opportunityId, action.entry);
  if (action.kind === 'no_record') return noMatch(row);
  return undefined;
}

/** Mode `update`: no record to update, and none is created. */
export function noMatch(row: ReadyRow): RowOutcome {
  return outcomeOf(row, 'failed', {
    attempts: 0,
    problem: {
      type: 'no_match',
      code: 'no_match',
      param: '',
      message: 'the mode is "update" and no record was found for this row (with "match", none has its match field; without, the row was never imported); nothing was created',
    },
  });
}

/** A record exists for the row, but the mode never updates: Lightfield keeps its values. */
export function skippedExisting(row: ReadyRow, recordId: string | null, entry?: LedgerEntry): RowOutcome {
  return {
    ...outcomeOf(row, 'skipped_existing', {
      attempts: 0,
      entry,
      problem: {
        type: 'skipped_existing',
        code: 'exists',
        param: '',
        message: `the record exists in Lightfield${recordId ? ` (${recordId})` : ''} and the mode is "create" (or --no-update): it is left as it is`,
      },
    }),
    recordId,
  };
}
