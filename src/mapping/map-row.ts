/**
 * Maps one CSV row through a compiled mapping. Never throws: every problem of the row is
 * collected (not only the first), each naming its column, the value and what was expected, so
 * that one plan shows everything to fix in a row.
 */
import type { RowProblem } from '../errors.js';
import type { FieldWriteValue } from '../lightfield/types.js';
import { ID_PREFIXES } from '../lightfield/objects.js';
import { describeId, looksLikeId } from './compile-relationship.js';
import { normalizeLabel } from './suggest.js';
import type { CompiledField, CompiledMapping, CompiledRelationship, LookupInput, MappedRow, RelationshipInput, RowNote } from './types.js';
import { quoteText } from '../quote-text.js';

/** Cell values longer than this are shortened in messages. */
const MAX_VALUE_SHOWN = 80;

export function mapRow(compiled: CompiledMapping, cells: readonly string[]): MappedRow {
  const identity = identityOf(compiled, cells);
  const problems: RowProblem[] = [];
  const notes: RowNote[] = [];
  const fields: Record<string, FieldWriteValue> = {};
  const relationships: Record<string, RelationshipInput> = {};
  const { nullValues } = compiled;

  if (compiled.explicitIdentity && compiled.identityIndexes.every((index) => isEmpty(cellAt(cells, index), nullValues))) {
    const columns = compiled.identityColumns;
    problems.push({
      type: 'missing_value',
      code: 'missing_identity',
      param: columns[0] ?? '',
      message: `${columns.length === 1 ? 'column' : 'columns'} ${columns.map((column) => quoteText(column)).join(', ')}: empty, but the mapping's "identity" needs a value to tell records apart`,
    });
  }

  for (const field of compiled.fields) {
    try {
      const value = mapField(field, cells, nullValues, problems, notes);
      if (value !== undefined) fields[field.key] = value;
    } catch (error) {
      problems.push(unexpected(field.key, sourceColumn(field), error));
    }
  }
  for (const relationship of compiled.relationships) {
    try {
      const value = mapRelationship(relationship, cells, nullValues, problems);
      if (value !== undefined) relationships[relationship.key] = value;
    } catch (error) {
      problems.push(unexpected(relationship.key, sourceColumn(relationship), error));
    }
  }

  // The relationships that mapped are kept: their lookups still run, so one run shows every problem of the row.
  if (problems.length > 0) return { ok: false, identity, problems, relationships };
  return notes.length > 0 ? { ok: true, identity, fields, relationships, notes } : { ok: true, identity, fields, relationships };
}

/** The identity text: JSON of the identity cells, trimmed (null values as empty), so that it is the same on every run. */
export function identityOf(compiled: CompiledMapping, cells: readonly string[]): string {
  return JSON.stringify(
    compiled.identityIndexes.map((index) => {
      const cell = cellAt(cells, index).trim();
      return compiled.nullValues.has(cell) ? '' : cell;
    }),
  );
}

/** The value to send, or undefined to leave the field out. */
function mapField(
  field: CompiledField,
  cells: readonly string[],
  nullValues: ReadonlySet<string>,
  problems: RowProblem[],
  notes: RowNote[],
): FieldWriteValue | undefined {
  if (field.source.kind === 'constant') return field.source.value;
  const { column } = field.source;
  const raw = cellAt(cells, field.source.index);
  const cell = field.trim ? raw.trim() : raw;
  if (isEmpty(cell, nullValues)) return emptyField(field, column, problems);
  if (cell.includes('\0')) {
    problems.push(nulCharacter(column));
    return undefined;
  }
  const result = field.convert(cell);
  if (!result.ok) {
    problems.push({
      type: 'invalid_value',
      code: result.code,
      param: column,
      message: `column ${quoteText(column)}: ${quote(cell)} is not ${result.expected}`,
      value: cell,
    });
    return undefined;
  }
  // A cell of separators only (`;;`) holds no value: treat it like an empty cell.
  if (Array.isArray(result.value) && result.value.length === 0) return emptyField(field, column, problems);
  if (result.note !== undefined) notes.push({ code: 'rounded', param: column, message: `column ${quoteText(column)}: ${quote(cell)} ${result.note}` });
  return result.value;
}

function emptyField(field: CompiledField, column: string, problems: RowProblem[]): FieldWriteValue | undefined {
  if (field.fallback !== undefined) return field.fallback;
  if (field.required) {
    problems.push({
      type: 'missing_value',
      code: 'missing_value',
      param: column,
      message: `column ${quoteText(column)}: empty, but ${field.key} is required`,
    });
  }
  return undefined;
}

