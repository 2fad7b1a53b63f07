/** Plain-fetch helpers for the emulator tests: a request as a client would send it, and the answer read back. */
import type { RunningEmulator } from '../../src/emulator/index.js';
import type { ApiErrorBody, Entity } from '../../src/lightfield/types.js';

export const API_KEY = 'sk_lf_0_emulator_tests';

export interface Answer<T> {
  status: number;
  headers: Headers;
  body: T;
}

export interface ErrorEnvelope {
  error: ApiErrorBody;
}

export interface CallOptions {
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is (overrides `body`). */
  rawBody?: string;
  /** Added to (or, with `undefined`, removed from) the default headers. */
  headers?: Record<string, string | undefined>;
  signal?: AbortSignal;
}

/** One request with the headers the API requires, unless the test overrides them. */
export async function call<T = unknown>(
  emulator: RunningEmulator,
  method: 'GET' | 'POST',
  path: string,
  options: CallOptions = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = {
    Authorization: `Bearer ${API_KEY}`,
    'Lightfield-Version': '2026-03-01',
  };
  const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (payload !== undefined) headers['Content-Type'] = 'application/json';
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value === undefined) delete headers[name];
    else headers[name] = value;
  }
  const init: RequestInit = { method, headers };
  if (payload !== undefined) init.body = payload;
  if (options.signal) init.signal = options.signal;
  const response = await fetch(`${emulator.url}${path}`, init);
  const text = await response.text();
  const contentType = response.headers.get('content-type') ?? '';
  const body = (contentType.includes('json') && text !== '' ? JSON.parse(text) : text) as T;
  return { status: response.status, headers: response.headers, body };
}

/** The first active seeded account and member, for valid relationships. */
export function seededIds(emulator: RunningEmulator): { account: string; member: string; contact: string; inactiveAccount: string } {
  const seed = emulator.seedData();
  const account = seed.accounts.find((candidate) => candidate.active);
  const inactive = seed.accounts.find((candidate) => !candidate.active);
  const member = seed.members[0];
  const contact = seed.contacts[0];
  if (!account || !inactive || !member || !contact) throw new Error('the seed lacks an account, an inactive account, a member or a contact');
  return { account: account.id, member: member.id, contact: contact.id, inactiveAccount: inactive.id };
}

/** A valid create body for the default seed. */
export function createBody(emulator: RunningEmulator, fields: Record<string, unknown> = {}): { fields: Record<string, unknown>; relationships: Record<string, unknown> } {
  return {
    fields: { $name: 'Acme Solar Renewal', $stage: 'Proposal', ...fields },
    relationships: { $account: seededIds(emulator).account },
  };
}

export async function createOpportunity(emulator: RunningEmulator, fields: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<Entity> {
  const answer = await call<Entity>(emulator, 'POST', '/v1/opportunities', { body: createBody(emulator, fields), headers });
  if (answer.status !== 200) throw new Error(`create failed with ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** Unlimited buckets, for tests that are not about rate limiting. */
export const UNLIMITED = { rate: Number.POSITIVE_INFINITY, readRate: Number.POSITIVE_INFINITY, searchRate: Number.POSITIVE_INFINITY };

/** Polls until `condition` holds (e.g. the emulator has counted a request), failing after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A create through the API that must succeed, for any collection. */
export async function createRecord(
  emulator: RunningEmulator,
  collection: 'opportunities' | 'accounts' | 'contacts' | 'notes',
  body: { fields: Record<string, unknown>; relationships?: Record<string, unknown> },
  headers: Record<string, string> = {},
): Promise<Entity> {
  const answer = await call<Entity>(emulator, 'POST', `/v1/${collection}`, { body, headers });
  if (answer.status !== 200) throw new Error(`create in ${collection} failed with ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** One request to the emulator's /_emulator/* routes (no key, no version header). */
export async function admin<T = unknown>(
  emulator: RunningEmulator,
  method: 'GET' | 'POST' | 'DELETE',
  route: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const init: RequestInit = { method };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(`${emulator.url}/_emulator/${route}`, init);
  return { status: response.status, body: (await response.json()) as T };
}
