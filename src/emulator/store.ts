/**
 * The written opportunities. Retrieve always sees the latest version; lists see what the "search index" has,
 * which trails each write by the configured index lag (a new record is missing, an updated one is stale).
 */
import type { Entity } from '../lightfield/types.js';

interface StoredRecord {
  current: Entity;
  /** What lists show until `indexedAt`; `undefined` for a record created less than the lag ago. */
  previous: Entity | undefined;
  /** Clock time (ms) from which lists show `current`. */
  indexedAt: number;
}

export class OpportunityStore {
  readonly #records = new Map<string, StoredRecord>();

  get size(): number {
    return this.#records.size;
  }

  get(id: string): Entity | undefined {
    return this.#records.get(id)?.current;
  }

  has(id: string): boolean {
    return this.#records.has(id);
  }

  /** Stores a new or changed entity at clock time `now`, visible to lists from `now + indexLagMs`. */
  put(entity: Entity, now: number, indexLagMs: number): void {
    const record = this.#records.get(entity.id);
    const previous = record ? (now >= record.indexedAt ? record.current : record.previous) : undefined;
    this.#records.set(entity.id, { current: entity, previous, indexedAt: now + indexLagMs });
  }

  /** Entities as lists see them at clock time `now`, in creation order. */
  listed(now: number): Entity[] {
    const entities: Entity[] = [];
    for (const record of this.#records.values()) {
      const entity = now >= record.indexedAt ? record.current : record.previous;
      if (entity) entities.push(entity);
    }
    return entities;
  }

  all(): Entity[] {
    return [...this.#records.values()].map((record) => record.current);
  }

  clear(): void {
    this.#records.clear();
  }
}
