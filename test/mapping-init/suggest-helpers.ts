/** Runs the pure `mapping init` suggestion on small tables against the test definitions; every suggestion must compile. */
import { compileMapping, type FieldSpec, type RelationshipSpec } from '../../src/mapping/index.js';
import { suggestMapping, type MappingSuggestion } from '../../src/mapping-init/index.js';
import { opportunityDefinitions } from '../helpers/definitions.js';

/** Columns every table gets unless it names its own: a name, a stage and a company, so that only the column under test varies. */
export const BASE: Record<string, string[]> = {
  'Deal Name': ['Initech renewal', 'Hooli pilot', 'Acme expansion'],
  Stage: ['Proposal', 'Closed Won', 'Prospecting'],
  Company: ['Initech', 'Hooli', 'Acme Solar'],
};

/**
 * The suggestion for a table given column by column (cells top to bottom; shorter columns are
 * padded with empty cells). Throws when the suggested mapping does not compile: the one promise
 * `mapping init` makes whatever the input.
 */
export function suggest(columns: Record<string, string[]>, options: { delimiter?: string; base?: boolean } = {}): MappingSuggestion {
  const table = options.base === false ? columns : { ...BASE, ...columns };
  const header = Object.keys(table);
  const height = Math.max(0, ...Object.values(table).map((cells) => cells.length));
  const rows = Array.from({ length: height }, (_, row) => header.map((column) => table[column]?.[row] ?? ''));
  const definitions = opportunityDefinitions();
  const suggestion = suggestMapping({ header, rows, definitions, namespace: 'test', delimiter: options.delimiter ?? ',' });
  compileMapping(suggestion.mapping, definitions, header, { mapping: 'suggested.json', csv: 'table.csv' });
  return suggestion;
}

/** The mapping path that reads `column` (`fields.amount`, `relationships.$owner`), or undefined. */
export function targetOf(suggestion: MappingSuggestion, column: string): string | undefined {
  const { fields, relationships = {} } = suggestion.mapping;
  const reads = (spec: string | FieldSpec | RelationshipSpec): boolean => (typeof spec === 'string' ? spec : spec.column) === column;
  const field = Object.entries(fields).find(([, spec]) => reads(spec));
  if (field !== undefined) return `fields.${field[0]}`;
  const relationship = Object.entries(relationships).find(([, spec]) => reads(spec));
  return relationship === undefined ? undefined : `relationships.${relationship[0]}`;
}

/** The field's spec as an object (a bare column name becomes `{ column }`). */
export function fieldSpec(suggestion: MappingSuggestion, key: string): FieldSpec | undefined {
  const spec = suggestion.mapping.fields[key];
  return typeof spec === 'string' ? { column: spec } : spec;
}
