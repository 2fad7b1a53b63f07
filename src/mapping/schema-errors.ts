/**
 * Turns ajv's errors into the few sentences a person needs. A value that may be a string or an
 * object (`"$name": "Deal Name"` or `{ "column": … }`) makes ajv report every branch it tried;
 * only the deepest errors say what is really wrong, so shallower ones are dropped.
 */
import type { ErrorObject } from 'ajv';
import { closestMatches, quotedList } from './suggest.js';

export interface SchemaProblem {
  /** JSON pointer of the offending value (for an unknown or missing property: of that property). */
  pointer: string;
  /** Dotted path for people: `fields.amount.decimal`, `identity[0]`. */
  path: string;
  message: string;
}

/** At most this many problems are reported at once. */
const MAX_PROBLEMS = 5;

export function describeSchemaErrors(errors: readonly ErrorObject[], document: unknown): SchemaProblem[] {
  const located = errors
    .filter((error) => error.keyword !== 'anyOf' && error.keyword !== 'oneOf')
    .map((error) => ({ error, pointer: pointerOf(error) }));
  const deepest = located.filter(
    ({ pointer }) => !located.some((other) => other.pointer !== pointer && other.pointer.startsWith(`${pointer}/`)),
  );
  const byPointer = new Map<string, ErrorObject[]>();
  for (const { error, pointer } of deepest) {
    const list = byPointer.get(pointer) ?? [];
    list.push(error);
    byPointer.set(pointer, list);
  }
  const problems: SchemaProblem[] = [];
  for (const [pointer, pointerErrors] of byPointer) {
    problems.push({ pointer, path: dottedPath(pointer), message: describeAt(pointerErrors, valueAt(document, pointer)) });
    if (problems.length >= MAX_PROBLEMS) break;
  }
  return problems;
}

function pointerOf(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties' && typeof params['additionalProperty'] === 'string') {
    return `${error.instancePath}/${escapeSegment(params['additionalProperty'])}`;
  }
  if (error.keyword === 'required' && typeof params['missingProperty'] === 'string') {
    return `${error.instancePath}/${escapeSegment(params['missingProperty'])}`;
  }
  return error.instancePath;
}

function describeAt(errors: readonly ErrorObject[], value: unknown): string {
  const typeErrors = errors.filter((error) => error.keyword === 'type');
  const others = errors.filter((error) => error.keyword !== 'type');
  const first = others[0];
  if (first === undefined) {
    const types = typeErrors.flatMap((error) => String((error.params as Record<string, unknown>)['type']).split(','));
    return `expected ${joinAlternatives([...new Set(types)].map(typeName))}, got ${jsonTypeOf(value)}`;
  }
  const params = first.params as Record<string, unknown>;
  switch (first.keyword) {
    case 'additionalProperties': {
      const property = String(params['additionalProperty']);
      const allowed = Object.keys(propertiesOf(first.parentSchema));
      const suggestions = closestMatches(property, allowed, 1);
      const hint = suggestions.length > 0 ? ` (did you mean ${quotedList(suggestions)}?)` : '';
      return `unknown property "${property}"${hint}; allowed: ${quotedList(allowed)}`;
    }
    case 'required':
      return 'is required but missing';
    case 'enum':
      return `expected one of ${quotedList((params['allowedValues'] as unknown[]).map(String))}, got ${JSON.stringify(value)}`;
    case 'const':
      return `expected ${JSON.stringify(params['allowedValue'])}, got ${JSON.stringify(value)}`;
    case 'minLength':
      return 'must not be empty';
    case 'minItems':
      return `expected at least ${String(params['limit'])} item(s)`;
    case 'maxLength':
      return `must be at most ${String(params['limit'])} characters long`;
    case 'uniqueItems':
      return `must not repeat an item (items ${String(params['j'])} and ${String(params['i'])} are equal)`;
    default:
      return first.message ?? `fails the schema rule "${first.keyword}"`;
  }
}

function propertiesOf(schema: unknown): Record<string, unknown> {
  if (typeof schema !== 'object' || schema === null) return {};
  const properties = (schema as Record<string, unknown>)['properties'];
  return typeof properties === 'object' && properties !== null ? (properties as Record<string, unknown>) : {};
}

function typeName(type: string): string {
  const names: Record<string, string> = {
    string: 'a string',
    object: 'an object',
    array: 'a list',
    number: 'a number',
    integer: 'an integer',
    boolean: 'true or false',
    null: 'null',
  };
  return names[type] ?? type;
}

function joinAlternatives(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1] ?? ''}`;
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** Escapes one key as a JSON pointer segment (RFC 6901). */
export function escapeSegment(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function unescapeSegment(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** `/fields/amount/decimal` → `fields.amount.decimal`; `/identity/0` → `identity[0]`. */
export function dottedPath(pointer: string): string {
  if (pointer === '') return '(top level)';
  let path = '';
  for (const raw of pointer.split('/').slice(1)) {
    const segment = unescapeSegment(raw);
    path += /^\d+$/.test(segment) ? `[${segment}]` : path === '' ? segment : `.${segment}`;
  }
  return path;
}

function valueAt(document: unknown, pointer: string): unknown {
  let current = document;
  for (const raw of pointer.split('/').slice(1)) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[unescapeSegment(raw)];
  }
  return current;
}
