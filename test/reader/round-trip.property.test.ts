/**
 * Property: any table written by csv-stringify in any supported dialect reads back identical,
 * each record on the line where its text starts. Cells are arbitrary Unicode, with a bias
 * towards what breaks CSV readers: delimiters, quotes, CR, LF, NUL, BOM characters.
 */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { stringify } from 'csv-stringify/sync';
import { ImportError } from '../../src/errors.js';
import { readAll, useCsvFiles } from './csv-files.js';

const files = useCsvFiles();

const DELIMITERS = [',', ';', '\t', '|'] as const;

const trickyCharacter = fc.constantFrom(',', ';', '\t', '|', '"', '\r', '\n', '\r\n', ' ', '\0', '\uFEFF', '\uFFFD', 'é', '😀');
const cell = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: fc.oneof(trickyCharacter, fc.constantFrom('a', 'b')), maxLength: 8 }),
);
/** Header names the reader accepts: non-empty, unique once trimmed, without NUL; not starting like a BOM. */
const headerName = cell.filter((name) => name.trim() !== '' && !name.includes('\0') && !name.startsWith('\uFEFF'));

const table = fc.integer({ min: 2, max: 5 }).chain((width) =>
  fc.record({
    header: fc.uniqueArray(headerName, { minLength: width, maxLength: width, selector: (name) => name.trim() }),
    rows: fc.array(fc.array(cell, { minLength: width, maxLength: width }), { maxLength: 12 }),
  }),
);

const dialect = fc.record({
  delimiter: fc.constantFrom(...DELIMITERS),
  recordDelimiter: fc.constantFrom('\n', '\r\n'),
  encoding: fc.constantFrom('utf8' as const, 'utf16le' as const),
  bom: fc.boolean(),
  quoteEveryCell: fc.boolean(),
  trailingLineBreak: fc.boolean(),
});

/** Line breaks as an editor counts them: CRLF, LF and a lone CR once each. */
function lineBreaks(text: string): number {
  return text.match(/\r\n|\r|\n/g)?.length ?? 0;
}

describe('openCsv() - round trip', () => {
  test('any table in any dialect reads back identical, with the line each record starts on', async () => {
    await fc.assert(
      fc.asyncProperty(table, dialect, async ({ header, rows }, options) => {
        // Quote every cell holding a CR or LF, as Excel, Python and Google Sheets do: a lone CR
        // left unquoted before the line break would be indistinguishable from a CRLF.
        const stringifyOptions = {
          delimiter: options.delimiter,
          record_delimiter: options.recordDelimiter,
          quote_record_delimiter: true,
          quoted: options.quoteEveryCell,
        };
        const texts = [header, ...rows].map((record) => stringify([record], stringifyOptions));
        let text = texts.join('');
        if (!options.trailingLineBreak) text = text.slice(0, -options.recordDelimiter.length);
        const withBom = options.bom ? `\uFEFF${text}` : text;
        const bytes = Buffer.from(withBom, options.encoding);

        const expectedLines: number[] = [];
        let line = 1 + lineBreaks(texts[0] ?? '');
        for (const recordText of texts.slice(1)) {
          expectedLines.push(line);
          line += lineBreaks(recordText);
        }

        // A UTF-16LE file without a BOM cannot be recognised, so the user names the encoding.
        const encoding = options.encoding === 'utf16le' && !options.bom ? 'utf16le' : undefined;
        const { source, records } = await readAll({
          path: files.write(bytes),
          delimiter: options.delimiter,
          ...(encoding === undefined ? {} : { encoding }),
        });
        expect(source.header).toEqual(header);
        expect(source.encoding).toBe(options.encoding);
        expect(records.map((record) => record.cells)).toEqual(rows);
        expect(records.map((record) => record.line)).toEqual(expectedLines);
        expect(records.filter((record) => record.error !== undefined)).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  test('the delimiter is detected when the header is unambiguous', async () => {
    const plainName = fc.stringMatching(/^[A-Za-z][A-Za-z ]{0,10}$/);
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(plainName, { minLength: 2, maxLength: 6, selector: (name) => name.trim() }),
        fc.constantFrom(...DELIMITERS),
        fc.array(fc.string({ maxLength: 6 }), { maxLength: 6 }),
        async (header, delimiter, firstRow) => {
          const row = header.map((_, index) => firstRow[index] ?? 'x');
          const text = stringify([header, row], { delimiter });
          const { source, records } = await readAll({ path: files.write(text) });
          expect(source.delimiter).toBe(delimiter);
          expect(records.map((record) => record.cells)).toEqual([row]);
        },
      ),
      { numRuns: 50 },
    );
  });

  test('any bytes at all: no crash, and records come out in line order within the file', async () => {
    const garbage = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.string({ unit: fc.constantFrom('a', 'b', ',', ';', '"', '""', '\r', '\n', '\r\n', '\0', 'é'), maxLength: 80 }).map((text) =>
        Buffer.from(`Name,Notes\n${text}`),
      ),
    );
    await fc.assert(
      fc.asyncProperty(garbage, async (bytes) => {
        const text = Buffer.from(bytes).toString('latin1');
        const lastLine = lineBreaks(text) + 1;
        try {
          const { records } = await readAll({ path: files.write(bytes), maxRecordBytes: 200 });
          let previous = 0;
          for (const record of records) {
            expect(record.line).toBeGreaterThan(previous);
            expect(record.line).toBeLessThanOrEqual(lastLine);
            previous = record.line;
          }
        } catch (error) {
          // Only a clean refusal of the whole file is acceptable, never a crash.
          expect(error).toBeInstanceOf(ImportError);
        }
      }),
      { numRuns: 200 },
    );
  });
});
