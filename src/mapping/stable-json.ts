/** JSON with object keys sorted at every level, so that equal values always give equal text (and hashes). */
import * as crypto from 'node:crypto';
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
  let first = true;
  for (const key of sortedKeys(value)) {
    const entry = write((value as Record<string, unknown>)[key]);
    if (entry === undefined) continue;
    text += `${first ? '' : ','}${quotedKey(key)}:${entry}`;
    first = false;
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
  if (keys.length === 0 || !/^\d/.test(keys[0]!)) return sortedOnce(keys);
  const ordered = Object.create(null) as Record<string, true>;
  for (const key of keys.sort()) ordered[key] = true;
  return Object.keys(ordered);
}

/**
 * Every row's payload has the same few key lists (the mapping's keys, in the mapping's order), so
 * their sorted order is remembered instead of sorted again. A hit is checked key by key: the
 * joined text alone could be the same for two different lists.
 */
const sortedLists = new Map<string, { keys: string[]; sorted: string[] }>();
const MAX_SORTED_LISTS = 256;

function sortedOnce(keys: string[]): string[] {
  const signature = keys.join('\u0000');
  const known = sortedLists.get(signature);
  if (known !== undefined && sameKeys(known.keys, keys)) return known.sorted;
  const sorted = [...keys].sort();
  if (sortedLists.size >= MAX_SORTED_LISTS) sortedLists.clear();
  sortedLists.set(signature, { keys, sorted });
  return sorted;
}

function sameKeys(left: readonly string[], right: readonly string[]): boolean {
  if (left.length !== right.length) return false;
  for (let index = 0; index < left.length; index += 1) if (left[index] !== right[index]) return false;
  return true;
}

/** Keys as JSON text, remembered for the same reason as their order. */
const quotedKeys = new Map<string, string>();
const MAX_QUOTED_KEYS = 4096;

function quotedKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (quotedKeys.size >= MAX_QUOTED_KEYS) quotedKeys.clear();
    quotedKeys.set(key, quoted);
  }
  return quoted;
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
