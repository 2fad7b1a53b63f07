/**
 * Maps one CSV row through a compiled mapping. Never throws: every problem of the row is
 * collected (not only the first), each naming its column, the value and what was expected, so
 * that one plan shows everything to fix in a row.
 */
import type { RowProblem } from '../errors.js';
import type { FieldWriteValue } from '../lightfield/types.js';
import { describeId, looksLikeId } from './compile-relationship.js';
import { jsonString, relationshipText, valueText } from './payload-text.js';
import type { CompiledField, CompiledMapping, CompiledRelationship, MappedRow, MappedText, RelationshipInput } from './types.js';

/** Cell values longer than this are shortened in messages. */
const MAX_VALUE_SHOWN = 80;

/**
 * The row as {@link mapRowText} maps it, with the payload's fields and relationships read back from
 * its text: for callers that look at the values.
 */
export function mapRow(compiled: CompiledMapping, cells: readonly string[]): MappedRow {
  const mapped = mapRowText(compiled, cells);
  if (!mapped.ok) return mapped;
  const { fields, relationships } = JSON.parse(mapped.payload) as Pick<Extract<MappedRow, { ok: true }>, 'fields' | 'relationships'>;
  return { ok: true, identity: mapped.identity, fields, relationships, payload: mapped.payload };
}

/**
 * The row's identity and canonical payload text, what the run needs of it (and all it sends): the
 * values are written straight into the text, without an object per row to hold them.
 */
export function mapRowText(compiled: CompiledMapping, cells: readonly string[]): MappedText {
  const identity = identityOf(compiled, cells);
  const problems: RowProblem[] = [];

  if (compiled.explicitIdentity && compiled.identityIndexes.every((index) => cellAt(cells, index).trim() === '')) {
    const columns = compiled.identityColumns;
    problems.push({
      type: 'missing_value',
      code: 'missing_identity',
      param: columns[0] ?? '',
      message: `${columns.length === 1 ? 'column' : 'columns'} ${columns.map((column) => `"${column}"`).join(', ')}: empty, but the mapping's "identity" needs a value to tell records apart`,
    });
  }

  // Mapped in mapping order, so that problems are listed in it; collected in key order below.
  const fieldValues: (FieldValue | undefined)[] = [];
  for (const field of compiled.fields) {
    try {
      fieldValues.push(mapField(field, cells, problems));
    } catch (error) {
      fieldValues.push(undefined);
      problems.push(unexpected(field.key, sourceColumn(field), error));
    }
  }
  const relationshipValues: (RelationshipInput | undefined)[] = [];
  for (const relationship of compiled.relationships) {
    try {
      relationshipValues.push(mapRelationship(relationship, cells, problems));
    } catch (error) {
      relationshipValues.push(undefined);
      problems.push(unexpected(relationship.key, sourceColumn(relationship), error));
    }
  }
  if (problems.length > 0) return { ok: false, identity, problems };

  // The canonical text, written field by field in canonical key order: most values carry their
  // text already (converters that remember their answers, constants). Two joins per value (the
  // key's text comes ready with its comma and colon): each join is a string made for every row.
  let fieldsText = '';
  for (const { index, first, next } of compiled.payloadOrder.fields) {
    const mapped = fieldValues[index];
    if (mapped === undefined) continue;
    const text = mapped.text ?? valueText(mapped.value);
    fieldsText = fieldsText === '' ? first + text : fieldsText + next + text;
  }
  let relationshipsText = '';
  for (const { index, first, next } of compiled.payloadOrder.relationships) {
    const value = relationshipValues[index];
    if (value === undefined) continue;
    const relationship = compiled.relationships[index]!;
    const text = value.kind === 'lookup' ? `${lookupTextStart(relationship, value)}${jsonString(value.value)}}` : relationshipText(value);
    relationshipsText = relationshipsText === '' ? first + text : relationshipsText + next + text;
  }
  return { ok: true, identity, payload: `{"fields":{${fieldsText}},"relationships":{${relationshipsText}}}` };
}

/** The canonical text of a lookup input up to its value, the same for every row of the relationship. */
const lookupTextStarts = new WeakMap<CompiledRelationship, string>();

