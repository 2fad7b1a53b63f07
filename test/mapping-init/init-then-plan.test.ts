/**
 * `mapping init` end to end against the emulator: on the repo's exports and on three with headers
 * it has never seen, it writes a mapping that `plan` runs with (exit 0 or 1, never a mapping
 * error), and on the repo's exports it finds every column the hand-written example mapping uses.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from '@jest/globals';
import { ImportError } from '../../src/errors.js';
import type { FieldSpec, MappingFile, RelationshipSpec } from '../../src/mapping/index.js';
import { runMappingInit, type MappingInitResult } from '../../src/cli/mapping-init-command.js';
import { mappingInitText } from '../../src/cli/print-mapping-init.js';
import { runPlan } from '../../src/pipeline/run.js';
import { useEmulatorWorkspace } from '../helpers/emulator-workspace.js';

const API_KEY = 'sk_lf_mapping_init';
const root = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const context = useEmulatorWorkspace();

async function init(csv: string, outName = 'mapping.json', extra: { force?: boolean } = {}): Promise<MappingInitResult> {
  return runMappingInit({ csvPath: root(csv), outPath: context.workspace.path(outName), baseUrl: context.emulator.url, apiKey: API_KEY, ...extra });
}

async function planWith(csv: string, result: MappingInitResult): Promise<number> {
  const summary = await runPlan({
    csvPath: root(csv),
    mappingPath: result.path,
    outDir: context.workspace.path('plan-report'),
    statePath: context.workspace.path('state.db'),
    baseUrl: context.emulator.url,
    apiKey: API_KEY,
    // The encoding `mapping init` read the file with: its "Next:" line passes it to plan the same way.
    ...(result.encoding === 'utf8' ? {} : { encoding: result.encoding }),
  });
  return summary.exitCode;
}

/** Mapping path → the column it reads, for every field, relationship and the identity. */
function columnsRead(mapping: MappingFile): Map<string, string> {
  const read = new Map<string, string>();
  const add = (path: string, spec: string | FieldSpec | RelationshipSpec): void => {
    const column = typeof spec === 'string' ? spec : spec.column;
    if (column !== undefined) read.set(path, column);
  };
  for (const [key, spec] of Object.entries(mapping.fields)) add(`fields.${key}`, spec);
  for (const [key, spec] of Object.entries(mapping.relationships ?? {})) add(`relationships.${key}`, spec);
  mapping.identity?.forEach((column, position) => read.set(`identity[${position}]`, column));
  return read;
}

