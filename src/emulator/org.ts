/**
 * One emulated organization: the members, the records of each object type (seeded accounts and contacts
 * among them), and the create, update and delete operations on them.
 */
import type { Entity } from '../lightfield/types.js';
import { ApiError } from './api-error.js';
import { OBJECT_KINDS, OBJECT_TYPES, type ObjectKind, type ObjectType } from './objects.js';
import { stableId } from './random.js';
import { contentFromCreate, contentFromUpdate, emptyContent, type TargetLookup, type WriteRules } from './record-writes.js';
import type { ResolvedMember, SeedData } from './seed.js';
import { matchOptions } from './select-options.js';
import { RecordStore } from './store.js';

// Seeded records predate every write; a fixed time keeps their bodies identical from run to run.
const SEEDED_AT = '2026-01-15T09:00:00.000Z';

/** Where a record can be looked at by a person: the emulator serves these pages itself. */
export function recordLink(baseUrl: string, collection: string, id: string): string {
  return `${baseUrl}/app/${collection}/${id}`;
}

/** The 404 the API answers for an unknown or deleted ID. */
export function notFound(collection: string): ApiError {
  return new ApiError(404, `No resource found in '${collection}' with the given ID.`);
}

function seededEntity(
  kind: ObjectKind,
  id: string,
  seed: SeedData,
  baseUrl: string,
  values: Record<string, unknown>,
  links: Record<string, string[]>,
): Entity {
  const content = emptyContent(kind.definitions(seed));
  for (const [key, value] of Object.entries(values)) {
    const field = content.fields[key];
    if (field) field.value = value;
  }
  for (const [key, ids] of Object.entries(links)) {
    const relationship = content.relationships[key];
    if (relationship) relationship.values = ids;
  }
  return { id, createdAt: SEEDED_AT, updatedAt: SEEDED_AT, httpLink: recordLink(baseUrl, kind.collection, id), externalId: null, ...content };
}

function memberEntity(member: ResolvedMember, baseUrl: string): Entity {
  return {
    id: member.id,
    createdAt: SEEDED_AT,
    updatedAt: SEEDED_AT,
    httpLink: recordLink(baseUrl, 'members', member.id),
    fields: {
      $email: { valueType: 'EMAIL', value: member.email },
      $name: { valueType: 'FULL_NAME', value: { firstName: member.firstName, lastName: member.lastName } },
      $profileImage: { valueType: 'URL', value: null },
      $role: { valueType: 'TEXT', value: member.role },
    },
    relationships: {},
  };
}

export class Org {
  readonly seed: SeedData;
  readonly members: Entity[];
  readonly #stores = Object.fromEntries(OBJECT_TYPES.map((objectType) => [objectType, new RecordStore()])) as Record<ObjectType, RecordStore>;
  readonly #seedNumber: number;
  readonly #baseUrl: string;
  readonly #memberById = new Map<string, Entity>();
  readonly #created = Object.fromEntries(OBJECT_TYPES.map((objectType) => [objectType, 0])) as Record<ObjectType, number>;

  constructor(seed: SeedData, seedNumber: number, baseUrl: string) {
    this.seed = seed;
    this.#seedNumber = seedNumber;
    this.#baseUrl = baseUrl;
    this.members = seed.members.map((member) => memberEntity(member, baseUrl));
    this.members.forEach((member) => this.#memberById.set(member.id, member));
    this.#seedAccounts();
    this.#seedContacts();
  }

  #seedAccounts(): void {
    const industry = this.seed.accountDefinitions.fieldDefinitions['$industry'];
    this.seed.accounts.forEach((account, index) => {
      const owner = this.seed.members.length > 0 ? this.seed.members[index % this.seed.members.length] : undefined;
      const values: Record<string, unknown> = { $name: account.name, $website: account.websites, $headcount: account.headcount };
      if (industry) values['$industry'] = account.industries.flatMap((label) => matchOptions(industry, label).map((option) => option.id));
      const links: Record<string, string[]> = owner ? { $owner: [owner.id] } : {};
      this.#stores.account.seed(seededEntity(OBJECT_KINDS.account, account.id, this.seed, this.#baseUrl, values, links), account.active);
    });
  }

  #seedContacts(): void {
    for (const contact of this.seed.contacts) {
      const values = {
        $name: { firstName: contact.firstName, lastName: contact.lastName },
        $email: contact.email === null ? null : [contact.email],
      };
      this.#stores.contact.seed(seededEntity(OBJECT_KINDS.contact, contact.id, this.seed, this.#baseUrl, values, {}), contact.active);
    }
  }

  records(objectType: ObjectType): RecordStore {
    return this.#stores[objectType];
  }

  member(id: string): Entity | undefined {
    return this.#memberById.get(id);
  }

  readonly lookup: TargetLookup = (objectType, id) => {
    if (objectType === 'member') return this.#memberById.has(id) ? 'active' : 'missing';
    const store = (this.#stores as Partial<Record<string, RecordStore>>)[objectType];
    return store ? store.state(id) : 'missing';
  };

  #rules(kind: ObjectKind): WriteRules {
    return { kind, definitions: kind.definitions(this.seed), lookup: this.lookup };
  }

  create(kind: ObjectKind, body: unknown, now: number, indexLagMs: number): Entity {
    const content = contentFromCreate(body, this.#rules(kind));
    // A name apart from the seeded records' (`account.0`), so a created ID never repeats a seeded one.
    const id = stableId(kind.idPrefix, this.#seedNumber, `created.${kind.objectType}.${this.#created[kind.objectType]++}`);
    const timestamp = new Date(now).toISOString();
    const entity: Entity = {
      id,
      createdAt: timestamp,
      updatedAt: timestamp,
      httpLink: recordLink(this.#baseUrl, kind.collection, id),
      externalId: null,
      ...content,
    };
    this.#stores[kind.objectType].put(entity, now, indexLagMs);
    return entity;
  }

  update(kind: ObjectKind, id: string, body: unknown, now: number, indexLagMs: number): Entity {
    const current = this.#stores[kind.objectType].get(id);
    if (!current) throw notFound(kind.collection);
    const content = contentFromUpdate(body, current, this.#rules(kind));
    const entity: Entity = { ...current, updatedAt: new Date(now).toISOString(), ...content };
    this.#stores[kind.objectType].put(entity, now, indexLagMs);
    return entity;
  }

  /** Deletes a record as a person would in the app; `false` when there is no such active record. */
  delete(kind: ObjectKind, id: string, now: number, indexLagMs: number): boolean {
    return this.#stores[kind.objectType].delete(id, now, indexLagMs);
  }
}
