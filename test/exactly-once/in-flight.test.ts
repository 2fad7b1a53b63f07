/**
 * Rows a run left in flight (the request went out, its answer never came back): the next run sends
 * them again with the same Idempotency-Key, so a write that had landed is not made twice. Past
 * Lightfield's 24 h key retention the key no longer protects, so the importer looks the record up
 * by the field that carries the row's identity (here `legacyId`) before sending again. And a row
 * whose cells changed while it was in flight ends with the new values, in one record.
 *
 * The clock is injected in both the emulator (its key retention) and the run (its ledger times and
 * its decision), so "25 hours later" takes no time.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { startEmulator } from '../../src/emulator/index.js';
import type { FaultKind, RunningEmulator } from '../../src/emulator/options.js';
import { Ledger } from '../../src/ledger/index.js';
import { runImport } from '../../src/pipeline/run.js';
import type { RunOptions } from '../../src/pipeline/options.js';
import { createWorkspace, csvText, type Workspace } from '../helpers/workspace.js';
import {
  HEADER,
  MAPPING,
  MAPPING_WITHOUT_IDENTITY_FIELD,
  NAMESPACE,
  dealRows,
  expectEachExactlyOnce,
  fieldValue,
  importOptions,
  memoryLogger,
  recordByLegacyId,
  recordsPerLegacyId,
} from './fixture.js';

const HOUR = 60 * 60 * 1000;
/** A fixed start far from the real time, so that any use of the real clock shows. */
const START = Date.UTC(2024, 0, 15, 9, 0, 0);

let clock = START;
let emulator: RunningEmulator;
let workspace: Workspace;

beforeAll(async () => {
  emulator = await startEmulator({ rate: 1000, readRate: 1000, searchRate: 1000, now: () => clock });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  clock = START;
  emulator.reset();
  workspace = createWorkspace();
});
afterEach(() => {
  workspace.remove();
});

function options(report: string, extra: Partial<RunOptions> = {}): RunOptions {
  return importOptions(workspace, emulator, { report }, { now: () => clock, ...extra });
}

function inFlight(): { identity: string; operation: string; idempotencyKey: string; firstSentAt: number | null }[] {
  const ledger = Ledger.open(workspace.path('state.db'), { readonly: true });
  try {
    return ledger.inFlight(NAMESPACE);
  } finally {
    ledger.close();
  }
}

/**
 * Imports the rows while the first create's answer is lost (`fault`), with no retry: that row stays
 * in flight in the ledger. Returns its Record ID.
 */
async function leaveOneRowInFlight(rows: string[][], fault: FaultKind): Promise<string> {
  workspace.write('deals.csv', csvText([HEADER, ...rows]));
  emulator.injectFaults([{ kind: fault, method: 'POST', path: '/v1/opportunities' }]);
  const first = await runImport(options('first', { maxRetries: 0, concurrency: 1 }));
  expect(first.counts).toMatchObject({ created: rows.length - 1, failed: 1 });
  const pending = inFlight();
  expect(pending).toHaveLength(1);
  expect(pending[0]).toMatchObject({ operation: 'create', firstSentAt: START });
  const failed = workspace.readCsv('first/results.csv').find((row) => row['status'] === 'failed')!;
  expect(failed['error_message']).toContain('same Idempotency-Key');
  expect(failed['idempotency_key']).toBe(pending[0]!.idempotencyKey);
  return failed['Record ID']!;
}

function resultOf(report: string, recordId: string): Record<string, string> {
  return workspace.readCsv(`${report}/results.csv`).find((row) => row['Record ID'] === recordId)!;
}

describe('a row left in flight, resumed within 24 h', () => {
  test.each<[FaultKind, string]>([
    ['commit_then_drop', 'had landed: the key returns the first answer'],
    ['drop', 'had not landed: it is created now'],
  ])('%s (%s): one record, status created', async (fault) => {
    workspace.writeJson('mapping.json', MAPPING);
    const rows = dealRows(5);
    const pendingId = await leaveOneRowInFlight(rows, fault);
    clock += 2 * HOUR;

    const second = await runImport(options('second'));

    expect(second.exitCode).toBe(0);
    expect(resultOf('second', pendingId)).toMatchObject({ status: 'created' });
    expect(second.counts).toMatchObject({ created: 1, unchanged: 4 });
    expectEachExactlyOnce(
      emulator,
      rows.map((row) => row[0]!),
    );
    expect(emulator.stats().createsExecuted).toBe(5);
    expect(inFlight()).toEqual([]);
  });
});

