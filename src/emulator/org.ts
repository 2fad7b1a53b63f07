/**
 * One emulated organization: the seeded accounts, members and contacts as API entities, the written
 * opportunities, and the create/update operations on them.
 */
import type { Definitions, Entity, FieldReadValue } from '../lightfield/types.js';
import { ApiError } from './api-error.js';
import { contentFromCreate, contentFromUpdate, emptyContent, type TargetLookup } from './opportunity-writes.js';
import { stableId } from './random.js';
import type { ResolvedAccount, ResolvedMember, SeedData } from './seed.js';
import { matchOptions } from './select-options.js';
import { OpportunityStore } from './store.js';

// Seeded records predate every write; a fixed time keeps their bodies identical from run to run.
const SEEDED_AT = '2026-01-15T09:00:00.000Z';

/** Where a record can be looked at by a person: the emulator serves these pages itself. */
export function recordLink(baseUrl: string, collection: string, id: string): string {
  return `${baseUrl}/app/${collection}/${id}`;
}

function accountEntity(account: ResolvedAccount, owner: ResolvedMember | undefined, definitions: Definitions, baseUrl: string): Entity {
  const content = emptyContent(definitions);
  const set = (key: string, value: unknown): void => {
    const field: FieldReadValue | undefined = content.fields[key];
    if (field) field.value = value;
  };
  set('$name', account.name);
  set('$website', account.websites);
  set('$headcount', account.headcount);
  const industry = definitions.fieldDefinitions['$industry'];
  if (industry) {
    set('$industry', account.industries.flatMap((label) => matchOptions(industry, label).map((option) => option.id)));
  }
  const ownerRelationship = content.relationships['$owner'];
  if (ownerRelationship && owner) ownerRelationship.values = [owner.id];
  return {
    id: account.id,
    createdAt: SEEDED_AT,
    updatedAt: SEEDED_AT,
    httpLink: recordLink(baseUrl, 'accounts', account.id),
    externalId: null,
    ...content,
  };
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
  /** Active accounts in seed order, as lists return them. */
  readonly accounts: Entity[];
  readonly members: Entity[];
  readonly opportunities = new OpportunityStore();
  /** Pre-serialized definitions bodies: served often, never change. */
  readonly opportunityDefinitionsBody: string;
  readonly accountDefinitionsBody: string;
  readonly #seedNumber: number;
  readonly #baseUrl: string;
  readonly #accountById = new Map<string, { entity: Entity; active: boolean }>();
  readonly #memberById = new Map<string, Entity>();
  readonly #contactActive = new Map<string, boolean>();
  #created = 0;

  constructor(seed: SeedData, seedNumber: number, baseUrl: string) {
    this.seed = seed;
    this.#seedNumber = seedNumber;
    this.#baseUrl = baseUrl;
    this.members = seed.members.map((member) => memberEntity(member, baseUrl));
    this.members.forEach((member) => this.#memberById.set(member.id, member));
    this.accounts = [];
    seed.accounts.forEach((account, index) => {
      const owner = seed.members.length > 0 ? seed.members[index % seed.members.length] : undefined;
      const entity = accountEntity(account, owner, seed.accountDefinitions, baseUrl);
      this.#accountById.set(account.id, { entity, active: account.active });
      if (account.active) this.accounts.push(entity);
    });
    seed.contacts.forEach((contact) => this.#contactActive.set(contact.id, contact.active));
    this.opportunityDefinitionsBody = JSON.stringify(seed.opportunityDefinitions);
    this.accountDefinitionsBody = JSON.stringify(seed.accountDefinitions);
  }

  account(id: string): Entity | undefined {
    const account = this.#accountById.get(id);
    return account?.active ? account.entity : undefined;
  }

  member(id: string): Entity | undefined {
    return this.#memberById.get(id);
  }

  readonly lookup: TargetLookup = (objectType, id) => {
    switch (objectType) {
      case 'account': {
        const account = this.#accountById.get(id);
        return account ? (account.active ? 'active' : 'inactive') : 'missing';
      }
      case 'member':
        return this.#memberById.has(id) ? 'active' : 'missing';
      case 'contact': {
        const active = this.#contactActive.get(id);
        return active === undefined ? 'missing' : active ? 'active' : 'inactive';
      }
      case 'opportunity':
        return this.opportunities.has(id) ? 'active' : 'missing';
      default:
        return 'missing';
    }
  };

  createOpportunity(body: unknown, now: number, indexLagMs: number): Entity {
    const content = contentFromCreate(body, this.seed.opportunityDefinitions, this.lookup);
    const id = stableId('opp', this.#seedNumber, `opportunity.${this.#created++}`);
    const timestamp = new Date(now).toISOString();
    const entity: Entity = {
      id,
      createdAt: timestamp,
      updatedAt: timestamp,
      httpLink: recordLink(this.#baseUrl, 'opportunities', id),
      externalId: null,
      ...content,
    };
    this.opportunities.put(entity, now, indexLagMs);
    return entity;
  }

  updateOpportunity(id: string, body: unknown, now: number, indexLagMs: number): Entity {
    const current = this.opportunities.get(id);
    if (!current) throw new ApiError(404, `No resource found in 'opportunities' with the given ID.`);
    const content = contentFromUpdate(body, current, this.seed.opportunityDefinitions, this.lookup);
    const entity: Entity = { ...current, updatedAt: new Date(now).toISOString(), ...content };
    this.opportunities.put(entity, now, indexLagMs);
    return entity;
  }
}
