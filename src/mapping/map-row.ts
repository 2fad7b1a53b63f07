/**
 * Maps one CSV row through a compiled mapping. Never throws: every problem of the row is
 * collected (not only the first), each naming its column, the value and what was expected, so
 * that one plan shows everything to fix in a row.
 */
import type { RowProblem } from '../errors.js';
import type { FieldWriteValue } from '../lightfield/types.js';
import { describeId, looksLikeId } from './compile-relationship.js';
import type { CompiledField, CompiledMapping, CompiledRelationship, MappedRow, RelationshipInput } from './types.js';
import { quoteText } from '../quote-text.js';

/** Cell values longer than this are shortened in messages. */
const MAX_VALUE_SHOWN = 80;

export function mapRow(compiled: CompiledMapping, cells: readonly string[]): MappedRow {
  const identity = identityOf(compiled, cells);
  const problems: RowProblem[] = [];
  const fields: Record<string, FieldWriteValue> = {};
  const relationships: Record<string, RelationshipInput> = {};

  if (compiled.explicitIdentity && compiled.identityIndexes.every((index) => cellAt(cells, index).trim() === '')) {
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
      const value = mapField(field, cells, problems);
      if (value !== undefined) fields[field.key] = value;
    } catch (error) {
      problems.push(unexpected(field.key, sourceColumn(field), error));
    }
  }
  for (const relationship of compiled.relationships) {
    try {
      const value = mapRelationship(relationship, cells, problems);
      if (value !== undefined) relationships[relationship.key] = value;
    } catch (error) {
      problems.push(unexpected(relationship.key, sourceColumn(relationship), error));
    }
  }

  return problems.length > 0 ? { ok: false, identity, problems } : { ok: true, identity, fields, relationships };
}

/** The identity text: JSON of the identity cells, trimmed, so that it is the same on every run. */
export function identityOf(compiled: CompiledMapping, cells: readonly string[]): string {
  return JSON.stringify(compiled.identityIndexes.map((index) => cellAt(cells, index).trim()));
}

/** The value to send, or undefined to leave the field out. */
function mapField(field: CompiledField, cells: readonly string[], problems: RowProblem[]): FieldWriteValue | undefined {
  if (field.source.kind === 'constant') return field.source.value;
  const { column } = field.source;
  const raw = cellAt(cells, field.source.index);
  const cell = field.trim ? raw.trim() : raw;
  if (cell.trim() === '') return emptyField(field, column, problems);
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
    });
    return undefined;
  }
  // A cell of separators only (`;;`) holds no value: treat it like an empty cell.
  if (Array.isArray(result.value) && result.value.length === 0) return emptyField(field, column, problems);
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
    values = splitValues(cell, relationship.split, relationship.trim);
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

  if (lookup !== undefined) {
    return { kind: 'lookup', object: lookup.object, by: lookup.by, value: values[0] ?? '', column };
  }
  const shown = source.kind === 'column' ? cellAt(cells, source.index) : values.join(', ');
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
  const ids = [...new Set(values)];
  if (relationship.single && ids.length > 1) {
    problems.push({
      type: 'invalid_value',
      code: 'too_many_values',
      param: column,
      message: `column ${quoteText(column)}: ${quote(shown)} is not one ID: ${relationship.key} links a single ${relationship.objectType}`,
    });
    return undefined;
  }
  return { kind: 'ids', ids };
}

function splitValues(cell: string, split: string | undefined, trim: boolean): string[] {
  const parts = split === undefined ? [cell] : cell.split(split);
  return parts.map((part) => (trim ? part.trim() : part)).filter((part) => part.trim() !== '');
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
