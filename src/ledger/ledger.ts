/**
 * The run ledger: one SQLite file that makes every run resumable and every rerun exactly-once.
 *
 * Write rules, and why:
 * - `markInFlight` commits before it returns, so a crash between the request and its answer
 *   leaves the row `in_flight` with its idempotency key and request body, and the next run
 *   replays exactly that request.
 * - `markAnswered` is batched (flushed every `flushIntervalMs` or `flushBatchSize` answers, and
 *   on `close`): losing unflushed answers in a crash is safe, because their rows stay
 *   `in_flight` and replaying a request with its key returns the recorded answer.
 * - Each entry keeps the payload last *applied* in Lightfield apart from the one *pending* in
 *   the last request, so a failed update keeps the record's ID and the payload to diff against
 *   (see {@link LedgerEntry}).
 *
 * It is on the hot path of an unchanged rerun (a `get` per row), so every statement is prepared
 * once and reads go straight to SQLite's page cache.
 */
import os from 'node:os';
import type Database from 'better-sqlite3';
import { LedgerLock, lockPathOf, type LockHolder } from './lock.js';
import { asStorageError, createOwnerOnlyFile, openEmpty, openReadonly, openWritable, refuseForeignFile } from './open.js';
import { entryRowFrom, prepareStatements, type EntryRow, type Statements } from './statements.js';
import {
  LEDGER_STATUSES,
  type InFlightRequest,
  type LedgerAnswer,
  type LedgerEntry,
  type LedgerStatus,
  type RunRecord,
  type RunResult,
  type RunStart,
} from './types.js';

/** A record `match` found for a row, holding the row's payload. */
export interface MatchedRecord {
  namespace: string;
  identity: string;
  payloadHash: string;
  payload: string;
  recordId: string;
  httpLink: string | null;
  /** The key the row's create would have had: shown in the report, never sent. */
  idempotencyKey: string;
}

export interface LedgerOptions {
  /**
   * Open for reading only (what `plan` does): nothing is created or written, and a missing file
   * reads as an empty ledger. Write methods throw.
   * @default false
   */
  readonly?: boolean;
  /**
   * The clock stamped on `firstSentAt` and `lastAnswerAt`, in epoch milliseconds.
   * @default Date.now
   */
  now?: () => number;
  /**
   * Longest time an answer waits in memory before it is written.
   * @default 100
   */
  flushIntervalMs?: number;
  /**
   * Number of waiting answers that triggers a write at once.
   * @default 500
   */
  flushBatchSize?: number;
}

export interface ExclusiveLedgerOptions extends Omit<LedgerOptions, 'readonly'> {
  /**
   * How long to wait for another run holding the ledger to let go, in milliseconds.
   * @default 0 (fail at once)
   */
  waitMs?: number;
  /** Aborting it stops a wait for the lock (an `interrupted` ImportError). */
  signal?: AbortSignal;
  /** The command recorded as the holder, for the message another run gets. @default 'import' */
  command?: string;
  /** Called once before waiting for another run, with that run when known. */
  onWait?: (holder: LockHolder | undefined) => void;
}

/** An API key as Lightfield issues them; never to be written into the ledger. */
const API_KEY_PATTERN = /sk_lf_/;

export class Ledger {
  readonly path: string;
  readonly #database: Database.Database;
  readonly #statements: Statements;
  readonly #readonly: boolean;
  readonly #now: () => number;
  readonly #flushIntervalMs: number;
  readonly #flushBatchSize: number;
  /** Answers not yet written, by {@link entryKey}; `get` reads them first. */
  readonly #unflushed = new Map<string, EntryRow>();
  /** A read transaction of {@link get} is open. */
  #reading = false;
  #flushTimer: NodeJS.Timeout | undefined;
  /** A failure of a timed flush, thrown by the next call instead of crashing the process from a timer. */
  #deferredError: unknown;
  #closed = false;
  /** The run's hold on the file, released by {@link close}; undefined for a ledger opened without one. */
  readonly #lock: LedgerLock | undefined;

