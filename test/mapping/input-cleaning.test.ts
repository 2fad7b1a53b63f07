/**
 * Input cleaning in the mapping: `nullValues`, `round` and `range`, as a row's mapping result
 * shows them, and the mistakes in them the compiler refuses before any row is read.
 */
import { describe, expect, test } from '@jest/globals';
import { mapRow, parseMapping } from '../../src/mapping/index.js';
import type { FieldSpec, MappedRow, MappingFile } from '../../src/mapping/index.js';
import { baseMapping, compile, compileError, mapValue, row } from './compile-helpers.js';

type Spec = Omit<FieldSpec, 'column'>;

/** What a user sees of one mapped cell: the value sent and the row's notes, or the first problem. */
function outcome(mapped: MappedRow, key: string): { value: unknown; notes: string[] } | { code: string; message: string } {
  if (!mapped.ok) return { code: mapped.problems[0]?.code ?? '', message: mapped.problems[0]?.message ?? '' };
  return { value: mapped.fields[key], notes: (mapped.notes ?? []).map((note) => note.message) };
}

/** The mapped row, failing the test when the row was refused. */
function accepted(mapped: MappedRow): Extract<MappedRow, { ok: true }> {
  if (!mapped.ok) throw new Error(`expected the row to map, got ${JSON.stringify(mapped.problems)}`);
  return mapped;
}

describe('nullValues: cells that mean "no value"', () => {
  const NULLS = ['\\N', 'NULL', '#N/A'];
  const withNulls = (extra: Parameters<typeof baseMapping>[0] = {}): MappingFile => baseMapping({ nullValues: NULLS, ...extra });

  test.each<[string, MappingFile, Record<string, string>, (mapped: MappedRow) => void]>([
    [
      'an optional field is left out',
      withNulls({ addFields: { amount: 'Amount' } }),
      { Amount: '\\N' },
      (mapped) => expect(accepted(mapped).fields).not.toHaveProperty('amount'),
    ],
    [
      'compared after trimming',
      withNulls({ addFields: { amount: 'Amount' } }),
      { Amount: '  NULL ' },
      (mapped) => expect(accepted(mapped).fields).not.toHaveProperty('amount'),
    ],
    [
      'the default applies',
      withNulls({ addFields: { amount: { column: 'Amount', default: 0 } } }),
      { Amount: '#N/A' },
      (mapped) => expect(mapped).toMatchObject({ ok: true, fields: { amount: 0 } }),
    ],
    [
      'a required field makes the row invalid as if empty',
      withNulls(),
      { 'Deal Name': '\\N' },
      (mapped) =>
        expect(mapped).toMatchObject({
          ok: false,
          problems: [{ code: 'missing_value', param: 'Deal Name', message: 'column "Deal Name": empty, but $name is required' }],
        }),
    ],
    [
      'a relationship is left out',
      withNulls({ addRelationships: { $owner: { column: 'Owner Email', lookup: { object: 'member', by: '$email' } } } }),
      { 'Owner Email': 'NULL' },
      (mapped) => expect(accepted(mapped).relationships).not.toHaveProperty('$owner'),
    ],
    [
      'an identity of null values is empty',
      withNulls({ identity: ['Record ID'] }),
      { 'Record ID': '\\N' },
      (mapped) => expect(mapped).toMatchObject({ ok: false, identity: '[""]', problems: [{ code: 'missing_identity' }] }),
    ],
  ])('%s', (_name, mapping, cells, check) => {
    check(mapRow(compile(mapping), row(cells)));
  });

  test('the comparison is case-sensitive and exact: "null" is not "NULL"', () => {
    const compiled = compile(withNulls({ addFields: { amount: 'Amount' } }));
    expect(outcome(mapRow(compiled, row({ Amount: 'null' })), 'amount')).toMatchObject({ code: 'not_a_number' });
    expect(outcome(mapRow(compiled, row({ Amount: 'N' })), 'amount')).toMatchObject({ code: 'not_a_number' });
  });

  test('without nullValues, "\\N" is a cell like any other', () => {
    const compiled = compile(baseMapping({ addFields: { amount: 'Amount' } }));
    expect(outcome(mapRow(compiled, row({ Amount: '\\N' })), 'amount')).toMatchObject({
      code: 'not_a_number',
      message: 'column "Amount": "\\\\N" is not a number (decimal separator ".")',
    });
  });
});