describe('a create left in flight and resumed more than 24 h later', () => {
  test('the mapping writes the identity into legacyId: the landed record is found by it, not created again', async () => {
    workspace.writeJson('mapping.json', MAPPING);
    const rows = dealRows(5);
    const pendingId = await leaveOneRowInFlight(rows, 'commit_then_drop');
    const landed = recordByLegacyId(emulator, pendingId)!;
    clock += 25 * HOUR;
    const log = memoryLogger();

    const second = await runImport(options('second', { logger: log.logger }));

    expect(second.exitCode).toBe(0);
    expectEachExactlyOnce(
      emulator,
      rows.map((row) => row[0]!),
    );
    expect(emulator.stats().createsExecuted).toBe(5);
    expect(emulator.stats().requests.write).toBe(5);
    // What it decided: the row is reported with the record it found, and the log says how.
    expect(resultOf('second', pendingId)).toMatchObject({ status: 'created', opportunity_id: landed.id, attempts: '0' });
    const found = log.lines().find((line) => String(line['msg']).includes('found it by its identity field'));
    expect(found).toMatchObject({ opportunityId: landed.id });
    expect(inFlight()).toEqual([]);

    // The ledger now knows the record: the next run is unchanged.
    const third = await runImport(options('third'));
    expect(third.counts).toMatchObject({ unchanged: 5 });
  });

  test('legacyId mapped, but the first create never landed: it is created, once', async () => {
    workspace.writeJson('mapping.json', MAPPING);
    const rows = dealRows(5);
    const pendingId = await leaveOneRowInFlight(rows, 'drop');
    clock += 25 * HOUR;

    const second = await runImport(options('second'));

    expect(second.exitCode).toBe(0);
    expect(resultOf('second', pendingId)).toMatchObject({ status: 'created' });
    expectEachExactlyOnce(
      emulator,
      rows.map((row) => row[0]!),
    );
  });

  test('no identity field in the mapping: it is sent again with its expired key and a warning (the known risk: a duplicate)', async () => {
    workspace.writeJson('mapping.json', MAPPING_WITHOUT_IDENTITY_FIELD);
    const rows = dealRows(3);
    workspace.write('deals.csv', csvText([HEADER, ...rows]));
    emulator.injectFaults([{ kind: 'commit_then_drop', method: 'POST', path: '/v1/opportunities' }]);
    await runImport(options('first', { maxRetries: 0, concurrency: 1 }));
    expect(inFlight()).toHaveLength(1);
    clock += 25 * HOUR;
    const log = memoryLogger();

    const second = await runImport(options('second', { logger: log.logger }));

    const warning = log.lines().find((line) => String(line['msg']).includes('its key has expired'));
    expect(warning).toMatchObject({ level: 40 });
    expect(second.counts).toMatchObject({ created: 1, unchanged: 2 });
    // Lightfield forgot the key, and nothing in the record says which row it came from: the
    // first create had landed, so there are now two records for that row. A mapping that writes
    // the identity column into a field (see the test above) avoids this.
    expect(emulator.opportunities()).toHaveLength(4);
  });
});

describe('a row in flight whose cells changed before the rerun', () => {
  test.each<FaultKind>(['commit_then_drop', 'drop'])('%s: the record ends with the new values, once', async (fault) => {
    workspace.writeJson('mapping.json', MAPPING);
    const rows = dealRows(4);
    const pendingId = await leaveOneRowInFlight(rows, fault);
    const row = rows.find((candidate) => candidate[0] === pendingId)!;
    row[HEADER.indexOf('Amount')] = '4242';
    row[HEADER.indexOf('Next Step')] = 'changed while in flight';
    workspace.write('deals.csv', csvText([HEADER, ...rows]));
    clock += HOUR;

    const second = await runImport(options('second'));

    expect(second.exitCode).toBe(0);
    expectEachExactlyOnce(
      emulator,
      rows.map((candidate) => candidate[0]!),
    );
    const record = recordByLegacyId(emulator, pendingId);
    expect(fieldValue(record, 'amount')).toBe(4242);
    expect(fieldValue(record, 'nextStep')).toBe('changed while in flight');
    expect(fieldValue(record, '$name')).toBe(row[1]);
    // The old request is sent again with its key (replayed or executed), then the change as an update.
    expect(emulator.stats().createsExecuted).toBe(4);
    expect(emulator.stats().updatesExecuted).toBe(1);
    expect(['created', 'updated']).toContain(resultOf('second', pendingId)['status']);
    expect(inFlight()).toEqual([]);
    expect((await runImport(options('third'))).counts).toMatchObject({ unchanged: 4 });
  });

  test('more than 24 h later, with legacyId mapped: the landed record is found and updated, not created again', async () => {
    workspace.writeJson('mapping.json', MAPPING);
    const rows = dealRows(4);
    const pendingId = await leaveOneRowInFlight(rows, 'commit_then_drop');
    const row = rows.find((candidate) => candidate[0] === pendingId)!;
    row[HEADER.indexOf('Amount')] = '777';
    workspace.write('deals.csv', csvText([HEADER, ...rows]));
    clock += 30 * HOUR;

    const second = await runImport(options('second'));

    expect(second.exitCode).toBe(0);
    expect(recordsPerLegacyId(emulator).get(pendingId)).toBe(1);
    expect(emulator.opportunities()).toHaveLength(4);
    expect(fieldValue(recordByLegacyId(emulator, pendingId), 'amount')).toBe(777);
    expect(emulator.stats().updatesExecuted).toBe(1);
  });
});