  /**
   * Opens (and, unless read-only, creates and migrates) the ledger file at `path`, without taking
   * its lock: for reading, and for tests. A run that writes uses {@link openExclusive}.
   */
  static open(path: string, options: LedgerOptions = {}): Ledger {
    const readonly = options.readonly ?? false;
    const database = readonly ? (openReadonly(path) ?? openEmpty()) : openWritable(path);
    return new Ledger(path, database, options, undefined);
  }

  /**
   * Opens the ledger for writing as the only run on it: takes the lock beside it first (waiting up
   * to `waitMs`), then opens, checks and migrates the file, and records this process as the holder.
   * {@link close} lets the next run in.
   * @throws ImportError `state_locked` when another run holds it.
   */
  static async openExclusive(path: string, options: ExclusiveLedgerOptions = {}): Promise<Ledger> {
    refuseForeignFile(path);
    createOwnerOnlyFile(path);
    createOwnerOnlyFile(lockPathOf(path));
    let lock: LedgerLock;
    try {
      lock = await LedgerLock.acquire(path, {
        ...(options.waitMs !== undefined ? { waitMs: options.waitMs } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onWait ? { onWait: options.onWait } : {}),
        readHolder: () => readHolder(path),
      });
    } catch (error) {
      throw asStorageError(error, path);
    }
    let ledger: Ledger;
    try {
      ledger = new Ledger(path, openWritable(path), { ...options, readonly: false }, lock);
    } catch (error) {
      lock.release();
      throw error;
    }
    const holder: LockHolder = {
      pid: process.pid,
      host: os.hostname(),
      startedAt: (options.now ?? Date.now)(),
      command: options.command ?? 'import',
    };
    try {
      ledger.#write(() => ledger.#database.prepare('INSERT OR REPLACE INTO holder (only, pid, host, started_at, command) VALUES (1, @pid, @host, @startedAt, @command)').run(holder));
    } catch (error) {
      ledger.close();
      throw error;
    }
    return ledger;
  }

  private constructor(path: string, database: Database.Database, options: LedgerOptions, lock: LedgerLock | undefined) {
    this.path = path;
    this.#database = database;
    this.#lock = lock;
    this.#readonly = options.readonly ?? false;
    this.#now = options.now ?? Date.now;
    this.#flushIntervalMs = positiveInteger(options.flushIntervalMs ?? 100, 'flushIntervalMs');
    this.#flushBatchSize = positiveInteger(options.flushBatchSize ?? 500, 'flushBatchSize');
    this.#statements = prepareStatements(database);
  }

  /** The entry for (namespace, identity), or undefined. Sees answers recorded but not yet flushed. */
  get(namespace: string, identity: string): LedgerEntry | undefined {
    const row = this.#getRow(namespace, identity);
    return row === undefined ? undefined : toEntry(row);
  }

