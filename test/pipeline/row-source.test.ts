/**
 * The local stage gives the same rows whether it runs in the worker thread (the built package, as
 * the CLI runs it) or in this thread (the TypeScript sources): same rows, same order, same texts.
 * The worker is the compiled one in dist/ (`npm test` builds first).
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileMapping, type MappingFile } from '../../src/mapping/index.js';
import { openRowSource, type RowSource } from '../../src/pipeline/row-source.js';
import { ROW_SLOTS } from '../../src/pipeline/local-rows.js';
import { openCsv } from '../../src/reader/index.js';
import { FAILED_COLUMNS, reportShape } from '../../src/report/report-writer.js';
import { unescapeFormula } from '../../src/report/escape.js';
import { opportunityDefinitions } from '../helpers/definitions.js';
import { createWorkspace, type Workspace } from '../helpers/workspace.js';

const WORKER_SCRIPT = new URL('../../dist/pipeline/local-worker.js', import.meta.url);

const MAPPING: MappingFile = {
  object: 'opportunity',
  identity: ['Id'],
  fields: { $name: 'Name', $stage: 'Stage', amount: { column: 'Amount', decimal: ',' }, tags: { column: 'Tags', split: ';' } },
  relationships: { $account: 'Account', $owner: { column: 'Owner', lookup: { object: 'member', by: '$email' } } },
};

const HEADER = 'Id,Name,Stage,Amount,Tags,Account,Owner';

/** Plain rows, quoted cells with line breaks, duplicates, refusals, blank and malformed rows. */
const ROWS = [
  '1,Acme,Proposal,"1.234,50",Enterprise;SMB,acc_1,ada@example.com',
  '2,"Beta, Inc",Prospecting,12,,acc_2,grace@example.com',
  '3,"Multi',
  'line ""quoted"" name",Qualification,7,Partner,acc_1,ada@example.com',
  ',,,,,,',
  '4,=cmd|calc,Proposal,not a number,,acc_1,ada@example.com',
  '5,Ragged,Proposal,1',
  '1,Acme again,Proposal,3,,acc_1,ada@example.com',
  '6,Stray "quote,Proposal,3,,acc_1,ada@example.com',
  '7,Ünïcödé – 😀,Closed Won,"0,5",Upsell,acc_3,alan@example.com',
];

let workspace: Workspace;
beforeEach(() => {
  workspace = createWorkspace('lfi-rows-');
});
afterEach(() => {
  workspace.remove();
});

/** A row as handed on: kind, line, offsets, text. */
type Row = (string | number)[];

async function rowsOf(path: string, inWorker: boolean, lines?: ReadonlySet<number>): Promise<Row[]> {
  const opened = await openCsv({ path });
  const isReport = opened.header.includes(FAILED_COLUMNS[FAILED_COLUMNS.length - 1]!);
  const header = isReport ? opened.header.map(unescapeFormula) : opened.header;
  const compiled = compileMapping(MAPPING, opportunityDefinitions(), header, { mapping: 'mapping.json', csv: path });
  const source: RowSource = openRowSource({
    source: { ...opened, header },
    compiled,
    isReport,
    lines,
    report: reportShape(header),
    worker: { csvPath: path, mappingPath: 'mapping.json', mapping: MAPPING, definitions: opportunityDefinitions() },
    inWorker,
    workerScript: WORKER_SCRIPT,
  });
  const rows: Row[] = [];
  try {
    for await (const batch of source.batches) {
      expect(batch.length % ROW_SLOTS).toBe(0);
      for (let at = 0; at < batch.length; at += ROW_SLOTS) rows.push(batch.slice(at, at + ROW_SLOTS));
    }
  } finally {
    await source.close();
    await opened.close();
  }
  return rows;
}

describe('openRowSource()', () => {
  test('the compiled worker script is there (npm test builds before it runs the tests)', () => {
    expect(existsSync(fileURLToPath(WORKER_SCRIPT))).toBe(true);
  });

  test('the worker thread gives the rows this thread gives, in file order', async () => {
    const path = workspace.write('deals.csv', `${HEADER}\n${ROWS.join('\n')}\n`);
    const inThread = await rowsOf(path, false);
    expect(inThread.map((row) => [row[0], row[1]])).toEqual([
      [2, 2],
      [2, 3],
      [2, 4],
      [0, 6],
      [1, 7],
      [1, 8],
      [2, 9],
      [1, 10],
      [2, 11],
    ]);
    expect(await rowsOf(path, true)).toEqual(inThread);
  });

  test('many rows (several batches, the worker held back by the engine): the same rows', async () => {
    const lines = Array.from({ length: 3000 }, (_, index) => `${index},"Deal ${index}, ok",Proposal,"${index},25",SMB,acc_1,ada@example.com`);
    const path = workspace.write('many.csv', `${HEADER}\n${lines.join('\r\n')}\r\n`);
    const inWorker = await rowsOf(path, true);
    expect(inWorker).toHaveLength(3000);
    expect(inWorker).toEqual(await rowsOf(path, false));
  });

  test('only the lines asked for (retry), from the worker as from this thread', async () => {
    const path = workspace.write('deals.csv', `${HEADER}\n${ROWS.join('\n')}\n`);
    const lines = new Set([3, 7, 11]);
    const inWorker = await rowsOf(path, true, lines);
    expect(inWorker.map((row) => row[1])).toEqual([3, 7, 11]);
    expect(inWorker).toEqual(await rowsOf(path, false, lines));
  });

  test('a failed.csv read back (escaped cells, import_* columns): the same rows', async () => {
    const header = `${HEADER},${FAILED_COLUMNS.join(',')}`;
    const path = workspace.write('failed.csv', `${header}\n4,'=cmd|calc,Proposal,1,,acc_1,ada@example.com,6,invalid,invalid_value,not_a_number,Amount,x\n`);
    const inWorker = await rowsOf(path, true);
    expect(inWorker).toHaveLength(1);
    expect(inWorker).toEqual(await rowsOf(path, false));
  });

  test('closing before the end stops the worker', async () => {
    const lines = Array.from({ length: 20_000 }, (_, index) => `${index},Deal,Proposal,1,,acc_1,ada@example.com`);
    const path = workspace.write('long.csv', `${HEADER}\n${lines.join('\n')}\n`);
    const opened = await openCsv({ path });
    const compiled = compileMapping(MAPPING, opportunityDefinitions(), opened.header, { mapping: 'mapping.json', csv: path });
    const source = openRowSource({
      source: opened,
      compiled,
      isReport: false,
      lines: undefined,
      report: reportShape(opened.header),
      worker: { csvPath: path, mappingPath: 'mapping.json', mapping: MAPPING, definitions: opportunityDefinitions() },
      inWorker: true,
      workerScript: WORKER_SCRIPT,
    });
    let read = 0;
    for await (const batch of source.batches) {
      read += batch.length / ROW_SLOTS;
      break;
    }
    await source.close();
    await opened.close();
    expect(read).toBeGreaterThan(0);
    expect(read).toBeLessThan(20_000);
  });
});
