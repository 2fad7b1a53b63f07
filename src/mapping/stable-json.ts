/** JSON with object keys sorted at every level, so that equal values always give equal text (and hashes). */
import { createHash } from 'node:crypto';

export function stableStringify(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'null';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  // No prototype, so that a `__proto__` key stays an ordinary key.
  const sorted = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(value).sort()) {
    const entry = (value as Record<string, unknown>)[key];
    // JSON drops undefined properties; drop them here too so that `{a: undefined}` equals `{}`.
    if (entry !== undefined) sorted[key] = sortKeys(entry);
  }
  return sorted;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
