import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { canonicalPayload, idempotencyKey, mapRow, payloadHash } from '../../src/mapping/index.js';
import type { MappingFile } from '../../src/mapping/index.js';
import { STAGE_LABELS } from '../helpers/definitions.js';
import { compile } from './compile-helpers.js';

/** One column per field of every valueType, each with reading options. */
const WIDE_MAPPING: MappingFile = {
  object: 'opportunity',
  identity: ['Id'],
  fields: {
    $name: 'Name',
    $stage: { column: 'Stage', values: { won: 'Closed Won' } },
    amount: { column: 'Amount', decimal: ',' },
    probability: 'Probability',
    closeDate: { column: 'Close', format: 'dd/MM/yyyy HH:mm', timezone: 'Europe/Berlin' },
    priority: { column: 'Priority', default: 'Low' },
    tags: { column: 'Tags', split: ';' },
    isRenewal: 'Renewal',
    website: 'Website',
    contactEmails: { column: 'Emails', split: ',' },
    phone: { column: 'Phone', split: '/' },
    nextStep: { column: 'Next', trim: false },
    billingAddress: 'Address',
    primaryContact: 'Contact',
    linkedin: 'LinkedIn',
  },
  relationships: {
    $account: 'Account',
    $owner: { column: 'Owner', lookup: { object: 'member', by: '$email' } },
    $champion: { column: 'Champion', split: '|' },
  },
};
const WIDE_HEADER = [
  'Id', 'Name', 'Stage', 'Amount', 'Probability', 'Close', 'Priority', 'Tags', 'Renewal', 'Website', 'Emails', 'Phone',
  'Next', 'Address', 'Contact', 'LinkedIn', 'Account', 'Owner', 'Champion', 'Unmapped',
];

/** Cells that look like what exports hold, mixed with arbitrary text. */
const cellArbitrary = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('', ' ', '1.234,56', '12/01/2026 10:00', 'won', 'Closed Lost', 'Enterprise;SMB', 'yes', 'acc_1', 'mem_x', '{"city":"x"}', '{', 'Ada Lovelace', '+1 555 123 4567'),
);

describe('mapRow() properties', () => {
  const compiled = compile(WIDE_MAPPING, WIDE_HEADER);
  const mappingColumns = new Set([...compiled.columns, ...compiled.identityColumns]);

  test('never throws on arbitrary cells, and every refusal names a column of the mapping', () => {
    fc.assert(
      fc.property(fc.array(cellArbitrary, { minLength: 0, maxLength: WIDE_HEADER.length + 3 }), (cells) => {
        const mapped = mapRow(compiled, cells);
        expect(typeof mapped.identity).toBe('string');
        if (mapped.ok) return;
        expect(mapped.problems.length).toBeGreaterThan(0);
        for (const problem of mapped.problems) {
          expect(mappingColumns.has(problem.param)).toBe(true);
          expect(problem.message).toContain(`"${problem.param}"`);
          expect(['invalid_value', 'missing_value']).toContain(problem.type);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('idempotency key properties', () => {
  const mapping: MappingFile = {
    object: 'opportunity',
    namespace: 'nightly',
    identity: ['Id'],
    fields: { $name: 'Name', $stage: 'Stage', nextStep: 'Next' },
    relationships: { $account: 'Account' },
  };
  const header = ['Id', 'Name', 'Stage', 'Next', 'Account'];
  const compiled = compile(mapping, header);

  /** Non-blank text that stays itself when trimmed, so that it is a valid, distinct TEXT cell. */
  const text = fc.string({ minLength: 1, maxLength: 20 }).filter((value) => value.trim() === value && value !== '');
  const rowArbitrary = fc.record({
    name: text,
    stage: fc.constantFrom(...STAGE_LABELS),
    next: text,
    account: fc.stringMatching(/^acc_[a-z0-9]{1,8}$/),
  });
  const toCells = (id: number, values: { name: string; stage: string; next: string; account: string }): string[] => [
    String(id),
    values.name,
    values.stage,
    values.next,
    values.account,
  ];
  const keyOf = (cells: string[]): string => {
    const mapped = mapRow(compiled, cells);
    if (!mapped.ok) throw new Error(JSON.stringify(mapped.problems));
    return idempotencyKey(compiled.namespace, mapped.identity, payloadHash(canonicalPayload(mapped)));
  };

  test('each row keeps its key whatever the order of the rows', () => {
    fc.assert(
      fc.property(
        fc.array(rowArbitrary, { minLength: 1, maxLength: 20 }).chain((rows) =>
          fc.tuple(fc.constant(rows), fc.shuffledSubarray(rows.map((_, index) => index), { minLength: rows.length, maxLength: rows.length })),
        ),
        ([rows, order]) => {
          const inFileOrder = new Map(rows.map((values, index) => [index, keyOf(toCells(index, values))]));
          for (const index of order) {
            const values = rows[index];
            if (values === undefined) continue;
            expect(keyOf(toCells(index, values))).toBe(inFileOrder.get(index));
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  test('changing any mapped cell changes the key; the key stays short and safe', () => {
    fc.assert(
      fc.property(rowArbitrary, fc.integer({ min: 0, max: header.length - 1 }), rowArbitrary, (values, column, replacement) => {
        const original = toCells(1, values);
        const replacementCells = toCells(2, replacement);
        const changed = [...original];
        changed[column] = replacementCells[column] ?? '';
        fc.pre(changed[column] !== original[column]);
        // Stage labels differing only in case are the same option: not a change.
        fc.pre(column !== 2 || changed[column]?.toLowerCase() !== original[column]?.toLowerCase());
        const key = keyOf(original);
        expect(key.length).toBeLessThan(255);
        expect(key).toMatch(/^[A-Za-z0-9_.:-]+$/);
        expect(keyOf(changed)).not.toBe(key);
      }),
      { numRuns: 200 },
    );
  });
});
