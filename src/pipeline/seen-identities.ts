/**
 * Which identities this run has already met, and on which line: the first row of an identity is
 * imported, later ones end `skipped_duplicate`. Kept in a throw-away SQLite file rather than a Map so
 * that memory stays flat for a file of millions of rows.
 *
 * It is asked once per row, and almost always about an identity it has never seen. A Bloom filter
 * of fixed size answers those without SQLite ("certainly new"); only its rare "maybe seen" asks the
 * table. New identities are written in batches of {@link BATCH_SIZE} rows per statement. Nothing
 * here needs to survive a crash.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BloomFilter } from '../bloom-filter.js';

/** Rows per insert statement. */
const BATCH_SIZE = 256;
/**
 * Filter size: 2^25 bits (4 MB). With {@link PROBES} probes, 1M identities give a false "maybe"
 * once in ~6,000 rows, 10M once in ~4: it only costs a table look-up, never a wrong answer.
 */
const FILTER_BITS_LOG2 = 25;
const PROBES = 4;

export class SeenIdentities {
  readonly #dir: string;
  readonly #db: Database.Database;
  readonly #insertOne: Database.Statement<[string, number]>;
  readonly #insertBatch: Database.Statement<(string | number)[]>;
  readonly #find: Database.Statement<[string], { line: number }>;
  readonly #filter = new BloomFilter(FILTER_BITS_LOG2, PROBES);
  /** New identities and their lines, not yet in the table: [identity, line, identity, line, …]. */
  #pending: (string | number)[] = [];

  constructor() {
    this.#dir = mkdtempSync(join(tmpdir(), 'lightfield-import-seen-'));
    this.#db = new Database(join(this.#dir, 'seen.db'));
    this.#db.pragma('journal_mode = OFF');
    this.#db.pragma('synchronous = OFF');
    // better-sqlite3's default page cache (16 MB) would fill up over a big file and count as growth.
    this.#db.pragma('cache_size = -2000');
    this.#db.exec('CREATE TABLE seen (identity TEXT PRIMARY KEY, line INTEGER NOT NULL) WITHOUT ROWID');
    this.#insertOne = this.#db.prepare('INSERT OR IGNORE INTO seen (identity, line) VALUES (?, ?)');
    this.#insertBatch = this.#db.prepare(
      `INSERT OR IGNORE INTO seen (identity, line) VALUES ${Array.from({ length: BATCH_SIZE }, () => '(?, ?)').join(', ')}`,
    );
    this.#find = this.#db.prepare('SELECT line FROM seen WHERE identity = ?');
  }

  /** Records `identity` at `line`; returns the line of an earlier row with the same identity, if any. */
  firstLine(identity: string, line: number): number | undefined {
    if (this.#filter.add(identity)) {
      this.#pending.push(identity, line);
      if (this.#pending.length === 2 * BATCH_SIZE) this.#flush();
      return undefined;
    }
    // Maybe seen: the table decides, once it holds every identity met so far.
    this.#flush();
    if (this.#insertOne.run(identity, line).changes === 1) return undefined;
    return this.#find.get(identity)?.line;
  }

  close(): void {
    this.#db.close();
    rmSync(this.#dir, { recursive: true, force: true });
  }

  #flush(): void {
    const pending = this.#pending;
    if (pending.length === 0) return;
    this.#pending = [];
    if (pending.length === 2 * BATCH_SIZE) {
      this.#insertBatch.run(...pending);
      return;
    }
    this.#db.transaction(() => {
      for (let index = 0; index < pending.length; index += 2) this.#insertOne.run(pending[index] as string, pending[index + 1] as number);
    })();
  }
}
