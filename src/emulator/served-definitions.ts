/**
 * Definitions bodies as `GET /v1/<collection>/definitions` serves them: with the keys the docs' example shows
 * (`slug` and `system` on fields, `readOnly` on relationships), or only what the OpenAPI spec has, so that a
 * client can be tested against both.
 */
import type { Definitions, FieldDefinition, RelationshipDefinition } from '../lightfield/types.js';

interface Bodies {
  withExtras: string;
  specOnly: string;
}

// Definitions never change once seeded, and they are served often: serialize each variant once.
const cache = new WeakMap<Definitions, Bodies>();

function specOnly(definitions: Definitions): Definitions {
  const fieldDefinitions: Record<string, FieldDefinition> = {};
  for (const [key, definition] of Object.entries(definitions.fieldDefinitions)) {
    const { slug: _slug, system: _system, ...rest } = definition;
    fieldDefinitions[key] = rest;
  }
  const relationshipDefinitions: Record<string, RelationshipDefinition> = {};
  for (const [key, definition] of Object.entries(definitions.relationshipDefinitions)) {
    const { readOnly: _readOnly, ...rest } = definition;
    relationshipDefinitions[key] = rest;
  }
  return { objectType: definitions.objectType, fieldDefinitions, relationshipDefinitions };
}

export function definitionsBody(definitions: Definitions, extras: boolean): string {
  let bodies = cache.get(definitions);
  if (!bodies) {
    bodies = { withExtras: JSON.stringify(definitions), specOnly: JSON.stringify(specOnly(definitions)) };
    cache.set(definitions, bodies);
  }
  return extras ? bodies.withExtras : bodies.specOnly;
}
