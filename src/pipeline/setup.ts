/**
 * Everything a run checks before its first row: options, the API key and base URL, the CSV header,
 * the mapping against the organization's definitions, the report folder and the ledger. Any
 * problem here is an ImportError (exit 2) and nothing has been written to Lightfield.
 */
import { resolve } from 'node:path';
import { ImportError } from '../errors.js';
import { APIConnectionError, APIError, AuthenticationError, PermissionDeniedError } from '../lightfield/errors.js';
import { LightfieldClient } from '../lightfield/client.js';
import type { Definitions } from '../lightfield/types.js';
import { Ledger } from '../ledger/index.js';
import { compileMapping, loadMapping, type CompiledMapping } from '../mapping/index.js';
import type { MappingFile } from '../mapping/types.js';
import { openCsv } from '../reader/index.js';
import type { CsvSource } from '../reader/types.js';
import { prepareReportDir, reportFiles, type ReportFiles } from '../report/report-writer.js';
import { Pacer } from '../send/pacer.js';
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
  pacer: Pacer;
  ledger: Ledger;
  files: ReportFiles;
  settings: RunSettings;
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
  lines: number | null;
}

function positive(name: string, value: number | undefined, fallback: number, integer = false): number {
  const result = value ?? fallback;
  if (!Number.isFinite(result) || result <= 0 || (integer && !Number.isInteger(result))) {
    throw new ImportError('usage', `--${name} must be a positive ${integer ? 'whole ' : ''}number, got ${String(value)}`);
  }
  return result;
}

function timestamp(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, '').replace(/:/g, '-');
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

  const pacer = new Pacer({ rate });
  // Fails on a missing key or an http:// base URL to a remote host before any file is touched.
  const client = new LightfieldClient({
    apiKey: options.apiKey,
    baseUrl: options.baseUrl,
    maxRetries,
    timeoutMs,
    pacer,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });

  const mapping = await loadMapping(options.mappingPath);
  const source = await openCsv({
    path: options.csvPath,
    ...(options.delimiter !== undefined ? { delimiter: options.delimiter } : {}),
    ...(options.encoding !== undefined ? { encoding: options.encoding } : {}),
  });
  try {
    const definitions = await fetchDefinitions(client, options.signal);
    const compiled = compileMapping(mapping, definitions, source.header, {
      mapping: options.mappingPath,
      csv: options.csvPath,
    });
    const outDir = options.outDir ?? `lightfield-import-report/${timestamp(new Date())}-${command}`;
    refuseReadingTheReport(options.csvPath, outDir);
    const files = await prepareReportDir(outDir);
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
      lines: options.lines ? options.lines.size : null,
    };
    return { mode, options, source, mapping, compiled, definitions, client, pacer, ledger, files, settings };
  } catch (error) {
    await source.close();
    throw error;
  }
}

/**
 * Importing `report/failed.csv` with `--out report` would overwrite the file while it is read: a fixed
 * failed.csv must go to another report folder.
 */
function refuseReadingTheReport(csvPath: string, outDir: string): void {
  const files = reportFiles(outDir);
  const csv = resolve(csvPath);
  if (csv === files.failed || csv === files.results || csv === files.summary) {
    throw new ImportError(
      'usage',
      `${csvPath} is a report file of the folder this run writes its report to (${files.dir}); give another --out folder`,
      { subject: csvPath },
    );
  }
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
