/**
 * The emulator's HTTP server and the order in which a /v1 request meets the API's rules:
 * auth → version header → route → scope → rate limit → injected fault → body checks → idempotency →
 * latency → execute → answer. Latency is a timer, so a delayed answer never holds up other requests.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Entity } from '../lightfield/types.js';
import { handleAdmin, isAdminPath } from './admin.js';
import { ApiError, errorBody } from './api-error.js';
import { FaultPlanner, type PlannedFault } from './faults.js';
import { checkAuthorization, checkVersion, idempotencyKey, parseJsonBody, readBody, sendJson } from './http.js';
import { IdempotencyStore } from './idempotency.js';
import {
  initialConfig,
  validateConfigChange,
  validateQueuedFaults,
  type EmulatorConfig,
  type EmulatorOptions,
  type EmulatorStats,
  type FaultKind,
  type QueuedFault,
  type RecordEdit,
  type RunningEmulator,
} from './options.js';
import { kindOfId, OBJECT_TYPES, type ObjectType } from './objects.js';
import { notFound, Org } from './org.js';
import { createRandom, type Random } from './random.js';
import { RateLimiter } from './rate-limit.js';
import { isRecordPagePath, recordPage } from './record-page.js';
import { resolveRoute, type Answer, type Route } from './routes.js';
import { buildSeed, type SeedData } from './seed.js';
import { StatsCounter } from './stats.js';

/** Faults answered before anything executes. */
const FAULT_ANSWERS: Partial<Record<FaultKind, { status: number; message: string }>> = {
  '500': { status: 500, message: 'Internal server error.' },
  '503': { status: 503, message: 'Service temporarily unavailable.' },
  '504': { status: 504, message: 'Gateway timeout: the request may or may not have completed.' },
  '429': { status: 429, message: 'Rate limit exceeded. Please try again later.' },
};
const CONFLICT_MESSAGE = 'An operation with this idempotency key is already in progress. Please wait and retry.';
const RATE_LIMITED_MESSAGE = 'Rate limit exceeded. Please try again later.';

// Independent random streams, so that e.g. enabling latency does not change which requests get faults.
const LATENCY_STREAM = 0x9e3779b9;
const FAULT_STREAM = 0x85ebca6b;

class Emulator {
  readonly #options: EmulatorOptions;
  readonly #seedNumber: number;
  readonly #now: () => number;
  readonly #scopes: string[];
  readonly #seedData: SeedData;
  readonly #server: Server;
  readonly #timers = new Set<NodeJS.Timeout>();
  #baseUrl = '';
  #config!: EmulatorConfig;
  #org!: Org;
  #limiter!: RateLimiter;
  #idempotency = new IdempotencyStore();
  #faults = new FaultPlanner();
  #stats = new StatsCounter();
  #latencyRandom!: Random;
  #faultRandom!: Random;
  #closed = false;

