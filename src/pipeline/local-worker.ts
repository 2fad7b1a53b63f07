/**
 * The worker thread of `row-source.ts`: opens the CSV, compiles the mapping as the set-up did, and
 * runs the local stage over every record, handing rows on in batches while the engine keeps up.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ImportError } from '../errors.js';
import { compileMapping } from '../mapping/index.js';
import { openCsv } from '../reader/index.js';
import { unescapeFormula } from '../report/escape.js';
import { LocalStage } from './local-rows.js';
import { BATCH_ROWS, BATCHES_AHEAD, type WorkerMessage, type WorkerSetup } from './row-source.js';

const port = parentPort!;
const setup = workerData as WorkerSetup;

let credits = BATCHES_AHEAD;
let wake: (() => void) | undefined;
port.on('message', () => {
  credits += 1;
  wake?.();
  wake = undefined;
});

async function send(message: WorkerMessage): Promise<void> {
  while (message.type === 'rows' && credits === 0) await new Promise<void>((resolve) => (wake = resolve));
  if (message.type === 'rows') credits -= 1;
  port.postMessage(message);
}

async function main(): Promise<void> {
  const source = await openCsv({ path: setup.csvPath, delimiter: setup.delimiter, encoding: setup.encoding });
  try {
    const header = setup.isReport ? source.header.map(unescapeFormula) : source.header;
    const compiled = compileMapping(setup.mapping, setup.definitions, header, { mapping: setup.mappingPath, csv: setup.csvPath });
    const stage = new LocalStage({
      compiled,
      isReport: setup.isReport,
      lines: setup.lines === undefined ? undefined : new Set(setup.lines),
      report: setup.report,
    });
    for await (const rows of stage.batches(source.batches, BATCH_ROWS)) await send({ type: 'rows', rows, bytesRead: source.bytesRead() });
    await send({ type: 'end', bytesRead: source.bytesRead() });
  } finally {
    await source.close();
  }
}

main().catch((error: unknown) => {
  const failure = error instanceof Error ? error : new Error(String(error));
  port.postMessage({
    type: 'error',
    error: {
      message: failure.message,
      ...(failure.stack !== undefined ? { stack: failure.stack } : {}),
      ...(error instanceof ImportError ? { code: error.code, ...(error.subject !== undefined ? { subject: error.subject } : {}) } : {}),
    },
  } satisfies WorkerMessage);
});
