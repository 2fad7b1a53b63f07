/**
 * A row's line in a plan: every check and lookup an import would make, and what the import would do,
 * with no write and no ledger change.
 */
import type { LookupResolver, PlannedCreate } from '../lookup/resolver.js';
import type { RowProblem } from '../errors.js';
import type { RowOutcome } from '../report/row-outcome.js';
import { outcomeOf, settledWithoutRequest, type ReadyRow } from './ready-row.js';
import { changedRelationships, createKey, updateKey } from './request-bodies.js';

export async function planRow(row: ReadyRow, namespace: string, resolver: LookupResolver): Promise<RowOutcome> {
  const settled = settledWithoutRequest(row);
  if (settled) return settled;
  const { action } = row;
  switch (action.kind) {
    case 'create': {
      const resolved = await resolver.resolveAll(row.relationships);
      if (!resolved.ok) return outcomeOf(row, 'failed', { attempts: 0, problem: resolved.problem });
      return outcomeOf(row, 'would_create', { attempts: 0, key: createKey(namespace, row), ...alsoCreates(resolved.wouldCreate) });
    }
    case 'update': {
      const resolved = await resolver.resolveAll(changedRelationships(row, action.changed));
      if (!resolved.ok) return outcomeOf(row, 'failed', { attempts: 0, problem: resolved.problem, entry: action.entry });
      return outcomeOf(row, 'would_update', {
        attempts: 0,
        key: updateKey(namespace, row, action.entry),
        entry: action.entry,
        ...alsoCreates(resolved.wouldCreate),
      });
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
