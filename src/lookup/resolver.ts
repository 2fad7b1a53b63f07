/**
 * Resolves relationship cells to Lightfield IDs: accounts by `$name` or website domain, members by
 * `$email` or full name, contacts by `$email`, opportunities by `$name`, and any of them by the source
 * ID of a row an earlier import created (`by: "import"`, answered from the ledger). A lookup with
 * `create` makes the record it does not find (find-or-create).
 *
 * Every distinct value is resolved once per run: the promise is cached, so rows in flight at once
 * that name the same account share one search and one create. Members are paged through once and
 * matched locally because the API documents no member filters.
 *
 * A created record is recorded in the ledger like an imported row (in flight before the request,
 * with its own Idempotency-Key, answered after), so a crash, a rerun or a later file never creates it
 * a second time.
 *
 * Lightfield's search may not list a record made moments earlier (index lag), so a lookup also
 * counts the records this ledger's imports made (an accounts file imported just before the deals
 * that name them): without that, find-or-create would make each of them a second time.
 */
import type { RowProblem } from '../errors.js';
import type { LightfieldClient, RequestOptions } from '../lightfield/client.js';
import { APIError } from '../lightfield/errors.js';
import { OBJECTS, type ImportObject } from '../lightfield/objects.js';
import type { CreateRecordBody, Entity } from '../lightfield/types.js';
import type { Ledger } from '../ledger/index.js';
import { quoteText } from '../quote-text.js';
import { canonicalPayload, idempotencyKey, payloadHash } from '../mapping/index.js';
import type { LookupInput, LookupObject, RelationshipInput } from '../mapping/types.js';

export interface PlannedCreate {
  object: LookupObject;
  /** The looked-up text the record would be created for. */
  value: string;
  by: LookupInput['by'];
}

export type Resolution = { ok: true; ids: string[]; wouldCreate: PlannedCreate[] } | { ok: false; problem: RowProblem };

/** A row's relationships resolved: the IDs of each, or every problem. */
export type RowResolution = { ok: true; ids: Record<string, string[]>; wouldCreate: PlannedCreate[] } | { ok: false; problem: RowProblem; problems: RowProblem[] };

export interface LookupResolverOptions {
  client: LightfieldClient;
  /** Where `by: "import"` lookups and created records are found and recorded. */
  ledger: Ledger;
  /** A plan looks up but never creates: it reports what it would create. */
  mode: 'plan' | 'import';
  requestOptions?: RequestOptions;
}

/** Candidates listed in a message at most. */
const MAX_CANDIDATES_SHOWN = 5;

/** The ledger namespace of the records find-or-create lookups made, shared by every mapping. */
export function createdByLookupNamespace(object: LookupObject): string {
  return `lookup-create:${object}`;
}

export class LookupResolver {
  readonly #options: LookupResolverOptions;
  readonly #cache = new Map<string, Promise<Resolution>>();
  /** The lookups of the cache that have their answer. */
  readonly #answers = new Map<string, Resolution>();
  #members: Promise<Entity[]> | undefined;
  /** Per object: IDs of the records this ledger's imports made, by `[by, normalized value]`. */
  readonly #imported = new Map<LookupObject, Map<string, string[]>>();
  #requests = 0;

  constructor(options: LookupResolverOptions) {
    this.#options = options;
  }

  /** List requests made so far. */
  get requests(): number {
    return this.#requests;
  }

  /**
   * Resolves every relationship of a row. All lookups start at once (the first rows of a run wait on
   * several, each a round trip); on failure `problem` is the first in key order (it names its column)
   * with every failure's message, and `problems` lists each.
   */
  async resolveAll(relationships: Record<string, RelationshipInput>): Promise<RowResolution> {
    const pending = Object.entries(relationships).map(([key, input]) => [key, lookupsOf(input).map((lookup) => this.resolve(key, lookup))] as const);
    const answered: Array<[string, Resolution[]]> = [];
    for (const [key, answers] of pending) answered.push([key, await Promise.all(answers)]);
    return rowResolution(relationships, answered);
  }

  /** What {@link resolveAll} gives, when every lookup of the relationships has its answer already; undefined when one would wait. */
  resolvedNow(relationships: Record<string, RelationshipInput>): RowResolution | undefined {
    const answered: Array<[string, Resolution[]]> = [];
    for (const [key, input] of Object.entries(relationships)) {
      const resolutions: Resolution[] = [];
      for (const lookup of lookupsOf(input)) {
        const resolution = this.#answers.get(cacheKeyOf(lookup, normalizeLookupValue(lookup)));
        if (resolution === undefined) return undefined;
        resolutions.push(resolution);
      }
      answered.push([key, resolutions]);
    }
    return rowResolution(relationships, answered);
  }

