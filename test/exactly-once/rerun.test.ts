/**
 * The nightly batch load (design.md, "Who uses it" 2): the same file again sends nothing, a few
 * changed rows become exactly that many updates carrying only the changed keys, and `--no-update`
 * leaves Lightfield alone and says so.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { startEmulator } from '../../src/emulator/index.js';
import type { RunningEmulator } from '../../src/emulator/options.js';
import { runImport } from '../../src/pipeline/run.js';
import type { RunOptions } from '../../src/pipeline/options.js';
import { createWorkspace, csvText, type Workspace } from '../helpers/workspace.js';
import { API_KEY, HEADER, MAPPING, dataLines, dealRows, expectCompleteReport, expectEachExactlyOnce, fieldValue, recordByLegacyId } from './fixture.js';

const ROW_COUNT = 40;

let emulator: RunningEmulator;
let workspace: Workspace;

beforeAll(async () => {
  emulator = await startEmulator({ rate: 1000, readRate: 1000, searchRate: 1000 });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  emulator.reset();
  workspace = createWorkspace();
  workspace.writeJson('mapping.json', MAPPING);
});
afterEach(() => {
  workspace.remove();
});

/** Write request bodies as the importer sent them, by path. */
interface SentWrite {
  path: string;
  body: { fields?: Record<string, unknown>; relationships?: Record<string, unknown> };
}

function options(report: string, sent: SentWrite[] = []): RunOptions {
  const recordingFetch: typeof fetch = async (input, init) => {
    if (init?.method === 'POST') {
      sent.push({ path: new URL(String(input)).pathname, body: JSON.parse(String(init.body)) as SentWrite['body'] });
    }
    return fetch(input, init);
  };
  return {
    csvPath: workspace.path('deals.csv'),
    mappingPath: workspace.path('mapping.json'),
    outDir: workspace.path(report),
    statePath: workspace.path('state.db'),
    baseUrl: emulator.url,
    apiKey: API_KEY,
    rate: 500,
    fetch: recordingFetch,
  };
}

/** Row `R<number>` with some cells replaced (by column name). */
function changed(rows: string[][], number: number, change: Record<string, string>): void {
  const row = rows[number - 1]!;
  for (const [column, value] of Object.entries(change)) row[HEADER.indexOf(column)] = value;
}

