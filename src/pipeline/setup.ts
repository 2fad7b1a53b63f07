/**
 * Everything a run checks before its first row: options, the API key and base URL, the CSV header,
 * the mapping against the organization's definitions, the report folder and the ledger. Any
 * problem here is an ImportError (exit 2) and nothing has been written to Lightfield.
 */
import { resolve } from 'node:path';
import { ImportError } from '../errors.js';
import { APIConnectionError, APIError, AuthenticationError, PermissionDeniedError } from '../lightfield/errors.js';
import { LightfieldClient } from '../lightfield/client.js';
import { resolveClientOptions } from '../lightfield/options.js';
import type { Definitions } from '../lightfield/types.js';
import { Ledger } from '../ledger/index.js';
import { compileMapping, loadMapping, type CompiledMapping } from '../mapping/index.js';
import type { MappingFile } from '../mapping/types.js';
import { openCsv } from '../reader/index.js';
import type { CsvSource } from '../reader/types.js';
import { defaultReportDir, isFailedReport, prepareReportDir, refuseReadingTheReport, releaseReportDir, type ReportFiles } from '../report/report-writer.js';
import { unescapeFormula } from '../report/escape.js';
import { RateLimiter } from '../pacing/rate-limiter.js';
import { connectSharedBudget, sharedBudgetId, type SharedBudget } from '../pacing/shared-budget.js';
import { selectRetryRows } from './retry-selection.js';
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_MAX_RETRIES,
  DEFAULT_RATE,
  DEFAULT_STATE_PATH,
  DEFAULT_TIMEOUT_MS,
  type RunOptions,
} from './options.js';

export type RunMode = 'import' | 'plan';

export interface RunContext {
  mode: RunMode;
  options: RunOptions;
  source: CsvSource;
  mapping: MappingFile;
  compiled: CompiledMapping;
  definitions: Definitions;
  client: LightfieldClient;
  pacer: RateLimiter;
  ledger: Ledger;
  files: ReportFiles;
  settings: RunSettings;
  /** With `retryOf`: the identities of the rows to run again. */
  retryIdentities: ReadonlySet<string> | undefined;
}

/** The settings of a run as recorded in summary.json and the ledger: never the API key. */
export interface RunSettings {
  command: string;
  csv: string;
  mapping: string;
  out: string;
  state: string;
  baseUrl: string;
  namespace: string;
  rate: number;
  concurrency: number;
  maxRetries: number;
  maxErrors: number | null;
  timeoutMs: number;
  limit: number | null;
  delimiter: string;
  encoding: string;
  update: boolean;
  recreateDeleted: boolean;
  /** The results.csv whose rows `retry` ran again; null: every row. */
  retryOf: string | null;
  /** The Redis the rate budget is shared through (`--redis`), without its password; null: not shared. */
  redis: string | null;
}

function positive(name: string, value: number | undefined, fallback: number, integer = false): number {
  const result = value ?? fallback;
  if (!Number.isFinite(result) || result <= 0 || (integer && !Number.isInteger(result))) {
    throw new ImportError('usage', `--${name} must be a positive ${integer ? 'whole ' : ''}number, got ${String(value)}`);
  }
  return result;
}

/** Opens and checks everything, in the order that fails fastest and writes least. */
export async function setUpRun(mode: RunMode, command: string, options: RunOptions): Promise<RunContext> {
  const rate = positive('rate', options.rate, DEFAULT_RATE);
  const concurrency = positive('concurrency', options.concurrency, DEFAULT_CONCURRENCY, true);
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) {
    throw new ImportError('usage', `--max-retries must be a whole number ≥ 0, got ${String(options.maxRetries)}`);
  }
  const timeoutMs = positive('timeout', options.timeoutMs, DEFAULT_TIMEOUT_MS);
  if (options.maxErrors !== undefined) positive('max-errors', options.maxErrors, 1, true);
  if (options.limit !== undefined) positive('limit', options.limit, 1, true);

  // Fails on a missing key or an http:// base URL to a remote host before any file is touched.
  const clientOptions = {
    apiKey: options.apiKey,
    baseUrl: options.baseUrl,
    maxRetries,
    timeoutMs,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  };
  const resolved = resolveClientOptions(clientOptions);
  const shared =
    options.redisUrl === undefined ? undefined : await connectSharedBudget(options.redisUrl, sharedBudgetId(resolved.baseUrl, resolved.apiKey));
  const pacer = new RateLimiter({ rate, ...(shared ? { shared } : {}) });
  const client = new LightfieldClient({ ...clientOptions, pacer });
  try {
    await pacer.ready();
    return await setUpChecked({ mode, command, options, client, pacer, shared, settings: { rate, concurrency, maxRetries, timeoutMs } });
  } catch (error) {
    await pacer.close();
    throw error;
  }
}

interface CheckedInput {
  mode: RunMode;
  command: string;
  options: RunOptions;
  client: LightfieldClient;
  pacer: RateLimiter;
  shared: SharedBudget | undefined;
  settings: Pick<RunSettings, 'rate' | 'concurrency' | 'maxRetries' | 'timeoutMs'>;
}

