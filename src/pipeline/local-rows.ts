/**
 * The local stage of a run: everything done to a CSV record without the ledger or the network —
 * skip blank rows, read a report file's escaped cells back, map the row, write its canonical payload
 * and its cells as the report will show them. It is the same work for every run, and the most of a
 * plan's or a rerun's time, so it runs in a worker thread beside the one that hashes, decides and
 * reports (see `row-source.ts`); the two threads share a row's time about evenly.
 *
 * Its rows are flat arrays of strings and numbers ({@link WireRow}): what crosses between threads
 * cheaply (objects cost four times as much to copy).
 */
import type { RowProblem } from '../errors.js';
import { mapRow, type CompiledMapping } from '../mapping/index.js';
import type { RelationshipInput } from '../mapping/types.js';
import type { CsvRecord } from '../reader/types.js';
import { unescapeFormula } from '../report/escape.js';
import { renderCells, type ReportShape } from '../report/report-writer.js';

export const BLANK = 0;
export const INVALID = 1;
export const MAPPED = 2;

/** A row of cells that are all empty (`;;;;` at the end of spreadsheet exports): not a data row. */
export type BlankWireRow = [kind: typeof BLANK, line: number];
/**
 * A row refused before any request: a malformed record or a mapping problem. `text` is the JSON of
 * its RowProblem, then (from `problemEnd`) its cells as the report writes them.
 */
export type InvalidWireRow = [kind: typeof INVALID, line: number, problemEnd: number, text: string];
/**
 * A mapped row. `text` is its identity, its canonical payload (from `identityEnd`) and its cells as
 * the report writes them (from `payloadEnd`): one string crosses between threads for less than three.
 * The relationship inputs the lookups need are the end of the payload ({@link relationshipsTextOf}).
 */
export type MappedWireRow = [kind: typeof MAPPED, line: number, identityEnd: number, payloadEnd: number, text: string];
export type WireRow = BlankWireRow | InvalidWireRow | MappedWireRow;

export interface LocalStageOptions {
  compiled: CompiledMapping;
  /** The input is a report of ours (failed.csv): its cells were formula-escaped when written. */
  isReport: boolean;
  /** Only these lines (the `retry` command); others are not handed on at all. */
  lines?: ReadonlySet<number> | undefined;
  /** The input columns the report repeats. */
  report: ReportShape;
}

export class LocalStage {
  readonly #options: LocalStageOptions;

  constructor(options: LocalStageOptions) {
    this.#options = options;
  }

  /** The rows of all `records`, in arrays of `size` (the last one shorter). */
  async *batches(records: AsyncIterable<readonly CsvRecord[]>, size: number): AsyncGenerator<WireRow[]> {
    let batch: WireRow[] = [];
    for await (const chunk of records) {
      for (const record of chunk) {
        const row = this.rowOf(record);
        if (row === undefined) continue;
        batch.push(row);
        if (batch.length === size) {
          yield batch;
          batch = [];
        }
      }
    }
    if (batch.length > 0) yield batch;
  }

  /** The row for `record`, or undefined when the run does not read that line. */
  rowOf(record: CsvRecord): WireRow | undefined {
    const { compiled, isReport, lines, report } = this.#options;
    if (lines !== undefined && !lines.has(record.line)) return undefined;
    if (isBlank(record.cells)) return [BLANK, record.line];
    const cells = isReport ? record.cells.map(unescapeFormula) : record.cells;
    const cellsText = renderCells(cells, report);
    if (record.error) {
      const problem: RowProblem = { type: 'invalid_csv', code: record.error.code, param: '', message: record.error.message };
      return invalidRow(record.line, problem, cellsText);
    }
    const mapped = mapRow(compiled, cells);
    // All of a row's problems in one message, under the first one's type and column.
    if (!mapped.ok) {
      const [first, ...rest] = mapped.problems;
      const problem: RowProblem = { ...first!, message: [first!.message, ...rest.map((each) => each.message)].join('; ') };
      return invalidRow(record.line, problem, cellsText);
    }
    const identityEnd = mapped.identity.length;
    return [MAPPED, record.line, identityEnd, identityEnd + mapped.payload.length, `${mapped.identity}${mapped.payload}${cellsText}`];
  }
}

function invalidRow(line: number, problem: RowProblem, cellsText: string): InvalidWireRow {
  const problemText = JSON.stringify(problem);
  return [INVALID, line, problemText.length, `${problemText}${cellsText}`];
}

/** The row's cells as the report writes them. */
export function cellsOf(row: InvalidWireRow | MappedWireRow): string {
  return row[0] === INVALID ? row[3].slice(row[2]) : row[4].slice(row[3]);
}

export function problemOf(row: InvalidWireRow): RowProblem {
  return JSON.parse(row[3].slice(0, row[2])) as RowProblem;
}

export function identityOf(row: MappedWireRow): string {
  return row[4].slice(0, row[2]);
}

export function payloadOf(row: MappedWireRow): string {
  return row[4].slice(row[2], row[3]);
}

/**
 * The relationships part of a canonical payload, `{"fields":{…},"relationships":{…}}`: the text after
 * the last `,"relationships":`. No text inside the relationships part can hold that key, and no string
 * value can hold it unescaped.
 */
export function relationshipsTextOf(payload: string): string {
  return payload.slice(payload.lastIndexOf(RELATIONSHIPS_KEY) + RELATIONSHIPS_KEY.length, -1);
}

const RELATIONSHIPS_KEY = ',"relationships":';

/**
 * Reads a row's relationships JSON. Rows of a file name the same few accounts and owners, so the
 * same texts come back again and again: the objects are remembered (a bounded number) and shared,
 * which is safe because nothing changes them.
 */
export class RelationshipTexts {
  readonly #known = new Map<string, Record<string, RelationshipInput>>();
  readonly #limit: number;

  constructor(limit = 4096) {
    this.#limit = limit;
  }

  read(text: string): Record<string, RelationshipInput> {
    let relationships = this.#known.get(text);
    if (relationships === undefined) {
      relationships = JSON.parse(text) as Record<string, RelationshipInput>;
      if (this.#known.size >= this.#limit) this.#known.clear();
      this.#known.set(text, relationships);
    }
    return relationships;
  }
}

function isBlank(cells: readonly string[]): boolean {
  for (const cell of cells) if (cell.trim() !== '') return false;
  return true;
}
