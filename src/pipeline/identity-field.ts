/**
 * The Lightfield field that carries a row's identity, when the mapping writes one (e.g.
 * `"legacyId": "Record ID"` with `"identity": ["Record ID"]`). It lets a run check whether a create
 * left in flight more than 24 h ago (its Idempotency-Key forgotten by Lightfield) had landed.
 */
import type { MappingFile } from '../mapping/types.js';
import type { ReadyRow } from './ready-row.js';

export function identityFieldOf(mapping: MappingFile): { key: string; value: (row: ReadyRow) => string | undefined } | undefined {
  const identity = mapping.identity;
  if (!identity || identity.length !== 1) return undefined;
  const column = identity[0];
  for (const [key, spec] of Object.entries(mapping.fields)) {
    const specColumn = typeof spec === 'string' ? spec : spec.column;
    if (specColumn !== column || key.startsWith('$')) continue;
    return {
      key,
      value: (row) => {
        const value = row.fields[key];
        return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
      },
    };
  }
  return undefined;
}
