/**
 * Payload hashing and idempotency keys. A key depends only on (namespace, row identity, payload),
 * never on the row's position, the time or the run, so that the same row sends the same key on
 * every run and every retry, and a changed row sends a new one.
 */
import type { FieldWriteValue } from '../lightfield/types.js';
import { sha256, sha256Hex, stableStringify } from './stable-json.js';
import type { RelationshipInput } from './types.js';

export { stableStringify } from './stable-json.js';

/** A mapped row's payload, before lookups are resolved. */
export interface RowPayload {
  fields: Record<string, FieldWriteValue>;
  relationships: Record<string, RelationshipInput>;
}

/** Key prefix: says who made the key when it shows up in the API's logs. */
const KEY_PREFIX = 'lfi';
/** Characters of the namespace kept in the key, to stay far below the API's 255-character limit. */
const MAX_NAMESPACE_IN_KEY = 60;

/** Stable JSON of the payload (keys sorted at every level): equal payloads give equal text. */
export function canonicalPayload(row: RowPayload): string {
  return stableStringify({ fields: row.fields, relationships: row.relationships });
}

/** sha256 of the canonical payload, in hex. */
export function payloadHash(canonical: string): string {
  return sha256Hex(canonical);
}

/**
 * `lfi:<namespace>:<base64url sha256>`: at most 3 + 1 + 60 + 1 + 43 = 108 characters, only
 * `[A-Za-z0-9_.:-]`. The namespace is shown for people reading logs (unsafe characters replaced,
 * shortened); the hash covers the full namespace, so two namespaces never share a key.
 */
export function idempotencyKey(namespace: string, identity: string, payloadHashText: string): string {
  const digest = sha256(JSON.stringify([namespace, identity, payloadHashText]), 'base64url');
  const shownNamespace = namespace.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, MAX_NAMESPACE_IN_KEY) || '-';
  return `${KEY_PREFIX}:${shownNamespace}:${digest}`;
}

/**
 * Field and relationship keys an update must send: those of the new payload whose values differ from
 * the payload last applied (its canonical JSON). A key the new payload lacks (an empty cell, or a key
 * no longer in the mapping) is left alone: nothing in Lightfield is cleared that nobody asked to
 * clear. A null (a field with `empty: clear` whose cell is empty) is sent unless null was applied
 * last. An unreadable previous payload makes every key of the new one changed.
 */
export function changedKeys(previousCanonical: string, next: RowPayload): { fields: string[]; relationships: string[] } {
  const previous = parsePayload(previousCanonical);
  return {
    fields: differingKeys(previous.fields, next.fields),
    relationships: differingKeys(previous.relationships, next.relationships),
  };
}

function differingKeys(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const changed: string[] = [];
  for (const key of Object.keys(after)) {
    const beforeValue = Object.hasOwn(before, key) ? before[key] : undefined;
    const afterValue = after[key];
    if (afterValue === undefined) continue;
    if (afterValue === null ? beforeValue !== null : beforeValue === undefined || stableStringify(beforeValue) !== stableStringify(afterValue)) {
      changed.push(key);
    }
  }
  return changed.sort();
}

function parsePayload(canonical: string): { fields: Record<string, unknown>; relationships: Record<string, unknown> } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(canonical);
  } catch {
    return { fields: {}, relationships: {} };
  }
  return { fields: objectAt(parsed, 'fields'), relationships: objectAt(parsed, 'relationships') };
}

function objectAt(value: unknown, key: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return {};
  const inner = (value as Record<string, unknown>)[key];
  return typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? (inner as Record<string, unknown>) : {};
}
