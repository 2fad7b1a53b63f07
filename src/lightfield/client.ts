/**
 * The Lightfield REST client: one request loop (build, pace, send, retry, parse) under a handful
 * of typed endpoint methods. Retry policy lives in ./retry.ts, errors in ./errors.ts, options and
 * their defaults in ./options.ts.
 *
 * Every write carries the caller's `Idempotency-Key`, the same on every retry of that call, so a
 * retry after an unknown outcome (timeout, dropped connection, 5xx) never creates twice.
 */
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  LightfieldError,
} from './errors.js';
import {
  resolveClientOptions,
  validateIdempotencyKey,
  validateMaxRetries,
  validateTimeoutMs,
  type ApiResult,
  type DefinitionsObjectType,
  type LightfieldClientOptions,
  type ListObjectType,
  type ListQuery,
  type RecordCollection,
  type RequestOptions,
  type ResolvedClientOptions,
  type WriteRequestOptions,
} from './options.js';
import type { AttemptOutcome } from './types.js';
import { parseRateLimit, retryDelayMs, serverRetryAfterMs, shouldRetry, type FailedAttempt } from './retry.js';
import { describeNetworkFailure, sendAttempt, type AttemptResult } from './send-attempt.js';
import {
  LIGHTFIELD_VERSION,
  type AuthValidation,
  type CreateRecordBody,
  type Definitions,
  type Entity,
  type ListResponse,
  type RateCategory,
  type UpdateRecordBody,
} from './types.js';

// The client's option and hook types are part of its public face; importers may take them from here.
export type {
  ApiResult,
  DefinitionsObjectType,
  LightfieldClientOptions,
  ListObjectType,
  ListQuery,
  RecordCollection,
  RequestOptions,
  WriteRequestOptions,
} from './options.js';
export type { AttemptOutcome, Pacer } from './types.js';

/** The API's maximum page size; a shorter page is the last one. */
export const LIST_PAGE_SIZE = 25;

interface RequestSpec {
  method: 'GET' | 'POST';
  /** Starts with `/v1/`. */
  path: string;
  query?: URLSearchParams;
  body?: unknown;
  category: RateCategory;
}

export class LightfieldClient {
  readonly baseUrl: string;
  readonly maxRetries: number;
  readonly timeoutMs: number;
  // A private field, not a property, so that the key stays out of util.inspect, JSON and spreads.
  readonly #options: ResolvedClientOptions;

  constructor(options: LightfieldClientOptions = {}) {
    this.#options = resolveClientOptions(options);
    this.baseUrl = this.#options.baseUrl;
    this.maxRetries = this.#options.maxRetries;
    this.timeoutMs = this.#options.timeoutMs;
  }

  /** `GET /v1/{objectType}/definitions`: the organization's field and relationship keys. */
  getDefinitions(objectType: DefinitionsObjectType, options: RequestOptions = {}): Promise<ApiResult<Definitions>> {
    return this.#request({ method: 'GET', path: `/v1/${objectType}/definitions`, category: 'read' }, options);
  }

  /** `POST /v1/{collection}`: creates one record. */
  async createRecord(collection: RecordCollection, body: CreateRecordBody, options: WriteRequestOptions): Promise<ApiResult<Entity>> {
    validateIdempotencyKey(options.idempotencyKey);
    return this.#request({ method: 'POST', path: `/v1/${collection}`, body, category: 'write' }, options);
  }

  /** `POST /v1/{collection}/{id}`: a partial update (only the keys sent change). */
  async updateRecord(collection: RecordCollection, id: string, body: UpdateRecordBody, options: WriteRequestOptions): Promise<ApiResult<Entity>> {
    validateIdempotencyKey(options.idempotencyKey);
    const path = `/v1/${collection}/${encodeURIComponent(id)}`;
    return this.#request({ method: 'POST', path, body, category: 'write' }, options);
  }

  /** `GET /v1/{collection}/{id}`: the fresh source of truth (lists lag behind writes). */
  retrieveRecord(collection: RecordCollection, id: string, options: RequestOptions = {}): Promise<ApiResult<Entity>> {
    return this.#request({ method: 'GET', path: `/v1/${collection}/${encodeURIComponent(id)}`, category: 'read' }, options);
  }

