/**
 * Several importers writing into one organization share its 25 writes/s through Redis (`--redis`):
 * three real CLI processes against one emulator, and a Redis killed mid-run. A real redis-server
 * runs on a free loopback port (.ci/run installs it when the machine lacks it).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { startEmulator } from '../../src/emulator/index.js';
import type { RunningEmulator } from '../../src/emulator/options.js';
import { collect, startCliProcess, type CliResult } from '../helpers/cli.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';
import { createWorkspace, csvText, type Workspace } from '../helpers/workspace.js';
import { API_KEY, HEADER, MAPPING, dealRows, expectEachExactlyOnce } from '../exactly-once/fixture.js';

const ORG_RATE = 25;

let emulator: RunningEmulator;
let redis: RedisServer;
let workspace: Workspace;

beforeAll(async () => {
  emulator = await startEmulator({ rate: ORG_RATE, readRate: 1000, searchRate: 1000, latencyMs: 40, seed: 5 });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(async () => {
  emulator.reset();
  redis = await startRedis();
  workspace = createWorkspace();
});
afterEach(async () => {
  await redis.stop();
  workspace.remove();
});

/** Deal rows R<first>…, each importer its own file, namespace and ledger. */
function prepareImporter(name: string, first: number, count: number): string[] {
  const rows = dealRows(first + count - 1).slice(first - 1);
  workspace.write(`${name}.csv`, csvText([HEADER, ...rows]));
  workspace.writeJson(`${name}.json`, { ...MAPPING, namespace: name });
  return [
    'import',
    workspace.path(`${name}.csv`),
    '-m',
    workspace.path(`${name}.json`),
    '-o',
    workspace.path(`${name}-report-${Date.now()}`),
    '--state',
    workspace.path(`${name}.db`),
    '--api-key',
    API_KEY,
    '--base-url',
    emulator.url,
    '--log-level',
    'error',
  ];
}

/** When each record was created, in ms since the first. */
function creationTimes(): number[] {
  const times = emulator.opportunities().map((record) => Date.parse(record.createdAt));
  const first = Math.min(...times);
  return times.map((time) => time - first).sort((a, b) => a - b);
}

/** The most creations within any window of `windowMs`. */
function busiestWindow(times: number[], windowMs: number): number {
  let most = 0;
  let start = 0;
  for (let end = 0; end < times.length; end += 1) {
    while (times[end]! - times[start]! >= windowMs) start += 1;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

describe('--redis: one budget for several importers', () => {
  test('three importers at once share the org budget: about 25 writes/s together, never above it, few 429s', async () => {
    const importers = [prepareImporter('deals', 1, 100), prepareImporter('renewals', 101, 100), prepareImporter('upsell', 201, 100)];
    const results: CliResult[] = await Promise.all(
      importers.map((args) => collect(startCliProcess([...args, '--redis', redis.url]), 60_000)),
    );
    expect(results.map((result) => result.code)).toEqual([0, 0, 0]);

    const times = creationTimes();
    expect(times).toHaveLength(300);
    // The middle of the run, away from the processes' start-up and the last answers.
    const steady = times.slice(25, -25);
    const steadyRate = ((steady.length - 1) * 1000) / (steady[steady.length - 1]! - steady[0]!);
    expect(steadyRate).toBeGreaterThanOrEqual(0.95 * ORG_RATE);
    expect(steadyRate).toBeLessThanOrEqual(1.02 * ORG_RATE);
    // Slots are 40 ms apart in Redis; a process whose timer fires late sends a little after its slot,
    // so two requests can arrive closer together. bench/ measures the 2 s windows on a quiet machine.
    expect(busiestWindow(times, 2000)).toBeLessThanOrEqual(2 * ORG_RATE * 1.1);
    expect(emulator.stats().rateLimited).toBeLessThanOrEqual(3);
    expectEachExactlyOnce(
      emulator,
      dealRows(300).map((row) => row[0]!),
    );
  }, 90_000);

  test('the same three importers without --redis each pace alone and draw 429s', async () => {
    const importers = [prepareImporter('deals', 1, 60), prepareImporter('renewals', 61, 60), prepareImporter('upsell', 121, 60)];
    await Promise.all(importers.map((args) => collect(startCliProcess(args), 60_000)));
    // What the shared budget prevents: three processes pacing at 25/s each into a 25/s org.
    expect(emulator.stats().rateLimited).toBeGreaterThan(10);
  }, 90_000);

  test('Redis killed mid-run: the run stops with exit 3 and says why; the rerun imports every row exactly once', async () => {
    const args = prepareImporter('deals', 1, 150);
    const child = startCliProcess([...args.slice(0, 5), workspace.path('report-1'), ...args.slice(6), '--redis', redis.url, '--json']);
    const finished = collect(child, 60_000);
    while (emulator.stats().createsExecuted < 30 && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 20));
    await redis.kill();
    const first = await finished;
    expect(first.code).toBe(3);
    const summary = JSON.parse(first.stdout) as { stopped: string; counts: Record<string, number> };
    expect(summary.stopped).toBe('rate_limiter');
    expect(summary.counts['not_attempted']).toBeGreaterThan(0);
    expect(workspace.readCsv('report-1/results.csv')).toHaveLength(150);

    const rerun = await collect(startCliProcess([...args.slice(0, 5), workspace.path('report-2'), ...args.slice(6)]), 60_000);
    expect(rerun.code).toBe(0);
    expectEachExactlyOnce(
      emulator,
      dealRows(150).map((row) => row[0]!),
    );
  }, 90_000);

  test('a Redis that cannot be reached at start is exit 2 before anything is sent', async () => {
    const args = prepareImporter('deals', 1, 5);
    await redis.stop();
    const result = await collect(startCliProcess([...args, '--redis', redis.url]), 30_000);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Cannot connect to Redis at ${redis.url}`);
    expect(emulator.stats().requests.write).toBe(0);
  }, 30_000);
});
