/** `lightfield-import --help`: wall time of the whole process, median of several. */
import { BIN, runNode } from '../lib/processes.js';
import { median, round } from '../lib/stats.js';

const REPEATS = 7;

export async function run() {
  const times = [];
  for (let repeat = 0; repeat < REPEATS; repeat += 1) {
    const result = await runNode(BIN, ['--help']);
    if (result.code !== 0 || !result.stdout.includes('import')) throw new Error(`--help failed: ${result.stderr}`);
    times.push(result.seconds);
  }
  const seconds = median(times);
  return [
    {
      figure: '`lightfield-import --help` start-up',
      measured: `${round(seconds, 3)} s`,
      target: '≤ 0.3 s',
      met: seconds <= 0.3,
      how: `spawn to exit, median of ${REPEATS}`,
    },
  ];
}
