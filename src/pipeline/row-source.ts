/**
 * Where the engine gets its rows: the local stage ({@link LocalStage}) run over the CSV, in batches.
 *
 * From the built package the stage runs in a worker thread, so that reading, mapping and hashing
 * (most of a plan's or a rerun's time) use the second core while this thread decides, sends and
 * reports. The worker runs at most {@link BATCHES_AHEAD} batches ahead of the engine, so memory stays
 * flat. From the TypeScript sources (the tests) there is no compiled worker script, and the stage
 * runs in this thread: same rows, same order.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ImportError, type ImportErrorCode } from '../errors.js';
import type { Definitions } from '../lightfield/types.js';
import type { CompiledMapping } from '../mapping/index.js';
import type { MappingFile } from '../mapping/types.js';
import type { CsvEncoding, CsvSource } from '../reader/types.js';
import type { ReportShape } from '../report/report-writer.js';
import { LocalStage, type WireBatch } from './local-rows.js';

/** Rows per batch handed from the stage to the engine (a batch being filled is copied by every collection: see READ_CHUNK_BYTES). */
const BATCH_ROWS = 128;
/** Batches the worker may have handed on that the engine has not taken yet. */
const BATCHES_AHEAD = 4;

/** The worker's young generation (V8 heap for short-lived objects), in MB. */
const WORKER_YOUNG_GENERATION_MB = 16;

const WORKER_SCRIPT = new URL('./local-worker.js', import.meta.url);

export interface RowSource {
  batches: AsyncIterable<WireBatch>;
  /** Bytes of the file read so far, for progress. */
  bytesRead(): number;
  /** Stops reading. Safe to call more than once. */
  close(): Promise<void>;
}

/** What the worker needs to redo the set-up's reading and compiling on its side. */
export interface WorkerSetup {
  csvPath: string;
  mappingPath: string;
  delimiter: string;
  encoding: CsvEncoding;
  mapping: MappingFile;
  definitions: Definitions;
  isReport: boolean;
  lines: number[] | undefined;
  report: ReportShape;
}

/** Messages from the worker. */
export type WorkerMessage =
  | { type: 'rows'; rows: WireBatch; bytesRead: number }
  | { type: 'end'; bytesRead: number }
  | { type: 'error'; error: { code?: ImportErrorCode; subject?: string; message: string; stack?: string } };

export interface RowSourceInput {
  source: CsvSource;
  compiled: CompiledMapping;
  isReport: boolean;
  lines: ReadonlySet<number> | undefined;
  report: ReportShape;
  worker: Omit<WorkerSetup, 'delimiter' | 'encoding' | 'isReport' | 'lines' | 'report'>;
  /** Run the stage in a worker thread; default: when the worker script exists. */
  inWorker?: boolean | undefined;
  /** The compiled worker script. @default local-worker.js beside this module */
  workerScript?: URL | undefined;
}

export function openRowSource(input: RowSourceInput): RowSource {
  const script = input.workerScript ?? WORKER_SCRIPT;
  const inWorker = input.inWorker ?? existsSync(fileURLToPath(script));
  return inWorker ? workerRows(input, script) : threadRows(input);
}

/** The stage in this thread, over the set-up's open CSV. */
function threadRows(input: RowSourceInput): RowSource {
  const stage = new LocalStage({ compiled: input.compiled, isReport: input.isReport, lines: input.lines, report: input.report });
  return { batches: stage.batches(input.source.batches, BATCH_ROWS), bytesRead: () => input.source.bytesRead(), close: () => input.source.close() };
}

/** The stage in a worker thread, which opens the CSV again with the delimiter and encoding found here. */
function workerRows(input: RowSourceInput, script: URL): RowSource {
  const setup: WorkerSetup = {
    ...input.worker,
    delimiter: input.source.delimiter,
    encoding: input.source.encoding,
    isReport: input.isReport,
    lines: input.lines === undefined ? undefined : [...input.lines],
    report: input.report,
  };
  // A smaller young generation than V8's default (48 MB): rows die young, and the default took 20–30 MB
  // more memory to save about a tenth of the worker's time in garbage collection.
  const worker = new Worker(script, {
    workerData: setup,
    resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
  });
  const received: WireBatch[] = [];
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  let bytesRead = 0;
  const notify = (): void => {
    wake?.();
    wake = undefined;
  };
  worker.on('message', (message: WorkerMessage) => {
    if (message.type === 'rows') {
      received.push(message.rows);
      bytesRead = message.bytesRead;
    } else if (message.type === 'end') {
      ended = true;
      bytesRead = message.bytesRead;
    } else {
      failure ??= errorFrom(message.error);
    }
    notify();
  });
  worker.on('error', (error) => {
    failure ??= error;
    notify();
  });
  worker.on('exit', (code) => {
    if (!ended) failure ??= new Error(`the reading thread stopped (exit code ${code}) before the end of ${input.worker.csvPath}`);
    notify();
  });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    ended = true;
    closing ??= worker.terminate().then(() => undefined);
    return closing;
  };
  async function* batches(): AsyncGenerator<WireBatch> {
    try {
      for (;;) {
        const batch = received.shift();
        if (batch !== undefined) {
          worker.postMessage('more');
          yield batch;
          continue;
        }
        if (failure !== undefined) throw failure;
        if (ended) return;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      await close();
    }
  }
  return { batches: batches(), bytesRead: () => bytesRead, close };
}

function errorFrom(error: Extract<WorkerMessage, { type: 'error' }>['error']): Error {
  if (error.code !== undefined) return new ImportError(error.code, error.message, error.subject === undefined ? {} : { subject: error.subject });
  const rebuilt = new Error(error.message);
  if (error.stack !== undefined) rebuilt.stack = error.stack;
  return rebuilt;
}

export { BATCH_ROWS, BATCHES_AHEAD };
