/**
 * A CSV that changes while it is read: another process appends to it (an export still being
 * written, half a line at a time) while a paced import reads it. The run stops with exit 3 and says
 * why; no row read after the change is sent, so no cut-off row lands.
 */
import { expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { truncateSync } from 'node:fs';
import { collect, startCliProcess } from '../helpers/cli.js';
import { useEmulatorWorkspace } from '../helpers/emulator-workspace.js';
import { csvText } from '../helpers/workspace.js';
import { API_KEY, HEADER, MAPPING, dealRows, recordsPerLegacyId } from '../exactly-once/fixture.js';
import { openCsv } from '../../src/reader/index.js';

const frame = useEmulatorWorkspace();

/** Rows wide enough that the reader's buffers hold a few hundred of them, not the whole file. */
function wideRows(count: number): string[][] {
  return dealRows(count).map((row) => [...row.slice(0, 5), `${row[5]} ${'notes '.repeat(70)}`]);
}

/** A process that appends to `path`: half a line, then, a moment later, the rest and more lines. */
function runWriter(path: string): Promise<void> {
  const script = `
    const { appendFileSync } = require('node:fs');
    appendFileSync(${JSON.stringify(path)}, 'R9001,Deal 90');
    setTimeout(() => appendFileSync(${JSON.stringify(path)}, '01,Proposal,100,Initech,late\\nR9002,Deal 9002,Proposal,100,Initech,late\\n'), 300);`;
  const writer = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    writer.on('error', reject);
    writer.on('exit', () => resolve());
  });
}

test('a file appended to while a paced import reads it stops the run (exit 3); nothing read after the change is sent', async () => {
  const { workspace, emulator } = frame;
  const rows = wideRows(1200);
  const csv = workspace.write('deals.csv', csvText([HEADER, ...rows]));
  workspace.writeJson('mapping.json', MAPPING);

  const importing = collect(
    startCliProcess(
      ['import', 'deals.csv', '-m', 'mapping.json', '-o', 'out', '--state', 'state.db', '--api-key', API_KEY, '--base-url', emulator.url, '--rate', '100'],
      { cwd: workspace.dir },
    ),
    120_000,
  );
  // The writer starts once the import is sending, so it certainly opened the file before.
  let finished = false;
  void importing.finally(() => (finished = true)).catch(() => undefined);
  while (!finished && emulator.opportunities().length < 5) await new Promise((resolve) => setTimeout(resolve, 20));
  await runWriter(csv);
  const cli = await importing;

  expect(cli.code).toBe(3);
  expect(cli.stderr).toMatch(/deals\.csv changed while it was read \(it grew from \d+ to \d+ bytes\)/);
  expect(cli.stdout).toContain('the CSV file changed while it was read');
  const summary = workspace.readJson<{ stopped: string; rowsRead: number; exitCode: number }>('out/summary.json');
  expect(summary).toMatchObject({ stopped: 'source_changed', exitCode: 3 });
  expect(summary.rowsRead).toBeLessThan(rows.length);
  // Only rows of the file as it was opened landed, whole, and each once.
  const landed = recordsPerLegacyId(emulator);
  expect(landed.has('R9001')).toBe(false);
  expect(landed.has('R9002')).toBe(false);
  expect([...landed.values()].every((count) => count === 1)).toBe(true);
  for (const record of emulator.opportunities()) {
    const number = String(record.fields['legacyId']?.value).slice(1);
    expect(record.fields['$name']?.value).toBe(`Deal ${number}`);
  }
  const results = workspace.readCsv('out/results.csv');
  expect(results.length).toBe(summary.rowsRead);
  expect(results.every((row) => ['created', 'not_attempted'].includes(row['status']!))).toBe(true);
}, 150_000);

test('a file cut short while its rows are taken: the last row is not handed over', async () => {
  const { workspace } = frame;
  const path = workspace.write('deals.csv', csvText([HEADER, ...dealRows(3)]));
  const source = await openCsv({ path });
  const lines: number[] = [];
  const reading = (async () => {
    for await (const record of source.records) {
      lines.push(record.line);
      // The consumer is slow: meanwhile the file is truncated, as a rewrite would begin.
      if (record.line === 2) truncateSync(path, 40);
    }
  })();

  await expect(reading).rejects.toMatchObject({ code: 'file_changed', message: expect.stringContaining('it shrank from') as unknown as string });
  expect(lines).toEqual([2, 3]);
});
