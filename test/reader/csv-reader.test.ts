/**
 * What a user's file turns into: header, delimiter, encoding, and every data record with the
 * line it starts on and, when malformed, why. Each case writes a real file and reads it back.
 */
import { describe, expect, test } from '@jest/globals';
import { readAll, summarize, useCsvFiles, type RecordSummary } from './csv-files.js';

const files = useCsvFiles();

interface DialectCase {
  name: string;
  content: string;
  header: string[];
  delimiter: string;
  records: RecordSummary[];
}

describe('openCsv() - dialects and line numbers', () => {
  const cases: DialectCase[] = [
    {
      name: 'comma, LF',
      content: 'Name,Amount\nAcme,100\nBeta,200\n',
      header: ['Name', 'Amount'],
      delimiter: ',',
      records: [
        [2, ['Acme', '100']],
        [3, ['Beta', '200']],
      ],
    },
    {
      name: 'UTF-8 BOM is not part of the first column name',
      content: '\uFEFFName,Amount\nAcme,100\n',
      header: ['Name', 'Amount'],
      delimiter: ',',
      records: [[2, ['Acme', '100']]],
    },
    {
      name: 'semicolon with decimal commas is detected',
      content: 'Name;Amount;Close Date\nAcme;1.234,50;12/01/2026\nBeta;2,75;13/01/2026\n',
      header: ['Name', 'Amount', 'Close Date'],
      delimiter: ';',
      records: [
        [2, ['Acme', '1.234,50', '12/01/2026']],
        [3, ['Beta', '2,75', '13/01/2026']],
      ],
    },
    {
      name: 'tab is detected',
      content: 'Name\tNotes\nAcme\tsmall, local\n',
      header: ['Name', 'Notes'],
      delimiter: '\t',
      records: [[2, ['Acme', 'small, local']]],
    },
    {
      name: 'pipe is detected',
      content: 'Name|Tags\nAcme|a;b,c\n',
      header: ['Name', 'Tags'],
      delimiter: '|',
      records: [[2, ['Acme', 'a;b,c']]],
    },
    {
      name: 'commas inside quotes do not make a semicolon file look like a comma file',
      content: '"Name, full";Amount\n"Acme, Inc";5\n"Beta, Ltd";6\n',
      header: ['Name, full', 'Amount'],
      delimiter: ';',
      records: [
        [2, ['Acme, Inc', '5']],
        [3, ['Beta, Ltd', '6']],
      ],
    },
    {
      name: 'CRLF with empty lines: empty lines are skipped but counted',
      content: 'Name,Amount\r\nAcme,1\r\n\r\n\r\nBeta,2\r\n',
      header: ['Name', 'Amount'],
      delimiter: ',',
      records: [
        [2, ['Acme', '1']],
        [5, ['Beta', '2']],
      ],
    },
    {
      name: 'quoted delimiters, quotes and line breaks (LF)',
      content: 'Name,Notes\n"Acme, Inc","first line\nsecond line"\n"Beta ""B""","x"\nGamma,y\n',
      header: ['Name', 'Notes'],
      delimiter: ',',
      records: [
        [2, ['Acme, Inc', 'first line\nsecond line']],
        [4, ['Beta "B"', 'x']],
        [5, ['Gamma', 'y']],
      ],
    },
    {
      name: 'quoted CRLF line breaks count one line each',
      content: 'Name,Notes\r\nAcme,"one\r\ntwo\r\nthree"\r\nBeta,x\r\n',
      header: ['Name', 'Notes'],
      delimiter: ',',
      records: [
        [2, ['Acme', 'one\r\ntwo\r\nthree']],
        [5, ['Beta', 'x']],
      ],
    },
    {
      name: 'empty lines before the header',
      content: '\n\nName,Amount\nAcme,1',
      header: ['Name', 'Amount'],
      delimiter: ',',
      records: [[4, ['Acme', '1']]],
    },
    {
      name: 'mixed LF and CRLF line endings',
      content: 'Name,Amount\nAcme,1\r\nBeta,2\nGamma,3\r\n',
      header: ['Name', 'Amount'],
      delimiter: ',',
      records: [
        [2, ['Acme', '1']],
        [3, ['Beta', '2']],
        [4, ['Gamma', '3']],
      ],
    },
    {
      name: 'CR-only line endings (old Mac exports)',
      content: 'Name,Amount\rAcme,1\rBeta,"x\ry"\rGamma,3',
      header: ['Name', 'Amount'],
      delimiter: ',',
      records: [
        [2, ['Acme', '1']],
        [3, ['Beta', 'x\ry']],
        [5, ['Gamma', '3']],
      ],
    },
    {
      name: 'a lone CR inside an unquoted cell of an LF file stays in the cell',
      content: 'Name,Notes\nAcme,one\rtwo\nBeta,x\n',
      header: ['Name', 'Notes'],
      delimiter: ',',
      records: [
        [2, ['Acme', 'one\rtwo']],
        [4, ['Beta', 'x']],
      ],
    },
    {
      name: 'a cell starting with a lone CR is not mistaken for a skipped empty line',
      content: 'Name,Notes\n\rx,1\n\nBeta,2\n',
      header: ['Name', 'Notes'],
      delimiter: ',',
      records: [
        [2, ['\rx', '1']],
        [5, ['Beta', '2']],
      ],
    },
    {
      name: 'header only',
      content: 'Name,Amount\n',
      header: ['Name', 'Amount'],
      delimiter: ',',
      records: [],
    },
    {
      name: 'one column',
      content: 'Name\nAcme\nBeta\n',
      header: ['Name'],
      delimiter: ',',
      records: [
        [2, ['Acme']],
        [3, ['Beta']],
      ],
    },
    {
      name: 'cells are not trimmed',
      content: 'Name,Amount\n  Acme ,\t1\n',
      header: ['Name', 'Amount'],
      delimiter: ',',
      records: [[2, ['  Acme ', '\t1']]],
    },
    {
      name: 'NUL bytes in data make odd cells, not a crash',
      content: 'Name,Amount\nAc\0me,1\n\0\0,\0\n',
      header: ['Name', 'Amount'],
      delimiter: ',',
      records: [
        [2, ['Ac\0me', '1']],
        [3, ['\0\0', '\0']],
      ],
    },
  ];

  test.each(cases)('$name', async ({ content, header, delimiter, records }) => {
    const result = await readAll({ path: files.write(content) });
    expect(result.source.header).toEqual(header);
    expect(result.source.delimiter).toBe(delimiter);
    expect(result.records.map(summarize)).toEqual(records);
  });

  test('a given delimiter wins over detection', async () => {
    const result = await readAll({ path: files.write('a;b,c\n1;2,3\n'), delimiter: ';' });
    expect(result.source.header).toEqual(['a', 'b,c']);
    expect(result.records.map(summarize)).toEqual([[2, ['1', '2,3']]]);
  });

  test.each([
    ['tab', '\t'],
    ['\\t', '\t'],
  ])('delimiter %j means a tab', async (given, expected) => {
    const result = await readAll({ path: files.write('a\tb\n1\t2\n'), delimiter: given });
    expect(result.source.delimiter).toBe(expected);
    expect(result.source.header).toEqual(['a', 'b']);
  });
});

