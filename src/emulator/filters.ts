/**
 * List filters `key[operator]=value` (API doc §2.5): the operator matrix per valueType, `-operator` negation,
 * the default operator, and relationship filters by relationship key.
 *
 * Choices where the docs are silent: text comparisons (`equal`, `startsWith`, `contains`) ignore case;
 * a filter on an unset field never matches (so its negation does); an unknown key is 400 `unknown_field`,
 * and an operator the type does not support, or a value that cannot be read for the type, is 400 `invalid_filter`,
 * both with the query parameter as `param`.
 */
import type { Definitions, Entity, FieldDefinition, ValueType } from '../lightfield/types.js';
import { badRequest } from './api-error.js';
import { matchOptions } from './select-options.js';

export type Operator = 'equal' | 'greaterThan' | 'greaterThanOrEqual' | 'lessThan' | 'lessThanOrEqual' | 'startsWith' | 'contains';
export type Predicate = (entity: Entity) => boolean;

const ORDERED: Operator[] = ['equal', 'greaterThan', 'greaterThanOrEqual', 'lessThan', 'lessThanOrEqual'];
const TEXTUAL: Operator[] = ['equal', 'startsWith'];
const SET_ONLY: Operator[] = ['equal'];
const CONTAINS_ONLY: Operator[] = ['contains'];

const OPERATORS_BY_TYPE: Partial<Record<ValueType, Operator[]>> = {
  NUMBER: ORDERED,
  CURRENCY: ORDERED,
  DATETIME: ORDERED,
  TEXT: TEXTUAL,
  FULL_NAME: TEXTUAL,
  SOCIAL_HANDLE: TEXTUAL,
  ADDRESS: TEXTUAL,
  CHECKBOX: SET_ONLY,
  SINGLE_SELECT: SET_ONLY,
  EMAIL: CONTAINS_ONLY,
  TELEPHONE: CONTAINS_ONLY,
  URL: CONTAINS_ONLY,
};

const FILTER_KEY = /^(.+)\[(-?)([A-Za-z]+)\]$/;
/** Query parameters that page rather than filter. */
export const PAGING_PARAMETERS = new Set(['limit', 'offset']);

/** The texts a stored value can be compared as: one per list item, name part or address part. */
function texts(valueType: ValueType, value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  if (typeof value === 'string') return [value];
  if (typeof value === 'object') {
    const parts = Object.values(value as Record<string, unknown>).filter((part): part is string => typeof part === 'string');
    if (valueType === 'FULL_NAME') {
      const name = value as { firstName?: string; lastName?: string };
      return [[name.firstName, name.lastName].filter(Boolean).join(' '), ...parts];
    }
    return parts;
  }
  return [String(value)];
}

function compareOrdered(operator: Operator, stored: number, wanted: number): boolean {
  switch (operator) {
    case 'equal':
      return stored === wanted;
    case 'greaterThan':
      return stored > wanted;
    case 'greaterThanOrEqual':
      return stored >= wanted;
    case 'lessThan':
      return stored < wanted;
    case 'lessThanOrEqual':
      return stored <= wanted;
    default:
      return false;
  }
}

function fieldPredicate(parameter: string, key: string, definition: FieldDefinition, operator: Operator, raw: string): Predicate {
  const valueType = definition.valueType;
  const valueOf = (entity: Entity): unknown => entity.fields[key]?.value;
  const invalid = (what: string) => badRequest('invalid_filter', parameter, `'${raw}' is not ${what} for filter '${parameter}'.`);

  if (valueType === 'NUMBER' || valueType === 'CURRENCY' || valueType === 'DATETIME') {
    const wanted = valueType === 'DATETIME' ? Date.parse(raw) : raw.trim() === '' ? Number.NaN : Number(raw);
    if (Number.isNaN(wanted)) throw invalid(valueType === 'DATETIME' ? 'a date-time' : 'a number');
    return (entity) => {
      const stored = valueOf(entity);
      const number = typeof stored === 'string' ? Date.parse(stored) : stored;
      return typeof number === 'number' && !Number.isNaN(number) && compareOrdered(operator, number, wanted);
    };
  }
  if (valueType === 'CHECKBOX') {
    const lowered = raw.trim().toLowerCase();
    if (lowered !== 'true' && lowered !== 'false') throw invalid('true or false');
    const wanted = lowered === 'true';
    return (entity) => valueOf(entity) === wanted;
  }
  if (valueType === 'SINGLE_SELECT') {
    const ids = new Set(matchOptions(definition, raw).map((option) => option.id));
    return (entity) => ids.has(valueOf(entity) as string);
  }
  const wanted = raw.toLowerCase();
  if (operator === 'startsWith') {
    // An empty startsWith means "set and not empty".
    return (entity) => texts(valueType, valueOf(entity)).some((text) => text !== '' && text.toLowerCase().startsWith(wanted));
  }
  if (operator === 'contains') {
    return (entity) => texts(valueType, valueOf(entity)).some((text) => text.toLowerCase().includes(wanted));
  }
  return (entity) => texts(valueType, valueOf(entity)).some((text) => text.toLowerCase() === wanted);
}

function relationshipPredicate(key: string, operator: Operator, parameter: string, raw: string): Predicate {
  if (operator !== 'equal' && operator !== 'contains') {
    throw badRequest('invalid_filter', parameter, `Relationship filter '${parameter}' supports only equal and contains.`);
  }
  return (entity) => entity.relationships[key]?.values.includes(raw) ?? false;
}

function predicateFor(parameter: string, raw: string, definitions: Definitions): Predicate {
  const match = FILTER_KEY.exec(parameter);
  const key = match?.[1] ?? parameter;
  const negated = match?.[2] === '-';
  const requested = match?.[3];

  const field = definitions.fieldDefinitions[key];
  const relationship = definitions.relationshipDefinitions[key];
  if (!field && !relationship) {
    throw badRequest('unknown_field', parameter, `Unrecognized filter key '${key}' for '${definitions.objectType}'.`);
  }
  const supported: Operator[] = field ? (OPERATORS_BY_TYPE[field.valueType] ?? []) : ['equal', 'contains'];
  if (supported.length === 0) {
    throw badRequest('invalid_filter', parameter, `Fields of type ${field?.valueType ?? ''} cannot be filtered.`);
  }
  const operator = (requested ?? (supported.includes('equal') ? 'equal' : 'contains')) as Operator;
  if (!supported.includes(operator)) {
    throw badRequest(
      'invalid_filter',
      parameter,
      `Operator '${requested ?? ''}' is not supported for '${key}'; use one of: ${supported.join(', ')}.`,
    );
  }
  const positive = field ? fieldPredicate(parameter, key, field, operator, raw) : relationshipPredicate(key, operator, parameter, raw);
  return negated ? (entity) => !positive(entity) : positive;
}

/** The filters of a list query, ANDed; throws a 400 for an unknown key, operator or unreadable value. */
export function compileFilters(query: URLSearchParams, definitions: Definitions): Predicate[] {
  const predicates: Predicate[] = [];
  for (const [parameter, raw] of query) {
    if (PAGING_PARAMETERS.has(parameter)) continue;
    predicates.push(predicateFor(parameter, raw, definitions));
  }
  return predicates;
}
