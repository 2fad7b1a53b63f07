import { describe, expect, test } from '@jest/globals';
import type { MappingFile } from '../../src/mapping/index.js';
import { baseMapping, compile, compileError, HEADER } from './compile-helpers.js';

describe('compileMapping() refuses a mapping that cannot work', () => {
  test.each<[string, MappingFile, string, string[]]>([
    [
      'an unknown field, suggesting the key with that label',
      baseMapping({ addFields: { 'Close Date': 'Close Date' } }),
      'mapping_unknown_field',
      ['fields.Close Date', 'no field "Close Date"', 'Did you mean "closeDate" (label "Close Date")?'],
    ],
    [
      'a misspelt field key',
      baseMapping({ addFields: { ammount: 'Amount' } }),
      'mapping_unknown_field',
      ['Did you mean "amount"', 'Defined fields: $name (Name)'],
    ],
    ['a relationship under fields', baseMapping({ addFields: { $owner: 'Owner Email' } }), 'mapping_unknown_field', ['$owner is a relationship']],
    [
      'an unknown relationship',
      baseMapping({ addRelationships: { $ownr: 'Owner Email' } }),
      'mapping_unknown_relationship',
      ['relationships.$ownr', 'Did you mean "$owner"'],
    ],
    ['a field under relationships', baseMapping({ addRelationships: { amount: 'Amount' } }), 'mapping_unknown_relationship', ['amount is a field']],
    ['a read-only field', baseMapping({ addFields: { $opportunityStatus: 'Value' } }), 'mapping_read_only', ['fields.$opportunityStatus', 'read-only']],
    ['a read-only AI field', baseMapping({ addFields: { $summary: 'Value' } }), 'mapping_read_only', ['$summary ("AI Summary")']],
    ['a read-only relationship', baseMapping({ addRelationships: { $task: 'Value' } }), 'mapping_read_only', ['relationships.$task']],
    [
      'a column missing from the header, suggesting a near match',
      baseMapping({ addFields: { amount: 'amount ' } }),
      'mapping_missing_column',
      ['fields.amount', 'column "amount "', 'deals.csv', 'did you mean "Amount"?', '"Record ID", "Deal Name"'],
    ],
    [
      'a relationship column missing from the header',
      baseMapping({ addRelationships: { $owner: { column: 'Owner', lookup: { object: 'member', by: '$email' } } } }),
      'mapping_missing_column',
      ['relationships.$owner', 'column "Owner"'],
    ],
    ['an identity column missing from the header', baseMapping({ identity: ['RecordID'] }), 'mapping_missing_column', ['identity[0]', 'did you mean "Record ID"']],
    ['$name not mapped', { object: 'opportunity', fields: { $stage: 'Deal Stage' }, relationships: { $account: 'Company ID' } }, 'mapping_required', ['$name is required']],
    ['$stage not mapped', { object: 'opportunity', fields: { $name: 'Deal Name' }, relationships: { $account: 'Company ID' } }, 'mapping_required', ['$stage is required']],
    ['$account not mapped', { object: 'opportunity', fields: { $name: 'Deal Name', $stage: 'Deal Stage' } }, 'mapping_required', ['$account is required']],
    [
      'a stage alias to no option',
      baseMapping({ addFields: { $stage: { column: 'Deal Stage', values: { closedwon: 'Won' } } } }),
      'mapping_invalid',
      ['fields.$stage.values.closedwon', '"Won" is not an option of $stage', '"Closed Won"'],
    ],
    ['a bad timezone', baseMapping({ addFields: { closeDate: { column: 'Close Date', timezone: 'Europe/Berlinn' } } }), 'mapping_invalid', ['fields.closeDate.timezone', 'not a time zone']],
    ['both column and value', baseMapping({ addFields: { source: { column: 'Value', value: 'x' } } }), 'mapping_invalid', ['not both']],
    ['neither column nor value', baseMapping({ addFields: { source: { trim: false } } }), 'mapping_invalid', ['give the CSV "column"']],
    ['an option that does not apply', baseMapping({ addFields: { nextStep: { column: 'Value', decimal: ',' } } }), 'mapping_invalid', ['fields.nextStep.decimal', 'only applies to NUMBER/CURRENCY']],
    ['a type that does not fit', baseMapping({ addFields: { nextStep: { column: 'Value', type: 'number' } } }), 'mapping_invalid', ['"type": "number" does not fit nextStep, which is TEXT']],
    ['a constant that does not convert', baseMapping({ addFields: { amount: { value: 'lots' } } }), 'mapping_invalid', ['fields.amount.value', '"lots" is not a number']],
    ['a default that does not convert', baseMapping({ addFields: { priority: { column: 'Value', default: 'Urgent' } } }), 'mapping_invalid', ['fields.priority.default', '"Low", "Medium", "High"']],
    ['a constant of the wrong JSON type', baseMapping({ addFields: { isRenewal: { value: 3 } } }), 'mapping_invalid', ['true or false']],
    ['a required field set to null', baseMapping({ addFields: { $name: { value: null } } }), 'mapping_invalid', ['$name is required and cannot be null']],
    ['checkbox texts meaning both', baseMapping({ addFields: { isRenewal: { column: 'Value', trueValues: ['x'], falseValues: ['X'] } } }), 'mapping_invalid', ['both true and false']],
    [
      'a lookup of the wrong object',
      baseMapping({ addRelationships: { $owner: { column: 'Owner Email', lookup: { object: 'account', by: '$name' } } } }),
      'mapping_invalid',
      ['relationships.$owner.lookup.object', 'links member records'],
    ],
    [
      'a lookup by a field the object lacks',
      baseMapping({ addRelationships: { $owner: { column: 'Owner Email', lookup: { object: 'member', by: '$website' } } } }),
      'mapping_invalid',
      ['relationships.$owner.lookup.by', 'members can be looked up by $email or $name, not $website'],
    ],
    ['a constant relationship ID of the wrong type', baseMapping({ addRelationships: { $owner: { value: 'acc_1' } } }), 'mapping_invalid', ['"acc_1" is not a Lightfield member ID (an ID like mem_…)']],
  ])('%s', (_name, mapping, code, fragments) => {
    const error = compileError(mapping);
    expect(error.code).toBe(code);
    expect(error.message.startsWith('mapping.json: ')).toBe(true);
    for (const fragment of fragments) expect(error.message).toContain(fragment);
  });

  test('every problem is reported at once; the code is the first one', () => {
    const error = compileError({
      object: 'opportunity',
      fields: { $name: 'Name', bogus: 'Deal Stage', amount: { column: 'Amount', decimal: ',', format: 'x' } },
      relationships: {},
    });
    expect(error.code).toBe('mapping_missing_column');
    expect(error.subject).toBe('mapping.json: fields.$name');
    for (const path of ['fields.$name', 'fields.bogus', 'fields.amount.format', 'fields.$stage', 'relationships.$account']) {
      expect(error.message).toContain(`- ${path}: `);
    }
  });

  test('header cells are trimmed before matching', () => {
    expect(() => compile(baseMapping(), HEADER.map((column) => ` ${column} `))).not.toThrow();
  });
});

