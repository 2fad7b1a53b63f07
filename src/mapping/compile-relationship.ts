/** Checks and precomputes one relationship of the mapping (see compile.ts). */
import { ID_PREFIXES, OBJECTS, type ImportObject } from '../lightfield/objects.js';
import type { Definitions, RelationshipDefinition } from '../lightfield/types.js';
import type { MappingProblems } from './compile-problems.js';
import { checkSource, type ColumnIndex } from './compile-columns.js';
import { compileFields } from './compile.js';
import { closestMatches, describeKeys, normalizeLabel } from './suggest.js';
import type { CompiledField, CompiledRelationship, LookupObject, LookupSpec, RelationshipSpec } from './types.js';

/** Which `by` each lookup object supports. */
const LOOKUP_BY: Record<LookupObject, ReadonlyArray<LookupSpec['by']>> = {
  account: ['$name', '$website', 'import'],
  member: ['$email', '$name'],
  contact: ['$email', '$name', 'import'],
  opportunity: ['$name', 'import'],
};

/** The record types a lookup may create when it finds nothing (members cannot be made through the API). */
const CREATABLE: readonly LookupObject[] = ['account', 'contact'];

/** Definitions of the record types a `create` lookup makes, fetched by the set-up. */
export type RelatedDefinitions = Partial<Record<LookupObject, Definitions>>;

export interface RelationshipContext {
  definitions: Definitions;
  related: RelatedDefinitions;
  /** Every record of the mapping's type needs this relationship. */
  required: boolean;
}

export function compileRelationship(
  key: string,
  spec: RelationshipSpec,
  context: RelationshipContext,
  columns: ColumnIndex,
  problems: MappingProblems,
): CompiledRelationship | undefined {
  const { definitions } = context;
  const path = `relationships.${key}`;
  // Own keys only: `constructor` or `__proto__` in a mapping must not find Object.prototype's members.
  const definition = Object.hasOwn(definitions.relationshipDefinitions, key) ? definitions.relationshipDefinitions[key] : undefined;
  if (definition === undefined) {
    problems.add('mapping_unknown_relationship', path, `no relationship "${key}" is defined on ${definitions.objectType} records${suggestRelationships(key, definitions)}`);
    return undefined;
  }
  if (definition.readOnly === true) {
    problems.add('mapping_read_only', path, `${key} ("${definition.label}") is read-only in Lightfield (it is managed from the other record) and cannot be imported`);
    return undefined;
  }
  const before = problems.size;
  const source = checkSource(path, spec.column, spec.value !== undefined, columns, problems);
  const objectType = canonicalObjectType(definition.objectType);
  const single = definition.cardinality.toUpperCase() === 'HAS_ONE';
  const lookup = spec.lookup;
  if (lookup !== undefined) checkLookup(key, path, lookup, spec, objectType, problems);
  const idPrefix = ID_PREFIXES[objectType];
  const createFields = lookup?.create === undefined ? undefined : compileCreate(path, lookup, context.related, columns, problems);

  const constants = spec.value === undefined ? [] : typeof spec.value === 'string' ? [spec.value] : spec.value;
  if (single && constants.length > 1) {
    problems.add('mapping_invalid', `${path}.value`, `${key} links one ${objectType}, not ${constants.length}`);
  }
  if (lookup !== undefined && lookup.by !== 'import' && constants.length > 1) {
    problems.add('mapping_invalid', `${path}.value`, 'a lookup finds one record: give one text to look up');
  }
  for (const [option, texts] of [['value', constants], ['default', spec.default === undefined ? [] : [spec.default]]] as const) {
    for (const text of texts) {
      if (lookup === undefined && idPrefix !== undefined && !looksLikeId(text, idPrefix)) {
        problems.add('mapping_invalid', `${path}.${option}`, `"${text}" is not ${describeId(objectType, idPrefix)}`);
      }
    }
  }
  if (source === undefined || problems.size > before) return undefined;

  const common = {
    key,
    objectType,
    required: context.required,
    fallback: spec.default === undefined ? undefined : [spec.default],
    split: spec.split,
    single,
    lookup,
    createFields,
    aliases: new Map(Object.entries(spec.values ?? {}).map(([alias, target]) => [normalizeLabel(alias), target.trim()])),
    idPrefix,
  };
  if (source.kind === 'constant') return { ...common, source: { kind: 'constant', values: constants }, trim: false };
  return { ...common, source, trim: spec.trim ?? true };
}