describe('round: half to even, never silent', () => {
  test.each<[string, Spec, string, number, string]>([
    ['down', { round: 2 }, '1234.561', 1234.56, '"1234.561" rounded to 1234.56 ("round": 2)'],
    ['up', { round: 2 }, '1234.567', 1234.57, '"1234.567" rounded to 1234.57 ("round": 2)'],
    ['a tie to the even digit below', { round: 2 }, '2.345', 2.34, '"2.345" rounded to 2.34 ("round": 2)'],
    ['a tie to the even digit above', { round: 2 }, '2.355', 2.36, '"2.355" rounded to 2.36 ("round": 2)'],
    ['a tie that floating point would get wrong', { round: 2 }, '1.005', 1, '"1.005" rounded to 1 ("round": 2)'],
    ['more than half is up even on an even digit', { round: 2 }, '0.1251', 0.13, '"0.1251" rounded to 0.13 ("round": 2)'],
    ['negative', { round: 2 }, '-0.125', -0.12, '"-0.125" rounded to -0.12 ("round": 2)'],
    ['a carry into the integer part', { round: 2 }, '9999.999', 10000, '"9999.999" rounded to 10000 ("round": 2)'],
    ['comma decimals and grouping', { round: 2, decimal: ',' }, '1.234,5678', 1234.57, '"1.234,5678" rounded to 1234.57 ("round": 2)'],
    ['to whole numbers, tie down to even', { round: 0 }, '12.5', 12, '"12.5" rounded to 12 ("round": 0)'],
    ['to whole numbers, tie up to even', { round: 0 }, '13.5', 14, '"13.5" rounded to 14 ("round": 0)'],
    ['to whole numbers, two decimals', { round: 0 }, '7.25', 7, '"7.25" rounded to 7 ("round": 0)'],
    ['to one place', { round: 1 }, '2.25', 2.2, '"2.25" rounded to 2.2 ("round": 1)'],
    ['a currency amount', { round: 2 }, '$1,234.565', 1234.56, '"$1,234.565" rounded to 1234.56 ("round": 2)'],
  ])('%s: %j %s → %d with a note', (_name, spec, cell, value, note) => {
    expect(outcome(mapValue('amount', spec, cell), 'amount')).toEqual({ value, notes: [`column "Value": ${note}`] });
  });

  test.each<[string, Spec, string, number]>([
    ['as many decimals as allowed', { round: 2 }, '1234.56', 1234.56],
    ['trailing zeros are not decimals', { round: 1 }, '12.500', 12.5],
    ['a whole number with grouping', { round: 0, decimal: ',' }, '1.000', 1000],
  ])('no note when nothing changes: %s', (_name, spec, cell, value) => {
    expect(outcome(mapValue('probability', spec, cell), 'probability')).toEqual({ value, notes: [] });
  });

  test('without round, three decimals make the row invalid and the message names the option', () => {
    expect(outcome(mapValue('amount', {}, '1234.565'), 'amount')).toEqual({
      code: 'too_many_decimals',
      message: 'column "Value": "1234.565" is not a number with at most 2 decimal places (to round such cells, add "round": 2 to the field)',
    });
  });

  test('a row with a rounded cell and a bad cell is invalid, not noted', () => {
    const compiled = compile(baseMapping({ addFields: { amount: { column: 'Amount', round: 2 }, probability: 'Value' } }));
    expect(mapRow(compiled, row({ Amount: '1.234', Value: 'many' }))).toMatchObject({ ok: false, problems: [{ param: 'Value' }] });
  });
});