describe('compileMapping() defaults', () => {
  test('namespace defaults to "default"; identity to every column read, in mapping order', () => {
    const compiled = compile(baseMapping({ addFields: { amount: 'Amount', source: { value: 'import' }, nextStep: 'Deal Name' } }));
    expect(compiled.namespace).toBe('default');
    expect(compiled.columns).toEqual(['Deal Name', 'Deal Stage', 'Amount', 'Company ID']);
    expect(compiled.identityColumns).toEqual(['Deal Name', 'Deal Stage', 'Amount', 'Company ID']);
    expect(compiled.identityIndexes).toEqual([1, 2, 4, 3]);
  });

  test('an explicit namespace and identity are kept', () => {
    const compiled = compile(baseMapping({ namespace: 'hubspot', identity: ['Record ID'] }));
    expect(compiled).toMatchObject({ namespace: 'hubspot', identityColumns: ['Record ID'], identityIndexes: [0] });
  });

  test('the fingerprint changes with the mapping and not with its key order', () => {
    const mapping = baseMapping({ namespace: 'a' });
    const reordered: MappingFile = { relationships: mapping.relationships, namespace: 'a', fields: mapping.fields, object: 'opportunity' };
    expect(compile(reordered).fingerprint).toBe(compile(mapping).fingerprint);
    expect(compile(baseMapping({ namespace: 'b' })).fingerprint).not.toBe(compile(mapping).fingerprint);
    expect(compile(mapping).fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });
});
