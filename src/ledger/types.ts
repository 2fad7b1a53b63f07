/** The run ledger's contract: what it remembers of every (namespace, identity). Implemented in ./ledger.ts. */

export type LedgerStatus = 'in_flight' | 'created' | 'updated' | 'failed';

export const LEDGER_STATUSES: readonly LedgerStatus[] = ['in_flight', 'created', 'updated', 'failed'];

/**
 * One source record's state. Two payloads are kept apart so that a failed update never makes
 * the ledger forget what Lightfield really holds:
 *
 * - the *applied* payload (`payloadHash`/`payload`) is the one last known to be in Lightfield:
 *   it becomes the pending one when a `created`/`updated` answer arrives and stays untouched by
 *   a `failed` answer, so the next run diffs against it;
 * - the *pending* payload (`pendingPayloadHash`/`pendingPayload`, with `requestBody`) is the one
 *   of the last request marked in flight.
 *
 * How a rerun reads an entry: no entry, or `failed` without `opportunityId` → create;
 * `in_flight` → send `requestBody` again with `operation` and `idempotencyKey`;
 * an `opportunityId` and `payloadHash` equal to the row's → unchanged; different → update.
 */
export interface LedgerEntry {
  namespace: string;
  identity: string;
  /**
   * Hash of the mapped payload (before lookups) last known to be in Lightfield. While nothing
   * has been applied yet (a create in flight or refused, `opportunityId` null), the hash of the
   * payload last sent, so that it is never empty.
   */
  payloadHash: string;
  /** The mapped payload as JSON, so that a later run can send only the changed keys. Same rule as `payloadHash`. */
  payload: string;
  /** Hash of the mapped payload of the last request marked in flight (what an in-flight request will apply). */
  pendingPayloadHash: string;
  /** The mapped payload of the last request marked in flight, as JSON (once it succeeded: the applied payload). */
  pendingPayload: string;
  /** True when `payloadHash`/`payload` are known to be in Lightfield (a create or update succeeded). */
  applied: boolean;
  /**
   * The request body that is in flight (or failed), as JSON, so a crashed request can be
   * replayed as it was. Null once the request succeeded: it is not needed any more, and
   * dropping it keeps a million-row ledger small.
   */
  requestBody: string | null;
  /** `create` or `update`: what the in-flight (or last) request was. */
  operation: 'create' | 'update';
  status: LedgerStatus;
  opportunityId: string | null;
  httpLink: string | null;
  idempotencyKey: string;
  /** Attempts the last answered request took (0 while the first request is still in flight). */
  attempts: number;
  /** Epoch milliseconds. */
  firstSentAt: number | null;
  lastAnswerAt: number | null;
  lastError: string | null;
}

/** What `markInFlight` records just before a request goes out. */
export interface InFlightRequest {
  namespace: string;
  identity: string;
  /** Hash of the mapped payload this request applies. */
  payloadHash: string;
  /** The mapped payload this request applies, as JSON. */
  payload: string;
  /** The exact request body, as JSON, replayed as it is after a crash. */
  requestBody: string;
  operation: 'create' | 'update';
  idempotencyKey: string;
  /** Known for an update; kept from the existing entry when omitted or null. */
  opportunityId?: string | null;
  httpLink?: string | null;
}

/** What `markAnswered` records once a request's outcome is known. */
export interface LedgerAnswer {
  status: 'created' | 'updated' | 'failed';
  /** Kept from the existing entry when omitted or null (a failed update keeps its record's ID). */
  opportunityId?: string | null;
  httpLink?: string | null;
  attempts: number;
  error?: string | null;
  /** The applied payload when it differs from the one marked in flight; ignored for `failed`. */
  payloadHash?: string;
  payload?: string;
}

/** One `import`/`retry`/`plan` invocation, for `retry` and for the report. */
export interface RunStart {
  runId: string;
  command: string;
  csvPath: string;
  mappingPath: string;
  namespace: string;
  /** The run's settings as JSON, without the API key. */
  settings: string;
  /** Epoch milliseconds. */
  startedAt: number;
}

export interface RunResult {
  /** Epoch milliseconds. */
  finishedAt: number;
  exitCode: number;
  /** The run summary as JSON. */
  summary: string;
}

export interface RunRecord extends RunStart {
  /** Null while the run is going on, or when it was killed before finishing. */
  finishedAt: number | null;
  exitCode: number | null;
  summary: string | null;
}
