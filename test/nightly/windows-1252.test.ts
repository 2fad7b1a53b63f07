/**
 * A Windows-1252 export with a bad row (issue 12): failed.csv is UTF-8 with a BOM in the source's
 * delimiter, so a person fixes the row and re-imports it with the original command's options
 * (`--encoding windows-1252` included), and the record holds the text as typed, not mojibake.
 */
import { describe, expect, test } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { runCliProcess } from '../helpers/cli.js';
import { csvText } from '../helpers/workspace.js';
import { FAST_EMULATOR, useEmulatorWorkspace } from '../helpers/emulator-workspace.js';
import { API_KEY, asCells, dealRows, expectEachOnce, nightlyMapping, recordOf } from './fixture.js';

const context = useEmulatorWorkspace(FAST_EMULATOR, (workspace) => workspace.writeJson('mapping.json', nightlyMapping()));

/** Windows-1252 bytes of characters outside Latin-1 that these tests use. */
const WINDOWS_1252: Record<string, number> = { '€': 0x80, '‘': 0x91, '’': 0x92, '–': 0x96 };

/** The text as a Windows-1252 file holds it (Latin-1 characters are their own byte). */
function windows1252(text: string): Buffer {
  return Buffer.from(
    [...text].map((character) => {
      const code = WINDOWS_1252[character] ?? character.charCodeAt(0);
      if (code > 0xff) throw new Error(`${character} has no Windows-1252 byte`);
      return code;
    }),
  );
}

const HOTEL = 'Habitación – Hotel Campestre';
const NEW_YEAR = 'Año Nuevo – Señor ‘Peña’ €';

function importFile(csv: string, report: string) {
  const { workspace, emulator } = context;
  return runCliProcess(
    ['import', workspace.path(csv), '-m', workspace.path('mapping.json'), '--encoding', 'windows-1252', '--state', workspace.path('state.db'), '--out', workspace.path(report), '--rate', '500'],
    { env: { LIGHTFIELD_API_KEY: API_KEY, LIGHTFIELD_BASE_URL: emulator.url } },
  );
}

describe('a Windows-1252 file with a bad row', () => {
  test('fix the row in failed.csv, re-import with --encoding windows-1252: the record holds the text as typed', async () => {
    const { emulator, workspace } = context;
    const rows = dealRows(3);
    rows[0]!['Deal Name'] = HOTEL;
    rows[0]!.Amount = '12x';
    rows[1]!['Deal Name'] = NEW_YEAR;
    workspace.write('deals.csv', windows1252(csvText(asCells(rows), { delimiter: ';', eol: '\r\n' })));

    const first = await importFile('deals.csv', 'first');

    expect(first.code).toBe(1);
    expect(recordOf(emulator, 'L2').fields['$name']?.value).toBe(NEW_YEAR);
    const failedBytes = readFileSync(workspace.path('first/failed.csv'));
    expect([...failedBytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const failedText = failedBytes.toString('utf8');
    expect(failedText.split('\n')[0]).toBe(`\uFEFF${[...asCells(rows)[0]!, 'import_line', 'import_status', 'import_error_type', 'import_error_code', 'import_error_param', 'import_error_message'].join(';')}`);
    expect(failedText).toContain(`L1;${HOTEL};Prospecting;12x;`);

    // The person fixes the amount in their editor and saves the file as it was (UTF-8, BOM kept).
    writeFileSync(workspace.path('fixed.csv'), failedText.replace(`;${HOTEL};Prospecting;12x;`, `;${HOTEL};Prospecting;1200;`), 'utf8');

    const second = await importFile('fixed.csv', 'second');

    expect(second.code).toBe(0);
    const hotel = recordOf(emulator, 'L1');
    expect(hotel.fields['$name']?.value).toBe(HOTEL);
    expect(hotel.fields['amount']?.value).toBe(1200);
    expectEachOnce(emulator, ['L1', 'L2', 'L3']);
    expect(emulator.stats().opportunities).toBe(3);
  });
});
