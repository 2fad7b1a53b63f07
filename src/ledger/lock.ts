/**
 * One run per ledger at a time. Two runs on one ledger would both see a row as new and both create
 * it, so a run holds an exclusive SQLite lock on a file beside the ledger (`<ledger>.lock`) for its
 * whole life. The operating system releases that lock when the process ends, however it ends
 * (SIGKILL, a crash, a power cut), so a lock is never left behind: there is nothing to take over.
 *
 * The lock file holds no data and is never written; `plan` reads the ledger without it.
 */
import { setTimeout as delay } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { ImportError } from '../errors.js';

/** How often a waiting run tries the lock again. */
const RETRY_INTERVAL_MS = 250;

/** Who holds a ledger, as the holder recorded it in the ledger. */
export interface LockHolder {
  pid: number;
  host: string;
  /** Epoch milliseconds. */
  startedAt: number;
  command: string;
}

export interface LockOptions {
  /**
   * How long to wait for another run to let go, in milliseconds; 0 fails at once.
   * @default 0
   */
  waitMs?: number;
  /** Aborting it stops the wait with an `interrupted` ImportError. */
  signal?: AbortSignal;
  /** Called once when the lock is taken, before waiting: says who holds it, when known. */
  onWait?: (holder: LockHolder | undefined) => void;
  /** Reads who holds the ledger, for the messages; undefined when unknown. */
  readHolder: () => LockHolder | undefined;
}

/** The path of the lock file of the ledger at `ledgerPath`. */
export function lockPathOf(ledgerPath: string): string {
  return `${ledgerPath}.lock`;
}

/** A held lock; {@link release} lets the next run in. */
export class LedgerLock {
  readonly #database: Database.Database;
  #released = false;

  private constructor(database: Database.Database) {
    this.#database = database;
  }

  /**
   * Takes the lock of the ledger at `ledgerPath`, waiting up to `options.waitMs`. The lock file must
   * exist (the caller creates it owner-only).
   * @throws ImportError `state_locked` when another run still holds it, `interrupted` when the signal aborts.
   */
  static async acquire(ledgerPath: string, options: LockOptions): Promise<LedgerLock> {
    const waitMs = options.waitMs ?? 0;
    const deadline = Date.now() + waitMs;
    let waited = false;
    for (;;) {
      throwIfInterrupted(options.signal, ledgerPath);
      const lock = LedgerLock.#tryAcquire(ledgerPath);
      if (lock !== undefined) return lock;
      if (Date.now() >= deadline) throw locked(ledgerPath, options.readHolder(), waitMs);
      if (!waited) {
        waited = true;
        options.onWait?.(options.readHolder());
      }
      try {
        await delay(Math.min(RETRY_INTERVAL_MS, Math.max(1, deadline - Date.now())), undefined, options.signal ? { signal: options.signal } : {});
      } catch {
        throwIfInterrupted(options.signal, ledgerPath);
      }
    }
  }

  static #tryAcquire(ledgerPath: string): LedgerLock | undefined {
    // No busy timeout: SQLite's own wait would block the event loop, and with it Ctrl-C.
    const database = new Database(lockPathOf(ledgerPath), { fileMustExist: true, timeout: 0 });
    try {
      // An exclusive transaction that is never committed: the lock lasts as long as it stays open.
      database.exec('BEGIN EXCLUSIVE');
      return new LedgerLock(database);
    } catch (error) {
      database.close();
      if ((error as { code?: unknown }).code === 'SQLITE_BUSY') return undefined;
      throw error;
    }
  }

  /** Lets the next run in. Calling it again does nothing. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#database.close();
  }
}

function throwIfInterrupted(signal: AbortSignal | undefined, ledgerPath: string): void {
  if (signal?.aborted) {
    throw new ImportError('interrupted', `stopped while waiting for the run ledger ${ledgerPath}; nothing was sent`, {
      subject: ledgerPath,
    });
  }
}

function locked(ledgerPath: string, holder: LockHolder | undefined, waitMs: number): ImportError {
  const who =
    holder === undefined
      ? 'another run'
      : `another run (${holder.command}, pid ${holder.pid} on ${holder.host}, started ${new Date(holder.startedAt).toISOString()})`;
  const waited = waitMs > 0 ? ` and did not let go within ${waitMs / 1000} s` : '';
  return new ImportError(
    'state_locked',
    `The run ledger ${ledgerPath} is in use by ${who}${waited}; two runs on one ledger would create rows twice. ` +
      'Let that run finish (or stop it), or pass --wait <seconds> to wait for it. Nothing was sent.',
    { subject: ledgerPath },
  );
}
