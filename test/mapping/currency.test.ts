/**
 * Money in another currency: a cell marked with a currency (`5 EUR`, `€5`, `$5`, `5 USD`) is read
 * only when that is the field's own currency (its definition's typeConfiguration.currency);
 * otherwise the row is invalid, naming both. A mapping that declares the column's amounts to be in
 * another currency makes every row invalid, with a message saying why.
 */
import { describe, expect, test } from '@jest/globals';
import { ImportError } from '../../src/errors.js';
import { compileMapping, mapRow, type FieldSpec } from '../../src/mapping/index.js';
import { opportunityDefinitions } from '../helpers/definitions.js';
import { baseMapping, FILES, HEADER, row } from './compile-helpers.js';

/** The test definitions (amount in USD) plus a EUR and a CAD field. */
function definitions() {
  const result = opportunityDefinitions();
  const usd = result.fieldDefinitions['amount']!;
  result.fieldDefinitions['amountEur'] = { ...usd, id: 'ad_amountEur', slug: 'amountEur', label: 'Amount (EUR)', typeConfiguration: { currency: 'EUR' } };
  result.fieldDefinitions['amountCad'] = { ...usd, id: 'ad_amountCad', slug: 'amountCad', label: 'Amount (CAD)', typeConfiguration: { currency: 'CAD' } };
  return result;
}

function read(key: string, spec: Omit<FieldSpec, 'column'>, cell: string): { value: unknown } | { code: string; message: string } {
  const compiled = compileMapping(baseMapping({ addFields: { [key]: { column: 'Value', ...spec } } }), definitions(), HEADER, FILES);
  const mapped = mapRow(compiled, row({ Value: cell }));
  if (mapped.ok) return { value: mapped.fields[key] };
  return { code: mapped.problems[0]!.code, message: mapped.problems[0]!.message };
}

describe('a cell marked with a currency', () => {
  test.each<[string, string, number]>([
    ['amount', '5 USD', 5],
    ['amount', 'USD 5', 5],
    ['amount', '$5', 5],
    ['amount', 'US$ 1,250.50', 1250.5],
    ['amount', '5', 5],
    ['amountEur', '5 EUR', 5],
    ['amountEur', '€5', 5],
    ['amountEur', '5,50 €', 5.5],
    ['amountCad', 'CA$5', 5],
    ['amountCad', '$5', 5],
  ])('%s takes %j as %d: its own currency', (key, cell, value) => {
    expect(read(key, key === 'amountEur' && cell.includes(',') ? { decimal: ',' } : {}, cell)).toEqual({ value });
  });

  test.each<[string, string, string]>([
    ['amount', '5 EUR', 'EUR'],
    ['amount', 'EUR 5', 'EUR'],
    ['amount', '€5', '€'],
    ['amount', '£5', '£'],
    ['amount', '5 GBP', 'GBP'],
    ['amountEur', '$5', '$'],
    ['amountEur', '5 USD', 'USD'],
    ['amount', '$5 EUR', 'EUR'],
  ])('%s refuses %j: marked %s', (key, cell, mark) => {
    expect(read(key, {}, cell)).toEqual({
      code: 'other_currency',
      message: `column "Value": ${JSON.stringify(cell)} is not an amount in ${key === 'amount' ? 'USD' : 'EUR'}, the currency of ${key}: it is marked ${mark}, and Lightfield does not convert currencies`,
    });
  });

  test('a NUMBER field refuses a cell marked as money', () => {
    expect(read('probability', {}, '5 EUR')).toEqual({
      code: 'money_in_number_field',
      message: 'column "Value": "5 EUR" is not a plain number: it is marked EUR, and probability holds numbers, not money',
    });
  });
});

describe('the mapping\'s "currency"', () => {
  test('the field\'s own currency: bare amounts are read, marks still checked', () => {
    expect(read('amount', { currency: 'USD' }, '5')).toEqual({ value: 5 });
    expect(read('amount', { currency: 'USD' }, '5 EUR')).toMatchObject({ code: 'other_currency' });
  });

  test('another currency than the field\'s: every amount is refused, saying why', () => {
    const refusal = {
      code: 'currency_mismatch',
      message:
        'column "Value": "5" is not an amount in USD, the currency of amount: the mapping says this column holds EUR amounts ("currency": "EUR") ' +
        'and Lightfield does not convert currencies; convert the column to USD first, or map it to a EUR field',
    };
    expect(read('amount', { currency: 'EUR' }, '5')).toEqual(refusal);
    expect(read('amount', { currency: 'EUR' }, '5 EUR')).toMatchObject({ code: 'currency_mismatch' });
    expect(read('amountEur', { currency: 'EUR' }, '5')).toEqual({ value: 5 });
  });

  test('is refused on a NUMBER field and when it is no currency code (exit 2)', () => {
    const compile = (key: string, currency: string) => () =>
      compileMapping(baseMapping({ addFields: { [key]: { column: 'Value', currency } } }), definitions(), HEADER, FILES);
    expect(compile('probability', 'EUR')).toThrow(ImportError);
    expect(compile('probability', 'EUR')).toThrow('"currency" only applies to CURRENCY fields; probability is NUMBER');
    expect(compile('amount', 'EUX')).toThrow('"EUX" is not an ISO 4217 currency code');
  });
});