  resolve(key: string, input: LookupInput): Promise<Resolution> {
    const normalized = normalizeLookupValue(input);
    const cacheKey = cacheKeyOf(input, normalized);
    let pending = this.#cache.get(cacheKey);
    if (!pending) {
      pending = this.#lookup(key, input, normalized);
      this.#cache.set(cacheKey, pending);
      pending.then(
        (resolution) => this.#answers.set(cacheKey, resolution),
        // A lookup that failed on the network is not an answer: let a later row ask again.
        () => this.#cache.delete(cacheKey),
      );
    }
    return pending;
  }

  async #lookup(key: string, input: LookupInput, normalized: string): Promise<Resolution> {
    if (input.by === 'import') return this.#fromEarlierImport(key, input);
    const created = input.create === undefined ? undefined : this.#createdEarlier(input, normalized);
    if (created !== undefined && created.status !== 'in_flight' && created.opportunityId !== null) {
      return { ok: true, ids: [created.opportunityId], wouldCreate: [] };
    }
    const listed = await this.#find(input, normalized);
    const unlisted = this.#importedEarlier(input, normalized).filter((id) => !listed.some((entity) => entity.id === id));
    const candidates = [...listed.map((entity) => `${entity.id} (${describe(entity)})`), ...unlisted.map((id) => `${id} (imported earlier)`)];
    if (candidates.length === 1) {
      const id = listed[0]?.id ?? unlisted[0]!;
      // A create left in flight by a crash had landed: the search found it, so it is done.
      if (created?.status === 'in_flight' && this.#options.mode === 'import' && listed.length === 1) {
        this.#options.ledger.markAnswered(createdByLookupNamespace(input.object), JSON.stringify([input.by, normalized]), {
          status: 'created',
          opportunityId: id,
          httpLink: listed[0]!.httpLink,
          attempts: 0,
        });
      }
      return { ok: true, ids: [id], wouldCreate: [] };
    }
    const what = `${input.object} with ${input.by} ${quoteText(input.value)}`;
    if (candidates.length > 1) {
      const shown = candidates.slice(0, MAX_CANDIDATES_SHOWN).join(', ');
      const more = candidates.length > MAX_CANDIDATES_SHOWN ? ` and ${candidates.length - MAX_CANDIDATES_SHOWN} more` : '';
      return failure('lookup_ambiguous', input.column, `column ${quoteText(input.column)} (${key}): ${candidates.length} matches for ${what}: ${shown}${more}; put the ID in the cell instead`, input.value);
    }
    if (input.create === undefined) {
      const hint = input.object === 'account' ? '; to create missing accounts, add "create" to the lookup' : '';
      return failure('lookup_not_found', input.column, `column ${quoteText(input.column)} (${key}): no ${what} in Lightfield${hint}`, input.value);
    }
    if (this.#options.mode === 'plan') return { ok: true, ids: [], wouldCreate: [{ object: input.object, value: input.value, by: input.by }] };
    return this.#create(key, input, normalized);
  }

  /** The ledger entry of a record an earlier find-or-create made for this value. */
  #createdEarlier(input: LookupInput, normalized: string): ReturnType<Ledger['get']> {
    return this.#options.ledger.get(createdByLookupNamespace(input.object), JSON.stringify([input.by, normalized]));
  }

  /**
   * Creates the record, exactly once: in flight in the ledger before the request, with a key derived
   * from the value and the fields, so that a rerun after a crash sends the same request again and
   * Lightfield answers with the record it already made.
   */
  async #create(key: string, input: LookupInput, normalized: string): Promise<Resolution> {
    const { ledger, client } = this.#options;
    const namespace = createdByLookupNamespace(input.object);
    const identity = JSON.stringify([input.by, normalized]);
    const earlier = ledger.get(namespace, identity);
    let body: CreateRecordBody;
    let idempotency: string;
    if (earlier?.status === 'in_flight' && earlier.requestBody !== null) {
      body = JSON.parse(earlier.requestBody) as CreateRecordBody;
      idempotency = earlier.idempotencyKey;
    } else {
      body = { fields: input.create ?? {}, relationships: {} };
      const payload = canonicalPayload({ fields: body.fields, relationships: {} });
      const hash = payloadHash(payload);
      idempotency = idempotencyKey(namespace, identity, hash);
      ledger.markInFlight({ namespace, identity, payloadHash: hash, payload, requestBody: JSON.stringify(body), operation: 'create', idempotencyKey: idempotency });
    }
    const collection = OBJECTS[input.object as ImportObject].collection;
    try {
      const result = await client.createRecord(collection, body, { ...this.#options.requestOptions, idempotencyKey: idempotency });
      ledger.markAnswered(namespace, identity, { status: 'created', opportunityId: result.data.id, httpLink: result.data.httpLink, attempts: result.attempts });
      return { ok: true, ids: [result.data.id], wouldCreate: [] };
    } catch (error) {
      if (!(error instanceof APIError) || error.status >= 500 || [408, 409, 429].includes(error.status)) throw error;
      ledger.markAnswered(namespace, identity, { status: 'failed', attempts: 1, error: `${error.type}: ${error.message}` });
      return failure('lookup_create_failed', input.column, `column ${quoteText(input.column)} (${key}): Lightfield refused to create ${input.object} ${quoteText(input.value)} (${error.status}): ${error.message}`);
    }
  }

  /** `by: "import"`: the record an earlier import under `namespace` made for this source ID. */
  #fromEarlierImport(key: string, input: LookupInput): Resolution {
    const { ledger } = this.#options;
    const namespace = input.namespace ?? '';
    const entry = ledger.get(namespace, JSON.stringify([input.value.trim()]));
    if (entry?.opportunityId) return { ok: true, ids: [entry.opportunityId], wouldCreate: [] };
    const lastRun = ledger.lastRunOf(namespace);
    const source = lastRun === undefined ? '' : ` (last imported from ${lastRun.csvPath})`;
    if (entry === undefined) {
      const first =
        lastRun === undefined
          ? `nothing has been imported under namespace "${namespace}" with this ledger: import the ${pluralOf(input.object)} file first (same --state), then this one again`
          : `no row with that source ID was imported under namespace "${namespace}"${source}: import the ${input.object} first, then this file again`;
      return failure('source_id_not_imported', input.column, `column ${quoteText(input.column)} (${key}): ${input.object} "${input.value}": ${first}`, input.value);
    }
    const state = entry.status === 'in_flight' ? 'was left in flight' : `failed (${entry.lastError ?? 'see its report'})`;
    return failure(
      'source_id_not_imported',
      input.column,
      `column ${quoteText(input.column)} (${key}): the ${input.object} row with source ID ${quoteText(input.value)} in namespace "${namespace}" ${state}${source}: fix it and import that file again, then this one`,
    );
  }

  /** Records this ledger's imports made that match, whether or not Lightfield's search lists them yet. */
  #importedEarlier(input: LookupInput, normalized: string): string[] {
    if (input.object === 'member') return [];
    let index = this.#imported.get(input.object);
    if (index === undefined) {
      index = new Map();
      for (const { id, payload } of this.#options.ledger.knownRecords(OBJECTS[input.object].idPrefix)) {
        const fields = (JSON.parse(payload) as { fields?: Record<string, unknown> }).fields ?? {};
        const keys = [
          ...textsOf(fields['$name']).map((name) => ['$name', normalizeText(name)]),
          ...textsOf(fields['$website']).map((url) => ['$website', hostOf(url)]),
          ...textsOf(fields['$email']).map((email) => ['$email', email.trim().toLowerCase()]),
        ];
        for (const key of keys) {
          const text = JSON.stringify(key);
          const ids = index.get(text) ?? [];
          if (!ids.includes(id)) index.set(text, [...ids, id]);
        }
      }
      this.#imported.set(input.object, index);
    }
    return index.get(JSON.stringify([input.by, normalized])) ?? [];
  }

  async #find(input: LookupInput, normalized: string): Promise<Entity[]> {
    if (input.object === 'member') {
      const members = await this.#allMembers();
      return members.filter((member) => (input.by === '$email' ? emailOf(member) : fullNameOf(member)) === normalized);
    }
    const collection = OBJECTS[input.object as ImportObject].collection;
    if (input.by === '$website') {
      const found = await this.#listAll(collection, { '$website[contains]': normalized });
      return found.filter((account) => websiteHosts(account).includes(normalized));
    }
    if (input.by === '$email') {
      const found = await this.#listAll(collection, { '$email[contains]': normalized });
      return found.filter((record) => emailsOf(record).includes(normalized));
    }
    const found = await this.#listAll(collection, { '$name[equal]': input.value.trim() });
    // `equal` on TEXT may or may not be case-sensitive on the server: compare ourselves.
    return found.filter((record) => normalizeText(textValue(record, '$name')) === normalized);
  }

  #allMembers(): Promise<Entity[]> {
    if (!this.#members) {
      this.#members = this.#listAll('members', {});
      this.#members.catch(() => {
        this.#members = undefined;
      });
    }
    return this.#members;
  }

  async #listAll(collection: 'accounts' | 'contacts' | 'opportunities' | 'notes' | 'members', filters: Record<string, string>): Promise<Entity[]> {
    const found: Entity[] = [];
    const pageSize = 25;
    for (let offset = 0; ; offset += pageSize) {
      this.#requests += 1;
      const page = await this.#options.client.list(collection, { limit: pageSize, offset, filters }, this.#options.requestOptions);
      found.push(...page.data.data);
      if (page.data.data.length < pageSize) return found;
    }
  }
}