interface MalformedCase {
  name: string;
  content: string;
  records: RecordSummary[];
  /** Words the first malformed record's message must contain. */
  message: string[];
}

describe('openCsv() - malformed records are kept, marked and followed by the rest', () => {
  const cases: MalformedCase[] = [
    {
      name: 'a short row is padded to the header, a long one keeps its cells beyond it',
      content: 'Name,Amount,Stage\nAcme,1\nBeta,2,won,extra\nGamma,3,lost\n',
      records: [
        [2, ['Acme', '1', ''], 'ragged_row'],
        [3, ['Beta', '2', 'won', 'extra'], 'ragged_row'],
        [4, ['Gamma', '3', 'lost']],
      ],
      message: ['line 2 has 2 cells, the header has 3'],
    },
    {
      name: 'a quote inside an unquoted cell',
      content: 'Name,Amount,Stage\nScreen 5" wide,1,won\nBeta,2,lost\n',
      records: [
        [2, ['Screen 5" wide', '1', 'won'], 'bad_quoting'],
        [3, ['Beta', '2', 'lost']],
      ],
      message: ['line 2', 'column "Name"'],
    },
    {
      name: 'text after a closing quote',
      content: 'Name,Amount,Stage\n"Acme" Inc,1,won\nBeta,2,lost\n',
      records: [
        [2, ['"Acme" Inc', '1', 'won'], 'bad_quoting'],
        [3, ['Beta', '2', 'lost']],
      ],
      message: ['line 2', 'column "Name"', 'closing quote'],
    },
    {
      name: 'an unclosed quote at the end of the file swallows the rest into one record at its start line',
      content: 'Name,Amount,Stage\nAcme,1,won\n\n"Beta,2,lost\nGamma,3,won\nDelta,4,won\n',
      records: [
        [2, ['Acme', '1', 'won']],
        [4, ['Beta,2,lost', '', ''], 'bad_quoting'],
      ],
      message: ['line 4', 'never closed', 'lines 4–6'],
    },
    {
      name: 'a quote closed lines later makes one record spanning those lines',
      content: 'Name,Amount,Stage\nAcme,"1,won\nBeta,2,lost\nGamma,"3",won\nDelta,4,won\n',
      records: [
        [2, ['Acme', '"1,won\nBeta,2,lost\nGamma,"3"', 'won'], 'bad_quoting'],
        [5, ['Delta', '4', 'won']],
      ],
      message: ['line 2', 'line 4'],
    },
  ];

  test.each(cases)('$name', async ({ content, records, message }) => {
    const result = await readAll({ path: files.write(content) });
    expect(result.records.map(summarize)).toEqual(records);
    const malformed = result.records.find((record) => record.error !== undefined);
    for (const words of message) expect(malformed?.error?.message).toContain(words);
  });

  test('a record over maxRecordBytes is its own invalid record, and the records after it are read', async () => {
    const content = `Name,Notes\nAcme,ok\nBeta,"${'x'.repeat(1500)}\nstill Beta"\nGamma,more\nDelta,last\n`;
    const result = await readAll({ path: files.write(content), maxRecordBytes: 1000 });
    expect(result.records.map((record) => [record.line, record.error?.code, record.cells[0]])).toEqual([
      [2, undefined, 'Acme'],
      [3, 'record_too_long', 'Beta'],
      [5, undefined, 'Gamma'],
      [6, undefined, 'Delta'],
    ]);
    expect(result.records[1]?.error?.message).toBe(
      'line 3: the row (lines 3–4) is 1518 bytes long, more than the 1000 bytes a row may have; shorten its cells (the rows after it were read as usual)',
    );
  });

  test('a 17 MiB record: invalid on its own, the rows after it read, in linear time', async () => {
    const withRecordOf = (mebibytes: number): string =>
      files.write(`Name,Notes\nAcme,ok\nBeta,"${'x'.repeat(mebibytes * 1024 * 1024)}"\nGamma,more\n`);
    const timed = async (path: string): Promise<{ result: Awaited<ReturnType<typeof readAll>>; ms: number }> => {
      const started = Date.now();
      const result = await readAll({ path });
      return { result, ms: Date.now() - started };
    };
    const half = await timed(withRecordOf(8.5));
    const full = await timed(withRecordOf(17));

    expect(full.result.records.map((record) => [record.line, record.error?.code, record.cells[0]])).toEqual([
      [2, undefined, 'Acme'],
      [3, 'record_too_long', 'Beta'],
      [4, undefined, 'Gamma'],
    ]);
    expect(full.result.records[1]?.error?.message).toMatch(/^line 3: the row is 17\.0 MiB long, more than the 16 MiB a row may have/);
    expect(half.result.records[1]?.error).toBeUndefined();
    // Twice the length, about twice the time (the quadratic reading took ten times as long); the
    // machine's load is the same for both, so the ratio holds where absolute times would not.
    expect(full.ms).toBeLessThan(4 * half.ms + 2000);
  }, 120_000);

  test('a record that runs on past twice maxRecordBytes (a quote never closed) ends the records there', async () => {
    const content = `Name,Notes\nAcme,ok\nBeta,"${'x'.repeat(5000)}\nGamma,more\n`;
    const result = await readAll({ path: files.write(content), maxRecordBytes: 1000 });
    expect(result.records.map((record) => [record.line, record.error?.code])).toEqual([
      [2, undefined],
      [3, 'malformed_csv'],
    ]);
    expect(result.records[1]?.error?.message).toMatch(/^line 3: this row runs on past 2000 bytes, twice the 1000 bytes a row may have: a quote that is never closed/);
  });
});

