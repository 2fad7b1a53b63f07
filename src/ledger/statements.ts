/**
 * The ledger's SQL, prepared once per connection: `get` runs for every row of a rerun, so no
 * statement is compiled on the hot path.
 */
import type Database from 'better-sqlite3';
import type { LedgerStatus, RunRecord, RunResult, RunStart } from './types.js';

/** One `entries` row, named as in TypeScript. */
export interface EntryRow {
  namespace: string;
  identity: string;
  status: LedgerStatus;
  operation: 'create' | 'update';
  idempotencyKey: string;
  appliedPayloadHash: string | null;
  appliedPayload: string | null;
  pendingPayloadHash: string;
  /** Null once the request succeeded: it is then the applied payload. */
  pendingPayload: string | null;
  /** Null once the request succeeded: only an in-flight or failed request may be looked at again. */
  requestBody: string | null;
  opportunityId: string | null;
  httpLink: string | null;
  attempts: number;
  firstSentAt: number | null;
  lastAnswerAt: number | null;
  lastError: string | null;
}

const ENTRY_COLUMNS = `
  namespace, identity, status, operation,
  idempotency_key AS idempotencyKey,
  applied_payload_hash AS appliedPayloadHash, applied_payload AS appliedPayload,
  pending_payload_hash AS pendingPayloadHash, pending_payload AS pendingPayload,
  request_body AS requestBody, opportunity_id AS opportunityId, http_link AS httpLink,
  attempts, first_sent_at AS firstSentAt, last_answer_at AS lastAnswerAt, last_error AS lastError`;

const UPSERT_ENTRY = `
  INSERT INTO entries (
    namespace, identity, status, operation, idempotency_key,
    applied_payload_hash, applied_payload, pending_payload_hash, pending_payload,
    request_body, opportunity_id, http_link, attempts, first_sent_at, last_answer_at, last_error
  ) VALUES (
    @namespace, @identity, @status, @operation, @idempotencyKey,
    @appliedPayloadHash, @appliedPayload, @pendingPayloadHash, @pendingPayload,
    @requestBody, @opportunityId, @httpLink, @attempts, @firstSentAt, @lastAnswerAt, @lastError
  )
  ON CONFLICT (namespace, identity) DO UPDATE SET
    status = excluded.status, operation = excluded.operation, idempotency_key = excluded.idempotency_key,
    applied_payload_hash = excluded.applied_payload_hash, applied_payload = excluded.applied_payload,
    pending_payload_hash = excluded.pending_payload_hash, pending_payload = excluded.pending_payload,
    request_body = excluded.request_body, opportunity_id = excluded.opportunity_id,
    http_link = excluded.http_link, attempts = excluded.attempts, first_sent_at = excluded.first_sent_at,
    last_answer_at = excluded.last_answer_at, last_error = excluded.last_error`;

/** An `entries` row read in raw mode, in {@link ENTRY_COLUMNS} order. */
export function entryRowFrom(values: readonly unknown[]): EntryRow {
  return {
    namespace: values[0] as string,
    identity: values[1] as string,
    status: values[2] as LedgerStatus,
    operation: values[3] as EntryRow['operation'],
    idempotencyKey: values[4] as string,
    appliedPayloadHash: values[5] as string | null,
    appliedPayload: values[6] as string | null,
    pendingPayloadHash: values[7] as string,
    pendingPayload: values[8] as string | null,
    requestBody: values[9] as string | null,
    opportunityId: values[10] as string | null,
    httpLink: values[11] as string | null,
    attempts: values[12] as number,
    firstSentAt: values[13] as number | null,
    lastAnswerAt: values[14] as number | null,
    lastError: values[15] as string | null,
  };
}

const RUN_COLUMNS = `
  run_id AS runId, command, csv_path AS csvPath, mapping_path AS mappingPath, namespace, settings,
  started_at AS startedAt, finished_at AS finishedAt, exit_code AS exitCode, summary`;

export interface Statements {
  /** Values in {@link ENTRY_COLUMNS} order (raw mode): read with {@link entryRowFrom}. */
  selectEntry: Database.Statement<[string, string], unknown[]>;
  upsertEntry: Database.Statement<[EntryRow], Database.RunResult>;
  selectInFlight: Database.Statement<[string], EntryRow>;
  countByStatus: Database.Statement<[string], { status: LedgerStatus; count: number }>;
  insertRun: Database.Statement<[RunStart], Database.RunResult>;
  finishRun: Database.Statement<[RunResult & { runId: string }], Database.RunResult>;
  selectRun: Database.Statement<[string], RunRecord>;
  selectLastRunOf: Database.Statement<[string], RunRecord>;
  selectKnownRecords: Database.Statement<[string], { id: string; payload: string }>;
}

export function prepareStatements(database: Database.Database): Statements {
  return {
    // Raw mode: rows as arrays, turned into objects by entryRowFrom. It runs for every row of a rerun,
    // and building the object in JavaScript costs half of what better-sqlite3's generic one does.
    selectEntry: database
      .prepare<[string, string], unknown[]>(`SELECT ${ENTRY_COLUMNS} FROM entries WHERE namespace = ? AND identity = ?`)
      .raw(true),
    upsertEntry: database.prepare(UPSERT_ENTRY),
    selectInFlight: database.prepare(
      `SELECT ${ENTRY_COLUMNS} FROM entries WHERE namespace = ? AND status = 'in_flight' ORDER BY first_sent_at, identity`,
    ),
    countByStatus: database.prepare(
      'SELECT status, count(*) AS count FROM entries WHERE namespace = ? GROUP BY status',
    ),
    insertRun: database.prepare(`
      INSERT INTO runs (run_id, command, csv_path, mapping_path, namespace, settings, started_at)
      VALUES (@runId, @command, @csvPath, @mappingPath, @namespace, @settings, @startedAt)`),
    finishRun: database.prepare(
      'UPDATE runs SET finished_at = @finishedAt, exit_code = @exitCode, summary = @summary WHERE run_id = @runId',
    ),
    selectRun: database.prepare(`SELECT ${RUN_COLUMNS} FROM runs WHERE run_id = ?`),
    selectLastRunOf: database.prepare(`SELECT ${RUN_COLUMNS} FROM runs WHERE namespace = ? ORDER BY started_at DESC LIMIT 1`),
    // GLOB, not LIKE: `_` in an ID prefix is a plain character.
    selectKnownRecords: database.prepare(
      `SELECT opportunity_id AS id, applied_payload AS payload FROM entries WHERE opportunity_id GLOB ? || '*' AND applied_payload IS NOT NULL`,
    ),
  };
}
