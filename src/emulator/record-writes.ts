/**
 * Turning create and update bodies into a record's fields and relationships, with the API's refusals:
 * unknown keys, read-only keys, value shapes, required keys, relationship targets and the 25-ID write limit.
 * What differs per object type (required keys, update operations, derived fields) comes from its {@link ObjectKind}.
 */
import type { Definitions, FieldReadValue, RelationshipDefinition, RelationshipReadValue } from '../lightfield/types.js';
import { ApiError, badRequest, invalidType } from './api-error.js';
import type { ObjectKind, RelationshipOperationKind } from './objects.js';
import { validateFieldValue } from './validate.js';

/** Whether an ID of an object type exists and is active; used to check relationship values. */
export type TargetLookup = (objectType: string, id: string) => 'active' | 'inactive' | 'missing';

export interface RecordContent {
  fields: Record<string, FieldReadValue>;
  relationships: Record<string, RelationshipReadValue>;
}

/** An object kind with the definitions its writes are checked against. */
export interface WriteRules {
  kind: ObjectKind;
  definitions: Definitions;
  lookup: TargetLookup;
}

const RELATIONSHIP_WRITE_LIMIT = 25;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type BodyPart = 'fields' | 'relationships';

function checkTopLevel(body: unknown, required: readonly BodyPart[]): Record<BodyPart, Record<string, unknown>> {
  if (!isPlainObject(body)) throw invalidType('body', 'The request body must be a JSON object.');
  for (const key of Object.keys(body)) {
    if (key !== 'fields' && key !== 'relationships') {
      throw badRequest('unknown_parameter', key, `Unrecognized parameter '${key}'; the body takes only 'fields' and 'relationships'.`);
    }
  }
  const parts: Record<string, Record<string, unknown>> = {};
  for (const part of ['fields', 'relationships'] as const) {
    const value = body[part];
    if (value === undefined) {
      if (required.includes(part)) throw badRequest('parameter_missing', part, `Missing required parameter '${part}'.`);
      parts[part] = {};
    } else if (!isPlainObject(value)) {
      throw invalidType(part, `'${part}' must be an object.`);
    } else {
      parts[part] = value;
    }
  }
  return { fields: parts['fields'] ?? {}, relationships: parts['relationships'] ?? {} };
}

/** Every defined field and relationship, unset: reads show all keys, with `null` values and empty ID lists. */
export function emptyContent(definitions: Definitions): RecordContent {
  const fields: Record<string, FieldReadValue> = {};
  for (const [key, definition] of Object.entries(definitions.fieldDefinitions)) {
    fields[key] = { valueType: definition.valueType, value: null };
  }
  const relationships: Record<string, RelationshipReadValue> = {};
  for (const [key, definition] of Object.entries(definitions.relationshipDefinitions)) {
    relationships[key] = { cardinality: definition.cardinality, objectType: definition.objectType, values: [] };
  }
  return { fields, relationships };
}

function applyFields(input: Record<string, unknown>, rules: WriteRules, fields: Record<string, FieldReadValue>): void {
  for (const [key, value] of Object.entries(input)) {
    const definition = rules.definitions.fieldDefinitions[key];
    if (!definition) throw badRequest('unknown_field', `fields.${key}`, `Unrecognized field '${key}' for '${rules.kind.collection}'.`);
    if (definition.readOnly) throw badRequest('read_only_field', `fields.${key}`, `The field '${key}' is read-only.`);
    fields[key] = { valueType: definition.valueType, value: validateFieldValue(key, definition, value) };
  }
}

function relationshipDefinition(rules: WriteRules, key: string): RelationshipDefinition {
  const definition = rules.definitions.relationshipDefinitions[key];
  if (!definition) {
    throw badRequest('unknown_relationship', `relationships.${key}`, `Unrecognized relationship '${key}' for '${rules.kind.collection}'.`);
  }
  if (definition.readOnly) {
    throw badRequest('read_only_relationship', `relationships.${key}`, `The relationship '${key}' is read-only; set it from the other side.`);
  }
  return definition;
}

function idList(param: string, value: unknown, allowNull: boolean): string[] {
  if (value === null && allowNull) return [];
  const ids = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string' && id.length > 0)) {
    throw invalidType(param, `Expected an ID or an array of IDs for '${param}'.`);
  }
  return ids as string[];
}

function checkWriteLimit(referencedIds: Set<string>, linkChanges: number): void {
  if (referencedIds.size > RELATIONSHIP_WRITE_LIMIT || linkChanges > RELATIONSHIP_WRITE_LIMIT) {
    throw new ApiError(
      422,
      `A request may reference at most ${RELATIONSHIP_WRITE_LIMIT} entities and change at most ${RELATIONSHIP_WRITE_LIMIT} links; split the change.`,
      { code: 'relationship_write_limit_exceeded' },
    );
  }
}

function checkTargets(key: string, definition: RelationshipDefinition, ids: string[], lookup: TargetLookup): void {
  const param = `relationships.${key}`;
  for (const id of ids) {
    const state = lookup(definition.objectType, id);
    if (state === 'missing') {
      throw badRequest('relationship_entity_missing', param, `No ${definition.objectType} found with ID '${id}' for '${key}'.`);
    }
    if (state === 'inactive') {
      throw badRequest('relationship_entity_inactive', param, `The ${definition.objectType} '${id}' for '${key}' is inactive or deleted.`);
    }
  }
}