async function setUpChecked(input: CheckedInput): Promise<RunContext> {
  const { mode, command, options, client, pacer, shared } = input;
  const { rate, concurrency, maxRetries, timeoutMs } = input.settings;
  const mapping = await loadMapping(options.mappingPath);
  const opened = await openCsv({
    path: options.csvPath,
    ...(options.delimiter !== undefined ? { delimiter: options.delimiter } : {}),
    ...(options.encoding !== undefined ? { encoding: options.encoding } : {}),
  });
  // A failed.csv read back: its header was escaped like its cells, so unescape it for the mapping's
  // column names (`@handle`, `-Amount`) to match again.
  const source = isFailedReport(opened.header)
    ? { ...opened, header: opened.header.map(unescapeFormula) }
    : opened;
  let files: ReportFiles | undefined;
  try {
    const definitions = await fetchDefinitions(client, options.signal);
    const compiled = compileMapping(mapping, definitions, source.header, {
      mapping: options.mappingPath,
      csv: options.csvPath,
    });
    await checkScopes(client, scopesNeeded(compiled, options.update ?? true), options.signal);
    const retryIdentities = options.retryOf === undefined ? undefined : await selectRetryRows(options.retryOf, compiled, source, options.csvPath);
    const outDir = options.outDir ?? defaultReportDir(command, new Date());
    refuseReadingTheReport(options.csvPath, outDir);
    files = await prepareReportDir(outDir, { unique: options.outDir === undefined });
    const statePath = resolve(options.statePath ?? DEFAULT_STATE_PATH);
    // The ledger stamps `firstSentAt` with the run's clock: the 24 h key window is measured on it.
    const ledger = Ledger.open(statePath, { readonly: mode === 'plan', ...(options.now ? { now: options.now } : {}) });
    const settings: RunSettings = {
      command,
      csv: resolve(options.csvPath),
      mapping: resolve(options.mappingPath),
      out: files.dir,
      state: statePath,
      baseUrl: client.baseUrl,
      namespace: compiled.namespace,
      rate,
      concurrency,
      maxRetries,
      maxErrors: options.maxErrors ?? null,
      timeoutMs,
      limit: options.limit ?? null,
      delimiter: source.delimiter,
      encoding: source.encoding,
      update: options.update ?? true,
      recreateDeleted: options.recreateDeleted ?? false,
      retryOf: options.retryOf === undefined ? null : resolve(options.retryOf),
      redis: shared?.label ?? null,
    };
    return { mode, options, source, mapping, compiled, definitions, client, pacer, ledger, files, settings, retryIdentities };
  } catch (error) {
    await source.close();
    if (files) await releaseReportDir(files);
    throw error;
  }
}

/** The scopes a run of this mapping uses (definitions need `opportunities:read`, already checked by fetching them). */
function scopesNeeded(compiled: CompiledMapping, update: boolean): string[] {
  const needed = ['opportunities:create', ...(update ? ['opportunities:update'] : [])];
  for (const relationship of compiled.relationships) {
    const scope = relationship.lookup === undefined ? undefined : `${relationship.lookup.object}s:read`;
    if (scope !== undefined && !needed.includes(scope)) needed.push(scope);
  }
  return needed;
}

/**
 * A key without a scope the run needs would be refused at its first write (and `plan` would promise
 * rows that `import` cannot send): say so before any write. An empty scope list means full access.
 * The check is a courtesy: when the API cannot answer it, the run goes on.
 */
async function checkScopes(client: LightfieldClient, needed: string[], signal: AbortSignal | undefined): Promise<void> {
  let scopes: string[];
  try {
    scopes = (await client.validateAuth(signal ? { signal } : {})).data.scopes;
  } catch {
    return;
  }
  if (!Array.isArray(scopes) || scopes.length === 0) return;
  const missing = needed.filter((scope) => !scopes.includes(scope));
  if (missing.length === 0) return;
  const noUpdate = missing.includes('opportunities:update') ? ' (or pass --no-update if no record needs updating)' : '';
  throw new ImportError(
    'auth',
    `The API key lacks ${missing.length === 1 ? 'the scope' : 'the scopes'} ${missing.join(', ')} this run needs; it has ${scopes.join(', ')}. ` +
      `Use a key with ${missing.length === 1 ? 'it' : 'them'}${noUpdate}.`,
    { subject: 'LIGHTFIELD_API_KEY' },
  );
}

/** Definitions double as the key check: a bad key or an unreachable API stops the run here. */
async function fetchDefinitions(client: LightfieldClient, signal: AbortSignal | undefined): Promise<Definitions> {
  try {
    const result = await client.getDefinitions('opportunities', signal ? { signal } : {});
    return result.data;
  } catch (error) {
    if (error instanceof AuthenticationError) {
      throw new ImportError('auth', `Lightfield refused the API key (401 ${error.type}): check --api-key or LIGHTFIELD_API_KEY.`, {
        cause: error,
      });
    }
    if (error instanceof PermissionDeniedError) {
      throw new ImportError(
        'auth',
        'The API key lacks a scope this import needs (403): it needs opportunities:read, opportunities:create, ' +
          'opportunities:update, accounts:read and members:read.',
        { cause: error },
      );
    }
    if (error instanceof APIConnectionError) {
      throw new ImportError('api_unreachable', `Cannot reach the Lightfield API at ${client.baseUrl}: ${error.message}`, {
        subject: client.baseUrl,
        cause: error,
      });
    }
    if (error instanceof APIError) {
      throw new ImportError('api_error', `Lightfield answered ${error.status} ${error.type} to the definitions request: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
}
