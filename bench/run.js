/**
 * The benchmark suite: `npm run bench` (build, then this file; `npm run bench -- --results
 * bench/RESULTS.md` also records the table there), or `node bench/run.js [scenario…]` for some
 * scenarios only. Starts the emulator in this process, runs the real CLI as child processes (and, for
 * the shared budget, a redis-server on a loopback port), and prints one table: every figure is
 * measured in this run, comparisons from measurements taken side by side.
 *
 * Generated inputs go to a temporary folder that is removed at the end.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from './lib/emulator.js';

/** In the order they run; each is `bench/scenarios/<name>.js`, exporting `run(context)` → table rows. */
const SCENARIOS = ['ceiling', 'limit-change', 'shared-budget', 'rerun', 'local-overhead', 'startup'];

function parseArguments(argv) {
  const chosen = [];
  let resultsPath;
  for (let index = 0; index < argv.length; index += 1) {
    if (argv[index] === '--results') resultsPath = argv[++index];
    else chosen.push(argv[index]);
  }
  for (const name of chosen) {
    if (!SCENARIOS.includes(name)) throw new Error(`Unknown scenario ${name}; known: ${SCENARIOS.join(', ')}`);
  }
  return { names: chosen.length > 0 ? chosen : SCENARIOS, resultsPath };
}

function machine() {
  return {
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
}

function table(rows) {
  const header = ['figure', 'measured', 'target', 'met', 'how'];
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const row of rows) {
    lines.push(`| ${row.figure} | ${row.measured} | ${row.target} | ${row.met === undefined ? '' : row.met ? 'yes' : '**no**'} | ${row.how} |`);
  }
  return lines.join('\n');
}

async function main() {
  const { names, resultsPath } = parseArguments(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'lightfield-bench-'));
  const emulator = await startEmulator({ rate: 25 });
  const rows = [];
  // Other tenants of a shared machine take CPU time from timing-sensitive figures: say how busy it was.
  const loadAtStart = loadavg()[0];
  const startedAt = performance.now();
  try {
    for (const name of names) {
      const scenarioStart = performance.now();
      process.stderr.write(`[bench] ${name} …\n`);
      emulator.reset();
      const scenario = await import(`./scenarios/${name}.js`);
      const produced = await scenario.run({ emulator, dir, log: (text) => process.stderr.write(`[bench]   ${text}\n`) });
      rows.push(...produced);
      process.stderr.write(`[bench] ${name} done in ${((performance.now() - scenarioStart) / 1000).toFixed(1)} s\n`);
    }
  } finally {
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const info = machine();
  const totalSeconds = (performance.now() - startedAt) / 1000;
  const text = [
    `Machine: ${info.nproc} CPUs (${info.cpu}), Node ${info.node}, ${info.date}; bench took ${totalSeconds.toFixed(0)} s; ` +
      `1-minute load average ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end.`,
    '',
    table(rows),
    '',
  ].join('\n');
  process.stdout.write(`\n${text}`);
  if (resultsPath) writeResults(resultsPath, text);
  if (rows.some((row) => row.met === false)) process.exitCode = 1;
}

const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

/** Replaces the table between the markers of an existing results file (notes around it stay), or writes a new one. */
function writeResults(path, text) {
  const block = `${START}\n${text}${END}`;
  let existing;
  try {
    existing = readFileSync(path, 'utf8');
  } catch {
    existing = undefined;
  }
  if (existing !== undefined && existing.includes(START) && existing.includes(END)) {
    writeFileSync(path, existing.slice(0, existing.indexOf(START)) + block + existing.slice(existing.indexOf(END) + END.length));
    return;
  }
  writeFileSync(
    path,
    [
      '# Benchmark results',
      '',
      'The latest `npm run bench -- --results bench/RESULTS.md`: the emulator runs in the bench process, the',
      'importer (`node bin/lightfield-import.js`) in child processes. Comparisons are between figures',
      'measured side by side in the same run; repeated figures are medians.',
      '',
      block,
      '',
    ].join('\n'),
  );
}

await main();
