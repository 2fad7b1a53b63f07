/**
 * `/_emulator/*`: control and inspection routes for other processes (the CLI's tests, benchmarks).
 * No authentication; they are not part of the Lightfield API and are neither counted nor rate limited.
 */
import { errorBody } from './api-error.js';
import type { EmulatorConfig, RunningEmulator } from './options.js';
import type { Answer } from './routes.js';

export type AdminTarget = Pick<RunningEmulator, 'stats' | 'opportunities' | 'configure' | 'injectFaults' | 'reset' | 'seedData'>;

const ADMIN_PREFIX = '/_emulator/';

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

/** Answers one admin request; invalid input is a 400 with the reason. */
export function handleAdmin(target: AdminTarget, method: string, path: string, body: Buffer | undefined): Answer {
  const action = `${method} ${path.slice(ADMIN_PREFIX.length).replace(/\/$/, '')}`;
  try {
    switch (action) {
      case 'GET stats':
        return ok(target.stats());
      case 'GET opportunities':
        return ok(target.opportunities());
      case 'GET seed':
        return ok(target.seedData());
      case 'POST config': {
        const change = parse(body);
        if (typeof change !== 'object' || change === null || Array.isArray(change)) return refuse(400, 'Expected a JSON object of settings.');
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
    return refuse(400, (error as Error).message);
  }
}
