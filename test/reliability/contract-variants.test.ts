/**
 * The documented variants of the API contract the emulator can produce (unwrapped error envelope,
 * the in-flight 409 as `type: "idempotency_conflict"`, 429 with `Retry-After` only, definitions
 * without `slug`/`system`/`readOnly`): the importer works the same under all of them together.
 */
import { expect, test } from '@jest/globals';
import type { EmulatorOptions } from '../../src/emulator/options.js';
import { ImportError } from '../../src/errors.js';
import { runImport } from '../../src/pipeline/run.js';
import { useEmulatorWorkspace } from '../helpers/emulator-workspace.js';
import { csvText } from '../helpers/workspace.js';
import { HEADER, MAPPING, dealRows, expectEachExactlyOnce, importOptions } from '../exactly-once/fixture.js';

const VARIANTS: EmulatorOptions = {
  errorEnvelope: 'unwrapped',
  conflictType: 'idempotency_conflict',
  retryAfterMs: false,
  definitionExtras: false,
};

const context = useEmulatorWorkspace({ rate: 500, readRate: 500, searchRate: 500, seed: 3, ...VARIANTS });

test('with faults, 429s and every variant at once, reruns import every row exactly once', async () => {
  context.emulator.configure({ rate: 40, faults: { probability: 0.15, kinds: ['500', 'commit_then_500', 'drop', '429'], only: 'write' } });
  const rows = dealRows(120);
  context.workspace.write('deals.csv', csvText([HEADER, ...rows]));
  context.workspace.writeJson('mapping.json', MAPPING);
  let exitCode = -1;
  for (let run = 0; run < 6 && exitCode !== 0; run += 1) {
    const summary = await runImport(importOptions(context.workspace, context.emulator, { report: `report-${run}` }, { rate: 100, maxRetries: 2, timeoutMs: 5000 }));
    exitCode = summary.exitCode;
  }
  expect(exitCode).toBe(0);
  expectEachExactlyOnce(
    context.emulator,
    rows.map((row) => row[0]!),
  );
  expect(context.emulator.stats().faultsInjected['429']).toBeGreaterThan(0);
});

test('an API refusal in the unwrapped envelope still names what the API said', async () => {
  // A cell of over a megabyte: the API refuses the request as too large.
  const [deal] = dealRows(1);
  deal![5] = 'x'.repeat(1_100_000);
  context.workspace.write('deals.csv', csvText([HEADER, deal!]));
  context.workspace.writeJson('mapping.json', MAPPING);
  const summary = await runImport(importOptions(context.workspace, context.emulator, { report: 'report' }));
  const [result] = context.workspace.readCsv('report/results.csv');
  expect(summary.counts['failed']).toBe(1);
  expect(result!['error_message']).toContain('Lightfield refused the row (413)');
  expect(result!['error_type']).not.toBe('');
});

test('without readOnly in the definitions, a documented read-only relationship is refused before any row', async () => {
  context.workspace.write('deals.csv', csvText([HEADER, ...dealRows(1)]));
  context.workspace.writeJson('mapping.json', { ...MAPPING, relationships: { ...MAPPING.relationships, $task: { value: 'tsk_1' } } });
  const error = await runImport(importOptions(context.workspace, context.emulator, { report: 'report' })).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ImportError);
  expect((error as ImportError).code).toBe('mapping_read_only');
  expect((error as ImportError).message).toContain('$task');
  expect(context.emulator.stats().requests.write).toBe(0);
});
