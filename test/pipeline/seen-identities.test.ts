import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { BloomFilter } from '../../src/bloom-filter.js';
import { SeenIdentities } from '../../src/pipeline/seen-identities.js';

describe('SeenIdentities', () => {
  test.each([
    ['right after', 10, 11],
    ['across many inserts (grouped transactions)', 10, 20_000],
  ])('.firstLine() of a repeated identity %s: the line of the first one', (_name, firstLine, repeatLine) => {
    const seen = new SeenIdentities();
    try {
      expect(seen.firstLine('["A-1"]', firstLine)).toBeUndefined();
      for (let line = firstLine + 1; line < repeatLine; line += 1) expect(seen.firstLine(`["other-${line}"]`, line)).toBeUndefined();
      expect(seen.firstLine('["A-1"]', repeatLine)).toBe(firstLine);
      expect(seen.firstLine('["A-1"]', repeatLine + 1)).toBe(firstLine);
    } finally {
      seen.close();
    }
  });

  test('.firstLine() tells identities apart exactly (no case or space folding)', () => {
    const seen = new SeenIdentities();
    try {
      const identities = ['["a"]', '["A"]', '["a "]', '["a","b"]', '["a,b"]', '[""]'];
      identities.forEach((identity, index) => expect(seen.firstLine(identity, index + 2)).toBeUndefined());
      identities.forEach((identity, index) => expect(seen.firstLine(identity, 100)).toBe(index + 2));
    } finally {
      seen.close();
    }
  });

  test('.firstLine() over any sequence of identities answers as a Map of first lines would', () => {
    // Few distinct values, long sequences: repeats right after a batch of new ones, inside one, across several.
    const identity = fc.integer({ min: 0, max: 700 }).map((value) => `["${value}"]`);
    fc.assert(
      fc.property(fc.array(identity, { maxLength: 1500 }), (identities) => {
        const seen = new SeenIdentities();
        const model = new Map<string, number>();
        try {
          identities.forEach((text, index) => {
            const line = index + 2;
            expect(seen.firstLine(text, line)).toBe(model.get(text));
            if (!model.has(text)) model.set(text, line);
          });
        } finally {
          seen.close();
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('BloomFilter', () => {
  test('.add() never calls a string new twice, and rarely calls a new string seen', () => {
    const filter = new BloomFilter(20, 4);
    const count = 50_000;
    let calledSeen = 0;
    for (let index = 0; index < count; index += 1) if (!filter.add(`["${9_000_000 + index}"]`)) calledSeen += 1;
    for (let index = 0; index < count; index += 1) expect(filter.add(`["${9_000_000 + index}"]`)).toBe(false);
    // 50k strings in 2^20 bits with 4 probes: a false "seen" for ~0.1 % of them.
    expect(calledSeen).toBeLessThan(count * 0.005);
  });
});
