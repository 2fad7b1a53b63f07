/**
 * A row's line in a plan: every check and lookup an import would make, and what the import would do,
 * with no write and no ledger change.
 */
import type { LookupResolver, PlannedCreate, RowResolution } from '../lookup/resolver.js';
import type { RowProblem } from '../errors.js';
import type { RowOutcome } from '../report/row-outcome.js';
import type { Definitions } from '../lightfield/types.js';
import { changesFromLedger } from './changes.js';
import type { RowPolicy } from './decide.js';
import { matchRecord, type MatchContext } from './match-record.js';
import { noMatch, outcomeOf, settledWithoutRequest, skippedExisting, withNotes, type ReadyRow } from './ready-row.js';
import { changedRelationships, createKey, updateKey } from './request-bodies.js';

export interface PlanContext {
  namespace: string;
  resolver: LookupResolver;
  policy: RowPolicy;
  definitions: Definitions;
  /** When the mapping has `match`. */
  match: MatchContext | undefined;
}

export async function planRow(row: ReadyRow, context: PlanContext): Promise<RowOutcome> {
  if (row.action.kind === 'match') return planMatch(row, context);
  return plannedRow(row, context, await context.resolver.resolveAll(lookedUp(row)));
}

/**
 * The row's plan (with its notes) when every lookup it needs has its answer already, so that it
 * makes no request and waits for nothing; undefined otherwise (and for `match`, which searches).
 */
export function planRowNow(row: ReadyRow, context: PlanContext): RowOutcome | undefined {
  if (row.action.kind === 'match') return undefined;
  const resolved = context.resolver.resolvedNow(lookedUp(row));
  return resolved === undefined ? undefined : withNotes(row, plannedRow(row, context, resolved));
}

async function planMatch(row: ReadyRow, context: PlanContext): Promise<RowOutcome> {
  const matched = await matchRecord(row, context.match!);
  if (matched.kind === 'failed') return outcomeOf(row, 'failed', { attempts: 0, problem: matched.problem });
  if (matched.kind === 'none') {
    if (!context.policy.create) return noMatch(row);
    return planRow({ ...row, action: { kind: 'create' } }, context);
  }
  if (matched.changed.fields.length + matched.changed.relationships.length === 0) {
    return { ...outcomeOf(row, 'unchanged', { attempts: 0 }), recordId: matched.record.id, httpLink: matched.record.httpLink };
  }
  if (!context.policy.update) return skippedExisting(row, matched.record.id);
  return { ...outcomeOf(row, 'would_update', { attempts: 0, entity: matched.record }), changes: matched.changes };
}

/** The relationships whose lookups the row's plan runs: all of them for a create, the changed ones for an update. */
function lookedUp(row: ReadyRow): ReadyRow['relationships'] {
  const { action } = row;
  if (action.kind === 'create') return row.relationships;
  if (action.kind === 'update') return changedRelationships(row, action.changed);
  return {};
}

/** What the import would do with the row, its lookups resolved (none for a row that needs no request). */
function plannedRow(row: ReadyRow, context: PlanContext, resolved: RowResolution): RowOutcome {
  const settled = settledWithoutRequest(row);
  if (settled) return settled;
  const { namespace } = context;
  const { action } = row;
  switch (action.kind) {
    case 'create': {
      if (!resolved.ok) return outcomeOf(row, 'failed', { attempts: 0, problem: resolved.problem, problems: resolved.problems });
      return outcomeOf(row, 'would_create', { attempts: 0, key: createKey(namespace, row), ...alsoCreates(resolved.wouldCreate) });
    }
    case 'update': {
      if (!resolved.ok) return outcomeOf(row, 'failed', { attempts: 0, problem: resolved.problem, problems: resolved.problems, entry: action.entry });
      return {
        ...outcomeOf(row, 'would_update', {
          attempts: 0,
          key: updateKey(namespace, row, action.entry),
          entry: action.entry,
          ...alsoCreates(resolved.wouldCreate),
        }),
        changes: changesFromLedger(action.entry.payload, row, action.changed, context.definitions),
      };
    }
    case 'resume':
      // The import would send the request left in flight again, as it was.
      return outcomeOf(row, action.entry.operation === 'create' ? 'would_create' : 'would_update', {
        attempts: 0,
        key: action.entry.idempotencyKey,
        entry: action.entry,
      });
    default:
      throw new Error(`planRow: unexpected action ${action.kind}`);
  }
}

/** The related records a find-or-create lookup would make for the row, said in its results line. */
function alsoCreates(planned: readonly PlannedCreate[]): { problem?: RowProblem; wouldCreate?: PlannedCreate[] } {
  if (planned.length === 0) return {};
  const described = planned.map((create) => `${create.object} "${create.value}"`).join(', ');
  return {
    wouldCreate: [...planned],
    problem: { type: 'note', code: 'would_create_related', param: '', message: `would also create ${described} (not found in Lightfield)` },
  };
}
