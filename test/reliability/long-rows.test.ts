/**
 * A row over the documented maximum (16 MiB) through the built CLI: that row is `invalid` with its
 * own message and the rows after it are read and import. A file of its own: the case is heavy, and
 * the bad-csv corpus runs its cases concurrently. (How long reading takes: test/reader/csv-reader.)
 */
import { test } from '@jest/globals';
import { HEADER, runCase } from './corpus.js';

test('a 17 MiB row is invalid on its own; the rows after it are read and import', async () => {
  await runCase({
    name: 'a 17 MiB row',
    csv: `${HEADER},notes\n1,Deal one,Proposal,Initech,\n2,Deal two,Proposal,Initech,"${'x'.repeat(17 * 1024 * 1024)}"\n3,Deal three,Proposal,Initech,\n`,
    code: 1,
    rows: [
      [2, 'created'],
      [3, 'invalid', 'line 3: the row is 17.0 MiB long, more than the 16 MiB a row may have'],
      [4, 'created'],
    ],
  });
}, 120_000);
