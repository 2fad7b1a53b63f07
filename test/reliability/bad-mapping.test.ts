/**
 * Bad mapping files through the built CLI: each is refused before any write (exit 2) with a
 * message that names the file, the place in it and what to write instead. A cell naming an option
 * the organization does not have is a row problem: that row is `invalid`, the others land.
 */
import { describe, expect, test } from '@jest/globals';
import { HEADER, MAPPING, runCase, type BadInputCase } from './corpus.js';

const CASES: BadInputCase[] = [
  {
    name: 'a mapping file that does not exist',
    csv: `${HEADER}\n1,Deal,Proposal,Initech\n`,
    args: (paths) => ['--mapping', `${paths.mapping}.missing`],
    code: 2,
    says: ['mapping.json.missing', 'not found'],
  },
  {
    name: 'a mapping with a JSON syntax error: line and column in the message',
    csv: `${HEADER}\n1,Deal,Proposal,Initech\n`,
    mapping: '{\n  "object": "opportunity",\n  "fields": {\n    "$name": "name",,\n  }\n}\n',
    code: 2,
    says: [/mapping\.json:4:\d+/, 'not valid JSON'],
  },
  {
    name: 'a mapping giving a key twice (JSON would keep the last): both places named',
    csv: `${HEADER}\n1,Deal,Proposal,Initech\n`,
    mapping: [
      '{',
      '  "object": "opportunity",',
      '  "identity": ["id"],',
      '  "fields": {',
      '    "$name": "name",',
      '    "$stage": "stage",',
      '    "$name": "id"',
      '  },',
      '  "relationships": { "$account": { "column": "account", "lookup": { "object": "account", "by": "$name" } } }',
      '}',
    ].join('\n'),
    code: 2,
    says: [/mapping\.json:7:5: the key "\$name" is given twice in fields \(first at \S*mapping\.json:5:5\)/, 'remove the one you do not mean'],
  },
  {
    name: 'a mapping that fails its schema: the property, the place and a suggestion',
    csv: `${HEADER}\n1,Deal,Proposal,Initech\n`,
    mapping: { ...MAPPING, fields: { ...MAPPING.fields, $name: { colum: 'name' } } },
    code: 2,
    says: [/mapping\.json:\d+:\d+/, 'fields.$name.colum', 'did you mean "column"'],
  },
  {
    name: 'a mapping naming a field the organization does not define',
    csv: `${HEADER}\n1,Deal,Proposal,Initech\n`,
    mapping: { ...MAPPING, fields: { ...MAPPING.fields, noSuchField: 'name' } },
    code: 2,
    says: ['fields.noSuchField', 'Defined fields'],
  },
  {
    name: 'a mapping naming JavaScript built-ins as keys ("__proto__", "toString", "constructor"): unknown, not silently dropped',
    csv: `${HEADER}\n1,Deal,Proposal,Initech\n`,
    // Text, not an object literal: in JavaScript `{ __proto__: … }` would set the prototype instead.
    mapping: JSON.stringify(MAPPING).replace('"legacyId":"id"', '"legacyId":"id","__proto__":"name","toString":"stage"').replace('"relationships":{', '"relationships":{"constructor":"account",'),
    code: 2,
    says: ['no field "__proto__"', 'no field "toString"', 'no relationship "constructor"'],
  },
  {
    name: 'a mapping writing a read-only field',
    csv: `${HEADER}\n1,Deal,Proposal,Initech\n`,
    mapping: { ...MAPPING, fields: { ...MAPPING.fields, $summary: 'name' } },
    code: 2,
    says: ['$summary', 'read-only'],
  },
  {
    name: 'a mapping alias to an option label that does not exist',
    csv: `${HEADER}\n1,Deal,Proposal,Initech\n`,
    mapping: { ...MAPPING, fields: { ...MAPPING.fields, $stage: { column: 'stage', values: { won: 'Closed Wonn' } } } },
    code: 2,
    says: ['"Closed Wonn" is not an option of $stage', 'Closed Won'],
  },
  {
    name: 'a cell with an unknown option label: that row is invalid and the valid labels are listed',
    csv: `${HEADER}\n1,Deal one,Verbally Agreed,Initech\n2,Deal two,Proposal,Initech\n`,
    code: 1,
    rows: [
      [2, 'invalid', '"Verbally Agreed" is not an option of $stage'],
      [3, 'created'],
    ],
    check: ({ results }) => expect(results?.[1]?.join(',')).toContain('Closed Won'),
  },
  {
    name: 'a mapping declaring EUR amounts for the USD amount field: every row invalid in the plan, saying why',
    command: 'plan',
    csv: `${HEADER},amount\n1,Deal one,Proposal,Initech,5\n2,Deal two,Proposal,Initech,7\n`,
    mapping: { ...MAPPING, fields: { ...MAPPING.fields, amount: { column: 'amount', currency: 'EUR' } } },
    code: 1,
    rows: [
      [2, 'invalid', 'the mapping says this column holds EUR amounts ("currency": "EUR") and Lightfield does not convert currencies'],
      [3, 'invalid', 'is not an amount in USD, the currency of amount'],
    ],
    check: ({ emulator }) => expect(emulator.stats().requests.write).toBe(0),
  },
];

describe('bad mapping files: what the user gets', () => {
  test.concurrent.each(CASES.map((testCase) => [testCase.name, testCase] as const))('%s', async (_name, testCase) => {
    await runCase(testCase);
  });
});
