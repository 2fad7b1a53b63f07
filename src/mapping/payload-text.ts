/**
 * The canonical payload text of a mapped row, written as the row is mapped: the same text as
 * `stableStringify` (keys sorted at every level), without walking the objects again. It runs for
 * every row, and `JSON.stringify` of the row's objects cost more than reading its cells.
 */
import type { FieldWriteValue } from '../lightfield/types.js';
import { numberText } from '../number-text.js';
import { stableStringify } from './stable-json.js';
import type { RelationshipInput } from './types.js';

/** Characters `JSON.stringify` escapes in a string (and surrogates, which it may): their texts take the long way. */
const NEEDS_ESCAPING = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A string as JSON text, exactly as `JSON.stringify` writes it. */
export function jsonString(text: string): string {
  return NEEDS_ESCAPING.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/** A field's value as canonical JSON text. */
export function valueText(value: FieldWriteValue): string {
  switch (typeof value) {
    case 'string':
      return jsonString(value);
    case 'number':
      return Number.isFinite(value) ? numberText(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      if (value === null) return 'null';
      if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return `[${value.map(jsonString).join(',')}]`;
      return stableStringify(value);
  }
}

/** A relationship input as canonical JSON text. */
export function relationshipText(input: RelationshipInput): string {
  if (input.kind === 'ids') return `{"ids":[${input.ids.map(jsonString).join(',')}],"kind":"ids"}`;
  return `{"by":${jsonString(input.by)},"column":${jsonString(input.column)},"kind":"lookup","object":${jsonString(input.object)},"value":${jsonString(input.value)}}`;
}
