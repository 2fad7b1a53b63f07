/**
 * The request bodies and Idempotency-Keys of a row's writes. Pure: the same row and ledger entry give
 * the same body and key on every run.
 */
import type { LedgerEntry } from '../ledger/types.js';
import type {
  CreateOpportunityBody,
  Definitions,
  FieldWriteValue,
  RelationshipCreateValue,
  RelationshipUpdateOperation,
  UpdateOpportunityBody,
} from '../lightfield/types.js';
import { idempotencyKey } from '../mapping/index.js';
import type { ReadyRow } from './ready-row.js';

/** The changed keys of a row the ledger knows (decide.ts). */
export interface ChangedKeys {
  fields: string[];
  relationships: string[];
}

/** The key of a row's create: its namespace, identity and payload only. */
export function createKey(namespace: string, row: ReadyRow): string {
  return idempotencyKey(namespace, row.identity, row.payloadHash);
}

/** A new key for every new change of a record: the payload it applies and the state it starts from. */
export function updateKey(namespace: string, row: ReadyRow, entry: LedgerEntry): string {
  return idempotencyKey(namespace, row.identity, `${row.payloadHash}:update-of:${entry.payloadHash}:${entry.lastAnswerAt ?? 0}`);
}

/** The key of a create that replaces a record deleted in Lightfield: not the first create's, whose answer Lightfield may replay. */
export function recreateKey(namespace: string, row: ReadyRow, deletedId: string): string {
  return idempotencyKey(namespace, row.identity, `${row.payloadHash}:recreate-of:${deletedId}`);
}

export function createBody(row: ReadyRow, ids: Record<string, string[]>, definitions: Definitions): CreateOpportunityBody {
  const relationships: Record<string, RelationshipCreateValue> = {};
  for (const [key, values] of Object.entries(ids)) {
    relationships[key] = hasOne(definitions, key) && values.length === 1 ? values[0]! : values;
  }
  // A null is an empty cell of an `empty: clear` field: there is nothing to clear on a new record.
  const fields = Object.fromEntries(Object.entries(row.fields).filter(([, value]) => value !== null));
  return { fields, relationships };
}

/**
 * Only the changed keys; a relationship as a `replace` operation, or (notes, which take no `replace`)
 * as an `add` of the IDs the row names now.
 */
export function updateBody(
  row: ReadyRow,
  changed: ChangedKeys,
  ids: Record<string, string[]>,
  definitions: Definitions,
  relationshipsBy: 'replace' | 'add' = 'replace',
): UpdateOpportunityBody {
  const body: UpdateOpportunityBody = {};
  if (changed.fields.length > 0) {
    const fields: Record<string, FieldWriteValue> = {};
    for (const key of changed.fields) fields[key] = row.fields[key] ?? null;
    body.fields = fields;
  }
  if (changed.relationships.length > 0) {
    const relationships: Record<string, RelationshipUpdateOperation> = {};
    for (const key of changed.relationships) {
      const values = ids[key];
      if (relationshipsBy === 'add') {
        if (values !== undefined && values.length > 0) relationships[key] = { add: values };
        continue;
      }
      relationships[key] = {
        replace: values === undefined || values.length === 0 ? null : hasOne(definitions, key) && values.length === 1 ? values[0]! : values,
      };
    }
    body.relationships = relationships;
  }
  return body;
}

/** The relationships of a row that the changed keys name: only those are looked up for an update. */
export function changedRelationships(row: ReadyRow, changed: ChangedKeys): ReadyRow['relationships'] {
  const picked: ReadyRow['relationships'] = {};
  for (const key of changed.relationships) {
    const input = row.relationships[key];
    if (input) picked[key] = input;
  }
  return picked;
}

function hasOne(definitions: Definitions, key: string): boolean {
  return definitions.relationshipDefinitions[key]?.cardinality !== 'HAS_MANY';
}
