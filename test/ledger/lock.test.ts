/**
 * `Ledger.openExclusive()`: one writer per ledger file, within a process as between processes
 * (the CLI-level race is in test/exactly-once/one-run-per-ledger.test.ts).
 */
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { Ledger } from '../../src/ledger/index.js';
import { importErrorOf } from '../helpers/import-error.js';
import { useTemporaryFolder } from './temporary-folder.js';

const temporaryFolder = useTemporaryFolder();

describe('Ledger.openExclusive()', () => {
  test('a second writer is refused naming the holder; after .close() the next one gets in', async () => {
    const file = path.join(temporaryFolder(), 'state.db');
    const first = await Ledger.openExclusive(file, { command: 'import', now: () => Date.UTC(2030, 0, 2, 3, 4, 5) });

    const error = await importErrorOf(Ledger.openExclusive(file));
    expect(error).toMatchObject({ code: 'state_locked', subject: file });
    expect(error.message).toContain(`another run (import, pid ${process.pid} on ${os.hostname()}, started 2030-01-02T03:04:05.000Z)`);
    expect(error.message).toContain('--wait');

    first.close();
    const second = await Ledger.openExclusive(file);
    second.close();
  });

  test('a reader is never refused', async () => {
    const file = path.join(temporaryFolder(), 'state.db');
    const writer = await Ledger.openExclusive(file);
    const reader = Ledger.open(file, { readonly: true });
    expect(reader.countByStatus('hubspot').created).toBe(0);
    reader.close();
    writer.close();
  });

  test('with waitMs it waits for the holder, saying once who that is', async () => {
    const file = path.join(temporaryFolder(), 'state.db');
    const first = await Ledger.openExclusive(file, { command: 'retry' });
    const waitedFor: unknown[] = [];
    setTimeout(() => first.close(), 300);

    const started = Date.now();
    const second = await Ledger.openExclusive(file, { waitMs: 10_000, onWait: (holder) => waitedFor.push(holder) });

    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(waitedFor).toEqual([expect.objectContaining({ command: 'retry', pid: process.pid })]);
    second.close();
  });

  test('waitMs runs out: refused, saying how long it waited', async () => {
    const file = path.join(temporaryFolder(), 'state.db');
    const first = await Ledger.openExclusive(file);
    const error = await importErrorOf(Ledger.openExclusive(file, { waitMs: 300 }));
    expect(error.code).toBe('state_locked');
    expect(error.message).toContain('did not let go within 0.3 s');
    first.close();
  });

  test('an abort while waiting stops the wait at once', async () => {
    const file = path.join(temporaryFolder(), 'state.db');
    const first = await Ledger.openExclusive(file);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('SIGINT')), 100);
    const started = Date.now();
    const error = await importErrorOf(Ledger.openExclusive(file, { waitMs: 60_000, signal: controller.signal }));
    expect(error.code).toBe('interrupted');
    expect(Date.now() - started).toBeLessThan(5_000);
    first.close();
  });
});
