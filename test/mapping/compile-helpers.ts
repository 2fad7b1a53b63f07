/** Compiles small mappings against the test definitions, for the mapping tests. */
import { ImportError } from '../../src/errors.js';
import { compileMapping, mapRow } from '../../src/mapping/index.js';
import type { CompiledMapping, FieldSpec, MappedRow, MappingFile, RelationshipSpec } from '../../src/mapping/index.js';
import { opportunityDefinitions } from '../helpers/definitions.js';

export const FILES = { mapping: 'mapping.json', csv: 'deals.csv' };

/** The columns of the sample CSV most tests read. */
export const HEADER = ['Record ID', 'Deal Name', 'Deal Stage', 'Company ID', 'Amount', 'Close Date', 'Tags', 'Owner Email', 'Value'];

/** A mapping with the required keys, plus whatever a test adds. */
export function baseMapping(extra: Partial<MappingFile> & { addFields?: Record<string, string | FieldSpec>; addRelationships?: Record<string, string | RelationshipSpec> } = {}): MappingFile {
  const { addFields, addRelationships, ...rest } = extra;
  return {
    object: 'opportunity',
    fields: { $name: 'Deal Name', $stage: 'Deal Stage', ...addFields },
    relationships: { $account: 'Company ID', ...addRelationships },
    ...rest,
  };
}

export function compile(mapping: MappingFile, header: readonly string[] = HEADER): CompiledMapping {
  return compileMapping(mapping, opportunityDefinitions(), header, FILES);
}

/** The error compiling `mapping` throws; fails the test when it compiles. */
export function compileError(mapping: MappingFile, header: readonly string[] = HEADER): ImportError {
  try {
    compile(mapping, header);
  } catch (error) {
    if (error instanceof ImportError) return error;
    throw error;
  }
  throw new Error('expected compileMapping to throw');
}

/** Cells of one row by column name; the others are valid defaults. */
export function row(cells: Record<string, string>, header: readonly string[] = HEADER): string[] {
  const defaults: Record<string, string> = { 'Record ID': 'r1', 'Deal Name': 'Acme Renewal', 'Deal Stage': 'Proposal', 'Company ID': 'acc_1' };
  return header.map((column) => cells[column] ?? defaults[column] ?? '');
}

/** Maps `cell` through one extra field read from the "Value" column. */
export function mapValue(key: string, spec: Omit<FieldSpec, 'column'>, cell: string): MappedRow {
  const compiled = compile(baseMapping({ addFields: { [key]: { column: 'Value', ...spec } } }));
  return mapRow(compiled, row({ Value: cell }));
}
