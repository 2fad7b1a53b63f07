import { describe, expect, test } from '@jest/globals';
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
});
