/**
 * Bad CSV files through the built CLI: each gets a clear message and the right exit
 * code (design.md "Exit codes"), never a stack trace, a silent skip, a lost row or a duplicate.
 * Where a report is written, every row of the input is in it exactly once, with a status.
 */
import { describe, expect, test } from '@jest/globals';
import { garbageBytes, HEADER, MAPPING, runCase, windows1252, type BadInputCase } from './corpus.js';

const ACCENTED = 'Café Müller – “special”';

const CASES: BadInputCase[] = [
  {
    name: 'a CSV file that does not exist',
    code: 2,
    says: ['input.csv', 'does not exist'],
  },
  {
    name: 'an empty CSV file',
    csv: '',
    code: 2,
    says: ['input.csv', 'empty', 'no header'],
  },
  {
    name: 'a header and no rows: nothing to do, an empty report',
    csv: `${HEADER}\n`,
    code: 0,
    rows: [],
    check: ({ results }) => expect(results?.[0]?.slice(0, 2)).toEqual(['line', 'status']),
  },
  {
    name: 'two columns with the same name',
    csv: 'id,name,name,account\n1,a,b,Initech\n',
    code: 2,
    says: ['"name" appears 2 times', 'unique name'],
  },
  {
    name: 'a column the mapping reads is missing from the header',
    csv: 'id,name,account\n1,Deal,Initech\n',
    code: 2,
    says: ['column "stage" is not in the header', '"id", "name", "account"'],
  },
  {
    name: 'ragged rows: too many and too few cells',
    csv: `${HEADER}\n1,Deal one,Proposal,Initech,surplus\n2,Deal two\n3,Deal three,Proposal,Initech\n`,
    code: 1,
    rows: [
      [2, 'invalid', 'has 5 cells, the header has 4'],
      [3, 'invalid', 'has 2 cells, the header has 4'],
      [4, 'created'],
    ],
  },
  {
    name: 'money in another currency than the field\'s: those rows invalid, naming both; the field\'s own lands',
    csv: `${HEADER},amount\n1,Deal one,Proposal,Initech,5 USD\n2,Deal two,Proposal,Initech,5 EUR\n3,Deal three,Proposal,Initech,€5\n4,Deal four,Proposal,Initech,$5\n`,
    mapping: { ...MAPPING, fields: { ...MAPPING.fields, amount: 'amount' } },
    code: 1,
    rows: [
      [2, 'created'],
      [3, 'invalid', 'column "amount": "5 EUR" is not an amount in USD, the currency of amount: it is marked EUR'],
      [4, 'invalid', 'it is marked €, and Lightfield does not convert currencies'],
      [5, 'created'],
    ],
    check: ({ emulator }) => expect(emulator.opportunities().map((record) => record.fields['amount']?.value)).toEqual([5, 5]),
  },
  {
    name: 'a quote that is never closed swallows the rest of the file into one invalid row',
    csv: `${HEADER}\n1,Deal one,Proposal,Initech\n2,"Deal two,Proposal,Initech\n3,Deal three,Proposal,Initech\n`,
    code: 1,
    rows: [
      [2, 'created'],
      [3, 'invalid', 'never closed'],
    ],
  },
  {
    name: 'a 1 MB cell: the API refuses that row, the others land',
    csv: `${HEADER}\n1,${'x'.repeat(1024 * 1024)},Proposal,Initech\n2,Deal two,Proposal,Initech\n`,
    code: 1,
    rows: [
      [2, 'failed', 'larger than'],
      [3, 'created'],
    ],
  },
  {
    name: 'a NUL byte in a cell: the row is refused, naming the column',
    csv: `${HEADER}\n1,Deal\u0000one,Proposal,Initech\n2,Deal two,Proposal,Initech\n`,
    code: 1,
    rows: [
      [2, 'invalid', 'column "name": holds a NUL character'],
      [3, 'created'],
    ],
  },
  {
    name: 'a spreadsheet (.xlsx bytes) instead of a CSV',
    csv: Buffer.concat([Buffer.from('PK\u0003\u0004\u0014\u0000\u0006\u0000\u0008\u0000', 'latin1'), garbageBytes(400)]),
    code: 2,
    says: ['does not look like a CSV file', 'save it as CSV'],
  },
  {
    name: 'binary garbage without NUL bytes',
    csv: garbageBytes(3000),
    code: 2,
    says: ['input.csv', 'not text', '--encoding'],
    check: ({ cli }) => expect(cli.stderr.length).toBeLessThan(20_000),
  },
  {
    name: 'binary garbage between good rows: every line reported once, the good rows land',
    csv: Buffer.concat([
      Buffer.from(`${HEADER}\n1,Deal one,Proposal,Initech\n`),
      garbageBytes(600),
      Buffer.from('\n2,Deal two,Proposal,Initech\n'),
    ]),
    code: 1,
    lands: { '1': 'Deal one', '2': 'Deal two' },
    check: ({ results }) => {
      const statuses = results!.slice(1).map((cells) => cells[1]);
      expect(statuses[0]).toBe('created');
      expect(statuses[statuses.length - 1]).toBe('created');
      expect(statuses.slice(1, -1).every((status) => status === 'invalid')).toBe(true);
      expect(statuses.length).toBeGreaterThan(2);
    },
  },
  {
    name: 'a Windows-1252 file read as UTF-8: the row is flagged and the message suggests --encoding',
    csv: windows1252(`${HEADER}\n1,${ACCENTED},Proposal,Initech\n2,Plain,Proposal,Initech\n`),
    code: 1,
    rows: [
      [2, 'invalid', '--encoding windows-1252'],
      [3, 'created'],
    ],
  },
  {
    name: 'the same Windows-1252 file with --encoding windows-1252: the right text lands',
    csv: windows1252(`${HEADER}\n1,${ACCENTED},Proposal,Initech\n2,Plain,Proposal,Initech\n`),
    args: () => ['--encoding', 'windows-1252'],
    code: 0,
    rows: [
      [2, 'created'],
      [3, 'created'],
    ],
    lands: { '1': ACCENTED, '2': 'Plain' },
  },
  {
    name: 'a Windows-1252 header read as UTF-8: the missing-column message suggests --encoding',
    csv: windows1252('id,name,stage,Société\n1,Deal,Proposal,Initech\n'),
    mapping: { ...MAPPING, relationships: { $account: { column: 'Société', lookup: { object: 'account', by: '$name' } } } },
    code: 2,
    says: ['column "Société" is not in the header', '--encoding'],
  },
  {
    name: 'UTF-16 with a byte order mark',
    csv: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${HEADER}\r\n1,${ACCENTED},Proposal,Initech\r\n`, 'utf16le')]),
    code: 0,
    rows: [[2, 'created']],
    lands: { '1': ACCENTED },
  },
  {
    name: 'UTF-16BE with a byte order mark',
    csv: Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(`${HEADER}\r\n1,${ACCENTED},Proposal,Initech\r\n`, 'utf16le').swap16()]),
    code: 0,
    rows: [[2, 'created']],
    lands: { '1': ACCENTED },
  },
  {
    name: '"-" for standard input: not supported, save it to a file',
    csvArgument: () => '-',
    code: 2,
    says: ['standard input', 'save it to a file first'],
  },
  {
    name: 'a zero-width space in a header name: shown escaped, so the name no longer looks right',
    csv: 'id,na\u200bme,stage,account\n1,Deal,Proposal,Initech\n',
    code: 2,
    says: ['column "name" is not in the header', 'did you mean "na\\u200bme"?', '"id", "na\\u200bme", "stage"'],
  },
  {
    name: 'invisible characters in a cell (zero-width space, no-break space): shown escaped in the row\u2019s message',
    csv: `${HEADER}\n1,Deal one,Propo\u200bsal,Initech\n2,Deal two,Proposal,Initech\u00a0Inc\n`,
    code: 1,
    rows: [
      [2, 'invalid', 'column "stage": "Propo\\u200bsal" is not an option of $stage'],
      [3, 'failed', 'no account with $name "Initech\\u00a0Inc"'],
    ],
  },
  {
    name: 'plan over a file with an invalid row: exit 1, nothing written',
    command: 'plan',
    csv: `${HEADER}\n1,Deal one,Verbally Agreed,Initech\n2,Deal two,Proposal,Initech\n`,
    code: 1,
    rows: [
      [2, 'invalid'],
      [3, 'would_create'],
    ],
    check: ({ emulator }) => expect(emulator.stats().requests.write).toBe(0),
  },
];

describe('bad CSV files: what the user gets', () => {
  test.concurrent.each(CASES.map((testCase) => [testCase.name, testCase] as const))('%s', async (_name, testCase) => {
    await runCase(testCase);
  });
});
