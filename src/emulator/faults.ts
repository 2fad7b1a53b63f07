/** Which fault, if any, a /v1 request gets: the next matching queued fault first, then a seeded random draw. */
import type { FaultKind, FaultOptions, QueuedFault } from './options.js';
import type { Random } from './random.js';

export const DEFAULT_SLOW_MS = 5000;

export interface PlannedFault {
  kind: FaultKind;
  /** Extra delay of a `slow` fault. */
  slowMs: number;
  /** Extra answer headers (`x-should-retry`). */
  headers: Record<string, string>;
}

const NO_HEADERS: Record<string, string> = {};

function pathMatches(pattern: string | undefined, path: string): boolean {
  if (pattern === undefined) return true;
  return pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : path === pattern;
}

export class FaultPlanner {
  #queue: QueuedFault[] = [];

  enqueue(faults: QueuedFault[]): void {
    this.#queue.push(...faults.map((fault) => ({ ...fault })));
  }

  clear(): void {
    this.#queue = [];
  }

  /** The fault for one request; consumes a queued fault or a random draw. */
  next(method: string, path: string, isWrite: boolean, random: FaultOptions | undefined, draw: Random): PlannedFault | undefined {
    const index = this.#queue.findIndex(
      (fault) => (fault.method === undefined || fault.method.toUpperCase() === method) && pathMatches(fault.path, path),
    );
    if (index >= 0) {
      const [fault] = this.#queue.splice(index, 1);
      if (fault) {
        const headers = fault.shouldRetry === undefined ? NO_HEADERS : { 'x-should-retry': String(fault.shouldRetry) };
        return { kind: fault.kind, slowMs: fault.slowMs ?? DEFAULT_SLOW_MS, headers };
      }
    }
    if (!random || random.probability <= 0 || random.kinds.length === 0) return undefined;
    if (random.only === 'write' && !isWrite) return undefined;
    if (draw() >= random.probability) return undefined;
    const kind = random.kinds[Math.floor(draw() * random.kinds.length)];
    return kind ? { kind, slowMs: random.slowMs ?? DEFAULT_SLOW_MS, headers: NO_HEADERS } : undefined;
  }
}
