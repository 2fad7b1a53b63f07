/** JSON with object keys sorted at every level, so that equal values always give equal text (and hashes). */
import { hash } from 'node:crypto';

export function stableStringify(value: unknown): string {
  return JSON.stringify(sortedCopy(value)) ?? 'null';
}

/** A copy with every object's keys inserted in sorted order; JSON.stringify writes them in that order. */
function sortedCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedCopy);
  if (typeof value !== 'object' || value === null) return value;
  const sorted = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(value).sort()) {
    const entry = (value as Record<string, unknown>)[key];
    if (entry !== undefined) sorted[key] = sortedCopy(entry);
  }
  return sorted;
}

export function sha256Hex(text: string): string {
  return sha256(text, 'hex');
}

/** sha256 of the UTF-8 text. `crypto.hash` (Node 20.12) is the one-shot form of createHash, for short inputs. */
export function sha256(text: string, encoding: 'hex' | 'base64url'): string {
  return hash('sha256', text, encoding);
}
