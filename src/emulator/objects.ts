/**
 * The four writable object types and what differs between them: path, ID prefix, required keys,
 * the relationship operations an update takes, whether lists filter and definitions are served,
 * and the read-only values the server derives.
 */
import type { Definitions, FieldReadValue } from '../lightfield/types.js';
import { ApiError } from './api-error.js';
import type { SeedData } from './seed.js';
import { optionLabel } from './select-options.js';

export type ObjectType = 'opportunity' | 'account' | 'contact' | 'note';

export const OBJECT_TYPES: readonly ObjectType[] = ['opportunity', 'account', 'contact', 'note'];

export type RelationshipOperationKind = 'add' | 'remove' | 'replace';

export interface ObjectKind {
  objectType: ObjectType;
  /** The path segment after /v1/, also the scope prefix (`accounts:create`). */
  collection: 'opportunities' | 'accounts' | 'contacts' | 'notes';
  /** Prefix of the record IDs, by which the admin routes find a record's object type. */
  idPrefix: string;
  /** The body parts a create must have (the spec's `required`). */
  createRequires: ReadonlyArray<'fields' | 'relationships'>;
  requiredFields: readonly string[];
  requiredRelationships: readonly string[];
  /** The operations an update body may use per relationship. */
  updateOperations: readonly RelationshipOperationKind[];
  /** Whether list endpoints take `key[operator]` filters (notes page only). */
  filterable: boolean;
  /** Whether `GET /v1/<collection>/definitions` exists (notes have fixed fields and none). */
  servesDefinitions: boolean;
  definitions(seed: SeedData): Definitions;
  /** Sets read-only fields that follow from written ones, after every create and update. */
  derive?(definitions: Definitions, fields: Record<string, FieldReadValue>): void;
}

const STATUS_BY_STAGE: Record<string, string> = { 'closed won': 'Won', 'closed lost': 'Lost' };

/** The read-only `$opportunityStatus` follows the stage, as in the CRM: Open until a closed stage. */
function deriveOpportunityStatus(definitions: Definitions, fields: Record<string, FieldReadValue>): void {
  const statusDefinition = definitions.fieldDefinitions['$opportunityStatus'];
  const stageDefinition = definitions.fieldDefinitions['$stage'];
  const stageId = fields['$stage']?.value;
  if (!statusDefinition || !stageDefinition || typeof stageId !== 'string') return;
  const stageLabel = (optionLabel(stageDefinition, stageId) ?? '').toLowerCase();
  const statusLabel = STATUS_BY_STAGE[stageLabel] ?? 'Open';
  const option = statusDefinition.typeConfiguration.options?.find((candidate) => candidate.label === statusLabel);
  fields['$opportunityStatus'] = { valueType: statusDefinition.valueType, value: option?.id ?? null };
}

const ALL_OPERATIONS: readonly RelationshipOperationKind[] = ['add', 'remove', 'replace'];

export const OBJECT_KINDS: Record<ObjectType, ObjectKind> = {
  opportunity: {
    objectType: 'opportunity',
    collection: 'opportunities',
    idPrefix: 'opp',
    createRequires: ['fields', 'relationships'],
    requiredFields: ['$name', '$stage'],
    requiredRelationships: ['$account'],
    updateOperations: ALL_OPERATIONS,
    filterable: true,
    servesDefinitions: true,
    definitions: (seed) => seed.opportunityDefinitions,
    derive: deriveOpportunityStatus,
  },
  account: {
    objectType: 'account',
    collection: 'accounts',
    idPrefix: 'acc',
    createRequires: ['fields'],
    requiredFields: ['$name'],
    requiredRelationships: [],
    updateOperations: ALL_OPERATIONS,
    filterable: true,
    servesDefinitions: true,
    definitions: (seed) => seed.accountDefinitions,
  },
  contact: {
    objectType: 'contact',
    collection: 'contacts',
    idPrefix: 'con',
    createRequires: ['fields'],
    requiredFields: [],
    requiredRelationships: [],
    updateOperations: ALL_OPERATIONS,
    filterable: true,
    servesDefinitions: true,
    definitions: (seed) => seed.contactDefinitions,
  },
  note: {
    objectType: 'note',
    collection: 'notes',
    // Not documented; the emulator's choice.
    idPrefix: 'note',
    createRequires: ['fields'],
    requiredFields: ['$title'],
    requiredRelationships: [],
    // The spec's note update takes `add` or `remove`, never `replace`.
    updateOperations: ['add', 'remove'],
    filterable: false,
    servesDefinitions: false,
    definitions: (seed) => seed.noteDefinitions,
  },
};

const ALL_KINDS: readonly ObjectKind[] = OBJECT_TYPES.map((objectType) => OBJECT_KINDS[objectType]);

/** The object kind a collection path segment names, if any. */
export function kindOfCollection(collection: string): ObjectKind | undefined {
  return ALL_KINDS.find((kind) => kind.collection === collection);
}

/** The object kind a record ID belongs to, by its prefix; a 404 naming the prefixes there are otherwise. */
export function kindOfId(id: string): ObjectKind {
  const prefix = id.slice(0, id.indexOf('_'));
  const kind = ALL_KINDS.find((candidate) => candidate.idPrefix === prefix);
  if (kind) return kind;
  const prefixes = ALL_KINDS.map((candidate) => `${candidate.idPrefix}_`).join(', ');
  throw new ApiError(404, `No record '${id}': record IDs start with one of ${prefixes}.`);
}
