/**
 * The nightly batch load (design.md, "Who uses it" 2): the same file again sends nothing, a few
 * changed rows become exactly that many updates carrying only the changed keys, and `--no-update`
 * leaves Lightfield alone and says so.
 */
import { describe, expect, test } from '@jest/globals';
import { runImport } from '../../src/pipeline/run.js';
import type { RunOptions } from '../../src/pipeline/options.js';
import { csvText } from '../helpers/workspace.js';
import { FAST_EMULATOR, useEmulatorWorkspace } from '../helpers/emulator-workspace.js';
import { HEADER, MAPPING, importOptions, dataLines, dealRows, expectCompleteReport, expectEachExactlyOnce, fieldValue, recordByLegacyId } from './fixture.js';

const ROW_COUNT = 40;

const context = useEmulatorWorkspace(FAST_EMULATOR, (workspace) => workspace.writeJson('mapping.json', MAPPING));

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
  return importOptions(context.workspace, context.emulator, { report }, { fetch: recordingFetch });
}

/** Row `R<number>` with some cells replaced (by column name). */
function changed(rows: string[][], number: number, change: Record<string, string>): void {
  const row = rows[number - 1]!;
  for (const [column, value] of Object.entries(change)) row[HEADER.indexOf(column)] = value;
}

describe('rerunning a fully imported file', () => {
  test('the same file again: no write and no lookup, every row unchanged, exit 0', async () => {
    context.workspace.write('deals.csv', csvText([HEADER, ...dealRows(ROW_COUNT)]));
    expect((await runImport(options('first'))).counts['created']).toBe(ROW_COUNT);
    const before = context.emulator.stats();

    const summary = await runImport(options('second'));

    const after = context.emulator.stats();
    expect(after.requests.write - before.requests.write).toBe(0);
    expect(after.requests.search - before.requests.search).toBe(0);
    expect(summary.exitCode).toBe(0);
    expect(summary.counts).toMatchObject({ unchanged: ROW_COUNT, created: 0, updated: 0 });
    expectCompleteReport(context.workspace.readCsv('second/results.csv'), dataLines(ROW_COUNT), ['unchanged']);
    for (const row of context.workspace.readCsv('second/results.csv')) expect(row['opportunity_id']).toMatch(/^opp_/);
  });

  test('five changed rows: exactly five updates, each sending only what changed, other fields intact', async () => {
    const rows = dealRows(ROW_COUNT);
    context.workspace.write('deals.csv', csvText([HEADER, ...rows]));
    await runImport(options('first'));
    const untouched = recordByLegacyId(context.emulator, 'R7');

    changed(rows, 3, { Amount: '999' });
    changed(rows, 8, { Amount: '-250' });
    changed(rows, 15, { 'Next Step': 'send the contract' });
    changed(rows, 21, { Stage: 'Closed Lost', 'Next Step': '' });
    changed(rows, 30, { Company: 'Acme Solar' }); // was Initech
    context.workspace.write('deals.csv', csvText([HEADER, ...rows]));
    const sent: SentWrite[] = [];
    const summary = await runImport(options('second', sent));

    expect(summary.exitCode).toBe(0);
    expect(summary.counts).toMatchObject({ updated: 5, unchanged: ROW_COUNT - 5, created: 0 });
    expect(context.emulator.stats().updatesExecuted).toBe(5);
    expect(context.emulator.stats().createsExecuted).toBe(ROW_COUNT);
    expectEachExactlyOnce(
      context.emulator,
      rows.map((row) => row[0]!),
    );

    const acme = context.emulator.seedData().accounts.find((account) => account.name === 'Acme Solar')!.id;
    const bodies = new Map(sent.map((write) => [write.path, write.body]));
    expect(sent).toHaveLength(5);
    const bodyOf = (legacyId: string): SentWrite['body'] | undefined => bodies.get(`/v1/opportunities/${recordByLegacyId(context.emulator, legacyId)!.id}`);
    expect(bodyOf('R3')).toEqual({ fields: { amount: 999 } });
    expect(bodyOf('R8')).toEqual({ fields: { amount: -250 } });
    expect(bodyOf('R15')).toEqual({ fields: { nextStep: 'send the contract' } });
    // The emptied cell is left out: Lightfield keeps the value nobody asked to clear.
    expect(bodyOf('R21')).toEqual({ fields: { $stage: expect.any(String) } });
    expect(bodyOf('R30')).toEqual({ relationships: { $account: { replace: acme } } });

    const r21 = recordByLegacyId(context.emulator, 'R21');
    expect(fieldValue(r21, 'nextStep')).toBe('step 21');
    expect(fieldValue(r21, '$name')).toBe('Deal 21');
    expect(fieldValue(r21, 'amount')).toBe(2100);
    const r3 = recordByLegacyId(context.emulator, 'R3');
    expect(fieldValue(r3, 'amount')).toBe(999);
    expect(fieldValue(r3, 'nextStep')).toBe('step 3');
    expect(fieldValue(r3, '$name')).toBe('Deal 3');
    expect(fieldValue(recordByLegacyId(context.emulator, 'R8'), 'amount')).toBe(-250);
    expect(fieldValue(recordByLegacyId(context.emulator, 'R15'), 'nextStep')).toBe('send the contract');
    expect(recordByLegacyId(context.emulator, 'R30')!.relationships['$account']?.values).toEqual([acme]);
    expect(recordByLegacyId(context.emulator, 'R7')).toEqual(untouched);

    const statuses = new Map(context.workspace.readCsv('second/results.csv').map((row) => [row['Record ID'], row['status']]));
    expect([...statuses].filter(([, status]) => status === 'updated').map(([id]) => id)).toEqual(['R3', 'R8', 'R15', 'R21', 'R30']);

    // And the night after, the same changed file is unchanged again.
    const third = await runImport(options('third'));
    expect(third.counts).toMatchObject({ unchanged: ROW_COUNT });
    expect(context.emulator.stats().updatesExecuted).toBe(5);
  });

  test('--no-update sends nothing for changed rows and says so; a later run with updates applies them', async () => {
    const rows = dealRows(10);
    context.workspace.write('deals.csv', csvText([HEADER, ...rows]));
    await runImport(options('first'));
    changed(rows, 2, { Amount: '12345' });
    changed(rows, 5, { 'Deal Name': 'Renamed deal' });
    context.workspace.write('deals.csv', csvText([HEADER, ...rows]));
    const before = context.emulator.stats();

    const summary = await runImport({ ...options('no-update'), update: false });

    expect(context.emulator.stats().requests.write - before.requests.write).toBe(0);
    expect(summary.exitCode).toBe(0);
    expect(summary.counts).toMatchObject({ unchanged: 8, skipped_existing: 2, updated: 0 });
    const results = new Map(context.workspace.readCsv('no-update/results.csv').map((row) => [row['Record ID'], row]));
    for (const id of ['R2', 'R5']) {
      expect(results.get(id)).toMatchObject({ status: 'skipped_existing', error_code: 'exists' });
      expect(results.get(id)!['error_message']).toContain('--no-update');
    }
    expect(results.get('R1')).toMatchObject({ status: 'unchanged', error_message: '' });
    expect(fieldValue(recordByLegacyId(context.emulator, 'R2'), 'amount')).toBe(200);

    const withUpdates = await runImport(options('with-updates'));
    expect(withUpdates.counts).toMatchObject({ updated: 2, unchanged: 8 });
    expect(fieldValue(recordByLegacyId(context.emulator, 'R2'), 'amount')).toBe(12345);
    expect(fieldValue(recordByLegacyId(context.emulator, 'R5'), '$name')).toBe('Renamed deal');
  });
});
