/**
 * Everything a run checks before its first row: options, the API key and base URL, the CSV header,
 * the mapping against the organization's definitions, the report folder and the ledger. Any
 * problem here is an ImportError (exit 2) and nothing has been written to Lightfield.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { ImportError } from '../errors.js';
import { APIConnectionError, APIError, AuthenticationError, PermissionDeniedError } from '../lightfield/errors.js';
import { LightfieldClient, type DefinitionsObjectType } from '../lightfield/client.js';
import { NOTE_DEFINITIONS, OBJECTS, writeScopes, type ImportObject } from '../lightfield/objects.js';
import type { RelatedDefinitions } from '../mapping/compile-relationship.js';
import { MAX_TIMER_MS, resolveClientOptions } from '../lightfield/options.js';
import type { Definitions } from '../lightfield/types.js';
import { defaultLedgerPath, Ledger } from '../ledger/index.js';
import type { Logger } from '../log/logger.js';
import { compileMapping, loadMapping, type CompiledMapping } from '../mapping/index.js';
import type { MappingFile } from '../mapping/types.js';
import { openCsv } from '../reader/index.js';
import type { CsvSource } from '../reader/types.js';
import { defaultReportDir, isFailedReport, prepareReportDir, refuseReadingTheReport, releaseReportDir, type ReportFiles } from '../report/report-writer.js';
import { unescapeFormula } from '../report/escape.js';
import { RateLimiter } from '../pacing/rate-limiter.js';
import { connectSharedBudget, sharedBudgetId, type SharedBudget } from '../pacing/shared-budget.js';
import { checkNamespace } from './namespace-check.js';
import { DEFAULT_CONCURRENCY, DEFAULT_MAX_RETRIES, DEFAULT_RATE, DEFAULT_TIMEOUT_MS, type RunOptions } from './options.js';
import { selectRetryRows } from './retry-selection.js';

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
  /**
   * What the checks before the first row warn about (a new namespace whose rows the ledger holds
   * under another one); also logged.
   */
  warnings: string[];
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
  if (timeoutMs > MAX_TIMER_MS) {
    throw new ImportError(
      'usage',
      `--timeout must be at most ${Math.floor(MAX_TIMER_MS / 1000)} seconds (about 24 days, the longest a timer can wait), got ${timeoutMs / 1000}`,
      { subject: '--timeout' },
    );
  }
  const waitMs = options.waitMs ?? 0;
  if (!Number.isFinite(waitMs) || waitMs < 0) {
    throw new ImportError('usage', `--wait must be a number of seconds ≥ 0, got ${String(waitMs / 1000)}`, { subject: '--wait' });
  }
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
    const statePath = resolve(options.statePath ?? defaultLedgerPath({ baseUrl: resolved.baseUrl, apiKey: resolved.apiKey }));
    return await setUpChecked({
      mode,
      command,
      options: { ...options, waitMs },
      client,
      pacer,
      shared,
      statePath,
      settings: { rate, concurrency, maxRetries, timeoutMs },
    });
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
  statePath: string;
  settings: Pick<RunSettings, 'rate' | 'concurrency' | 'maxRetries' | 'timeoutMs'>;
}