function checkLookup(
  key: string,
  path: string,
  lookup: LookupSpec,
  spec: RelationshipSpec,
  objectType: string,
  problems: MappingProblems,
): void {
  if (Object.hasOwn(ID_PREFIXES, objectType) && objectType !== lookup.object) {
    problems.add('mapping_invalid', `${path}.lookup.object`, `${key} links ${objectType} records, but the lookup searches ${lookup.object}s`);
  }
  if (!LOOKUP_BY[lookup.object].includes(lookup.by)) {
    problems.add('mapping_invalid', `${path}.lookup.by`, `${lookup.object}s can be looked up by ${LOOKUP_BY[lookup.object].join(' or ')}, not ${lookup.by}`);
  }
  if (lookup.by === 'import' && lookup.namespace === undefined) {
    problems.add(
      'mapping_invalid',
      `${path}.lookup.namespace`,
      '"by": "import" needs the "namespace" of the earlier import whose source IDs the cells hold, e.g. "namespace": "sf-accounts"',
    );
  }
  if (lookup.by !== 'import' && lookup.namespace !== undefined) {
    problems.add('mapping_invalid', `${path}.lookup.namespace`, '"namespace" only goes with "by": "import"');
  }
  if (lookup.create !== undefined && !CREATABLE.includes(lookup.object)) {
    const why = lookup.object === 'member' ? 'members cannot be created through the API' : 'import opportunities with their own mapping';
    problems.add('mapping_invalid', `${path}.lookup.create`, `a lookup can create ${CREATABLE.join(' or ')} records, not ${lookup.object}s: ${why}`);
  }
  if (lookup.create !== undefined && lookup.by === 'import') {
    problems.add('mapping_invalid', `${path}.lookup.create`, '"create" does not go with "by": "import": a record not imported yet is imported by its own file');
  }
  if (spec.split !== undefined && lookup.by !== 'import') {
    problems.add('mapping_invalid', `${path}.split`, 'a lookup by name, website or email finds one record per cell; "split" works with cells of IDs or "by": "import"');
  }
}

/** The fields of the record a find-or-create lookup makes, checked against its object's definitions. */
function compileCreate(
  path: string,
  lookup: LookupSpec,
  related: RelatedDefinitions,
  columns: ColumnIndex,
  problems: MappingProblems,
): CompiledField[] | undefined {
  const definitions = related[lookup.object];
  if (lookup.create === undefined || definitions === undefined || !CREATABLE.includes(lookup.object)) return undefined;
  const { requiredFields } = OBJECTS[lookup.object as ImportObject];
  const createPath = `${path}.lookup.create`;
  for (const key of requiredFields) {
    if (lookup.create[key] === undefined) {
      problems.add('mapping_required', `${createPath}.${key}`, `${key} is required for every ${lookup.object} the lookup creates: map it, e.g. "${key}": "<CSV column>"`);
    }
  }
  return compileFields(lookup.create, createPath, requiredFields, definitions, columns, problems);
}

/** `accounts` / `Account` → `account`, so that the definitions' wording does not matter. */
function canonicalObjectType(objectType: string): string {
  const lower = objectType.trim().toLowerCase();
  return lower.endsWith('s') && Object.hasOwn(ID_PREFIXES, lower.slice(0, -1)) ? lower.slice(0, -1) : lower;
}

/** A Lightfield ID: the type's prefix, then letters, digits, `_` or `-`. */
export function looksLikeId(text: string, prefix: string | undefined): boolean {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return false;
  return prefix === undefined || text.startsWith(prefix);
}

export function describeId(objectType: string, prefix: string | undefined): string {
  const example = prefix === undefined ? 'an ID' : `an ID like ${prefix}…`;
  const hint = Object.hasOwn(LOOKUP_BY, objectType) ? `; to find ${objectType}s by name, email or source ID, add "lookup"` : '';
  return `a Lightfield ${objectType} ID (${example})${hint}`;
}

function suggestRelationships(key: string, definitions: Definitions): string {
  if (Object.hasOwn(definitions.fieldDefinitions, key)) return `: ${key} is a field, map it under "fields"`;
  const writable: Array<[string, RelationshipDefinition]> = Object.entries(definitions.relationshipDefinitions).filter(
    ([, definition]) => definition.readOnly !== true,
  );
  const byLabel = new Map(writable.map(([relationshipKey, definition]) => [definition.label, relationshipKey]));
  const matches = closestMatches(key, [...writable.map(([relationshipKey]) => relationshipKey), ...byLabel.keys()]);
  const suggested = [...new Set(matches.map((match) => byLabel.get(match) ?? match))];
  const hint = suggested.length > 0 ? `. Did you mean ${suggested.map((entry) => `"${entry}"`).join(' or ')}?` : '.';
  return `${hint} Defined relationships: ${describeKeys(writable)}`;
}
