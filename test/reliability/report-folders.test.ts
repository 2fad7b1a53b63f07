/**
 * Report folders never collide: two runs started in the same second each get their own default
 * folder, and a run never writes into a folder another run is writing.
 */
import { expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { runImport } from '../../src/pipeline/run.js';
import { runCliProcess } from '../helpers/cli.js';
import { useEmulatorWorkspace } from '../helpers/emulator-workspace.js';
import { csvText } from '../helpers/workspace.js';
import { API_KEY, HEADER, MAPPING, dealRows, importOptions } from '../exactly-once/fixture.js';

const frame = useEmulatorWorkspace();

function prepare(rows: number): void {
  frame.workspace.write('deals.csv', csvText([HEADER, ...dealRows(rows)]));
  frame.workspace.writeJson('mapping.json', MAPPING);
}

test('two runs started together without --out write two complete reports in two folders', async () => {
  const { workspace, emulator } = frame;
  prepare(20);
  const args = (state: string): string[] => ['plan', 'deals.csv', '-m', 'mapping.json', '--state', state, '--api-key', API_KEY, '--base-url', emulator.url];

  const [first, second] = await Promise.all([
    runCliProcess(args('a.db'), { cwd: workspace.dir }),
    runCliProcess(args('b.db'), { cwd: workspace.dir }),
  ]);

  expect([first.code, second.code]).toEqual([0, 0]);
  const folders = readdirSync(workspace.path('lightfield-import-report'));
  expect(folders).toHaveLength(2);
  for (const folder of folders) {
    const summary = workspace.readJson<{ rowsRead: number }>(join('lightfield-import-report', folder, 'summary.json'));
    expect(summary.rowsRead).toBe(20);
    expect(workspace.readCsv(join('lightfield-import-report', folder, 'results.csv'))).toHaveLength(20);
  }
  expect(folders.some((folder) => first.stdout.includes(folder))).toBe(true);
  expect(folders.some((folder) => second.stdout.includes(folder))).toBe(true);
});

test('a run refuses an --out folder that a run in progress is writing, and can use it once that run ended', async () => {
  const { workspace, emulator } = frame;
  prepare(6);
  const slow = runImport(importOptions(workspace, emulator, { report: 'out' }, { rate: 4 }));
  // Let the first run get past its set-up, then start a second one on the same folder.
  await new Promise((resolve) => setTimeout(resolve, 400));

  const second = runImport(importOptions(workspace, emulator, { report: 'out' }, { statePath: workspace.path('other.db') }));

  await expect(second).rejects.toMatchObject({ code: 'output_in_use' });
  await expect(second).rejects.toThrow(/is the report folder of a run in progress \(process \d+ on .*, started/);
  const first = await slow;
  expect(first.exitCode).toBe(0);
  expect(workspace.readCsv('out/results.csv').map((row) => row['status'])).toEqual(Array(6).fill('created'));
  // Rerunning the same command afterwards is fine: the folder is free again.
  const rerun = await runImport(importOptions(workspace, emulator, { report: 'out' }));
  expect(rerun.counts['unchanged']).toBe(6);
  expect(existsSync(workspace.path('out/.lightfield-import.lock'))).toBe(false);
});

test('a lock left by a run that died is taken over', async () => {
  const { workspace, emulator } = frame;
  prepare(2);
  const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid;
  mkdirSync(workspace.path('out'));
  writeFileSync(workspace.path('out/.lightfield-import.lock'), JSON.stringify({ pid: dead, host: hostname(), startedAt: '2026-01-01T00:00:00.000Z' }));

  const summary = await runImport(importOptions(workspace, emulator, { report: 'out' }));

  expect(summary.exitCode).toBe(0);
});

test('an --out folder holding other files than a report is refused before anything is sent', async () => {
  const { workspace, emulator } = frame;
  prepare(3);
  mkdirSync(workspace.path('project'));
  writeFileSync(workspace.path('project/notes.txt'), 'mine');
  const error = await runImport(importOptions(workspace, emulator, { report: 'project' })).catch((caught: unknown) => caught);
  expect(error).toMatchObject({ code: 'usage', message: expect.stringContaining('holds files that are not a lightfield-import report ("notes.txt")') as unknown as string });
  expect(emulator.stats().requests.write).toBe(0);
  expect(readdirSync(workspace.path('project'))).toEqual(['notes.txt']);
});

test('an --out folder holding an earlier report is reused: rerunning the same command resumes there', async () => {
  const { workspace, emulator } = frame;
  prepare(3);
  await runImport(importOptions(workspace, emulator, { report: 'report' }));
  const again = await runImport(importOptions(workspace, emulator, { report: 'report' }));
  expect(again.counts).toMatchObject({ unchanged: 3 });
  // summary.json and problems.csv are written whole or not at all: no temporary file is left.
  expect(readdirSync(workspace.path('report')).sort()).toEqual(['failed.csv', 'problems.csv', 'results.csv', 'summary.json']);
});

test('--state inside the --out folder is refused: the ledger must outlive every report', async () => {
  const { workspace, emulator } = frame;
  prepare(3);
  const error = await runImport({ ...importOptions(workspace, emulator, { report: 'report' }), statePath: workspace.path('report/state.db') }).catch(
    (caught: unknown) => caught,
  );
  expect(error).toMatchObject({ code: 'usage', message: expect.stringContaining('is inside the report folder') as unknown as string });
  expect(emulator.stats().requests.write).toBe(0);
});
