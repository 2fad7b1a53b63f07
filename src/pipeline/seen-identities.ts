/**
 * Which identities this run has already met, and on which line: the first row of an identity is
 * imported, later ones end `skipped_duplicate`. Kept in a throw-away SQLite file rather than a Map so
 * that memory stays flat for a file of millions of rows.
 *
 * It is asked once per row, so inserts are grouped into transactions of {@link BATCH_SIZE}: one
 * autocommitted insert per row costs a file write each (~100 µs), a grouped one a few µs. Nothing
 * here needs to survive a crash.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Inserts per transaction. */
const BATCH_SIZE = 4096;

export class SeenIdentities {
  readonly #dir: string;
  readonly #db: Database.Database;
  readonly #insert: Database.Statement<[string, number]>;
  readonly #find: Database.Statement<[string], { line: number }>;
  #inBatch = 0;

  constructor() {
    this.#dir = mkdtempSync(join(tmpdir(), 'lightfield-import-seen-'));
    this.#db = new Database(join(this.#dir, 'seen.db'));
    this.#db.pragma('journal_mode = OFF');
    this.#db.pragma('synchronous = OFF');
    // better-sqlite3's default page cache (16 MB) would fill up over a big file and count as growth.
    this.#db.pragma('cache_size = -2000');
    this.#db.exec('CREATE TABLE seen (identity TEXT PRIMARY KEY, line INTEGER NOT NULL) WITHOUT ROWID');
    this.#insert = this.#db.prepare('INSERT OR IGNORE INTO seen (identity, line) VALUES (?, ?)');
    this.#find = this.#db.prepare('SELECT line FROM seen WHERE identity = ?');
  }

  /** Records `identity` at `line`; returns the line of an earlier row with the same identity, if any. */
  firstLine(identity: string, line: number): number | undefined {
    if (this.#inBatch === BATCH_SIZE) {
      this.#db.exec('COMMIT');
      this.#inBatch = 0;
    }
    if (this.#inBatch === 0) this.#db.exec('BEGIN');
    this.#inBatch += 1;
    if (this.#insert.run(identity, line).changes === 1) return undefined;
    return this.#find.get(identity)?.line;
  }

  close(): void {
    this.#db.close();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
