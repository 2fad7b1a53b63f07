/** Options of `runImport` / `runPlan` / `runRetry`: what the CLI flags turn into. */
import type { Logger } from 'pino';
import type { CsvEncoding } from '../reader/types.js';

export interface RunOptions {
  /** The CSV file. */
  csvPath: string;
  /** The mapping file (JSON). */
  mappingPath: string;
  /** Report folder. @default ./lightfield-import-report/<time>-<command> */
  outDir?: string;
  /**
   * Run ledger (SQLite file).
   * @default $XDG_STATE_HOME (else ~/.local/state)/lightfield-import/<host>-<hash of the key>.db
   */
  statePath?: string;
  /** How long to wait for another run holding the ledger, in ms; 0: fail at once. @default 0 */
  waitMs?: number;
  /** @default process.env.LIGHTFIELD_API_KEY */
  apiKey?: string;
  /** @default process.env.LIGHTFIELD_BASE_URL ?? https://api.lightfield.app */
  baseUrl?: string;
  /** Max write requests per second; the server's headers can only lower it. @default 25 */
  rate?: number;
  /**
   * A Redis URL: the rate budget is shared through it with every importer writing into the same
   * organization (same base URL and key). @default not shared
   */
  redisUrl?: string;
  /** Max requests in flight. @default 32 */
  concurrency?: number;
  /** Retries of one request (same Idempotency-Key). @default 5 */
  maxRetries?: number;
  /** Stop after this many failed or invalid rows. @default no limit */
  maxErrors?: number;
  /** Time for one answer, in ms. @default 30_000 */
  timeoutMs?: number;
  /** Only the first n data rows. @default all */
  limit?: number;
  /** @default detected */
  delimiter?: string;
  /** @default utf8 */
  encoding?: CsvEncoding;
  /** Update records whose row changed; false: only create. @default true */
  update?: boolean;
  /**
   * Create again a record the ledger knows but that was deleted in Lightfield (404 on update);
   * false: such a row fails with `record_deleted`. @default false
   */
  recreateDeleted?: boolean;
  /**
   * An earlier run's results.csv: only the rows it left `failed`, `invalid` or `not_attempted` are
   * run, found in the CSV by their identity (what `retry` runs). @default every row
   */
  retryOf?: string;
  /**
   * Stop the run (exit 3, `stopped: "outage"`) when this many rows in a row got no answer from
   * Lightfield (connection refused, timeouts, 5xx after every retry). @default 50
   */
  outageRows?: number;
  /** Stop the run the same way when no request got an answer for this long, in ms. @default 60_000 */
  outageMs?: number;
  /** How long requests in flight may take to finish after a stop, in ms. @default 30_000 */
  stopGraceMs?: number;
  /** Aborting it stops the run like Ctrl-C: no new rows, requests in flight finish, exit 3. */
  signal?: AbortSignal;
  /** @default a logger that drops everything */
  logger?: Logger;
  /** Live progress line (true), periodic progress logs (false) or none (undefined). @default undefined */
  progress?: boolean;
  /** The fetch every request goes through. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Clock for ledger times and the 24 h idempotency window, in epoch ms. @default Date.now */
  now?: () => number;
}

export const DEFAULT_RATE = 25;
export const DEFAULT_CONCURRENCY = 32;
export const DEFAULT_MAX_RETRIES = 5;
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_STOP_GRACE_MS = 30_000;
export const DEFAULT_OUTAGE_ROWS = 50;
export const DEFAULT_OUTAGE_MS = 60_000;
/** How long Lightfield remembers an Idempotency-Key (lightfield-api.md §5). */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
