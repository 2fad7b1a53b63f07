/**
 * Problems grouped with ready fixes, and every problem of a row at once (issue "From a raw export to a
 * clean plan"): a plan over an export with six kinds of problems, against the context.emulator.
 */
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { runPlan } from '../../src/pipeline/run.js';
import { useEmulatorWorkspace } from '../helpers/emulator-workspace.js';
import { csvText } from '../helpers/workspace.js';

const MAPPING = {
  object: 'opportunity',
  namespace: 'problems',
  identity: ['Record ID'],
  fields: {
    $name: 'Deal Name',
    $stage: 'Stage',
    amount: 'Amount',
    probability: 'Probability',
    closeDate: { column: 'Close Date', format: 'dd/MM/yyyy' },
    legacyId: 'Record ID',
  },
  relationships: {
    $account: { column: 'Company', lookup: { object: 'account', by: '$name' } },
    $owner: { column: 'Owner', lookup: { object: 'member', by: '$email' } },
  },
};

const HEADER = ['Record ID', 'Deal Name', 'Stage', 'Amount', 'Probability', 'Close Date', 'Company', 'Owner'];
const GOOD = ['Proposal', '100', '50', '01/03/2026', 'Initech', 'ada.lovelace@example.com'];

/** Rows R1… with one kind of problem each where named, the rest good. */
function row(id: number, changes: Partial<Record<(typeof HEADER)[number], string>> = {}): string[] {
  const cells = [`R${id}`, `Deal ${id}`, ...GOOD];
  for (const [column, value] of Object.entries(changes)) cells[HEADER.indexOf(column)] = value!;
  return cells;
}

const ROWS = [
  row(1),
  row(2, { Stage: 'closedwon' }),
  row(3, { Stage: 'contract sent' }),
  row(4, { Stage: 'closedwon' }),
  row(5, { 'Close Date': '2026-03-01' }),
  row(6, { 'Close Date': '2026-04-15' }),
  row(7, { Amount: '12.345' }),
  row(8, { Company: 'Soylent Corp' }),
  row(9, { Company: 'Tyrell Corp' }),
  row(10, { Owner: 'nobody@example.com' }),
  row(11, { Probability: '\\N' }),
  row(12, { Probability: '\\N' }),
  // A bad amount and an unknown owner on one row: both reported in one run.
  row(13, { Amount: '1,5x', Owner: 'ghost@example.com' }),
];

const context = useEmulatorWorkspace({ rate: 500, readRate: 500, searchRate: 500 });

function options(mapping: unknown, report: string) {
  return {
    csvPath: context.workspace.write('export.csv', csvText([HEADER, ...ROWS])),
    mappingPath: context.workspace.writeJson(`${report}.json`, mapping),
    outDir: context.workspace.path(report),
    statePath: context.workspace.path('state.db'),
    baseUrl: context.emulator.url,
    apiKey: 'sk_lf_problems',
  };
}

