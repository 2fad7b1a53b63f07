/**
 * One run per ledger (issue 15, item 1): two imports started together on one `--state` both saw
 * every row as new and created each record twice, exiting 0. Now a run holds the ledger for its
 * whole life; a second one stops at once naming the holder, or waits with `--wait`; a lock left by
 * a killed run is no obstacle, and `plan` may read beside an import. Real CLI processes, one emulator.
 */
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import type { ChildProcess } from 'node:child_process';
import { expect, test } from '@jest/globals';
import { collect, startCliProcess, type CliResult } from '../helpers/cli.js';
import { csvText } from '../helpers/workspace.js';
import { FAST_EMULATOR, useEmulatorWorkspace } from '../helpers/emulator-workspace.js';
import { API_KEY, HEADER, MAPPING, dealRows, expectEachExactlyOnce, waitFor } from './fixture.js';

const ROW_COUNT = 120;
const LEGACY_IDS = dealRows(ROW_COUNT).map((row) => row[0]!);

const context = useEmulatorWorkspace(FAST_EMULATOR, (workspace) => {
  workspace.write('deals.csv', csvText([HEADER, ...dealRows(ROW_COUNT)]));
  workspace.writeJson('mapping.json', MAPPING);
});

/** An import of deals.csv into the shared ledger; `rate` slows it down so that another run meets it. */
function start(command: 'import' | 'plan', report: string, rate: number, extra: string[] = []): { child: ChildProcess; done: Promise<CliResult> } {
  const { workspace, emulator } = context;
  const child = startCliProcess(
    [
      command,
      workspace.path('deals.csv'),
      '-m',
      workspace.path('mapping.json'),
      '-o',
      workspace.path(report),
      '--state',
      workspace.path('state.db'),
      '--base-url',
      emulator.url,
      '--rate',
      String(rate),
      ...extra,
    ],
    { env: { LIGHTFIELD_API_KEY: API_KEY } },
  );
  return { child, done: collect(child) };
}

/** Resolves once the emulator has created at least `count` records (or `run` ended first). */
async function createdAtLeast(count: number, run: Promise<unknown>): Promise<void> {
  expect(await waitFor(() => context.emulator.stats().createsExecuted >= count, run, 10)).toBe(true);
}

/** Stderr of a running CLI so far, to wait for a line in it. */
function stderrOf(child: ChildProcess): () => string {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return () => stderr;
}

test('two imports started together on one ledger: one imports, the other exits 2 at once, no record twice', async () => {
  // 20 writes/s: the first to take the ledger holds it for seconds, far longer than the other needs to start.
  const first = start('import', 'first', 20);
  const second = start('import', 'second', 20);
  const results = await Promise.all([first.done, second.done]);

  expect(results.map((result) => result.code).sort()).toEqual([0, 2]);
  const loser = results.find((result) => result.code === 2)!;
  expect(loser.stderr).toContain('is in use by');
  expect(loser.stderr).not.toContain('unexpected error');
  expectEachExactlyOnce(context.emulator, LEGACY_IDS);
}, 90_000);

test('a second import names the holder and sends nothing; with --wait it runs once the first has let go', async () => {
  // 5 writes/s: the first run holds the ledger until it is stopped.
  const first = start('import', 'first', 5);
  await createdAtLeast(3, first.done);

  const refused = await start('import', 'refused', 1000).done;
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain(`pid ${first.child.pid} on ${hostname()}`);
  expect(refused.stderr).toMatch(/started \d{4}-\d\d-\d\dT/);
  expect(refused.stderr).toContain('--wait');
  expect(existsSync(context.workspace.path('refused'))).toBe(false);

  const waiting = start('import', 'waiting', 1000, ['--wait', '120']);
  const waitingStderr = stderrOf(waiting.child);
  expect(await waitFor(() => waitingStderr().includes('waiting up to 120 s'), waiting.done, 10)).toBe(true);
  first.child.kill('SIGTERM');
  const [firstResult, waitingResult] = await Promise.all([first.done, waiting.done]);

  expect(firstResult.code).toBe(3);
  expect(waitingResult.code).toBe(0);
  const counts = context.workspace.readJson<{ counts: Record<string, number> }>('waiting/summary.json').counts;
  expect(counts['unchanged']).toBeGreaterThanOrEqual(3);
  expect((counts['unchanged'] ?? 0) + (counts['created'] ?? 0)).toBe(ROW_COUNT);
  expectEachExactlyOnce(context.emulator, LEGACY_IDS);
}, 90_000);

test('the lock of a killed run is no obstacle: the next run resumes at once', async () => {
  const killed = start('import', 'killed', 20);
  await createdAtLeast(3, killed.done);
  killed.child.kill('SIGKILL');
  await killed.done;

  const resumed = await start('import', 'resumed', 1000).done;
  expect({ code: resumed.code, stderr: resumed.stderr }).toMatchObject({ code: 0 });
  expectEachExactlyOnce(context.emulator, LEGACY_IDS);
}, 60_000);

test('plan reads the ledger beside a running import', async () => {
  const running = start('import', 'running', 5);
  await createdAtLeast(3, running.done);
  const plan = await start('plan', 'plan', 1000).done;
  expect(plan.stderr).not.toContain('is in use by');
  expect(plan.code).toBe(0);
  running.child.kill('SIGTERM');
  expect((await running.done).code).toBe(3);
}, 60_000);

test('Ctrl-C while waiting for the ledger: exit 2, nothing sent, no stack trace', async () => {
  const first = start('import', 'first', 5);
  await createdAtLeast(3, first.done);
  const waiting = start('import', 'waiting', 1000, ['--wait', '120']);
  const waitingStderr = stderrOf(waiting.child);
  expect(await waitFor(() => waitingStderr().includes('waiting up to'), waiting.done, 10)).toBe(true);

  waiting.child.kill('SIGINT');
  const stopped = await waiting.done;
  expect(stopped.code).toBe(2);
  expect(stopped.stderr).toContain('nothing was sent');
  expect(stopped.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  first.child.kill('SIGTERM');
  await first.done;
}, 60_000);