function lookupTextStart(relationship: CompiledRelationship, input: Extract<RelationshipInput, { kind: 'lookup' }>): string {
  let start = lookupTextStarts.get(relationship);
  if (start === undefined) {
    const text = relationshipText({ ...input, value: '' });
    start = text.slice(0, text.length - '""}'.length);
    lookupTextStarts.set(relationship, start);
  }
  return start;
}

/** The identity text: JSON of the identity cells, trimmed, so that it is the same on every run. */
export function identityOf(compiled: CompiledMapping, cells: readonly string[]): string {
  const indexes = compiled.identityIndexes;
  let text = '[';
  for (let position = 0; position < indexes.length; position += 1) {
    text += `${position > 0 ? ',' : ''}${jsonString(cellAt(cells, indexes[position]!).trim())}`;
  }
  return `${text}]`;
}

/** A field's value, with its canonical JSON text when known already. */
type FieldValue = { value: FieldWriteValue; text?: string | undefined };

/** The value to send, or undefined to leave the field out. */
function mapField(field: CompiledField, cells: readonly string[], problems: RowProblem[]): FieldValue | undefined {
  if (field.source.kind === 'constant') return fixedValue(field, field.source.value);
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
      message: `column "${column}": ${quote(cell)} is not ${result.expected}`,
    });
    return undefined;
  }
  // A cell of separators only (`;;`) holds no value: treat it like an empty cell.
  if (Array.isArray(result.value) && result.value.length === 0) return emptyField(field, column, problems);
  return result;
}

function emptyField(field: CompiledField, column: string, problems: RowProblem[]): FieldValue | undefined {
  if (field.fallback !== undefined) return fixedValue(field, field.fallback);
  if (field.required) {
    problems.push({
      type: 'missing_value',
      code: 'missing_value',
      param: column,
      message: `column "${column}": empty, but ${field.key} is required`,
    });
  }
  return undefined;
}

/** A constant or a default of the mapping, with its text, made once per field and value. */
const fixedValues = new WeakMap<CompiledField, FieldValue>();

function fixedValue(field: CompiledField, value: FieldWriteValue): FieldValue {
  let fixed = fixedValues.get(field);
  if (fixed === undefined || fixed.value !== value) {
    fixed = { value, text: valueText(value) };
    fixedValues.set(field, fixed);
  }
  return fixed;
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
        message: `column "${column}": empty, but ${relationship.key} is required`,
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
      message: `column "${column}": ${quote(shown)} is not ${describeId(relationship.objectType, relationship.idPrefix)}${which}`,
    });
    return undefined;
  }
  const ids = [...new Set(values)];
  if (relationship.single && ids.length > 1) {
    problems.push({
      type: 'invalid_value',
      code: 'too_many_values',
      param: column,
      message: `column "${column}": ${quote(shown)} is not one ID: ${relationship.key} links a single ${relationship.objectType}`,
    });
    return undefined;
  }
  return { kind: 'ids', ids };
}

/** The cell's values: its parts at `split` (or the whole cell), trimmed when asked, without blank ones. Runs for every row and relationship. */
function splitValues(cell: string, split: string | undefined, trim: boolean): string[] {
  if (split === undefined) {
    const value = trim ? cell.trim() : cell;
    return value.trim() === '' ? [] : [value];
  }
  const values: string[] = [];
  for (const part of cell.split(split)) {
    const value = trim ? part.trim() : part;
    if (value.trim() !== '') values.push(value);
  }
  return values;
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
    message: `column "${column}": holds a NUL character (binary data, or a file in another encoding: see --encoding); remove it`,
  };
}

/** A converter bug must not stop the run: the row is refused with what is known. */
function unexpected(key: string, column: string, error: unknown): RowProblem {
  const reason = error instanceof Error ? error.message : String(error);
  return {
    type: 'invalid_value',
    code: 'conversion_error',
    param: column,
    message: `column "${column}": could not be read into ${key} (${reason})`,
  };
}

/** The value as JSON text, shortened to {@link MAX_VALUE_SHOWN} characters. */
function quote(value: string): string {
  const characters = [...value];
  const shown = characters.length > MAX_VALUE_SHOWN ? `${characters.slice(0, MAX_VALUE_SHOWN - 1).join('')}…` : value;
  return JSON.stringify(shown);
}
