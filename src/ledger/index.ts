/** The run ledger: what every (namespace, identity) became, and every run's settings and outcome. */
export { Ledger, type ExclusiveLedgerOptions, type LedgerOptions } from './ledger.js';
export { defaultLedgerPath } from './default-path.js';
export type { LockHolder } from './lock.js';
export { SCHEMA_VERSION } from './schema.js';
export {
  LEDGER_STATUSES,
  type InFlightRequest,
  type LedgerAnswer,
  type LedgerEntry,
  type LedgerStatus,
  type RunRecord,
  type RunResult,
  type RunStart,
} from './types.js';
