/**
 * Opening the ledger file: creating it owner-only, checking that it is ours, migrating it, and
 * turning SQLite's failures into the importer's `state_*` errors that name the file.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ImportError } from '../errors.js';
import { SCHEMA_VERSION, inspectSchema, migrate } from './schema.js';

/** How long a write waits for another process holding the file's lock before failing. */
const BUSY_TIMEOUT_MS = 5000;

/** SQLite result codes that mean the file is not a (sound) SQLite database. */
const INCOMPATIBLE_CODES = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT']);

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
    const state = inspectSchema(database);
    if (state.kind === 'foreign') {
      throw foreignFile(filePath);
    }
    if (state.kind === 'newer') {
      throw newerFile(filePath, state.version);
    }
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
  if (INCOMPATIBLE_CODES.has(code)) {
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

function createOwnerOnlyFile(filePath: string): void {
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

function messageOf(error: unknown): string {
  const message = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : String(error);
}
