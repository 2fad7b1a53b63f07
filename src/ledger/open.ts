/**
 * Opening the ledger file: creating it owner-only, checking that it is ours, migrating it, and
 * turning SQLite's failures into the importer's `state_*` errors that name the file.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ImportError } from '../errors.js';
import { SCHEMA_VERSION, inspectSchema, migrate, schemaDamage } from './schema.js';

/** How long a write waits for another process holding the file's lock before failing. */
const BUSY_TIMEOUT_MS = 5000;

/** SQLite result code that means the file is not a SQLite database. */
const NOT_A_DATABASE_CODE = 'SQLITE_NOTADB';

/** SQLite result code prefix that means a page of the file is not what SQLite wrote there. */
const CORRUPT_CODE_PREFIX = 'SQLITE_CORRUPT';

/** SQLite result code prefixes that mean the file or its folder cannot be written. */
const UNWRITABLE_CODE_PREFIXES = ['SQLITE_CANTOPEN', 'SQLITE_READONLY', 'SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_PERM'];

/** A file-system error code such as `ENOSPC` or `EACCES`. */
const ERRNO_CODE = /^E[A-Z]+$/;

/**
 * Opens (creating if needed) a ledger for writing: parent folders `0700`, the file `0600`.
 * SQLite gives the `-wal` and `-shm` files it creates beside it the database file's mode, so they
 * are owner-only as well, every time they are recreated.
 */
export function openWritable(filePath: string): Database.Database {
  createOwnerOnlyFile(filePath);
  const database = openDatabase(filePath, { fileMustExist: true });
  try {
    const state = writableState(database, filePath);
    if (state.kind === 'ours') {
      checkSound(database, filePath, state.version);
    }
    // Only once the file is known to be a ledger: another file named by mistake keeps its mode.
    narrowToOwner(filePath);
    // WAL lets `plan` read while an import writes, and with synchronous = NORMAL a commit costs
    // no fsync; a power cut may lose the last commits, never corrupt the file.
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    migrate(database, state.kind === 'empty' ? 0 : state.version);
    return database;
  } catch (error) {
    database.close();
    throw asStorageError(error, filePath);
  }
}

/**
 * Refuses an existing file that is not a ledger this release can write (another program's
 * database, a newer ledger, a folder), without writing anything: what a run checks before it
 * creates the lock file beside it. A missing or empty file passes.
 */
export function refuseForeignFile(filePath: string): void {
  if (!fs.existsSync(filePath)) {
    return;
  }
  if (fs.statSync(filePath).isDirectory()) {
    throw unwritable(filePath, new Error(`it is a folder; name a file in it, such as ${path.join(filePath, 'state.db')}`));
  }
  const database = openDatabase(filePath, { readonly: true, fileMustExist: true });
  try {
    writableState(database, filePath);
  } catch (error) {
    throw asStorageError(error, filePath);
  } finally {
    database.close();
  }
}

/**
 * Opens an existing ledger for reading only, never creating or changing anything; `undefined`
 * when there is nothing to read (no file, or an empty one).
 */
export function openReadonly(filePath: string): Database.Database | undefined {
  if (!fs.existsSync(filePath)) {
    return undefined;
  }
  const database = openDatabase(filePath, { readonly: true, fileMustExist: true });
  try {
    const state = inspectSchema(database);
    switch (state.kind) {
      case 'empty':
        database.close();
        return undefined;
      case 'foreign':
        throw foreignFile(filePath);
      case 'newer':
        throw newerFile(filePath, state.version);
      case 'ours':
        checkSound(database, filePath, state.version);
        // A read-only connection cannot migrate; the next `import` upgrades the file.
        if (state.version < SCHEMA_VERSION) {
          throw new ImportError(
            'state_incompatible',
            `The run ledger ${filePath} was written by an older release (schema ${state.version}); run \`import\` once to upgrade it.`,
            { subject: filePath },
          );
        }
        return database;
    }
  } catch (error) {
    database.close();
    throw asStorageError(error, filePath);
  }
}

/** The file's schema state, refusing another program's database and a newer ledger. */
function writableState(database: Database.Database, filePath: string): { kind: 'empty' } | { kind: 'ours'; version: number } {
  const state = inspectSchema(database);
  if (state.kind === 'foreign') {
    throw foreignFile(filePath);
  }
  if (state.kind === 'newer') {
    throw newerFile(filePath, state.version);
  }
  return state;
}

/** An in-memory ledger with the current schema: what a read-only open of a missing file reads. */
export function openEmpty(): Database.Database {
  const database = new Database(':memory:');
  migrate(database, 0);
  return database;
}

/**
 * Turns a SQLite or file-system failure into `state_incompatible` / `state_unwritable` naming the
 * file; anything else (a bug) is returned as it is.
 */
