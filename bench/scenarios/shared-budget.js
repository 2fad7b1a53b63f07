/**
 * Several importers writing into one organization: three CLI processes start together against one
 * emulator at 25 writes/s, each with its own file, ledger and report, first sharing one budget through
 * a real redis-server (`--redis`), then, side by side in the same run, each pacing alone (no --redis).
 * Measured on the emulator's side: the combined write arrival rate while they run, the busiest 2 s
 * window, the 429s, and the rows that ended failed.
 */
import { join } from 'node:path';
import { generateCsv } from '../lib/generate.js';
import { ROOT, runCli } from '../lib/processes.js';
import { startRedisServer } from '../lib/redis.js';
import { ArrivalSampler, arrivalTimes, busiestWindow } from '../lib/emulator.js';
import { round } from '../lib/stats.js';

const PROCESSES = 3;
const ROWS_EACH = 400;
const RATE = 25;
const LATENCY = { min: 80, max: 250 };
const LATENCY_TEXT = '80–250 ms';
const WINDOW_MS = 2000;
const SAMPLE_MS = 5;

export async function run({ emulator, dir, log }) {
  const files = [];
  for (let index = 0; index < PROCESSES; index += 1) {
    const file = join(dir, `shared-${index}.csv`);
    await generateCsv(file, ROWS_EACH, index * ROWS_EACH);
    files.push(file);
  }
  const redis = await startRedisServer();
  let shared;
  try {
    shared = await importTogether({ emulator, dir, files, name: 'shared', extraArgs: ['--redis', redis.url] });
  } finally {
    await redis.stop();
  }
  const alone = await importTogether({ emulator, dir, files, name: 'alone', extraArgs: [] });
  for (const [name, result] of [['--redis', shared], ['no --redis', alone]]) {
    log(
      `${name}: ${result.created} created, ${result.failed} failed; ${round(result.rate)} rows/s combined, busiest ${WINDOW_MS / 1000} s ` +
        `window ${result.busiest} writes; ${result.rateLimited} × 429 of ${result.writes} writes; all done in ${round(result.seconds, 1)} s`,
    );
  }
  if (shared.created !== PROCESSES * ROWS_EACH) throw new Error(`with --redis, created ${shared.created} of ${PROCESSES * ROWS_EACH}`);
  const rateShare = shared.rate / RATE;
  const busiestRate = shared.busiest / (WINDOW_MS / 1000);
  const rateLimitedShare = shared.rateLimited / shared.writes;
  const setting = `${PROCESSES} processes × ${ROWS_EACH} rows, ${RATE} writes/s, ${LATENCY_TEXT}`;
  return [
    {
      figure: `three importers sharing one budget (--redis): combined rate ÷ ${RATE}`,
      measured: `${round(rateShare, 3)} (${round(shared.rate)} rows/s; ${shared.created} rows, all done in ${round(shared.seconds, 1)} s)`,
      target: '≥ 0.95',
      met: rateShare >= 0.95,
      how: `${setting}; emulator side: (rows created − 1) ÷ time from the first write's arrival to the last`,
    },
    {
      figure: `three importers sharing one budget: busiest ${WINDOW_MS / 1000} s window`,
      measured: `${round(busiestRate, 2)} writes/s (${shared.busiest} writes)`,
      target: '≤ 25.5/s',
      met: busiestRate <= 25.5,
      how: `every ${WINDOW_MS / 1000} s window of write arrivals, counted by sampling the emulator's counters every ${SAMPLE_MS} ms`,
    },
    {
      figure: 'three importers sharing one budget: 429s ÷ write requests',
      measured: `${round(100 * rateLimitedShare, 2)} % (${shared.rateLimited} of ${shared.writes}); ${shared.failed} rows failed`,
      target: '≤ 1 %',
      met: rateLimitedShare <= 0.01,
      how: "counted by the emulator's token bucket",
    },
    {
      figure: 'the same three importers, each pacing alone (no --redis)',
      measured:
        `${round(alone.rate / RATE, 3)} of ${RATE}/s (${round(alone.rate)} rows/s); busiest window ${round(alone.busiest / (WINDOW_MS / 1000), 1)}/s; ` +
        `429s ${round((100 * alone.rateLimited) / alone.writes, 1)} % (${alone.rateLimited} of ${alone.writes}); ` +
        `${alone.failed} rows failed; all done in ${round(alone.seconds, 1)} s`,
      target: '(for comparison)',
      met: undefined,
      how: 'same files, emulator and measures, right after the shared run',
    },
  ];
}

/** Starts the importers at once, waits for all of them, and reads the emulator's side of the run. */
async function importTogether({ emulator, dir, files, name, extraArgs }) {
  emulator.reset();
  emulator.configure({ rate: RATE, latencyMs: LATENCY });
  const sampler = new ArrivalSampler(emulator, SAMPLE_MS);
  const startedAt = performance.now();
  const results = await Promise.all(
    files.map((file, index) =>
      runCli(
        [
          'import', file, '-m', join(ROOT, 'mappings', 'demo.json'),
          '--out', join(dir, `${name}-report-${index}`), '--state', join(dir, `${name}-${index}.db`),
          ...extraArgs,
        ],
        // Without a shared budget, rows can fail after their retries: exit 1.
        { baseUrl: emulator.url, expectCodes: [0, 1] },
      ),
    ),
  );
  const seconds = (performance.now() - startedAt) / 1000;
  const times = arrivalTimes(sampler.stop());
  const stats = emulator.stats();
  const span = (times[times.length - 1] - times[0]) / 1000;
  return {
    seconds,
    created: stats.createsExecuted,
    failed: results.reduce((sum, result) => sum + (result.summary.counts.failed ?? 0), 0),
    writes: stats.requests.write,
    rateLimited: stats.rateLimited,
    rate: (stats.createsExecuted - 1) / span,
    busiest: busiestWindow(times, WINDOW_MS),
  };
}
