/**
 * Stopping on purpose (design.md, exit code 3): Ctrl-C or `--max-errors` finish the requests in
 * flight, report every row (those never sent as `not_attempted`), say how to resume, and the same
 * command then finishes the job without sending anything twice.
 */
import { describe, expect, test } from '@jest/globals';
import { collect, runCliProcess, startCliProcess } from '../helpers/cli.js';
import { csvText } from '../helpers/workspace.js';
import { FAST_EMULATOR, useEmulatorWorkspace } from '../helpers/emulator-workspace.js';
import { API_KEY, HEADER, MAPPING, dataLines, dealRows, expectCompleteReport, expectEachExactlyOnce, recordsPerLegacyId, waitFor } from './fixture.js';

const ROW_COUNT = 200;

const context = useEmulatorWorkspace(FAST_EMULATOR, (workspace) => workspace.writeJson('mapping.json', MAPPING));

function importArgs(report: string, extra: string[] = []): string[] {
  return [
    'import',
    context.workspace.path('deals.csv'),
    '-m',
    context.workspace.path('mapping.json'),
    '-o',
    context.workspace.path(report),
    '--state',
    context.workspace.path('state.db'),
    '--api-key',
    API_KEY,
    '--base-url',
    context.emulator.url,
    '--rate',
    '200',
    '--log-level',
    'warn',
    ...extra,
  ];
}

interface Summary {
  exitCode: number;
  stopped: string | null;
  counts: Record<string, number>;
  rowsRead: number;
}

describe('SIGINT mid-run', () => {
  test('exits 3 with a complete report and a resume hint; the same command then finishes with no duplicate', async () => {
    const rows = dealRows(ROW_COUNT);
    context.workspace.write('deals.csv', csvText([HEADER, ...rows]));
    // A slow API: 200 ms an answer, 20 writes a second.
    context.emulator.configure({ rate: 20, latencyMs: 200 });

    const child = startCliProcess(importArgs('report'));
    const finished = collect(child, 20_000);
    expect(await waitFor(() => context.emulator.stats().createsExecuted >= 15, finished)).toBe(true);
    child.kill('SIGINT');
    const stopped = await finished;

    expect(stopped.code).toBe(3);
    expect(stopped.stderr).toContain('SIGINT');
    expect(stopped.stdout).toMatch(/rerun .* to resume/);
    const summary = context.workspace.readJson<Summary>('report/summary.json');
    expect(summary).toMatchObject({ exitCode: 3, stopped: 'signal', rowsRead: ROW_COUNT });
    const results = context.workspace.readCsv('report/results.csv');
    expectCompleteReport(results, dataLines(ROW_COUNT), ['created', 'not_attempted']);
    // What was reported created is in Lightfield; what was reported not attempted was never sent.
    const landed = recordsPerLegacyId(context.emulator);
    const created = results.filter((row) => row['status'] === 'created').map((row) => row['Record ID']!);
    const notAttempted = results.filter((row) => row['status'] === 'not_attempted').map((row) => row['Record ID']!);
    expect(notAttempted.length).toBeGreaterThan(0);
    expect([...landed.keys()].sort()).toEqual([...created].sort());
    expect(notAttempted.filter((id) => landed.has(id))).toEqual([]);
    expect(context.emulator.stats().createsExecuted).toBe(created.length);
    for (const row of results.filter((result) => result['status'] === 'not_attempted')) {
      expect(row['error_message']).toContain('rerun');
    }

    // The API is fast again; the same command resumes.
    context.emulator.configure({ rate: 1000, latencyMs: 0 });
    const resumed = await runCliProcess(importArgs('report'), { timeoutMs: 20_000 });

    expect(resumed.code).toBe(0);
    expectEachExactlyOnce(
      context.emulator,
      rows.map((row) => row[0]!),
    );
    expect(context.emulator.stats().createsExecuted).toBe(ROW_COUNT);
    const final = context.workspace.readCsv('report/results.csv');
    expectCompleteReport(final, dataLines(ROW_COUNT), ['created', 'unchanged']);
    expect(final.filter((row) => row['status'] === 'unchanged').map((row) => row['Record ID'])).toEqual(created);
  });
});

describe('--max-errors', () => {
  test('stops with exit 3 after that many refused rows, reports every row, and resumes', async () => {
    // Every third row has an amount that cannot be read.
    const rows = dealRows(60).map((row, index) => (index % 3 === 1 ? [...row.slice(0, 3), 'lots', ...row.slice(4)] : row));
    context.workspace.write('deals.csv', csvText([HEADER, ...rows]));

    const stopped = await runCliProcess(importArgs('report', ['--max-errors', '3']));

    expect(stopped.code).toBe(3);
    expect(stopped.stdout).toContain('--max-errors');
    const summary = context.workspace.readJson<Summary>('report/summary.json');
    expect(summary).toMatchObject({ exitCode: 3, stopped: 'max_errors' });
    const results = context.workspace.readCsv('report/results.csv');
    expectCompleteReport(results, dataLines(60), ['created', 'invalid', 'not_attempted']);
    expect(summary.counts['invalid']).toBeGreaterThanOrEqual(3);
    expect(summary.counts['not_attempted']).toBeGreaterThan(0);
    const created = results.filter((row) => row['status'] === 'created').map((row) => row['Record ID']!);
    expect([...recordsPerLegacyId(context.emulator).keys()].sort()).toEqual([...created].sort());

    // Without the limit, the same file finishes: the good rows land once, the bad ones stay invalid.
    const finished = await runCliProcess(importArgs('report-all'));
    expect(finished.code).toBe(1);
    expectEachExactlyOnce(
      context.emulator,
      rows.filter((row) => row[3] !== 'lots').map((row) => row[0]!),
    );
    expect(context.workspace.readJson<Summary>('report-all/summary.json').counts).toMatchObject({ invalid: 20, not_attempted: 0 });
  });
});
