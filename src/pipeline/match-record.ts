/**
 * `match`: a row the ledger does not know is searched for in Lightfield by the mapping's match field
 * (`GET /v1/<records>?legacyId[equal]=…`, the Search budget), so that a run with an empty or lost
 * ledger never creates a record that exists. Lists lag recent writes by a few seconds: a record made
 * moments ago may not be found yet, and the row's deterministic Idempotency-Key still protects it.
 */
import type { RowProblem } from '../errors.js';
import { sameFieldValue } from '../lightfield/compare-values.js';
import type { LightfieldClient, RecordCollection } from '../lightfield/client.js';
import { OBJECTS, type ImportObject } from '../lightfield/objects.js';
import type { Definitions, Entity } from '../lightfield/types.js';
import type { LookupResolver } from '../lookup/resolver.js';
import { diffAgainstRecord } from './changes.js';
import type { ReadyRow } from './ready-row.js';
import type { ChangedKeys } from './request-bodies.js';

export interface MatchContext {
  client: LightfieldClient;
  collection: RecordCollection;
  field: string;
  resolver: LookupResolver;
  definitions: Definitions;
  signal: AbortSignal;
}

export type Matched =
  | { kind: 'none' }
  | { kind: 'failed'; problem: RowProblem }
  | { kind: 'found'; record: Entity; ids: Record<string, string[]>; changed: ChangedKeys; changes: string };

/** Records listed in a `match_ambiguous` message at most. */
const MAX_SHOWN = 5;

/** The match context of a run whose mapping has `match`. */
export function matchContext(
  run: { client: LightfieldClient; compiled: { object: ImportObject }; definitions: Definitions },
  field: string,
  resolver: LookupResolver,
  signal: AbortSignal,
): MatchContext {
  return { client: run.client, collection: OBJECTS[run.compiled.object].collection, field, resolver, definitions: run.definitions, signal };
}

export async function matchRecord(row: ReadyRow, context: MatchContext): Promise<Matched> {
  const { field, definitions } = context;
  const value = row.fields[field];
  if (typeof value !== 'string' && typeof value !== 'number') return { kind: 'none' };
  const page = await context.client.list(context.collection, { limit: 25, filters: { [`${field}[equal]`]: String(value) } }, { signal: context.signal });
  // `equal` may or may not be case-sensitive on the server: keep what is equal as Lightfield stores it.
  const matches = page.data.data.filter((record) => sameFieldValue(definitions.fieldDefinitions[field], value, record.fields[field]?.value));
  if (matches.length === 0) return { kind: 'none' };
  if (matches.length > 1) {
    const shown = matches.slice(0, MAX_SHOWN).map((record) => record.id).join(', ');
    return {
      kind: 'failed',
      problem: {
        type: 'match_failed',
        code: 'match_ambiguous',
        param: field,
        message: `${matches.length} records in Lightfield have ${field} "${value}" (${shown}${matches.length > MAX_SHOWN ? ', …' : ''}): merge or fix them, then run again; nothing was written`,
      },
    };
  }
  const resolved = await context.resolver.resolveAll(row.relationships);
  if (!resolved.ok) return { kind: 'failed', problem: resolved.problem };
  const record = matches[0]!;
  return { kind: 'found', record, ids: resolved.ids, ...diffAgainstRecord(row, record, resolved.ids, definitions) };
}
