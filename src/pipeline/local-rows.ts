/**
 * The local stage of a run: everything done to a CSV record without the ledger or the network —
 * skip blank rows, read a report file's escaped cells back, map the row, write its canonical payload
 * and its cells as the report will show them. It is the same work for every run, and the most of a
 * plan's or a rerun's time, so it runs in a worker thread beside the one that hashes, decides and
 * reports (see `row-source.ts`); the two threads share a row's time about evenly.
 *
 * Its rows cross between threads as one flat array of strings and numbers per batch
 * ({@link WireBatch}).
 */
import type { RowProblem } from '../errors.js';
import { mapRowText, type CompiledMapping } from '../mapping/index.js';
import type { RelationshipInput } from '../mapping/types.js';
import type { CsvRecord } from '../reader/types.js';
import { unescapeFormula } from '../report/escape.js';
import { renderCells, type ReportShape } from '../report/report-writer.js';

/** A row of cells that are all empty (`;;;;` at the end of spreadsheet exports): not a data row. */
export const BLANK = 0;
/**
 * A row refused before any request: a malformed record or a mapping problem. Its text is the JSON
 * of its RowProblem, then (from its first offset) its cells as the report writes them.
 */
export const INVALID = 1;
/**
 * A mapped row. Its text is its identity, its canonical payload (from the first offset) and its
 * cells as the report writes them (from the second): one string crosses between threads for less
 * than three. The relationship inputs the lookups need are the end of the payload
 * ({@link relationshipsTextOf}).
 */
export const MAPPED = 2;
export type RowKind = typeof BLANK | typeof INVALID | typeof MAPPED;

/** Slots per row in a {@link WireBatch}: kind, line, first offset, second offset, text. */
export const ROW_SLOTS = 5;

/**
 * A batch of rows, {@link ROW_SLOTS} slots per row, the row at `at` (a multiple of ROW_SLOTS) being
 * `[kind, line, first offset, second offset, text]` (offsets and text 0 and '' where the kind has
 * none). Flat on purpose, not an array per row: it copies between threads as one array of strings
 * and numbers, and it makes no object per row. With an array per row, V8 at times judged the row
 * arrays long-lived (a batch of them, made one after the other, were all alive when a collection came),
 * allocated every later one directly in the old generation, and each row's strings were then kept
 * past their use: 1.3 GB promoted in a 1M-row plan, twice the collection time, a quarter more wall time.
 */
export type WireBatch = (string | number)[];

export function kindAt(batch: WireBatch, at: number): RowKind {
  return batch[at] as RowKind;
}

export function lineAt(batch: WireBatch, at: number): number {
  return batch[at + 1] as number;
}

/** The row's cells as the report writes them (an invalid or mapped row). */
export function cellsAt(batch: WireBatch, at: number): string {
  const start = batch[at] === INVALID ? (batch[at + 2] as number) : (batch[at + 3] as number);
  return (batch[at + 4] as string).slice(start);
}

/** The problem of an invalid row. */
export function problemAt(batch: WireBatch, at: number): RowProblem {
  return JSON.parse((batch[at + 4] as string).slice(0, batch[at + 2] as number)) as RowProblem;
}

/** The identity of a mapped row. */
export function identityAt(batch: WireBatch, at: number): string {
  return (batch[at + 4] as string).slice(0, batch[at + 2] as number);
}

/** The canonical payload of a mapped row. */
export function payloadAt(batch: WireBatch, at: number): string {
  return (batch[at + 4] as string).slice(batch[at + 2] as number, batch[at + 3] as number);
}

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

  /** The rows of all `records`, in batches of `size` rows (the last one shorter). */
  async *batches(records: AsyncIterable<readonly CsvRecord[]>, size: number): AsyncGenerator<WireBatch> {
    const slots = size * ROW_SLOTS;
    let batch: WireBatch = [];
    for await (const chunk of records) {
      for (const record of chunk) {
        this.append(batch, record);
        if (batch.length === slots) {
          yield batch;
          batch = [];
        }
      }
    }
    if (batch.length > 0) yield batch;
  }

  /** Appends the row for `record` to `batch`; nothing when the run does not read that line. */
  append(batch: WireBatch, record: CsvRecord): void {
    const { compiled, isReport, lines, report } = this.#options;
    if (lines !== undefined && !lines.has(record.line)) return;
    if (isBlank(record.cells)) {
      batch.push(BLANK, record.line, 0, 0, '');
      return;
    }
    const cells = isReport ? record.cells.map(unescapeFormula) : record.cells;
    const cellsText = renderCells(cells, report);
    if (record.error) {
      const problem: RowProblem = { type: 'invalid_csv', code: record.error.code, param: '', message: record.error.message };
      appendInvalid(batch, record.line, problem, cellsText);
      return;
    }
    const mapped = mapRowText(compiled, cells);
    // All of a row's problems in one message, under the first one's type and column.
    if (!mapped.ok) {
      const [first, ...rest] = mapped.problems;
      const problem: RowProblem = { ...first!, message: [first!.message, ...rest.map((each) => each.message)].join('; ') };
      appendInvalid(batch, record.line, problem, cellsText);
      return;
    }
    const identityEnd = mapped.identity.length;
    batch.push(MAPPED, record.line, identityEnd, identityEnd + mapped.payload.length, `${mapped.identity}${mapped.payload}${cellsText}`);
  }
}

function appendInvalid(batch: WireBatch, line: number, problem: RowProblem, cellsText: string): void {
  const problemText = JSON.stringify(problem);
  batch.push(INVALID, line, problemText.length, 0, `${problemText}${cellsText}`);
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
