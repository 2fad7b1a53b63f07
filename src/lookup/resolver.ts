/**
 * Resolves relationship cells to Lightfield IDs: accounts by `$name` or website domain, members by
 * `$email`. Every distinct value is looked up once per run (the promise is cached, so rows waiting on
 * the same account share one request); members are paged through once and matched locally because
 * the API documents no member filters.
 */
import type { RowProblem } from '../errors.js';
import type { LightfieldClient, RequestOptions } from '../lightfield/client.js';
import type { Entity } from '../lightfield/types.js';
import type { RelationshipInput } from '../mapping/types.js';
import { quoteText } from '../quote-text.js';

export type Resolution = { ok: true; ids: string[] } | { ok: false; problem: RowProblem };

type LookupInput = Extract<RelationshipInput, { kind: 'lookup' }>;

/** Candidates listed in a message at most. */
const MAX_CANDIDATES_SHOWN = 5;

export class LookupResolver {
  readonly #client: LightfieldClient;
  readonly #requestOptions: RequestOptions;
  readonly #cache = new Map<string, Promise<Resolution>>();
  #membersByEmail: Promise<Map<string, Entity[]>> | undefined;
  #requests = 0;

  constructor(client: LightfieldClient, requestOptions: RequestOptions = {}) {
    this.#client = client;
    this.#requestOptions = requestOptions;
  }

  /** List requests made so far. */
  get requests(): number {
    return this.#requests;
  }

  /** Resolves every relationship of a row; the first failure wins (it names its column). */
  async resolveAll(
    relationships: Record<string, RelationshipInput>,
  ): Promise<{ ok: true; ids: Record<string, string[]> } | { ok: false; problem: RowProblem }> {
    const ids: Record<string, string[]> = {};
    // All lookups start at once (the first rows of a run wait on several, each a round trip); the
    // answers are still read in order, so the first failure in key order wins as before. A lookup
    // left unread after a failure is cached and handled (see `resolve`).
    const pending = Object.entries(relationships).map(
      ([key, input]) => [key, input.kind === 'ids' ? { ok: true as const, ids: input.ids } : this.resolve(key, input)] as const,
    );
    for (const [key, answer] of pending) {
      const resolution = await answer;
      if (!resolution.ok) return resolution;
      ids[key] = resolution.ids;
    }
    return { ok: true, ids };
  }

  resolve(key: string, input: LookupInput): Promise<Resolution> {
    const normalized = normalizeLookupValue(input);
    const cacheKey = `${input.object}\u0000${input.by}\u0000${normalized}`;
    let pending = this.#cache.get(cacheKey);
    if (!pending) {
      pending = this.#lookup(key, input, normalized);
      this.#cache.set(cacheKey, pending);
      // A lookup that failed on the network is not an answer: let a later row ask again.
      pending.catch(() => this.#cache.delete(cacheKey));
    }
    return pending;
  }

  async #lookup(key: string, input: LookupInput, normalized: string): Promise<Resolution> {
    const matches = await this.#find(input, normalized);
    if (matches.length === 1) return { ok: true, ids: [matches[0]!.id] };
    const what = `${input.object} with ${input.by} ${quoteText(input.value)}`;
    if (matches.length === 0) {
      return {
        ok: false,
        problem: {
          type: 'lookup_failed',
          code: 'lookup_not_found',
          param: input.column,
          message: `column ${quoteText(input.column)} (${key}): no ${what} in Lightfield`,
        },
      };
    }
    const shown = matches
      .slice(0, MAX_CANDIDATES_SHOWN)
      .map((entity) => `${entity.id} (${describe(entity)})`)
      .join(', ');
    const more = matches.length > MAX_CANDIDATES_SHOWN ? ` and ${matches.length - MAX_CANDIDATES_SHOWN} more` : '';
    return {
      ok: false,
      problem: {
        type: 'lookup_failed',
        code: 'lookup_ambiguous',
        param: input.column,
        message: `column ${quoteText(input.column)} (${key}): ${matches.length} matches for ${what}: ${shown}${more}; put the ID in the cell instead`,
      },
    };
  }

  async #find(input: LookupInput, normalized: string): Promise<Entity[]> {
    if (input.object === 'member') {
      const members = await this.#members();
      return members.get(normalized) ?? [];
    }
    if (input.by === '$website') {
      const found = await this.#listAll('accounts', { '$website[contains]': normalized });
      return found.filter((account) => websiteHosts(account).includes(normalized));
    }
    const found = await this.#listAll('accounts', { '$name[equal]': input.value.trim() });
    // `equal` on TEXT may or may not be case-sensitive on the server: compare ourselves.
    return found.filter((account) => normalizeText(textValue(account, '$name')) === normalized);
  }

  #members(): Promise<Map<string, Entity[]>> {
    if (!this.#membersByEmail) {
      this.#membersByEmail = (async () => {
        const byEmail = new Map<string, Entity[]>();
        for (const member of await this.#listAll('members', {})) {
          const email = textValue(member, '$email').trim().toLowerCase();
          if (!email) continue;
          byEmail.set(email, [...(byEmail.get(email) ?? []), member]);
        }
        return byEmail;
      })();
      this.#membersByEmail.catch(() => {
        this.#membersByEmail = undefined;
      });
    }
    return this.#membersByEmail;
  }

  async #listAll(objectType: 'accounts' | 'members', filters: Record<string, string>): Promise<Entity[]> {
    const found: Entity[] = [];
    const pageSize = 25;
    for (let offset = 0; ; offset += pageSize) {
      this.#requests += 1;
      const page = await this.#client.list(objectType, { limit: pageSize, offset, filters }, this.#requestOptions);
      found.push(...page.data.data);
      if (page.data.data.length < pageSize) return found;
    }
  }
}

function normalizeText(value: string): string {
  return value.trim().replace(/\s+/g, ' ').toLowerCase();
}

function normalizeLookupValue(input: LookupInput): string {
  if (input.by === '$email') return input.value.trim().toLowerCase();
  if (input.by === '$website') return hostOf(input.value);
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

function websiteHosts(account: Entity): string[] {
  const value = account.fields['$website']?.value;
  const urls = Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
  return urls.filter((url): url is string => typeof url === 'string').map(hostOf);
}

function describe(entity: Entity): string {
  const name = textValue(entity, '$name');
  const website = websiteHosts(entity)[0];
  return [name, website].filter(Boolean).join(', ') || entity.id;
}