/** `opportunity` → `opportunities`, for messages. */
function pluralOf(object: LookupObject): string {
  return object === 'member' ? 'members' : OBJECTS[object].collection;
}

function failure(code: string, column: string, message: string, value?: string): Resolution {
  return { ok: false, problem: { type: 'lookup_failed', code, param: column, message, ...(value !== undefined ? { value } : {}) } };
}

/** Several problems of one row as one: the first's type and column, every message. */
export function combined(problems: readonly RowProblem[]): RowProblem {
  const [first, ...rest] = problems;
  return { ...first!, message: [first!.message, ...rest.map((problem) => problem.message)].join('; ') };
}

function normalizeText(value: string): string {
  return value.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** The lookups a relationship needs (none when its cell holds IDs). */
function lookupsOf(input: RelationshipInput): readonly LookupInput[] {
  if (input.kind === 'ids') return [];
  return input.kind === 'lookup' ? [input] : input.lookups;
}

/** A row's relationships from the resolutions of their lookups, in key order. */
function rowResolution(relationships: Record<string, RelationshipInput>, answered: ReadonlyArray<[string, Resolution[]]>): RowResolution {
  const ids: Record<string, string[]> = {};
  const wouldCreate: PlannedCreate[] = [];
  const problems: RowProblem[] = [];
  for (const [key, resolutions] of answered) {
    const failed = resolutions.find((resolution) => !resolution.ok);
    if (failed !== undefined) {
      problems.push(failed.problem);
      continue;
    }
    const input = relationships[key]!;
    const found: string[] = [];
    for (const resolution of resolutions) {
      if (!resolution.ok) continue;
      found.push(...resolution.ids);
      wouldCreate.push(...resolution.wouldCreate);
    }
    ids[key] = input.kind === 'ids' ? input.ids : input.kind === 'lookup' ? found : [...new Set([...input.ids, ...found])];
  }
  if (problems.length > 0) return { ok: false, problem: combined(problems), problems };
  return { ok: true, ids, wouldCreate };
}

function cacheKeyOf(input: LookupInput, normalized: string): string {
  return JSON.stringify([input.object, input.by, input.namespace ?? '', normalized]);
}

function normalizeLookupValue(input: LookupInput): string {
  if (input.by === '$email') return input.value.trim().toLowerCase();
  if (input.by === '$website') return hostOf(input.value);
  if (input.by === 'import') return input.value.trim();
  return normalizeText(input.value);
}

/** `https://www.Acme.com/about` → `acme.com`. */
export function hostOf(value: string): string {
  const trimmed = value.trim().toLowerCase();
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//.test(trimmed) ? trimmed : `https://${trimmed}`);
    return url.hostname.replace(/^www\./, '');
  } catch {
    return trimmed.replace(/^www\./, '');
  }
}

