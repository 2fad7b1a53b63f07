/**
 * `/_emulator/*`: control and inspection routes for other processes (the CLI's tests, benchmarks).
 * No authentication; they are not part of the Lightfield API and are neither counted nor rate limited.
 */
import { ApiError, errorBody } from './api-error.js';
import { kindOfCollection } from './objects.js';
import type { EmulatorConfig, RecordEdit, RunningEmulator } from './options.js';
import type { Answer } from './routes.js';

export type AdminTarget = Pick<
  RunningEmulator,
  'stats' | 'records' | 'editRecord' | 'deleteRecord' | 'configure' | 'injectFaults' | 'reset' | 'seedData'
>;

const ADMIN_PREFIX = '/_emulator/';
const RECORD_PREFIX = 'records/';

export function isAdminPath(path: string): boolean {
  return path.startsWith(ADMIN_PREFIX);
}

function ok(value: unknown): Answer {
  return { status: 200, body: JSON.stringify(value) };
}

function refuse(status: number, message: string): Answer {
  return { status, body: errorBody(status === 404 ? 'not_found' : 'bad_request', message) };
}

function parse(body: Buffer | undefined): unknown {
  const text = body?.toString('utf8').trim() ?? '';
  return text === '' ? {} : JSON.parse(text);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `POST` edits and `DELETE` deletes the record `records/{id}` names. */
function handleRecord(target: AdminTarget, method: string, encodedId: string, body: Buffer | undefined): Answer {
  const id = decodeURIComponent(encodedId);
  if (method === 'DELETE') {
    target.deleteRecord(id);
    return ok({ ok: true, id });
  }
  if (method !== 'POST') return refuse(404, `No emulator admin route ${method} records/{id}; use POST to edit or DELETE to delete.`);
  const edit = parse(body);
  if (!isObject(edit)) return refuse(400, 'Expected a JSON object like { "fields": { ... }, "relationships": { ... } }.');
  return ok(target.editRecord(id, edit as RecordEdit));
}

/** Answers one admin request; invalid input is a 400 with the reason, an unknown record a 404. */
export function handleAdmin(target: AdminTarget, method: string, path: string, body: Buffer | undefined): Answer {
  const route = path.slice(ADMIN_PREFIX.length).replace(/\/$/, '');
  const action = `${method} ${route}`;
  try {
    if (route.startsWith(RECORD_PREFIX) && !route.slice(RECORD_PREFIX.length).includes('/')) {
      return handleRecord(target, method, route.slice(RECORD_PREFIX.length), body);
    }
    const collection = method === 'GET' ? kindOfCollection(route) : undefined;
    if (collection) return ok(target.records(collection.objectType));
    switch (action) {
      case 'GET stats':
        return ok(target.stats());
      case 'GET seed':
        return ok(target.seedData());
      case 'POST config': {
        const change = parse(body);
        if (!isObject(change)) return refuse(400, 'Expected a JSON object of settings.');
        target.configure(change as Partial<EmulatorConfig>);
        return ok({ ok: true });
      }
      case 'POST faults': {
        const input = parse(body) as unknown;
        const queue = Array.isArray(input) ? input : (input as { faults?: unknown }).faults;
        target.injectFaults(queue as Parameters<AdminTarget['injectFaults']>[0]);
        return ok({ ok: true, queued: Array.isArray(queue) ? queue.length : 0 });
      }
      case 'POST reset':
        target.reset();
        return ok({ ok: true });
      default:
        return refuse(404, `No emulator admin route ${method} ${path}.`);
    }
  } catch (error) {
    if (error instanceof ApiError) return { status: error.status, body: error.toBody() };
    return refuse(400, (error as Error).message);
  }
}
