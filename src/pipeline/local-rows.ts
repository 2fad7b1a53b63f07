/**
 * The local stage of a run: everything done to a CSV record without the ledger or the network —
 * skip blank rows, read a report file's escaped cells back, map the row, write its canonical payload
 * and hash it. It is the same work for every run, and the most of a plan's or a rerun's time, so it
 * runs in a worker thread beside the one that decides and reports (see `row-source.ts`).
 *
 * Its rows are flat arrays of strings and numbers ({@link WireRow}): what crosses between threads
 * cheaply (objects cost four times as much to copy).
 */
import type { RowProblem } from '../errors.js';
import { mapRow, payloadHash, type CompiledMapping } from '../mapping/index.js';
import type { RelationshipInput } from '../mapping/types.js';
import type { CsvRecord } from '../reader/types.js';
import { unescapeFormula } from '../report/escape.js';
import { renderCells, type ReportShape } from '../report/report-writer.js';

export const BLANK = 0;
export const INVALID = 1;
export const MAPPED = 2;

/** A row of cells that are all empty (`;;;;` at the end of spreadsheet exports): not a data row. */
export type BlankWireRow = [kind: typeof BLANK, line: number];
/** A row refused before any request: a malformed record or a mapping problem. `problem` is JSON of a RowProblem. */
export type InvalidWireRow = [kind: typeof INVALID, line: number, problem: string, cellsText: string];
/** A mapped row. `relationships` is JSON of its relationship inputs (the part of `payload` the lookups need). */
export type MappedWireRow = [
  kind: typeof MAPPED,
  line: number,
  identity: string,
  payload: string,
  payloadHash: string,
  relationships: string,
  cellsText: string,
];
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

  /** The row for `record`, or undefined when the run does not read that line. */
  rowOf(record: CsvRecord): WireRow | undefined {
    const { compiled, isReport, lines, report } = this.#options;
    if (lines !== undefined && !lines.has(record.line)) return undefined;
    if (isBlank(record.cells)) return [BLANK, record.line];
    const cells = isReport ? record.cells.map(unescapeFormula) : record.cells;
    const cellsText = renderCells(cells, report);
    if (record.error) {
      const problem: RowProblem = { type: 'invalid_csv', code: record.error.code, param: '', message: record.error.message };
      return [INVALID, record.line, JSON.stringify(problem), cellsText];
    }
    const mapped = mapRow(compiled, cells);
    // All of a row's problems in one message, under the first one's type and column.
    if (!mapped.ok) {
      const [first, ...rest] = mapped.problems;
      const problem: RowProblem = { ...first!, message: [first!.message, ...rest.map((each) => each.message)].join('; ') };
      return [INVALID, record.line, JSON.stringify(problem), cellsText];
    }
    return [MAPPED, record.line, mapped.identity, mapped.payload, payloadHash(mapped.payload), mapped.relationshipsText, cellsText];
  }
}

/** The row's cells as the report writes them. */
export function cellsOf(row: InvalidWireRow | MappedWireRow): string {
  return row[0] === INVALID ? row[3] : row[6];
}

export function problemOf(row: InvalidWireRow): RowProblem {
  return JSON.parse(row[2]) as RowProblem;
}

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
