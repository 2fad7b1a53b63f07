/** The mapping file's shape (see schema/mapping.schema.json) and the compiled form the row mapper uses. */
import type { ImportObject } from '../lightfield/objects.js';
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
  /** An empty cell leaves the field alone (`leave`), or clears it on update (`clear`). @default 'leave' */
  empty?: 'leave' | 'clear';
  /** Aliases: cell text (case-insensitive) → option label or ID, for select fields. */
  values?: Record<string, string>;
  /**
   * Numbers: round cells with more decimal places than this (0–2), half to even, with a note on
   * the row. @default none: more than 2 decimal places make the row invalid
   */
  round?: number;
  /** Numbers and datetimes: the values accepted; outside makes the row invalid. Dates as ISO 8601 texts. */
  range?: RangeSpec;
}

/** Bounds as the mapping file gives them: numbers for numbers, ISO 8601 texts for dates. */
export interface RangeSpec {
  min?: number | string;
  max?: number | string;
}

export type ImportMode = 'upsert' | 'create' | 'update';

/** The record types a relationship can look up. */
export type LookupObject = 'account' | 'member' | 'contact' | 'opportunity';
export type LookupBy = '$name' | '$website' | '$email' | 'import';

export interface LookupSpec {
  object: LookupObject;
  /**
   * `$name` or `$website` for accounts, `$name` or `$email` for members and contacts, `$name` for
   * opportunities; `import`: the cell is the source ID of a row imported under `namespace`.
   */
  by: LookupBy;
  /** With `by: "import"`: the namespace of the earlier import (same ledger). */
  namespace?: string;
  /** Find-or-create: when nothing is found, create the record with these fields (like a mapping's `fields`). */
  create?: Record<string, string | FieldSpec>;
}

export interface RelationshipSpec {
  column?: string;
  value?: string | string[];
  default?: string;
  split?: string;
  trim?: boolean;
  /** Cell text (case-insensitive) → what to use instead, before the lookup: a value to look up, or a Lightfield ID. */
  values?: Record<string, string>;
  /** Resolve the cell through a list endpoint; without it the cell holds Lightfield IDs. */
  lookup?: LookupSpec;
}

export interface MappingFile {
  /** Path or URL of the JSON Schema, for editors; ignored by the importer. */
  $schema?: string;
  /** The record type each row becomes. */
  object: ImportObject;
  /** Scopes idempotency keys and the ledger. @default 'default' */
  namespace?: string;
  /** Find existing records by a field the mapping writes from the identity column. */
  match?: { field: string };
  /** Create or update (`upsert`), only create, or only update. @default 'upsert' */
  mode?: ImportMode;
  /** Columns that identify a source record. @default every column the mapping reads */
  identity?: string[];
  /** Column names of a CSV file without a header line; its first line is then data. @default read from the first line */
  columns?: string[];
  /** Cell texts (compared after trimming) that mean an empty cell, e.g. `\N`, `NULL`. @default none */
  nullValues?: string[];
  fields: Record<string, string | FieldSpec>;
  relationships?: Record<string, string | RelationshipSpec>;
}

/** A relationship value of a mapped row: IDs to send, or a lookup still to resolve. */
export type RelationshipInput =
  | { kind: 'ids'; ids: string[] }
  | LookupInput
  /** Several values in one cell (`split`): IDs as they are, the rest to look up. */
  | { kind: 'lookups'; ids: string[]; lookups: LookupInput[] };

/** One cell value still to be resolved to a record ID. */
export interface LookupInput {
  kind: 'lookup';
  object: LookupObject;
  by: LookupBy;
  value: string;
  column: string;
  /** With `by: "import"`. */
  namespace?: string;
  /** Find-or-create: the fields of the record to create when none is found. */
  create?: Record<string, FieldWriteValue>;
}

/**
 * Something the mapping changed in a cell on the user's behalf (today: `rounded`), so that the
 * run can show it rather than do it silently. Shaped like a {@link RowProblem} without `type`.
 */
export interface RowNote {
  /** Machine-readable kind of change, e.g. `rounded`. */
  code: string;
  /** The CSV column. */
  param: string;
  /** A sentence naming the column, the cell and what it became. */
  message: string;
}

/** The outcome of mapping one row: pure, from cells only. */
export type MappedRow =
  | {
      ok: true;
      /** Canonical identity text of the source record (JSON of the identity cells). */
      identity: string;
      fields: Record<string, FieldWriteValue>;
      relationships: Record<string, RelationshipInput>;
      /** Present only when the mapping changed a cell (e.g. `round`); absent on most rows. */
      notes?: RowNote[];
    }
  | {
      ok: false;
      identity: string;
      problems: RowProblem[];
      /** The relationships that mapped, whose lookups may fail too. */
      relationships: Record<string, RelationshipInput>;
    };

/** The result of reading one cell (or a constant) into a field's write value. */
export type Conversion =
  | {
      ok: true;
      value: FieldWriteValue;
      /** What was changed to get the value, completing "<cell> …", e.g. `rounded to 2.35 ("round": 2)`. */
      note?: string;
    }
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
  /** Converted `default`, used when the cell is empty; undefined means "omit the field" (or null with `empty: clear`). */
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
  /** With a `create` lookup: the new record's fields, compiled against its object's definitions. */
  createFields: CompiledField[] | undefined;
  /** `values` aliases, keys normalised (case and whitespace). */
  aliases: Map<string, string>;
  /** ID prefix of the linked type (`acc_` for accounts), when it is a known one: such a cell is used as the ID, lookup or not. */
  idPrefix: string | undefined;
}

/** A mapping checked against the definitions and the CSV header, ready for {@link mapRow}. */
export interface CompiledMapping {
  /** The record type each row becomes. */
  object: ImportObject;
  /** The field existing records are matched on, when the mapping has `match`. */
  matchField: string | undefined;
  mode: ImportMode;
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
  /** Trimmed cell texts read as empty (`nullValues`). */
  nullValues: ReadonlySet<string>;
  fields: CompiledField[];
  relationships: CompiledRelationship[];
}
