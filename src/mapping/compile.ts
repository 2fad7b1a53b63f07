/**
 * Checks a mapping against the organization's definitions and the CSV header, and precomputes
 * everything a row needs (column indexes, converters, option tables), so that a mistake in the
 * mapping stops the run before any row is sent and mapping a row costs almost nothing.
 */
import { OBJECTS } from '../lightfield/objects.js';
import type { Definitions, FieldDefinition, FieldWriteValue } from '../lightfield/types.js';
import { MappingProblems } from './compile-problems.js';
import { OptionIndex } from './convert-select.js';
import { DEFAULT_FALSE_VALUES, DEFAULT_TRUE_VALUES, fieldConverter, type FieldReading } from './convert.js';
import { isCurrencyCode } from './convert-currency.js';
import { isValidTimezone } from './convert-datetime.js';
import { compileRelationship, type RelatedDefinitions } from './compile-relationship.js';
import { checkSource, ColumnIndex } from './compile-columns.js';
import { closestMatches, describeKeys, normalizeLabel, quotedList } from './suggest.js';
import { sha256Hex, stableStringify } from './stable-json.js';
import { resolveRange, type ValueRange } from './value-range.js';
import type { CompiledField, CompiledMapping, CompiledRelationship, FieldSpec, MappingFile } from './types.js';

export const DEFAULT_NAMESPACE = 'default';
export const DEFAULT_TIMEZONE = 'UTC';

/** File names used in messages. */
export interface MappingSources {
  mapping: string;
  csv: string;
}

type SpecOption = Exclude<keyof FieldSpec, 'column' | 'value' | 'default' | 'type' | 'trim' | 'empty'>;

/** Which valueTypes each reading option applies to; elsewhere it would be silently ignored, so it is refused. */
const OPTION_APPLIES_TO: Record<SpecOption, readonly string[]> = {
  decimal: ['NUMBER', 'CURRENCY'],
  currency: ['CURRENCY'],
  format: ['DATETIME'],
  timezone: ['DATETIME'],
  split: ['EMAIL', 'URL', 'TELEPHONE', 'MULTI_SELECT'],
  trueValues: ['CHECKBOX'],
  falseValues: ['CHECKBOX'],
  values: ['SINGLE_SELECT', 'MULTI_SELECT'],
  round: ['NUMBER', 'CURRENCY'],
  range: ['NUMBER', 'CURRENCY', 'DATETIME'],
};

/** Which valueTypes each `type` fits. */
const TYPE_FITS: Record<NonNullable<FieldSpec['type']>, readonly string[]> = {
  text: ['TEXT', 'MARKDOWN', 'HTML', 'EMAIL', 'URL', 'TELEPHONE', 'SOCIAL_HANDLE', 'ADDRESS', 'FULL_NAME'],
  number: ['NUMBER', 'CURRENCY'],
  currency: ['NUMBER', 'CURRENCY'],
  checkbox: ['CHECKBOX'],
  datetime: ['DATETIME'],
  date: ['DATETIME'],
  select: ['SINGLE_SELECT'],
  multiselect: ['MULTI_SELECT'],
};

