/**
 * Shared pieces of the nightly-load tests (issue 12): a deal export whose `Legacy ID` is the row
 * identity and the `match` field, records put into the emulator through the API as another tool (or
 * a person) would have made them, and snapshots to prove that a run left records alone.
 */
import { expect } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { RunningEmulator } from '../../src/emulator/options.js';
import { LightfieldClient } from '../../src/lightfield/client.js';
import type { CreateRecordBody, Entity, FieldWriteValue } from '../../src/lightfield/types.js';
import type { MappingFile } from '../../src/mapping/types.js';
import type { RunOptions } from '../../src/pipeline/options.js';
import type { Workspace } from '../helpers/workspace.js';

export const API_KEY = 'sk_lf_nightly_test_key';
export const NAMESPACE = 'nightly';

export const HEADER = ['Legacy ID', 'Deal Name', 'Stage', 'Amount', 'Company', 'Next Step', 'Close Date', 'Probability', 'Owner'] as const;
export type Column = (typeof HEADER)[number];

/** The full mapping: every column, `match` on legacyId, `$account` and `$owner` looked up. */
export function nightlyMapping(change: Partial<MappingFile> = {}): MappingFile {
  return {
    object: 'opportunity',
    namespace: NAMESPACE,
    identity: ['Legacy ID'],
    match: { field: 'legacyId' },
    fields: {
      $name: 'Deal Name',
      $stage: 'Stage',
      amount: 'Amount',
      nextStep: 'Next Step',
      closeDate: 'Close Date',
      probability: 'Probability',
      legacyId: 'Legacy ID',
    },
    relationships: {
      $account: { column: 'Company', lookup: { object: 'account', by: '$name' } },
      $owner: { column: 'Owner', lookup: { object: 'member', by: '$email' } },
    },
    ...change,
  };
}

const STAGES = ['Prospecting', 'Qualification', 'Proposal', 'Negotiation', 'Closed Won'];
/** Seeded account names that are unique in the emulator (Globex is there twice). */
const COMPANIES = ['Acme Solar', 'Initech', 'Hooli', 'Pied Piper'];
const OWNERS = ['ada.lovelace@example.com', 'grace.hopper@example.com', 'alan.turing@example.com'];

/** One deal row: cells by column name. */
export type DealRow = Record<Column, string>;

/** `count` rows L1…Ln; every fifth has probability 0 (a value an update must not turn into null). */
export function dealRows(count: number): DealRow[] {
  return Array.from({ length: count }, (_, index) => {
    const number = index + 1;
    return {
      'Legacy ID': `L${number}`,
      'Deal Name': `Deal ${number}`,
      Stage: STAGES[index % STAGES.length]!,
      Amount: String(number * 100),
      Company: COMPANIES[index % COMPANIES.length]!,
      'Next Step': `step ${number}`,
      'Close Date': `2026-${String((index % 12) + 1).padStart(2, '0')}-15`,
      Probability: String((index % 5) * 20),
      Owner: OWNERS[index % OWNERS.length]!,
    };
  });
}

/** The rows as CSV cells, header first. */
export function asCells(rows: readonly DealRow[]): string[][] {
  return [[...HEADER], ...rows.map((row) => HEADER.map((column) => row[column]))];
}

export function importOptions(workspace: Workspace, emulator: RunningEmulator, report: string, extra: Partial<RunOptions> = {}): RunOptions {
  return {
    csvPath: workspace.path('deals.csv'),
    mappingPath: workspace.path('mapping.json'),
    outDir: workspace.path(report),
    statePath: workspace.path('state.db'),
    baseUrl: emulator.url,
    apiKey: API_KEY,
    rate: 500,
    ...extra,
  };
}

/** A nightly runner starts from nothing: the ledger (and SQLite's side files) is gone. */
export function deleteLedger(workspace: Workspace): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(workspace.path(`state.db${suffix}`), { force: true });
}

