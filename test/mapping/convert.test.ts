import { describe, expect, test } from '@jest/globals';
import type { FieldWriteValue } from '../../src/lightfield/types.js';
import type { FieldSpec } from '../../src/mapping/index.js';
import { optionId } from '../helpers/definitions.js';
import { mapValue } from './compile-helpers.js';

type Spec = Omit<FieldSpec, 'column'>;

/** The value sent for `key`, or the refusal code. */
function read(key: string, spec: Spec, cell: string): { value: FieldWriteValue | undefined } | { code: string; message: string } {
  const mapped = mapValue(key, spec, cell);
  if (mapped.ok) return { value: mapped.fields[key] };
  const [problem] = mapped.problems;
  return { code: problem?.code ?? '', message: problem?.message ?? '' };
}

describe('NUMBER and CURRENCY', () => {
  test.each<[string, Spec, string, number]>([
    ['plain integer', {}, '75000', 75000],
    ['dot decimals', {}, '1234.5', 1234.5],
    ['comma thousands with dot decimals', {}, '1,234,567.89', 1234567.89],
    ['dollar sign and space', {}, '$ 1,234.50', 1234.5],
    ['currency code after', {}, '1,234.50 USD', 1234.5],
    ['European format', { decimal: ',' }, '1.234,56', 1234.56],
    ['its own currency sign after', { decimal: ',' }, '1.234,56 $', 1234.56],
    ['space thousands', { decimal: ',' }, '1 234 567,8', 1234567.8],
    ['no-break space thousands', { decimal: ',' }, '1\u00a0234,5', 1234.5],
    ['apostrophe thousands', {}, "1'234.50", 1234.5],
    ['negative', {}, '-42.10', -42.1],
    ['negative after symbol', {}, '$-42', -42],
    ['accounting parentheses', {}, '(1,234.00)', -1234],
    ['leading decimal point', {}, '.5', 0.5],
    ['trailing zeros beyond two decimals', {}, '12.500', 12.5],
    ['thousands only, dot decimal', {}, '1,234', 1234],
    ['thousands only, comma decimal', { decimal: ',' }, '1.234', 1234],
  ])('amount: %s (%j, %j) → %d', (_name, spec, cell, expected) => {
    expect(read('amount', spec, cell)).toEqual({ value: expected });
  });

  test.each<[string, Spec, string, string]>([
    ['letters', {}, '12x', 'not_a_number'],
    ['comma group of two when "." is the decimal', {}, '1,23', 'not_a_number'],
    ['dot group of one when "," is the decimal', { decimal: ',' }, '1.5', 'not_a_number'],
    ['two decimal separators', {}, '1.2.3', 'not_a_number'],
    ['mixed grouping', { decimal: ',' }, '1.234 567,0', 'not_a_number'],
    ['three decimals', {}, '12.345', 'too_many_decimals'],
    ['three decimals, comma', { decimal: ',' }, '1,234', 'too_many_decimals'],
    ['beyond the safe integer range', {}, '9007199254740993', 'out_of_range'],
    ['percent sign', {}, '75%', 'not_a_number'],
    ['scientific notation', {}, '1e5', 'not_a_number'],
    ['a lone sign', {}, '-', 'not_a_number'],
  ])('amount refuses %s: %j %j → %s', (_name, spec, cell, code) => {
    expect(read('amount', spec, cell)).toMatchObject({ code });
  });

  test('the message names the column, the value and the decimal separator', () => {
    expect(read('probability', { decimal: ',' }, '12,5x')).toEqual({
      code: 'not_a_number',
      message: 'column "Value": "12,5x" is not a number (decimal separator ",")',
    });
  });

  test('the message hints at the other decimal separator when the cell reads with it', () => {
    expect(read('amount', {}, '1.234,56')).toMatchObject({ message: expect.stringContaining('"decimal": ","') });
  });
});

