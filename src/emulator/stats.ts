/** Counters behind `stats()` and `GET /_emulator/stats`. */
import type { RateCategory } from '../lightfield/types.js';
import { FAULT_KINDS, type EmulatorStats, type FaultKind } from './options.js';

export class StatsCounter {
  requests: EmulatorStats['requests'] = { total: 0, write: 0, read: 0, search: 0, unrouted: 0 };
  statusCodes: Record<string, number> = {};
  rateLimited = 0;
  idempotentReplays = 0;
  idempotencyConflicts = 0;
  faultsInjected = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;
  createsExecuted = 0;
  updatesExecuted = 0;

  countRequest(category: RateCategory | 'unrouted'): void {
    this.requests.total++;
    this.requests[category]++;
  }

  countStatus(status: number): void {
    this.statusCodes[status] = (this.statusCodes[status] ?? 0) + 1;
  }

  snapshot(opportunities: number): EmulatorStats {
    return {
      opportunities,
      requests: { ...this.requests },
      statusCodes: { ...this.statusCodes },
      rateLimited: this.rateLimited,
      idempotentReplays: this.idempotentReplays,
      idempotencyConflicts: this.idempotencyConflicts,
      faultsInjected: { ...this.faultsInjected },
      createsExecuted: this.createsExecuted,
      updatesExecuted: this.updatesExecuted,
    };
  }
}