/** Throws {@link ImportError} (the first problem's code; the message lists them all). */
export function compileMapping(
  mapping: MappingFile,
  definitions: Definitions,
  header: readonly string[],
  files: MappingSources,
  related: RelatedDefinitions = {},
): CompiledMapping {
  const problems = new MappingProblems();
  const columns = new ColumnIndex(header, files.csv, problems);
  const { requiredFields, requiredRelationships } = OBJECTS[mapping.object];

  const fields = compileFields(mapping.fields, 'fields', requiredFields, definitions, columns, problems);
  for (const key of requiredFields) {
    if (mapping.fields[key] === undefined) {
      problems.add('mapping_required', `fields.${key}`, `${key} is required for every ${mapping.object}: map it, e.g. "${key}": "<CSV column>"`);
    }
  }

  const relationships: CompiledRelationship[] = [];
  for (const [key, raw] of Object.entries(mapping.relationships ?? {})) {
    const spec = typeof raw === 'string' ? { column: raw } : raw;
    const compiled = compileRelationship(key, spec, { definitions, related, required: requiredRelationships.includes(key) }, columns, problems);
    if (compiled !== undefined) relationships.push(compiled);
  }
  for (const key of requiredRelationships) {
    if (mapping.relationships?.[key] === undefined) {
      problems.add(
        'mapping_required',
        `relationships.${key}`,
        `${key} is required for every ${mapping.object}: map it under "relationships", e.g. "${key}": { "column": "Company", "lookup": { "object": "account", "by": "$name" } }`,
      );
    }
  }

  const columnsRead = uniqueColumns(fields, relationships);
  const explicitIdentity = mapping.identity !== undefined;
  const identityColumns = mapping.identity ?? columnsRead;
  const identityIndexes: number[] = [];
  identityColumns.forEach((column, position) => {
    const index = columns.find(column, `identity[${position}]`);
    if (index !== undefined) identityIndexes.push(index);
  });
  const readsAColumn = [...Object.values(mapping.fields), ...Object.values(mapping.relationships ?? {})].some(
    (spec) => typeof spec === 'string' || spec.column !== undefined,
  );
  if (identityColumns.length === 0 && !readsAColumn) {
    problems.add('mapping_invalid', 'identity', 'the mapping reads no CSV column, so rows cannot be told apart: list the columns that identify a record in "identity"');
  }

  const matchField = mapping.match === undefined ? undefined : checkMatchField(mapping, fields, definitions, identityColumns, problems);
  problems.throwIfAny(files.mapping);
  return {
    object: mapping.object,
    matchField,
    mode: mapping.mode ?? 'upsert',
    namespace: mapping.namespace ?? DEFAULT_NAMESPACE,
    fingerprint: sha256Hex(stableStringify(mapping)),
    columns: columnsRead,
    identityColumns: [...identityColumns],
    identityIndexes,
    explicitIdentity,
    nullValues: new Set((mapping.nullValues ?? []).map((text) => text.trim())),
    fields,
    relationships,
  };
}

/** The fields of a mapping, or of a lookup's `create` (`path` says which, for messages). */
export function compileFields(
  specs: Record<string, string | FieldSpec>,
  path: string,
  requiredFields: readonly string[],
  definitions: Definitions,
  columns: ColumnIndex,
  problems: MappingProblems,
): CompiledField[] {
  const fields: CompiledField[] = [];
  for (const [key, raw] of Object.entries(specs)) {
    const spec: FieldSpec = typeof raw === 'string' ? { column: raw } : raw;
    const compiled = compileField(key, spec, `${path}.${key}`, requiredFields.includes(key), definitions, columns, problems);
    if (compiled !== undefined) fields.push(compiled);
  }
  return fields;
}

function compileField(
  key: string,
  spec: FieldSpec,
  path: string,
  required: boolean,
  definitions: Definitions,
  columns: ColumnIndex,
  problems: MappingProblems,
): CompiledField | undefined {
  // Own keys only: `toString` or `__proto__` in a mapping must not find Object.prototype's members.
  const definition = Object.hasOwn(definitions.fieldDefinitions, key) ? definitions.fieldDefinitions[key] : undefined;
  if (definition === undefined) {
    const hint =
      Object.hasOwn(definitions.relationshipDefinitions, key)
        ? `: ${key} is a relationship, map it under "relationships"`
        : suggestFieldKeys(key, definitions.fieldDefinitions);
    problems.add('mapping_unknown_field', path, `no field "${key}" is defined on ${definitions.objectType} records${hint}`);
    return undefined;
  }
  if (definition.readOnly === true) {
    problems.add('mapping_read_only', path, `${key} ("${definition.label}") is read-only in Lightfield and cannot be imported; remove it from the mapping`);
    return undefined;
  }
  const before = problems.size;
  const source = checkSource(path, spec.column, spec.value !== undefined, columns, problems);
  checkReadingOptions(key, path, spec, definition, problems);
  const reading = fieldReading(key, path, spec, definition, problems);
  if (source === undefined || problems.size > before) return undefined;

  const converter = fieldConverter(reading);
  const convertConstant = (value: FieldWriteValue, option: 'value' | 'default'): FieldWriteValue | undefined => {
    if (value === null) {
      if (required) problems.add('mapping_invalid', `${path}.${option}`, `${key} is required and cannot be null`);
      return null;
    }
    const result = converter.constant(value);
    if (result.ok) return result.value;
    problems.add('mapping_invalid', `${path}.${option}`, `${JSON.stringify(value)} is not ${result.expected}`);
    return undefined;
  };
  const fallback = spec.default === undefined ? undefined : convertConstant(spec.default, 'default');
  if (spec.empty === 'clear' && required) {
    problems.add('mapping_invalid', `${path}.empty`, `${key} is required and cannot be cleared`);
  }
  // With `empty: clear` an empty cell becomes null: left out of creates, sent on updates.
  const emptyValue = fallback !== undefined ? fallback : spec.empty === 'clear' ? null : undefined;
  if (source.kind === 'constant') {
    const value = convertConstant(spec.value ?? null, 'value');
    if (value === undefined) return undefined;
    return { key, valueType: definition.valueType, required, source: { kind: 'constant', value }, trim: false, fallback: emptyValue, convert: converter.cell };
  }
  return { key, valueType: definition.valueType, required, source, trim: spec.trim ?? true, fallback: emptyValue, convert: converter.cell };
}

