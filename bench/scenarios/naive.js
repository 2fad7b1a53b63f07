/**
 * Against a naive baseline, at 200 ms latency and 25 writes/s: the importer vs a loop that sends
 * one create at a time with the same LightfieldClient. Speed-up = importer rows/s ÷ loop rows/s.
 */
import { join } from 'node:path';
import { generateCsv } from '../lib/generate.js';
import { API_KEY, ROOT, runCli, runNode } from '../lib/processes.js';
import { round } from '../lib/stats.js';

const IMPORT_ROWS = 400;
const LOOP_ROWS = 40;

export async function run({ emulator, dir, log }) {
  emulator.configure({ rate: 25, latencyMs: 200 });
  const account = emulator.seedData().accounts.find((candidate) => candidate.name === 'Initech').id;
  const loop = await runNode(join(ROOT, 'bench', 'lib', 'client-loop.js'), [String(LOOP_ROWS), '1', '25', account], {
    env: { LIGHTFIELD_API_KEY: API_KEY, LIGHTFIELD_BASE_URL: emulator.url },
  });
  if (loop.code !== 0) throw new Error(`client loop failed: ${loop.stderr}`);
  const naive = JSON.parse(loop.stdout).rowsPerSecond;
  const csv = join(dir, 'naive.csv');
  await generateCsv(csv, IMPORT_ROWS);
  const result = await runCli(
    ['import', csv, '-m', join(ROOT, 'mappings', 'demo.json'), '--out', join(dir, 'naive-report'), '--state', join(dir, 'naive.db')],
    { baseUrl: emulator.url },
  );
  if (result.summary.counts.created !== IMPORT_ROWS) throw new Error(`created ${result.summary.counts.created} of ${IMPORT_ROWS}`);
  const speedUp = result.summary.rowsPerSecond / naive;
  log(`one at a time: ${naive.toFixed(2)} rows/s; importer ${result.summary.rowsPerSecond} rows/s`);
  return [
    {
      figure: 'speed-up over one-at-a-time (200 ms latency)',
      measured: `×${round(speedUp, 1)} (${result.summary.rowsPerSecond} vs ${round(naive)} rows/s)`,
      target: '≥ ×4',
      met: speedUp >= 4,
      how: `importer: CLI, ${IMPORT_ROWS} rows; baseline: same LightfieldClient, ${LOOP_ROWS} creates in a loop, one at a time`,
    },
  ];
}
