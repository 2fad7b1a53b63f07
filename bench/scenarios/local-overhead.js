/**
 * Local work: `plan` (read, map, validate, look up, hash, ledger check, report) over a generated
 * 1M-row file, as a whole process, spawn to exit; and the plan's peak RSS for 100k vs 1M rows, which
 * must stay flat (the reader waits for the pipeline).
 */
import { join } from 'node:path';
import { generateCsv } from '../lib/generate.js';
import { ROOT, runCli } from '../lib/processes.js';
import { median, round } from '../lib/stats.js';

const BIG = 1_000_000;
const SMALL = 100_000;
const REPEATS = 3;

export async function run({ emulator, dir, log }) {
  emulator.configure({ latencyMs: 0 });
  const mapping = join(ROOT, 'mappings', 'demo.json');
  const big = join(dir, 'plan-1m.csv');
  const small = join(dir, 'plan-100k.csv');
  const bytes = await generateCsv(big, BIG);
  await generateCsv(small, SMALL);
  log(`generated ${BIG} rows (${(bytes / 1e6).toFixed(0)} MB) and ${SMALL} rows`);

  const plan = async (file, rows, name) => {
    const result = await runCli(
      ['plan', file, '-m', mapping, '--out', join(dir, `report-${name}`), '--state', join(dir, `plan-${name}.db`)],
      { baseUrl: emulator.url, measureRss: true },
    );
    const planned = result.summary.counts.would_create;
    if (planned !== rows) throw new Error(`plan classified ${planned} of ${rows} rows would_create: ${JSON.stringify(result.summary.counts)}`);
    return result;
  };

  const planRates = [];
  const bigRss = [];
  const smallRss = [];
  for (let repeat = 0; repeat < REPEATS; repeat += 1) {
    const planned = await plan(big, BIG, 'big');
    const smallPlan = await plan(small, SMALL, 'small');
    planRates.push(BIG / planned.seconds);
    bigRss.push(planned.maxRssMb);
    smallRss.push(smallPlan.maxRssMb);
    log(
      `plan 1M ${planned.seconds.toFixed(2)} s (${round(BIG / planned.seconds / 1000, 1)}k rows/s), ` +
        `RSS ${planned.maxRssMb.toFixed(0)} MB (1M) / ${smallPlan.maxRssMb.toFixed(0)} MB (100k)`,
    );
  }
  const planRate = median(planRates);
  const rssBig = median(bigRss);
  const rssSmall = median(smallRss);
  // Each 1M plan is compared with the 100k plan run right after it, under the same load.
  const growth = median(bigRss.map((big, index) => big / smallRss[index]));
  return [
    {
      figure: 'plan of a 1M-row file',
      measured: `${round(planRate / 1000, 1)}k rows/s (${round(BIG / planRate, 1)} s; runs ${planRates.map((rate) => `${round(rate / 1000, 1)}k`).join(', ')})`,
      target: '≥ 25k rows/s',
      met: planRate >= 25_000,
      how: `whole process, spawn to exit; demo mapping (lookups cached); median of ${REPEATS}`,
    },
    {
      figure: 'plan peak RSS, 100k → 1M rows',
      measured: `${round(rssSmall, 0)} MB → ${round(rssBig, 0)} MB (×${round(growth)}; pairs ${bigRss.map((big, index) => `${round(smallRss[index], 0)}→${round(big, 0)}`).join(', ')})`,
      target: '≤ 200 MB, ≤ ×1.2',
      met: rssBig <= 200 && growth <= 1.2,
      how: `getrusage maxRSS of the importer process; medians of ${REPEATS}, growth = median of the pairs' ratios`,
    },
  ];
}