describe('mapping init, then plan', () => {
  test.each<[string, string, number]>([
    ['fixtures/hubspot/deals.csv', 'mappings/hubspot-deals.json', 0],
    ['fixtures/salesforce/opportunities.csv', 'mappings/salesforce-opportunities.json', 0],
    ['fixtures/pipedrive/deals.csv', 'mappings/pipedrive-deals.json', 0],
  ])('%s: finds every column of %s and plans', async (csv, handWritten, exitCode) => {
    const result = await init(csv);
    const expected = columnsRead(JSON.parse(readFileSync(root(handWritten), 'utf8')) as MappingFile);
    const suggested = columnsRead(result.mapping);
    for (const [path, column] of expected) expect({ path, column: suggested.get(path) }).toEqual({ path, column });
    expect(await planWith(csv, result)).toBe(exitCode);
  });

  test.each<[string, number, Record<string, string>]>([
    [
      'fixtures/init/vtiger-potentials.csv',
      0,
      {
        'fields.$name': 'Potential Name',
        'fields.$stage': 'Sales Stage',
        'fields.amount': 'Amount',
        'fields.closeDate': 'Expected Close Date',
        'relationships.$account': 'Organization Name',
        'relationships.$owner': 'Assigned To',
        'identity[0]': 'Potential No',
      },
    ],
    [
      'fixtures/init/spreadsheet-pipeline.csv',
      0,
      { 'fields.$name': 'Deal', 'fields.$stage': 'Pipeline Stage', 'fields.amount': 'Deal Size', 'fields.closeDate': 'Expected Close', 'relationships.$owner': 'Assigned To', 'relationships.$account': 'Customer', 'identity[0]': '#' },
    ],
    [
      'fixtures/init/german-export.csv',
      0,
      { 'fields.$name': 'Bezeichnung', 'fields.$stage': 'Phase', 'fields.amount': 'Betrag', 'fields.closeDate': 'Erwarteter Abschluss', 'fields.priority': 'Priorität', 'relationships.$owner': 'Verantwortlich', 'relationships.$account': 'Firma', 'identity[0]': 'Nr.' },
    ],
  ])('%s: unseen headers are matched and the mapping plans', async (csv, exitCode, expected) => {
    const result = await init(csv);
    const suggested = columnsRead(result.mapping);
    for (const [path, column] of Object.entries(expected)) expect({ path, column: suggested.get(path) }).toEqual({ path, column });
    expect(await planWith(csv, result)).toBe(exitCode);
  });

  test('the demo export, with its bad rows on purpose, plans with exit 1', async () => {
    const result = await init('fixtures/demo/crm-export.csv');
    expect(await planWith('fixtures/demo/crm-export.csv', result)).toBe(1);
  });

  test('the German export: its encoding, number and date formats are detected and reported', async () => {
    const result = await init('fixtures/init/german-export.csv');
    expect(result).toMatchObject({ delimiter: ';', encoding: 'windows-1252', encodingGuessed: true });
    expect(result.mapping.fields['amount']).toEqual({ column: 'Betrag', decimal: ',', round: 2 });
    expect(result.mapping.fields['closeDate']).toEqual({ column: 'Erwarteter Abschluss', format: 'dd.MM.yyyy', timezone: 'UTC' });
    const text = mappingInitText(result, 'german-export.csv');
    expect(text).toContain('delimiter ";", encoding windows-1252 (the file is not UTF-8)');
    expect(text).toMatch(/fields\.priority {2,}← "Priorität" +high +a usual name for "Priority"/);
    expect(text).toContain('"Hoch" → "High" (medium: same meaning ("high"))');
    expect(text).toContain('fields.closeDate: "31.12.3999" looks like a placeholder for "no date"');
    expect(text).toContain(`Next: lightfield-import plan german-export.csv -m ${result.path} --encoding windows-1252`);
  });

  test('the report names what it could not match and why', async () => {
    const text = mappingInitText(await init('fixtures/init/vtiger-potentials.csv'), 'vtiger-potentials.csv');
    expect(text).toContain('Not matched (the mapping does not read these columns):');
    expect(text).toMatch(/relationships\.\$owner +← "Assigned To" +medium +.*its cells are names, not email addresses \("Ada Lovelace"/);
    expect(text).toContain('lookup member by $name');
    expect(text).toMatch(/"Created Time" +no field or relationship has a similar name/);
  });

  test('a German Pipedrive export (a header ending in ";", a row of empty cells at the end, owners by name): init reads past all three and plan runs', async () => {
    const csv = 'fixtures/init/pipedrive-export-de.csv';
    const result = await init(csv);
    const suggested = columnsRead(result.mapping);
    const expected = { 'identity[0]': 'Deal - ID', 'fields.$name': 'Deal - Titel', 'fields.$stage': 'Deal - Phase', 'fields.amount': 'Deal - Wert', 'relationships.$account': 'Deal - Organisation', 'relationships.$owner': 'Deal - Besitzer' };
    for (const [path, column] of Object.entries(expected)) expect({ path, column: suggested.get(path) }).toEqual({ path, column });
    expect(result.report.rowsSampled).toBe(10);
    const text = mappingInitText(result, 'pipedrive-export-de.csv');
    expect(text).toMatch(/"" +column 11 has no name, so it cannot be mapped/);
    // Two of its nine dates are not in the format the others share: it says which, rather than "not dates".
    expect(text).toContain('but only 78% of its sampled cells read as dates in the format "d.M.yyyy" (not "2026-12-20", "30.02.2027")');

    const summary = await runPlan({
      csvPath: root(csv),
      mappingPath: result.path,
      outDir: context.workspace.path('pipedrive-plan'),
      statePath: context.workspace.path('state.db'),
      baseUrl: context.emulator.url,
      apiKey: API_KEY,
    });
    // Rows with accounts missing from the org, an ambiguous "Globex" and an unknown owner fail on purpose.
    expect(summary.exitCode).toBe(1);
    expect(summary.rowsRead).toBe(10);
    expect(summary.settings.warnings).toEqual([expect.stringContaining('column 11 has no name, so its cells are not imported')]);
  });

  test('the written file points editors at the schema and is the mapping returned', async () => {
    const result = await init('fixtures/hubspot/deals.csv');
    const written = JSON.parse(readFileSync(result.path, 'utf8')) as MappingFile;
    expect(written).toEqual(result.mapping);
    expect(written.$schema).toMatch(/schema\/mapping\.schema\.json$/);
    expect(written.namespace).toBe('deals');
  });
});

describe('mapping init refuses to overwrite', () => {
  test('an existing file is left alone without --force, and replaced with it', async () => {
    const existing = context.workspace.write('mine.json', '{"hand": "written"}');
    const error = await init('fixtures/hubspot/deals.csv', 'mine.json').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ImportError);
    expect(error).toMatchObject({ code: 'usage', message: `${existing} already exists: pass --force to overwrite it, or -o to write another file` });
    expect(readFileSync(existing, 'utf8')).toBe('{"hand": "written"}');
    // Nothing was asked of the API before refusing.
    expect(context.emulator.stats().requests.total).toBe(0);

    await init('fixtures/hubspot/deals.csv', 'mine.json', { force: true });
    expect(JSON.parse(readFileSync(existing, 'utf8'))).toMatchObject({ object: 'opportunity' });
  });

  test('a missing CSV is the reader\'s usual error, and no file is written', async () => {
    await expect(init('fixtures/nope.csv', 'out.json')).rejects.toMatchObject({ code: 'file_not_found' });
    expect(() => readFileSync(context.workspace.path('out.json'))).toThrow();
  });
});
