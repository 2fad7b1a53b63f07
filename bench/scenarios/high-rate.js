/**
 * High-rate overhead: the emulator allows 2,000 writes/s with no added latency, so local costs
 * decide the pace. The importer imports 20,000 rows; a bare loop of client creates (same
 * LightfieldClient and RateLimiter, same concurrency, no CSV, mapping, ledger or report) sends 20,000.
 * Ratio of their rows/s, alternating, median of the pairs.
 */
import { join } from 'node:path';
import { generateCsv } from '../lib/generate.js';
import { API_KEY, ROOT, runCli, runNode } from '../lib/processes.js';
import { median, round } from '../lib/stats.js';

const ROWS = 20_000;
const RATE = 2000;
const CONCURRENCY = 16;
const REPEATS = 3;

export async function run({ emulator, dir, log }) {
  const csv = join(dir, 'high-rate.csv');
  await generateCsv(csv, ROWS);
  const ratios = [];
  const importRates = [];
  const loopRates = [];
  for (let repeat = 0; repeat < REPEATS; repeat += 1) {
    // Each side starts from an empty emulator (it holds every opportunity in memory).
    emulator.reset();
    emulator.configure({ rate: RATE, latencyMs: 0 });
    const account = emulator.seedData().accounts.find((candidate) => candidate.name === 'Initech').id;
    const loop = await runNode(join(ROOT, 'bench', 'lib', 'client-loop.js'), [String(ROWS), String(CONCURRENCY), String(RATE), account], {
      env: { LIGHTFIELD_API_KEY: API_KEY, LIGHTFIELD_BASE_URL: emulator.url },
    });
    if (loop.code !== 0) throw new Error(`client loop failed: ${loop.stderr}`);
    // The loop's own clock, like the importer's summary: process start-up left out of both.
    const loopRate = JSON.parse(loop.stdout).rowsPerSecond;

    emulator.reset();
    emulator.configure({ rate: RATE, latencyMs: 0 });
    const result = await runCli(
      [
        'import', csv, '-m', join(ROOT, 'mappings', 'demo.json'),
        '--out', join(dir, `high-rate-report-${repeat}`), '--state', join(dir, `high-rate-${repeat}.db`),
        '--rate', String(RATE), '--concurrency', String(CONCURRENCY),
      ],
      { baseUrl: emulator.url },
    );
    if (result.summary.counts.created !== ROWS) throw new Error(`created ${result.summary.counts.created} of ${ROWS}`);
    importRates.push(result.summary.rowsPerSecond);
    loopRates.push(loopRate);
    ratios.push(result.summary.rowsPerSecond / loopRate);
    log(`bare loop ${loopRate.toFixed(0)} rows/s, importer ${result.summary.rowsPerSecond} rows/s (${result.summary.rateLimited} × 429)`);
  }
  emulator.reset();
  const ratio = median(ratios);
  return [
    {
      figure: `high rate (${RATE} writes/s, no latency): importer ÷ bare client loop`,
      measured: `${round(ratio)} (${round(median(importRates), 0)} vs ${round(median(loopRates), 0)} rows/s)`,
      target: '≥ 0.6',
      met: ratio >= 0.6,
      how: `${ROWS} rows each, --concurrency ${CONCURRENCY} / ${CONCURRENCY} workers, same client and pacer; median of ${REPEATS} pairs`,
    },
  ];
}
