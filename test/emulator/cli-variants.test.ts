/** `lightfield-import emulator` flags for the contract variants reach the running emulator. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';

import type { ApiErrorBody, Definitions } from '../../src/lightfield/types.js';
import { collect, startCliProcess } from '../helpers/cli.js';

const KEY = 'sk_lf_emulator_variants';
let child: ChildProcess;
let url: string;

function request(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Response> {
  const headers: Record<string, string> = { Authorization: `Bearer ${KEY}`, 'Lightfield-Version': '2026-03-01', ...init.headers };
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  return fetch(`${url}${path}`, { method: init.method ?? 'GET', headers, ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }) });
}

beforeAll(async () => {
  child = startCliProcess([
    'emulator',
    '--port', '0',
    '--rate', '2',
    '--latency', '150',
    '--error-envelope', 'unwrapped',
    '--conflict-type', 'idempotency_conflict',
    '--no-retry-after-ms',
    '--no-definition-extras',
  ]);
  url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.on('exit', () => reject(new Error(`emulator exited: ${output}`)));
  });
});

afterAll(async () => {
  const done = collect(child, 10_000);
  child.kill('SIGINT');
  expect((await done).code).toBe(0);
});

describe('lightfield-import emulator with every variant flag', () => {
  test('--error-envelope unwrapped: errors are { type, message } at the top level', async () => {
    const body = (await (await request('/v1/accounts/acc_missing')).json()) as ApiErrorBody;
    expect(body).toMatchObject({ type: 'not_found', message: expect.any(String) });
  });

  test('--no-definition-extras: fields lack slug and system', async () => {
    const definitions = (await (await request('/v1/accounts/definitions')).json()) as Definitions;
    expect(definitions.fieldDefinitions['$name']).not.toHaveProperty('slug');
    expect(definitions.fieldDefinitions['$name']).not.toHaveProperty('system');
  });

  test('--conflict-type and --no-retry-after-ms: a 409 typed idempotency_conflict, then a 429 with only Retry-After', async () => {
    const create = () => request('/v1/accounts', { method: 'POST', body: { fields: { $name: 'Flagged' } }, headers: { 'Idempotency-Key': 'same' } });
    const [first, second] = await Promise.all([create(), create()]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    const conflict = (await (first.status === 409 ? first : second).json()) as ApiErrorBody;
    expect(conflict.type).toBe('idempotency_conflict');
    const burst = await Promise.all(Array.from({ length: 6 }, () => request('/v1/accounts', { method: 'POST', body: { fields: { $name: 'Burst' } } })));
    const limited = burst.filter((answer) => answer.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    for (const answer of limited) {
      expect(answer.headers.get('retry-after')).not.toBeNull();
      expect(answer.headers.get('retry-after-ms')).toBeNull();
    }
  });
});