function checkReadingOptions(key: string, path: string, spec: FieldSpec, definition: FieldDefinition, problems: MappingProblems): void {
  for (const option of Object.keys(OPTION_APPLIES_TO) as SpecOption[]) {
    if (spec[option] === undefined) continue;
    const appliesTo = OPTION_APPLIES_TO[option];
    if (!appliesTo.includes(definition.valueType)) {
      problems.add('mapping_invalid', `${path}.${option}`, `"${option}" only applies to ${appliesTo.join('/')} fields; ${key} is ${definition.valueType}`);
    }
  }
  if (spec.type !== undefined && !TYPE_FITS[spec.type].includes(definition.valueType)) {
    problems.add('mapping_invalid', `${path}.type`, `"type": "${spec.type}" does not fit ${key}, which is ${definition.valueType} in Lightfield`);
  }
  if (spec.currency !== undefined && !isCurrencyCode(spec.currency)) {
    problems.add('mapping_invalid', `${path}.currency`, `"${spec.currency}" is not an ISO 4217 currency code; use one like "EUR" or "USD"`);
  }
  if (spec.timezone !== undefined && !isValidTimezone(spec.timezone)) {
    problems.add('mapping_invalid', `${path}.timezone`, `"${spec.timezone}" is not a time zone; use an IANA name like "Europe/Berlin" or "UTC"`);
  }
  const overlap = (spec.trueValues ?? []).filter((text) => (spec.falseValues ?? []).some((other) => other.trim().toLowerCase() === text.trim().toLowerCase()));
  if (overlap.length > 0) {
    problems.add('mapping_invalid', `${path}.trueValues`, `${quotedList(overlap)} cannot mean both true and false`);
  }
}

/** Resolves the spec's reading options, including `values` aliases to option IDs (problems for aliases that match nothing). */
function fieldReading(key: string, path: string, spec: FieldSpec, definition: FieldDefinition, problems: MappingProblems): FieldReading {
  const isSelect = definition.valueType === 'SINGLE_SELECT' || definition.valueType === 'MULTI_SELECT';
  const options = isSelect ? new OptionIndex(key, definition.typeConfiguration.options ?? []) : undefined;
  const aliases = new Map<string, string>();
  if (options !== undefined) {
    for (const [alias, target] of Object.entries(spec.values ?? {})) {
      const match = options.match(target);
      if (match.ok) aliases.set(normalizeLabel(alias), match.id);
      else {
        const problem = match.code === 'unknown_option' ? 'is not an option' : 'matches several options';
        problems.add('mapping_invalid', `${path}.values.${alias}`, `"${target}" ${problem} of ${key} (${match.detail})`);
      }
    }
  }
  const timezone = spec.timezone ?? DEFAULT_TIMEZONE;
  return {
    key,
    definition,
    decimal: spec.decimal ?? '.',
    round: spec.round,
    range: spec.range === undefined ? undefined : fieldRange(path, spec, definition, timezone, problems),
    format: spec.format,
    timezone,
    dateOnly: spec.type === 'date',
    split: spec.split,
    trim: spec.trim ?? true,
    trueValues: spec.trueValues ?? DEFAULT_TRUE_VALUES,
    falseValues: spec.falseValues ?? DEFAULT_FALSE_VALUES,
    options,
    aliases,
    currency: spec.currency,
  };
}

