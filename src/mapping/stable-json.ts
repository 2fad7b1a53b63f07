/** JSON with object keys sorted at every level, so that equal values always give equal text (and hashes). */
import * as crypto from 'node:crypto';
import { createHash } from 'node:crypto';

export function stableStringify(value: unknown): string {
  return write(value) ?? 'null';
}

/**
 * Gives exactly the text of `JSON.stringify(sortedCopy)`: leaves go through `JSON.stringify` itself
 * (escaping, `NaN` → null), undefined (and functions) are left out of objects and become null in
 * arrays, holes become null. A row's payload text is written by `mapRow` as it maps (same text,
 * checked by the mapping property tests); this is the reference, used off the per-row path.
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
  let first = true;
  for (const key of sortedKeys(value)) {
    const entry = write((value as Record<string, unknown>)[key]);
    if (entry === undefined) continue;
    text += `${first ? '' : ','}${JSON.stringify(key)}:${entry}`;
    first = false;
  }
  return `${text}}`;
}

/**
 * The keys in the order of an object built by inserting them sorted: sorted, except that
 * integer-like keys ("0", "12") come first in numeric order, as in every object's key order.
 */
function sortedKeys(value: object): string[] {
  const ordered = Object.create(null) as Record<string, true>;
  for (const key of Object.keys(value).sort()) ordered[key] = true;
  return Object.keys(ordered);
}

export function sha256Hex(text: string): string {
  return sha256(text, 'hex');
}

/**
 * sha256 of the UTF-8 text. `crypto.hash` (Node ≥ 20.12) does it in one call, twice as fast as a
 * Hash object for the short texts hashed for every row; older Node 20 releases take the long way.
 */
export function sha256(text: string, encoding: 'hex' | 'base64url'): string {
  return oneShotHash === undefined ? createHash('sha256').update(text, 'utf8').digest(encoding) : oneShotHash('sha256', text, encoding);
}

const oneShotHash = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex' | 'base64url') => string }).hash;
