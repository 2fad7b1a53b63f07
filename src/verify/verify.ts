/**
 * `verify <report-dir>`: reads back every record a run created, updated or found unchanged (retrieve,
 * the Read budget, paced like every request) and compares each mapped field and relationship with
 * what the ledger says was applied, as Lightfield stores values. Writes `verify.csv` beside the report
 * (line, record ID, ok / mismatch / missing, the differences) and says whether all is well.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import PQueue from 'p-queue';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { ImportError } from '../errors.js';
import { sameFieldValue, sameRelationship, shownValue } from '../lightfield/compare-values.js';
import { LightfieldClient } from '../lightfield/client.js';
import { NotFoundError } from '../lightfield/errors.js';
import { OBJECTS } from '../lightfield/objects.js';
import type { Definitions, Entity } from '../lightfield/types.js';
import { Ledger } from '../ledger/index.js';
import { LookupResolver } from '../lookup/resolver.js';
import { compileMapping, loadMapping } from '../mapping/index.js';
import { identityOf } from '../mapping/map-row.js';
import type { RelationshipInput } from '../mapping/types.js';
import { RateLimiter } from '../pacing/rate-limiter.js';
import { fetchDefinitions } from '../pipeline/setup.js';
import type { RunSettings } from '../pipeline/setup.js';
import { unescapeFormula } from '../report/escape.js';
import { writeFileAtomically } from '../report/report-folder.js';
import { RESULT_COLUMNS } from '../report/report-writer.js';

export interface VerifyOptions {
  /** The report folder of the run to verify (holds summary.json and results.csv). */
  reportDir: string;
  /** @default the run's ledger, from its summary.json */
  statePath?: string;
  /** @default process.env.LIGHTFIELD_API_KEY */
  apiKey?: string;
  /** @default the run's base URL */
  baseUrl?: string;
  /** Read requests per second at most. @default 25 */
  rate?: number;
  signal?: AbortSignal;
  fetch?: typeof fetch;
}

export type VerifyResult = 'ok' | 'mismatch' | 'missing';

export interface VerifySummary {
  exitCode: number;
  records: number;
  counts: Record<VerifyResult, number>;
  /** Rows of the report that verify did not check (not landed: failed, invalid, not attempted…). */
  skipped: number;
  file: string;
}

/** Report statuses whose record should hold the row. */
const LANDED = new Set(['created', 'updated', 'unchanged']);
/** Records read at once; the rate limiter paces them. */
const CONCURRENCY = 8;