describe('range: values outside make the row invalid', () => {
  test.each<[string, string, Spec, string, unknown]>([
    ['a number inside', 'probability', { range: { min: 0, max: 100 } }, '55', 55],
    ['a number on the lower bound', 'probability', { range: { min: 0, max: 100 } }, '0', 0],
    ['a number on the upper bound', 'probability', { range: { min: 0, max: 100 } }, '100', 100],
    ['a date inside', 'closeDate', { format: 'dd.MM.yyyy', range: { min: '2000-01-01', max: '2100-12-31' } }, '24.12.2026', '2026-12-24T00:00:00.000+00:00'],
    ['any time on the last day of a date-only max', 'closeDate', { format: 'dd.MM.yyyy HH:mm', range: { max: '2100-12-31' } }, '31.12.2100 23:59', '2100-12-31T23:59:00.000+00:00'],
    ['the first moment of a date-only min', 'closeDate', { format: 'dd.MM.yyyy', range: { min: '2000-01-01' } }, '01.01.2000', '2000-01-01T00:00:00.000+00:00'],
    [
      'a date-only bound in the field\'s time zone',
      'closeDate',
      { format: 'dd.MM.yyyy HH:mm', timezone: 'Europe/Berlin', range: { max: '2026-06-30' } },
      '30.06.2026 23:30',
      '2026-06-30T23:30:00.000+02:00',
    ],
    ['a rounded number checked after rounding', 'amount', { round: 2, range: { max: 10 } }, '9.999', 10],
  ])('%s passes', (_name, key, spec, cell, value) => {
    expect(outcome(mapValue(key, spec, cell), key)).toMatchObject({ value });
  });

  test.each<[string, string, Spec, string, string]>([
    ['a placeholder year', 'closeDate', { format: 'dd.MM.yyyy', range: { min: '2000-01-01', max: '2100-12-31' } }, '31.12.3999', 'a date from 2000-01-01 to 2100-12-31'],
    ['a placeholder year with only a max', 'closeDate', { format: 'dd.MM.yyyy', range: { max: '2100-12-31' } }, '31.12.3999', 'a date no later than 2100-12-31'],
    ['a date before min', 'closeDate', { format: 'dd.MM.yyyy', range: { min: '2000-01-01' } }, '01.01.1900', 'a date no earlier than 2000-01-01'],
    [
      'a date-time past an exact bound',
      'closeDate',
      { range: { max: '2026-06-30T18:00:00+02:00' } },
      '2026-06-30T18:00:01+02:00',
      'a date no later than 2026-06-30T18:00:00+02:00',
    ],
    ['a number above max', 'probability', { range: { min: 0, max: 100 } }, '150', 'a number from 0 to 100'],
    ['a number below min', 'probability', { range: { min: 0 } }, '-1', 'a number of at least 0'],
    ['an amount above max', 'amount', { decimal: ',', range: { max: 1000000 } }, '1.000.000,01', 'a number of at most 1000000'],
  ])('%s is out_of_range, naming the column, the value and the range', (_name, key, spec, cell, expected) => {
    expect(outcome(mapValue(key, spec, cell), key)).toEqual({
      code: 'out_of_range',
      message: `column "Value": ${JSON.stringify(cell)} is not ${expected} (the field's "range")`,
    });
  });

  test('an empty or null cell is not checked', () => {
    const compiled = compile(baseMapping({ nullValues: ['31.12.3999'], addFields: { closeDate: { column: 'Close Date', format: 'dd.MM.yyyy', range: { max: '2100-12-31' } } } }));
    expect(accepted(mapRow(compiled, row({ 'Close Date': '31.12.3999' }))).fields).not.toHaveProperty('closeDate');
  });
});