function setRelationship(key: string, definition: RelationshipDefinition, ids: string[], into: Record<string, RelationshipReadValue>): void {
  const values = [...new Set(ids)];
  if (definition.cardinality === 'HAS_ONE' && values.length > 1) {
    throw invalidType(`relationships.${key}`, `'${key}' holds one ${definition.objectType}, got ${values.length} IDs.`);
  }
  into[key] = { cardinality: definition.cardinality, objectType: definition.objectType, values };
}

function checkRequiredFields(kind: ObjectKind, fields: Record<string, FieldReadValue>, verb: 'create' | 'update'): void {
  for (const key of kind.requiredFields) {
    const value = fields[key]?.value;
    if (value === null || value === undefined || value === '') {
      const message = verb === 'create' ? `Missing required field '${key}'.` : `The required field '${key}' cannot be cleared.`;
      throw badRequest('parameter_missing', `fields.${key}`, message);
    }
  }
}

function checkRequiredRelationships(kind: ObjectKind, idsByKey: Map<string, string[]>, verb: 'create' | 'update'): void {
  for (const key of kind.requiredRelationships) {
    if ((idsByKey.get(key)?.length ?? 0) === 0) {
      const message = verb === 'create' ? `Missing required relationship '${key}'.` : `The required relationship '${key}' cannot be removed.`;
      throw badRequest('parameter_missing', `relationships.${key}`, message);
    }
  }
}

/** The content of a new record from a `POST /v1/<collection>` body. */
export function contentFromCreate(body: unknown, rules: WriteRules): RecordContent {
  const input = checkTopLevel(body, rules.kind.createRequires);
  const content = emptyContent(rules.definitions);
  applyFields(input.fields, rules, content.fields);

  const planned: Array<{ key: string; definition: RelationshipDefinition; ids: string[] }> = [];
  const referenced = new Set<string>();
  let linkChanges = 0;
  for (const [key, value] of Object.entries(input.relationships)) {
    const definition = relationshipDefinition(rules, key);
    const ids = idList(`relationships.${key}`, value, true);
    planned.push({ key, definition, ids });
    ids.forEach((id) => referenced.add(id));
    linkChanges += ids.length;
  }
  checkWriteLimit(referenced, linkChanges);
  // Shapes before targets, so that two IDs for a HAS_ONE are reported as such whatever the IDs are.
  for (const { key, definition, ids } of planned) {
    if (definition.cardinality === 'HAS_ONE' && new Set(ids).size > 1) {
      throw invalidType(`relationships.${key}`, `'${key}' holds one ${definition.objectType}, got ${new Set(ids).size} IDs.`);
    }
  }
  checkRequiredFields(rules.kind, content.fields, 'create');
  checkRequiredRelationships(rules.kind, new Map(planned.map(({ key, ids }) => [key, ids])), 'create');
  for (const { key, definition, ids } of planned) {
    checkTargets(key, definition, ids, rules.lookup);
    setRelationship(key, definition, ids, content.relationships);
  }
  rules.kind.derive?.(rules.definitions, content.fields);
  return content;
}

type Operation = { kind: RelationshipOperationKind; ids: string[] };

function describeOperations(allowed: readonly RelationshipOperationKind[]): string {
  const named = allowed.map((operation) => `{ ${operation} }`);
  return named.length > 1 ? `${named.slice(0, -1).join(', ')} or ${named[named.length - 1] ?? ''}` : (named[0] ?? '');
}

function parseOperation(key: string, value: unknown, allowed: readonly RelationshipOperationKind[]): Operation {
  const param = `relationships.${key}`;
  const keys = isPlainObject(value) ? Object.keys(value) : [];
  const kind = allowed.find((operation) => operation === keys[0]);
  if (!isPlainObject(value) || keys.length !== 1 || kind === undefined) {
    throw invalidType(param, `Expected exactly one of ${describeOperations(allowed)} for '${param}'.`);
  }
  return { kind, ids: idList(param, value[kind], kind === 'replace') };
}

/** The content after a `POST /v1/<collection>/{id}` body: a partial merge where `null` clears. */
export function contentFromUpdate(body: unknown, current: RecordContent, rules: WriteRules): RecordContent {
  const input = checkTopLevel(body, []);
  const content: RecordContent = { fields: { ...current.fields }, relationships: { ...current.relationships } };
  applyFields(input.fields, rules, content.fields);

  const planned: Array<{ key: string; definition: RelationshipDefinition; operation: Operation }> = [];
  const referenced = new Set<string>();
  let linkChanges = 0;
  for (const [key, value] of Object.entries(input.relationships)) {
    const definition = relationshipDefinition(rules, key);
    const operation = parseOperation(key, value, rules.kind.updateOperations);
    planned.push({ key, definition, operation });
    operation.ids.forEach((id) => referenced.add(id));
    linkChanges += operation.ids.length;
  }
  checkWriteLimit(referenced, linkChanges);
  for (const { key, definition, operation } of planned) {
    const existing = content.relationships[key]?.values ?? [];
    if (operation.kind !== 'remove') checkTargets(key, definition, operation.ids, rules.lookup);
    const next =
      operation.kind === 'add'
        ? [...existing, ...operation.ids]
        : operation.kind === 'remove'
          ? existing.filter((id) => !operation.ids.includes(id))
          : operation.ids;
    setRelationship(key, definition, next, content.relationships);
  }
  checkRequiredFields(rules.kind, content.fields, 'update');
  const idsByKey = new Map(Object.entries(content.relationships).map(([key, value]) => [key, value.values]));
  checkRequiredRelationships(rules.kind, idsByKey, 'update');
  rules.kind.derive?.(rules.definitions, content.fields);
  return content;
}
