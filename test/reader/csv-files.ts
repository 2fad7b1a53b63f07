/** Test helpers: CSV files written into a temporary folder, and everything a reader yields. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from '@jest/globals';
import { openCsv } from '../../src/reader/index.js';
import type { CsvReaderOptions, CsvRecord, CsvSource } from '../../src/reader/index.js';

export interface CsvFiles {
  /** Writes `content` (a string is written as UTF-8) to a new file and returns its path. */
  write(content: string | Uint8Array, name?: string): string;
  /** A path inside the folder, not created. */
  path(name: string): string;
  readonly dir: string;
}

/** A temporary folder for the test file, removed after its tests. */
export function useCsvFiles(): CsvFiles {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lightfield-reader-'));
  let count = 0;
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir,
    path: (name) => path.join(dir, name),
    write(content, name) {
      count++;
      const file = path.join(dir, name ?? `file-${count}.csv`);
      fs.writeFileSync(file, content);
      return file;
    },
  };
}

export interface ReadResult {
  source: CsvSource;
  records: CsvRecord[];
}

/** Opens a file and reads all its records. */
export async function readAll(options: CsvReaderOptions): Promise<ReadResult> {
  const source = await openCsv(options);
  const records: CsvRecord[] = [];
  for await (const record of source.records) records.push(record);
  return { source, records };
}

/** A record as `[line, cells]`, or `[line, cells, error code]` when it is malformed: short enough for tables. */
export type RecordSummary = [number, string[]] | [number, string[], string];

export function summarize(record: CsvRecord): RecordSummary {
  return record.error === undefined ? [record.line, record.cells] : [record.line, record.cells, record.error.code];
}