describe('edge cases of a resumed row', () => {
  test('an update left in flight is sent again with its key: applied once', async () => {
    workspace.writeJson('mapping.json', MAPPING);
    const rows = dealRows(3);
    workspace.write('deals.csv', csvText([HEADER, ...rows]));
    await runImport(options('first'));
    rows[1]![HEADER.indexOf('Amount')] = '5150';
    workspace.write('deals.csv', csvText([HEADER, ...rows]));
    emulator.injectFaults([{ kind: 'commit_then_drop', method: 'POST', path: '/v1/opportunities/*' }]);
    const second = await runImport(options('second', { maxRetries: 0 }));
    expect(second.counts).toMatchObject({ failed: 1 });
    expect(inFlight()).toMatchObject([{ identity: expect.any(String), operation: 'update' }]);
    clock += HOUR;

    const third = await runImport(options('third'));

    expect(third.exitCode).toBe(0);
    expect(resultOf('third', 'R2')).toMatchObject({ status: 'updated' });
    expect(emulator.stats().updatesExecuted).toBe(1);
    expect(emulator.stats().idempotentReplays).toBe(1);
    expect(fieldValue(recordByLegacyId(emulator, 'R2'), 'amount')).toBe(5150);
    expect(inFlight()).toEqual([]);
  });

  test('the old request is refused when sent again, but the row was fixed meanwhile: the fixed row is created in the same run', async () => {
    workspace.writeJson('mapping.json', MAPPING);
    const rows = dealRows(3);
    const pendingId = await leaveOneRowInFlight(rows, 'drop');
    const row = rows.find((candidate) => candidate[0] === pendingId)!;
    row[HEADER.indexOf('Company')] = 'Hooli';
    workspace.write('deals.csv', csvText([HEADER, ...rows]));
    // Lightfield now refuses the old body (say its account was deactivated meanwhile).
    let refused = 0;
    const refusingOnce: typeof fetch = async (input, init) => {
      if (init?.method === 'POST' && refused === 0) {
        refused += 1;
        const body = { error: { type: 'bad_request', code: 'relationship_entity_inactive', param: 'relationships.$account', message: 'inactive' } };
        return new Response(JSON.stringify(body), { status: 400, headers: { 'content-type': 'application/json' } });
      }
      return fetch(input, init);
    };

    const second = await runImport(options('second', { fetch: refusingOnce }));

    expect(refused).toBe(1);
    expect(second.exitCode).toBe(0);
    expect(resultOf('second', pendingId)).toMatchObject({ status: 'created' });
    expectEachExactlyOnce(
      emulator,
      rows.map((candidate) => candidate[0]!),
    );
    const hooli = emulator.seedData().accounts.find((account) => account.name === 'Hooli')!.id;
    expect(recordByLegacyId(emulator, pendingId)!.relationships['$account']?.values).toEqual([hooli]);
  });

  test('over 24 h, and the check by legacyId cannot be made: not sent, still in flight, checked by the next run', async () => {
    workspace.writeJson('mapping.json', MAPPING);
    const rows = dealRows(3);
    const pendingId = await leaveOneRowInFlight(rows, 'commit_then_drop');
    clock += 25 * HOUR;
    emulator.injectFaults([{ kind: '503', method: 'GET', path: '/v1/opportunities' }]);
    const writesBefore = emulator.stats().requests.write;

    const second = await runImport(options('second', { maxRetries: 0 }));

    expect(second.exitCode).toBe(1);
    expect(resultOf('second', pendingId)).toMatchObject({ status: 'failed' });
    expect(emulator.stats().requests.write).toBe(writesBefore);
    expect(inFlight()).toHaveLength(1);

    const third = await runImport(options('third'));
    expect(third.exitCode).toBe(0);
    expectEachExactlyOnce(
      emulator,
      rows.map((candidate) => candidate[0]!),
    );
  });
});
