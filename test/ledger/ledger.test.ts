import path from 'node:path';
import { afterEach, describe, expect, test } from '@jest/globals';
import { Ledger, type InFlightRequest } from '../../src/ledger/index.js';
import { useTemporaryFolder } from './temporary-folder.js';

const temporaryFolder = useTemporaryFolder();
const open: Ledger[] = [];

afterEach(() => {
  for (const ledger of open.splice(0)) {
    ledger.close();
  }
});

/** Opens a ledger closed after the test; a clock that reads 1000, 2000, 3000, … */
function openLedger(file = path.join(temporaryFolder(), 'state.db'), flushIntervalMs = 60_000): Ledger {
  let tick = 0;
  const ledger = Ledger.open(file, { now: () => (tick += 1000), flushIntervalMs });
  open.push(ledger);
  return ledger;
}

function request(overrides: Partial<InFlightRequest> = {}): InFlightRequest {
  return {
    namespace: 'hubspot',
    identity: '["42"]',
    payloadHash: 'hash-v1',
    payload: '{"$name":"Acme renewal"}',
    requestBody: '{"fields":{"$name":"Acme renewal"}}',
    operation: 'create',
    idempotencyKey: 'lfi-hubspot-42-v1',
    ...overrides,
  };
}

describe('Ledger lifecycle', () => {
  test('an unknown identity has no entry', () => {
    expect(openLedger().get('hubspot', '["42"]')).toBeUndefined();
  });

  test('.markInFlight() records the request to replay, with its key', () => {
    const ledger = openLedger();
    ledger.markInFlight(request());
    expect(ledger.get('hubspot', '["42"]')).toEqual({
      namespace: 'hubspot',
      identity: '["42"]',
      status: 'in_flight',
      operation: 'create',
      idempotencyKey: 'lfi-hubspot-42-v1',
      requestBody: '{"fields":{"$name":"Acme renewal"}}',
      payloadHash: 'hash-v1',
      payload: '{"$name":"Acme renewal"}',
      pendingPayloadHash: 'hash-v1',
      pendingPayload: '{"$name":"Acme renewal"}',
      applied: false,
      opportunityId: null,
      httpLink: null,
      attempts: 0,
      firstSentAt: 1000,
      lastAnswerAt: null,
      lastError: null,
    });
  });

  test('.markAnswered() created: the pending payload becomes the applied one, with the ID; the body is dropped', () => {
    const ledger = openLedger();
    ledger.markInFlight(request());
    ledger.markAnswered('hubspot', '["42"]', {
      status: 'created',
      opportunityId: 'opp_1',
      httpLink: 'https://app.lightfield.app/opp_1',
      attempts: 2,
    });
    expect(ledger.get('hubspot', '["42"]')).toMatchObject({
      status: 'created',
      opportunityId: 'opp_1',
      httpLink: 'https://app.lightfield.app/opp_1',
      applied: true,
      payloadHash: 'hash-v1',
      payload: '{"$name":"Acme renewal"}',
      pendingPayloadHash: 'hash-v1',
      pendingPayload: '{"$name":"Acme renewal"}',
      requestBody: null,
      attempts: 2,
      firstSentAt: 1000,
      lastAnswerAt: 2000,
    });
  });

  test('a reopened ledger sees every entry, answers included', () => {
    const file = path.join(temporaryFolder(), 'state.db');
    const first = Ledger.open(file);
    first.markInFlight(request());
    first.markAnswered('hubspot', '["42"]', { status: 'created', opportunityId: 'opp_1', attempts: 1 });
    first.markInFlight(request({ identity: '["43"]', idempotencyKey: 'lfi-hubspot-43-v1' }));
    first.close();

    const second = openLedger(file);
    expect(second.get('hubspot', '["42"]')).toMatchObject({ status: 'created', opportunityId: 'opp_1' });
    expect(second.get('hubspot', '["43"]')).toMatchObject({ status: 'in_flight', idempotencyKey: 'lfi-hubspot-43-v1' });
  });

  test('namespaces are kept apart', () => {
    const ledger = openLedger();
    ledger.markInFlight(request());
    expect(ledger.get('salesforce', '["42"]')).toBeUndefined();
  });

  test('.close() twice does nothing the second time', () => {
    const ledger = Ledger.open(path.join(temporaryFolder(), 'state.db'));
    ledger.close();
    expect(() => ledger.close()).not.toThrow();
  });
});

