import { describe, expect, test } from '@jest/globals';
import { canonicalPayload, changedKeys, idempotencyKey, mapRow, payloadHash, type RowPayload } from '../../src/mapping/index.js';
import type { MappedRow } from '../../src/mapping/index.js';
import { baseMapping, compile, HEADER, row } from './compile-helpers.js';

const KEY_CHARACTERS = /^[A-Za-z0-9_.:-]+$/;

/** The key a row gets, as the importer derives it. */
function keyOf(namespace: string, mapped: MappedRow): string {
  if (!mapped.ok) throw new Error(`row did not map: ${JSON.stringify(mapped.problems)}`);
  return idempotencyKey(namespace, mapped.identity, payloadHash(canonicalPayload(mapped)));
}

describe('canonicalPayload() and payloadHash()', () => {
  test('key order does not change the canonical text or the hash', () => {
    const left: RowPayload = { fields: { b: 1, a: { street: 'S', city: 'C' } }, relationships: { $account: { kind: 'ids', ids: ['acc_1'] } } };
    const right: RowPayload = { relationships: { $account: { ids: ['acc_1'], kind: 'ids' } }, fields: { a: { city: 'C', street: 'S' }, b: 1 } };
    expect(canonicalPayload(left)).toBe(canonicalPayload(right));
    expect(canonicalPayload(left)).toBe('{"fields":{"a":{"city":"C","street":"S"},"b":1},"relationships":{"$account":{"ids":["acc_1"],"kind":"ids"}}}');
    expect(payloadHash(canonicalPayload(left))).toMatch(/^[0-9a-f]{64}$/);
  });

  test('list order matters (tags in another order are another payload)', () => {
    const hash = (tags: string[]): string => payloadHash(canonicalPayload({ fields: { tags }, relationships: {} }));
    expect(hash(['a', 'b'])).not.toBe(hash(['b', 'a']));
  });
});

describe('idempotencyKey()', () => {
  test.each<[string, string]>([
    ['plain namespace', 'hubspot-2026-q4'],
    ['namespace with spaces and slashes', 'Sales / EMEA import'],
    ['a very long namespace', 'n'.repeat(1000)],
    ['an empty namespace', ''],
    ['non-ASCII namespace', 'Übernahme 2026 ✓'],
  ])('%s: short, safe characters, deterministic', (_name, namespace) => {
    const key = idempotencyKey(namespace, '["42"]', 'a'.repeat(64));
    expect(key.length).toBeLessThan(255);
    expect(key).toMatch(KEY_CHARACTERS);
    expect(key.startsWith('lfi:')).toBe(true);
    expect(idempotencyKey(namespace, '["42"]', 'a'.repeat(64))).toBe(key);
  });

  test('each of namespace, identity and payload changes the key', () => {
    const key = idempotencyKey('ns', '["42"]', 'hash');
    expect(idempotencyKey('ns2', '["42"]', 'hash')).not.toBe(key);
    expect(idempotencyKey('ns', '["43"]', 'hash')).not.toBe(key);
    expect(idempotencyKey('ns', '["42"]', 'hash2')).not.toBe(key);
  });

  test('namespaces that read the same once sanitised still get different keys', () => {
    expect(idempotencyKey('a b', '["1"]', 'h')).not.toBe(idempotencyKey('a-b', '["1"]', 'h'));
    expect(idempotencyKey(`${'n'.repeat(60)}x`, '["1"]', 'h')).not.toBe(idempotencyKey(`${'n'.repeat(60)}y`, '["1"]', 'h'));
  });
});

