/**
 * `lightfield-import retry <results.csv>` (design.md, "Commands"): after a run in which some writes
 * failed past the retry budget (one of them after it had been committed), fixing the cause and
 * running `retry` sends only those rows, creates each once, and never sends a row that landed.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator } from '../../src/emulator/index.js';
import type { RunningEmulator } from '../../src/emulator/options.js';
import { Ledger } from '../../src/ledger/index.js';
import { runCliProcess } from '../helpers/cli.js';
import { createWorkspace, csvText, type Workspace } from '../helpers/workspace.js';
import { API_KEY, HEADER, MAPPING, NAMESPACE, dataLines, dealRows, expectCompleteReport, expectEachExactlyOnce } from './fixture.js';

const ROW_COUNT = 20;

let emulator: RunningEmulator;
let workspace: Workspace;

beforeAll(async () => {
  emulator = await startEmulator({ rate: 1000, readRate: 1000, searchRate: 1000 });
  workspace = createWorkspace();
});
afterAll(async () => {
  await emulator.close();
  workspace.remove();
});

const connection = (): string[] => ['--api-key', API_KEY, '--base-url', emulator.url, '--rate', '500', '--max-retries', '0', '--log-level', 'error'];

test('retry runs only the failed lines, creates each once, and sends nothing for rows that landed', async () => {
  const rows = dealRows(ROW_COUNT);
  workspace.write('deals.csv', csvText([HEADER, ...rows]));
  workspace.writeJson('mapping.json', MAPPING);
  // The API has a bad minute: five creates refused with 503, one committed and then answered 500.
  emulator.injectFaults([
    ...Array.from({ length: 5 }, () => ({ kind: '503' as const, method: 'POST', path: '/v1/opportunities' })),
    { kind: 'commit_then_500', method: 'POST', path: '/v1/opportunities' },
  ]);

  const first = await runCliProcess(
    ['import', 'deals.csv', '-m', 'mapping.json', '-o', 'first', '--state', 'state.db', ...connection()],
    { cwd: workspace.dir },
  );

  expect(first.code).toBe(1);
  const firstResults = workspace.readCsv('first/results.csv');
  const failedLines = firstResults.filter((row) => row['status'] === 'failed').map((row) => Number(row['line']));
  expect(failedLines).toHaveLength(6);
  expect(first.stdout).toContain('lightfield-import retry');
  expect(emulator.opportunities()).toHaveLength(ROW_COUNT - 5);
  const before = emulator.stats();

  // The cause is gone; retry from another folder, with only the results file named.
  const retried = await runCliProcess(['retry', join(workspace.dir, 'first', 'results.csv'), '-o', join(workspace.dir, 'second'), ...connection()], {
    cwd: workspace.path('first'),
  });

  expect(retried.code).toBe(0);
  const after = emulator.stats();
  expect(after.requests.write - before.requests.write).toBe(6);
  expect(after.createsExecuted - before.createsExecuted).toBe(5);
  expect(after.idempotentReplays - before.idempotentReplays).toBe(1);
  expectEachExactlyOnce(
    emulator,
    rows.map((row) => row[0]!),
  );
  expectCompleteReport(workspace.readCsv('second/results.csv'), failedLines, ['created']);
  // It used the earlier run's ledger, not a new one in the working folder.
  expect(existsSync(workspace.path('first/.lightfield-import'))).toBe(false);
  const ledger = Ledger.open(workspace.path('state.db'), { readonly: true });
  try {
    expect(ledger.countByStatus(NAMESPACE)).toMatchObject({ created: ROW_COUNT, in_flight: 0, failed: 0 });
  } finally {
    ledger.close();
  }

  // The whole file again is unchanged: nothing left to send.
  const again = await runCliProcess(['import', 'deals.csv', '-m', 'mapping.json', '-o', 'third', '--state', 'state.db', ...connection()], {
    cwd: workspace.dir,
  });
  expect(again.code).toBe(0);
  expectCompleteReport(workspace.readCsv('third/results.csv'), dataLines(ROW_COUNT), ['unchanged']);
  expect(emulator.stats().requests.write).toBe(after.requests.write);
});