describe('Ledger batched answers', () => {
  test('an answer is visible through .get() before it is written, and written by .flush()', () => {
    const file = path.join(temporaryFolder(), 'state.db');
    const writer = openLedger(file);
    const reader = openLedger(file);
    writer.markInFlight(request());
    writer.markAnswered('hubspot', '["42"]', { status: 'created', opportunityId: 'opp_1', attempts: 1 });

    expect(writer.get('hubspot', '["42"]')).toMatchObject({ status: 'created', opportunityId: 'opp_1' });
    expect(reader.get('hubspot', '["42"]')).toMatchObject({ status: 'in_flight', opportunityId: null });

    writer.flush();
    expect(reader.get('hubspot', '["42"]')).toMatchObject({ status: 'created', opportunityId: 'opp_1' });
  });

  test('answers are written within the flush interval without any call', async () => {
    const file = path.join(temporaryFolder(), 'state.db');
    const writer = openLedger(file, 20);
    const reader = openLedger(file);
    writer.markInFlight(request());
    writer.markAnswered('hubspot', '["42"]', { status: 'created', opportunityId: 'opp_1', attempts: 1 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(reader.get('hubspot', '["42"]')).toMatchObject({ status: 'created' });
  });

  test('a batch of answers as large as flushBatchSize is written at once', () => {
    const file = path.join(temporaryFolder(), 'state.db');
    const writer = Ledger.open(file, { flushIntervalMs: 60_000, flushBatchSize: 3 });
    open.push(writer);
    const reader = openLedger(file);
    for (const identity of ['1', '2', '3']) {
      writer.markInFlight(request({ identity }));
      writer.markAnswered('hubspot', identity, { status: 'created', opportunityId: `opp_${identity}`, attempts: 1 });
    }
    expect(reader.countByStatus('hubspot')).toEqual({ in_flight: 0, created: 3, updated: 0, failed: 0 });
  });

  test('.markInFlight() after an unwritten answer keeps that answer', () => {
    const ledger = openLedger();
    ledger.markInFlight(request());
    ledger.markAnswered('hubspot', '["42"]', { status: 'created', opportunityId: 'opp_1', attempts: 1 });
    ledger.markInFlight(request({ operation: 'update', payloadHash: 'hash-v2', idempotencyKey: 'key-v2' }));
    ledger.flush();
    expect(ledger.get('hubspot', '["42"]')).toMatchObject({
      status: 'in_flight',
      operation: 'update',
      opportunityId: 'opp_1',
      payloadHash: 'hash-v1',
      pendingPayloadHash: 'hash-v2',
      applied: true,
    });
  });

  test('.markAnswered() without .markInFlight() is a programming error', () => {
    expect(() => openLedger().markAnswered('hubspot', 'nobody', { status: 'failed', attempts: 1 })).toThrow(
      /never marked in flight/,
    );
  });
});

describe("the run's own ledger (held with its lock)", () => {
  test('a request marked in flight after lookups is committed at once: another connection sees it, and sees its answer once flushed', async () => {
    const file = path.join(temporaryFolder(), 'state.db');
    const run = await Ledger.openExclusive(file);
    open.push(run);
    const other = Ledger.open(file, { readonly: true });
    open.push(other);
    // Lookups first, as a rerun makes them row after row.
    expect(run.get('hubspot', '["41"]')).toBeUndefined();
    expect(run.get('hubspot', '["42"]')).toBeUndefined();

    run.markInFlight(request());
    expect(other.get('hubspot', '["42"]')).toMatchObject({ status: 'in_flight', idempotencyKey: 'lfi-hubspot-42-v1' });

    expect(run.get('hubspot', '["43"]')).toBeUndefined();
    run.markAnswered('hubspot', '["42"]', { status: 'created', opportunityId: 'opp_1', attempts: 1 });
    run.flush();
    expect(other.get('hubspot', '["42"]')).toMatchObject({ status: 'created', opportunityId: 'opp_1' });
  });
});

describe('Ledger updates of a created record', () => {
  /** A record created with v1, then an update to v2 sent. */
  function createdThenUpdating(): Ledger {
    const ledger = openLedger();
    ledger.markInFlight(request());
    ledger.markAnswered('hubspot', '["42"]', {
      status: 'created',
      opportunityId: 'opp_1',
      httpLink: 'https://app.lightfield.app/opp_1',
      attempts: 1,
    });
    ledger.markInFlight(
      request({
        operation: 'update',
        payloadHash: 'hash-v2',
        payload: '{"$name":"Acme renewal 2027"}',
        requestBody: '{"fields":{"$name":"Acme renewal 2027"}}',
        idempotencyKey: 'lfi-hubspot-42-v2',
        opportunityId: 'opp_1',
      }),
    );
    return ledger;
  }

  test('while the update is in flight the applied payload is still v1', () => {
    expect(createdThenUpdating().get('hubspot', '["42"]')).toMatchObject({
      status: 'in_flight',
      operation: 'update',
      idempotencyKey: 'lfi-hubspot-42-v2',
      requestBody: '{"fields":{"$name":"Acme renewal 2027"}}',
      payloadHash: 'hash-v1',
      pendingPayloadHash: 'hash-v2',
      opportunityId: 'opp_1',
      // The update's key was first sent at 3000: its 24 h idempotency window starts there.
      firstSentAt: 3000,
    });
  });

  test('the same key sent again keeps the time it was first sent', () => {
    const ledger = createdThenUpdating();
    const entry = ledger.get('hubspot', '["42"]')!;
    ledger.markInFlight({
      namespace: 'hubspot',
      identity: '["42"]',
      payloadHash: entry.pendingPayloadHash,
      payload: entry.pendingPayload,
      requestBody: entry.requestBody!,
      operation: entry.operation,
      idempotencyKey: entry.idempotencyKey,
    });
    expect(ledger.get('hubspot', '["42"]')?.firstSentAt).toBe(entry.firstSentAt);
  });

  test('a failed update keeps the ID, the link, the applied payload and the request body', () => {
    const ledger = createdThenUpdating();
    ledger.markAnswered('hubspot', '["42"]', { status: 'failed', attempts: 3, error: 'validation_error' });
    ledger.flush();
    expect(ledger.get('hubspot', '["42"]')).toMatchObject({
      status: 'failed',
      opportunityId: 'opp_1',
      httpLink: 'https://app.lightfield.app/opp_1',
      applied: true,
      payloadHash: 'hash-v1',
      payload: '{"$name":"Acme renewal"}',
      pendingPayloadHash: 'hash-v2',
      requestBody: '{"fields":{"$name":"Acme renewal 2027"}}',
      attempts: 3,
      lastError: 'validation_error',
    });
  });

  test('a successful update makes v2 the applied payload and clears the last error', () => {
    const ledger = createdThenUpdating();
    ledger.markAnswered('hubspot', '["42"]', { status: 'failed', attempts: 1, error: 'timeout' });
    ledger.markInFlight(request({ operation: 'update', payloadHash: 'hash-v2', payload: '{"v":2}' }));
    ledger.markAnswered('hubspot', '["42"]', { status: 'updated', attempts: 1 });
    expect(ledger.get('hubspot', '["42"]')).toMatchObject({
      status: 'updated',
      opportunityId: 'opp_1',
      payloadHash: 'hash-v2',
      payload: '{"v":2}',
      requestBody: null,
      lastError: null,
    });
  });

  test('an answer can name the payload it applied', () => {
    const ledger = createdThenUpdating();
    ledger.markAnswered('hubspot', '["42"]', {
      status: 'updated',
      attempts: 1,
      payloadHash: 'hash-v3',
      payload: '{"v":3}',
    });
    expect(ledger.get('hubspot', '["42"]')).toMatchObject({ payloadHash: 'hash-v3', payload: '{"v":3}' });
  });

  test('a failed create leaves no ID and nothing applied', () => {
    const ledger = openLedger();
    ledger.markInFlight(request());
    ledger.markAnswered('hubspot', '["42"]', { status: 'failed', attempts: 1, error: 'bad stage' });
    expect(ledger.get('hubspot', '["42"]')).toMatchObject({
      status: 'failed',
      opportunityId: null,
      applied: false,
      payloadHash: 'hash-v1',
      requestBody: '{"fields":{"$name":"Acme renewal"}}',
      lastError: 'bad stage',
    });
  });
});

describe('Ledger queries', () => {
  test('.inFlight() and .countByStatus() count unwritten answers too', () => {
    const ledger = openLedger();
    ledger.markInFlight(request({ identity: 'a' }));
    ledger.markInFlight(request({ identity: 'b' }));
    ledger.markInFlight(request({ identity: 'c' }));
    ledger.markInFlight(request({ identity: 'd', namespace: 'other' }));
    ledger.markAnswered('hubspot', 'b', { status: 'created', opportunityId: 'opp_b', attempts: 1 });
    ledger.markAnswered('hubspot', 'c', { status: 'failed', attempts: 1 });

    expect(ledger.inFlight('hubspot').map((entry) => entry.identity)).toEqual(['a']);
    expect(ledger.countByStatus('hubspot')).toEqual({ in_flight: 1, created: 1, updated: 0, failed: 1 });
    expect(ledger.countByStatus('nobody')).toEqual({ in_flight: 0, created: 0, updated: 0, failed: 0 });
  });

  test('.knownRecords() lists the records of one type made in any namespace, with the payload applied, not those still in flight', () => {
    const ledger = openLedger();
    ledger.markInFlight(request({ namespace: 'accounts', identity: 'a', payload: '{"fields":{"$name":"Alpha"}}' }));
    ledger.markInFlight(request({ namespace: 'companies', identity: 'b', payload: '{"fields":{"$name":"Beta"}}' }));
    ledger.markInFlight(request({ namespace: 'accounts', identity: 'c', payload: '{"fields":{"$name":"Gamma"}}' }));
    ledger.markInFlight(request({ namespace: 'deals', identity: 'd' }));
    ledger.markAnswered('accounts', 'a', { status: 'created', opportunityId: 'acc_a', attempts: 1 });
    ledger.markAnswered('companies', 'b', { status: 'created', opportunityId: 'acc_b', attempts: 1 });
    ledger.markAnswered('deals', 'd', { status: 'created', opportunityId: 'opp_d', attempts: 1 });

    expect(ledger.knownRecords('acc_').sort((left, right) => left.id.localeCompare(right.id))).toEqual([
      { id: 'acc_a', payload: '{"fields":{"$name":"Alpha"}}' },
      { id: 'acc_b', payload: '{"fields":{"$name":"Beta"}}' },
    ]);
    expect(ledger.knownRecords('con_')).toEqual([]);
  });
});

describe('Ledger runs', () => {
  const start = {
    runId: 'run-1',
    command: 'import',
    csvPath: 'deals.csv',
    mappingPath: 'mapping.json',
    namespace: 'hubspot',
    settings: '{"rate":25}',
    startedAt: 1_700_000_000_000,
  };

  test('a started run has no outcome; a finished one has it, also after reopening', () => {
    const file = path.join(temporaryFolder(), 'state.db');
    const ledger = Ledger.open(file);
    ledger.startRun(start);
    expect(ledger.getRun('run-1')).toEqual({ ...start, finishedAt: null, exitCode: null, summary: null });
    ledger.finishRun('run-1', { finishedAt: 1_700_000_060_000, exitCode: 1, summary: '{"failed":2}' });
    ledger.close();

    expect(openLedger(file).getRun('run-1')).toEqual({
      ...start,
      finishedAt: 1_700_000_060_000,
      exitCode: 1,
      summary: '{"failed":2}',
    });
  });

  test('an unknown run is undefined', () => {
    expect(openLedger().getRun('nope')).toBeUndefined();
  });

  test('finishing a run that never started is a programming error', () => {
    expect(() => openLedger().finishRun('nope', { finishedAt: 1, exitCode: 0, summary: '{}' })).toThrow(/never started/);
  });

  test.each([
    ['settings', (ledger: Ledger) => ledger.startRun({ ...start, settings: '{"apiKey":"sk_lf_0_secret"}' })],
    [
      'summary',
      (ledger: Ledger) => {
        ledger.startRun(start);
        ledger.finishRun('run-1', { finishedAt: 2, exitCode: 0, summary: '{"key":"sk_lf_0_secret"}' });
      },
    ],
  ])('run %s holding an API key are refused without quoting it', (_what, store) => {
    const ledger = openLedger();
    let message = '';
    try {
      store(ledger);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/API key/);
    expect(message).not.toContain('secret');
  });
});
