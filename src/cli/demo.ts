/**
 * `lightfield-import demo` (and `npm start`): the whole product in one command, with nothing to set
 * up. Starts the emulator in-process, imports the bundled sample export with the bundled mapping
 * into a fresh ledger, and prints the summary and where the report is.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { startEmulator } from '../emulator/index.js';
import { runImport } from '../pipeline/run.js';
import type { DemoArguments } from './commands.js';
import { printSummary } from './print-summary.js';

/** The bundled files, found from this module so that the demo works from any working directory. */
const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEMO_CSV = join(PACKAGE_ROOT, 'fixtures', 'demo', 'crm-export.csv');
export const DEMO_MAPPING = join(PACKAGE_ROOT, 'mappings', 'demo.json');

export async function runDemo(args: DemoArguments, logger: Logger, signal: AbortSignal): Promise<number> {
  const work = mkdtempSync(join(tmpdir(), 'lightfield-import-demo-'));
  const emulator = await startEmulator({ rate: args.rate, latencyMs: { min: 20, max: 80 } });
  try {
    if (!args.json) {
      process.stdout.write(
        `Demo: importing ${DEMO_CSV}\n  with ${DEMO_MAPPING}\n  into the Lightfield API emulator at ${emulator.url} (${args.rate} writes/s)\n\n`,
      );
    }
    const summary = await runImport({
      csvPath: DEMO_CSV,
      mappingPath: DEMO_MAPPING,
      outDir: args.out ?? join(work, 'report'),
      statePath: join(work, 'state.db'),
      baseUrl: emulator.url,
      apiKey: 'sk_lf_demo_key',
      rate: args.rate,
      logger,
      signal,
      progress: Boolean(process.stderr.isTTY),
    });
    printSummary(summary, args.json);
    if (!args.json) {
      process.stdout.write(
        `\nOpen ${summary.report.results} to see what became of every row, and ${summary.report.failed} for the rows to fix.\n`,
      );
    }
    return summary.exitCode === 1 ? 0 : summary.exitCode;
  } finally {
    await emulator.close();
  }
}