describe('CHECKBOX', () => {
  test.each<[Spec, string, boolean]>([
    [{}, 'true', true],
    [{}, 'Yes', true],
    [{}, 'Y', true],
    [{}, '1', true],
    [{}, 'FALSE', false],
    [{}, 'no', false],
    [{}, 'n', false],
    [{}, '0', false],
    [{ trueValues: ['x', 'Ja'], falseValues: ['-', 'Nein'] }, 'ja', true],
    [{ trueValues: ['x', 'Ja'], falseValues: ['-', 'Nein'] }, 'NEIN', false],
  ])('%j reads %j as %s', (spec, cell, expected) => {
    expect(read('isRenewal', spec, cell)).toEqual({ value: expected });
  });

  test.each<[Spec, string]>([
    [{}, 'maybe'],
    [{}, 'on'],
    [{ trueValues: ['x'] }, 'yes'],
  ])('%j refuses %j, listing the accepted texts', (spec, cell) => {
    expect(read('isRenewal', spec, cell)).toMatchObject({ code: 'not_a_boolean', message: expect.stringContaining('is not one of') });
  });
});

describe('DATETIME', () => {
  test.each<[string, Spec, string, string]>([
    ['ISO date at midnight UTC', {}, '2026-10-31', '2026-10-31T00:00:00.000+00:00'],
    ['ISO date at midnight in the zone', { timezone: 'Europe/Berlin' }, '2026-10-31', '2026-10-31T00:00:00.000+01:00'],
    ['ISO date in summer time', { timezone: 'Europe/Berlin' }, '2026-07-01', '2026-07-01T00:00:00.000+02:00'],
    ['ISO date-time with offset keeps it', { timezone: 'Europe/Berlin' }, '2026-01-12T10:00:00-05:00', '2026-01-12T10:00:00.000-05:00'],
    ['ISO date-time with Z', {}, '2026-01-12T10:00:00Z', '2026-01-12T10:00:00.000+00:00'],
    ['ISO date-time with a space', { timezone: 'America/New_York' }, '2026-01-12 14:30', '2026-01-12T14:30:00.000-05:00'],
    ['dd/MM/yyyy in Berlin', { format: 'dd/MM/yyyy', timezone: 'Europe/Berlin' }, '12/01/2026', '2026-01-12T00:00:00.000+01:00'],
    ['dd/MM/yyyy without padding', { format: 'dd/MM/yyyy' }, '1/2/2026', '2026-02-01T00:00:00.000+00:00'],
    ['MM/dd/yyyy HH:mm', { format: 'MM/dd/yyyy HH:mm', timezone: 'America/Chicago' }, '03/15/2026 09:05', '2026-03-15T09:05:00.000-05:00'],
    ['type date drops the time', { type: 'date', timezone: 'Europe/Paris' }, '2026-01-12T23:30:00', '2026-01-12T00:00:00.000+01:00'],
  ])('%s: %j %j', (_name, spec, cell, expected) => {
    expect(read('closeDate', spec, cell)).toEqual({ value: expected });
  });

  test.each<[string, Spec, string, string]>([
    ['not a date', {}, 'next week', 'bad_date'],
    ['a year alone', {}, '2026', 'bad_date'],
    ['no such day', {}, '2026-02-30', 'bad_date'],
    ['wrong format', { format: 'dd/MM/yyyy' }, '2026-01-12', 'bad_date'],
    ['no such day in the format', { format: 'dd/MM/yyyy' }, '31/02/2026', 'bad_date'],
    ['trailing text', { format: 'dd/MM/yyyy' }, '12/01/2026 x', 'bad_date'],
    ['a time skipped by daylight saving', { timezone: 'Europe/Berlin' }, '2026-03-29T02:30', 'bad_date'],
    ['a time repeated by daylight saving', { timezone: 'Europe/Berlin' }, '2026-10-25T02:30', 'ambiguous_date'],
  ])('refuses %s: %j %j → %s', (_name, spec, cell, code) => {
    expect(read('closeDate', spec, cell)).toMatchObject({ code });
  });

  test('the refusal names the expected format', () => {
    expect(read('closeDate', { format: 'dd/MM/yyyy' }, '2026-01-12')).toMatchObject({
      message: 'column "Value": "2026-01-12" is not a date in the format "dd/MM/yyyy"',
    });
  });
});