  /**
   * Durably records that a request is about to go out: committed before returning. Keeps the
   * applied payload, `attempts` and the last answer of an existing entry, and `firstSentAt` when
   * the key is the same (the time the key was first sent); the request's payload becomes the
   * pending one.
   */
  markInFlight(request: InFlightRequest): void {
    this.#assertWritable();
    const record = (): void => {
      const current = this.#getRow(request.namespace, request.identity);
      const row: EntryRow = {
        namespace: request.namespace,
        identity: request.identity,
        status: 'in_flight',
        operation: request.operation,
        idempotencyKey: request.idempotencyKey,
        appliedPayloadHash: current?.appliedPayloadHash ?? null,
        appliedPayload: current?.appliedPayload ?? null,
        pendingPayloadHash: request.payloadHash,
        pendingPayload: request.payload,
        requestBody: request.requestBody,
        opportunityId: request.opportunityId ?? current?.opportunityId ?? null,
        httpLink: request.httpLink ?? current?.httpLink ?? null,
        attempts: current?.attempts ?? 0,
        // The 24 h idempotency window runs from the first send of this key: a new key starts it anew.
        firstSentAt:
          current && current.idempotencyKey === request.idempotencyKey ? (current.firstSentAt ?? this.#now()) : this.#now(),
        lastAnswerAt: current?.lastAnswerAt ?? null,
        lastError: current?.lastError ?? null,
      };
      this.#statements.upsertEntry.run(row);
      // The row just written already contains any waiting answer for this entry.
      this.#unflushed.delete(entryKey(request.namespace, request.identity));
    };
    this.#write(() => this.#database.transaction(record).immediate());
  }

  /**
   * Records a request's answer; written with the next flush. `created`/`updated` make the
   * pending payload (or `answer.payload`) the applied one and drop the request body; `failed`
   * keeps the applied payload, the record's ID and link, so the next run updates against what
   * Lightfield really holds, and keeps the request body for inspection.
   * @throws Error when the entry was never marked in flight: there would be no key to keep.
   */
  markAnswered(namespace: string, identity: string, answer: LedgerAnswer): void {
    this.#assertWritable();
    const current = this.#getRow(namespace, identity);
    if (current === undefined) {
      throw new Error(`Ledger.markAnswered: (${namespace}, ${identity}) was never marked in flight.`);
    }
    const succeeded = answer.status !== 'failed';
    const answered: EntryRow = {
      ...current,
      status: answer.status,
      opportunityId: answer.opportunityId ?? current.opportunityId,
      httpLink: answer.httpLink ?? current.httpLink,
      attempts: answer.attempts,
      lastAnswerAt: this.#now(),
      lastError: answer.error ?? null,
    };
    if (succeeded) {
      answered.appliedPayloadHash = answer.payloadHash ?? current.pendingPayloadHash;
      answered.appliedPayload = answer.payload ?? current.pendingPayload ?? current.appliedPayload;
      answered.pendingPayload = null;
      answered.requestBody = null;
    }
    this.#unflushed.set(entryKey(namespace, identity), answered);
    if (this.#unflushed.size >= this.#flushBatchSize) {
      this.flush();
    } else if (this.#flushTimer === undefined) {
      this.#flushTimer = setTimeout(() => this.#timedFlush(), this.#flushIntervalMs);
      // Waiting answers must not keep a finished process alive; unflushed ones stay in flight.
      this.#flushTimer.unref();
    }
  }

  /**
   * Records a record found in Lightfield by the mapping's `match` field as holding this row's payload
   * (found unchanged, or just updated to it): later runs compare against it like an imported row.
   * Committed at once, like an answer that needed no request.
   */
  recordMatched(match: MatchedRecord): void {
    this.#assertWritable();
    const current = this.#getRow(match.namespace, match.identity);
    const row: EntryRow = {
      namespace: match.namespace,
      identity: match.identity,
      status: 'updated',
      operation: 'update',
      idempotencyKey: match.idempotencyKey,
      appliedPayloadHash: match.payloadHash,
      appliedPayload: match.payload,
      pendingPayloadHash: match.payloadHash,
      pendingPayload: null,
      requestBody: null,
      opportunityId: match.recordId,
      httpLink: match.httpLink,
      attempts: current?.attempts ?? 0,
      firstSentAt: current?.firstSentAt ?? null,
      lastAnswerAt: this.#now(),
      lastError: null,
    };
    this.#write(() => {
      this.#statements.upsertEntry.run(row);
      this.#unflushed.delete(entryKey(match.namespace, match.identity));
    });
  }

  /** Writes every waiting answer in one transaction. */
  flush(): void {
    this.#throwDeferredError();
    this.#clearFlushTimer();
    if (this.#unflushed.size === 0) {
      return;
    }
    const rows = [...this.#unflushed.values()];
    this.#write(() =>
      this.#database.transaction(() => {
        for (const row of rows) {
          this.#statements.upsertEntry.run(row);
        }
      })(),
    );
    // Cleared only once written: after a failed write the answers are still waiting.
    this.#unflushed.clear();
  }

  /** Flushes and closes the file. Calling it again does nothing. */
  close(): void {
    if (this.#closed) {
      return;
    }
    try {
      if (!this.#readonly) {
        this.flush();
      }
    } finally {
      this.#clearFlushTimer();
      this.#closed = true;
      try {
        this.#endReading();
        if (this.#lock !== undefined) this.#database.exec('DELETE FROM holder');
      } catch {
        // The row only names the holder: the next run replaces it once it holds the lock.
      } finally {
        this.#database.close();
        this.#lock?.release();
      }
    }
  }

  /** The identity columns recorded for `namespace`, or undefined when none are recorded yet. */
  identityColumns(namespace: string): string[] | undefined {
    const text = this.#database
      .prepare<[string], string>('SELECT identity_columns FROM namespaces WHERE namespace = ?')
      .pluck()
      .get(namespace);
    return text === undefined ? undefined : (JSON.parse(text) as string[]);
  }

  /** Records how `namespace` identifies its records (the first run that imports into it does). */
  recordIdentityColumns(namespace: string, columns: readonly string[]): void {
    this.#assertWritable();
    this.#write(() =>
      this.#database
        .prepare('INSERT OR REPLACE INTO namespaces (namespace, identity_columns, recorded_at) VALUES (?, ?, ?)')
        .run(namespace, JSON.stringify(columns), this.#now()),
    );
  }

  /** Whether any entry of `namespace` exists. */
  hasEntries(namespace: string): boolean {
    this.#flushIfWritable();
    return this.#database.prepare('SELECT 1 FROM entries WHERE namespace = ? LIMIT 1').get(namespace) !== undefined;
  }

  /** Every namespace that has entries or a recorded identity, in order. */
  namespaces(): string[] {
    this.#flushIfWritable();
    // One index seek per namespace instead of a scan of every entry.
    const withEntries = this.#database
      .prepare<[], string>(
        `WITH RECURSIVE next (namespace) AS (
           SELECT min(namespace) FROM entries
           UNION ALL
           SELECT (SELECT min(namespace) FROM entries WHERE namespace > next.namespace) FROM next WHERE next.namespace IS NOT NULL
         )
         SELECT namespace FROM next WHERE namespace IS NOT NULL
         UNION SELECT namespace FROM namespaces ORDER BY 1`,
      )
      .pluck()
      .all();
    return withEntries;
  }

  /** How many of `identities` have an entry in `namespace`. */
  countEntries(namespace: string, identities: readonly string[]): number {
    this.#flushIfWritable();
    return this.#database
      .prepare<[string, string], number>('SELECT count(*) FROM entries WHERE namespace = ? AND identity IN (SELECT value FROM json_each(?))')
      .pluck()
      .get(namespace, JSON.stringify(identities)) ?? 0;
  }

  /** Records the start of a run. Refuses settings that contain an API key. */
  startRun(run: RunStart): void {
    this.#assertWritable();
    refuseApiKey(run.settings, 'settings');
    this.#write(() =>
      this.#statements.insertRun.run({
        runId: run.runId,
        command: run.command,
        csvPath: run.csvPath,
        mappingPath: run.mappingPath,
        namespace: run.namespace,
        settings: run.settings,
        startedAt: run.startedAt,
      }),
    );
  }

  /** Records how a run ended. Refuses a summary that contains an API key. */
  finishRun(runId: string, result: RunResult): void {
    this.#assertWritable();
    refuseApiKey(result.summary, 'summary');
    const { changes } = this.#write(() =>
      this.#statements.finishRun.run({
        runId,
        finishedAt: result.finishedAt,
        exitCode: result.exitCode,
        summary: result.summary,
      }),
    );
    if (changes === 0) {
      throw new Error(`Ledger.finishRun: run ${runId} was never started.`);
    }
  }

  getRun(runId: string): RunRecord | undefined {
    return this.#statements.selectRun.get(runId);
  }

  /** The latest run of a namespace: which file an import under it read (for "import that file first"). */
  lastRunOf(namespace: string): RunRecord | undefined {
    return this.#statements.selectLastRunOf.get(namespace);
  }

  /**
   * Records whose ID starts with `idPrefix` (`acc_`) that imports with this ledger made or updated,
   * in every namespace, with the payload last applied: what a lookup finds before Lightfield's
   * search lists it.
   */
  knownRecords(idPrefix: string): Array<{ id: string; payload: string }> {
    this.#flushIfWritable();
    return this.#statements.selectKnownRecords.all(idPrefix);
  }

  /** Entries of a namespace still in flight, oldest first (for reporting what a crash left behind). */
  inFlight(namespace: string): LedgerEntry[] {
    this.#flushIfWritable();
    return this.#statements.selectInFlight.all(namespace).map(toEntry);
  }

  countByStatus(namespace: string): Record<LedgerStatus, number> {
    this.#flushIfWritable();
    const counts = Object.fromEntries(LEDGER_STATUSES.map((status) => [status, 0])) as Record<LedgerStatus, number>;
    for (const { status, count } of this.#statements.countByStatus.all(namespace)) {
      counts[status] = count;
    }
    return counts;
  }

  #getRow(namespace: string, identity: string): EntryRow | undefined {
    const unflushed = this.#unflushed.get(entryKey(namespace, identity));
    if (unflushed !== undefined) return unflushed;
    // The run holding the ledger's lock, its only writer, keeps its lookups in one read transaction
    // until its next write: a statement outside a transaction takes and releases SQLite's locks on
    // its own, which was half of a lookup's time in a 100k-entry ledger (15 µs against 7 µs in one
    // transaction), and a rerun makes one per row. Other connections see every commit at once.
    if (this.#lock !== undefined && !this.#database.inTransaction) {
      this.#database.exec('BEGIN');
      this.#reading = true;
    }
    const values = this.#statements.selectEntry.get(namespace, identity);
    return values === undefined ? undefined : entryRowFrom(values);
  }

  /** Ends the lookups' read transaction: a write must commit on its own, not inside it. */
  #endReading(): void {
    if (!this.#reading) return;
    this.#reading = false;
    if (this.#database.inTransaction) this.#database.exec('COMMIT');
  }

  #write<T>(operation: () => T): T {
    this.#endReading();
    try {
      return operation();
    } catch (error) {
      throw asStorageError(error, this.path);
    }
  }

  #timedFlush(): void {
    this.#flushTimer = undefined;
    try {
      this.flush();
    } catch (error) {
      this.#deferredError = error;
    }
  }

  #flushIfWritable(): void {
    if (!this.#readonly) {
      this.flush();
    }
  }

  #clearFlushTimer(): void {
    if (this.#flushTimer !== undefined) {
      clearTimeout(this.#flushTimer);
      this.#flushTimer = undefined;
    }
  }

  #throwDeferredError(): void {
    if (this.#deferredError !== undefined) {
      const error = this.#deferredError;
      this.#deferredError = undefined;
      throw error;
    }
  }

  #assertWritable(): void {
    if (this.#readonly) {
      throw new Error(`The run ledger ${this.path} was opened read-only.`);
    }
    this.#throwDeferredError();
  }
}