async function setUpChecked(input: CheckedInput): Promise<RunContext> {
  const { mode, command, options, client, pacer, shared, statePath } = input;
  const { rate, concurrency, maxRetries, timeoutMs } = input.settings;
  const mapping = await loadMapping(options.mappingPath);
  const opened = await openCsv({
    path: options.csvPath,
    ...(options.delimiter !== undefined ? { delimiter: options.delimiter } : {}),
    ...(options.encoding !== undefined ? { encoding: options.encoding } : {}),
    ...(mapping.columns !== undefined ? { columns: mapping.columns } : {}),
  });
  // A failed.csv read back: its header was escaped like its cells, so unescape it for the mapping's
  // column names (`@handle`, `-Amount`) to match again.
  const isReport = isFailedReport(opened.header);
  const source = isReport ? { ...opened, header: opened.header.map(unescapeFormula) } : opened;
  let ledger: Ledger | undefined;
  let files: ReportFiles | undefined;
  const scopesAsked = new AbortController();
  try {
    // Before anything is asked of the API: a second run on the ledger stops (or waits) here.
    ledger = await openLedger(mode, command, statePath, options);
    // The key's scopes are asked for while the definitions come: one round trip less before the first row.
    const scopes = grantedScopes(client, options.signal ? AbortSignal.any([options.signal, scopesAsked.signal]) : scopesAsked.signal);
    const definitions = await fetchDefinitions(client, mapping.object, options.signal);
    const related = await relatedDefinitions(client, mapping, options.signal);
    const compiled = compileMapping(mapping, definitions, source.header, { mapping: options.mappingPath, csv: options.csvPath }, related);
    const warnings = await checkNamespace({
      mode,
      ledger,
      compiled,
      source,
      csvPath: options.csvPath,
      mappingPath: options.mappingPath,
      cellsOf: (cells) => (isReport ? cells.map(unescapeFormula) : cells),
    });
    for (const warning of source.warnings) options.logger?.warn({ event: 'csv_warning', csv: options.csvPath }, warning);
    for (const warning of warnings) options.logger?.warn({ event: 'namespace_warning', namespace: compiled.namespace }, warning);
    checkScopes(await scopes, scopesNeeded(compiled, options.update ?? true));
    // The scope check gives up quietly on any failure, an abort included.
    throwIfInterrupted(options.signal);
    const retryIdentities = options.retryOf === undefined ? undefined : await selectRetryRows(options.retryOf, compiled, source, options.csvPath);
    const outDir = options.outDir ?? defaultReportDir(command, new Date());
    refuseReadingTheReport(options.csvPath, outDir);
    refuseLedgerInReport(statePath, outDir);
    files = await prepareReportDir(outDir, { unique: options.outDir === undefined });
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
      warnings: [...source.warnings, ...warnings],
    };
    return { mode, options, source, mapping, compiled, definitions, client, pacer, ledger, files, settings, retryIdentities };
  } catch (error) {
    scopesAsked.abort();
    ledger?.close();
    await source.close();
    if (files) await releaseReportDir(files);
    throw options.signal?.aborted ? interrupted(options.signal, error) : error;
  }
}

/**
 * `plan` reads the ledger as it is, beside a running import if need be; an import (or retry) holds
 * it alone for its whole life, and a second one stops here, or waits up to `--wait`.
 */
async function openLedger(mode: RunMode, command: string, statePath: string, options: RunOptions): Promise<Ledger> {
  const now = options.now ? { now: options.now } : {};
  // The ledger stamps `firstSentAt` with the run's clock: the 24 h key window is measured on it.
  if (mode === 'plan') return Ledger.open(statePath, { readonly: true, ...now });
  const logger: Logger | undefined = options.logger;
  const waitMs = options.waitMs ?? 0;
  return Ledger.openExclusive(statePath, {
    ...now,
    command,
    waitMs,
    ...(options.signal ? { signal: options.signal } : {}),
    onWait: (holder) => {
      const who = holder === undefined ? 'another run' : `${holder.command} pid ${holder.pid} on ${holder.host} (started ${new Date(holder.startedAt).toISOString()})`;
      logger?.warn({ event: 'ledger_wait', state: statePath }, `the run ledger ${statePath} is in use by ${who}; waiting up to ${waitMs / 1000} s`);
    },
  });
}

function throwIfInterrupted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw interrupted(signal, undefined);
}

/** Ctrl-C or SIGTERM before the first row: a stop with nothing sent, not a crash. */
function interrupted(signal: AbortSignal, cause: unknown): ImportError {
  if (cause instanceof ImportError && cause.code === 'interrupted') return cause;
  const reason: unknown = signal.reason;
  const name = reason instanceof Error && /^SIG[A-Z]+$/.test(reason.message) ? reason.message : 'a stop request';
  return new ImportError('interrupted', `stopped by ${name} before the first row; nothing was sent to Lightfield`, {
    ...(cause === undefined ? {} : { cause }),
  });
}

/** The ledger outlives every report: inside a report folder it would be replaced or deleted with it. */
function refuseLedgerInReport(statePath: string, outDir: string): void {
  const relation = relative(resolve(outDir), resolve(statePath));
  if (relation !== '' && !relation.startsWith('..') && !isAbsolute(relation)) {
    throw new ImportError(
      'usage',
      `--state ${statePath} is inside the report folder ${outDir}: the ledger must outlive every report (it is what makes reruns exactly once); keep it elsewhere`,
      { subject: '--state' },
    );
  }
}

