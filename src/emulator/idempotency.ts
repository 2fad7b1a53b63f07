/**
 * The `Idempotency-Key` store (API doc §5): keys are scoped per operation (creating an opportunity, updating
 * one given ID), successful answers are kept for 24 hours and replayed byte for byte, a key whose first
 * request is still executing is reported as in flight, and failed requests leave no trace.
 */

export const MAX_KEY_LENGTH = 255;
export const RETENTION_MS = 24 * 60 * 60 * 1000;
// Expired answers are swept every this many completions, so memory follows the 24 h window, not the run.
const SWEEP_EVERY = 1000;

export interface StoredAnswer {
  status: number;
  body: string;
}

type Entry = { state: 'in_flight' } | ({ state: 'done'; expiresAt: number } & StoredAnswer);

export type Claim = { kind: 'new' } | { kind: 'in_flight' } | ({ kind: 'replay' } & StoredAnswer);

export class IdempotencyStore {
  readonly #entries = new Map<string, Entry>();
  #completions = 0;

  /** What to do with a request carrying `key` for `operation`; `new` marks the key as in flight. */
  claim(operation: string, key: string, now: number): Claim {
    const id = `${operation}\u0000${key}`;
    const entry = this.#entries.get(id);
    if (entry?.state === 'in_flight') return { kind: 'in_flight' };
    if (entry?.state === 'done' && now < entry.expiresAt) return { kind: 'replay', status: entry.status, body: entry.body };
    this.#entries.set(id, { state: 'in_flight' });
    return { kind: 'new' };
  }

  /** Records the answer of a claimed key, or forgets the key when the request failed. */
  settle(operation: string, key: string, answer: StoredAnswer | undefined, now: number): void {
    const id = `${operation}\u0000${key}`;
    if (!answer) {
      this.#entries.delete(id);
      return;
    }
    this.#entries.set(id, { state: 'done', expiresAt: now + RETENTION_MS, ...answer });
    if (++this.#completions % SWEEP_EVERY === 0) this.#sweep(now);
  }

  #sweep(now: number): void {
    for (const [id, entry] of this.#entries) {
      if (entry.state === 'done' && now >= entry.expiresAt) this.#entries.delete(id);
    }
  }

  clear(): void {
    this.#entries.clear();
    this.#completions = 0;
  }
}
