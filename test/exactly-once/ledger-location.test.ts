/**
 * Where the ledger lives without `--state` (issue 15, item 2): it was `.lightfield-import/state.db`
 * under the working folder, so the same nightly job run from another folder started with an empty
 * ledger and created every record again. Now it is one file per organization in the user's state
 * folder, named after the host and a hash of the key (never the key), and the summary says where.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@jest/globals';
import { runCliProcess, type CliResult } from '../helpers/cli.js';
import { csvText } from '../helpers/workspace.js';
import { FAST_EMULATOR, useEmulatorWorkspace } from '../helpers/emulator-workspace.js';
import { API_KEY, HEADER, MAPPING, dealRows, expectEachExactlyOnce } from './fixture.js';

const ROW_COUNT = 10;

const context = useEmulatorWorkspace(FAST_EMULATOR, (workspace) => {
  workspace.write('deals.csv', csvText([HEADER, ...dealRows(ROW_COUNT)]));
  workspace.writeJson('mapping.json', MAPPING);
  for (const folder of ['cron', 'fresh-checkout', 'state-home', 'home']) mkdirSync(workspace.path(folder));
});

/** An import from `cwd` with no --state; `env` decides where the state folder is. */
function importFrom(cwd: string, report: string, env: Record<string, string | undefined>, extra: string[] = []): Promise<CliResult> {
  const { workspace, emulator } = context;
  return runCliProcess(
    ['import', workspace.path('deals.csv'), '-m', workspace.path('mapping.json'), '-o', workspace.path(report), '--base-url', emulator.url, ...extra],
    { cwd: workspace.path(cwd), env: { LIGHTFIELD_API_KEY: API_KEY, ...env } },
  );
}

function expectedName(apiKey: string): string {
  const port = new URL(context.emulator.url).port;
  return `127.0.0.1_${port}-${createHash('sha256').update(apiKey).digest('hex').slice(0, 12)}.db`;
}

test('the same job from two folders shares one ledger in $XDG_STATE_HOME: the second run creates nothing', async () => {
  const { workspace, emulator } = context;
  const env = { XDG_STATE_HOME: workspace.path('state-home') };
  const first = await importFrom('cron', 'first', env);
  expect(first.code).toBe(0);

  const second = await importFrom('fresh-checkout', 'second', env, ['--json']);

  expect(second.code).toBe(0);
  const summary = JSON.parse(second.stdout) as { counts: Record<string, number>; settings: { state: string } };
  expect(summary.counts).toMatchObject({ unchanged: ROW_COUNT, created: 0 });
  expectEachExactlyOnce(emulator, dealRows(ROW_COUNT).map((row) => row[0]!));
  const ledger = join(workspace.path('state-home'), 'lightfield-import', expectedName(API_KEY));
  expect(summary.settings.state).toBe(ledger);
  expect(existsSync(ledger)).toBe(true);
  // Nothing in the folders the runs started from, and the key nowhere in a file name.
  expect(readdirSync(workspace.path('cron'))).toEqual([]);
  expect(readdirSync(workspace.path('fresh-checkout'))).toEqual([]);
  expect(readdirSync(join(workspace.path('state-home'), 'lightfield-import')).join(' ')).not.toContain(API_KEY);
  // The terminal summary names it too.
  expect(first.stdout).toContain(`ledger:  ${ledger}`);
}, 60_000);

test('without XDG_STATE_HOME the ledger is under ~/.local/state; another key (organization) gets another one', async () => {
  const { workspace } = context;
  const env = { XDG_STATE_HOME: undefined, HOME: workspace.path('home') };
  expect((await importFrom('cron', 'first', env)).code).toBe(0);
  const otherKey = 'sk_lf_another_organization';
  expect((await importFrom('cron', 'other', { ...env, LIGHTFIELD_API_KEY: otherKey })).code).toBe(0);

  const folder = join(workspace.path('home'), '.local', 'state', 'lightfield-import');
  expect(readdirSync(folder).filter((name) => name.endsWith('.db')).sort()).toEqual([expectedName(API_KEY), expectedName(otherKey)].sort());
}, 60_000);

test('--state still wins', async () => {
  const { workspace } = context;
  const result = await importFrom('cron', 'first', { XDG_STATE_HOME: workspace.path('state-home') }, ['--state', workspace.path('mine.db')]);
  expect(result.code).toBe(0);
  expect(existsSync(workspace.path('mine.db'))).toBe(true);
  expect(existsSync(join(workspace.path('state-home'), 'lightfield-import'))).toBe(false);
});