describe('openCsv() - encodings', () => {
  const cafeMullerWindows1252 = Buffer.from('Name,City\nCaf\xe9 M\xfcller,K\xf6ln\nPlain,Text\n', 'latin1');

  test('Windows-1252 bytes read as UTF-8 are marked bad_encoding with a hint', async () => {
    const result = await readAll({ path: files.write(cafeMullerWindows1252) });
    expect(result.source.encoding).toBe('utf8');
    expect(result.records.map((record) => [record.line, record.error?.code])).toEqual([
      [2, 'bad_encoding'],
      [3, undefined],
    ]);
    expect(result.records[0]?.cells[0]).toBe('Caf\uFFFD M\uFFFDller');
    expect(result.records[0]?.error?.message).toBe(
      'line 2: bytes in column "Name" are not valid UTF-8; try --encoding windows-1252',
    );
  });

  test.each(['windows-1252', 'latin1'] as const)('--encoding %s reads Windows-1252 text correctly', async (encoding) => {
    const result = await readAll({ path: files.write(cafeMullerWindows1252), encoding });
    expect(result.source.encoding).toBe(encoding);
    expect(result.records.map(summarize)).toEqual([
      [2, ['Café Müller', 'Köln']],
      [3, ['Plain', 'Text']],
    ]);
  });

  test('Windows-1252 characters that Latin-1 lacks (€, curly quotes) decode', async () => {
    const content = Buffer.from([...Buffer.from('Name,Price\nA,'), 0x80, 0x35, 0x0a, ...Buffer.from('B,'), 0x93, 0x78, 0x94, 0x0a]);
    const result = await readAll({ path: files.write(content), encoding: 'windows-1252' });
    expect(result.records.map((record) => record.cells[1])).toEqual(['€5', '\u201Cx\u201D']);
  });

  test('UTF-16LE with a BOM is detected (an Excel "Unicode text" export)', async () => {
    const content = Buffer.from('\uFEFFName\tCity\r\nCafé\tKöln\r\n"a\r\nb"\t€\r\n', 'utf16le');
    const result = await readAll({ path: files.write(content) });
    expect(result.source.encoding).toBe('utf16le');
    expect(result.source.delimiter).toBe('\t');
    expect(result.source.header).toEqual(['Name', 'City']);
    expect(result.records.map(summarize)).toEqual([
      [2, ['Café', 'Köln']],
      [3, ['a\r\nb', '€']],
    ]);
  });

  test('UTF-16LE without a BOM reads with --encoding utf16le', async () => {
    const content = Buffer.from('Name,City\nCafé,Köln\n', 'utf16le');
    const result = await readAll({ path: files.write(content), encoding: 'utf16le' });
    expect(result.records.map(summarize)).toEqual([[2, ['Café', 'Köln']]]);
  });

  test('a UTF-8 BOM wins over --encoding', async () => {
    const result = await readAll({ path: files.write('\uFEFFName\nCafé\n'), encoding: 'windows-1252' });
    expect(result.source.encoding).toBe('utf8');
    expect(result.records.map(summarize)).toEqual([[2, ['Café']]]);
  });

  test('a U+FFFD that the file really contains is not an encoding error', async () => {
    const result = await readAll({ path: files.write('Name\nbroken \uFFFD already\n') });
    expect(result.records.map(summarize)).toEqual([[2, ['broken \uFFFD already']]]);
  });

  test('a multi-byte character cut off at the end of the file is an encoding error', async () => {
    const content = Buffer.concat([Buffer.from('Name\nCaf'), Buffer.from([0xc3])]);
    const result = await readAll({ path: files.write(content) });
    expect(result.records.map(summarize)).toEqual([[2, ['Caf\uFFFD'], 'bad_encoding']]);
  });
});

