/**
 * The ledger's tables and how a file is brought up to the current schema.
 *
 * `PRAGMA application_id` marks a file as ours, so that `--state` pointed at some other SQLite
 * database is refused instead of being written into; `PRAGMA user_version` is the schema
 * version, so that an older release refuses a file a newer one has migrated.
 */
import Database from 'better-sqlite3';

/** "LFIM" in ASCII: the `application_id` of every ledger file. */
export const APPLICATION_ID = 0x4c46494d;

/**
 * Migrations in order: migration `i` takes a file from version `i` to `i + 1`. Append only;
 * never edit a released one, since files in the wild already ran it.
 */
const MIGRATIONS: readonly string[] = [
  `
  -- One row per (namespace, identity). The applied payload is what Lightfield is known to
  -- hold; the pending payload and request body are those of the last request marked in flight.
  -- Once that request succeeds they are set to NULL (the pending payload is then the applied
  -- one, and the body is no longer needed), which halves the size of a large ledger.
  CREATE TABLE entries (
    namespace            TEXT    NOT NULL,
    identity             TEXT    NOT NULL,
    status               TEXT    NOT NULL CHECK (status IN ('in_flight', 'created', 'updated', 'failed')),
    operation            TEXT    NOT NULL CHECK (operation IN ('create', 'update')),
    idempotency_key      TEXT    NOT NULL,
    applied_payload_hash TEXT,
    applied_payload      TEXT,
    pending_payload_hash TEXT    NOT NULL,
    pending_payload      TEXT,
    request_body         TEXT,
    opportunity_id       TEXT,
    http_link            TEXT,
    attempts             INTEGER NOT NULL DEFAULT 0,
    first_sent_at        INTEGER,
    last_answer_at       INTEGER,
    last_error           TEXT,
    PRIMARY KEY (namespace, identity),
    CHECK ((applied_payload_hash IS NULL) = (applied_payload IS NULL)),
    CHECK (pending_payload IS NOT NULL OR applied_payload IS NOT NULL)
  );
  CREATE INDEX entries_by_status ON entries (namespace, status);

  CREATE TABLE runs (
    run_id       TEXT    PRIMARY KEY,
    command      TEXT    NOT NULL,
    csv_path     TEXT    NOT NULL,
    mapping_path TEXT    NOT NULL,
    namespace    TEXT    NOT NULL,
    settings     TEXT    NOT NULL,
    started_at   INTEGER NOT NULL,
    finished_at  INTEGER,
    exit_code    INTEGER,
    summary      TEXT
  );
  `,
  `
  -- How each namespace identifies its records: the identity columns of the mapping that first
  -- imported into it. Rows identified by other columns would all be created again.
  CREATE TABLE namespaces (
    namespace        TEXT    PRIMARY KEY,
    identity_columns TEXT    NOT NULL,
    recorded_at      INTEGER NOT NULL
  );

  -- Who holds the ledger, for the message a second run gets. The lock itself is SQLite's lock on
  -- the file beside the ledger (lock.ts): this row only names the holder.
  CREATE TABLE holder (
    only       INTEGER PRIMARY KEY CHECK (only = 1),
    pid        INTEGER NOT NULL,
    host       TEXT    NOT NULL,
    started_at INTEGER NOT NULL,
    command    TEXT    NOT NULL
  );
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** What {@link inspectSchema} found in a file. */
export type SchemaState =
  /** No tables and no marks: a new file (or one SQLite considers empty). */
  | { kind: 'empty' }
  /** Ours, at `version` (at most {@link SCHEMA_VERSION}). */
  | { kind: 'ours'; version: number }
  /** Ours, but migrated by a newer release. */
  | { kind: 'newer'; version: number }
  /** Some other SQLite database. */
  | { kind: 'foreign' };

/** Reads the marks of an open file without writing to it. Throws SQLite's own error for a file that is not a database. */
export function inspectSchema(database: Database.Database): SchemaState {
  const applicationId = database.pragma('application_id', { simple: true });
  const version = database.pragma('user_version', { simple: true });
  if (applicationId === APPLICATION_ID && typeof version === 'number') {
    return version > SCHEMA_VERSION ? { kind: 'newer', version } : { kind: 'ours', version };
  }
  const tableCount = database.prepare('SELECT count(*) FROM sqlite_schema').pluck().get();
  if (applicationId === 0 && version === 0 && tableCount === 0) {
    return { kind: 'empty' };
  }
  return { kind: 'foreign' };
}

/** Applies the migrations a file at `fromVersion` lacks, and its marks, in one transaction. */
export function migrate(database: Database.Database, fromVersion: number): void {
  if (fromVersion >= SCHEMA_VERSION) {
    return;
  }
  database.transaction(() => {
    for (const migration of MIGRATIONS.slice(fromVersion)) {
      database.exec(migration);
    }
    database.pragma(`application_id = ${APPLICATION_ID}`);
    database.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

/**
 * What is wrong with the tables of a file marked as ours at `version`, or undefined when they
 * are exactly those its migrations made: a table dropped by hand, or a schema version reset
 * while the tables stayed, would otherwise fail mid-run or make a migration fail half way.
 */
export function schemaDamage(database: Database.Database, version: number): string | undefined {
  const expected = expectedShape(version);
  const actual = shapeOf(database);
  const missing = [...expected.keys()].filter((name) => !actual.has(name));
  const unexpected = [...actual.keys()].filter((name) => !expected.has(name));
  if (unexpected.length > 0 && missing.length === 0) {
    return `holds ${unexpected.join(', ')}, which schema version ${version} does not have (was its schema version reset?)`;
  }
  if (missing.length > 0) {
    return `lacks ${missing.join(', ')} (dropped?)`;
  }
  for (const [name, columns] of expected) {
    if (actual.get(name) !== columns) return `has other columns in ${name} than schema version ${version} has`;
  }
  return undefined;
}

/** Tables and indexes (`table entries`, `index entries_by_status`), each with its column list. */
type Shape = Map<string, string>;

const shapes = new Map<number, Shape>();

/** The shape a file has after the first `version` migrations, made once in memory. */
function expectedShape(version: number): Shape {
  let shape = shapes.get(version);
  if (shape === undefined) {
    const database = new Database(':memory:');
    try {
      for (const migration of MIGRATIONS.slice(0, version)) database.exec(migration);
      shape = shapeOf(database);
    } finally {
      database.close();
    }
    shapes.set(version, shape);
  }
  return shape;
}

function shapeOf(database: Database.Database): Shape {
  const objects = database
    .prepare<[], { type: string; name: string }>(
      "SELECT type, name FROM sqlite_schema WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .all();
  const shape: Shape = new Map();
  for (const { type, name } of objects) {
    const pragma = type === 'table' ? 'table_info' : 'index_info';
    const columns = database
      .prepare<[string], { name: string | null }>(`SELECT name FROM pragma_${pragma}(?)`)
      .all(name)
      .map((column) => column.name ?? '')
      .join(',');
    shape.set(`${type} ${name}`, columns);
  }
  return shape;
}
