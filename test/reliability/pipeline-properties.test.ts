/**
 * Properties of the whole pipeline (reader → mapping → keys → report), on files written with
 * csv-stringify in any supported dialect: the Idempotency-Key of a row depends on the row alone,
 * not on its position, the file's dialect or the run; it changes when a mapped cell changes, for
 * that row only; and after an import, a reordered file changes nothing.
 * (test/reader and test/mapping hold the unit-level properties: reader round trip, mapRow never
 * throws and names a column, key stability of one mapped row.)
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { stringify } from 'csv-stringify/sync';
import { startEmulator } from '../../src/emulator/index.js';
import type { RunningEmulator } from '../../src/emulator/options.js';
import { runImport, runPlan } from '../../src/pipeline/run.js';
import { STAGE_LABELS } from '../helpers/definitions.js';
import { createWorkspace, type Workspace } from '../helpers/workspace.js';
import { API_KEY, MAPPING } from './corpus.js';

const ACCOUNTS = ['Initech', 'Hooli', 'Acme Solar', 'Pied Piper'] as const;
const HEADER = ['id', 'name', 'stage', 'account'];

interface Deal {
  id: string;
  name: string;
  stage: number;
  account: number;
}

/** Text a person could type as a deal name: anything but blank, NUL or surrounding spaces (the mapping trims). */
const name = fc
  .string({ unit: fc.oneof(fc.constantFrom(',', ';', '\t', '|', '"', '\n', '\r\n', '=', '@', '-', 'é', '😀'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })), minLength: 1, maxLength: 16 })
  .filter((text) => text.trim() === text && text !== '' && !text.includes('\0'));
const deal = fc.record({
  id: fc.stringMatching(/^[A-Za-z0-9]{1,8}$/),
  name,
  stage: fc.nat({ max: STAGE_LABELS.length - 1 }),
  account: fc.nat({ max: ACCOUNTS.length - 1 }),
});
const deals = fc.uniqueArray(deal, { minLength: 1, maxLength: 12, selector: (value) => value.id.toLowerCase() });
const dialect = fc.record({
  delimiter: fc.constantFrom(',', ';', '\t', '|'),
  recordDelimiter: fc.constantFrom('\n', '\r\n'),
  quoted: fc.boolean(),
  bom: fc.boolean(),
});
type Dialect = { delimiter: string; recordDelimiter: string; quoted: boolean; bom: boolean };

let emulator: RunningEmulator;
let workspace: Workspace;
let runs = 0;

beforeAll(async () => {
  emulator = await startEmulator({ rate: 5000, readRate: 5000, searchRate: 5000 });
  workspace = createWorkspace('lfi-properties-');
  workspace.writeJson('mapping.json', MAPPING);
});
afterAll(async () => {
  await emulator.close();
  workspace.remove();
});

function cells(value: Deal): string[] {
  return [value.id, value.name, STAGE_LABELS[value.stage]!, ACCOUNTS[value.account]!];
}

function writeCsv(rows: Deal[], format: Dialect): string {
  runs += 1;
  const text = stringify([HEADER, ...rows.map(cells)], {
    delimiter: format.delimiter,
    record_delimiter: format.recordDelimiter,
    quoted: format.quoted,
    // As Excel, Python and Google Sheets do: csv-stringify alone would leave a lone LF unquoted in
    // a CRLF file, which no reader can tell from a line break.
    quoted_match: /[\r\n]/,
  });
  return workspace.write(`deals-${runs}.csv`, `${format.bom ? '\uFEFF' : ''}${text}`);
}

/** Plans (or imports) the file and returns each row's status and key, by its `id`. */
async function keysOf(csvPath: string, statePath: string, command: 'plan' | 'import' = 'plan'): Promise<Map<string, { status: string; key: string }>> {
  const outDir = workspace.path(`report-${runs}-${command}`);
  const run = command === 'plan' ? runPlan : runImport;
  await run({ csvPath, mappingPath: workspace.path('mapping.json'), outDir, statePath, apiKey: API_KEY, baseUrl: emulator.url, rate: 5000 });
  const results = workspace.readCsv(`report-${runs}-${command}/results.csv`);
  return new Map(results.map((row) => [row['id']!, { status: row['status']!, key: row['idempotency_key']! }]));
}

function permutation(length: number): fc.Arbitrary<number[]> {
  return fc.shuffledSubarray([...Array(length).keys()], { minLength: length, maxLength: length });
}

describe('idempotency keys through the whole pipeline', () => {
  test('every row keeps its key when the file is reordered and written in another dialect', async () => {
    await fc.assert(
      fc.asyncProperty(
        deals.chain((rows) => fc.tuple(fc.constant(rows), permutation(rows.length), dialect, dialect)),
        async ([rows, order, firstDialect, secondDialect]) => {
          const state = workspace.path(`state-${runs}.db`);
          const before = await keysOf(writeCsv(rows, firstDialect), state);
          const after = await keysOf(writeCsv(order.map((index) => rows[index]!), secondDialect), state);
          expect([...before.values()].every((row) => row.status === 'would_create' && row.key !== '')).toBe(true);
          expect(before.size).toBe(rows.length);
          expect(after).toEqual(before);
        },
      ),
      { numRuns: 20 },
    );
  }, 60_000);

  test('changing one mapped cell changes that row\u2019s key and no other', async () => {
    await fc.assert(
      fc.asyncProperty(
        deals.chain((rows) => fc.tuple(fc.constant(rows), fc.nat({ max: rows.length - 1 }), fc.constantFrom('name', 'stage', 'account'), name, dialect)),
        async ([rows, changedIndex, column, newName, format]) => {
          const original = rows[changedIndex]!;
          const changed: Deal =
            column === 'name'
              ? { ...original, name: newName }
              : column === 'stage'
                ? { ...original, stage: (original.stage + 1) % STAGE_LABELS.length }
                : { ...original, account: (original.account + 1) % ACCOUNTS.length };
          fc.pre(cells(changed).join('\u0000') !== cells(original).join('\u0000'));
          const state = workspace.path(`state-${runs}.db`);
          const before = await keysOf(writeCsv(rows, format), state);
          const after = await keysOf(writeCsv(rows.map((row, index) => (index === changedIndex ? changed : row)), format), state);
          for (const row of rows) {
            if (row.id === original.id) expect(after.get(row.id)!.key).not.toBe(before.get(row.id)!.key);
            else expect(after.get(row.id)).toEqual(before.get(row.id));
          }
        },
      ),
      { numRuns: 20 },
    );
  }, 60_000);

  test('after an import, the same rows in another order and dialect are all unchanged: nothing is sent', async () => {
    await fc.assert(
      fc.asyncProperty(
        deals.chain((rows) => fc.tuple(fc.constant(rows), permutation(rows.length), dialect, dialect)),
        async ([rows, order, firstDialect, secondDialect]) => {
          emulator.reset();
          const state = workspace.path(`state-${runs}.db`);
          const imported = await keysOf(writeCsv(rows, firstDialect), state, 'import');
          expect([...imported.values()].every((row) => row.status === 'created')).toBe(true);
          const writes = emulator.stats().requests.write;
          const planned = await keysOf(writeCsv(order.map((index) => rows[index]!), secondDialect), state, 'import');
          expect([...planned.values()].every((row) => row.status === 'unchanged')).toBe(true);
          expect(emulator.stats().requests.write).toBe(writes);
          expect(emulator.opportunities()).toHaveLength(rows.length);
        },
      ),
      { numRuns: 12 },
    );
  }, 60_000);
});
