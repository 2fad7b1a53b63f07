/**
 * What an update changes, for the `changes` column of results.csv (`amount: 100 → 120; $stage:
 * Prospecting → Closed Won`), and the diff of a row against a record `match` found in Lightfield.
 */
import { sameFieldValue, sameRelationship, shownValue } from '../lightfield/compare-values.js';
import type { Definitions, Entity } from '../lightfield/types.js';
import type { RelationshipInput } from '../mapping/types.js';
import type { ReadyRow } from './ready-row.js';
import type { ChangedKeys } from './request-bodies.js';

/** The changes of an update of a row the ledger knows: from the payload last applied to the row's. */
export function changesFromLedger(previousPayload: string, row: ReadyRow, changed: ChangedKeys, definitions: Definitions): string {
  const previous = parsePayload(previousPayload);
  const parts = changed.fields.map(
    (key) => `${key}: ${shownValue(definitions.fieldDefinitions[key], previous.fields[key])} → ${shownValue(definitions.fieldDefinitions[key], row.fields[key])}`,
  );
  for (const key of changed.relationships) {
    parts.push(`${key}: ${shownRelationship(previous.relationships[key])} → ${shownRelationship(row.relationships[key])}`);
  }
  return parts.join('; ');
}

/**
 * What must change on a record `match` found so that it holds the row: the row's fields and
 * relationships (resolved to IDs) that differ from what Lightfield stores. Keys the row lacks are left
 * alone; a null (`empty: clear`) changes only a field that holds a value.
 */
export function diffAgainstRecord(
  row: ReadyRow,
  record: Entity,
  ids: Record<string, string[]>,
  definitions: Definitions,
): { changed: ChangedKeys; changes: string } {
  const changed: ChangedKeys = { fields: [], relationships: [] };
  const parts: string[] = [];
  // Keys in order, as in changesFromLedger: a change reads the same whichever path found it.
  for (const key of Object.keys(row.fields).sort()) {
    const value = row.fields[key];
    const definition = definitions.fieldDefinitions[key];
    const stored = record.fields[key]?.value;
    if (sameFieldValue(definition, value, stored)) continue;
    changed.fields.push(key);
    parts.push(`${key}: ${shownValue(definition, stored)} → ${shownValue(definition, value)}`);
  }
  for (const key of Object.keys(ids).sort()) {
    const wanted = ids[key]!;
    const stored = record.relationships[key]?.values;
    if (sameRelationship(wanted, stored)) continue;
    changed.relationships.push(key);
    parts.push(`${key}: ${stored?.join(', ') || '(empty)'} → ${shownRelationship(row.relationships[key])}`);
  }
  return { changed, changes: parts.join('; ') };
}

function shownRelationship(input: unknown): string {
  const relationship = input as RelationshipInput | undefined;
  if (relationship === undefined) return '(empty)';
  if (relationship.kind === 'ids') return relationship.ids.join(', ');
  if (relationship.kind === 'lookup') return relationship.value;
  return [...relationship.ids, ...relationship.lookups.map((lookup) => lookup.value)].join(', ');
}

function parsePayload(text: string): { fields: Record<string, unknown>; relationships: Record<string, unknown> } {
  try {
    const parsed = JSON.parse(text) as { fields?: Record<string, unknown>; relationships?: Record<string, unknown> };
    return { fields: parsed.fields ?? {}, relationships: parsed.relationships ?? {} };
  } catch {
    return { fields: {}, relationships: {} };
  }
}