describe('EMAIL, URL, TELEPHONE, SOCIAL_HANDLE', () => {
  test.each<[string, Spec, string, FieldWriteValue]>([
    ['contactEmails', {}, 'ada@example.com', ['ada@example.com']],
    ['contactEmails', { split: ';' }, 'ada@example.com; bob@example.org ;', ['ada@example.com', 'bob@example.org']],
    ['contactEmails', { split: ',' }, 'a@example.com,a@example.com', ['a@example.com']],
    ['website', {}, 'example.com/pricing', 'https://example.com/pricing'],
    ['website', {}, 'http://example.com', 'http://example.com'],
    ['phone', {}, '+1 (555) 123-4567', ['+15551234567']],
    ['phone', {}, '030 1234567 ext. 12', ['0301234567 x12']],
    ['phone', { split: '/' }, '+49 30 1234567 / +1 555 123 4567', ['+49301234567', '+15551234567']],
    ['linkedin', {}, 'https://www.linkedin.com/in/ada', 'https://www.linkedin.com/in/ada'],
    ['linkedin', {}, 'linkedin.com/company/acme', 'https://linkedin.com/company/acme'],
  ])('%s %j reads %j', (key, spec, cell, expected) => {
    expect(read(key, spec, cell)).toEqual({ value: expected });
  });

  test.each<[string, Spec, string, string]>([
    ['contactEmails', {}, 'Ada Lovelace', 'bad_email'],
    ['contactEmails', {}, 'ada@example.com; bob@example.org', 'bad_email'],
    ['contactEmails', { split: ';' }, 'ada@example.com; bob', 'bad_email'],
    ['website', {}, 'not a url', 'bad_url'],
    ['website', {}, 'ftp://example.com', 'bad_url'],
    ['website', { split: ';' }, 'a.com;b.com', 'too_many_values'],
    ['phone', {}, 'call me', 'bad_phone'],
    ['phone', {}, '12345', 'bad_phone'],
    ['phone', {}, '+0301234567', 'bad_phone'],
    ['linkedin', {}, 'https://twitter.com/ada', 'bad_social_handle'],
    ['linkedin', {}, '@ada', 'bad_social_handle'],
    ['linkedin', {}, 'https://linkedin.com/feed', 'bad_social_handle'],
  ])('%s %j refuses %j → %s', (key, spec, cell, code) => {
    expect(read(key, spec, cell)).toMatchObject({ code });
  });
});

describe('SINGLE_SELECT and MULTI_SELECT', () => {
  const stageAliases = { appointmentscheduled: 'Prospecting', closedwon: 'Closed Won', lost: optionId('$stage', 'Closed Lost') };

  test.each<[string, Spec, string, FieldWriteValue]>([
    ['priority', {}, 'High', optionId('priority', 'High')],
    ['priority', {}, '  hIGH ', optionId('priority', 'High')],
    ['priority', {}, optionId('priority', 'Low'), optionId('priority', 'Low')],
    ['$stage', {}, 'closed   won', optionId('$stage', 'Closed Won')],
    ['$stage', { values: stageAliases }, 'closedwon', optionId('$stage', 'Closed Won')],
    ['$stage', { values: stageAliases }, 'AppointmentScheduled', optionId('$stage', 'Prospecting')],
    ['$stage', { values: stageAliases }, 'lost', optionId('$stage', 'Closed Lost')],
    ['$stage', { values: stageAliases }, 'Negotiation', optionId('$stage', 'Negotiation')],
    ['tags', {}, 'SMB', [optionId('tags', 'SMB')]],
    ['tags', { split: ';' }, 'Enterprise; renewal;ENTERPRISE', [optionId('tags', 'Enterprise'), optionId('tags', 'Renewal')]],
    ['tags', { split: ';', values: { ent: 'Enterprise' } }, 'ent;Partner', [optionId('tags', 'Enterprise'), optionId('tags', 'Partner')]],
  ])('%s %j reads %j', (key, spec, cell, expected) => {
    const mapped = mapValue(key, spec, cell);
    const value = mapped.ok ? mapped.fields[key] : mapped.problems;
    expect(value).toEqual(expected);
  });

  test('an unknown option is refused with the valid labels', () => {
    expect(read('priority', {}, 'Urgent')).toEqual({
      code: 'unknown_option',
      message: 'column "Value": "Urgent" is not an option of priority (options: "Low", "Medium", "High")',
    });
  });

  test('an unknown stage lists every stage label', () => {
    const result = read('$stage', {}, 'appointmentscheduled');
    expect(result).toMatchObject({ code: 'unknown_option' });
    for (const label of ['Prospecting', 'Qualification', 'Proposal', 'Negotiation', 'Closed Won', 'Closed Lost']) {
      expect(result).toMatchObject({ message: expect.stringContaining(`"${label}"`) });
    }
  });

  test('one unknown value of a multi-select names it', () => {
    expect(read('tags', { split: ';' }, 'Enterprise;Gold')).toMatchObject({
      code: 'unknown_option',
      message: expect.stringContaining('"Gold" is unknown'),
    });
  });

  test('a multi-select cell with separators but no split is refused with the labels', () => {
    expect(read('tags', {}, 'Enterprise;SMB')).toMatchObject({ code: 'unknown_option' });
  });
});

