/** A temporary folder per test with helpers to write CSV and mapping files and read reports back. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { detectDelimiter } from '../../src/reader/sniff.js';

export interface Workspace {
  dir: string;
  path(name: string): string;
  write(name: string, content: string | Buffer): string;
  writeJson(name: string, value: unknown): string;
  /** Rows of a report CSV as objects keyed by header (first occurrence of a repeated name wins). */
  readCsv(name: string): Record<string, string>[];
  readJson<T = unknown>(name: string): T;
  remove(): void;
}

export function createWorkspace(prefix = 'lfi-test-'): Workspace {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const path = (name: string): string => join(dir, name);
  return {
    dir,
    path,
    write(name, content) {
      writeFileSync(path(name), content);
      return path(name);
    },
    writeJson(name, value) {
      writeFileSync(path(name), JSON.stringify(value, null, 2));
      return path(name);
    },
    readCsv(name) {
      const text = readFileSync(path(name), 'utf8');
      // failed.csv keeps the source's delimiter: read it the way the importer would read it back.
      const rows = parse(text, { bom: true, delimiter: detectDelimiter(text.replace(/^\uFEFF/, ''), true) }) as string[][];
      const [header = [], ...data] = rows;
      return data.map((cells) => {
        const row: Record<string, string> = {};
        header.forEach((column, index) => {
          if (!(column in row)) row[column] = cells[index] ?? '';
        });
        return row;
      });
    },
    readJson<T>(name: string): T {
      return JSON.parse(readFileSync(path(name), 'utf8')) as T;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Builds CSV text: cells are quoted when needed; `eol` and `delimiter` as given. */
export function csvText(rows: string[][], options: { delimiter?: string; eol?: string; bom?: boolean } = {}): string {
  const delimiter = options.delimiter ?? ',';
  const eol = options.eol ?? '\n';
  const quote = (cell: string): string =>
    cell.includes(delimiter) || cell.includes('"') || cell.includes('\n') || cell.includes('\r')
      ? `"${cell.replace(/"/g, '""')}"`
      : cell;
  const body = rows.map((row) => row.map(quote).join(delimiter)).join(eol) + eol;
  return (options.bom ? '\uFEFF' : '') + body;
}
