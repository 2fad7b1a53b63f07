/** Counters behind `stats()` and `GET /_emulator/stats`. */
import type { RateCategory } from '../lightfield/types.js';
import { OBJECT_TYPES, type ObjectType } from './objects.js';
import { FAULT_KINDS, type EmulatorStats, type FaultKind } from './options.js';

function perObject(): Record<ObjectType, { creates: number; updates: number }> {
  return Object.fromEntries(OBJECT_TYPES.map((objectType) => [objectType, { creates: 0, updates: 0 }])) as Record<
    ObjectType,
    { creates: number; updates: number }
  >;
}

export class StatsCounter {
  requests: EmulatorStats['requests'] = { total: 0, write: 0, read: 0, search: 0, unrouted: 0 };
  statusCodes: Record<string, number> = {};
  rateLimited = 0;
  idempotentReplays = 0;
  idempotencyConflicts = 0;
  faultsInjected = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;
  #writes = perObject();

  countRequest(category: RateCategory | 'unrouted'): void {
    this.requests.total++;
    this.requests[category]++;
  }

  countStatus(status: number): void {
    this.statusCodes[status] = (this.statusCodes[status] ?? 0) + 1;
  }

  countWrite(objectType: ObjectType, write: 'create' | 'update'): void {
    if (write === 'create') this.#writes[objectType].creates++;
    else this.#writes[objectType].updates++;
  }

  /** `held`: active records per object type, seeded ones included. */
  snapshot(held: Record<ObjectType, number>): EmulatorStats {
    const writes = Object.values(this.#writes);
    return {
      opportunities: held.opportunity,
      records: { ...held },
      requests: { ...this.requests },
      statusCodes: { ...this.statusCodes },
      rateLimited: this.rateLimited,
      idempotentReplays: this.idempotentReplays,
      idempotencyConflicts: this.idempotencyConflicts,
      faultsInjected: { ...this.faultsInjected },
      createsExecuted: writes.reduce((sum, counts) => sum + counts.creates, 0),
      updatesExecuted: writes.reduce((sum, counts) => sum + counts.updates, 0),
      writesExecuted: structuredClone(this.#writes),
    };
  }
}
