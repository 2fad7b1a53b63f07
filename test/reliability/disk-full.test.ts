/**
 * A disk that fills up part way through a run, simulated with a file-size limit (`ulimit -f`, with
 * SIGXFSZ ignored so that writes past it fail with EFBIG as on a full disk). Whether the ledger or
 * the report hits it, the run stops (exit 3) with a message that says what is safe and what to do,
 * never a stack trace; the rerun with space finishes every row, none twice.
 */
import { spawn } from 'node:child_process';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { startEmulator } from '../../src/emulator/index.js';
import type { RunningEmulator } from '../../src/emulator/options.js';
import { BIN, collect, runCliProcess, type CliResult } from '../helpers/cli.js';
import { createWorkspace, type Workspace } from '../helpers/workspace.js';
import { API_KEY, expectEveryLineOnce, expectNoCrash, MAPPING } from './corpus.js';

/** File-size limit in `ulimit -f` blocks (512 or 1024 bytes depending on the shell): 0.5–1 MB. */
const FILE_SIZE_LIMIT_BLOCKS = 1024;
const ROWS = 400;

let emulator: RunningEmulator;
let workspace: Workspace;

beforeAll(async () => {
  emulator = await startEmulator({ rate: 2000, readRate: 1000, searchRate: 1000 });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  workspace = createWorkspace('lfi-disk-full-');
  workspace.writeJson('mapping.json', MAPPING);
});
afterEach(() => {
  emulator.reset();
  workspace.remove();
});

function importArgs(): string[] {
  return [
    'import', workspace.path('input.csv'), '-m', workspace.path('mapping.json'), '-o', workspace.path('report'),
    '--state', workspace.path('state.db'), '--rate', '2000', '--log-level', 'warn',
  ];
}

const env = (): Record<string, string> => ({ LIGHTFIELD_API_KEY: API_KEY, LIGHTFIELD_BASE_URL: emulator.url });

/** The CLI with every file it writes limited to {@link FILE_SIZE_LIMIT_BLOCKS}. */
function runWithFileSizeLimit(args: string[]): Promise<CliResult> {
  const quoted = [process.execPath, BIN, ...args].map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('sh', ['-c', `ulimit -f ${FILE_SIZE_LIMIT_BLOCKS} && trap '' XFSZ && exec ${quoted}`], {
    env: { ...process.env, ...env() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return collect(child);
}

function legacyIds(): string[] {
  return emulator.opportunities().map((record) => String(record.fields['legacyId']?.value));
}

/** After a run with room again: every row in Lightfield exactly once, the report complete. */
async function expectRerunFinishesEverything(): Promise<void> {
  const rerun = await runCliProcess(importArgs(), { env: env() });
  expect(rerun.code).toBe(0);
  const ids = legacyIds();
  expect(ids).toHaveLength(ROWS);
  expect(new Set(ids).size).toBe(ROWS);
  const results = workspace.readCsv('report/results.csv');
  expect(results).toHaveLength(ROWS);
  // Rows whose answer the full ledger could not record are sent again with their keys: `created` (replayed).
  expect(results.every((row) => row['status'] === 'created' || row['status'] === 'unchanged')).toBe(true);
}

const describeOnPosix = process.platform === 'win32' ? describe.skip : describe;

describeOnPosix('a disk that fills up during the run', () => {
  test('the ledger cannot be written: exit 3, the report accounts for every row, the rerun finishes them once', async () => {
    const lines = Array.from({ length: ROWS }, (_, index) => `D${index},Deal number ${index} with a name long enough to fill pages,Proposal,Initech`);
    workspace.write('input.csv', `id,name,stage,account\n${lines.join('\n')}\n`);

    const cli = await runWithFileSizeLimit(importArgs());
    expect({ code: cli.code, stderr: cli.stderr.slice(0, 3000) }).toMatchObject({ code: 3 });
    expectNoCrash(cli);
    expect(cli.stderr).toContain('Cannot write the run ledger');
    expect(cli.stdout).toContain('rerun the same command');

    const results = workspace.readCsv('report/results.csv');
    expect(results).toHaveLength(ROWS);
    expectEveryLineOnce([[], ...results.map((row) => [row['line']!])]);
    const statuses = new Set(results.map((row) => row['status']));
    expect(statuses.has('not_attempted')).toBe(true);
    expect([...statuses].every((status) => ['created', 'failed', 'not_attempted'].includes(status!))).toBe(true);
    expect(workspace.readJson('report/summary.json')).toMatchObject({ exitCode: 3, stopped: 'storage' });
    expect(new Set(legacyIds()).size).toBe(legacyIds().length);

    await expectRerunFinishesEverything();
  });

  test('the report cannot be written: exit 3 with a message saying the ledger is safe, the rerun finishes every row once', async () => {
    // A wide column the mapping does not read: the report grows much faster than the ledger.
    const notes = 'n'.repeat(30_000);
    const lines = Array.from({ length: ROWS }, (_, index) => `D${index},Deal ${index},Proposal,Initech,${notes}`);
    workspace.write('input.csv', `id,name,stage,account,notes\n${lines.join('\n')}\n`);

    const cli = await runWithFileSizeLimit(importArgs());
    expect({ code: cli.code, stderr: cli.stderr.slice(0, 3000) }).toMatchObject({ code: 3 });
    expectNoCrash(cli);
    expect(cli.stderr).toContain('Cannot write the report file');
    expect(cli.stderr).toContain('rerun the same command');
    expect(cli.stderr).toContain('none is created twice');
    expect(legacyIds().length).toBeLessThan(ROWS);
    expect(new Set(legacyIds()).size).toBe(legacyIds().length);

    await expectRerunFinishesEverything();
  });
});
