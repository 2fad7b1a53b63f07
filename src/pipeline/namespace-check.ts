/**
 * Before the first row: a namespace keeps the identity it was first imported with, and a new
 * namespace whose rows the ledger already holds under another one is named. Either change
 * (identity columns, namespace) makes no row match its earlier record, so every one would be
 * created again.
 */
import { ImportError } from '../errors.js';
import type { Ledger } from '../ledger/index.js';
import { identityOf, type CompiledMapping } from '../mapping/index.js';
import { openCsv } from '../reader/index.js';
import type { CsvSource } from '../reader/types.js';
import { quoteText } from '../quote-text.js';
import type { RunMode } from './setup.js';

/** Rows read from the start of the file to compare a new namespace with the others. */
const SAMPLE_ROWS = 200;
/** Share of sampled rows found under another namespace that earns a warning. */
const WARNING_SHARE = 0.5;

export interface NamespaceCheck {
  mode: RunMode;
  ledger: Ledger;
  compiled: CompiledMapping;
  /** The run's source, for its path, delimiter and encoding; it is not read from. */
  source: Pick<CsvSource, 'delimiter' | 'encoding'>;
  csvPath: string;
  mappingPath: string;
  /** Cells as the run reads them (a failed.csv read back has its formula escapes undone). */
  cellsOf: (cells: readonly string[]) => readonly string[];
}

/**
 * Refuses a mapping that identifies an existing namespace's records by other columns, records the
 * identity of a namespace that has none recorded (`import` only), and returns the warnings for a
 * new namespace whose rows are in the ledger under another.
 * @throws ImportError `identity_changed`
 */
export async function checkNamespace(check: NamespaceCheck): Promise<string[]> {
  const { ledger, compiled } = check;
  const recorded = ledger.identityColumns(compiled.namespace);
  if (recorded !== undefined) {
    if (!sameColumns(recorded, compiled.identityColumns)) throw identityChanged(check, recorded);
    return [];
  }
  const isNew = !ledger.hasEntries(compiled.namespace);
  if (check.mode === 'import') ledger.recordIdentityColumns(compiled.namespace, compiled.identityColumns);
  return isNew ? await otherNamespaceWarnings(check) : [];
}

function sameColumns(left: readonly string[], right: readonly string[]): boolean {
  return left.length === right.length && left.every((column, index) => column === right[index]);
}

function identityChanged(check: NamespaceCheck, recorded: readonly string[]): ImportError {
  const { namespace, identityColumns, explicitIdentity } = check.compiled;
  const now = explicitIdentity ? describeColumns(identityColumns) : `all the columns it maps (${describeColumns(identityColumns)})`;
  return new ImportError(
    'identity_changed',
    `${check.mappingPath}: the run ledger ${check.ledger.path} knows the records of namespace ${quoteText(namespace)} by ` +
      `${describeColumns(recorded)}, but this mapping identifies them by ${now}. No row would match a record imported before, ` +
      'and every one would be created again. To update the records imported before, restore ' +
      `"identity": ${JSON.stringify(recorded)} in the mapping; to import these rows as new records, give the mapping a new "namespace".`,
    { subject: check.mappingPath },
  );
}

function describeColumns(columns: readonly string[]): string {
  if (columns.length === 0) return 'no column';
  return `${columns.length === 1 ? 'the column' : 'the columns'} ${columns.map((column) => quoteText(column)).join(', ')}`;
}

/** A warning for each other namespace that holds most of the first rows' identities. */
async function otherNamespaceWarnings(check: NamespaceCheck): Promise<string[]> {
  const others = check.ledger.namespaces().filter((namespace) => namespace !== check.compiled.namespace);
  if (others.length === 0) return [];
  const identities = await sampleIdentities(check);
  if (identities.length === 0) return [];
  const warnings: string[] = [];
  for (const other of others) {
    const found = check.ledger.countEntries(other, identities);
    if (found >= identities.length * WARNING_SHARE) {
      warnings.push(
        `namespace ${quoteText(check.compiled.namespace)} is new in the run ledger ${check.ledger.path}, but ${found} of the first ` +
          `${identities.length} rows are there under namespace ${quoteText(other)}: if the namespace was renamed, every row will be ` +
          `created again; to update the records imported before, put back "namespace": ${JSON.stringify(other)} in ${check.mappingPath}.`,
      );
    }
  }
  return warnings;
}

async function sampleIdentities(check: NamespaceCheck): Promise<string[]> {
  const sample = await openCsv({ path: check.csvPath, delimiter: check.source.delimiter, encoding: check.source.encoding });
  const identities = new Set<string>();
  try {
    let read = 0;
    for await (const record of sample.records) {
      if (read++ >= SAMPLE_ROWS) break;
      if (record.error !== undefined) continue;
      const cells = check.cellsOf(record.cells);
      if (cells.every((cell) => cell.trim() === '')) continue;
      identities.add(identityOf(check.compiled, cells));
    }
  } finally {
    await sample.close();
  }
  return [...identities];
}
