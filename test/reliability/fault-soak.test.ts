/**
 * Fault soak: 5,000 rows against an emulator that fails about one write in ten in every way it
 * knows (5xx, commit-then-5xx, dropped connections before and after the commit, answers slower
 * than the timeout, bursts of 429). Every row must end in Lightfield exactly once, the report must
 * list every line once, and rows that ran out of retries must be finished by a rerun, not doubled.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startEmulator } from '../../src/emulator/index.js';
import type { RunningEmulator } from '../../src/emulator/options.js';
import { runImport } from '../../src/pipeline/run.js';
import type { RunOptions } from '../../src/pipeline/options.js';
import { createWorkspace, type Workspace } from '../helpers/workspace.js';
import { API_KEY, MAPPING } from './corpus.js';

const ROWS = 5000;
/** Raised far above Lightfield's 25/s so that the soak runs in CI time; the faults stay the same. */
const RATE = 1000;

let emulator: RunningEmulator;
let workspace: Workspace;

beforeAll(async () => {
  emulator = await startEmulator({
    rate: RATE,
    readRate: RATE,
    searchRate: RATE,
    latencyMs: { min: 10, max: 50 },
    seed: 20260501,
    faults: {
      probability: 0.1,
      kinds: ['500', '503', '504', 'commit_then_500', 'drop', 'commit_then_drop', 'slow'],
      only: 'write',
      // Longer than the importer's timeout: the answer (of a request that did execute) comes too late.
      slowMs: 400,
    },
  });
  workspace = createWorkspace('lfi-soak-');
  const lines = Array.from({ length: ROWS }, (_, index) => `S${index},Soak deal ${index},Proposal,${index % 2 === 0 ? 'Initech' : 'Hooli'}`);
  workspace.write('soak.csv', `id,name,stage,account\n${lines.join('\n')}\n`);
  workspace.writeJson('mapping.json', MAPPING);
});
afterAll(async () => {
  await emulator.close();
  workspace.remove();
});

function options(): RunOptions {
  return {
    csvPath: workspace.path('soak.csv'),
    mappingPath: workspace.path('mapping.json'),
    outDir: workspace.path('report'),
    statePath: workspace.path('state.db'),
    apiKey: API_KEY,
    baseUrl: emulator.url,
    rate: RATE,
    concurrency: 64,
    timeoutMs: 250,
    // A small budget on purpose: about 1 row in 100 runs out of retries, so the rerun has work.
    maxRetries: 1,
  };
}

/** Queues `size` 429s for the next creates: a burst, as when another client shares the org's budget. */
function burstOf429(size: number): void {
  emulator.injectFaults(Array.from({ length: size }, () => ({ kind: '429' as const, method: 'POST', path: '/v1/opportunities' })));
}

/** How many opportunities carry each legacy ID. */
function copiesByLegacyId(): Map<string, number> {
  const copies = new Map<string, number>();
  for (const record of emulator.opportunities()) {
    const id = String(record.fields['legacyId']?.value);
    copies.set(id, (copies.get(id) ?? 0) + 1);
  }
  return copies;
}

function expectReportComplete(): Map<number, string> {
  const results = workspace.readCsv('report/results.csv');
  const lines = results.map((row) => Number(row['line']));
  expect(lines).toEqual(Array.from({ length: ROWS }, (_, index) => index + 2));
  return new Map(results.map((row) => [Number(row['line']), row['status']!]));
}

describe('fault soak', () => {
  test(`${ROWS} rows through ~10% injected faults: each lands exactly once; a rerun finishes what ran out of retries`, async () => {
    const bursts = [300, 1500, 3000].map((delayMs) => setTimeout(() => burstOf429(8), delayMs));
    let first;
    try {
      first = await runImport(options());
    } finally {
      bursts.forEach(clearTimeout);
    }
    const stats = emulator.stats();
    // The soak did what it says: many faults of every kind, and 429s.
    for (const kind of ['500', '503', '504', 'commit_then_500', 'drop', 'commit_then_drop', 'slow'] as const) {
      expect(stats.faultsInjected[kind]).toBeGreaterThan(10);
    }
    expect(first.rateLimited).toBeGreaterThan(0);
    expect(first.retries).toBeGreaterThan(200);

    const statuses = expectReportComplete();
    expect([...statuses.values()].every((status) => status === 'created' || status === 'failed')).toBe(true);
    expect(first.counts['created']! + first.counts['failed']!).toBe(ROWS);
    const copies = copiesByLegacyId();
    expect([...copies.values()].every((count) => count === 1)).toBe(true);
    // Every row reported `created` is in Lightfield (a `failed` one may have landed: its answer was lost).
    expect(copies.size).toBeGreaterThanOrEqual(first.counts['created']!);

    expect(first.counts['failed']).toBeGreaterThan(0);
    // Reruns under the same faults: each sends only what is not done yet, and ends with every row in.
    let summary = first;
    for (let rerun = 1; rerun <= 5 && summary.counts['failed']! > 0; rerun += 1) {
      summary = await runImport(options());
      expect(summary.requests.write).toBeGreaterThanOrEqual(summary.counts['created']!);
      const again = expectReportComplete();
      expect([...again.values()].every((status) => ['created', 'unchanged', 'failed'].includes(status))).toBe(true);
      expect([...copiesByLegacyId().values()].every((count) => count === 1)).toBe(true);
    }
    expect(summary.exitCode).toBe(0);
    const final = copiesByLegacyId();
    expect(final.size).toBe(ROWS);
    expect([...final.values()].every((count) => count === 1)).toBe(true);
  }, 60_000);
});
