/**
 * `retry <results.csv>`: runs again only the rows that an earlier run reported `failed`, `invalid` or
 * `not_attempted`, from the same source file with the same mapping and settings (read from the
 * `summary.json` beside the results), unless new ones are given.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ImportError } from '../errors.js';
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import type { CsvEncoding } from '../reader/types.js';
import type { RunOptions } from './options.js';
import { runImportOfLines, type RunSummary } from './run.js';
import { RETRYABLE_STATUSES } from '../report/row-outcome.js';

export interface RetryOptions extends Omit<RunOptions, 'csvPath' | 'mappingPath' | 'lines'> {
  /** The earlier run's results.csv. */
  resultsPath: string;
  /** @default the earlier run's CSV */
  csvPath?: string;
  /** @default the earlier run's mapping */
  mappingPath?: string;
}

interface EarlierRun {
  csv: string;
  mapping: string;
  state?: string;
  delimiter?: string;
  encoding?: CsvEncoding;
}

export async function runRetry(options: RetryOptions): Promise<RunSummary> {
  const earlier = await readEarlierSettings(options.resultsPath);
  const lines = await retryableLines(options.resultsPath);
  const { resultsPath: _resultsPath, ...rest } = options;
  return runImportOfLines({
    ...rest,
    csvPath: options.csvPath ?? earlier.csv,
    mappingPath: options.mappingPath ?? earlier.mapping,
    statePath: options.statePath ?? earlier.state,
    delimiter: options.delimiter ?? earlier.delimiter,
    encoding: options.encoding ?? earlier.encoding,
    lines,
  });
}

async function readEarlierSettings(resultsPath: string): Promise<EarlierRun> {
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
    const summary = JSON.parse(text) as { settings?: EarlierRun };
    if (!summary.settings?.csv || !summary.settings.mapping) throw new Error('no settings.csv / settings.mapping');
    return summary.settings;
  } catch (error) {
    throw new ImportError('file_unreadable', `${summaryPath} is not a summary written by lightfield-import: ${(error as Error).message}`, {
      subject: summaryPath,
      cause: error,
    });
  }
}

/** Source lines of the rows to run again, read from the `line` and `status` columns. */
async function retryableLines(resultsPath: string): Promise<Set<number>> {
  // Read with csv-parse directly: a results.csv may repeat a name (the source had a `status` column).
  const parser = createReadStream(resultsPath).pipe(parse({ bom: true, relax_column_count: true }));
  const lines = new Set<number>();
  let header = true;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (header) {
        if (record[0] !== 'line' || record[1] !== 'status') {
          throw new ImportError('file_unreadable', `${resultsPath} is not a results.csv written by lightfield-import (its first columns must be line,status)`, {
            subject: resultsPath,
          });
        }
        header = false;
        continue;
      }
      if (RETRYABLE_STATUSES.has(record[1] ?? '')) lines.add(Number(record[0]));
    }
  } catch (error) {
    if (error instanceof ImportError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new ImportError(code === 'ENOENT' ? 'file_not_found' : 'file_unreadable', `Cannot read ${resultsPath}: ${(error as Error).message}`, {
      subject: resultsPath,
      cause: error,
    });
  }
  return lines;
}
