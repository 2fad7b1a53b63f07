/**
 * Shared pieces of the migration tests: an emulator serving an org with no accounts and no contacts
 * (members stay: owners are looked up among them), the built CLI run against it with one ledger per
 * workspace, and readers of what landed in the emulator (never the importer's own report).
 */
import { expect } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import type { EmulatorOptions, RunningEmulator } from '../../src/emulator/options.js';
import type { Entity } from '../../src/lightfield/types.js';
import { runCliProcess, type CliResult } from '../helpers/cli.js';
import { FAST_EMULATOR, type EmulatorWorkspace } from '../helpers/emulator-workspace.js';
import type { Workspace } from '../helpers/workspace.js';

export const API_KEY = 'sk_lf_migration_test_key';

/**
 * A test that runs the CLI several times: each process needs a second or more, several on a loaded
 * machine, well past jest's default.
 */
export const CLI_TEST_TIMEOUT_MS = 180_000;

/** A fresh Lightfield org: the seeded members, no accounts, no contacts, no opportunities. */
export const EMPTY_ORG: EmulatorOptions = { ...FAST_EMULATOR, accounts: [], contacts: [] };

/** A file of the repository (a fixture or an example mapping). */
export function repositoryFile(path: string): string {
  return fileURLToPath(new URL(`../../${path}`, import.meta.url));
}

export interface CliRun {
  command: 'import' | 'plan';
  csv: string;
  mapping: string;
  /** Report folder, inside the workspace. */
  out: string;
  /** `--rate`. @default 500 */
  rate?: number;
  extra?: string[];
}

/** The command line of `import` or `plan` with the workspace's ledger, against the emulator. */
export function commandArgs(workspace: Workspace, emulator: RunningEmulator, run: CliRun): string[] {
  return [
    run.command,
    run.csv,
    '-m',
    run.mapping,
    '-o',
    workspace.path(run.out),
    '--state',
    workspace.path('state.db'),
    '--base-url',
    emulator.url,
    '--rate',
    String(run.rate ?? 500),
    '--log-level',
    'error',
    ...(run.extra ?? []),
  ];
}

/** The API key travels in the environment, as the README recommends. */
export const CLI_ENV = { LIGHTFIELD_API_KEY: API_KEY };

/** Runs `import` or `plan` through the built CLI, as a user would. */
export function runCommand(workspace: Workspace, emulator: RunningEmulator, run: CliRun): Promise<CliResult> {
  return runCliProcess(commandArgs(workspace, emulator, run), { cwd: workspace.dir, env: CLI_ENV });
}

/** A CSV file with the mapping that imports it. */
export interface ExampleFile {
  csv: string;
  mapping: string;
}

/** An example of the repository: `fixtures/<folder>/<csv>` with `mappings/<mapping>`. */
export function exampleFile(folder: string, csv: string, mapping: string): ExampleFile {
  return { csv: repositoryFile(`fixtures/${folder}/${csv}`), mapping: repositoryFile(`mappings/${mapping}`) };
}

/** `run(command, file, out)` for the tests of one file, against its emulator and workspace. */
export function exampleRunner(org: EmulatorWorkspace): (command: CliRun['command'], file: ExampleFile, out: string) => Promise<CliResult> {
  return (command, file, out) => runCommand(org.workspace, org.emulator, { command, ...file, out });
}

/** Imports the files in the given order, each expected to exit 0; `suffix` tells the report folders of a rerun apart. */
export async function importInOrder(run: ReturnType<typeof exampleRunner>, files: Record<string, ExampleFile>, suffix = ''): Promise<void> {
  for (const [name, file] of Object.entries(files)) expectExit(await run('import', file, `${name}${suffix}`), 0);
}

/** The same commands again, with every record already there: nothing is sent. */
export async function expectRerunSendsNothing(org: EmulatorWorkspace, files: Record<string, ExampleFile>): Promise<void> {
  const writesBefore = org.emulator.stats().requests.write;
  await importInOrder(exampleRunner(org), files, '-again');
  expect(org.emulator.stats().requests.write).toBe(writesBefore);
}

/** Fails with the CLI's output when the exit code is not the expected one. */
export function expectExit(result: CliResult, code: number): void {
  if (result.code !== code) {
    throw new Error(`expected exit ${code}, got ${String(result.code)} (${String(result.signal)})\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  }
}

export function fieldOf(record: Entity, key: string): unknown {
  return record.fields[key]?.value;
}

/** The IDs a record links through a relationship. */
export function linkedIds(record: Entity, key: string): string[] {
  return record.relationships[key]?.values ?? [];
}

/** Case- and whitespace-insensitive, as the importer matches names. */
export function normalizedName(text: string): string {
  return text.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Records of a type by a text field (e.g. `legacyId`); fails when two records share a value (created twice). */
export function recordsBy(emulator: RunningEmulator, objectType: 'opportunity' | 'account' | 'contact' | 'note', key: string): Map<string, Entity> {
  const records = emulator.records(objectType);
  const byKey = new Map<string, Entity>();
  const twice: string[] = [];
  for (const record of records) {
    const value = fieldOf(record, key);
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    if (byKey.has(text)) twice.push(text);
    byKey.set(text, record);
  }
  expect(twice).toEqual([]);
  return byKey;
}

/** Account names by account ID, normalised. */
export function accountNamesById(emulator: RunningEmulator): Map<string, string> {
  return new Map(emulator.records('account').map((account) => [account.id, normalizedName(String(fieldOf(account, '$name')))]));
}

/** Each opportunity's (or contact's, or note's) linked records through `key`, named by `nameOf` and keyed by `keyOf`. */
export function linksOf(records: readonly Entity[], key: string, keyOf: (record: Entity) => string, nameOf: (id: string) => string | undefined): Record<string, Array<string | undefined>> {
  return Object.fromEntries(records.map((record) => [keyOf(record), linkedIds(record, key).map(nameOf).sort()]));
}

/** Member IDs by their email, from what the emulator serves. */
export function memberEmailsById(emulator: RunningEmulator): Map<string, string> {
  return new Map(emulator.seedData().members.map((member) => [member.id, member.email]));
}