describe('openCsv() - a file without a header line', () => {
  test('given columns are the header and the first line is the first record', async () => {
    const content = '\n1001;Acme deal;\\N\n1002;"Beta; two";12,50\n1003;short\n';
    const result = await readAll({ path: files.write(content), columns: ['id', 'name', 'amount'] });
    expect(result.source.header).toEqual(['id', 'name', 'amount']);
    expect(result.source.delimiter).toBe(';');
    expect(result.records.map(summarize)).toEqual([
      [2, ['1001', 'Acme deal', '\\N']],
      [3, ['1002', 'Beta; two', '12,50']],
      [4, ['1003', 'short', ''], 'ragged_row'],
    ]);
  });

  test('an empty file with given columns has no records', async () => {
    const result = await readAll({ path: files.write(''), columns: ['id'] });
    expect(result.records).toEqual([]);
  });
});

describe('openCsv() - columns without a name', () => {
  test('a header ending in a delimiter, as spreadsheet exports write it: the rows read, and a warning names the column', async () => {
    const path = files.write('Name;Amount;\r\nAcme;12,50;\r\nBeta;3;\r\n');
    const result = await readAll({ path });
    expect(result.source.header).toEqual(['Name', 'Amount', '']);
    expect(result.records.map(summarize)).toEqual([
      [2, ['Acme', '12,50', '']],
      [3, ['Beta', '3', '']],
    ]);
    expect(result.source.warnings).toEqual([`${path}: column 3 has no name, so its cells are not imported (give it a name in the header to map it)`]);
  });

  test('an unnamed index column and a header with every name: only the first warns', async () => {
    const unnamed = await readAll({ path: files.write(',Name,,Amount\n0,Acme,x,1\n') });
    expect(unnamed.source.warnings).toEqual([expect.stringContaining('columns 1 and 3 have no name, so their cells are not imported')]);
    const named = await readAll({ path: files.write('Name,Amount\nAcme,1\n') });
    expect(named.source.warnings).toEqual([]);
  });
});
