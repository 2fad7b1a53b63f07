/**
 * Rows finish out of order (requests run concurrently, some retry), but the report lists them in
 * input order. Outcomes wait here until every earlier row is done; the wait is bounded by the
 * number of rows in flight, not by the file.
 *
 * Writing is synchronous (the report writer buffers; its caller waits for the disk separately), so
 * a row that arrives in turn costs no promise: a plan or a rerun of unchanged rows hands in tens of
 * thousands per second.
 */
export class OrderedOutput<T> {
  readonly #write: (item: T) => void;
  readonly #pending = new Map<number, T>();
  #next = 0;

  constructor(write: (item: T) => void) {
    this.#write = write;
  }

  /** Rows waiting for an earlier row. */
  get waiting(): number {
    return this.#pending.size;
  }

  /** Hands in the outcome of row number `sequence` (0-based, every sequence exactly once) and writes what is now in turn. */
  put(sequence: number, item: T): void {
    if (sequence !== this.#next) {
      this.#pending.set(sequence, item);
      return;
    }
    this.#write(item);
    this.#next += 1;
    for (let held = this.#pending.get(this.#next); held !== undefined; held = this.#pending.get(this.#next)) {
      this.#pending.delete(this.#next);
      this.#next += 1;
      this.#write(held);
    }
  }
}
