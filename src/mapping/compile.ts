/**
 * Checks a mapping against the organization's definitions and the CSV header, and precomputes
 * everything a row needs (column indexes, converters, option tables), so that a mistake in the
 * mapping stops the run before any row is sent and mapping a row costs almost nothing.
 */
import type { Definitions, FieldDefinition, FieldWriteValue } from '../lightfield/types.js';
import { MappingProblems } from './compile-problems.js';
import { OptionIndex } from './convert-select.js';
import { DEFAULT_FALSE_VALUES, DEFAULT_TRUE_VALUES, fieldConverter, type FieldReading } from './convert.js';
import { isCurrencyCode } from './convert-currency.js';
import { isValidTimezone } from './convert-datetime.js';
import { compileRelationship, REQUIRED_RELATIONSHIPS } from './compile-relationship.js';
import { checkSource, ColumnIndex } from './compile-columns.js';
import { closestMatches, describeKeys, normalizeLabel, quotedList } from './suggest.js';
import { sha256Hex, stableStringify } from './stable-json.js';
import type { CompiledField, CompiledMapping, CompiledRelationship, FieldSpec, MappingFile } from './types.js';

/** Field keys every opportunity needs (the API refuses a create without them). */
export const REQUIRED_FIELDS: readonly string[] = ['$name', '$stage'];
export const DEFAULT_NAMESPACE = 'default';
export const DEFAULT_TIMEZONE = 'UTC';

/** File names used in messages. */
export interface MappingSources {
  mapping: string;
  csv: string;
}

type SpecOption = Exclude<keyof FieldSpec, 'column' | 'value' | 'default' | 'type' | 'trim'>;

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
): CompiledMapping {
  const problems = new MappingProblems();
  const columns = new ColumnIndex(header, files.csv, problems);

  const fields: CompiledField[] = [];
  for (const [key, raw] of Object.entries(mapping.fields)) {
    const spec: FieldSpec = typeof raw === 'string' ? { column: raw } : raw;
    const compiled = compileField(key, spec, definitions, columns, problems);
    if (compiled !== undefined) fields.push(compiled);
  }
  for (const key of REQUIRED_FIELDS) {
    if (mapping.fields[key] === undefined) {
      problems.add('mapping_required', `fields.${key}`, `${key} is required for every opportunity: map it, e.g. "${key}": "<CSV column>"`);
    }
  }

  const relationships: CompiledRelationship[] = [];
  for (const [key, raw] of Object.entries(mapping.relationships ?? {})) {
    const spec = typeof raw === 'string' ? { column: raw } : raw;
    const compiled = compileRelationship(key, spec, definitions, columns, problems);
    if (compiled !== undefined) relationships.push(compiled);
  }
  for (const key of REQUIRED_RELATIONSHIPS) {
    if (mapping.relationships?.[key] === undefined) {
      problems.add(
        'mapping_required',
        `relationships.${key}`,
        `${key} is required for every opportunity: map it under "relationships", e.g. "${key}": { "column": "Company", "lookup": { "object": "account", "by": "$name" } }`,
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

  problems.throwIfAny(files.mapping);
  return {
    namespace: mapping.namespace ?? DEFAULT_NAMESPACE,
    fingerprint: sha256Hex(stableStringify(mapping)),
    columns: columnsRead,
    identityColumns: [...identityColumns],
    identityIndexes,
    explicitIdentity,
    fields,
    relationships,
  };
}

function compileField(
  key: string,
  spec: FieldSpec,
  definitions: Definitions,
  columns: ColumnIndex,
  problems: MappingProblems,
): CompiledField | undefined {
  const path = `fields.${key}`;
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
  const required = REQUIRED_FIELDS.includes(key);
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
  if (source.kind === 'constant') {
    const value = convertConstant(spec.value ?? null, 'value');
    if (value === undefined) return undefined;
    return { key, valueType: definition.valueType, required, source: { kind: 'constant', value }, trim: false, fallback, convert: converter.cell };
  }
  return { key, valueType: definition.valueType, required, source, trim: spec.trim ?? true, fallback, convert: converter.cell };
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
  return {
    key,
    definition,
    decimal: spec.decimal ?? '.',
    format: spec.format,
    timezone: spec.timezone ?? DEFAULT_TIMEZONE,
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

function uniqueColumns(fields: readonly CompiledField[], relationships: readonly CompiledRelationship[]): string[] {
  const seen = new Set<string>();
  for (const entry of [...fields, ...relationships]) {
    if (entry.source.kind === 'column') seen.add(entry.source.column);
  }
  return [...seen];
}
