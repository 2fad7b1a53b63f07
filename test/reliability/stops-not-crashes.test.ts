/**
 * Stops that are not crashes (issue 15, item 11): a damaged ledger (a garbage page, a reset schema
 * version, a dropped table) exited 70 part way through a run, and Ctrl-C or SIGTERM during start-up
 * exited 70 with a stack trace. Both are now exit 2 before the first row, saying what to do.
 */
import { randomBytes } from 'node:crypto';
import { openSync, renameSync, statSync, writeSync, closeSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, test } from '@jest/globals';
import { collect, runCliProcess, startCliProcess, type CliResult } from '../helpers/cli.js';
import { FAST_EMULATOR, useEmulatorWorkspace } from '../helpers/emulator-workspace.js';
import { waitFor } from '../exactly-once/fixture.js';
import { API_KEY, HEADER, MAPPING, expectNoCrash } from './corpus.js';

const ROW_COUNT = 120;
const CSV = `${HEADER}\n${Array.from({ length: ROW_COUNT }, (_, index) => `${index + 1},Deal ${index + 1} ${'x'.repeat(60)},Proposal,Initech`).join('\n')}\n`;

const context = useEmulatorWorkspace(FAST_EMULATOR, (workspace) => {
  workspace.write('input.csv', CSV);
  workspace.writeJson('mapping.json', MAPPING);
});

function run(command: 'import' | 'plan', report: string, extra: string[] = []): Promise<CliResult> {
  const { workspace, emulator } = context;
  return runCliProcess(
    [command, workspace.path('input.csv'), '-m', workspace.path('mapping.json'), '-o', workspace.path(report), '--state', workspace.path('state.db'), '--rate', '1000', ...extra],
    { env: { LIGHTFIELD_API_KEY: API_KEY, LIGHTFIELD_BASE_URL: emulator.url } },
  );
}

/** Random bytes over one page in the middle of the file, as a failing disk or a stray write leaves it. */
function garbagePage(file: string): void {
  const pageSize = 4096;
  const pages = statSync(file).size / pageSize;
  expect(pages).toBeGreaterThan(4);
  const descriptor = openSync(file, 'r+');
  try {
    writeSync(descriptor, randomBytes(pageSize), 0, pageSize, Math.floor(pages / 2) * pageSize);
  } finally {
    closeSync(descriptor);
  }
}

function withDatabase(file: string, change: (database: Database.Database) => void): void {
  const database = new Database(file);
  try {
    change(database);
  } finally {
    database.close();
  }
}

describe('a damaged ledger', () => {
  test.each<[string, (file: string) => void, RegExp]>([
    ['a garbage page', garbagePage, /malformed|damaged pages/],
    ['a reset schema version', (file) => withDatabase(file, (database) => database.pragma('user_version = 0')), /schema version reset/],
    ['a dropped table', (file) => withDatabase(file, (database) => database.exec('DROP TABLE runs')), /lacks table runs/],
  ])('%s: import and plan exit 2 "ledger damaged" before any row; moved aside, the rerun creates nothing twice', async (_name, damage, what) => {
    const { workspace, emulator } = context;
    expect((await run('import', 'first')).code).toBe(0);
    damage(workspace.path('state.db'));
    const writes = emulator.stats().requests.write;

    for (const command of ['import', 'plan'] as const) {
      const result = await run(command, `damaged-${command}`, ['--json']);
      expect({ command, code: result.code, stderr: result.stderr }).toMatchObject({ code: 2 });
      expectNoCrash(result);
      expect(result.stderr).toContain(`ledger damaged: the run ledger ${workspace.path('state.db')}`);
      expect(result.stderr).toMatch(what);
      expect(result.stderr).toContain('Move it aside');
      expect(result.stderr).toContain('idempotency keys');
      expect(JSON.parse(result.stdout)).toMatchObject({ exitCode: 2, error: { code: 'state_damaged', subject: workspace.path('state.db') } });
    }
    expect(emulator.stats().requests.write).toBe(writes);

    // What the message says to do: within 24 h the idempotency keys keep every record single.
    renameSync(workspace.path('state.db'), workspace.path('state.db.damaged'));
    expect((await run('import', 'again')).code).toBe(0);
    expect(emulator.opportunities()).toHaveLength(ROW_COUNT);
    expect(emulator.stats().createsExecuted).toBe(ROW_COUNT);
  }, 60_000);
});

describe('Ctrl-C or SIGTERM during start-up', () => {
  test.each(['SIGINT', 'SIGTERM'] as const)('%s while the definitions are on their way: exit 2, nothing sent, no stack trace', async (signal) => {
    const { workspace, emulator } = context;
    emulator.configure({ latencyMs: 5000 });
    const child = startCliProcess(
      ['import', workspace.path('input.csv'), '-m', workspace.path('mapping.json'), '-o', workspace.path('report'), '--state', workspace.path('state.db')],
      { env: { LIGHTFIELD_API_KEY: API_KEY, LIGHTFIELD_BASE_URL: emulator.url } },
    );
    const done = collect(child);
    expect(await waitFor(() => emulator.stats().requests.read > 0, done, 10)).toBe(true);

    child.kill(signal);
    const result = await done;

    expect(result.code).toBe(2);
    expectNoCrash(result);
    expect(result.stderr).toContain(`stopped by ${signal} before the first row; nothing was sent to Lightfield`);
    expect(emulator.stats().requests.write).toBe(0);
  });
});
