/**
 * The record types an import writes, and what the API documents for each: the collection in the
 * URL, the ID prefix, the keys a create needs, the scopes. Notes have no definitions endpoint; their
 * fixed fields (lightfield-openapi.yml, `note.create`) stand in for it.
 */
import type { RecordCollection } from './options.js';
import type { Definitions } from './types.js';

export type ImportObject = 'opportunity' | 'account' | 'contact' | 'note';

export const IMPORT_OBJECTS: readonly ImportObject[] = ['opportunity', 'account', 'contact', 'note'];

interface ObjectFacts {
  collection: RecordCollection;
  idPrefix: string;
  /** Field keys a create needs (the API refuses one without them). */
  requiredFields: readonly string[];
  /** Relationship keys every record of the type needs. */
  requiredRelationships: readonly string[];
  /** How a relationship may be changed on update: notes take only `add` and `remove`. */
  updatesRelationshipsBy: 'replace' | 'add';
}

export const OBJECTS: Record<ImportObject, ObjectFacts> = {
  opportunity: { collection: 'opportunities', idPrefix: 'opp_', requiredFields: ['$name', '$stage'], requiredRelationships: ['$account'], updatesRelationshipsBy: 'replace' },
  account: { collection: 'accounts', idPrefix: 'acc_', requiredFields: ['$name'], requiredRelationships: [], updatesRelationshipsBy: 'replace' },
  contact: { collection: 'contacts', idPrefix: 'con_', requiredFields: [], requiredRelationships: [], updatesRelationshipsBy: 'replace' },
  note: { collection: 'notes', idPrefix: 'note_', requiredFields: ['$title'], requiredRelationships: [], updatesRelationshipsBy: 'add' },
};

/** ID prefixes of every type a relationship can link, members included. */
export const ID_PREFIXES: Record<string, string> = {
  account: 'acc_',
  member: 'mem_',
  contact: 'con_',
  opportunity: 'opp_',
  note: 'note_',
};

/** The scopes a run writing `object` records needs. */
export function writeScopes(object: ImportObject, update: boolean): string[] {
  const { collection } = OBJECTS[object];
  return [`${collection}:create`, ...(update ? [`${collection}:update`] : [])];
}

/** What `GET /v1/notes/definitions` would say if it existed. */
export const NOTE_DEFINITIONS: Definitions = {
  objectType: 'note',
  fieldDefinitions: {
    $title: { label: 'Title', description: 'Title of the note.', valueType: 'TEXT', typeConfiguration: {} },
    $content: { label: 'Content', description: 'Content of the note as markdown formatted text.', valueType: 'MARKDOWN', typeConfiguration: {} },
  },
  relationshipDefinitions: {
    $account: { label: 'Accounts', description: null, cardinality: 'HAS_MANY', objectType: 'account' },
    $opportunity: { label: 'Opportunities', description: null, cardinality: 'HAS_MANY', objectType: 'opportunity' },
  },
};
