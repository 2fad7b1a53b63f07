/**
 * The local part of a row's way: a malformed record or a mapping problem makes it `invalid`, a second
 * row with an identity already seen is `skipped_duplicate`, and every other row gets its action from
 * the ledger (decide.ts). No request is made here.
 */
import type { Ledger } from '../ledger/index.js';
import { canonicalPayload, mapRow, payloadHash, type CompiledMapping } from '../mapping/index.js';
import type { CsvRecord } from '../reader/types.js';
import type { RowOutcome } from '../report/row-outcome.js';
import { decide, type RowPolicy } from './decide.js';
import { IDEMPOTENCY_WINDOW_MS } from './options.js';
import { invalid, type ReadyRow } from './ready-row.js';
import type { SeenIdentities } from './seen-identities.js';

export interface PrepareContext {
  compiled: CompiledMapping;
  ledger: Ledger;
  seen: SeenIdentities;
  policy: RowPolicy;
  now: number;
}

export function prepareRow(record: CsvRecord, cells: readonly string[], context: PrepareContext): ReadyRow | RowOutcome {
  const { compiled, ledger, seen } = context;
  if (record.error) {
    return invalid(record.line, cells, { type: 'invalid_csv', code: record.error.code, param: '', message: record.error.message });
  }
  const mapped = mapRow(compiled, cells);
  // A row refused locally does not claim its identity: a later, valid row with it is imported.
  if (!mapped.ok) {
    const [first, ...rest] = mapped.problems;
    return invalid(record.line, cells, { ...first!, message: [first!.message, ...rest.map((problem) => problem.message)].join('; ') });
  }
  const firstLine = seen.firstLine(mapped.identity, record.line);
  if (firstLine !== undefined) {
    return {
      line: record.line,
      status: 'skipped_duplicate',
      attempts: 0,
      problem: {
        type: 'duplicate',
        code: 'duplicate_identity',
        param: '',
        message: `same identity as line ${firstLine} (${mapped.identity}); only the first is imported`,
      },
      cells,
    };
  }
  const row = { fields: mapped.fields, relationships: mapped.relationships };
  const payload = canonicalPayload(row);
  const hash = payloadHash(payload);
  const action = decide({
    entry: ledger.get(compiled.namespace, mapped.identity),
    payloadHash: hash,
    row,
    policy: context.policy,
    now: context.now,
    idempotencyWindowMs: IDEMPOTENCY_WINDOW_MS,
  });
  return { line: record.line, cells, identity: mapped.identity, ...row, payload, payloadHash: hash, action };
}