export async function runVerify(options: VerifyOptions): Promise<VerifySummary> {
  const dir = resolve(options.reportDir);
  const settings = await readSettings(dir);
  const mapping = await loadMapping(settings.mapping);
  const pacer = new RateLimiter({ readRate: options.rate ?? 25, searchRate: options.rate ?? 25 });
  const client = new LightfieldClient({
    apiKey: options.apiKey,
    baseUrl: options.baseUrl ?? settings.baseUrl,
    pacer,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const ledger = Ledger.open(options.statePath ?? settings.state, { readonly: true });
  try {
    const definitions = await fetchDefinitions(client, mapping.object, options.signal);
    const { header, rows } = await readResults(join(dir, 'results.csv'));
    const compiled = compileMapping(mapping, definitions, header, { mapping: settings.mapping, csv: join(dir, 'results.csv') });
    const resolver = new LookupResolver({ client, ledger, mode: 'plan', requestOptions: options.signal ? { signal: options.signal } : {} });
    const collection = OBJECTS[mapping.object].collection;
    const queue = new PQueue({ concurrency: CONCURRENCY });
    const lines: string[][] = [];
    const counts: Record<VerifyResult, number> = { ok: 0, mismatch: 0, missing: 0 };
    let skipped = 0;
    for (const row of rows) {
      const status = row.fixed[1] ?? '';
      const recordId = row.fixed[2] ?? '';
      if (!LANDED.has(status) || recordId === '') {
        skipped += 1;
        continue;
      }
      const entry = ledger.get(compiled.namespace, identityOf(compiled, row.cells));
      const index = lines.length;
      lines.push([]);
      void queue.add(async () => {
        const checked = await checkRecord(recordId, entry?.payload, { client, collection, definitions, resolver, signal: options.signal });
        counts[checked.result] += 1;
        lines[index] = [row.fixed[0] ?? '', recordId, checked.result, checked.differences];
      });
    }
    await queue.onIdle();
    const file = join(dir, 'verify.csv');
    await writeFileAtomically(file, stringify([['line', 'record_id', 'result', 'differences'], ...lines]));
    const records = lines.length;
    return { exitCode: counts.mismatch + counts.missing > 0 ? 1 : 0, records, counts, skipped, file };
  } finally {
    ledger.close();
    await pacer.close();
  }
}

interface CheckContext {
  client: LightfieldClient;
  collection: (typeof OBJECTS)[keyof typeof OBJECTS]['collection'];
  definitions: Definitions;
  resolver: LookupResolver;
  signal: AbortSignal | undefined;
}

async function checkRecord(recordId: string, appliedPayload: string | undefined, context: CheckContext): Promise<{ result: VerifyResult; differences: string }> {
  let record: Entity;
  try {
    record = (await context.client.retrieveRecord(context.collection, recordId, context.signal ? { signal: context.signal } : {})).data;
  } catch (error) {
    if (error instanceof NotFoundError) return { result: 'missing', differences: `${recordId} is not in Lightfield (deleted?)` };
    throw error;
  }
  if (appliedPayload === undefined) return { result: 'mismatch', differences: 'the ledger holds nothing for this row: verify with the ledger the run used (--state)' };
  const applied = JSON.parse(appliedPayload) as { fields?: Record<string, unknown>; relationships?: Record<string, RelationshipInput> };
  const differences: string[] = [];
  for (const [key, expected] of Object.entries(applied.fields ?? {})) {
    // A null is an emptied `empty: clear` cell, or a create that left it out: nothing to hold.
    if (expected === null) continue;
    const definition = context.definitions.fieldDefinitions[key];
    const found = record.fields[key]?.value;
    if (!sameFieldValue(definition, expected as never, found)) {
      differences.push(`${key}: expected ${shownValue(definition, expected)}, found ${shownValue(definition, found)}`);
    }
  }
  const resolved = await context.resolver.resolveAll(applied.relationships ?? {});
  if (resolved.ok) {
    for (const [key, ids] of Object.entries(resolved.ids)) {
      const found = record.relationships[key]?.values;
      if (!sameRelationship(ids, found)) differences.push(`${key}: expected ${ids.join(', ') || '(empty)'}, found ${found?.join(', ') || '(empty)'}`);
    }
  } else {
    differences.push(`relationships could not be resolved again: ${resolved.problem.message}`);
  }
  return differences.length === 0 ? { result: 'ok', differences: '' } : { result: 'mismatch', differences: differences.join('; ') };
}

async function readSettings(dir: string): Promise<RunSettings> {
  const path = join(dir, 'summary.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ImportError('file_not_found', `${dir} is not a report folder of lightfield-import: it has no summary.json (${(error as Error).message})`, {
      subject: path,
      cause: error,
    });
  }
  const summary = JSON.parse(text) as { command?: string; settings?: RunSettings };
  if (summary.settings?.mapping === undefined || summary.settings.state === undefined) {
    throw new ImportError('file_unreadable', `${path} is not a summary written by lightfield-import`, { subject: path });
  }
  if (summary.command === 'plan') {
    throw new ImportError('usage', `${dir} is the report of a plan: nothing was written, so there is nothing to verify`, { subject: dir });
  }
  return summary.settings;
}

/** results.csv: its own columns, then the row's cells (formula escapes undone). */
async function readResults(path: string): Promise<{ header: string[]; rows: Array<{ fixed: string[]; cells: string[] }> }> {
  const records = parse(await readFile(path), { bom: true, relax_column_count: true }) as string[][];
  const [head = [], ...data] = records;
  const own = RESULT_COLUMNS.length;
  return {
    header: head.slice(own).map(unescapeFormula),
    rows: data.map((record) => ({ fixed: record.slice(0, own), cells: record.slice(own).map(unescapeFormula) })),
  };
}
