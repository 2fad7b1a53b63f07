/** The binary as users and scripts meet it: commands, help, exit codes, --json. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startEmulator } from '../../src/emulator/index.js';
import type { RunningEmulator } from '../../src/emulator/options.js';
import { createWorkspace, csvText, type Workspace } from '../helpers/workspace.js';
import { runCliProcess } from '../helpers/cli.js';

const API_KEY = 'sk_lf_cli_test_key';
let emulator: RunningEmulator;
let workspace: Workspace;

const MAPPING = {
  object: 'opportunity',
  namespace: 'cli',
  identity: ['id'],
  fields: { $name: 'name', $stage: 'stage', amount: 'amount' },
  relationships: { $account: { column: 'account', lookup: { object: 'account', by: '$name' } } },
};

beforeAll(async () => {
  emulator = await startEmulator({ rate: 500, readRate: 500, searchRate: 500 });
  workspace = createWorkspace();
  workspace.writeJson('mapping.json', MAPPING);
  workspace.write(
    'good.csv',
    csvText([
      ['id', 'name', 'stage', 'amount', 'account'],
      ['1', 'Initech expansion', 'Proposal', '1000', 'Initech'],
      ['2', 'Hooli renewal', 'Closed Won', '2500', 'Hooli'],
    ]),
  );
  workspace.write(
    'bad.csv',
    csvText([
      ['id', 'name', 'stage', 'amount', 'account'],
      ['1', 'Pied Piper pilot', 'Proposal', 'lots', 'Pied Piper'],
    ]),
  );
});
afterAll(async () => {
  await emulator.close();
  workspace.remove();
});

function env(): Record<string, string> {
  return { LIGHTFIELD_API_KEY: API_KEY, LIGHTFIELD_BASE_URL: emulator.url };
}

describe('lightfield-import CLI', () => {
  test('--help lists the five commands and the exit codes', async () => {
    const result = await runCliProcess(['--help']);
    expect(result.code).toBe(0);
    for (const command of ['import', 'plan', 'retry', 'emulator', 'demo']) {
      expect(result.stdout).toMatch(new RegExp(`lightfield-import ${command}`));
    }
    expect(result.stdout).toContain('Exit codes');
  });

  test('import --help explains the options', async () => {
    const result = await runCliProcess(['import', '--help']);
    expect(result.code).toBe(0);
    for (const option of ['--mapping', '--out', '--state', '--rate', '--concurrency', '--max-retries', '--max-errors', '--limit', '--delimiter', '--encoding', '--no-update', '--api-key', '--base-url', '--json']) {
      expect(result.stdout).toContain(option);
    }
  });

  test('an unknown command or a missing mapping is a usage error: exit 2', async () => {
    expect((await runCliProcess(['frobnicate'])).code).toBe(2);
    const missing = await runCliProcess(['import', workspace.path('good.csv')], { env: env() });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('mapping');
  });

  test('exit 0 and a JSON summary on stdout when every row lands', async () => {
    const result = await runCliProcess(
      ['import', workspace.path('good.csv'), '-m', workspace.path('mapping.json'), '-o', workspace.path('out-good'), '--state', workspace.path('good.db'), '--json'],
      { env: env() },
    );
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { counts: Record<string, number>; exitCode: number };
    expect(summary.counts['created']).toBe(2);
    expect(summary.exitCode).toBe(0);
    expect(result.stdout + result.stderr).not.toContain(API_KEY);
  });

  test('exit 1 when a row is invalid, with the report location printed', async () => {
    const result = await runCliProcess(
      ['import', workspace.path('bad.csv'), '-m', workspace.path('mapping.json'), '-o', workspace.path('out-bad'), '--state', workspace.path('bad.db')],
      { env: env() },
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('invalid 1');
    expect(result.stdout).toContain(workspace.path('out-bad'));
  });

  test('exit 2 with the key named when no API key is given', async () => {
    const result = await runCliProcess(['import', workspace.path('good.csv'), '-m', workspace.path('mapping.json')], {
      env: { LIGHTFIELD_BASE_URL: emulator.url },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('LIGHTFIELD_API_KEY');
  });

  test('with --json, an error before the run is a JSON object on stdout too', async () => {
    const result = await runCliProcess(['import', workspace.path('nope.csv'), '-m', workspace.path('mapping.json'), '--json'], { env: env() });
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ command: 'import', exitCode: 2, error: { code: 'file_not_found' } });
  });

  test('exit 2 naming the file when the CSV does not exist', async () => {
    const result = await runCliProcess(['import', workspace.path('nope.csv'), '-m', workspace.path('mapping.json')], { env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('nope.csv');
  });
});

describe('lightfield-import mapping init', () => {
  test('writes a mapping, prints what it matched, and plan runs with it', async () => {
    const out = workspace.path('init.json');
    const result = await runCliProcess(['mapping', 'init', workspace.path('good.csv'), '-o', out], { env: env() });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Wrote ${out} from`);
    expect(result.stdout).toMatch(/fields\.\$name +← "name" +high/);
    expect(result.stdout).toContain(`Next: lightfield-import plan ${workspace.path('good.csv')} -m ${out}`);

    const plan = await runCliProcess(['plan', workspace.path('good.csv'), '-m', out, '-o', workspace.path('init-plan')], { env: env() });
    expect(plan.code).toBe(0);
  });

  test('exit 2 without --force when the file exists; --json gives the report as JSON', async () => {
    const out = workspace.path('init-twice.json');
    expect((await runCliProcess(['mapping', 'init', workspace.path('good.csv'), '-o', out], { env: env() })).code).toBe(0);
    const again = await runCliProcess(['mapping', 'init', workspace.path('good.csv'), '-o', out], { env: env() });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`${out} already exists: pass --force to overwrite it`);

    const forced = await runCliProcess(['mapping', 'init', workspace.path('good.csv'), '-o', out, '--force', '--json'], { env: env() });
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({ command: 'mapping init', exitCode: 0, mapping: out, delimiter: ',', encoding: 'utf8', rowsSampled: 2 });
  });

  test('"mapping" without a subcommand is a usage error', async () => {
    const result = await runCliProcess(['mapping'], { env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Name a mapping command: init.');
  });
});
