import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { BloomFilter } from '../../src/bloom-filter.js';
import { SeenIdentities } from '../../src/pipeline/seen-identities.js';

describe('SeenIdentities', () => {
  test.each([
    ['right after', 10, 11],
    ['after 120,000 new ones (a log of several MB read back into the table)', 10, 120_000],
  ])('.firstLine() of a repeated identity %s: the line of the first one', (_name, firstLine, repeatLine) => {
    const seen = new SeenIdentities();
    try {
      expect(seen.firstLine('["A-1"]', firstLine)).toBeUndefined();
      let answered = 0;
      for (let line = firstLine + 1; line < repeatLine; line += 1) if (seen.firstLine(`["other-${line}"]`, line) !== undefined) answered += 1;
      expect(answered).toBe(0);
      expect(seen.firstLine('["A-1"]', repeatLine)).toBe(firstLine);
      expect(seen.firstLine('["A-1"]', repeatLine + 1)).toBe(firstLine);
      if (repeatLine > firstLine + 2) {
        // Identities from the whole log are in the table.
        expect(seen.firstLine(`["other-${repeatLine - 1}"]`, repeatLine + 2)).toBe(repeatLine - 1);
        expect(seen.firstLine(`["other-${firstLine + 1}"]`, repeatLine + 3)).toBe(firstLine + 1);
      }
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

  test('.firstLine() of identities logged before the first repeat: long ones and non-ASCII ones come back whole', () => {
    const seen = new SeenIdentities();
    try {
      const long = `["${'Ü–'.repeat(40_000)}"]`; // longer than the log's buffer, in UTF-8 bytes
      const identities = ['["Zoë – 😀"]', long, '["ascii"]', `["${'x'.repeat(30_000)}"]`, '["ß"]'];
      identities.forEach((identity, index) => expect(seen.firstLine(identity, index + 2)).toBeUndefined());
      identities.forEach((identity, index) => expect(seen.firstLine(identity, 100 + index)).toBe(index + 2));
      expect(seen.firstLine(long.replace('Ü', 'U'), 200)).toBeUndefined();
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
    let calledNew = 0;
    for (let index = 0; index < count; index += 1) if (filter.add(`["${9_000_000 + index}"]`)) calledNew += 1;
    expect(calledNew).toBe(0);
    // 50k strings in 2^20 bits with 4 probes: a false "seen" for ~0.1 % of them.
    expect(calledSeen).toBeLessThan(count * 0.005);
  });
});
