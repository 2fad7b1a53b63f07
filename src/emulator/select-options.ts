/** Matching select values (option ID or label) to option IDs, shared by writes and list filters. */
import type { FieldDefinition, SelectOption } from '../lightfield/types.js';

interface OptionIndex {
  ids: Set<string>;
  byLabel: Map<string, SelectOption[]>;
}

// Definitions are immutable once served, so the index is built once per definition object.
const indexes = new WeakMap<FieldDefinition, OptionIndex>();

/** Labels match case-insensitively with whitespace collapsed, as the API does for stage labels. */
export function normalizeLabel(label: string): string {
  return label.trim().replace(/\s+/g, ' ').toLowerCase();
}

function indexOf(definition: FieldDefinition): OptionIndex {
  let index = indexes.get(definition);
  if (!index) {
    index = { ids: new Set(), byLabel: new Map() };
    for (const option of definition.typeConfiguration.options ?? []) {
      index.ids.add(option.id);
      const key = normalizeLabel(option.label);
      index.byLabel.set(key, [...(index.byLabel.get(key) ?? []), option]);
    }
    indexes.set(definition, index);
  }
  return index;
}

/** The options a value names: one for an ID or a unique label, several for an ambiguous label, none if unknown. */
export function matchOptions(definition: FieldDefinition, value: string): SelectOption[] {
  const index = indexOf(definition);
  if (index.ids.has(value)) {
    return (definition.typeConfiguration.options ?? []).filter((option) => option.id === value);
  }
  return index.byLabel.get(normalizeLabel(value)) ?? [];
}

export function optionLabel(definition: FieldDefinition, id: string): string | undefined {
  return definition.typeConfiguration.options?.find((option) => option.id === id)?.label;
}