describe('rerunning a fully imported file', () => {
  test('the same file again: no write and no lookup, every row unchanged, exit 0', async () => {
    workspace.write('deals.csv', csvText([HEADER, ...dealRows(ROW_COUNT)]));
    expect((await runImport(options('first'))).counts['created']).toBe(ROW_COUNT);
    const before = emulator.stats();

    const summary = await runImport(options('second'));

    const after = emulator.stats();
    expect(after.requests.write - before.requests.write).toBe(0);
    expect(after.requests.search - before.requests.search).toBe(0);
    expect(summary.exitCode).toBe(0);
    expect(summary.counts).toMatchObject({ unchanged: ROW_COUNT, created: 0, updated: 0 });
    expectCompleteReport(workspace.readCsv('second/results.csv'), dataLines(ROW_COUNT), ['unchanged']);
    for (const row of workspace.readCsv('second/results.csv')) expect(row['opportunity_id']).toMatch(/^opp_/);
  });

  test('five changed rows: exactly five updates, each sending only what changed, other fields intact', async () => {
    const rows = dealRows(ROW_COUNT);
    workspace.write('deals.csv', csvText([HEADER, ...rows]));
    await runImport(options('first'));
    const untouched = recordByLegacyId(emulator, 'R7');

    changed(rows, 3, { Amount: '999' });
    changed(rows, 8, { Amount: '-250' });
    changed(rows, 15, { 'Next Step': 'send the contract' });
    changed(rows, 21, { Stage: 'Closed Lost', 'Next Step': '' });
    changed(rows, 30, { Company: 'Acme Solar' }); // was Initech
    workspace.write('deals.csv', csvText([HEADER, ...rows]));
    const sent: SentWrite[] = [];
    const summary = await runImport(options('second', sent));

    expect(summary.exitCode).toBe(0);
    expect(summary.counts).toMatchObject({ updated: 5, unchanged: ROW_COUNT - 5, created: 0 });
    expect(emulator.stats().updatesExecuted).toBe(5);
    expect(emulator.stats().createsExecuted).toBe(ROW_COUNT);
    expectEachExactlyOnce(
      emulator,
      rows.map((row) => row[0]!),
    );

    const acme = emulator.seedData().accounts.find((account) => account.name === 'Acme Solar')!.id;
    const bodies = new Map(sent.map((write) => [write.path, write.body]));
    expect(sent).toHaveLength(5);
    const bodyOf = (legacyId: string): SentWrite['body'] | undefined => bodies.get(`/v1/opportunities/${recordByLegacyId(emulator, legacyId)!.id}`);
    expect(bodyOf('R3')).toEqual({ fields: { amount: 999 } });
    expect(bodyOf('R8')).toEqual({ fields: { amount: -250 } });
    expect(bodyOf('R15')).toEqual({ fields: { nextStep: 'send the contract' } });
    expect(bodyOf('R21')).toEqual({ fields: { $stage: expect.any(String), nextStep: null } });
    expect(bodyOf('R30')).toEqual({ relationships: { $account: { replace: acme } } });

    const r21 = recordByLegacyId(emulator, 'R21');
    expect(fieldValue(r21, 'nextStep')).toBeNull();
    expect(fieldValue(r21, '$name')).toBe('Deal 21');
    expect(fieldValue(r21, 'amount')).toBe(2100);
    const r3 = recordByLegacyId(emulator, 'R3');
    expect(fieldValue(r3, 'amount')).toBe(999);
    expect(fieldValue(r3, 'nextStep')).toBe('step 3');
    expect(fieldValue(r3, '$name')).toBe('Deal 3');
    expect(fieldValue(recordByLegacyId(emulator, 'R8'), 'amount')).toBe(-250);
    expect(fieldValue(recordByLegacyId(emulator, 'R15'), 'nextStep')).toBe('send the contract');
    expect(recordByLegacyId(emulator, 'R30')!.relationships['$account']?.values).toEqual([acme]);
    expect(recordByLegacyId(emulator, 'R7')).toEqual(untouched);

    const statuses = new Map(workspace.readCsv('second/results.csv').map((row) => [row['Record ID'], row['status']]));
    expect([...statuses].filter(([, status]) => status === 'updated').map(([id]) => id)).toEqual(['R3', 'R8', 'R15', 'R21', 'R30']);

    // And the night after, the same changed file is unchanged again.
    const third = await runImport(options('third'));
    expect(third.counts).toMatchObject({ unchanged: ROW_COUNT });
    expect(emulator.stats().updatesExecuted).toBe(5);
  });

  test('--no-update sends nothing for changed rows and says so; a later run with updates applies them', async () => {
    const rows = dealRows(10);
    workspace.write('deals.csv', csvText([HEADER, ...rows]));
    await runImport(options('first'));
    changed(rows, 2, { Amount: '12345' });
    changed(rows, 5, { 'Deal Name': 'Renamed deal' });
    workspace.write('deals.csv', csvText([HEADER, ...rows]));
    const before = emulator.stats();

    const summary = await runImport({ ...options('no-update'), update: false });

    expect(emulator.stats().requests.write - before.requests.write).toBe(0);
    expect(summary.exitCode).toBe(0);
    expect(summary.counts).toMatchObject({ unchanged: 10, updated: 0 });
    const results = new Map(workspace.readCsv('no-update/results.csv').map((row) => [row['Record ID'], row]));
    for (const id of ['R2', 'R5']) {
      expect(results.get(id)).toMatchObject({ status: 'unchanged', error_code: 'no_update' });
      expect(results.get(id)!['error_message']).toContain('--no-update');
    }
    expect(results.get('R1')).toMatchObject({ status: 'unchanged', error_message: '' });
    expect(fieldValue(recordByLegacyId(emulator, 'R2'), 'amount')).toBe(200);

    const withUpdates = await runImport(options('with-updates'));
    expect(withUpdates.counts).toMatchObject({ updated: 2, unchanged: 8 });
    expect(fieldValue(recordByLegacyId(emulator, 'R2'), 'amount')).toBe(12345);
    expect(fieldValue(recordByLegacyId(emulator, 'R5'), '$name')).toBe('Renamed deal');
  });
});
