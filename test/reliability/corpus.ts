/**
 * The bad-input corpus harness: one case = some files, a command line, and what a user must get
 * back (exit code, words of the message, which rows end how). Cases run through the BUILT binary
 * (`npm run build` first), as a user or a cron job would run it, against an in-process emulator.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { expect } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import { startEmulator } from '../../src/emulator/index.js';
import type { RunningEmulator } from '../../src/emulator/options.js';
import { runCliProcess, type CliResult } from '../helpers/cli.js';
import { createWorkspace, type Workspace } from '../helpers/workspace.js';

export const API_KEY = 'sk_lf_reliability_corpus_key';

/** The mapping most cases use: identity `id`, a lookup by account name, the id copied to `legacyId`. */
export const MAPPING = {
  object: 'opportunity',
  namespace: 'reliability',
  identity: ['id'],
  fields: { $name: 'name', $stage: 'stage', legacyId: 'id' },
  relationships: { $account: { column: 'account', lookup: { object: 'account', by: '$name' } } },
};

export const HEADER = 'id,name,stage,account';

/** Paths of one case's files inside its workspace. */
export interface CasePaths {
  csv: string;
  mapping: string;
  out: string;
  state: string;
  /** A regular file: a folder "inside" it can never be created. */
  regularFile: string;
}

/** [source line, status, words its error message must contain]. */
export type ExpectedRow = [line: number, status: string, says?: string];

export interface BadInputCase {
  name: string;
  /** The CSV, as text or bytes. Absent: no file. */
  csv?: string | Buffer;
  /** The CSV's file name in the workspace. @default 'input.csv' */
  csvName?: string;
  /** What the command line names as the CSV. @default the CSV's path */
  csvArgument?: (paths: CasePaths) => string;
  /** The mapping (`mapping.json`): an object is written as JSON, a string as it is. @default MAPPING */
  mapping?: unknown;
  /** @default 'import' */
  command?: 'import' | 'plan';
  /** Options added after the standard ones (`-o`, `--state`); an option given again takes the last value. */
  args?: (paths: CasePaths) => string[];
  /** The API key. @default API_KEY */
  apiKey?: string | undefined;
  /** Changes the emulator before the run (faults, …); each case has an emulator of its own. */
  arrange?: (emulator: RunningEmulator) => void;
  /** The emulator accepts only another key: ours was revoked. */
  revokedKey?: boolean;
  /** Scopes of the key (empty: full access). @default [] */
  scopes?: string[];
  code: number;
  /** Words stderr must contain (the message the user reads). */
  says?: (string | RegExp)[];
  /** Every data row and how it ends; the report must list exactly these lines, each once. */
  rows?: ExpectedRow[];
  /** `legacyId` → the `$name` that must land in Lightfield. */
  lands?: Record<string, string>;
  /** Extra checks for what the table cannot say. */
  check?: (outcome: CaseOutcome) => void | Promise<void>;
}

export interface CaseOutcome {
  cli: CliResult;
  paths: CasePaths;
  emulator: RunningEmulator;
  /** results.csv rows as arrays (first row: the header), or undefined when no report was written. */
  results: string[][] | undefined;
  /** Runs the same command line again (after the test changed the emulator, say). */
  rerun(): Promise<{ cli: CliResult; results: string[][] | undefined }>;
}

export function casePaths(workspace: Workspace, csvName = 'input.csv'): CasePaths {
  return {
    csv: workspace.path(csvName),
    mapping: workspace.path('mapping.json'),
    out: workspace.path('report'),
    state: workspace.path('state.db'),
    regularFile: workspace.path('a-regular-file'),
  };
}

/**
 * Runs one case in a workspace and an emulator of its own (so that cases can run concurrently):
 * writes its files, runs the CLI and checks everything the case expects.
 */
export async function runCase(testCase: BadInputCase): Promise<CaseOutcome> {
  const workspace = createWorkspace('lfi-bad-input-');
  const emulator = await startEmulator({
    rate: 1000,
    readRate: 1000,
    searchRate: 1000,
    ...(testCase.revokedKey ? { apiKey: 'sk_lf_someone_elses_key' } : {}),
    ...(testCase.scopes ? { scopes: testCase.scopes } : {}),
  });
  try {
    return await runCaseIn(testCase, workspace, emulator);
  } finally {
    await emulator.close();
    workspace.remove();
  }
}

