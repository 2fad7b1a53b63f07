/**
 * A crash at any instant, followed by the same command, ends with every row in Lightfield exactly
 * once (design.md, "Idempotency and the run ledger"). The built CLI runs against an emulator that
 * drops connections and fails writes (some after committing them), and is killed with SIGKILL at
 * several moments, including right after a write was committed but its answer lost.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { startEmulator } from '../../src/emulator/index.js';
import type { RunningEmulator } from '../../src/emulator/options.js';
import { Ledger } from '../../src/ledger/index.js';
import { collect, startCliProcess } from '../helpers/cli.js';
import { createWorkspace, csvText, type Workspace } from '../helpers/workspace.js';
import {
  API_KEY,
  HEADER,
  MAPPING,
  NAMESPACE,
  dataLines,
  dealRows,
  expectCompleteReport,
  expectEachExactlyOnce,
  waitFor,
} from './fixture.js';

const ROW_COUNT = 300;

let emulator: RunningEmulator;
let workspace: Workspace;

beforeAll(async () => {
  emulator = await startEmulator({
    rate: 2000,
    readRate: 2000,
    searchRate: 2000,
    latencyMs: { min: 2, max: 15 },
    seed: 11,
    faults: { probability: 0.1, kinds: ['500', 'commit_then_500', 'drop', 'commit_then_drop'], only: 'write' },
  });
  workspace = createWorkspace();
});
afterAll(async () => {
  await emulator.close();
  workspace.remove();
});

function importArgs(): string[] {
  return [
    'import',
    workspace.path('deals.csv'),
    '-m',
    workspace.path('mapping.json'),
    '-o',
    workspace.path('report'),
    '--state',
    workspace.path('state.db'),
    '--api-key',
    API_KEY,
    '--base-url',
    emulator.url,
    '--rate',
    '1000',
    '--max-retries',
    '2',
    '--timeout',
    '5',
    '--log-level',
    'error',
  ];
}

function committedFaults(): number {
  const faults = emulator.stats().faultsInjected;
  return faults.commit_then_500 + faults.commit_then_drop;
}

function inFlightCount(): number {
  const ledger = Ledger.open(workspace.path('state.db'), { readonly: true });
  try {
    return ledger.inFlight(NAMESPACE).length;
  } finally {
    ledger.close();
  }
}

/** Starts the import and SIGKILLs it as soon as `killWhen` holds; says whether it was killed. */
async function runAndKill(killWhen: () => boolean): Promise<{ killed: boolean; code: number | null }> {
  const child = startCliProcess(importArgs());
  const finished = collect(child, 30_000);
  const hit = await waitFor(killWhen, finished, 1);
  if (hit && child.exitCode === null) child.kill('SIGKILL');
  const result = await finished;
  return { killed: result.signal === 'SIGKILL', code: result.code };
}

test('SIGKILL at several moments, then the same command until it succeeds: every row exactly once, a complete report', async () => {
  const rows = dealRows(ROW_COUNT);
  workspace.write('deals.csv', csvText([HEADER, ...rows]));
  workspace.writeJson('mapping.json', MAPPING);

  const kills: string[] = [];
  for (const threshold of [30, 110]) {
    const outcome = await runAndKill(() => emulator.stats().createsExecuted >= threshold);
    if (outcome.killed) kills.push(`after ${threshold} creates`);
  }
  // Right after a write was committed but its answer was lost (500 or dropped connection): the
  // client waits at least 375 ms before its retry, so the kill comes first.
  const before = committedFaults();
  const afterCommit = await runAndKill(() => committedFaults() > before);
  if (afterCommit.killed) kills.push('right after a commit_then_* fault');
  // That write landed in Lightfield, and the ledger still has it in flight, with its key.
  expect(inFlightCount()).toBeGreaterThan(0);
  const outcome = await runAndKill(() => emulator.stats().createsExecuted >= 230);
  if (outcome.killed) kills.push('after 230 creates');
  // Each kill must have hit a run that was still working, or the test proves less than it says.
  expect(kills).toEqual(['after 30 creates', 'after 110 creates', 'right after a commit_then_* fault', 'after 230 creates']);

  // Faults may leave rows failed after the retry budget: rerun until every row is in.
  let final: { code: number | null; stderr: string } = { code: null, stderr: '' };
  for (let rerun = 0; rerun < 6 && final.code !== 0; rerun += 1) {
    final = await collect(startCliProcess(importArgs()), 30_000);
    expect([0, 1]).toContain(final.code);
  }
  expect(final.code).toBe(0);

  expectEachExactlyOnce(
    emulator,
    rows.map((row) => row[0]!),
  );
  expect(emulator.stats().createsExecuted).toBe(ROW_COUNT);
  // The crashes left requests whose answers were lost; the reruns got them back by key.
  expect(emulator.stats().idempotentReplays).toBeGreaterThan(0);

  const results = workspace.readCsv('report/results.csv');
  expectCompleteReport(results, dataLines(ROW_COUNT), ['created', 'unchanged']);
  expect(workspace.readCsv('report/failed.csv')).toEqual([]);
  const summary = workspace.readJson<{ exitCode: number; stopped: unknown; counts: Record<string, number> }>('report/summary.json');
  expect(summary).toMatchObject({ exitCode: 0, stopped: null });
  expect((summary.counts['created'] ?? 0) + (summary.counts['unchanged'] ?? 0)).toBe(ROW_COUNT);

  const ledger = Ledger.open(workspace.path('state.db'), { readonly: true });
  try {
    expect(ledger.inFlight(NAMESPACE)).toEqual([]);
    expect(ledger.countByStatus(NAMESPACE)).toMatchObject({ created: ROW_COUNT, failed: 0, in_flight: 0 });
  } finally {
    ledger.close();
  }
}, 60_000);
