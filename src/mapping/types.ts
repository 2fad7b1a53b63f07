/** The mapping file's shape (see schema/mapping.schema.json) and the compiled form the row mapper uses. */
import type { FieldWriteValue, ValueType } from '../lightfield/types.js';
import type { RowProblem } from '../errors.js';

/** How to read one cell into a field. A bare string in the mapping file is `{ column }`. */
export interface FieldSpec {
  column?: string;
  /** A constant; no column is read. */
  value?: FieldWriteValue;
  /** Used when the cell is empty. */
  default?: FieldWriteValue;
  /** Force a reading; otherwise the field's valueType decides. */
  type?: 'text' | 'number' | 'currency' | 'checkbox' | 'datetime' | 'date' | 'select' | 'multiselect';
  /** Decimal separator of numbers: `.` or `,` (the other one is then the thousands separator). @default '.' */
  decimal?: '.' | ',';
  /**
   * ISO 4217 code of the column's amounts, for CURRENCY fields. Another currency than the field's
   * makes every row invalid (Lightfield does not convert). @default the field's currency
   */
  currency?: string;
  /** Luxon format of dates, e.g. `dd/MM/yyyy`. @default ISO 8601 */
  format?: string;
  /** IANA zone for dates without an offset. @default 'UTC' */
  timezone?: string;
  /** Split the cell into several values on this separator (multi-select, emails, urls, phones). */
  split?: string;
  /** Cell texts that mean true / false for checkboxes (case-insensitive). */
  trueValues?: string[];
  falseValues?: string[];
  /** Trim whitespace around the cell. @default true */
  trim?: boolean;
  /** Aliases: cell text (case-insensitive) → option label or ID, for select fields. */
  values?: Record<string, string>;
}

export interface LookupSpec {
  object: 'account' | 'member';
  /** `$name` or `$website` for accounts, `$email` for members. */
  by: '$name' | '$website' | '$email';
}

export interface RelationshipSpec {
  column?: string;
  value?: string | string[];
  default?: string;
  split?: string;
  trim?: boolean;
  /** Resolve the cell through a list endpoint; without it the cell holds Lightfield IDs. */
  lookup?: LookupSpec;
}

export interface MappingFile {
  /** Path or URL of the JSON Schema, for editors; ignored by the importer. */
  $schema?: string;
  object: 'opportunity';
  /** Scopes idempotency keys and the ledger. @default 'default' */
  namespace?: string;
  /** Columns that identify a source record. @default every column the mapping reads */
  identity?: string[];
  fields: Record<string, string | FieldSpec>;
  relationships?: Record<string, string | RelationshipSpec>;
}

/** A relationship value of a mapped row: IDs to send, or a lookup still to resolve. */
export type RelationshipInput =
  | { kind: 'ids'; ids: string[] }
  | { kind: 'lookup'; object: 'account' | 'member'; by: '$name' | '$website' | '$email'; value: string; column: string };

/** The outcome of mapping one row: pure, from cells only. */
export type MappedRow =
  | {
      ok: true;
      /** Canonical identity text of the source record (JSON of the identity cells). */
      identity: string;
      fields: Record<string, FieldWriteValue>;
      relationships: Record<string, RelationshipInput>;
    }
  | { ok: false; identity: string; problems: RowProblem[] };

/** The result of reading one cell (or a constant) into a field's write value. */
export type Conversion =
  | { ok: true; value: FieldWriteValue }
  | {
      ok: false;
      /** Machine-readable reason, e.g. `not_a_number`, `unknown_option`, `bad_date`. */
      code: string;
      /** What a valid cell looks like, completing "… is not <expected>". */
      expected: string;
    };

/** Reads a non-empty (already trimmed when `trim` is on) cell. */
export type CellConverter = (cell: string) => Conversion;

/** One mapped field, with everything precomputed so that mapping a row does no lookups. */
export interface CompiledField {
  /** The Lightfield field key (`$name`, `amount`). */
  key: string;
  valueType: ValueType;
  /** `$name` and `$stage`: an empty cell without `default` makes the row invalid. */
  required: boolean;
  /** Where the value comes from: a CSV column, or a constant already converted at compile time. */
  source: { kind: 'column'; column: string; index: number } | { kind: 'constant'; value: FieldWriteValue };
  /** Trim whitespace around the cell before reading it. */
  trim: boolean;
  /** Converted `default`, used when the cell is empty; undefined means "omit the field". */
  fallback: FieldWriteValue | undefined;
  convert: CellConverter;
}

/** One mapped relationship, precomputed. */
export interface CompiledRelationship {
  key: string;
  /** Related object type from definitions (`account`, `member`, `contact`). */
  objectType: string;
  required: boolean;
  source: { kind: 'column'; column: string; index: number } | { kind: 'constant'; values: string[] };
  trim: boolean;
  /** IDs used when the cell is empty (from `default`). */
  fallback: string[] | undefined;
  /** Separator of several values in one cell. */
  split: string | undefined;
  /** `HAS_ONE` relationships take one value. */
  single: boolean;
  lookup: LookupSpec | undefined;
  /** ID prefix expected without lookup (`acc_` for accounts), when the object type is a known one. */
  idPrefix: string | undefined;
}

/** A mapping checked against the definitions and the CSV header, ready for {@link mapRow}. */
export interface CompiledMapping {
  /** Scopes idempotency keys and the ledger. */
  namespace: string;
  /** sha256 hex of the mapping file's canonical JSON: changes whenever the mapping changes. */
  fingerprint: string;
  /** CSV columns the mapping reads, in mapping order (fields, then relationships), without repeats. */
  columns: string[];
  /** Columns whose cells identify a source record, and their indexes in the header. */
  identityColumns: string[];
  identityIndexes: number[];
  /** True when `identity` was given in the mapping (an all-empty identity is then a refusal). */
  explicitIdentity: boolean;
  fields: CompiledField[];
  relationships: CompiledRelationship[];
}
