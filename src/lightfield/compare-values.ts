/**
 * Whether a value the importer sends (a write value) is what Lightfield holds (a read value), compared
 * as Lightfield stores it: numbers as numbers, datetimes as instants, select options by ID,
 * multi-values as sets, emails case-insensitively, phone numbers by their digits. Used to decide what
 * an update of a matched record must send, and by `verify`.
 */
import { stableStringify } from '../mapping/stable-json.js';
import type { FieldDefinition, FieldWriteValue } from './types.js';

export function sameFieldValue(definition: FieldDefinition | undefined, written: FieldWriteValue | undefined, stored: unknown): boolean {
  const valueType = definition?.valueType;
  if (isEmpty(written) || isEmpty(stored)) return isEmpty(written) && isEmpty(stored);
  switch (valueType) {
    case 'NUMBER':
    case 'CURRENCY':
      return Number(written) === Number(stored);
    case 'DATETIME':
      return Date.parse(String(written)) === Date.parse(String(stored));
    case 'EMAIL':
      return sameSet(listOf(written).map((email) => email.trim().toLowerCase()), listOf(stored).map((email) => email.trim().toLowerCase()));
    case 'TELEPHONE':
      return sameSet(listOf(written).map(digitsOf), listOf(stored).map(digitsOf));
    case 'URL':
    case 'MULTI_SELECT':
      return sameSet(listOf(written), listOf(stored));
    case 'SINGLE_SELECT':
      return optionId(definition, String(written)) === optionId(definition, String(stored));
    default:
      return stableStringify(written) === stableStringify(stored);
  }
}

/** Whether the record's relationship holds exactly these IDs. */
export function sameRelationship(ids: readonly string[], stored: readonly string[] | undefined): boolean {
  return sameSet([...ids], [...(stored ?? [])]);
}

/** A value as a person reads it in a `changes` column or `verify.csv`: select options by label. */
export function shownValue(definition: FieldDefinition | undefined, value: unknown): string {
  if (isEmpty(value)) return '(empty)';
  if (definition?.valueType === 'SINGLE_SELECT' || definition?.valueType === 'MULTI_SELECT') {
    return listOf(value)
      .map((option) => definition.typeConfiguration.options?.find((candidate) => candidate.id === option || candidate.label === option)?.label ?? option)
      .join(', ');
  }
  if (Array.isArray(value)) return value.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}

function listOf(value: unknown): string[] {
  const items = Array.isArray(value) ? value : [value];
  return items.filter((item) => item !== null && item !== undefined).map(String);
}

function sameSet(left: string[], right: string[]): boolean {
  const a = [...new Set(left)].sort();
  const b = [...new Set(right)].sort();
  return a.length === b.length && a.every((item, index) => item === b[index]);
}

function digitsOf(phone: string): string {
  return phone.replace(/[^\d]/g, '');
}

function optionId(definition: FieldDefinition | undefined, value: string): string {
  const option = definition?.typeConfiguration.options?.find((candidate) => candidate.id === value || candidate.label.toLowerCase() === value.toLowerCase());
  return option?.id ?? value;
}