  constructor(options: EmulatorOptions) {
    this.#options = options;
    this.#seedNumber = options.seed ?? 1;
    this.#now = options.now ?? Date.now;
    this.#scopes = [...(options.scopes ?? [])];
    this.#seedData = buildSeed(this.#seedNumber, options);
    initialConfig(options);
    this.#server = createServer((request, response) => {
      this.#dispatch(request, response).catch((error: unknown) => {
        sendJson(response, 500, new ApiError(500, `Emulator failure: ${(error as Error).message}`).toBody(this.#config.errorEnvelope));
      });
    });
    this.#server.keepAliveTimeout = 30_000;
  }

  async listen(): Promise<RunningEmulator> {
    const host = this.#options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#options.port ?? 0, host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    const port = (this.#server.address() as AddressInfo).port;
    this.#baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    this.reset();
    return {
      url: this.#baseUrl,
      port,
      close: () => this.close(),
      stats: () => this.stats(),
      opportunities: () => this.records('opportunity'),
      records: (objectType) => this.records(objectType),
      editRecord: (id, edit) => this.editRecord(id, edit),
      deleteRecord: (id) => this.deleteRecord(id),
      configure: (change) => this.configure(change),
      injectFaults: (queue) => this.injectFaults(queue),
      reset: () => this.reset(),
      seedData: () => this.seedData(),
    };
  }

  seedData(): SeedData {
    return structuredClone(this.#seedData);
  }

  stats(): EmulatorStats {
    const held = Object.fromEntries(OBJECT_TYPES.map((objectType) => [objectType, this.#org.records(objectType).size]));
    return this.#stats.snapshot(held as Record<ObjectType, number>);
  }

  records(objectType: ObjectType): Entity[] {
    if (!OBJECT_TYPES.includes(objectType)) {
      throw new TypeError(`Expected an object type (${OBJECT_TYPES.join(', ')}), got ${JSON.stringify(objectType)}`);
    }
    return structuredClone(this.#org.records(objectType).all());
  }

  editRecord(id: string, edit: RecordEdit): Entity {
    return structuredClone(this.#org.update(kindOfId(id), id, edit, this.#now(), this.#config.indexLagMs));
  }

  deleteRecord(id: string): void {
    const kind = kindOfId(id);
    if (!this.#org.delete(kind, id, this.#now(), this.#config.indexLagMs)) throw notFound(kind.collection);
  }

  configure(change: Partial<EmulatorConfig>): void {
    validateConfigChange(change);
    const now = this.#now();
    const next: EmulatorConfig = { ...this.#config };
    for (const [key, value] of Object.entries(change) as Array<[keyof EmulatorConfig, unknown]>) {
      // `faults: null` (all JSON can say) or undefined turns random faults off; other settings ignore undefined.
      if (key === 'faults') next.faults = (value ?? undefined) as EmulatorConfig['faults'];
      else if (value !== undefined) (next as unknown as Record<string, unknown>)[key] = value;
    }
    this.#config = next;
    this.#limiter.setRate('write', next.rate, now);
    this.#limiter.setRate('read', next.readRate, now);
    this.#limiter.setRate('search', next.searchRate, now);
  }

  injectFaults(queue: QueuedFault[]): void {
    validateQueuedFaults(queue);
    this.#faults.enqueue(queue);
  }

  reset(): void {
    const now = this.#now();
    this.#config = initialConfig(this.#options);
    this.#org = new Org(this.#seedData, this.#seedNumber, this.#baseUrl);
    this.#limiter = new RateLimiter({ write: this.#config.rate, read: this.#config.readRate, search: this.#config.searchRate }, now);
    this.#idempotency = new IdempotencyStore();
    this.#faults = new FaultPlanner();
    this.#stats = new StatsCounter();
    this.#latencyRandom = createRandom(this.#seedNumber ^ LATENCY_STREAM);
    this.#faultRandom = createRandom(this.#seedNumber ^ FAULT_STREAM);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }

  /** Waits without blocking other requests; never settles once the emulator is closed. */
  #sleep(milliseconds: number): Promise<void> | undefined {
    if (milliseconds <= 0) return undefined;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        resolve();
      }, milliseconds);
      this.#timers.add(timer);
    });
  }

  #latency(): number {
    const latency = this.#config.latencyMs;
    if (typeof latency === 'number') return latency;
    return latency.min + Math.floor(this.#latencyRandom() * (latency.max - latency.min + 1));
  }

  async #dispatch(request: IncomingMessage, response: ServerResponse): Promise<void> {
    response.on('error', () => undefined);
    const method = request.method ?? 'GET';
    const url = request.url ?? '/';
    const queryStart = url.indexOf('?');
    const path = queryStart < 0 ? url : url.slice(0, queryStart);
    const body = method === 'POST' ? await readBody(request) : undefined;

    if (path.startsWith('/v1/') || path === '/v1') {
      await this.#handleApi(request, response, method, path, queryStart < 0 ? '' : url.slice(queryStart + 1), body);
    } else if (isAdminPath(path)) {
      const answer = handleAdmin(this, method, path, body);
      sendJson(response, answer.status, answer.body);
    } else if (method === 'GET' && isRecordPagePath(path)) {
      const answer = recordPage(this.#org, path);
      response.writeHead(answer.status, { 'Content-Type': 'text/html; charset=utf-8' });
      response.end(answer.body);
    } else {
      sendJson(response, 404, errorBody('not_found', `No route ${method} ${path}.`));
    }
  }

  #answer(response: ServerResponse, status: number, body: string, headers: Record<string, string>): void {
    this.#stats.countStatus(status);
    if (!this.#config.retryAfterMs && 'retry-after-ms' in headers) {
      const { 'retry-after-ms': _dropped, ...documented } = headers;
      sendJson(response, status, body, documented);
      return;
    }
    sendJson(response, status, body, headers);
  }

  async #refuse(response: ServerResponse, error: ApiError, headers: Record<string, string>, latency: number): Promise<void> {
    await this.#sleep(latency);
    this.#answer(response, error.status, error.toBody(this.#config.errorEnvelope), headers);
  }

  async #handleApi(
    request: IncomingMessage,
    response: ServerResponse,
    method: string,
    path: string,
    queryString: string,
    rawBody: Buffer | undefined,
  ): Promise<void> {
    const now = this.#now();
    const route = resolveRoute(method, path);
    this.#stats.countRequest(route?.category ?? 'unrouted');
    const latency = this.#latency();
    const peekHeaders = (): Record<string, string> => this.#limiter.peek(route?.category ?? 'read', now).headers;

    const refusal = checkAuthorization(request, this.#options.apiKey) ?? checkVersion(request);
    if (refusal) return this.#refuse(response, refusal, peekHeaders(), latency);
    if (!route) return this.#refuse(response, new ApiError(404, `No endpoint ${method} ${path}.`), peekHeaders(), latency);
    if (route.scope !== undefined && this.#scopes.length > 0 && !this.#scopes.includes(route.scope)) {
      return this.#refuse(response, new ApiError(403, `The API key lacks the scope '${route.scope}'.`), peekHeaders(), latency);
    }
    const bucket = this.#limiter.take(route.category, now);
    if (!bucket.allowed) {
      this.#stats.rateLimited++;
      return this.#refuse(response, new ApiError(429, RATE_LIMITED_MESSAGE), bucket.headers, latency);
    }
    const headers = bucket.headers;

    const fault = this.#faults.next(method, path, route.category === 'write', this.#config.faults, this.#faultRandom);
    if (fault) this.#stats.faultsInjected[fault.kind]++;
    if (fault && (fault.kind === 'drop' || FAULT_ANSWERS[fault.kind])) {
      await this.#sleep(latency);
      return this.#answerFault(request, response, fault, headers);
    }

    let body: unknown;
    let key: string | undefined;
    try {
      if (method === 'POST') body = parseJsonBody(request, rawBody);
      key = route.operation === undefined ? undefined : idempotencyKey(request);
    } catch (error) {
      return this.#refuse(response, error as ApiError, headers, latency);
    }

    const delay = latency + (fault?.kind === 'slow' ? fault.slowMs : 0);
    // Held on to, so that a request still executing across a reset() settles into the store it claimed in.
    const idempotency = this.#idempotency;
    if (key !== undefined && route.operation !== undefined) {
      const claim = idempotency.claim(route.operation, key, now);
      if (claim.kind === 'in_flight') {
        this.#stats.idempotencyConflicts++;
        const conflict = new ApiError(
          409,
          CONFLICT_MESSAGE,
          this.#config.conflictType === 'conflict' ? { code: 'idempotency_conflict' } : { type: 'idempotency_conflict' },
        );
        return this.#refuse(response, conflict, headers, latency);
      }
      if (claim.kind === 'replay') {
        this.#stats.idempotentReplays++;
        await this.#sleep(delay);
        return this.#finish(request, response, claim, headers, fault);
      }
    }

    await this.#sleep(delay);
    if (this.#closed) return;
    const answer = this.#execute(route, body, new URLSearchParams(queryString));
    if (key !== undefined && route.operation !== undefined) {
      idempotency.settle(route.operation, key, answer.status < 300 ? answer : undefined, this.#now());
    }
    this.#finish(request, response, answer, headers, fault);
  }

  #execute(route: Route, body: unknown, query: URLSearchParams): Answer {
    try {
      return route.handle({
        org: this.#org,
        stats: this.#stats,
        body,
        query,
        now: this.#now(),
        indexLagMs: this.#config.indexLagMs,
        scopes: this.#scopes,
        definitionExtras: this.#config.definitionExtras,
      });
    } catch (error) {
      const refusal = error instanceof ApiError ? error : new ApiError(500, `Emulator failure: ${(error as Error).message}`);
      return { status: refusal.status, body: refusal.toBody(this.#config.errorEnvelope) };
    }
  }

  /** Sends the outcome of an executed (or replayed) request, unless a commit-then fault hides it. */
  #finish(request: IncomingMessage, response: ServerResponse, answer: Answer, headers: Record<string, string>, fault: PlannedFault | undefined): void {
    if (fault?.kind === 'commit_then_drop') {
      request.socket.destroy();
    } else if (fault?.kind === 'commit_then_500') {
      this.#answer(response, 500, new ApiError(500, 'Internal server error.').toBody(this.#config.errorEnvelope), { ...headers, ...fault.headers });
    } else {
      this.#answer(response, answer.status, answer.body, headers);
    }
  }

  #answerFault(request: IncomingMessage, response: ServerResponse, fault: PlannedFault, headers: Record<string, string>): void {
    const answer = FAULT_ANSWERS[fault.kind];
    if (!answer) {
      request.socket.destroy();
      return;
    }
    const extra: Record<string, string> = { ...headers, ...fault.headers };
    if (answer.status === 429) {
      extra['Retry-After'] = '1';
      extra['retry-after-ms'] = '1000';
    }
    this.#answer(response, answer.status, new ApiError(answer.status, answer.message).toBody(this.#config.errorEnvelope), extra);
  }
}

/** Starts an emulator listening on loopback (by default a random port). */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return new Emulator(options).listen();
}
