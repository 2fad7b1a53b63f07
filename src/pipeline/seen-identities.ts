/**
 * Which identities this run has already met, and on which line: the first row of an identity is
 * imported, later ones end `skipped_duplicate`. Memory stays flat for a file of millions of rows:
 * what is remembered goes to a throw-away file.
 *
 * It is asked once per row, and almost always about an identity it has never met. A Bloom filter of
 * fixed size answers those at once ("certainly new"). Until the filter first says "maybe", new
 * identities are only appended to a log file (a buffered write, much cheaper than a table insert);
 * at that first "maybe" the log is loaded into an indexed SQLite table, which from then on takes
 * every new identity and answers every "maybe". A file without duplicates (the usual case) never
 * builds the table. Nothing here needs to survive a crash.
 */
import Database from 'better-sqlite3';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BloomFilter } from '../bloom-filter.js';
import { numberText } from '../number-text.js';
import { Utf8Pieces } from '../utf8-pieces.js';

/** Rows per insert statement. */
const BATCH_SIZE = 256;
/**
 * Filter: 2^26 bits (8 MB), 7 probes. A false "maybe" (which only costs building the table) comes
 * about once in 10 million rows for a file of 1M identities, once in 20 for 10M.
 */
const FILTER_BITS_LOG2 = 26;
const PROBES = 7;
/** Log bytes read back at a time. */
const LOG_READ_BYTES = 1024 * 1024;

export class SeenIdentities {
  readonly #dir: string;
  readonly #filter = new BloomFilter(FILTER_BITS_LOG2, PROBES);
  /** The log of new identities: `identity TAB line` per line (identities are JSON: no tab, no line break). */
  readonly #logPath: string;
  #log: number | undefined;
  /** Log entries not written yet. */
  readonly #logPieces = new Utf8Pieces((piece) => writeSync(this.#openLog(), piece));
  #table: Table | undefined;

  constructor() {
    this.#dir = mkdtempSync(join(tmpdir(), 'lightfield-import-seen-'));
    this.#logPath = join(this.#dir, 'seen.log');
  }

  /** Records `identity` at `line`; returns the line of an earlier row with the same identity, if any. */
  firstLine(identity: string, line: number): number | undefined {
    if (this.#filter.add(identity)) {
      if (this.#table !== undefined) this.#table.add(identity, line);
      else this.#append(identity, line);
      return undefined;
    }
    // Maybe met before: the table decides.
    this.#table ??= this.#buildTable();
    return this.#table.firstLine(identity, line);
  }

  close(): void {
    this.#table?.close();
    if (this.#log !== undefined) closeSync(this.#log);
    rmSync(this.#dir, { recursive: true, force: true });
  }

  #append(identity: string, line: number): void {
    this.#logPieces.add(`${identity}\t${numberText(line)}\n`);
  }

  #openLog(): number {
    this.#log ??= openSync(this.#logPath, 'a', 0o600);
    return this.#log;
  }

  /** The table, with every identity of the log. */
  #buildTable(): Table {
    const table = new Table(join(this.#dir, 'seen.db'));
    this.#logPieces.flush();
    if (this.#log === undefined) return table;
    closeSync(this.#log);
    this.#log = undefined;
    const log = openSync(this.#logPath, 'r');
    try {
      // Read back 1 MB at a time, so that loading a long log does not take memory at once.
      const buffer = Buffer.alloc(LOG_READ_BYTES);
      const text = new StringDecoder('utf8');
      let rest = '';
      for (let bytes = readSync(log, buffer); bytes > 0; bytes = readSync(log, buffer)) {
        const chunk = rest + text.write(buffer.subarray(0, bytes));
        const end = chunk.lastIndexOf('\n') + 1;
        for (const entry of chunk.slice(0, end).split('\n')) {
          const tab = entry.lastIndexOf('\t');
          if (tab !== -1) table.add(entry.slice(0, tab), Number(entry.slice(tab + 1)));
        }
        rest = chunk.slice(end);
      }
    } finally {
      closeSync(log);
    }
    rmSync(this.#logPath, { force: true });
    return table;
  }
}

/** The identities in SQLite, indexed; new ones written in batches of {@link BATCH_SIZE}. */
class Table {
  readonly #db: Database.Database;
  readonly #insertOne: Database.Statement<[string, number]>;
  readonly #insertBatch: Database.Statement<(string | number)[]>;
  readonly #find: Database.Statement<[string], { line: number }>;
  /** New identities and their lines, not yet in the table: [identity, line, identity, line, …]. */
  #pending: (string | number)[] = [];

  constructor(path: string) {
    this.#db = new Database(path);
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

  /** An identity certainly not in the table yet. */
  add(identity: string, line: number): void {
    this.#pending.push(identity, line);
    if (this.#pending.length === 2 * BATCH_SIZE) this.#flush();
  }

  firstLine(identity: string, line: number): number | undefined {
    this.#flush();
    if (this.#insertOne.run(identity, line).changes === 1) return undefined;
    return this.#find.get(identity)?.line;
  }

  close(): void {
    this.#db.close();
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