/** The scopes a run of this mapping uses (reading the definitions was checked by fetching them). */
function scopesNeeded(compiled: CompiledMapping, update: boolean): string[] {
  const needed = writeScopes(compiled.object, update);
  for (const relationship of compiled.relationships) {
    const lookup = relationship.lookup;
    if (lookup === undefined || lookup.by === 'import') continue;
    const collection = lookup.object === 'member' ? 'members' : OBJECTS[lookup.object].collection;
    for (const scope of [`${collection}:read`, ...(lookup.create === undefined ? [] : [`${collection}:create`])]) {
      if (!needed.includes(scope)) needed.push(scope);
    }
  }
  return needed;
}

/** Definitions of the records `create` lookups make: their fields are mapped like the mapping's own. */
async function relatedDefinitions(client: LightfieldClient, mapping: MappingFile, signal: AbortSignal | undefined): Promise<RelatedDefinitions> {
  const related: RelatedDefinitions = {};
  for (const spec of Object.values(mapping.relationships ?? {})) {
    const lookup = typeof spec === 'string' ? undefined : spec.lookup;
    if (lookup?.create === undefined || lookup.object === 'member' || related[lookup.object] !== undefined) continue;
    related[lookup.object] = await fetchDefinitions(client, lookup.object, signal);
  }
  return related;
}

/**
 * A key without a scope the run needs would be refused at its first write (and `plan` would promise
 * rows that `import` cannot send): say so before any write. An empty scope list means full access.
 * The check is a courtesy: when the API cannot answer it, the run goes on.
 */
function checkScopes(scopes: string[] | undefined, needed: string[]): void {
  if (scopes === undefined || scopes.length === 0) return;
  const missing = needed.filter((scope) => !scopes.includes(scope));
  if (missing.length === 0) return;
  const noUpdate = missing.some((scope) => scope.endsWith(':update')) ? ' (or pass --no-update if no record needs updating)' : '';
  throw new ImportError(
    'auth',
    `The API key lacks ${missing.length === 1 ? 'the scope' : 'the scopes'} ${missing.join(', ')} this run needs; it has ${scopes.join(', ')}. ` +
      `Use a key with ${missing.length === 1 ? 'it' : 'them'}${noUpdate}.`,
    { subject: 'LIGHTFIELD_API_KEY' },
  );
}

/** The scopes of the key; undefined when the API does not answer (the check is a courtesy). */
async function grantedScopes(client: LightfieldClient, signal: AbortSignal): Promise<string[] | undefined> {
  try {
    const scopes = (await client.validateAuth({ signal })).data.scopes;
    return Array.isArray(scopes) ? scopes : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Definitions double as the key check: a bad key or an unreachable API stops the run here. Notes have
 * no definitions endpoint: their fixed fields are known, and the key is checked on its own.
 */
export async function fetchDefinitions(client: LightfieldClient, object: ImportObject, signal: AbortSignal | undefined): Promise<Definitions> {
  const requestOptions = signal ? { signal } : {};
  try {
    if (object === 'note') {
      await client.validateAuth(requestOptions);
      return NOTE_DEFINITIONS;
    }
    const collection = OBJECTS[object].collection as DefinitionsObjectType;
    return (await client.getDefinitions(collection, requestOptions)).data;
  } catch (error) {
    if (error instanceof AuthenticationError) {
      throw new ImportError('auth', `Lightfield refused the API key (401 ${error.type}): check --api-key or LIGHTFIELD_API_KEY.`, {
        cause: error,
      });
    }
    if (error instanceof PermissionDeniedError) {
      throw new ImportError(
        'auth',
        `The API key lacks a scope this import needs (403): it needs ${OBJECTS[object].collection}:read, ` +
          `${writeScopes(object, true).join(', ')} and read access to what the lookups search (accounts:read, members:read…).`,
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
      throw new ImportError('api_error', `Lightfield answered ${error.status} ${error.type} to the ${object === 'note' ? 'key check' : 'definitions request'}: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
}
