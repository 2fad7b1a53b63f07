import { describe, expect, test } from '@jest/globals';
import { mapRow } from '../../src/mapping/index.js';
import { optionId } from '../helpers/definitions.js';
import { baseMapping, compile, HEADER, row } from './compile-helpers.js';

describe('mapRow()', () => {
  const compiled = compile(
    baseMapping({
      identity: ['Record ID'],
      addFields: {
        amount: { column: 'Amount', decimal: ',' },
        closeDate: { column: 'Close Date', format: 'dd/MM/yyyy', timezone: 'Europe/Berlin' },
        tags: { column: 'Tags', split: ';' },
        source: { value: 'HubSpot import' },
      },
      addRelationships: { $owner: { column: 'Owner Email', lookup: { object: 'member', by: '$email' } } },
    }),
  );

  test('maps a good row to the bare values the API takes', () => {
    const cells = row({ Amount: '1.234,56', 'Close Date': '12/01/2026', Tags: 'Enterprise;SMB', 'Owner Email': 'ada@example.com' });
    expect(mapRow(compiled, cells)).toEqual({
      ok: true,
      identity: '["r1"]',
      fields: {
        $name: 'Acme Renewal',
        $stage: optionId('$stage', 'Proposal'),
        amount: 1234.56,
        closeDate: '2026-01-12T00:00:00.000+01:00',
        tags: [optionId('tags', 'Enterprise'), optionId('tags', 'SMB')],
        source: 'HubSpot import',
      },
      relationships: {
        $account: { kind: 'ids', ids: ['acc_1'] },
        $owner: { kind: 'lookup', object: 'member', by: '$email', value: 'ada@example.com', column: 'Owner Email' },
      },
    });
  });

  test('collects every problem of the row, each naming its column', () => {
    const cells = row({ 'Deal Name': ' ', 'Deal Stage': 'Won-ish', Amount: '12,5x', 'Close Date': '2026-01-12', 'Company ID': '' });
    const mapped = mapRow(compiled, cells);
    expect(mapped.ok).toBe(false);
    if (mapped.ok) return;
    expect(mapped.identity).toBe('["r1"]');
    expect(mapped.problems).toEqual([
      { type: 'missing_value', code: 'missing_value', param: 'Deal Name', message: 'column "Deal Name": empty, but $name is required' },
      {
        type: 'invalid_value',
        code: 'unknown_option',
        param: 'Deal Stage',
        message: expect.stringMatching(/^column "Deal Stage": "Won-ish" is not an option of \$stage \(options: "Prospecting",/),
        value: 'Won-ish',
      },
      { type: 'invalid_value', code: 'not_a_number', param: 'Amount', message: 'column "Amount": "12,5x" is not a number (decimal separator ",")', value: '12,5x' },
      { type: 'invalid_value', code: 'bad_date', param: 'Close Date', message: 'column "Close Date": "2026-01-12" is not a date in the format "dd/MM/yyyy"', value: '2026-01-12' },
      { type: 'missing_value', code: 'missing_value', param: 'Company ID', message: 'column "Company ID": empty, but $account is required' },
    ]);
  });

  test('a long value is shortened in the message', () => {
    const mapped = mapRow(compiled, row({ Amount: 'x'.repeat(500) }));
    expect(mapped.ok).toBe(false);
    if (mapped.ok) return;
    const message = mapped.problems[0]?.message ?? '';
    expect(message).toContain(`"${'x'.repeat(79)}…"`);
    expect(message.length).toBeLessThan(200);
  });

  test('a short row reads its missing cells as empty', () => {
    const mapped = mapRow(compiled, ['r1', 'Acme']);
    expect(mapped).toMatchObject({ ok: false, problems: [{ param: 'Deal Stage' }, { param: 'Company ID' }] });
  });

  test('optional empty cells are left out, not sent as empty', () => {
    const mapped = mapRow(compiled, row({}));
    expect(mapped.ok && Object.keys(mapped.fields).sort()).toEqual(['$name', '$stage', 'source']);
    expect(mapped.ok && Object.keys(mapped.relationships)).toEqual(['$account']);
  });
});

describe('relationships of IDs', () => {
  test.each<[string, Record<string, unknown>, string, unknown]>([
    ['one ID', {}, 'acc_1', { kind: 'ids', ids: ['acc_1'] }],
    ['an ID with spaces around', {}, '  acc_1 ', { kind: 'ids', ids: ['acc_1'] }],
    ['a default when empty', { default: 'acc_9' }, '', { kind: 'ids', ids: ['acc_9'] }],
    ['split IDs, repeated once', { split: '|' }, 'acc_1|acc_1', { kind: 'ids', ids: ['acc_1'] }],
  ])('$account: %s', (_name, spec, cell, expected) => {
    const compiled = compile(baseMapping({ addRelationships: { $account: { column: 'Company ID', ...spec } } }));
    expect(mapRow(compiled, row({ 'Company ID': cell }))).toMatchObject({ ok: true, relationships: { $account: expected } });
  });

  test.each<[string, Record<string, unknown>, string, string, string]>([
    ['a name where an ID belongs', {}, 'Acme Corp', 'not_an_id', 'is not a Lightfield account ID (an ID like acc_…); to find accounts by name, email or source ID, add "lookup"'],
    ['an ID of another object', {}, 'mem_1', 'wrong_id_type', '"mem_1" is a Lightfield member ID, but $account links account records'],
    ['two IDs for a single account', { split: ';' }, 'acc_1;acc_2', 'too_many_values', 'links a single account'],
  ])('$account refuses %s', (_name, spec, cell, code, fragment) => {
    const compiled = compile(baseMapping({ addRelationships: { $account: { column: 'Company ID', ...spec } } }));
    const mapped = mapRow(compiled, row({ 'Company ID': cell }));
    expect(mapped).toMatchObject({ ok: false, problems: [{ type: 'invalid_value', code, param: 'Company ID', message: expect.stringContaining(fragment) }] });
  });

  test('a constant lookup becomes a lookup on every row', () => {
    const compiled = compile(baseMapping({ addRelationships: { $owner: { value: 'ada@example.com', lookup: { object: 'member', by: '$email' } } } }));
    expect(mapRow(compiled, row({}))).toMatchObject({
      ok: true,
      relationships: { $owner: { kind: 'lookup', object: 'member', by: '$email', value: 'ada@example.com' } },
    });
  });
});

describe('identity', () => {
  test.each<[string, string[] | undefined, Record<string, string>, string]>([
    ['identity columns, trimmed', ['Record ID'], { 'Record ID': '  42 ' }, '["42"]'],
    ['several identity columns in mapping order', ['Deal Name', 'Record ID'], { 'Record ID': '42' }, '["Acme Renewal","42"]'],
    ['without identity: every column read', undefined, { 'Record ID': '42' }, '["Acme Renewal","Proposal","acc_1"]'],
  ])('%s', (_name, identity, cells, expected) => {
    const compiled = compile(identity === undefined ? baseMapping() : baseMapping({ identity }));
    expect(mapRow(compiled, row(cells)).identity).toBe(expected);
  });

  test('an empty identity cell makes the row invalid when identity is given', () => {
    const compiled = compile(baseMapping({ identity: ['Record ID'] }));
    expect(mapRow(compiled, row({ 'Record ID': ' ' }))).toMatchObject({
      ok: false,
      identity: '[""]',
      problems: [{ type: 'missing_value', code: 'missing_identity', param: 'Record ID' }],
    });
  });

  test('the identity does not depend on cells outside it', () => {
    const compiled = compile(baseMapping({ identity: ['Record ID'], addFields: { amount: 'Amount' } }));
    expect(mapRow(compiled, row({ Amount: '1' })).identity).toBe(mapRow(compiled, row({ Amount: '2' })).identity);
  });

  test('header order of the file does not change the identity', () => {
    const reversedHeader = [...HEADER].reverse();
    const forward = mapRow(compile(baseMapping()), row({}));
    const reversed = mapRow(compile(baseMapping(), reversedHeader), row({}, reversedHeader));
    expect(reversed.identity).toBe(forward.identity);
  });
});