function textValue(entity: Entity, key: string): string {
  const value = entity.fields[key]?.value;
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return '';
}

/** The texts of a mapped field value: a text, a list of texts, or a full name. */
function textsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  if (typeof value !== 'object' || value === null) return [];
  const { firstName, lastName } = value as { firstName?: unknown; lastName?: unknown };
  const name = [firstName, lastName].filter((part) => typeof part === 'string').join(' ');
  return name === '' ? [] : [name];
}

function emailOf(member: Entity): string {
  return textValue(member, '$email').trim().toLowerCase();
}

function emailsOf(record: Entity): string[] {
  const value = record.fields['$email']?.value;
  const emails = Array.isArray(value) ? value : [value];
  return emails.filter((email): email is string => typeof email === 'string').map((email) => email.trim().toLowerCase());
}

/** A member's or contact's `$name` ({ firstName, lastName }) as one normalised text. */
function fullNameOf(record: Entity): string {
  return normalizeText(textsOf(record.fields['$name']?.value)[0] ?? '');
}

function websiteHosts(account: Entity): string[] {
  const value = account.fields['$website']?.value;
  const urls = Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
  return urls.filter((url): url is string => typeof url === 'string').map(hostOf);
}

function describe(entity: Entity): string {
  const name = textValue(entity, '$name') || fullNameOf(entity);
  const website = websiteHosts(entity)[0];
  return [name, website].filter(Boolean).join(', ') || entity.id;
}