  /** `POST /v1/opportunities`. */
  createOpportunity(body: CreateRecordBody, options: WriteRequestOptions): Promise<ApiResult<Entity>> {
    return this.createRecord('opportunities', body, options);
  }

  /** `POST /v1/opportunities/{id}`. */
  updateOpportunity(id: string, body: UpdateRecordBody, options: WriteRequestOptions): Promise<ApiResult<Entity>> {
    return this.updateRecord('opportunities', id, body, options);
  }

  /** `GET /v1/opportunities/{id}`. */
  retrieveOpportunity(id: string, options: RequestOptions = {}): Promise<ApiResult<Entity>> {
    return this.retrieveRecord('opportunities', id, options);
  }

  /** `GET /v1/{objectType}`: one page of a list, with optional filters. */
  list(objectType: ListObjectType, query: ListQuery = {}, options: RequestOptions = {}): Promise<ApiResult<ListResponse>> {
    const spec: RequestSpec = { method: 'GET', path: `/v1/${objectType}`, query: listSearchParams(query), category: 'search' };
    return this.#request(spec, options);
  }

  /** Every entity of a list, page by page (25 at a time) until a short page. */
  async *listAll(
    objectType: ListObjectType,
    filters: Record<string, string> = {},
    options: RequestOptions = {},
  ): AsyncGenerator<Entity, void, undefined> {
    for (let offset = 0; ; offset += LIST_PAGE_SIZE) {
      const page = await this.list(objectType, { limit: LIST_PAGE_SIZE, offset, filters }, options);
      yield* page.data.data;
      if (page.data.data.length < LIST_PAGE_SIZE) return;
    }
  }

  /** `GET /v1/auth/validate`: whether the key is active, and its scopes (empty = full access). */
  validateAuth(options: RequestOptions = {}): Promise<ApiResult<AuthValidation>> {
    return this.#request({ method: 'GET', path: '/v1/auth/validate', category: 'read' }, options);
  }

  /** The request loop: pace, send, and retry what is retryable until it succeeds or the budget is spent. */
  async #request<T>(spec: RequestSpec, options: RequestOptions): Promise<ApiResult<T>> {
    const maxRetries = validateMaxRetries(options.maxRetries ?? this.maxRetries);
    const timeoutMs = validateTimeoutMs(options.timeoutMs ?? this.timeoutMs);
    const { signal } = options;
    const url = this.#buildUrl(spec);
    const init = this.#buildInit(spec, options);

    for (let attempt = 1; ; attempt += 1) {
      await this.#waitForTurn(spec.category, signal, attempt - 1);

      const startedAt = performance.now();
      const result = await sendAttempt({ fetch: this.#options.fetch, url, init, timeoutMs, signal });
      this.#observe(spec.category, result, performance.now() - startedAt);

      if (result.kind === 'response' && result.status >= 200 && result.status < 300) {
        return parseSuccess<T>(spec, result, attempt);
      }
      const error = this.#toError(spec, result, attempt, timeoutMs);
      if (result.kind === 'abort' || attempt > maxRetries || !shouldRetry(failedAttempt(error))) throw error;

      const delayMs = retryDelayMs({
        retriesMade: attempt - 1,
        headers: error instanceof APIError ? error.headers : undefined,
        random: this.#options.random,
        now: Date.now(),
      });
      options.onRetry?.({ attempt, delayMs, error });
      await this.#sleepBetweenAttempts(delayMs, signal, attempt);
    }
  }

  #buildUrl(spec: RequestSpec): string {
    const query = spec.query?.toString() ?? '';
    return `${this.baseUrl}${spec.path}${query === '' ? '' : `?${query}`}`;
  }

