/**
 * The reader streams: it reads only as far as the consumer pulls, stops and lets go of the file
 * on close(), and handles files and cells far larger than one read chunk.
 */
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, test } from '@jest/globals';
import { stringify } from 'csv-stringify/sync';
import { openCsv } from '../../src/reader/index.js';
import { readAll, useCsvFiles } from './csv-files.js';

const files = useCsvFiles();

/** A file of `rows` realistic rows, ~70 bytes each. */
function writeLargeFile(rows: number): string {
  const lines = ['Record ID,Deal Name,Deal Stage,Amount,Owner Email'];
  for (let index = 1; index <= rows; index++) {
    lines.push(`${index},"Deal ${index}, renewal",appointmentscheduled,${index * 3}.50,owner${index % 7}@example.com`);
  }
  return files.write(`${lines.join('\n')}\n`);
}

/** Open file descriptors of this process, where the platform shows them. */
function openDescriptorCount(): number | undefined {
  try {
    return fs.readdirSync('/proc/self/fd').length;
  } catch {
    return undefined;
  }
}

describe('openCsv() - streaming', () => {
  const largeFile = writeLargeFile(200_000);

  test('reading waits for the consumer: a slow consumer does not make the whole file buffered', async () => {
    const source = await openCsv({ path: largeFile });
    try {
      expect(source.size).toBe(fs.statSync(largeFile).size);
      const iterator = source.records[Symbol.asyncIterator]();
      for (let pulled = 0; pulled < 5; pulled++) {
        const next = await iterator.next();
        expect(next.done).toBe(false);
        // Give the streams every chance to read ahead if they were going to.
        await sleep(20);
      }
      const bytesRead = source.bytesRead();
      expect(bytesRead).toBeGreaterThan(0);
      expect(bytesRead).toBeLessThan(source.size / 20);
    } finally {
      await source.close();
    }
  });

  test('bytesRead() reaches size at the end, and every row comes out with its line', async () => {
    const source = await openCsv({ path: largeFile });
    let count = 0;
    let linesInOrder = true;
    for await (const record of source.records) {
      count++;
      if (record.line !== count + 1 || record.error !== undefined) linesInOrder = false;
    }
    expect(count).toBe(200_000);
    expect(linesInOrder).toBe(true);
    expect(source.bytesRead()).toBe(source.size);
  });

  test('close() stops reading, ends the records and releases the file', async () => {
    // Warm up once so that lazily opened files of the test runner do not count.
    await (await openCsv({ path: largeFile })).close();
    const before = openDescriptorCount();

    const source = await openCsv({ path: largeFile });
    const iterator = source.records[Symbol.asyncIterator]();
    await iterator.next();
    await source.close();
    const bytesAtClose = source.bytesRead();

    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    expect(source.bytesRead()).toBe(bytesAtClose);
    expect(bytesAtClose).toBeLessThan(source.size);
    if (before !== undefined) expect(openDescriptorCount()).toBe(before);
    await source.close(); // a second close is harmless
  });

  test('breaking out of for await releases the file', async () => {
    const before = openDescriptorCount();
    const source = await openCsv({ path: largeFile });
    for await (const record of source.records) {
      if (record.line > 10) break;
    }
    if (before !== undefined) expect(openDescriptorCount()).toBe(before);
  });

  test('a 1 MB cell', async () => {
    const big = 'x'.repeat(1024 * 1024);
    const path = files.write(`Name,Notes\nAcme,"${big}"\nBeta,${big}\nGamma,short\n`);
    const { records } = await readAll({ path });
    expect(records.map((record) => [record.line, record.cells[1]?.length, record.error])).toEqual([
      [2, big.length, undefined],
      [3, big.length, undefined],
      [4, 5, undefined],
    ]);
  });

  test.each(['utf8', 'utf16le'] as const)(
    'a %s file of many read chunks, with multi-byte text, quoted line breaks and CRLF, keeps every cell and line',
    async (encoding) => {
      const header = ['ID', 'Name', 'Notes'];
      const rows: string[][] = [];
      for (let index = 0; index < 8000; index++) {
        rows.push([String(index), `Café Müller ${'€'.repeat(index % 5)} 日本 😀`, index % 3 === 0 ? `line one\r\nline "two"` : 'x, y']);
      }
      const text = stringify([header, ...rows], { record_delimiter: 'windows' });
      const path = files.write(encoding === 'utf8' ? text : Buffer.from(`\uFEFF${text}`, 'utf16le'));
      expect(fs.statSync(path).size).toBeGreaterThan(4 * 64 * 1024);

      const { records } = await readAll({ path });
      expect(records.map((record) => record.cells)).toEqual(rows);
      let line = 2;
      const expectedLines = rows.map((row) => {
        const start = line;
        line += row[2]?.includes('\r\n') === true ? 2 : 1;
        return start;
      });
      expect(records.map((record) => record.line)).toEqual(expectedLines);
      expect(records.every((record) => record.error === undefined)).toBe(true);
    },
  );
});
