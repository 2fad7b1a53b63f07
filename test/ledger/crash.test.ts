/**
 * A real crash: a child process records requests and answers, then kills itself with SIGKILL
 * (no `close`, no flush, no exit handlers). The child runs the ledger's own sources, compiled
 * to CommonJS on the fly, so no build is needed.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { Ledger } from '../../src/ledger/index.js';
import { useTemporaryFolder } from './temporary-folder.js';

const temporaryFolder = useTemporaryFolder();
const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SOURCES = [
  'src/errors.ts',
  ...fs.readdirSync(path.join(projectRoot, 'src/ledger')).map((file) => `src/ledger/${file}`),
].filter((file) => file.endsWith('.ts'));

let compiled = '';

beforeAll(() => {
  compiled = fs.mkdtempSync(path.join(os.tmpdir(), 'lightfield-ledger-compiled-'));
  for (const source of SOURCES) {
    const { outputText } = ts.transpileModule(fs.readFileSync(path.join(projectRoot, source), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    });
    const target = path.join(compiled, source.replace(/\.ts$/, '.js'));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, outputText);
  }
});

afterAll(() => {
  fs.rmSync(compiled, { recursive: true, force: true });
});

/** Runs `body` in a child process with `ledger` opened on `file`, then SIGKILLs it. */
function runThenKill(file: string, body: string): void {
  const script = `
    const { Ledger } = require(${JSON.stringify(path.join(compiled, 'src/ledger/ledger.js'))});
    const ledger = Ledger.open(${JSON.stringify(file)});
    const request = (identity) => ({
      namespace: 'hubspot', identity, payloadHash: 'hash-' + identity, payload: '{}',
      requestBody: '{"fields":{"$name":"' + identity + '"}}', operation: 'create', idempotencyKey: 'key-' + identity,
    });
    ${body}
    process.kill(process.pid, 'SIGKILL');
  `;
  const child = spawnSync(process.execPath, ['-e', script], {
    env: { ...process.env, NODE_PATH: path.join(projectRoot, 'node_modules') },
    encoding: 'utf8',
  });
  expect({ signal: child.signal, stderr: child.stderr }).toEqual({ signal: 'SIGKILL', stderr: '' });
}

test('a crash after .markInFlight() leaves the request in flight with its key and body', () => {
  const file = path.join(temporaryFolder(), 'state.db');
  runThenKill(file, `ledger.markInFlight(request('a'));`);

  const ledger = Ledger.open(file);
  expect(ledger.inFlight('hubspot')).toMatchObject([
    { identity: 'a', status: 'in_flight', idempotencyKey: 'key-a', requestBody: '{"fields":{"$name":"a"}}' },
  ]);
  ledger.close();
});

test('a crash loses only unflushed answers, whose rows stay in flight; flushed answers survive', () => {
  const file = path.join(temporaryFolder(), 'state.db');
  runThenKill(
    file,
    `
    ledger.markInFlight(request('flushed'));
    ledger.markAnswered('hubspot', 'flushed', { status: 'created', opportunityId: 'opp_1', attempts: 1 });
    ledger.flush();
    ledger.markInFlight(request('unflushed'));
    ledger.markAnswered('hubspot', 'unflushed', { status: 'created', opportunityId: 'opp_2', attempts: 1 });
    `,
  );

  const ledger = Ledger.open(file);
  expect(ledger.get('hubspot', 'flushed')).toMatchObject({ status: 'created', opportunityId: 'opp_1' });
  expect(ledger.get('hubspot', 'unflushed')).toMatchObject({
    status: 'in_flight',
    opportunityId: null,
    idempotencyKey: 'key-unflushed',
  });
  ledger.close();
});
