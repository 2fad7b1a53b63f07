/**
 * Rows finish out of order (requests run concurrently, some retry), but the report lists them in
 * input order. Outcomes wait here until every earlier row is done; the wait is bounded by the
 * number of rows in flight, not by the file.
 */
export class OrderedOutput<T> {
  readonly #write: (item: T) => Promise<void>;
  readonly #pending = new Map<number, T>();
  #next = 0;
  #draining: Promise<void> = Promise.resolve();

  constructor(write: (item: T) => Promise<void>) {
    this.#write = write;
  }

  /** Rows waiting for an earlier row. */
  get waiting(): number {
    return this.#pending.size;
  }

  /**
   * Hands in the outcome of row number `sequence` (0-based, every sequence exactly once). Resolves
   * when everything that can be written so far has been.
   */
  put(sequence: number, item: T): Promise<void> {
    this.#pending.set(sequence, item);
    // Only the row everything else waits for starts a drain; a later row is written by the drain
    // that reaches it. (One drain per row would cost a promise and a turn per row: a rerun of
    // unchanged rows hands in tens of thousands per second.)
    if (sequence === this.#next) this.#draining = this.#draining.then(() => this.#drain());
    return this.#draining;
  }

  /** Resolves when everything handed in so far has been written. */
  flushed(): Promise<void> {
    return this.#draining;
  }

  async #drain(): Promise<void> {
    for (let item = this.#pending.get(this.#next); item !== undefined; item = this.#pending.get(this.#next)) {
      this.#pending.delete(this.#next);
      this.#next += 1;
      await this.#write(item);
    }
  }
}
