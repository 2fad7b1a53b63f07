/**
 * A mid-run limit change: while the importer runs at 25 writes/s (80–250 ms latency), the emulator
 * lowers its limit to 10/s through POST /_emulator/config. Measured on the emulator's side: how long
 * after the change the write arrival rate stays ≤ 10.5/s (every 2-second window from then on), and
 * the 429s the change cost.
 */
import { join } from 'node:path';
import { generateCsv } from '../lib/generate.js';
import { ROOT, runCli } from '../lib/processes.js';
import { ArrivalSampler, configureOverHttp, lastArrival, writesBetween } from '../lib/emulator.js';
import { round } from '../lib/stats.js';

const ROWS = 300;
const CHANGE_AFTER_WRITES = 150;
const NEW_RATE = 10;
const WINDOW_MS = 2000;
const STEP_MS = 10;

export async function run({ emulator, dir, log }) {
  emulator.configure({ rate: 25, latencyMs: { min: 80, max: 250 } });
  const csv = join(dir, 'limit-change.csv');
  await generateCsv(csv, ROWS);
  const sampler = new ArrivalSampler(emulator, STEP_MS);
  let changedAt;
  let rateLimitedAtChange = 0;
  let writesAtChange = 0;
  const watcher = setInterval(() => {
    const stats = emulator.stats();
    if (changedAt === undefined && stats.requests.write >= CHANGE_AFTER_WRITES) {
      changedAt = performance.now();
      rateLimitedAtChange = stats.rateLimited;
      writesAtChange = stats.requests.write;
      configureOverHttp(emulator, { rate: NEW_RATE }).catch((error) => log(`config change failed: ${error.message}`));
    }
  }, 5);
  let result;
  try {
    result = await runCli(
      ['import', csv, '-m', join(ROOT, 'mappings', 'demo.json'), '--out', join(dir, 'limit-report'), '--state', join(dir, 'limit.db')],
      { baseUrl: emulator.url },
    );
  } finally {
    clearInterval(watcher);
  }
  const samples = sampler.stop();
  if (changedAt === undefined) throw new Error('the limit was never changed');
  if (result.summary.counts.created !== ROWS) throw new Error(`created ${result.summary.counts.created} of ${ROWS}`);

  // The earliest moment from which every full 2-second window holds ≤ 10.5/s of arrivals.
  const end = lastArrival(samples);
  let followedFrom = changedAt;
  for (let start = changedAt; start + WINDOW_MS <= end; start += STEP_MS) {
    if (writesBetween(samples, start, start + WINDOW_MS) > (NEW_RATE * 1.05 * WINDOW_MS) / 1000) followedFrom = start + STEP_MS;
  }
  const followSeconds = (followedFrom - changedAt) / 1000;
  const stats = emulator.stats();
  const changeRateLimited = stats.rateLimited - rateLimitedAtChange;
  const changeWrites = stats.requests.write - writesAtChange;
  const share = changeRateLimited / changeWrites;
  log(`followed after ${followSeconds.toFixed(2)} s; ${changeRateLimited} × 429 of ${changeWrites} writes after the change (${stats.rateLimited} in the run)`);
  return [
    {
      figure: 'limit lowered 25 → 10/s mid-run: time until arrivals stay ≤ 10.5/s',
      measured: `${round(followSeconds, 2)} s`,
      target: '≤ 2 s',
      met: followSeconds <= 2,
      how: "emulator side: earliest start after the change from which every 2 s window holds ≤ 21 writes",
    },
    {
      figure: 'limit lowered mid-run: 429s ÷ writes after the change',
      measured: `${round(100 * share, 2)} % (${changeRateLimited} of ${changeWrites})`,
      target: '≤ 5 %',
      met: share <= 0.05,
      how: `${ROWS} rows, change after ${CHANGE_AFTER_WRITES} writes, through POST /_emulator/config`,
    },
  ];
}
