/**
 * Files that cannot be imported at all: openCsv() refuses them with an ImportError whose code a
 * script can test and whose message names the file.
 */
import fs from 'node:fs';
import { describe, expect, test } from '@jest/globals';
import { ImportError } from '../../src/errors.js';
import { openCsv } from '../../src/reader/index.js';
import type { CsvReaderOptions } from '../../src/reader/index.js';
import { useCsvFiles } from './csv-files.js';

const files = useCsvFiles();

async function openError(options: CsvReaderOptions): Promise<ImportError> {
  try {
    const source = await openCsv(options);
    await source.close();
  } catch (error) {
    if (error instanceof ImportError) return error;
    throw error;
  }
  throw new Error(`expected openCsv(${JSON.stringify(options)}) to fail`);
}

interface HeaderCase {
  name: string;
  content: string | Buffer;
  code: string;
  /** Parts of the message, besides the file path. */
  message: string[];
}

describe('openCsv() - unusable files', () => {
  const cases: HeaderCase[] = [
    { name: 'empty file', content: '', code: 'csv_header', message: ['is empty'] },
    { name: 'only empty lines', content: '\r\n\n\n', code: 'csv_header', message: ['is empty'] },
    { name: 'only a BOM', content: '\uFEFF', code: 'csv_header', message: ['is empty'] },
    {
      name: 'duplicate column names',
      content: 'Email,Name,Email\nx,y,z\n',
      code: 'csv_header',
      message: ['"Email"', 'columns 1 and 3'],
    },
    {
      name: 'duplicate column names once trimmed',
      content: 'Name,Amount,Name \n',
      code: 'csv_header',
      message: ['"Name"', 'columns 1 and 3'],
    },
    { name: 'no column has a name', content: ';;\n1;2;3\n', code: 'csv_header', message: ['no column has a name'] },
    {
      name: 'a binary file (NUL bytes in the first line)',
      content: Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x0a, 0x00]),
      code: 'csv_header',
      message: ['NUL bytes'],
    },
    { name: 'a header with a quote never closed', content: 'Name,"Amount\n1,2\n', code: 'csv_header', message: ['never closed'] },
    {
      name: 'a file without a header line: its first line of data repeats a null marker',
      content: '1001;Acme deal;\\N;\\N;31.12.3999\n1002;Beta deal;\\N;12,50;\\N\n',
      code: 'csv_header',
      message: ['appears 2 times', 'The first line looks like data, not column names ("\\N", "31.12.3999", "1001")', 'list its column names in the mapping\'s "columns"'],
    },
    {
      name: 'a file without a header line: repeated amounts',
      content: '7,7,Acme\n',
      code: 'csv_header',
      message: ['appears 2 times', 'looks like data', '"columns"'],
    },
  ];

  test.each(cases)('$name', async ({ content, code, message }) => {
    const path = files.write(content);
    const error = await openError({ path });
    expect(error.code).toBe(code);
    expect(error.subject).toBe(path);
    expect(error.message).toContain(path);
    for (const words of message) expect(error.message).toContain(words);
  });

  test.each<[string, string]>([
    ['repeated names', 'Email,Name,Email\nx,y,z\n'],
    ['a year among names', 'Name,2026,Name\nx,y,z\n'],
  ])('a header of names with %s gets no hint about "columns"', async (_name, content) => {
    const error = await openError({ path: files.write(content) });
    expect(error.message).toContain('every column needs a unique name');
    expect(error.message).not.toContain('looks like data');
  });

  test('a missing file is file_not_found', async () => {
    const path = files.path('missing.csv');
    const error = await openError({ path });
    expect(error.code).toBe('file_not_found');
    expect(error.message).toBe(`${path} does not exist`);
  });

  test('a directory is file_unreadable', async () => {
    const path = files.path('a-folder.csv');
    fs.mkdirSync(path);
    const error = await openError({ path });
    expect(error.code).toBe('file_unreadable');
    expect(error.message).toBe(`${path} is a directory, not a CSV file`);
  });

  const runsAsRoot = process.getuid?.() === 0;
  (runsAsRoot || process.platform === 'win32' ? test.skip : test)('a file without read permission is file_unreadable', async () => {
    const path = files.write('Name\nx\n');
    fs.chmodSync(path, 0o000);
    const error = await openError({ path });
    expect(error.code).toBe('file_unreadable');
    expect(error.message).toContain(path);
  });

  test.each<[string, Partial<CsvReaderOptions>]>([
    ['an empty delimiter', { delimiter: '' }],
    ['a quote as delimiter', { delimiter: '"' }],
    ['an unknown encoding', { encoding: 'ebcdic' as CsvReaderOptions['encoding'] }],
  ])('%s is a usage error', async (_name, options) => {
    const error = await openError({ path: files.write('a,b\n'), ...options });
    expect(error.code).toBe('usage');
  });
});
