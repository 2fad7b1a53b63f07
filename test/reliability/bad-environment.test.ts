/**
 * A wrong key, an unreachable or failing API, bad options and report or ledger paths that cannot
 * be written, through the built CLI: exit 2 with nothing written when found before the first row,
 * exit 1 with every row reported when the API fails rows one by one.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { startEmulator } from '../../src/emulator/index.js';
import { startCliProcess } from '../helpers/cli.js';
import { createWorkspace } from '../helpers/workspace.js';
import { API_KEY, expectEveryLineOnce, expectRows, HEADER, MAPPING, runCase, type BadInputCase } from './corpus.js';

const GOOD_CSV = `${HEADER}\n1,Deal one,Proposal,Initech\n2,Deal two,Proposal,Hooli\n3,Deal three,Verbally Agreed,Initech\n`;

/** A loopback port nobody listens on: connections to it are refused. */
let closedPort = 0;

beforeAll(async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  closedPort = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const CASES: BadInputCase[] = [
  {
    name: 'no API key at all',
    csv: GOOD_CSV,
    apiKey: undefined,
    code: 2,
    says: ['No Lightfield API key', 'LIGHTFIELD_API_KEY'],
  },
  {
    name: 'an invalid API key (401)',
    csv: GOOD_CSV,
    apiKey: 'definitely-not-a-lightfield-key',
    code: 2,
    says: ['refused the API key', '401'],
  },
  {
    name: 'a revoked API key (the organization accepts another one)',
    csv: GOOD_CSV,
    revokedKey: true,
    code: 2,
    says: ['refused the API key', '401'],
  },
  {
    name: 'a read-only key: refused before the first write, with the scopes it lacks',
    csv: GOOD_CSV,
    scopes: ['opportunities:read', 'accounts:read'],
    code: 2,
    says: ['lacks the scopes opportunities:create, opportunities:update', 'it has opportunities:read, accounts:read', '--no-update'],
  },
  {
    name: 'a key without update scope and --no-update: that is enough for plan',
    command: 'plan',
    csv: GOOD_CSV,
    scopes: ['opportunities:read', 'opportunities:create', 'accounts:read'],
    args: () => ['--no-update'],
    code: 1,
    rows: [
      [2, 'would_create'],
      [3, 'would_create'],
      [4, 'invalid'],
    ],
  },
  {
    name: 'connection refused (nothing listens on the port)',
    csv: GOOD_CSV,
    args: () => ['--base-url', `http://127.0.0.1:${closedPort}`, '--max-retries', '1'],
    code: 2,
    says: ['Cannot reach the Lightfield API', 'ECONNREFUSED'],
  },
  {
    name: 'a host name that does not resolve (DNS failure)',
    csv: GOOD_CSV,
    args: () => ['--base-url', 'https://nonexistent.invalid', '--max-retries', '0'],
    code: 2,
    says: ['Cannot reach the Lightfield API', 'nonexistent.invalid'],
  },
  {
    name: 'an API answering 503 to everything: refused at the definitions, before any write',
    csv: GOOD_CSV,
    arrange: (emulator) => emulator.configure({ faults: { probability: 1, kinds: ['503'], only: 'all' } }),
    args: () => ['--max-retries', '1'],
    code: 2,
    says: ['503', 'definitions'],
  },
  {
    name: 'an API answering 503 to every write beyond the retry budget: rows failed, the run goes on, a rerun finishes them',
    csv: GOOD_CSV,
    arrange: (emulator) => emulator.configure({ faults: { probability: 1, kinds: ['503'], only: 'write' } }),
    args: () => ['--max-retries', '1'],
    code: 1,
    rows: [
      [2, 'failed', '503'],
      [3, 'failed', 'the next run sends it again with the same Idempotency-Key'],
      [4, 'invalid', 'Verbally Agreed'],
    ],
    check: async ({ emulator, rerun }) => {
      expect(emulator.opportunities()).toHaveLength(0);
      emulator.configure({ faults: undefined });
      const again = await rerun();
      expect(again.cli.code).toBe(1);
      expectRows(again.results, [
        [2, 'created'],
        [3, 'created'],
        [4, 'invalid'],
      ]);
      expect(emulator.opportunities().map((record) => record.fields['legacyId']?.value).sort()).toEqual(['1', '2']);
    },
  },
  {
    name: 'an unwritable --out (a folder inside a regular file)',
    csv: GOOD_CSV,
    args: (paths) => ['-o', `${paths.regularFile}/report`],
    code: 2,
    says: ['Cannot write the report folder', 'a-regular-file/report'],
  },
  {
    name: 'an unwritable --state (a ledger inside a regular file)',
    csv: GOOD_CSV,
    args: (paths) => ['--state', `${paths.regularFile}/state.db`],
    code: 2,
    says: ['Cannot write the run ledger', 'a-regular-file/state.db', 'is a file, not a folder'],
  },
  {
    name: '--state pointing at a file that is not a ledger (the CSV itself): refused, the file untouched',
    csv: GOOD_CSV,
    args: (paths) => ['--state', paths.csv],
    code: 2,
    says: ['is not a SQLite database', '--state'],
    check: ({ paths }) => expect(readFileSync(paths.csv, 'utf8')).toBe(GOOD_CSV),
  },
  {
    name: "importing a report's failed.csv into the same report folder (it would be overwritten while read)",
    csv: GOOD_CSV,
    csvName: 'report/failed.csv',
    args: (paths) => ['-o', `${paths.out}`],
    code: 2,
    says: ['failed.csv', '--out'],
    check: ({ paths }) => expect(readFileSync(paths.csv, 'utf8')).toBe(GOOD_CSV),
  },
  {
    name: 'a rate of 0',
    csv: GOOD_CSV,
    args: () => ['--rate', '0'],
    code: 2,
    says: ['--rate must be a positive number'],
  },
  {
    name: 'a --timeout longer than a timer can wait (it would fire at once and fail every request)',
    csv: GOOD_CSV,
    args: () => ['--timeout', '2147484'],
    code: 2,
    says: ['--timeout must be at most 2147483 seconds'],
  },
  {
    name: 'an encoding the reader does not know',
    csv: GOOD_CSV,
    args: () => ['--encoding', 'ebcdic'],
    code: 2,
    says: ['encoding', 'windows-1252'],
  },
];

describe('bad keys, networks, APIs and paths: what the user gets', () => {
  test.concurrent.each(CASES.map((testCase) => [testCase.name, testCase] as const))('%s', async (_name, testCase) => {
    const outcome = await runCase(testCase);
    if (outcome.results !== undefined) expectEveryLineOnce(outcome.results);
  });
});

describe('output that nobody reads any more', () => {
  test('a log reader that goes away (EPIPE on stderr and stdout) does not stop the run: the report is complete, the exit code right', async () => {
    const emulator = await startEmulator({ rate: 2000, readRate: 1000, searchRate: 1000 });
    const workspace = createWorkspace('lfi-epipe-');
    try {
      const lines = Array.from({ length: 500 }, (_, index) => `E${index},Deal ${index},${index === 7 ? 'Verbally Agreed' : 'Proposal'},Initech`);
      workspace.write('input.csv', `${HEADER}\n${lines.join('\n')}\n`);
      workspace.writeJson('mapping.json', MAPPING);
      const child = startCliProcess(
        ['import', workspace.path('input.csv'), '-m', workspace.path('mapping.json'), '-o', workspace.path('report'), '--state', workspace.path('state.db'),
          '--rate', '2000', '--log-level', 'debug', '--json'],
        { env: { LIGHTFIELD_API_KEY: API_KEY, LIGHTFIELD_BASE_URL: emulator.url } },
      );
      // As `2>&1 | head -1` does: read the first line, then close the pipes.
      await new Promise<void>((resolve) => child.stderr!.once('data', () => resolve()));
      child.stderr!.destroy();
      child.stdout!.destroy();
      const code = await new Promise<number | null>((resolve) => child.on('close', (exitCode) => resolve(exitCode)));
      expect(code).toBe(1);
      const results = workspace.readCsv('report/results.csv');
      expect(results).toHaveLength(500);
      expect(results.filter((row) => row['status'] === 'created')).toHaveLength(499);
      expect(workspace.readJson('report/summary.json')).toMatchObject({ exitCode: 1 });
      expect(emulator.opportunities()).toHaveLength(499);
    } finally {
      await emulator.close();
      workspace.remove();
    }
  });
});