describe('grouped problems', () => {
  test('one group per kind of problem, with counts, lines, values and a hint; the same in problems.csv', async () => {
    const summary = await runPlan(options(MAPPING, 'plan'));
    const groups = new Map(summary.problems.map((group) => [`${group.code}@${group.column}`, group]));

    expect([...groups.keys()].sort()).toEqual(
      [
        'unknown_option@Stage',
        'bad_date@Close Date',
        'too_many_decimals@Amount',
        'not_a_number@Amount',
        'lookup_not_found@Company',
        'lookup_not_found@Owner',
        'not_a_number@Probability',
      ].sort(),
    );
    expect(groups.get('unknown_option@Stage')).toMatchObject({ count: 3, lines: [3, 4, 5], values: ['closedwon', 'contract sent'] });
    expect(groups.get('bad_date@Close Date')).toMatchObject({ count: 2, lines: [6, 7] });
    expect(groups.get('bad_date@Close Date')!.hint).toContain('"yyyy-MM-dd"');
    expect(groups.get('too_many_decimals@Amount')).toMatchObject({ count: 1, lines: [8] });
    expect(groups.get('too_many_decimals@Amount')!.hint).toContain('"round": 2');
    expect(groups.get('lookup_not_found@Company')).toMatchObject({ count: 2, lines: [9, 10], values: ['Soylent Corp', 'Tyrell Corp'] });
    expect(groups.get('lookup_not_found@Company')!.hint).toContain('"create"');
    expect(groups.get('lookup_not_found@Owner')).toMatchObject({ count: 2, lines: [11, 14] });
    expect(groups.get('not_a_number@Probability')).toMatchObject({ count: 2, lines: [12, 13], values: ['\\N'] });

    const csv = readFileSync(context.workspace.path('plan/problems.csv'), 'utf8').split('\n');
    expect(csv[0]).toBe('code,column,count,lines,values,hint');
    expect(csv.filter((line) => line.startsWith('unknown_option,Stage,3,3 4 5,'))).toHaveLength(1);
    expect(summary.exitCode).toBe(1);
  });

  test('a row with a bad amount and an unknown owner reports both in one run', async () => {
    await runPlan(options(MAPPING, 'plan'));
    const r13 = context.workspace.readCsv('plan/results.csv').find((result) => result['Record ID'] === 'R13')!;
    expect(r13['status']).toBe('invalid');
    expect(r13['error_message']).toContain('"1,5x"');
    expect(r13['error_message']).toContain('ghost@example.com');
  });

  test('pasting the values hint into the mapping makes those rows plan cleanly', async () => {
    const first = await runPlan(options(MAPPING, 'plan'));
    const hint = first.problems.find((group) => group.code === 'unknown_option')!.hint;
    const values = JSON.parse(hint.slice(hint.indexOf('"values": ') + '"values": '.length)) as Record<string, string>;
    expect(values).toEqual({ closedwon: 'Closed Won', 'contract sent': 'Negotiation' });

    const fixed = { ...MAPPING, fields: { ...MAPPING.fields, $stage: { column: 'Stage', values } } };
    const second = await runPlan(options(fixed, 'plan-fixed'));
    const statuses = new Map(context.workspace.readCsv('plan-fixed/results.csv').map((result) => [result['Record ID'], result['status']]));
    for (const id of ['R2', 'R3', 'R4']) expect(statuses.get(id)).toBe('would_create');
    expect(second.problems.some((group) => group.code === 'unknown_option')).toBe(false);
  });

  test('owners looked up by full name: the hint asks for a name, and a pasted name makes the row plan', async () => {
    const byName = { ...MAPPING, relationships: { ...MAPPING.relationships, $owner: { column: 'Owner', lookup: { object: 'member', by: '$name' } } } };
    const rows = [row(1, { Owner: 'Ada Lovelace' }), row(2, { Owner: 'unbekannt' })];
    const first = await runPlan({ ...options(byName, 'by-name'), csvPath: context.workspace.write('owners.csv', csvText([HEADER, ...rows])) });
    const hint = first.problems.find((group) => group.code === 'lookup_not_found')!.hint;
    expect(hint).toContain("to a member's full name or ID, e.g. {\"unbekannt\":\"Jane Doe\"}");

    const fixed = { ...byName, relationships: { ...byName.relationships, $owner: { ...byName.relationships.$owner, values: { unbekannt: 'Grace Hopper' } } } };
    const second = await runPlan({ ...options(fixed, 'by-name-fixed'), csvPath: context.workspace.path('owners.csv') });
    expect(second.counts).toMatchObject({ would_create: 2, failed: 0, invalid: 0 });
  });

  test('dates no one format reads: the hint says how each cell reads', async () => {
    const rows = [row(1, { 'Close Date': '2026-12-20' }), row(2, { 'Close Date': '30.02.2027' })];
    const summary = await runPlan({ ...options(MAPPING, 'dates'), csvPath: context.workspace.write('dates.csv', csvText([HEADER, ...rows])) });
    const hint = summary.problems.find((group) => group.code === 'bad_date')!.hint;
    expect(hint).toContain('"2026-12-20" reads as "yyyy-MM-dd"; "30.02.2027" is not a date in any common format');
  });

  test('a cell changed by "round" is never silent: the row says so in its changes column', async () => {
    const rounding = { ...MAPPING, fields: { ...MAPPING.fields, amount: { column: 'Amount', round: 2 } } };
    const summary = await runPlan(options(rounding, 'plan-round'));
    const r7 = context.workspace.readCsv('plan-round/results.csv').find((result) => result['Record ID'] === 'R7')!;
    expect(r7['status']).toBe('would_create');
    expect(r7['changes']).toContain('"12.345"');
    expect(summary.problems.some((group) => group.code === 'too_many_decimals')).toBe(false);
  });
});
