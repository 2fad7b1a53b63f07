import fs from 'node:fs';
import { test } from '@jest/globals';
import { openCsv } from '../../src/reader/index.js';
const cases: Record<string, string | Buffer> = {
  crlf: 'a,b\r\n1,2\r\n\r\n3,"x\r\ny"\r\n4,5',
  semicolon: 'Name;Amount\nAcme;1,5\nBeta;2,75\n',
  stray: 'a,b\n1,ab"c\n2,3\n',
  badclose: 'a,b\n1,"ab"c,d\n2,3\n',
  unclosedEof: 'a,b\n1,2\n\n3,"abc\n4,5\n6,7\n',
  unclosedMid: 'a,b\n1,"abc\n4,5\n6,"7"\n8,9\n',
  ragged: 'a,b,c\n1,2\n1,2,3,4\n',
  cp1252: Buffer.from([0x4e,0x61,0x6d,0x65,0x0a,0x43,0x61,0x66,0xe9,0x20,0x4d,0xfc,0x0a]),
  dup: 'a,b,a\n',
  empty: '',
};
test('smoke', async () => {
  for (const [name, content] of Object.entries(cases)) {
    fs.writeFileSync('/tmp/rdsmoke/x.csv', content);
    try {
      const s = await openCsv({ path: '/tmp/rdsmoke/x.csv' });
      const out = [];
      for await (const r of s.records) out.push(r);
      console.log(name, JSON.stringify({ header: s.header, d: s.delimiter, out }, null, 1));
    } catch (e) { console.log(name, 'ERR', (e as any).code, (e as Error).message); }
  }
});
