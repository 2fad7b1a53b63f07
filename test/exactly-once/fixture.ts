/**
 * Shared pieces of the exactly-once tests: a deal export whose `Record ID` is both the row identity
 * and the `legacyId` field (so that records can be counted per source row in the emulator), and
 * helpers to read what landed and what the report says.
 */
import { expect } from '@jest/globals';
import { Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import type { RunningEmulator } from '../../src/emulator/options.js';
import type { Entity } from '../../src/lightfield/types.js';
import type { RunOptions } from '../../src/pipeline/options.js';
import type { Workspace } from '../helpers/workspace.js';
import { createLogger, type Logger } from '../../src/log/logger.js';

export const API_KEY = 'sk_lf_exactly_once_test_key';
export const NAMESPACE = 'exactly-once';

export const HEADER = ['Record ID', 'Deal Name', 'Stage', 'Amount', 'Company', 'Next Step'];

export const MAPPING = {
  object: 'opportunity',
  namespace: NAMESPACE,
  identity: ['Record ID'],
  fields: {
    $name: 'Deal Name',
    $stage: 'Stage',
    amount: 'Amount',
    nextStep: 'Next Step',
    legacyId: 'Record ID',
  },
  relationships: {
    $account: { column: 'Company', lookup: { object: 'account', by: '$name' } },
  },
};

/** The same mapping without the field that carries the identity into Lightfield. */
export const MAPPING_WITHOUT_IDENTITY_FIELD = {
  ...MAPPING,
  fields: { $name: 'Deal Name', $stage: 'Stage', amount: 'Amount', nextStep: 'Next Step' },
};

const STAGES = ['Prospecting', 'Qualification', 'Proposal', 'Negotiation', 'Closed Won'];
const COMPANIES = ['Acme Solar', 'Initech', 'Hooli', 'Pied Piper'];

/** `count` good rows: R1…Rn. */
/** The run options these tests share: files in the workspace, one ledger, the emulator at 500 writes/s. */
export function importOptions(
  workspace: Workspace,
  emulator: RunningEmulator,
  files: { csv?: string; report: string },
  extra: Partial<RunOptions> = {},
): RunOptions {
  return {
    csvPath: workspace.path(files.csv ?? 'deals.csv'),
    mappingPath: workspace.path('mapping.json'),
    outDir: workspace.path(files.report),
    statePath: workspace.path('state.db'),
    baseUrl: emulator.url,
    apiKey: API_KEY,
    rate: 500,
    ...extra,
  };
}

export function dealRows(count: number): string[][] {
  return Array.from({ length: count }, (_, index) => {
    const number = index + 1;
    return [`R${number}`, `Deal ${number}`, STAGES[index % STAGES.length]!, String(number * 100), COMPANIES[index % COMPANIES.length]!, `step ${number}`];
  });
}

/** How many records the emulator holds per legacyId. */
export function recordsPerLegacyId(emulator: RunningEmulator): Map<string, number> {
  const counts = new Map<string, number>();
  for (const record of emulator.opportunities()) {
    const legacyId = String(record.fields['legacyId']?.value);
    counts.set(legacyId, (counts.get(legacyId) ?? 0) + 1);
  }
  return counts;
}

/** Every expected legacyId is held exactly once, and nothing else is held. */
export function expectEachExactlyOnce(emulator: RunningEmulator, legacyIds: readonly string[]): void {
  const counts = recordsPerLegacyId(emulator);
  const twice = [...counts].filter(([, count]) => count > 1).map(([legacyId]) => legacyId);
  expect(twice).toEqual([]);
  expect([...counts.keys()].sort()).toEqual([...legacyIds].sort());
}

export function recordByLegacyId(emulator: RunningEmulator, legacyId: string): Entity | undefined {
  return emulator.opportunities().find((record) => record.fields['legacyId']?.value === legacyId);
}

export function fieldValue(record: Entity | undefined, key: string): unknown {
  return record?.fields[key]?.value;
}

/** Rows of a CSV file as arrays, header included. */
export function readCsvRows(path: string): string[][] {
  return parse(readFileSync(path), { bom: true }) as string[][];
}

/** A results.csv is complete when it holds every expected source line exactly once. */
export function expectCompleteReport(results: Record<string, string>[], lines: readonly number[], statuses: readonly string[]): void {
  expect(results.map((row) => Number(row['line']))).toEqual([...lines]);
  const unexpected = results.filter((row) => !statuses.includes(row['status']!));
  expect(unexpected.map((row) => `${row['line']}:${row['status']}:${row['error_message']}`)).toEqual([]);
}

/** Source lines of data rows 1…count (the header is line 1). */
export function dataLines(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index + 2);
}

/** A JSON logger whose lines are kept in memory, to check what a run said it decided. */
export function memoryLogger(): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  const logger = createLogger({ level: 'debug', pretty: false, destination });
  return {
    logger,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

/** Polls `condition` every few milliseconds; resolves true when it holds, false when `done` resolves first. */
export function waitFor(condition: () => boolean, done: Promise<unknown>, intervalMs = 2): Promise<boolean> {
  return new Promise((resolve) => {
    let finished = false;
    const timer = setInterval(() => {
      if (condition()) {
        clearInterval(timer);
        finished = true;
        resolve(true);
      }
    }, intervalMs);
    const onDone = (): void => {
      if (finished) return;
      clearInterval(timer);
      resolve(condition());
    };
    done.then(onDone, onDone);
  });
}