describe('compileMapping() refuses cleaning options that cannot work', () => {
  test.each<[string, Partial<Record<string, string | FieldSpec>>, string[]]>([
    ['round on a date', { closeDate: { column: 'Close Date', round: 2 } }, ['fields.closeDate.round', '"round" only applies to NUMBER/CURRENCY fields']],
    ['range on a text', { nextStep: { column: 'Value', range: { max: 3 } } }, ['fields.nextStep.range', '"range" only applies to NUMBER/CURRENCY/DATETIME fields']],
    ['a date bound that is not ISO 8601', { closeDate: { column: 'Close Date', range: { max: '31.12.2100' } } }, ['fields.closeDate.range.max', '"31.12.2100" is not an ISO 8601 date']],
    ['a number bound on a date', { closeDate: { column: 'Close Date', range: { min: 2000 } } }, ['fields.closeDate.range.min', '2000 is not an ISO 8601 date']],
    ['a text bound on a number', { amount: { column: 'Amount', range: { max: '1000' } } }, ['fields.amount.range.max', '"1000" is not a number']],
    ['min above max', { amount: { column: 'Amount', range: { min: 10, max: 1 } } }, ['fields.amount.range', 'min (10) is above max (1): no value would pass']],
    ['a default outside the range', { amount: { column: 'Amount', default: -5, range: { min: 0 } } }, ['fields.amount.default', '-5 is not a number of at least 0']],
  ])('%s', (_name, addFields, says) => {
    const error = compileError(baseMapping({ addFields: addFields as Record<string, string | FieldSpec> }));
    expect(error.code).toBe('mapping_invalid');
    for (const text of says) expect(error.message).toContain(text);
  });
});

describe('a file without a header line', () => {
  test('a mapping read against a first line of data says to list the columns', () => {
    const error = compileError(baseMapping(), ['1001', 'Acme deal', 'Proposal', '\\N', 'ada.lovelace@example.com']);
    expect(error.code).toBe('mapping_missing_column');
    expect(error.message).toContain('column "Deal Name" is not in the header of deals.csv');
    expect(error.message).toContain('The first line looks like data, not column names ("\\N", "ada.lovelace@example.com", "1001")');
    expect(error.message).toContain('list its column names in the mapping\'s "columns"');
  });

  test('a header of names gets no such hint', () => {
    const error = compileError(baseMapping(), ['Record ID', 'Name', 'Deal Stage', 'Company ID']);
    expect(error.message).toContain('column "Deal Name" is not in the header');
    expect(error.message).not.toContain('looks like data');
  });
});

describe('the schema takes the new keys and checks their shape', () => {
  const valid = {
    object: 'opportunity',
    columns: ['id', 'name', 'stage', 'account'],
    nullValues: ['\\N', 'NULL'],
    fields: { $name: 'name', $stage: 'stage', amount: { column: 'amount', round: 2, range: { min: 0 } }, closeDate: { column: 'date', range: { max: '2100-12-31' } } },
    relationships: { $account: { column: 'account', lookup: { object: 'account', by: '$name' } } },
  };

  test('a mapping with every new key is valid', async () => {
    await expect(parseMapping(JSON.stringify(valid), 'mapping.json')).resolves.toEqual(valid);
  });

  test.each<[string, unknown, string]>([
    ['round above 2', { ...valid, fields: { ...valid.fields, amount: { column: 'amount', round: 3 } } }, 'fields.amount.round'],
    ['round not whole', { ...valid, fields: { ...valid.fields, amount: { column: 'amount', round: 1.5 } } }, 'fields.amount.round'],
    ['an empty range', { ...valid, fields: { ...valid.fields, amount: { column: 'amount', range: {} } } }, 'fields.amount.range'],
    ['an unknown range key', { ...valid, fields: { ...valid.fields, amount: { column: 'amount', range: { maximum: 3 } } } }, 'fields.amount.range'],
    ['a column name twice', { ...valid, columns: ['id', 'id'] }, 'columns'],
    ['no columns', { ...valid, columns: [] }, 'columns'],
    ['a null value that is not text', { ...valid, nullValues: [0] }, 'nullValues'],
  ])('%s is a schema error naming the key', async (_name, document, path) => {
    await expect(parseMapping(JSON.stringify(document), 'mapping.json')).rejects.toMatchObject({
      code: 'mapping_schema',
      message: expect.stringContaining(path),
    });
  });
});
