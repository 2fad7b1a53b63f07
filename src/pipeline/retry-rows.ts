/**
 * `retry <results.csv>`: runs again only the rows that an earlier run reported `failed`, `invalid` or
 * `not_attempted`, found in the source file by their identity (retry-selection.ts), with the earlier
 * run's mapping, ledger and settings (read from the `summary.json` beside the results) except those
 * given anew.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ImportError } from '../errors.js';
import type { CsvEncoding } from '../reader/types.js';
import type { RunOptions } from './options.js';
import { runImportOfRows, type RunSummary } from './run.js';

export interface RetryOptions extends Omit<RunOptions, 'csvPath' | 'mappingPath' | 'retryOf'> {
  /** The earlier run's results.csv. */
  resultsPath: string;
  /** @default the earlier run's CSV */
  csvPath?: string;
  /** @default the earlier run's mapping */
  mappingPath?: string;
}

/** What a summary.json records of the run's settings, as far as `retry` reuses them. */
interface EarlierRun {
  csv: string;
  mapping: string;
  options: Partial<RunOptions>;
}

export async function runRetry(options: RetryOptions): Promise<RunSummary> {
  const earlier = await readEarlierRun(options.resultsPath);
  const { resultsPath, ...given } = options;
  const csvPath = options.csvPath ?? earlier.csv;
  // How the earlier file was read says nothing about another file.
  const sameFile = resolve(csvPath) === resolve(earlier.csv);
  const { delimiter, encoding, ...settings } = earlier.options;
  return runImportOfRows({
    ...settings,
    ...(sameFile ? { delimiter, encoding } : {}),
    ...definedOnly(given),
    csvPath,
    mappingPath: options.mappingPath ?? earlier.mapping,
    retryOf: resultsPath,
  });
}

/** Options left undefined do not override the earlier run's. */
function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

async function readEarlierRun(resultsPath: string): Promise<EarlierRun> {
  const summaryPath = join(dirname(resultsPath), 'summary.json');
  let text: string;
  try {
    text = await readFile(summaryPath, 'utf8');
  } catch (error) {
    throw new ImportError(
      'file_not_found',
      `retry needs the summary.json written beside ${resultsPath} (looked for ${summaryPath}); pass --csv and --mapping, or import failed.csv with the mapping instead`,
      { subject: summaryPath, cause: error },
    );
  }
  try {
    const { settings } = JSON.parse(text) as { settings?: Record<string, unknown> };
    if (typeof settings?.['csv'] !== 'string' || typeof settings['mapping'] !== 'string') throw new Error('no settings.csv / settings.mapping');
    return { csv: settings['csv'], mapping: settings['mapping'], options: reusedSettings(settings) };
  } catch (error) {
    throw new ImportError('file_unreadable', `${summaryPath} is not a summary written by lightfield-import: ${(error as Error).message}`, {
      subject: summaryPath,
      cause: error,
    });
  }
}

/**
 * The earlier run's settings as options (RunSettings in setup.ts names them). Not reused: `--limit`
 * (the results already hold only the rows it read), `--out` (a new report), the API key (never
 * recorded). The Redis URL was recorded without its password: a command-line or environment one wins.
 */
function reusedSettings(settings: Record<string, unknown>): Partial<RunOptions> {
  const text = (key: string): string | undefined => (typeof settings[key] === 'string' ? settings[key] : undefined);
  const number = (key: string): number | undefined => (typeof settings[key] === 'number' ? settings[key] : undefined);
  const reused: Partial<RunOptions> = {
    statePath: text('state'),
    baseUrl: text('baseUrl'),
    rate: number('rate'),
    concurrency: number('concurrency'),
    maxRetries: number('maxRetries'),
    maxErrors: number('maxErrors'),
    timeoutMs: number('timeoutMs'),
    delimiter: text('delimiter'),
    encoding: text('encoding') as CsvEncoding | undefined,
    update: typeof settings['update'] === 'boolean' ? settings['update'] : undefined,
    recreateDeleted: typeof settings['recreateDeleted'] === 'boolean' ? settings['recreateDeleted'] : undefined,
    redisUrl: text('redis'),
  };
  return definedOnly(reused);
}
