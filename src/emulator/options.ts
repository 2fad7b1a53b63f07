/** The emulator's public option, stats and handle types. */
import type { Definitions, Entity, RateCategory } from '../lightfield/types.js';
import type { ObjectType } from './objects.js';
import type { SeedAccount, SeedContact, SeedData, SeedMember } from './seed.js';

/**
 * What can go wrong on purpose.
 * - `500`, `503`, `504`: answer that status without executing the request.
 * - `commit_then_500`: execute (and record the idempotency result, as the real server would have), then answer 500.
 * - `drop`: destroy the socket without executing.
 * - `commit_then_drop`: execute, then destroy the socket.
 * - `slow`: add {@link FaultOptions.slowMs} before answering (the request still executes).
 * - `429`: answer 429 with `Retry-After` without executing.
 */
export type FaultKind = '500' | '503' | '504' | 'commit_then_500' | 'drop' | 'commit_then_drop' | 'slow' | '429';

export const FAULT_KINDS: readonly FaultKind[] = [
  '500',
  '503',
  '504',
  'commit_then_500',
  'drop',
  'commit_then_drop',
  'slow',
  '429',
];

/** Random fault injection, drawn from the emulator's seeded random stream. */
export interface FaultOptions {
  /** Chance (0–1) that an eligible request gets a fault. */
  probability: number;
  /** The kinds to pick from, uniformly. */
  kinds: FaultKind[];
  /** Which requests are eligible: only creates/updates, or every /v1 request. @default 'all' */
  only?: 'write' | 'all';
  /** Extra delay of a `slow` fault, in milliseconds. @default 5000 */
  slowMs?: number;
}

/** One deterministic fault, applied to the next /v1 request that matches. */
export interface QueuedFault {
  kind: FaultKind;
  /** HTTP method to match (case-insensitive). @default any */
  method?: string;
  /** Path to match exactly, or a prefix when it ends with `*` (e.g. `/v1/opportunities*`). @default any */
  path?: string;
  /** Extra delay for a `slow` fault, in milliseconds. @default 5000 */
  slowMs?: number;
  /** Adds `x-should-retry: true|false` to the fault's answer, the header with which the SDKs let a server overrule their retry rules. @default no header */
  shouldRetry?: boolean;
}

/** Added latency: a fixed number of milliseconds or a uniform draw from [min, max]. */
export type Latency = number | { min: number; max: number };

/** The settings that can change while the emulator runs. */
export interface EmulatorConfig {
  /** Write requests (create, update) per second: token-bucket capacity and refill rate. `Infinity` turns the limit off. @default 25 */
  rate: number;
  /** Read requests (retrieve, definitions, auth/validate) per second. @default 25 */
  readRate: number;
  /** Search requests (lists) per second. @default 25 */
  searchRate: number;
  /** Added before answering every /v1 request; other requests are not held up. @default 0 */
  latencyMs: Latency;
  /** Random fault injection; `undefined` = none. @default undefined */
  faults: FaultOptions | undefined;
  /** Records stay invisible (new), stale (updated) or listed (deleted) in list endpoints for this long after a write. @default 0 */
  indexLagMs: number;
  /**
   * The error body's shape: `wrapped` `{ "error": { type, message, code, param } }` as the docs' errors page shows,
   * or `unwrapped` `{ type, message, code, param }` as the OpenAPI spec and the 409/429 examples show. @default 'wrapped'
   */
  errorEnvelope: ErrorEnvelopeStyle;
  /**
   * The 409 for an `Idempotency-Key` still in flight: `conflict` answers `type: "conflict"` with
   * `code: "idempotency_conflict"` (the spec's ConflictError); `idempotency_conflict` answers
   * `type: "idempotency_conflict"` without a code, as the idempotency page's example does. @default 'conflict'
   */
  conflictType: ConflictTypeStyle;
  /** Whether a 429 carries `retry-after-ms` besides `Retry-After` (only `Retry-After` is documented). @default true */
  retryAfterMs: boolean;
  /**
   * Whether definitions carry `slug` and `system` on fields and `readOnly` on relationships, as the docs' example
   * does; `false` serves only what the OpenAPI spec has. Writes to read-only relationships are refused either way. @default true
   */
  definitionExtras: boolean;
}

export type ErrorEnvelopeStyle = 'wrapped' | 'unwrapped';
export type ConflictTypeStyle = 'conflict' | 'idempotency_conflict';

