/**
 * The importer's own errors: everything that stops a command before or outside the per-row flow.
 * Row-level refusals are not exceptions; they end up as a row status with a {@link RowProblem}.
 *
 * `ImportErrorCode` is the single list of machine-readable codes a user or script can see.
 */
export type ImportErrorCode =
  /** A command-line option is missing or malformed. */
  | 'usage'
  /** The CSV (or results) file cannot be found or read. */
  | 'file_not_found'
  | 'file_unreadable'
  /** `retry`: a row the earlier run left to retry is not in the CSV any more (matched by identity). */
  | 'retry_unmatched'
  /** The CSV changed (grew, shrank, was rewritten) while it was read: a stop (exit 3) mid-run. */
  | 'file_changed'
  /** The CSV has no header line, or its header is unusable (duplicate or empty names). */
  | 'csv_header'
  /** The mapping file is not valid JSON (message has line and column). */
  | 'mapping_syntax'
  /** The mapping file does not match schema/mapping.schema.json. */
  | 'mapping_schema'
  /** The mapping names a field or relationship that the organization does not define. */
  | 'mapping_unknown_field'
  | 'mapping_unknown_relationship'
  /** The mapping writes a read-only field. */
  | 'mapping_read_only'
  /** The mapping reads a column that the CSV header does not have. */
  | 'mapping_missing_column'
  /** A required field or relationship ($name, $stage, $account) is not mapped. */
  | 'mapping_required'
  /** The mapping is valid JSON and schema but cannot work (e.g. a select alias to an unknown option). */
  | 'mapping_invalid'
  /** The API key is missing, invalid or lacks a scope the run needs. */
  | 'auth'
  /** `--base-url` would send the key in clear text to a non-loopback host. */
  | 'insecure_base_url'
  /** The API cannot be reached (connection refused, DNS) before any write. */
  | 'api_unreachable'
  /** The API answered something the importer cannot work with before any write. */
  | 'api_error'
  /** The report folder or the ledger cannot be created or written. */
  | 'output_unwritable'
  /** Another run is writing the report folder (`--out`) right now. */
  | 'output_in_use'
  | 'state_unwritable'
  /** The ledger file exists but is not one of ours or is from a newer release. */
  | 'state_incompatible'
  /** The ledger is ours but damaged (a garbage page, a reset schema version, a dropped table). */
  | 'state_damaged'
  /** Another run holds the ledger (and did not let go within `--wait`). */
  | 'state_locked'
  /** The mapping identifies a namespace's records by other columns than the ledger recorded for it. */
  | 'identity_changed'
  /** Ctrl-C or SIGTERM arrived before the first row: nothing was sent. */
  | 'interrupted'
  /**
   * The report could not be written part way through a run (disk full, I/O error): the run stopped
   * after its requests in flight (exit 3); the ledger holds every row sent, so rerunning resumes.
   */
  | 'report_incomplete'
  /** The shared rate budget (`--redis`) cannot be reached: exit 2 at start-up, a stop (exit 3) mid-run. */
  | 'rate_limiter_unavailable';

export class ImportError extends Error {
  override readonly name = 'ImportError';
  readonly code: ImportErrorCode;
  /** What the message is about: a file path, `file:line:column`, a mapping key. */
  readonly subject: string | undefined;

  constructor(code: ImportErrorCode, message: string, options: { subject?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.subject = options.subject;
  }
}

/** Why one row was refused: locally (`invalid`) or by the API / a lookup (`failed`). */
export interface RowProblem {
  /** `invalid_value`, `missing_value`, `malformed_csv`, `lookup_not_found`, `lookup_ambiguous`, or the API's error `type`. */
  type: string;
  /** A finer machine-readable code (the API's `code`, or ours such as `not_a_number`). */
  code: string;
  /** What the problem is about: the CSV column for local refusals, the API's `param` for API refusals. */
  param: string;
  /** A sentence for a person: names the column, the value and what was expected. */
  message: string;
  /** The cell (or looked-up text) the problem is about, when there is one: grouped problems list them. */
  value?: string;
  /**
   * Lightfield gave no answer at all (connection refused or dropped, timeouts, 5xx after every
   * retry): what a row gets during an outage, which stops the run.
   */
  unanswered?: boolean;
}
