/** JSON with object keys sorted at every level, so that equal values always give equal text (and hashes). */
import { createHash } from 'node:crypto';

export function stableStringify(value: unknown): string {
  return write(value) ?? 'null';
}

/**
 * Writes the JSON text directly instead of building a sorted copy for `JSON.stringify`: it runs for
 * every row (the payload hash), and the copy cost more than the hash. Gives exactly the text of
 * `JSON.stringify(sortedCopy)`: leaves go through `JSON.stringify` itself (escaping, `NaN` → null),
 * undefined (and functions) are left out of objects and become null in arrays, holes become null.
 */
function write(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) {
    let text = '[';
    for (let index = 0; index < value.length; index += 1) {
      if (index > 0) text += ',';
      text += write(value[index]) ?? 'null';
    }
    return `${text}]`;
  }
  let text = '{';
  for (const key of sortedKeys(value)) {
    const entry = write((value as Record<string, unknown>)[key]);
    if (entry === undefined) continue;
    text += `${text.length > 1 ? ',' : ''}${JSON.stringify(key)}:${entry}`;
  }
  return `${text}}`;
}

/**
 * The keys in the order of an object built by inserting them sorted: sorted, except that
 * integer-like keys ("0", "12") come first in numeric order, as in every object's key order. Such
 * keys, when present, are enumerated first, so one look at the first key tells.
 */
function sortedKeys(value: object): string[] {
  const keys = Object.keys(value);
  if (keys.length === 0 || !/^\d/.test(keys[0]!)) return keys.sort();
  const ordered = Object.create(null) as Record<string, true>;
  for (const key of keys.sort()) ordered[key] = true;
  return Object.keys(ordered);
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
