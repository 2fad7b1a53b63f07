/**
 * The records of one object type. Retrieve always sees the latest version; lists see what the "search index"
 * has, which trails each write by the configured index lag (a new record is missing, an updated one is stale,
 * a deleted one is still listed).
 */
import type { Entity } from '../lightfield/types.js';

interface StoredRecord {
  current: Entity;
  /** `false` once deleted (or seeded inactive): retrieve answers 404 and relationships refuse it. */
  active: boolean;
  /** What lists show until `indexedAt`; `undefined` for a record created less than the lag ago. */
  previous: Entity | undefined;
  /** Clock time (ms) from which lists show the current state. */
  indexedAt: number;
}

export type RecordState = 'active' | 'inactive' | 'missing';

function listedAt(record: StoredRecord, now: number): Entity | undefined {
  if (now < record.indexedAt) return record.previous;
  return record.active ? record.current : undefined;
}

export class RecordStore {
  readonly #records = new Map<string, StoredRecord>();
  #activeCount = 0;

  /** Active records held. */
  get size(): number {
    return this.#activeCount;
  }

  /** The latest version of an active record. */
  get(id: string): Entity | undefined {
    const record = this.#records.get(id);
    return record?.active ? record.current : undefined;
  }

  state(id: string): RecordState {
    const record = this.#records.get(id);
    if (!record) return 'missing';
    return record.active ? 'active' : 'inactive';
  }

  /** A record that predates every write: listed at once, whatever the lag. */
  seed(entity: Entity, active: boolean): void {
    if (this.#records.get(entity.id)?.active) this.#activeCount--;
    this.#records.set(entity.id, { current: entity, active, previous: undefined, indexedAt: Number.NEGATIVE_INFINITY });
    if (active) this.#activeCount++;
  }

  /** Stores a new or changed entity at clock time `now`, visible to lists from `now + indexLagMs`. */
  put(entity: Entity, now: number, indexLagMs: number): void {
    const record = this.#records.get(entity.id);
    const previous = record ? listedAt(record, now) : undefined;
    if (!record?.active) this.#activeCount++;
    this.#records.set(entity.id, { current: entity, active: true, previous, indexedAt: now + indexLagMs });
  }

  /** Deletes an active record at clock time `now`; lists keep showing it until `now + indexLagMs`. */
  delete(id: string, now: number, indexLagMs: number): boolean {
    const record = this.#records.get(id);
    if (!record?.active) return false;
    this.#activeCount--;
    this.#records.set(id, { current: record.current, active: false, previous: listedAt(record, now), indexedAt: now + indexLagMs });
    return true;
  }

  /** Entities as lists see them at clock time `now`, in creation order. */
  listed(now: number): Entity[] {
    const entities: Entity[] = [];
    for (const record of this.#records.values()) {
      const entity = listedAt(record, now);
      if (entity) entities.push(entity);
    }
    return entities;
  }

  /** Every active record's latest version, in creation order. */
  all(): Entity[] {
    return [...this.#records.values()].filter((record) => record.active).map((record) => record.current);
  }
}