export interface EmulatorOptions extends Partial<EmulatorConfig> {
  /** TCP port; 0 picks a free one. @default 0 */
  port?: number;
  /** Interface to listen on. @default '127.0.0.1' */
  host?: string;
  /** When set, only this key is accepted; otherwise any `Bearer sk_lf_…` key is. @default undefined */
  apiKey?: string;
  /** Seed of every random choice: IDs, latency draws, random faults. @default 1 */
  seed?: number;
  /** Clock in milliseconds, for timestamps, index lag, idempotency retention and rate limiting. @default Date.now */
  now?: () => number;
  /** Opportunity definitions to serve and validate against instead of the seeded ones. */
  definitions?: Definitions;
  /** Accounts instead of the seeded ones (IDs are generated when missing). */
  accounts?: SeedAccount[];
  /** Members instead of the seeded ones. */
  members?: SeedMember[];
  /** Contacts (listed by `GET /v1/contacts`, valid for `$champion`/`$evaluator`) instead of the seeded ones. */
  contacts?: SeedContact[];
  /** Scopes of the accepted key(s); empty means full access. @default [] */
  scopes?: string[];
}

/** Counters since start (or the last reset). Only /v1 requests are counted. */
export interface EmulatorStats {
  /** Opportunities held (not deleted). */
  opportunities: number;
  /** Records held per object type (not deleted), seeded accounts and contacts included. */
  records: Record<ObjectType, number>;
  requests: { total: number } & Record<RateCategory | 'unrouted', number>;
  /** Answers per HTTP status (dropped sockets have none). */
  statusCodes: Record<string, number>;
  /** 429s from the token buckets (injected `429` faults are counted under `faultsInjected`). */
  rateLimited: number;
  /** Requests answered from the idempotency store without executing. */
  idempotentReplays: number;
  /** 409 `idempotency_conflict` answers (same key while the first request was executing). */
  idempotencyConflicts: number;
  faultsInjected: Record<FaultKind, number>;
  /** Creates that made a new record, of any object type. */
  createsExecuted: number;
  /** Updates that changed a record, of any object type. */
  updatesExecuted: number;
  /** Executed creates and updates per object type (replays and admin edits are not counted). */
  writesExecuted: Record<ObjectType, { creates: number; updates: number }>;
}

/** A change made behind the importer's back: the body of an update, applied without auth, limits or idempotency. */
export interface RecordEdit {
  fields?: Record<string, unknown>;
  relationships?: Record<string, unknown>;
}

export interface RunningEmulator {
  /** Base URL, e.g. `http://127.0.0.1:53211` (no trailing slash). */
  url: string;
  port: number;
  /** Stops listening, drops open connections and abandons delayed answers. */
  close(): Promise<void>;
  stats(): EmulatorStats;
  /** Every opportunity held, as retrieve would return it (not subject to index lag; deleted ones left out). */
  opportunities(): Entity[];
  /** Every record of an object type held, as retrieve would return it; seeded accounts and contacts included. */
  records(objectType: ObjectType): Entity[];
  /**
   * Edits a record as a person in the app would: the body of an update (`fields`, relationship operations),
   * validated like one, visible to lists after the index lag. Throws (an `ApiError` with status 400 or 404) when refused.
   */
  editRecord(id: string, edit: RecordEdit): Entity;
  /** Deletes a record (any object type, found by its ID prefix): retrieve answers 404 from now on. Throws when there is none. */
  deleteRecord(id: string): void;
  /** Changes settings; takes effect for the next request. Throws on an invalid value. */
  configure(change: Partial<EmulatorConfig>): void;
  /** Queues deterministic faults for the next matching requests, in order. */
  injectFaults(queue: QueuedFault[]): void;
  /** Back to the state right after start: only the seeded records, no idempotency records, zero stats, start settings, same seed. */
  reset(): void;
  /** The accounts (including inactive ones), members, contacts and definitions this emulator serves. */
  seedData(): SeedData;
}

const POSITIVE_RATE = 'a positive number (or Infinity)';

function expect(condition: boolean, name: string, expected: string, value: unknown): void {
  if (!condition) {
    throw new TypeError(`Expected \`${name}\` to be ${expected}, got ${JSON.stringify(value) ?? String(value)}`);
  }
}

function isRate(value: unknown): value is number {
  return typeof value === 'number' && value > 0 && !Number.isNaN(value);
}

