/**
 * Which rows of the CSV `retry` runs again: those whose identity (the mapping's `identity` columns,
 * else every column it reads) is the identity of a row an earlier run left `failed`, `invalid` or
 * `not_attempted`, as its results.csv holds their cells. Lines are no guide: a fix in the file (a row
 * added, a quoted line break) moves every row below it. A retryable row that no row of the CSV matches
 * stops the run before any write.
 */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { ImportError } from '../errors.js';
import { identityOf, type CompiledMapping } from '../mapping/index.js';
import { openCsv } from '../reader/index.js';
import type { CsvSource } from '../reader/types.js';
import { unescapeFormula } from '../report/escape.js';
import { isFailedReport, RESULT_COLUMNS } from '../report/report-writer.js';
import { RETRYABLE_STATUSES } from '../report/row-outcome.js';

/** A retryable row of the results: its line in the earlier run's source and its identity cells, for messages. */
interface RetryRow {
  line: number;
  identityCells: string[];
}

/** How many unmatched rows a message lists. */
const LISTED = 3;

/**
 * The identities of the rows to run again, once every one of them is found in the CSV.
 * @throws ImportError `retry_unmatched` when a row of the results matches no row of the CSV, or
 *   the results lack a column the identity reads; `file_unreadable` when it is not a results.csv.
 */
export async function selectRetryRows(resultsPath: string, compiled: CompiledMapping, source: CsvSource, csvPath: string): Promise<ReadonlySet<string>> {
  const pending = await retryableRows(resultsPath, compiled, source.header);
  const identities = new Set(pending.keys());
  if (pending.size > 0) await crossOffRowsOf(csvPath, source, compiled, pending);
  if (pending.size === 0) return identities;
  throw new ImportError('retry_unmatched', unmatchedMessage([...pending.values()], resultsPath, csvPath, compiled), { subject: csvPath });
}

/** The retryable rows of results.csv by identity, read from its `status` column and the source columns after the report's own. */
async function retryableRows(resultsPath: string, compiled: CompiledMapping, header: readonly string[]): Promise<Map<string, RetryRow>> {
  // Read with csv-parse directly: a results.csv may repeat a name (the source had a `status` column).
  const parser = createReadStream(resultsPath).pipe(parse({ bom: true, relax_column_count: true }));
  const rows = new Map<string, RetryRow>();
  /** For each column of the CSV's header, where its cell is in a results row; -1: nowhere. */
  let positions: number[] | undefined;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (positions === undefined) {
        positions = columnPositions(record, header, compiled, resultsPath);
        continue;
      }
      if (!RETRYABLE_STATUSES.has(record[1] ?? '')) continue;
      const cells = positions.map((position) => (position === -1 ? '' : unescapeFormula(record[position] ?? '')));
      rows.set(identityOf(compiled, cells), { line: Number(record[0]), identityCells: compiled.identityIndexes.map((index) => cells[index] ?? '') });
    }
  } catch (error) {
    if (error instanceof ImportError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new ImportError(code === 'ENOENT' ? 'file_not_found' : 'file_unreadable', `Cannot read ${resultsPath}: ${(error as Error).message}`, {
      subject: resultsPath,
      cause: error,
    });
  }
  return rows;
}

function columnPositions(resultsHeader: readonly string[], header: readonly string[], compiled: CompiledMapping, resultsPath: string): number[] {
  if (resultsHeader[0] !== 'line' || resultsHeader[1] !== 'status') {
    throw new ImportError('file_unreadable', `${resultsPath} is not a results.csv written by lightfield-import (its first columns must be line,status)`, {
      subject: resultsPath,
    });
  }
  const sourceColumns = resultsHeader.slice(RESULT_COLUMNS.length);
  const missing = compiled.identityColumns.find((column) => !sourceColumns.includes(column));
  if (missing !== undefined) {
    throw new ImportError(
      'retry_unmatched',
      `${resultsPath} has no column "${missing}", which the mapping's identity reads: was that run made with another mapping? Pass it with -m.`,
      { subject: resultsPath },
    );
  }
  return header.map((column) => {
    const index = sourceColumns.indexOf(column);
    return index === -1 ? -1 : RESULT_COLUMNS.length + index;
  });
}

/** Reads the CSV once, before anything is sent, and removes from `pending` every identity it holds. */
async function crossOffRowsOf(csvPath: string, source: CsvSource, compiled: CompiledMapping, pending: Map<string, RetryRow>): Promise<void> {
  const again = await openCsv({ path: csvPath, delimiter: source.delimiter, encoding: source.encoding });
  const failedReport = isFailedReport(again.header);
  try {
    for await (const record of again.records) {
      pending.delete(identityOf(compiled, failedReport ? record.cells.map(unescapeFormula) : record.cells));
      if (pending.size === 0) return;
    }
  } finally {
    await again.close();
  }
}

function unmatchedMessage(rows: RetryRow[], resultsPath: string, csvPath: string, compiled: CompiledMapping): string {
  const listed = rows.slice(0, LISTED).map((row) => `line ${row.line} of ${resultsPath} (${describeIdentity(row, compiled)})`);
  const more = rows.length > LISTED ? ` and ${rows.length - LISTED} more` : '';
  const why = compiled.explicitIdentity
    ? `rows are matched by the mapping's "identity" (${compiled.identityColumns.map((column) => `"${column}"`).join(', ')}), which a fix must leave as it was`
    : 'the mapping has no "identity", so a row is matched by every column it reads, and a row whose cells were fixed is a new row: ' +
      `import ${csvPath} again with the same mapping instead (rows that landed end \`unchanged\`)`;
  return `retry cannot find ${rows.length === 1 ? 'this row' : 'these rows'} in ${csvPath}: ${listed.join('; ')}${more}. Nothing was sent; ${why}.`;
}

function describeIdentity(row: RetryRow, compiled: CompiledMapping): string {
  return compiled.identityColumns.map((column, index) => `${column} ${JSON.stringify(row.identityCells[index] ?? '')}`).join(', ');
}
