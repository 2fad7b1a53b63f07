/**
 * The scanner reads every text exactly as csv-parse does with the reader's settings (the parser the
 * reader used before, kept here as the reference): same cells, same line numbers, same failures,
 * however the text is cut into chunks.
 */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { parse } from 'csv-parse';
import { CsvScanner, type ScanOutput } from '../../src/reader/scanner.js';

interface Expected {
  records: { cells: string[]; line: number; lastLine: number }[];
  failure?: string;
}

const CR = 13;
const LF = 10;

/** Line breaks (CRLF, LF, lone CR once each) in `text` from `from`. */
function lineBreaks(text: string, from: number): number {
  let count = 0;
  for (let index = from; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === LF || (code === CR && text.charCodeAt(index + 1) !== LF)) count += 1;
  }
  return count;
}

/**
 * csv-parse with the settings the reader used, and its line numbers worked out from each record's
 * raw text as the reader did: one character per empty line skipped before the record, the record,
 * the first character of its line break.
 */
function csvParse(text: string, delimiter: string, recordDelimiters: string[], maxRecordBytes: number): Promise<Expected> {
  return new Promise((resolve) => {
    const expected: Expected = { records: [] };
    let nextLine = 1;
    let emptyLinesBefore = 0;
    const parser = parse({
      delimiter,
      quote: '"',
      escape: '"',
      record_delimiter: recordDelimiters,
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: true,
      raw: true,
      info: true,
      bom: false,
      max_record_size: maxRecordBytes,
    });
    parser.on('data', ({ record, raw, info }: { record: string[]; raw: string; info: { empty_lines: number } }) => {
      const contentStart = info.empty_lines - emptyLinesBefore;
      emptyLinesBefore = info.empty_lines;
      const line = nextLine + contentStart;
      const breaks = lineBreaks(raw, contentStart);
      nextLine = line + breaks;
      const endsWithBreak = raw.length > contentStart && [CR, LF].includes(raw.charCodeAt(raw.length - 1));
      expected.records.push({ cells: record, line, lastLine: endsWithBreak ? line + breaks - 1 : line + breaks });
    });
    parser.on('error', (error: { code: string }) => resolve({ ...expected, failure: error.code }));
    parser.on('end', () => resolve(expected));
    parser.end(Buffer.from(text, 'utf8'));
  });
}

function scanned(outputs: ScanOutput[]): Expected {
  const result: Expected = { records: [] };
  for (const output of outputs) {
    if (output.kind === 'failure') result.failure = output.code;
    else result.records.push({ cells: output.cells, line: output.line, lastLine: output.lastLine });
  }
  return result;
}

function scan(text: string, cuts: number[], delimiter: string, recordDelimiters: string[], maxRecordBytes: number): Expected {
  const scanner = new CsvScanner({ delimiter, recordDelimiters, maxRecordBytes });
  const outputs: ScanOutput[] = [];
  let from = 0;
  for (const cut of [...cuts].sort((left, right) => left - right)) {
    outputs.push(...scanner.push(text.slice(from, Math.max(from, cut))));
    from = Math.max(from, cut);
  }
  outputs.push(...scanner.push(text.slice(from)), ...scanner.end());
  return scanned(outputs);
}

const characters = fc.constantFrom('a', 'b', 'é', '😀', ' ', ',', ';', '"', '"', '\n', '\r', '\r\n', '\n\n');

describe('CsvScanner', () => {
  test.each([
    ['LF and CRLF records', ',', ['\r\n', '\n']],
    ['lone CR records too (files without LF)', ',', ['\r\n', '\n', '\r']],
    ['a two-character delimiter', ';;', ['\r\n', '\n']],
  ])('reads any text as csv-parse does, cut into any chunks: %s', async (_name, delimiter, recordDelimiters) => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(characters, { maxLength: 60 }).map((parts) => parts.join('')),
        fc.array(fc.nat({ max: 80 }), { maxLength: 6 }),
        async (text, cuts) => {
          const expected = await csvParse(text, delimiter, recordDelimiters, 1 << 20);
          expect(scan(text, cuts, delimiter, recordDelimiters, 1 << 20)).toEqual(expected);
        },
      ),
      { numRuns: 1500 },
    );
  });

  test('fails on a record longer than the limit exactly where csv-parse does', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('a', 'é', ',', '"', '\n'), { maxLength: 40 }).map((parts) => parts.join('')),
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.nat({ max: 40 }), { maxLength: 4 }),
        async (text, limit, cuts) => {
          const expected = await csvParse(text, ',', ['\r\n', '\n'], limit);
          expect(scan(text, cuts, ',', ['\r\n', '\n'], limit)).toEqual(expected);
        },
      ),
      { numRuns: 1500 },
    );
  });
});
