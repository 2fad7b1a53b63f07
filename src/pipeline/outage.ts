/**
 * Tells an outage from bad luck: a row that got no answer from Lightfield (connection refused,
 * timeouts, 5xx after every retry) is a failure to report, but many in a row, or none answered for
 * a long time, mean Lightfield is not answering; the run then stops (exit 3) like it does for a
 * revoked key, instead of failing every remaining row after its retries, for hours.
 */
import type { RowOutcome } from '../report/row-outcome.js';

export interface OutageWatchOptions {
  /** Rows in a row without an answer that make an outage. */
  rows: number;
  /** Time without any answer that makes an outage, in ms. */
  ms: number;
  /** @default Date.now */
  clock?: () => number;
}

export class OutageWatch {
  readonly #rows: number;
  readonly #ms: number;
  readonly #clock: () => number;
  #lastAnswerAt: number;
  #unansweredRows = 0;

  constructor(options: OutageWatchOptions) {
    for (const [name, value] of [['outageRows', options.rows], ['outageMs', options.ms]] as const) {
      if (!Number.isFinite(value) || value <= 0) throw new TypeError(`Expected \`${name}\` to be a positive number, got ${String(value)}`);
    }
    this.#rows = options.rows;
    this.#ms = options.ms;
    this.#clock = options.clock ?? Date.now;
    this.#lastAnswerAt = this.#clock();
  }

  /** Takes the outcome of a row that went to Lightfield; returns why the run must stop, or undefined. */
  observe(outcome: RowOutcome): string | undefined {
    if (outcome.status === 'not_attempted') return undefined;
    const now = this.#clock();
    if (outcome.problem?.unanswered !== true) {
      this.#unansweredRows = 0;
      this.#lastAnswerAt = now;
      return undefined;
    }
    this.#unansweredRows += 1;
    const last = `last: ${outcome.problem.message}`;
    const stops = '; the run stops: the rows not sent are `not_attempted`, and rerunning the same command once Lightfield answers again resumes';
    if (this.#unansweredRows >= this.#rows) {
      return `Lightfield is not answering: ${this.#unansweredRows} rows in a row got no answer (${last})${stops}`;
    }
    if (now - this.#lastAnswerAt >= this.#ms) {
      return `Lightfield is not answering: no request got an answer for ${Math.round((now - this.#lastAnswerAt) / 1000)} s (${last})${stops}`;
    }
    return undefined;
  }
}
