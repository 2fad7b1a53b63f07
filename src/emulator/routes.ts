/** The /v1 endpoints: which request goes where, its rate category and scope, and what it answers. */
import type { Definitions, Entity, ListResponse, RateCategory } from '../lightfield/types.js';
import { badRequest } from './api-error.js';
import { compileFilters, PAGING_PARAMETERS } from './filters.js';
import { OBJECT_KINDS, OBJECT_TYPES, type ObjectKind } from './objects.js';
import { notFound, type Org } from './org.js';
import { definitionsBody } from './served-definitions.js';
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
  /** Whether definitions carry `slug`, `system` and relationship `readOnly` (see served-definitions.ts). */
  definitionExtras: boolean;
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

/** A list page; `definitions` undefined means the collection takes no filters (`unfilterable` says what it is). */
function list(entities: Entity[], context: RouteContext, definitions: Definitions | undefined, unfilterable = 'Members'): Answer {
  const limit = pagingNumber(context.query, 'limit', MAX_LIMIT, 1, MAX_LIMIT);
  const offset = pagingNumber(context.query, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
  let matching = entities;
  if (definitions) {
    const predicates = compileFilters(context.query, definitions);
    if (predicates.length > 0) matching = entities.filter((entity) => predicates.every((predicate) => predicate(entity)));
  } else {
    for (const parameter of context.query.keys()) {
      if (!PAGING_PARAMETERS.has(parameter)) {
        throw badRequest('unknown_field', parameter, `${unfilterable} cannot be filtered; page through them with limit and offset.`);
      }
    }
  }
  const page: ListResponse = { object: 'list', data: matching.slice(offset, offset + limit), totalCount: matching.length };
  return ok(page);
}

function found(entity: Entity | undefined, collection: string): Answer {
  if (!entity) throw notFound(collection);
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

interface CollectionRoutes {
  list: Route;
  retrieve(id: string): Route;
  create?: Route;
  update?(id: string): Route;
  definitions?: Route;
}

function objectRoutes(kind: ObjectKind): CollectionRoutes {
  const { collection, objectType } = kind;
  const read = `${collection}:read`;
  const capitalized = `${collection.charAt(0).toUpperCase()}${collection.slice(1)}`;
  return {
    list: {
      category: 'search',
      scope: read,
      operation: undefined,
      handle: (context) =>
        list(
          context.org.records(objectType).listed(context.now),
          context,
          kind.filterable ? kind.definitions(context.org.seed) : undefined,
          capitalized,
        ),
    },
    retrieve: (id) => ({
      category: 'read',
      scope: read,
      operation: undefined,
      handle: ({ org }) => found(org.records(objectType).get(id), collection),
    }),
    create: {
      category: 'write',
      scope: `${collection}:create`,
      operation: `create:${objectType}`,
      handle: (context) => {
        const entity = context.org.create(kind, context.body, context.now, context.indexLagMs);
        context.stats.countWrite(objectType, 'create');
        return ok(entity);
      },
    },
    update: (id) => ({
      category: 'write',
      scope: `${collection}:update`,
      operation: `update:${objectType}:${id}`,
      handle: (context) => {
        const entity = context.org.update(kind, id, context.body, context.now, context.indexLagMs);
        context.stats.countWrite(objectType, 'update');
        return ok(entity);
      },
    }),
    ...(kind.servesDefinitions
      ? {
          definitions: {
            category: 'read',
            scope: read,
            operation: undefined,
            handle: ({ org, definitionExtras }) => ({ status: 200, body: definitionsBody(kind.definitions(org.seed), definitionExtras) }),
          },
        }
      : {}),
  };
}

const MEMBER_ROUTES: CollectionRoutes = {
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
};

const ROUTES_BY_COLLECTION = new Map<string, CollectionRoutes>([
  ['members', MEMBER_ROUTES],
  ...OBJECT_TYPES.map((objectType): [string, CollectionRoutes] => {
    const kind = OBJECT_KINDS[objectType];
    return [kind.collection, objectRoutes(kind)];
  }),
]);

/** The route of a /v1 request, or `undefined` when the emulator has no such endpoint. */
export function resolveRoute(method: string, path: string): Route | undefined {
  const segments = path.split('/').filter((segment) => segment !== '');
  if (segments[0] !== 'v1') return undefined;
  const [, collection, item, extra] = segments;
  if (collection === undefined || extra !== undefined) return undefined;
  if (collection === 'auth') return method === 'GET' && item === 'validate' ? authValidate : undefined;
  const routes = ROUTES_BY_COLLECTION.get(collection);
  if (!routes) return undefined;
  if (item === undefined) return method === 'GET' ? routes.list : method === 'POST' ? routes.create : undefined;
  if (item === 'definitions') return method === 'GET' ? routes.definitions : undefined;
  const id = safeDecode(item);
  if (id === undefined) return undefined;
  if (method === 'GET') return routes.retrieve(id);
  if (method === 'POST') return routes.update?.(id);
  return undefined;
}