async function runCaseIn(testCase: BadInputCase, workspace: Workspace, emulator: RunningEmulator): Promise<CaseOutcome> {
  const paths = casePaths(workspace, testCase.csvName);
  if (testCase.csv !== undefined) {
    mkdirSync(dirname(paths.csv), { recursive: true });
    workspace.write(testCase.csvName ?? 'input.csv', testCase.csv);
  }
  const mapping = testCase.mapping ?? MAPPING;
  workspace.write('mapping.json', typeof mapping === 'string' ? mapping : JSON.stringify(mapping, null, 2));
  workspace.write('a-regular-file', 'not a folder\n');
  testCase.arrange?.(emulator);

  const apiKey = 'apiKey' in testCase ? testCase.apiKey : API_KEY;
  const run = async (): Promise<{ cli: CliResult; results: string[][] | undefined }> => {
    const cli = await runCliProcess(
      [testCase.command ?? 'import', testCase.csvArgument?.(paths) ?? paths.csv, '-m', paths.mapping, '-o', paths.out, '--state', paths.state, ...(testCase.args?.(paths) ?? [])],
      { env: { LIGHTFIELD_API_KEY: apiKey, LIGHTFIELD_BASE_URL: emulator.url } },
    );
    const resultsPath = `${paths.out}/results.csv`;
    const results = existsSync(resultsPath) ? (parse(readFileSync(resultsPath), { bom: true, relax_column_count: true }) as string[][]) : undefined;
    return { cli, results };
  };
  const { cli, results } = await run();
  const outcome: CaseOutcome = { cli, paths, emulator, results, rerun: run };

  const context = `exit ${String(cli.code)}\n--- stderr:\n${cli.stderr.slice(0, 4000)}\n--- stdout:\n${cli.stdout.slice(0, 2000)}`;
  expect({ code: cli.code, context }).toMatchObject({ code: testCase.code });
  expectNoCrash(cli);
  for (const words of testCase.says ?? []) {
    if (typeof words === 'string') expect(cli.stderr).toContain(words);
    else expect(cli.stderr).toMatch(words);
  }
  if (testCase.code === 2) {
    // Exit 2 promises that nothing was written to Lightfield.
    expect(emulator.stats().requests.write).toBe(0);
  }
  if (testCase.rows !== undefined) expectRows(results, testCase.rows);
  if (results !== undefined) expectEveryLineOnce(results);
  for (const [legacyId, name] of Object.entries(testCase.lands ?? {})) {
    const landed = emulator.opportunities().filter((record) => record.fields['legacyId']?.value === legacyId);
    expect(landed.map((record) => record.fields['$name']?.value)).toEqual([name]);
  }
  await testCase.check?.(outcome);
  return outcome;
}

/** No stack trace, no "unexpected error": every failure the corpus causes is one we foresaw. */
export function expectNoCrash(cli: CliResult): void {
  expect(cli.signal).toBeNull();
  expect(cli.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  expect(cli.stderr).not.toContain('unexpected error');
  expect(cli.code).not.toBe(70);
}

/** The report lists exactly the expected lines, in input order, each with its status and reason. */
export function expectRows(results: string[][] | undefined, rows: ExpectedRow[]): void {
  expect(results).toBeDefined();
  const [header = [], ...data] = results!;
  const column = (name: string): number => header.indexOf(name);
  const actual = data.map((cells) => [Number(cells[column('line')]), cells[column('status')]]);
  expect(actual).toEqual(rows.map(([line, status]) => [line, status]));
  rows.forEach(([, , says], index) => {
    if (says !== undefined) expect(data[index]?.[column('error_message')]).toContain(says);
  });
}

/** No line of the input is reported twice, and the lines come in input order. */
export function expectEveryLineOnce(results: string[][]): void {
  const lines = results.slice(1).map((cells) => Number(cells[0]));
  expect(new Set(lines).size).toBe(lines.length);
  expect([...lines].sort((a, b) => a - b)).toEqual(lines);
}

/** Text encoded as Windows-1252 (Latin-1 plus the 0x80–0x9F punctuation exports are full of). */
export function windows1252(text: string): Buffer {
  const extra: Record<string, number> = { '€': 0x80, '‚': 0x82, '„': 0x84, '…': 0x85, '‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '–': 0x96, '—': 0x97 };
  return Buffer.from([...text].map((character) => extra[character] ?? character.charCodeAt(0)));
}

/** Deterministic bytes that are no text: every value but NUL, LF, CR and the double quote. */
export function garbageBytes(length: number, seed = 7): Buffer {
  const bytes: number[] = [];
  let state = seed;
  while (bytes.length < length) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const byte = (state >>> 16) & 0xff;
    if (byte !== 0x00 && byte !== 0x0a && byte !== 0x0d && byte !== 0x22) bytes.push(byte);
  }
  return Buffer.from(bytes);
}
