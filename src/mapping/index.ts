/** The mapping stage: load a mapping file, check it against definitions and the CSV header, map rows, derive keys. */
export { loadMapping, parseMapping } from './load.js';
export { compileMapping, DEFAULT_NAMESPACE, DEFAULT_TIMEZONE, type MappingSources } from './compile.js';
export { mapRow, identityOf } from './map-row.js';
export { canonicalPayload, changedKeys, idempotencyKey, payloadHash, stableStringify, type RowPayload } from './identity.js';
export { DEFAULT_FALSE_VALUES, DEFAULT_TRUE_VALUES, fieldConverter, type FieldConverter, type FieldReading } from './convert.js';
export { normalizeLabel } from './suggest.js';
export type {
  CellConverter,
  CompiledField,
  CompiledMapping,
  CompiledRelationship,
  Conversion,
  FieldSpec,
  LookupSpec,
  MappedRow,
  MappingFile,
  RangeSpec,
  RelationshipInput,
  RelationshipSpec,
  RowNote,
} from './types.js';