describe('ADDRESS and FULL_NAME', () => {
  test.each<[string, string, FieldWriteValue]>([
    ['billingAddress', '1 Main St, Springfield', { street: '1 Main St, Springfield' }],
    ['billingAddress', '{"street":"Unter den Linden 1","city":"Berlin","country":"de"}', { street: 'Unter den Linden 1', city: 'Berlin', country: 'DE' }],
    ['primaryContact', 'Ada Lovelace', { firstName: 'Ada', lastName: 'Lovelace' }],
    ['primaryContact', 'Lovelace, Ada', { firstName: 'Ada', lastName: 'Lovelace' }],
    ['primaryContact', 'Mary Ann  Evans', { firstName: 'Mary Ann', lastName: 'Evans' }],
    ['primaryContact', 'Cher', { firstName: 'Cher' }],
  ])('%s reads %j', (key, cell, expected) => {
    expect(read(key, {}, cell)).toEqual({ value: expected });
  });

  test.each<[string, string, string]>([
    ['billingAddress', '{"city": "Berlin", "country": "Germany"}', 'bad_address'],
    ['billingAddress', '{"town": "Berlin"}', 'bad_address'],
    ['billingAddress', '{not json', 'bad_address'],
    ['primaryContact', 'Lovelace, Ada, Countess', 'bad_name'],
    ['primaryContact', ', Ada', 'bad_name'],
  ])('%s refuses %j → %s', (key, cell, code) => {
    expect(read(key, {}, cell)).toMatchObject({ code });
  });
});

describe('TEXT, empty cells, defaults and trim', () => {
  test.each<[string, Spec, string, FieldWriteValue | undefined]>([
    ['trimmed by default', {}, '  call back  ', 'call back'],
    ['kept as is with trim false', { trim: false }, '  call back  ', '  call back  '],
    ['empty cell is left out', {}, '', undefined],
    ['blank cell is left out', {}, '   ', undefined],
    ['empty cell takes the default', { default: 'none yet' }, '', 'none yet'],
    ['default null clears on update', { default: null }, ' ', null],
  ])('nextStep %s', (_name, spec, cell, expected) => {
    expect(read('nextStep', spec, cell)).toEqual({ value: expected });
  });

  test('a default is converted like a cell', () => {
    expect(read('$stage', { default: 'prospecting' }, '')).toEqual({ value: optionId('$stage', 'Prospecting') });
  });

  test('an empty required field is a missing value', () => {
    expect(read('$name', {}, '')).toEqual({ code: 'missing_value', message: 'column "Value": empty, but $name is required' });
  });

  test('a multi-select cell of separators only counts as empty', () => {
    expect(read('tags', { split: ';' }, ' ; ;')).toEqual({ value: undefined });
  });
});