describe('keys of mapped rows', () => {
  const mapping = baseMapping({ namespace: 'crm', identity: ['Record ID'], addFields: { amount: 'Amount', nextStep: 'Value' } });
  const compiled = compile(mapping);
  const first = row({ 'Record ID': '1', Amount: '100', Value: 'call' });
  const second = row({ 'Record ID': '2', Amount: '200', Value: 'mail' });

  test('the same row gives the same key on every run (a fresh compile)', () => {
    expect(keyOf('crm', mapRow(compile(mapping), first))).toBe(keyOf('crm', mapRow(compiled, first)));
  });

  test('a row moved in the file keeps its key', () => {
    const keysInOrder = [first, second].map((cells) => keyOf('crm', mapRow(compiled, cells)));
    const keysReordered = [second, first].map((cells) => keyOf('crm', mapRow(compiled, cells))).reverse();
    expect(keysReordered).toEqual(keysInOrder);
  });

  test('columns moved in the file keep the key', () => {
    const reversedHeader = [...HEADER].reverse();
    const reversedCells = [...first].reverse();
    expect(keyOf('crm', mapRow(compile(mapping, reversedHeader), reversedCells))).toBe(keyOf('crm', mapRow(compiled, first)));
  });

  test.each<[string, Record<string, string>]>([
    ['amount', { Amount: '101' }],
    ['next step', { Value: 'call again' }],
    ['stage', { 'Deal Stage': 'Negotiation' }],
    ['account', { 'Company ID': 'acc_2' }],
    ['identity', { 'Record ID': '99' }],
  ])('a changed %s cell changes the key', (_name, change) => {
    const changed = row({ 'Record ID': '1', Amount: '100', Value: 'call', ...change });
    expect(keyOf('crm', mapRow(compiled, changed))).not.toBe(keyOf('crm', mapRow(compiled, first)));
  });

  test('a cell the mapping does not read does not change the key', () => {
    const withOther = row({ 'Record ID': '1', Amount: '100', Value: 'call', Tags: 'anything' });
    expect(keyOf('crm', mapRow(compiled, withOther))).toBe(keyOf('crm', mapRow(compiled, first)));
  });
});

describe('changedKeys()', () => {
  const previous = canonicalPayload({
    fields: { $name: 'Acme', amount: 100, tags: ['opt_a'], nextStep: 'call' },
    relationships: { $account: { kind: 'ids', ids: ['acc_1'] } },
  });

  test.each<[string, RowPayload, { fields: string[]; relationships: string[] }]>([
    [
      'nothing changed',
      { fields: { nextStep: 'call', tags: ['opt_a'], amount: 100, $name: 'Acme' }, relationships: { $account: { kind: 'ids', ids: ['acc_1'] } } },
      { fields: [], relationships: [] },
    ],
    [
      'a changed value',
      { fields: { $name: 'Acme', amount: 150, tags: ['opt_a'], nextStep: 'call' }, relationships: { $account: { kind: 'ids', ids: ['acc_1'] } } },
      { fields: ['amount'], relationships: [] },
    ],
    [
      'an emptied cell (the key is gone: left alone) and a new key',
      { fields: { $name: 'Acme', amount: 100, tags: ['opt_a'], probability: 50 }, relationships: { $account: { kind: 'ids', ids: ['acc_1'] } } },
      { fields: ['probability'], relationships: [] },
    ],
    [
      'an emptied cell of an `empty: clear` field (null) is sent; null again is not',
      { fields: { $name: 'Acme', amount: 100, tags: ['opt_a'], nextStep: null }, relationships: { $account: { kind: 'ids', ids: ['acc_1'] } } },
      { fields: ['nextStep'], relationships: [] },
    ],
    [
      'a new relationship, and one no longer in the row (left alone)',
      { fields: { $name: 'Acme', amount: 100, tags: ['opt_a'], nextStep: 'call' }, relationships: { $owner: { kind: 'ids', ids: ['mem_1'] } } },
      { fields: [], relationships: ['$owner'] },
    ],
    [
      'a lookup in place of IDs',
      {
        fields: { $name: 'Acme', amount: 100, tags: ['opt_a'], nextStep: 'call' },
        relationships: { $account: { kind: 'lookup', object: 'account', by: '$name', value: 'Acme', column: 'Company' } },
      },
      { fields: [], relationships: ['$account'] },
    ],
  ])('%s', (_name, next, expected) => {
    expect(changedKeys(previous, next)).toEqual(expected);
  });

  test('an unreadable previous payload makes every key changed', () => {
    expect(changedKeys('not json', { fields: { $name: 'A' }, relationships: { $account: { kind: 'ids', ids: ['acc_1'] } } })).toEqual({
      fields: ['$name'],
      relationships: ['$account'],
    });
  });
});
