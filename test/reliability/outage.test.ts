/**
 * An outage is a stop: when Lightfield stops answering mid-run (here: the emulator is shut down),
 * the run stops with exit 3 after a few rows got no answer, instead of failing every remaining row
 * one after the other; the rerun, once Lightfield answers again, imports each row exactly once.
 */
import { afterEach, expect, test } from '@jest/globals';
import { startEmulator } from '../../src/emulator/index.js';
import type { RunningEmulator } from '../../src/emulator/options.js';
import { runImport } from '../../src/pipeline/run.js';
import { formatSummary } from '../../src/cli/print-summary.js';
import { createWorkspace, csvText, type Workspace } from '../helpers/workspace.js';
import { HEADER, MAPPING, dealRows, importOptions, memoryLogger } from '../exactly-once/fixture.js';

let emulator: RunningEmulator | undefined;
let workspace: Workspace | undefined;
afterEach(async () => {
  await emulator?.close();
  workspace?.remove();
});

test('the emulator going away mid-run stops the run (outage, exit 3) after a few unanswered rows', async () => {
  emulator = await startEmulator({ rate: 1000, readRate: 1000, searchRate: 1000, latencyMs: { min: 5, max: 10 } });
  workspace = createWorkspace();
  const rows = dealRows(300);
  workspace.write('deals.csv', csvText([HEADER, ...rows]));
  workspace.writeJson('mapping.json', MAPPING);
  const log = memoryLogger();
  const running = runImport(
    importOptions(workspace, emulator, { report: 'out' }, { rate: 40, maxRetries: 1, outageRows: 5, logger: log.logger }),
  );
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const landed = emulator.opportunities().length;
  expect(landed).toBeGreaterThan(0);
  await emulator.close();

  const summary = await running;

  expect(summary).toMatchObject({ stopped: 'outage', exitCode: 3 });
  // A few rows failed while the outage was being recognized; the rest were not sent at all.
  expect(summary.counts['failed']).toBeGreaterThanOrEqual(5);
  expect(summary.counts['failed']).toBeLessThan(60);
  expect(summary.counts['not_attempted']).toBeGreaterThan(100);
  const stop = log.lines().find((line) => line['event'] === 'outage');
  expect(String(stop?.['msg'])).toMatch(/^Lightfield is not answering: 5 rows in a row got no answer \(last: .*\); the run stops/);
  expect(formatSummary(summary)).toContain('stopped: Lightfield is not answering');

  // Lightfield is back: the same command finishes the file, each row once.
  const back = await startEmulator({ rate: 1000, readRate: 1000, searchRate: 1000 });
  try {
    const rerun = await runImport(importOptions(workspace, back, { report: 'rerun' }));
    expect(rerun.exitCode).toBe(0);
    expect(rerun.counts['created']! + rerun.counts['unchanged']!).toBe(rows.length);
  } finally {
    await back.close();
  }
}, 60_000);

test('no answer for longer than the outage window stops the run even before the row count is reached', async () => {
  emulator = await startEmulator({ rate: 1000, readRate: 1000, searchRate: 1000 });
  workspace = createWorkspace();
  workspace.write('deals.csv', csvText([HEADER, ...dealRows(100)]));
  workspace.writeJson('mapping.json', MAPPING);
  const log = memoryLogger();
  // Every write is answered 503 from the start (the lookups still answer).
  emulator.injectFaults(Array.from({ length: 400 }, () => ({ kind: '503' as const, method: 'POST', path: '/v1/opportunities' })));

  const summary = await runImport(
    importOptions(workspace, emulator, { report: 'out' }, { rate: 20, maxRetries: 0, outageRows: 1000, outageMs: 1000, logger: log.logger }),
  );

  expect(summary).toMatchObject({ stopped: 'outage', exitCode: 3 });
  expect(summary.counts['not_attempted']).toBeGreaterThan(50);
  const stop = log.lines().find((line) => line['event'] === 'outage');
  expect(String(stop?.['msg'])).toMatch(/^Lightfield is not answering: no request got an answer for \d+ s \(last: no answer after 1 attempts \(last: 503/);
}, 60_000);