export function asStorageError(error: unknown, filePath: string): unknown {
  // Not `instanceof Error`: errors thrown by native code may come from another realm (e.g. under jest).
  if (error instanceof ImportError || typeof error !== 'object' || error === null) {
    return error;
  }
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') {
    return error;
  }
  if (code.startsWith(CORRUPT_CODE_PREFIX)) {
    return damaged(filePath, `has damaged pages (SQLite: ${messageOf(error)})`, error);
  }
  if (code === NOT_A_DATABASE_CODE) {
    return new ImportError(
      'state_incompatible',
      `The run ledger ${filePath} is not a SQLite database (${messageOf(error)}); point --state at another file.`,
      { subject: filePath, cause: error },
    );
  }
  if (UNWRITABLE_CODE_PREFIXES.some((prefix) => code.startsWith(prefix)) || ERRNO_CODE.test(code)) {
    return unwritable(filePath, error);
  }
  return error;
}

/** Creates `filePath` (and its folders) readable by the owner only, unless it exists. */
export function createOwnerOnlyFile(filePath: string): void {
  try {
    fs.mkdirSync(path.dirname(filePath), { recursive: true, mode: 0o700 });
  } catch (error) {
    // mkdir says EEXIST (or ENOTDIR) when a part of the path is a file: say that instead.
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'EEXIST' || code === 'ENOTDIR' ? new Error(`a part of ${path.dirname(filePath)} is a file, not a folder`) : error;
    throw unwritable(filePath, reason);
  }
  let descriptor: number;
  try {
    descriptor = fs.openSync(filePath, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      return;
    }
    throw unwritable(filePath, error);
  }
  try {
    // The mode given to open() is narrowed by the umask, never widened; this makes it exact.
    fs.fchmodSync(descriptor, 0o600);
  } finally {
    fs.closeSync(descriptor);
  }
}

/**
 * An existing ledger (and its `-wal` and `-shm` files) made readable by the owner only: it holds
 * customer data and request bodies, and may have been copied around or created by an older release.
 */
function narrowToOwner(filePath: string): void {
  for (const file of [filePath, `${filePath}-wal`, `${filePath}-shm`]) {
    try {
      fs.chmodSync(file, 0o600);
    } catch (error) {
      // Missing -wal/-shm files are normal; a file of another user cannot be narrowed by us (EPERM).
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'EPERM') throw unwritable(filePath, error);
    }
  }
}

/**
 * Refuses a file whose tables are not those of its schema version, or whose pages are not sound,
 * before the first row rather than in the middle of a run. The page check reads the whole file
 * once (under a second for a million entries).
 */
function checkSound(database: Database.Database, filePath: string, version: number): void {
  const shape = schemaDamage(database, version);
  if (shape !== undefined) throw damaged(filePath, shape);
  const problems = database.pragma('quick_check(3)', { simple: false }) as Array<{ quick_check: string }>;
  // SQLite's report starts with a "*** in database main ***" line: keep one line of what it found.
  const found = problems
    .map((row) => row.quick_check.replace(/\*\*\* in database \w+ \*\*\*/g, '').replace(/\s+/g, ' ').trim())
    .filter((text) => text !== 'ok' && text !== '');
  if (found.length > 0) throw damaged(filePath, `has damaged pages (SQLite: ${found.join('; ')})`);
}

function openDatabase(filePath: string, options: Database.Options): Database.Database {
  try {
    return new Database(filePath, { ...options, timeout: BUSY_TIMEOUT_MS });
  } catch (error) {
    throw asStorageError(error, filePath);
  }
}

function unwritable(filePath: string, cause: unknown): ImportError {
  const reason = messageOf(cause);
  return new ImportError('state_unwritable', `Cannot write the run ledger ${filePath}: ${reason}.`, {
    subject: filePath,
    cause,
  });
}

function foreignFile(filePath: string): ImportError {
  return new ImportError(
    'state_incompatible',
    `The run ledger ${filePath} is a SQLite database of another program; point --state at another file.`,
    { subject: filePath },
  );
}

function newerFile(filePath: string, version: number): ImportError {
  return new ImportError(
    'state_incompatible',
    `The run ledger ${filePath} was written by a newer release of lightfield-import (schema ${version}, this one knows ${SCHEMA_VERSION}); upgrade lightfield-import.`,
    { subject: filePath },
  );
}

/** The ledger is ours but broken: say what to do, and what is safe. */
function damaged(filePath: string, what: string, cause?: unknown): ImportError {
  return new ImportError(
    'state_damaged',
    `ledger damaged: the run ledger ${filePath} ${what}. Nothing was sent. Move it aside (e.g. rename it to ${path.basename(filePath)}.damaged) and rerun: ` +
      'rows imported unchanged in the last 24 hours are protected by their idempotency keys and are not created again; ' +
      'older ones would be, so restore a backup of the ledger instead if you have one.',
    { subject: filePath, ...(cause === undefined ? {} : { cause }) },
  );
}

function messageOf(error: unknown): string {
  const message = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : String(error);
}
