/** Checks and precomputes one relationship of the mapping (see compile.ts). */
import type { Definitions, RelationshipDefinition } from '../lightfield/types.js';
import type { MappingProblems } from './compile-problems.js';
import { checkSource, type ColumnIndex } from './compile-columns.js';
import { closestMatches, describeKeys } from './suggest.js';
import type { CompiledRelationship, LookupSpec, RelationshipSpec } from './types.js';

/** Relationships every opportunity needs. */
export const REQUIRED_RELATIONSHIPS: readonly string[] = ['$account'];

/** ID prefixes of the object types the API documents; a cell without the prefix is likely a name that needs `lookup`. */
const ID_PREFIXES: Record<string, string> = { account: 'acc_', member: 'mem_', contact: 'con_', opportunity: 'opp_' };

/** Which `by` each lookup object supports. */
const LOOKUP_BY: Record<LookupSpec['object'], ReadonlyArray<LookupSpec['by']>> = {
  account: ['$name', '$website'],
  member: ['$email'],
};

export function compileRelationship(
  key: string,
  spec: RelationshipSpec,
  definitions: Definitions,
  columns: ColumnIndex,
  problems: MappingProblems,
): CompiledRelationship | undefined {
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
  const idPrefix = lookup === undefined ? ID_PREFIXES[objectType] : undefined;

  const constants = spec.value === undefined ? [] : typeof spec.value === 'string' ? [spec.value] : spec.value;
  if (single && constants.length > 1) {
    problems.add('mapping_invalid', `${path}.value`, `${key} links one ${objectType}, not ${constants.length}`);
  }
  if (lookup !== undefined && constants.length > 1) {
    problems.add('mapping_invalid', `${path}.value`, 'a lookup finds one record: give one text to look up');
  }
  for (const [option, texts] of [['value', constants], ['default', spec.default === undefined ? [] : [spec.default]]] as const) {
    for (const text of texts) {
      if (idPrefix !== undefined && !looksLikeId(text, idPrefix)) {
        problems.add('mapping_invalid', `${path}.${option}`, `"${text}" is not ${describeId(objectType, idPrefix)}`);
      }
    }
  }
  if (source === undefined || problems.size > before) return undefined;

  const common = {
    key,
    objectType,
    required: REQUIRED_RELATIONSHIPS.includes(key),
    fallback: spec.default === undefined ? undefined : [spec.default],
    split: lookup === undefined ? spec.split : undefined,
    single,
    lookup,
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
  if (spec.split !== undefined) {
    problems.add('mapping_invalid', `${path}.split`, 'a lookup finds one record per cell; "split" only works with cells of IDs');
  }
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
  const hint = objectType === 'account' || objectType === 'member' ? `; to find ${objectType}s by name or email, add "lookup"` : '';
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
