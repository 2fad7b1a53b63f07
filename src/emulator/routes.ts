/** The /v1 endpoints: which request goes where, its rate category and scope, and what it answers. */
import type { Definitions, Entity, ListResponse, RateCategory } from '../lightfield/types.js';
import { ApiError, badRequest } from './api-error.js';
import { compileFilters, PAGING_PARAMETERS } from './filters.js';
import type { Org } from './org.js';
import type { StatsCounter } from './stats.js';

export interface Answer {
  status: number;
  /** Serialized JSON. */
  body: string;
}

export interface RouteContext {
  org: Org;
  stats: StatsCounter;
  body: unknown;
  query: URLSearchParams;
  now: number;
  indexLagMs: number;
  scopes: string[];
}

export interface Route {
  category: RateCategory;
  /** Scope the key needs; `undefined` for endpoints every key may call. */
  scope: string | undefined;
  /** Idempotency scope of a POST ("create vs update of an id"); `undefined` for GETs. */
  operation: string | undefined;
  handle(context: RouteContext): Answer;
}

const MAX_LIMIT = 25;

function ok(value: unknown): Answer {
  return { status: 200, body: JSON.stringify(value) };
}

function pagingNumber(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const value = /^\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
    throw badRequest('invalid_parameter', name, `'${name}' must be ${range}, got '${raw}'.`);
  }
  return value;
}

function list(entities: Entity[], context: RouteContext, definitions: Definitions | undefined): Answer {
  const limit = pagingNumber(context.query, 'limit', MAX_LIMIT, 1, MAX_LIMIT);
  const offset = pagingNumber(context.query, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
  let matching = entities;
  if (definitions) {
    const predicates = compileFilters(context.query, definitions);
    if (predicates.length > 0) matching = entities.filter((entity) => predicates.every((predicate) => predicate(entity)));
  } else {
    for (const parameter of context.query.keys()) {
      if (!PAGING_PARAMETERS.has(parameter)) {
        throw badRequest('unknown_field', parameter, `Members cannot be filtered; page through them with limit and offset.`);
      }
    }
  }
  const page: ListResponse = { object: 'list', data: matching.slice(offset, offset + limit), totalCount: matching.length };
  return ok(page);
}

function found(entity: Entity | undefined, collection: string): Answer {
  if (!entity) throw new ApiError(404, `No resource found in '${collection}' with the given ID.`);
  return ok(entity);
}

const authValidate: Route = {
  category: 'read',
  scope: undefined,
  operation: undefined,
  handle: ({ scopes }) =>
    ok({ active: true, tokenType: 'api_key', subjectType: 'workspace', scopes }),
};

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function definitionsRoute(collection: 'opportunities' | 'accounts'): Route {
  return {
    category: 'read',
    scope: `${collection}:read`,
    operation: undefined,
    handle: ({ org }) => ({
      status: 200,
      body: collection === 'opportunities' ? org.opportunityDefinitionsBody : org.accountDefinitionsBody,
    }),
  };
}

const DEFINITIONS_ROUTES: Record<string, Route> = {
  opportunities: definitionsRoute('opportunities'),
  accounts: definitionsRoute('accounts'),
};

const ROUTES_BY_COLLECTION: Record<string, { list: Route; retrieve: (id: string) => Route }> = {
  opportunities: {
    list: {
      category: 'search',
      scope: 'opportunities:read',
      operation: undefined,
      handle: (context) => list(context.org.opportunities.listed(context.now), context, context.org.seed.opportunityDefinitions),
    },
    retrieve: (id) => ({
      category: 'read',
      scope: 'opportunities:read',
      operation: undefined,
      handle: ({ org }) => found(org.opportunities.get(id), 'opportunities'),
    }),
  },
  accounts: {
    list: {
      category: 'search',
      scope: 'accounts:read',
      operation: undefined,
      handle: (context) => list(context.org.accounts, context, context.org.seed.accountDefinitions),
    },
    retrieve: (id) => ({
      category: 'read',
      scope: 'accounts:read',
      operation: undefined,
      handle: ({ org }) => found(org.account(id), 'accounts'),
    }),
  },
  members: {
    list: {
      category: 'search',
      scope: 'members:read',
      operation: undefined,
      handle: (context) => list(context.org.members, context, undefined),
    },
    retrieve: (id) => ({
      category: 'read',
      scope: 'members:read',
      operation: undefined,
      handle: ({ org }) => found(org.member(id), 'members'),
    }),
  },
};

const createOpportunity: Route = {
  category: 'write',
  scope: 'opportunities:create',
  operation: 'create:opportunity',
  handle: (context) => {
    const entity = context.org.createOpportunity(context.body, context.now, context.indexLagMs);
    context.stats.createsExecuted++;
    return ok(entity);
  },
};

function updateOpportunity(id: string): Route {
  return {
    category: 'write',
    scope: 'opportunities:update',
    operation: `update:opportunity:${id}`,
    handle: (context) => {
      const entity = context.org.updateOpportunity(id, context.body, context.now, context.indexLagMs);
      context.stats.updatesExecuted++;
      return ok(entity);
    },
  };
}

/** The route of a /v1 request, or `undefined` when the emulator has no such endpoint. */
export function resolveRoute(method: string, path: string): Route | undefined {
  const segments = path.split('/').filter((segment) => segment !== '');
  if (segments[0] !== 'v1') return undefined;
  const [, collection, item, extra] = segments;
  if (collection === undefined || extra !== undefined) return undefined;
  if (collection === 'auth') return method === 'GET' && item === 'validate' ? authValidate : undefined;
  const routes = ROUTES_BY_COLLECTION[collection];
  if (!routes) return undefined;
  if (method === 'GET' && item === undefined) return routes.list;
  if (method === 'POST' && item === undefined) return collection === 'opportunities' ? createOpportunity : undefined;
  if (item === 'definitions') return method === 'GET' ? DEFINITIONS_ROUTES[collection] : undefined;
  const id = item === undefined ? undefined : safeDecode(item);
  if (id === undefined) return undefined;
  if (method === 'GET') return routes.retrieve(id);
  if (method === 'POST' && collection === 'opportunities') return updateOpportunity(id);
  return undefined;
}
