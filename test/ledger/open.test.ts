import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, test } from '@jest/globals';
import { ImportError, type ImportErrorCode } from '../../src/errors.js';
import { Ledger, SCHEMA_VERSION } from '../../src/ledger/index.js';
import { useTemporaryFolder } from './temporary-folder.js';

const temporaryFolder = useTemporaryFolder();

const inFlight = {
  namespace: 'hubspot',
  identity: '["42"]',
  payloadHash: 'hash-v1',
  payload: '{}',
  requestBody: '{}',
  operation: 'create' as const,
  idempotencyKey: 'key-1',
};

function openError(file: string, options?: { readonly?: boolean }): ImportError {
  try {
    Ledger.open(file, options).close();
  } catch (error) {
    if (error instanceof ImportError) {
      return error;
    }
    throw error;
  }
  throw new Error(`Ledger.open(${file}) succeeded`);
}

describe('Ledger.open() creating a file', () => {
  test('creates missing parent folders', () => {
    const file = path.join(temporaryFolder(), 'a', 'b', 'state.db');
    Ledger.open(file).close();
    expect(fs.existsSync(file)).toBe(true);
  });

  test('the file and its -wal and -shm files are readable by the owner only', () => {
    const file = path.join(temporaryFolder(), 'state.db');
    const ledger = Ledger.open(file);
    ledger.markInFlight(inFlight);
    const modes = ['', '-wal', '-shm'].map((suffix) => fs.statSync(file + suffix).mode & 0o777);
    ledger.close();
    expect(modes).toEqual([0o600, 0o600, 0o600]);
  });

  test('created parent folders are private to the owner', () => {
    const folder = path.join(temporaryFolder(), 'state-folder');
    Ledger.open(path.join(folder, 'state.db')).close();
    expect(fs.statSync(folder).mode & 0o777).toBe(0o700);
  });

  test('an empty existing file becomes a ledger', () => {
    const file = path.join(temporaryFolder(), 'state.db');
    fs.writeFileSync(file, '');
    const ledger = Ledger.open(file);
    ledger.markInFlight(inFlight);
    ledger.close();
    expect(Ledger.open(file, { readonly: true }).get('hubspot', '["42"]')).toMatchObject({ status: 'in_flight' });
  });
});

describe('Ledger.open() read-only', () => {
  test('a missing file reads as an empty ledger and nothing is created', () => {
    const folder = temporaryFolder();
    const file = path.join(folder, 'missing', 'state.db');
    const ledger = Ledger.open(file, { readonly: true });
    expect(ledger.get('hubspot', '["42"]')).toBeUndefined();
    expect(ledger.inFlight('hubspot')).toEqual([]);
    expect(ledger.countByStatus('hubspot')).toEqual({ in_flight: 0, created: 0, updated: 0, failed: 0 });
    expect(ledger.getRun('run-1')).toBeUndefined();
    ledger.close();
    expect(fs.readdirSync(folder)).toEqual([]);
  });

  test('reads what an import wrote while the import still has it open', () => {
    const file = path.join(temporaryFolder(), 'state.db');
    const writer = Ledger.open(file);
    writer.markInFlight(inFlight);
    const reader = Ledger.open(file, { readonly: true });
    expect(reader.get('hubspot', '["42"]')).toMatchObject({ status: 'in_flight', idempotencyKey: 'key-1' });
    reader.close();
    writer.close();
  });

  test('writing through a read-only ledger is refused', () => {
    const ledger = Ledger.open(path.join(temporaryFolder(), 'state.db'), { readonly: true });
    expect(() => ledger.markInFlight(inFlight)).toThrow(/read-only/);
    ledger.close();
  });
});

describe('Ledger.open() refusing a file', () => {
  function notSqlite(file: string): void {
    fs.writeFileSync(file, 'Record ID,Deal Name\n1,Acme\n'.repeat(200));
  }
  function foreignSqlite(file: string): void {
    const database = new Database(file);
    database.exec('CREATE TABLE contacts (id INTEGER PRIMARY KEY)');
    database.close();
  }
  function newerLedger(file: string): void {
    Ledger.open(file).close();
    const database = new Database(file);
    database.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    database.close();
  }

  function resetVersion(file: string): void {
    Ledger.open(file).close();
    const database = new Database(file);
    database.pragma('user_version = 0');
    database.close();
  }
  function droppedTable(file: string): void {
    Ledger.open(file).close();
    const database = new Database(file);
    database.exec('DROP TABLE entries');
    database.close();
  }
  function garbagePage(file: string): void {
    const ledger = Ledger.open(file);
    for (let index = 0; index < 200; index++) ledger.markInFlight({ ...inFlight, identity: `["${index}"]`, payload: 'x'.repeat(200) });
    ledger.close();
    const bytes = fs.readFileSync(file);
    bytes.fill(0x5a, 4096 * 3, 4096 * 4);
    fs.writeFileSync(file, bytes);
  }

  test.each<[string, (file: string) => void, boolean, ImportErrorCode, RegExp]>([
    ['a ledger whose schema version was reset', resetVersion, false, 'state_damaged', /ledger damaged: .* \(was its schema version reset\?\)/],
    ['a ledger whose schema version was reset, read-only', resetVersion, true, 'state_damaged', /ledger damaged/],
    ['a ledger with a dropped table', droppedTable, false, 'state_damaged', /lacks table entries/],
    ['a ledger with a dropped table, read-only', droppedTable, true, 'state_damaged', /lacks table entries/],
    ['a ledger with a garbage page', garbagePage, false, 'state_damaged', /ledger damaged: .*Move it aside/],
    ['a ledger with a garbage page, read-only', garbagePage, true, 'state_damaged', /ledger damaged/],
    ['a file that is not SQLite', notSqlite, false, 'state_incompatible', /not a SQLite database/],
    ['a file that is not SQLite, read-only', notSqlite, true, 'state_incompatible', /not a SQLite database/],
    ['another program’s SQLite file', foreignSqlite, false, 'state_incompatible', /another program/],
    ['another program’s SQLite file, read-only', foreignSqlite, true, 'state_incompatible', /another program/],
    ['a ledger from a newer release', newerLedger, false, 'state_incompatible', /newer release/],
    ['a ledger from a newer release, read-only', newerLedger, true, 'state_incompatible', /newer release/],
  ])('%s', (_name, prepare, readonly, code, message) => {
    const file = path.join(temporaryFolder(), 'state.db');
    prepare(file);
    const before = fs.readFileSync(file);
    const error = openError(file, { readonly });
    expect(error).toMatchObject({ code, subject: file });
    expect(error.message).toContain(file);
    expect(error.message).toMatch(message);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  test.each([
    ['below a regular file', (folder: string) => path.join(folder, 'file.txt', 'state.db')],
    ['deeper below a regular file', (folder: string) => path.join(folder, 'file.txt', 'sub', 'state.db')],
    ['that is a folder', (folder: string) => folder],
  ])('a path %s is unwritable', (_name, pathIn) => {
    const folder = temporaryFolder();
    fs.writeFileSync(path.join(folder, 'file.txt'), 'not a folder');
    const file = pathIn(folder);
    const error = openError(file);
    expect(error).toMatchObject({ code: 'state_unwritable', subject: file });
    expect(error.message).toContain(file);
  });
});