  /** Built once per call: every retry sends the same headers, so the same `Idempotency-Key`. */
  #buildInit(spec: RequestSpec, options: RequestOptions): RequestInit {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.#options.apiKey}`,
      'Lightfield-Version': LIGHTFIELD_VERSION,
      Accept: 'application/json',
    };
    // Redirects are not followed: the API never redirects, and following one could carry the key elsewhere.
    const init: RequestInit = { method: spec.method, headers, redirect: 'manual' };
    if (spec.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(spec.body);
    }
    if (options.idempotencyKey !== undefined) headers['Idempotency-Key'] = options.idempotencyKey;
    return init;
  }

  async #waitForTurn(category: RateCategory, signal: AbortSignal | undefined, attemptsMade: number): Promise<void> {
    throwIfAborted(signal, attemptsMade);
    const { pacer } = this.#options;
    if (pacer === undefined) return;
    try {
      await pacer.acquire(category, signal);
    } catch (error) {
      if (signal?.aborted === true) throw userAbortError(attemptsMade);
      throw error;
    }
    // A pacer may resolve just as the caller aborts; do not send a request nobody waits for.
    if (signal?.aborted === true) {
      pacer.observe(category, { status: null, latencyMs: 0 });
      throw userAbortError(attemptsMade);
    }
  }

  #observe(category: RateCategory, result: AttemptResult, latencyMs: number): void {
    const { pacer } = this.#options;
    if (pacer === undefined) return;
    if (result.kind !== 'response') {
      pacer.observe(category, { status: null, latencyMs });
      return;
    }
    const outcome: AttemptOutcome = { status: result.status, latencyMs };
    const rateLimit = parseRateLimit(result.headers);
    if (rateLimit !== undefined) outcome.rateLimit = rateLimit;
    const retryAfterMs = serverRetryAfterMs(result.headers, Date.now());
    if (retryAfterMs !== undefined) outcome.retryAfterMs = retryAfterMs;
    pacer.observe(category, outcome);
  }

  #toError(spec: RequestSpec, result: AttemptResult, attempts: number, timeoutMs: number): LightfieldError {
    const target = `${spec.method} ${spec.path}`;
    switch (result.kind) {
      case 'response':
        return APIError.generate(result.status, this.#parseErrorBody(result.text), result.headers, { attempts });
      case 'timeout':
        return new APIConnectionTimeoutError(`${target}: no answer from Lightfield within ${timeoutMs} ms.`, { attempts });
      case 'abort':
        return userAbortError(attempts);
      case 'network': {
        const reason = describeNetworkFailure(result.cause);
        return new APIConnectionError(`${target}: could not reach Lightfield at ${this.baseUrl} (${reason}).`, {
          attempts,
          cause: result.cause,
        });
      }
    }
  }

  /** The key is scrubbed first: a server that echoes it must not put it into our errors. */
  #parseErrorBody(text: string): unknown {
    const scrubbed = text.split(this.#options.apiKey).join('[REDACTED]');
    try {
      return JSON.parse(scrubbed) as unknown;
    } catch {
      return undefined;
    }
  }

  async #sleepBetweenAttempts(delayMs: number, signal: AbortSignal | undefined, attemptsMade: number): Promise<void> {
    try {
      await this.#options.sleep(delayMs, signal);
    } catch (error) {
      if (signal?.aborted === true) throw userAbortError(attemptsMade);
      throw error;
    }
    throwIfAborted(signal, attemptsMade);
  }
}

function parseSuccess<T>(spec: RequestSpec, result: { status: number; headers: Headers; text: string }, attempts: number): ApiResult<T> {
  let data: T;
  try {
    data = JSON.parse(result.text) as T;
  } catch {
    // Not retried: the request succeeded (a write is done), so a retry would only replay it.
    throw new LightfieldError(`${spec.method} ${spec.path}: Lightfield answered ${result.status} with a body that is not JSON.`, {
      attempts,
    });
  }
  const apiResult: ApiResult<T> = { data, status: result.status, attempts };
  const rateLimit = parseRateLimit(result.headers);
  if (rateLimit !== undefined) apiResult.rateLimit = rateLimit;
  return apiResult;
}

function failedAttempt(error: LightfieldError): FailedAttempt {
  if (!(error instanceof APIError)) return { status: null };
  return { status: error.status, headers: error.headers, errorType: error.type, errorCode: error.code };
}

function listSearchParams(query: ListQuery): URLSearchParams {
  const params = new URLSearchParams();
  if (query.limit !== undefined) params.set('limit', String(query.limit));
  if (query.offset !== undefined) params.set('offset', String(query.offset));
  for (const [key, value] of Object.entries(query.filters ?? {})) params.append(key, value);
  return params;
}

function throwIfAborted(signal: AbortSignal | undefined, attemptsMade: number): void {
  if (signal?.aborted === true) throw userAbortError(attemptsMade);
}

function userAbortError(attempts: number): APIUserAbortError {
  return new APIUserAbortError('The request was aborted.', { attempts });
}
