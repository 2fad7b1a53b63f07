/**
 * What to do with a row, from its mapped payload and what the ledger remembers of its identity.
 * Pure: no I/O, no clock (the caller passes `now`).
 */
import type { LedgerEntry } from '../ledger/types.js';
import { changedKeys } from '../mapping/index.js';
import type { FieldWriteValue } from '../lightfield/types.js';
import type { ImportMode, RelationshipInput } from '../mapping/types.js';

export type RowAction =
  /** Never landed: create it. */
  | { kind: 'create' }
  /** Unknown to the ledger, and the mapping has `match`: search Lightfield for the record first. */
  | { kind: 'match' }
  /** Unknown to the ledger, no `match`, and the mode is `update`: there is no record to update. */
  | { kind: 'no_record' }
  /** Landed with other values: send the changed keys. */
  | { kind: 'update'; entry: LedgerEntry; changed: { fields: string[]; relationships: string[] } }
  /** Landed with these values: nothing to send. */
  | { kind: 'unchanged'; entry: LedgerEntry }
  /** Landed with other values, but updates are off (mode `create`, `--no-update`). */
  | { kind: 'skip_existing'; entry: LedgerEntry }
  /** A request was in flight when an earlier run stopped: send it again, as it was, with its key. */
  | { kind: 'resume'; entry: LedgerEntry; expired: boolean };

/** What a run may do with rows: from the mapping's `mode` and `match`, and `--no-update`. */
export interface RowPolicy {
  /** Updates allowed (mode `upsert` or `update`, and not `--no-update`). */
  update: boolean;
  /** Creates allowed (mode `upsert` or `create`). */
  create: boolean;
  /** The mapping has `match`: a row the ledger does not know is searched for first. */
  match: boolean;
}

export function rowPolicy(mode: ImportMode, updateFlag: boolean, matchField: string | undefined): RowPolicy {
  return { update: updateFlag && mode !== 'create', create: mode !== 'update', match: matchField !== undefined };
}

export interface DecideInput {
  entry: LedgerEntry | undefined;
  payloadHash: string;
  row: { fields: Record<string, FieldWriteValue>; relationships: Record<string, RelationshipInput> };
  policy: RowPolicy;
  now: number;
  idempotencyWindowMs: number;
}

export function decide(input: DecideInput): RowAction {
  const { entry } = input;
  if (entry?.status === 'in_flight') {
    const sentAt = entry.firstSentAt ?? input.now;
    return { kind: 'resume', entry, expired: input.now - sentAt >= input.idempotencyWindowMs };
  }
  if (!entry?.opportunityId) {
    if (input.policy.match) return { kind: 'match' };
    return input.policy.create ? { kind: 'create' } : { kind: 'no_record' };
  }
  if (entry.applied && entry.payloadHash === input.payloadHash) return { kind: 'unchanged', entry };
  const changed = changedKeys(entry.payload, input.row);
  if (changed.fields.length === 0 && changed.relationships.length === 0) return { kind: 'unchanged', entry };
  if (!input.policy.update) return { kind: 'skip_existing', entry };
  return { kind: 'update', entry, changed };
}