/** The two ways a rerun finds its records, for `describe.each`: the ledger, or `match` after the ledger is lost. */
export const LEDGER_OR_MATCH: ReadonlyArray<[string, (workspace: Workspace) => void]> = [
  ['the ledger knows the rows', () => undefined],
  ['the ledger is lost (match finds the records)', deleteLedger],
];

/**
 * Creates one opportunity per row through the API, as another tool would have: the values the
 * importer would write for the row (`change` overrides some), relationships by ID. A row given twice
 * makes two records.
 */
export async function prefill(emulator: RunningEmulator, rows: readonly DealRow[], change: (row: DealRow) => Record<string, FieldWriteValue> = () => ({})): Promise<Entity[]> {
  const client = new LightfieldClient({ apiKey: API_KEY, baseUrl: emulator.url });
  const seed = emulator.seedData();
  const accountId = (name: string): string => seed.accounts.find((account) => account.name === name && account.active)!.id;
  const memberId = (email: string): string => seed.members.find((member) => member.email === email)!.id;
  const created: Entity[] = [];
  const concurrency = 16;
  for (let start = 0; start < rows.length; start += concurrency) {
    const batch = rows.slice(start, start + concurrency);
    const entities = await Promise.all(
      batch.map(async (row) => {
        const body: CreateRecordBody = {
          fields: {
            $name: row['Deal Name'],
            $stage: row.Stage,
            amount: Number(row.Amount),
            nextStep: row['Next Step'],
            closeDate: `${row['Close Date']}T00:00:00.000Z`,
            probability: Number(row.Probability),
            legacyId: row['Legacy ID'],
            ...change(row),
          },
          relationships: { $account: accountId(row.Company), $owner: memberId(row.Owner) },
        };
        return (await client.createOpportunity(body, { idempotencyKey: `prefill-${randomUUID()}` })).data;
      }),
    );
    created.push(...entities);
  }
  return created;
}

/** Every opportunity the emulator holds with this legacyId. */
export function recordsWithLegacyId(emulator: RunningEmulator, legacyId: string): Entity[] {
  return emulator.opportunities().filter((record) => record.fields['legacyId']?.value === legacyId);
}

/** The one opportunity with this legacyId (fails the test when there is none or several). */
export function recordOf(emulator: RunningEmulator, legacyId: string): Entity {
  const records = recordsWithLegacyId(emulator, legacyId);
  expect(records.map((record) => record.id)).toHaveLength(1);
  return records[0]!;
}

/** Each of these legacyIds is held by exactly one record (one read of the emulator for them all). */
export function expectEachOnce(emulator: RunningEmulator, legacyIds: readonly string[]): void {
  const counts = new Map<string, number>();
  for (const record of emulator.opportunities()) {
    const legacyId = String(record.fields['legacyId']?.value);
    counts.set(legacyId, (counts.get(legacyId) ?? 0) + 1);
  }
  expect(legacyIds.filter((legacyId) => counts.get(legacyId) !== 1)).toEqual([]);
}

/** The emulator's opportunities by legacyId, deep-copied: what "left alone" is compared with. */
export function snapshot(emulator: RunningEmulator): Map<string, Entity> {
  return new Map(emulator.opportunities().map((record) => [String(record.fields['legacyId']?.value), structuredClone(record)]));
}

/** The legacyIds whose record is no longer exactly as in `before` (any field, relationship or updatedAt). */
export function touchedSince(emulator: RunningEmulator, before: Map<string, Entity>): string[] {
  const now = snapshot(emulator);
  return [...before.keys()].filter((legacyId) => JSON.stringify(now.get(legacyId)) !== JSON.stringify(before.get(legacyId))).sort();
}

/** What each record holds now, field by field, for the keys given (relationships as ID lists). */
export function heldValues(record: Entity, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((key) => [key, record.relationships[key]?.values ?? record.fields[key]?.value ?? null]));
}

/** Write requests (creates and updates) the emulator has answered since `before`. */
export function writesSince(emulator: RunningEmulator, before: { requests: { write: number } }): number {
  return emulator.stats().requests.write - before.requests.write;
}
