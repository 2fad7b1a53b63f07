/** `lightfield-import emulator --port P --rate 10` answers as the real API would (issue: foundation). */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { collect, startCliProcess } from '../helpers/cli.js';

const KEY = 'sk_lf_emulator_cli_test';
let child: ChildProcess;
let url: string;

function headers(extra: Record<string, string> = {}): Record<string, string> {
  return { Authorization: `Bearer ${KEY}`, 'Lightfield-Version': '2026-03-01', 'Content-Type': 'application/json', ...extra };
}

async function accountId(): Promise<string> {
  const response = await fetch(`${url}/v1/accounts?limit=1`, { headers: headers() });
  const body = (await response.json()) as { data: Array<{ id: string }> };
  return body.data[0]!.id;
}

beforeAll(async () => {
  child = startCliProcess(['emulator', '--port', '0', '--rate', '10']);
  url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.on('exit', () => reject(new Error(`emulator exited: ${output}`)));
  });
});

afterAll(async () => {
  const done = collect(child, 10_000);
  child.kill('SIGINT');
  const result = await done;
  expect(result.code).toBe(0);
});

describe('lightfield-import emulator', () => {
  test('401 without a key', async () => {
    const response = await fetch(`${url}/v1/opportunities/definitions`, { headers: { 'Lightfield-Version': '2026-03-01' } });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { type: 'unauthorized' } });
  });

  test('400 version_header without Lightfield-Version', async () => {
    const response = await fetch(`${url}/v1/opportunities/definitions`, { headers: { Authorization: `Bearer ${KEY}` } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { type: 'bad_request', code: 'version_header' } });
  });

  test('definitions include a read-only $opportunityStatus', async () => {
    const response = await fetch(`${url}/v1/opportunities/definitions`, { headers: headers() });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { fieldDefinitions: Record<string, { readOnly?: boolean }> };
    expect(body.fieldDefinitions['$opportunityStatus']?.readOnly).toBe(true);
  });

  test('a valid create answers 200 with an opp_ id, and the same Idempotency-Key replays it', async () => {
    const body = JSON.stringify({ fields: { $name: 'CLI deal', $stage: 'Prospecting' }, relationships: { $account: await accountId() } });
    const first = await fetch(`${url}/v1/opportunities`, { method: 'POST', headers: headers({ 'Idempotency-Key': 'cli-key-1' }), body });
    expect(first.status).toBe(200);
    const created = (await first.json()) as { id: string };
    expect(created.id).toMatch(/^opp_/);
    const again = await fetch(`${url}/v1/opportunities`, { method: 'POST', headers: headers({ 'Idempotency-Key': 'cli-key-1' }), body });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { id: string }).id).toBe(created.id);
  });

  test('an unknown field answers 400 unknown_field with its param', async () => {
    const body = JSON.stringify({ fields: { $name: 'x', $stage: 'Prospecting', bogus: 1 }, relationships: { $account: await accountId() } });
    const response = await fetch(`${url}/v1/opportunities`, { method: 'POST', headers: headers(), body });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'unknown_field', param: 'fields.bogus' } });
  });

  test('a burst of 40 writes gets some 429s with Retry-After and X-RateLimit-Limit 10', async () => {
    const account = await accountId();
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        fetch(`${url}/v1/opportunities`, {
          method: 'POST',
          headers: headers(),
          body: JSON.stringify({ fields: { $name: `burst ${index}`, $stage: 'Prospecting' }, relationships: { $account: account } }),
        }),
      ),
    );
    const limited = responses.filter((response) => response.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(responses.filter((response) => response.status === 200).length).toBeGreaterThan(0);
    expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited[0]!.headers.get('x-ratelimit-limit')).toBe('10');
    expect(await limited[0]!.json()).toMatchObject({ error: { type: 'too_many_requests' } });
  });
});