/** The field's `range`, or undefined after recording its problems (a range on another valueType is refused elsewhere). */
function fieldRange(path: string, spec: FieldSpec, definition: FieldDefinition, timezone: string, problems: MappingProblems): ValueRange | undefined {
  if (spec.range === undefined || !OPTION_APPLIES_TO.range.includes(definition.valueType)) return undefined;
  const resolved = resolveRange(spec.range, definition.valueType, timezone);
  if (resolved.ok) return resolved.range;
  for (const problem of resolved.problems) {
    problems.add('mapping_invalid', `${path}.range${problem.bound === undefined ? '' : `.${problem.bound}`}`, problem.message);
  }
  return undefined;
}

function suggestFieldKeys(key: string, fieldDefinitions: Record<string, FieldDefinition>): string {
  const writable = Object.entries(fieldDefinitions).filter(([, definition]) => definition.readOnly !== true);
  const byLabel = new Map<string, string>();
  for (const [fieldKey, definition] of writable) {
    byLabel.set(definition.label, fieldKey);
    if (definition.slug !== undefined) byLabel.set(definition.slug, fieldKey);
  }
  const matches = closestMatches(key, [...writable.map(([fieldKey]) => fieldKey), ...byLabel.keys()]);
  const suggested = [...new Set(matches.map((match) => byLabel.get(match) ?? match))].slice(0, 3);
  const described = suggested.map((fieldKey) => `"${fieldKey}" (label "${fieldDefinitions[fieldKey]?.label ?? ''}")`);
  const hint = described.length > 0 ? `. Did you mean ${described.join(' or ')}?` : '.';
  return `${hint} Defined fields: ${describeKeys(writable)}`;
}

/** Fields `match` can search on: text the API filters with `equal`. */
const MATCHABLE_TYPES: readonly string[] = ['TEXT', 'EMAIL', 'URL', 'TELEPHONE'];

/** The match field must be written from the (single) identity column, so that a row finds its own record. */
function checkMatchField(
  mapping: MappingFile,
  fields: readonly CompiledField[],
  definitions: Definitions,
  identityColumns: readonly string[],
  problems: MappingProblems,
): string | undefined {
  const key = mapping.match!.field;
  const field = fields.find((candidate) => candidate.key === key);
  if (field === undefined) {
    problems.add('mapping_invalid', 'match.field', `"${key}" is not a field this mapping writes: map it from the identity column, e.g. "${key}": "${identityColumns[0] ?? 'Record ID'}"`);
    return undefined;
  }
  const valueType = definitions.fieldDefinitions[key]?.valueType ?? field.valueType;
  if (!MATCHABLE_TYPES.includes(valueType)) {
    problems.add('mapping_invalid', 'match.field', `${key} is ${valueType}; match needs a text field (${MATCHABLE_TYPES.join(', ')}) that Lightfield can filter with equal`);
  }
  if (mapping.identity === undefined || identityColumns.length !== 1 || field.source.kind !== 'column' || field.source.column !== identityColumns[0]) {
    problems.add(
      'mapping_invalid',
      'match.field',
      `${key} must be written from the one identity column (add "identity": ["<source ID column>"] and map ${key} from it), so that each row finds its own record`,
    );
  }
  return key;
}

function uniqueColumns(fields: readonly CompiledField[], relationships: readonly CompiledRelationship[]): string[] {
  const seen = new Set<string>();
  for (const entry of [...fields, ...relationships, ...relationships.flatMap((relationship) => relationship.createFields ?? [])]) {
    if (entry.source.kind === 'column') seen.add(entry.source.column);
  }
  return [...seen];
}
