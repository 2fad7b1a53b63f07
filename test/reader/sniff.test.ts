/** Delimiter detection from the start of a file, on the shapes real CRM exports take. */
import { describe, expect, test } from '@jest/globals';
import { countCells, detectDelimiter, detectRecordDelimiters } from '../../src/reader/sniff.js';

describe('detectDelimiter()', () => {
  test.each<[string, string, string]>([
    ['HubSpot comma export', 'Record ID,Deal Name,Amount\n1,Acme,100\n2,Beta,200\n', ','],
    ['European Excel export with decimal commas', 'Name;Amount\nAcme;1,5\nBeta;2,75\n', ';'],
    ['tab-separated', 'Name\tNotes\nAcme\ta, b; c\n', '\t'],
    ['pipe-separated', 'Name|Tags\nAcme|a;b\n', '|'],
    ['semicolons inside cells of a comma file', 'Name,Tags\nAcme,a;b;c;d\nBeta,e;f\n', ','],
    ['delimiters inside quoted cells do not count', '"a,b,c,d";e\n"1,2,3,4";5\n', ';'],
    ['a quoted line break does not end the record', 'a;b\n"x\ny,z,w";2\n', ';'],
    ['both split the header: the one the data agrees with wins', 'Name,Amount; net\nAcme,5\nBeta,6\n', ','],
    ['header only', 'Name;Amount;Stage\n', ';'],
    ['one column: comma', 'Name\nAcme\n', ','],
    ['empty sample: comma', '', ','],
    ['ties go to the comma', 'a,b;c\n', ','],
  ])('%s', (_name, sample, expected) => {
    expect(detectDelimiter(sample, true)).toBe(expected);
  });

  test.each<[string, boolean, number[]]>([
    ['a;b\n1;2\n3', false, [2, 2]],
    ['a;b\n1;2\n3', true, [2, 2, 1]],
    ['a;"b\n', false, [2]],
    ['\n\na;b\r\n\r\n1;2;3\r\n', true, [2, 3]],
  ])('countCells(%j, complete: %s) leaves out a record the sample may have cut', (sample, complete, expected) => {
    expect(countCells(sample, ';', 10, complete)).toEqual(expected);
  });
});

describe('detectRecordDelimiters()', () => {
  test.each<[string, string, string[]]>([
    ['LF file', 'a,b\n1,2\n', ['\r\n', '\n']],
    ['CRLF file', 'a,b\r\n1,2\r\n', ['\r\n', '\n']],
    ['CR-only file', 'a,b\r1,2\r', ['\r\n', '\n', '\r']],
  ])('%s', (_name, sample, expected) => {
    expect(detectRecordDelimiters(sample)).toEqual(expected);
  });
});