function isNonNegativeFinite(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

export function validateLatency(latency: unknown): void {
  if (typeof latency === 'number') {
    expect(isNonNegativeFinite(latency), 'latencyMs', 'a number >= 0 or { min, max }', latency);
    return;
  }
  const range = latency as { min?: unknown; max?: unknown } | null;
  const valid =
    typeof range === 'object' &&
    range !== null &&
    isNonNegativeFinite(range.min) &&
    isNonNegativeFinite(range.max) &&
    range.min <= range.max;
  expect(valid, 'latencyMs', 'a number >= 0 or { min, max } with 0 <= min <= max', latency);
}

export function validateFaultOptions(faults: unknown): void {
  if (faults === undefined || faults === null) return;
  const options = faults as Partial<FaultOptions>;
  expect(
    typeof options.probability === 'number' && options.probability >= 0 && options.probability <= 1,
    'faults.probability',
    'a number from 0 to 1',
    options.probability,
  );
  expect(
    Array.isArray(options.kinds) && options.kinds.every((kind) => FAULT_KINDS.includes(kind)),
    'faults.kinds',
    `an array of ${FAULT_KINDS.join(', ')}`,
    options.kinds,
  );
  expect(options.only === undefined || options.only === 'write' || options.only === 'all', 'faults.only', "'write' or 'all'", options.only);
  expect(options.slowMs === undefined || isNonNegativeFinite(options.slowMs), 'faults.slowMs', 'a number >= 0', options.slowMs);
}

export const CONFIG_KEYS: ReadonlyArray<keyof EmulatorConfig> = [
  'rate',
  'readRate',
  'searchRate',
  'latencyMs',
  'faults',
  'indexLagMs',
  'errorEnvelope',
  'conflictType',
  'retryAfterMs',
  'definitionExtras',
];

const ERROR_ENVELOPES: readonly ErrorEnvelopeStyle[] = ['wrapped', 'unwrapped'];
const CONFLICT_TYPES: readonly ConflictTypeStyle[] = ['conflict', 'idempotency_conflict'];

function oneOf(values: readonly string[]): string {
  return values.map((value) => `'${value}'`).join(' or ');
}

/** Checks a configuration change; throws a TypeError naming the bad setting. */
export function validateConfigChange(change: Partial<EmulatorConfig>): void {
  for (const key of Object.keys(change)) {
    expect(CONFIG_KEYS.includes(key as keyof EmulatorConfig), 'setting', `one of ${CONFIG_KEYS.join(', ')}`, key);
  }
  if (change.rate !== undefined) expect(isRate(change.rate), 'rate', POSITIVE_RATE, change.rate);
  if (change.readRate !== undefined) expect(isRate(change.readRate), 'readRate', POSITIVE_RATE, change.readRate);
  if (change.searchRate !== undefined) expect(isRate(change.searchRate), 'searchRate', POSITIVE_RATE, change.searchRate);
  if (change.latencyMs !== undefined) validateLatency(change.latencyMs);
  if (change.indexLagMs !== undefined) expect(isNonNegativeFinite(change.indexLagMs), 'indexLagMs', 'a number >= 0', change.indexLagMs);
  if (change.errorEnvelope !== undefined) {
    expect(ERROR_ENVELOPES.includes(change.errorEnvelope), 'errorEnvelope', oneOf(ERROR_ENVELOPES), change.errorEnvelope);
  }
  if (change.conflictType !== undefined) {
    expect(CONFLICT_TYPES.includes(change.conflictType), 'conflictType', oneOf(CONFLICT_TYPES), change.conflictType);
  }
  if (change.retryAfterMs !== undefined) expect(typeof change.retryAfterMs === 'boolean', 'retryAfterMs', 'true or false', change.retryAfterMs);
  if (change.definitionExtras !== undefined) {
    expect(typeof change.definitionExtras === 'boolean', 'definitionExtras', 'true or false', change.definitionExtras);
  }
  validateFaultOptions(change.faults);
}

export function validateQueuedFaults(queue: unknown): asserts queue is QueuedFault[] {
  expect(Array.isArray(queue), 'faults', 'an array of { kind, method?, path? }', queue);
  for (const [index, fault] of (queue as unknown[]).entries()) {
    const entry = fault as Partial<QueuedFault> | null;
    expect(typeof entry === 'object' && entry !== null, `faults[${index}]`, 'an object', fault);
    expect(FAULT_KINDS.includes(entry?.kind as FaultKind), `faults[${index}].kind`, `one of ${FAULT_KINDS.join(', ')}`, entry?.kind);
    expect(entry?.method === undefined || typeof entry.method === 'string', `faults[${index}].method`, 'a string', entry?.method);
    expect(entry?.path === undefined || typeof entry.path === 'string', `faults[${index}].path`, 'a string', entry?.path);
    expect(entry?.slowMs === undefined || isNonNegativeFinite(entry.slowMs), `faults[${index}].slowMs`, 'a number >= 0', entry?.slowMs);
    expect(entry?.shouldRetry === undefined || typeof entry.shouldRetry === 'boolean', `faults[${index}].shouldRetry`, 'a boolean', entry?.shouldRetry);
  }
}

/** The configuration a fresh emulator starts with. */
export function initialConfig(options: EmulatorOptions): EmulatorConfig {
  const config: EmulatorConfig = {
    rate: options.rate ?? 25,
    readRate: options.readRate ?? 25,
    searchRate: options.searchRate ?? 25,
    latencyMs: options.latencyMs ?? 0,
    faults: options.faults,
    indexLagMs: options.indexLagMs ?? 0,
    errorEnvelope: options.errorEnvelope ?? 'wrapped',
    conflictType: options.conflictType ?? 'conflict',
    retryAfterMs: options.retryAfterMs ?? true,
    definitionExtras: options.definitionExtras ?? true,
  };
  validateConfigChange(config);
  return config;
}
