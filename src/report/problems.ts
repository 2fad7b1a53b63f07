/**
 * The run's `invalid` and `failed` rows grouped by what is wrong: (code, column or relationship), with
 * how many, the first lines, a few distinct cell values and a hint ready to paste. A migration spends
 * its hours here: 512 refused rows are usually three causes.
 */
import type { RowProblem } from '../errors.js';
import type { RowOutcome } from './row-outcome.js';

export interface ProblemGroup {
  code: string;
  /** The CSV column (or relationship column) the problem is about; empty when the row as a whole is. */
  column: string;
  /** Problems in the group (a row with two problems of the group counts twice). */
  count: number;
  /** The first lines, in input order. */
  lines: number[];
  /** Up to {@link VALUES_SHOWN} distinct cell values. */
  values: string[];
  /** What to do, ready to paste where it can be (a `values` block, a `format`, `round`). */
  hint: string;
}

/** What hints are computed from: the group's distinct values (more than are shown). */
export interface GroupSample {
  code: string;
  column: string;
  values: readonly string[];
}

export type HintFor = (group: GroupSample) => string;

const LINES_KEPT = 10;
const VALUES_SHOWN = 10;
/** Distinct values kept per group for its hint (a `values` block for every unknown label). */
const VALUES_KEPT = 100;

export class ProblemGroups {
  readonly #groups = new Map<string, { code: string; column: string; count: number; lines: number[]; values: Set<string> }>();

  add(outcome: RowOutcome): void {
    if (outcome.status !== 'failed' && outcome.status !== 'invalid') return;
    const problems: readonly RowProblem[] = outcome.problems ?? (outcome.problem ? [outcome.problem] : []);
    for (const problem of problems) {
      const key = JSON.stringify([problem.code, problem.param]);
      let group = this.#groups.get(key);
      if (group === undefined) {
        group = { code: problem.code, column: problem.param, count: 0, lines: [], values: new Set() };
        this.#groups.set(key, group);
      }
      group.count += 1;
      if (group.lines.length < LINES_KEPT && !group.lines.includes(outcome.line)) group.lines.push(outcome.line);
      if (problem.value !== undefined && group.values.size < VALUES_KEPT) group.values.add(problem.value);
    }
  }

  /** The groups, the largest first. */
  list(hintFor: HintFor): ProblemGroup[] {
    return [...this.#groups.values()]
      .sort((left, right) => right.count - left.count)
      .map((group) => ({
        code: group.code,
        column: group.column,
        count: group.count,
        lines: group.lines,
        values: [...group.values].slice(0, VALUES_SHOWN),
        hint: hintFor({ code: group.code, column: group.column, values: [...group.values] }),
      }));
  }
}
