import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { stableStringify } from '../../src/mapping/index.js';

/**
 * The canonical text as first specified: a copy with keys inserted in sorted order, through
 * JSON.stringify. Hashes of it are stored in ledgers, so it must never change.
 */
function reference(value: unknown): string {
  const sortKeys = (item: unknown): unknown => {
    if (Array.isArray(item)) return item.map(sortKeys);
    if (typeof item !== 'object' || item === null) return item;
    const sorted = Object.create(null) as Record<string, unknown>;
    for (const key of Object.keys(item).sort()) {
      const entry = (item as Record<string, unknown>)[key];
      if (entry !== undefined) sorted[key] = sortKeys(entry);
    }
    return sorted;
  };
  return JSON.stringify(sortKeys(value)) ?? 'null';
}

describe('stableStringify()', () => {
  test.each<[string, unknown]>([
    ['a payload', { fields: { $stage: 'opt_1', $name: 'Deal', amount: 1.5, tags: ['b', 'a'] }, relationships: { $account: { kind: 'ids', ids: ['acc_1'] } } }],
    ['integer-like keys, which objects list first', { b: 1, '10': 2, '9': 3, a: 4, '': 5 }],
    ['undefined, functions and holes', { a: undefined, b: () => 1, c: [undefined, () => 1, , 1] }],
    ['NaN, infinities and -0', [Number.NaN, Number.POSITIVE_INFINITY, -0]],
    ['escapes', { 'line\nbreak': '"quoted" \u2028 \\' }],
    ['a key named __proto__', JSON.parse('{"__proto__": 1, "a": 2}') as unknown],
    ['nothing', undefined],
  ])('%s: the same text as a sorted copy through JSON.stringify', (_name, value) => {
    expect(stableStringify(value)).toBe(reference(value));
  });

  test('any JSON-like value: the same text as a sorted copy through JSON.stringify', () => {
    fc.assert(
      fc.property(fc.anything({ withSparseArray: true, withNullPrototype: true, withObjectString: true }), (value) => {
        expect(stableStringify(value)).toBe(reference(value));
      }),
      { numRuns: 2000 },
    );
  });
});