/** Who holds the ledger at `path`, as recorded in it; undefined when that cannot be read. */
function readHolder(path: string): LockHolder | undefined {
  try {
    const database = openReadonly(path);
    if (database === undefined) return undefined;
    try {
      return database
        .prepare<[], LockHolder>('SELECT pid, host, started_at AS startedAt, command FROM holder')
        .get();
    } finally {
      database.close();
    }
  } catch {
    // Older or half-migrated files have no holder row: the message then says "another run".
    return undefined;
  }
}

/** Map key of an entry; NUL cannot appear in a namespace typed in a mapping file. */
function entryKey(namespace: string, identity: string): string {
  return `${namespace}\u0000${identity}`;
}

function toEntry(row: EntryRow): LedgerEntry {
  return {
    namespace: row.namespace,
    identity: row.identity,
    payloadHash: row.appliedPayloadHash ?? row.pendingPayloadHash,
    payload: row.appliedPayload ?? row.pendingPayload ?? '',
    pendingPayloadHash: row.pendingPayloadHash,
    pendingPayload: row.pendingPayload ?? row.appliedPayload ?? '',
    applied: row.appliedPayloadHash !== null,
    requestBody: row.requestBody,
    operation: row.operation,
    status: row.status,
    opportunityId: row.opportunityId,
    httpLink: row.httpLink,
    idempotencyKey: row.idempotencyKey,
    attempts: row.attempts,
    firstSentAt: row.firstSentAt,
    lastAnswerAt: row.lastAnswerAt,
    lastError: row.lastError,
  };
}

function refuseApiKey(json: string, what: string): void {
  if (API_KEY_PATTERN.test(json)) {
    // The message must not quote the value: it holds the key.
    throw new Error(`Refusing to store run ${what} that contain an API key (sk_lf_…) in the ledger.`);
  }
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new TypeError(`Expected \`${name}\` to be a positive integer, got ${value}.`);
  }
  return value;
}
