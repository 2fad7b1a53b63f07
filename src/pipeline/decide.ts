/**
 * What to do with a row, from its mapped payload and what the ledger remembers of its identity.
 * Pure: no I/O, no clock (the caller passes `now`).
 */
import type { LedgerEntry } from '../ledger/types.js';
import { changedKeys } from '../mapping/index.js';
import type { FieldWriteValue } from '../lightfield/types.js';
import type { RelationshipInput } from '../mapping/types.js';

export type RowAction =
  /** Never landed: create it. */
  | { kind: 'create' }
  /** Landed with other values: send the changed keys. */
  | { kind: 'update'; entry: LedgerEntry; changed: { fields: string[]; relationships: string[] } }
  /** Landed with these values: nothing to send. */
  | { kind: 'unchanged'; entry: LedgerEntry }
  /** Landed with other values, but updates are off (`--no-update`). */
  | { kind: 'not_updated'; entry: LedgerEntry }
  /** A request was in flight when an earlier run stopped: send it again, as it was, with its key. */
  | { kind: 'resume'; entry: LedgerEntry; expired: boolean };

export interface DecideInput {
  entry: LedgerEntry | undefined;
  payloadHash: string;
  row: { fields: Record<string, FieldWriteValue>; relationships: Record<string, RelationshipInput> };
  update: boolean;
  now: number;
  idempotencyWindowMs: number;
}

export function decide(input: DecideInput): RowAction {
  const { entry } = input;
  if (!entry) return { kind: 'create' };
  if (entry.status === 'in_flight') {
    const sentAt = entry.firstSentAt ?? input.now;
    return { kind: 'resume', entry, expired: input.now - sentAt >= input.idempotencyWindowMs };
  }
  if (!entry.opportunityId) return { kind: 'create' };
  if (entry.applied && entry.payloadHash === input.payloadHash) return { kind: 'unchanged', entry };
  const changed = changedKeys(entry.payload, input.row);
  if (changed.fields.length === 0 && changed.relationships.length === 0) return { kind: 'unchanged', entry };
  if (!input.update) return { kind: 'not_updated', entry };
  return { kind: 'update', entry, changed };
}