function mapRelationship(
  relationship: CompiledRelationship,
  cells: readonly string[],
  nullValues: ReadonlySet<string>,
  problems: RowProblem[],
): RelationshipInput | undefined {
  const { source, lookup } = relationship;
  const column = source.kind === 'column' ? source.column : `relationships.${relationship.key}.value`;
  let values: string[];
  if (source.kind === 'constant') {
    values = source.values;
  } else {
    const raw = cellAt(cells, source.index);
    const cell = relationship.trim ? raw.trim() : raw;
    if (cell.includes('\0')) {
      problems.push(nulCharacter(column));
      return undefined;
    }
    values = isEmpty(cell, nullValues) ? [] : splitValues(cell, relationship.split, relationship.trim);
  }
  if (values.length === 0) values = relationship.fallback ?? [];
  if (values.length === 0) {
    if (relationship.required) {
      problems.push({
        type: 'missing_value',
        code: 'missing_value',
        param: column,
        message: `column ${quoteText(column)}: empty, but ${relationship.key} is required`,
      });
    }
    return undefined;
  }

  const { aliases } = relationship;
  values = [...new Set(aliases.size === 0 ? values : values.map((value) => aliases.get(normalizeLabel(value)) ?? value))];
  const shown = source.kind === 'column' ? cellAt(cells, source.index) : values.join(', ');
  const wrongType = values.map((value) => otherTypeOfId(value, relationship.objectType)).find((other) => other !== undefined);
  if (wrongType !== undefined) {
    problems.push({
      type: 'invalid_value',
      code: 'wrong_id_type',
      param: column,
      message: `column ${quoteText(column)}: ${quote(shown)} is a Lightfield ${wrongType} ID, but ${relationship.key} links ${relationship.objectType} records`,
    });
    return undefined;
  }
  if (relationship.single && values.length > 1) {
    problems.push({
      type: 'invalid_value',
      code: 'too_many_values',
      param: column,
      message: `column ${quoteText(column)}: ${quote(shown)} is not one value: ${relationship.key} links a single ${relationship.objectType}`,
    });
    return undefined;
  }
  if (lookup === undefined) {
    const bad = values.find((value) => !looksLikeId(value, relationship.idPrefix));
    if (bad !== undefined) {
      const which = values.length > 1 ? ` (${quote(bad)} is not)` : '';
      problems.push({
        type: 'invalid_value',
        code: 'not_an_id',
        param: column,
        message: `column ${quoteText(column)}: ${quote(shown)} is not ${describeId(relationship.objectType, relationship.idPrefix)}${which}`,
      });
      return undefined;
    }
    return { kind: 'ids', ids: values };
  }
  // A cell that already holds an ID of the linked type is used as it is: the advice to "put the ID
  // in the cell" works for lookups too.
  const prefix = relationship.idPrefix;
  const ids = values.filter((value) => prefix !== undefined && looksLikeId(value, prefix));
  const rest = values.filter((value) => !ids.includes(value));
  if (rest.length === 0) return { kind: 'ids', ids };
  const create = relationship.createFields === undefined ? undefined : mapCreateFields(relationship.createFields, cells, nullValues, problems);
  const lookups = rest.map(
    (value): LookupInput => ({
      kind: 'lookup',
      object: lookup.object,
      by: lookup.by,
      value,
      column,
      ...(lookup.namespace !== undefined ? { namespace: lookup.namespace } : {}),
      ...(create !== undefined ? { create } : {}),
    }),
  );
  // One value, the common case, keeps the shape earlier runs stored in their ledgers.
  if (lookups.length === 1 && ids.length === 0) return lookups[0];
  return { kind: 'lookups', ids, lookups };
}

/** The fields of the record a find-or-create lookup would make, from the same row's cells. */
function mapCreateFields(
  createFields: readonly CompiledField[],
  cells: readonly string[],
  nullValues: ReadonlySet<string>,
  problems: RowProblem[],
): Record<string, FieldWriteValue> {
  const fields: Record<string, FieldWriteValue> = {};
  for (const field of createFields) {
    // Rounding notes are the row's own fields' business; a created account's cells are read as they are.
    const value = mapField(field, cells, nullValues, problems, []);
    if (value !== undefined) fields[field.key] = value;
  }
  return fields;
}

const ID_TYPES = Object.entries(ID_PREFIXES);

/** The other known type an ID-like value belongs to (`con_…` where accounts are linked), if any. */
function otherTypeOfId(value: string, objectType: string): string | undefined {
  if (!looksLikeId(value, undefined) || !/\d/.test(value)) return undefined;
  return ID_TYPES.find(([type, prefix]) => type !== objectType && value.startsWith(prefix))?.[0];
}

function splitValues(cell: string, split: string | undefined, trim: boolean): string[] {
  const parts = split === undefined ? [cell] : cell.split(split);
  return parts.map((part) => (trim ? part.trim() : part)).filter((part) => part.trim() !== '');
}

/** Blank, or one of the mapping's `nullValues` (compared trimmed). */
function isEmpty(cell: string, nullValues: ReadonlySet<string>): boolean {
  const trimmed = cell.trim();
  return trimmed === '' || (nullValues.size > 0 && nullValues.has(trimmed));
}

function cellAt(cells: readonly string[], index: number): string {
  const cell = cells[index];
  return typeof cell === 'string' ? cell : '';
}

function sourceColumn(entry: CompiledField | CompiledRelationship): string {
  return entry.source.kind === 'column' ? entry.source.column : entry.key;
}

/**
 * A NUL character is never text a person typed: it is binary data, or a UTF-16 file read as
 * another encoding. Sent on, it would be stored as garbage or refused by the API's database.
 */
function nulCharacter(column: string): RowProblem {
  return {
    type: 'invalid_value',
    code: 'nul_character',
    param: column,
    message: `column ${quoteText(column)}: holds a NUL character (binary data, or a file in another encoding: see --encoding); remove it`,
  };
}

/** A converter bug must not stop the run: the row is refused with what is known. */
function unexpected(key: string, column: string, error: unknown): RowProblem {
  const reason = error instanceof Error ? error.message : String(error);
  return {
    type: 'invalid_value',
    code: 'conversion_error',
    param: column,
    message: `column ${quoteText(column)}: could not be read into ${key} (${reason})`,
  };
}

/** The value as JSON text, invisible characters escaped, shortened to {@link MAX_VALUE_SHOWN} characters. */
function quote(value: string): string {
  return quoteText(value, MAX_VALUE_SHOWN);
}
