/** The local Lightfield API emulator: a real HTTP server for tests, benchmarks and the demo. */
export { startEmulator } from './server.js';
export { buildSeed } from './seed.js';
export type { ResolvedAccount, ResolvedContact, ResolvedMember, SeedAccount, SeedContact, SeedData, SeedMember } from './seed.js';
export { FAULT_KINDS } from './options.js';
export type {
  EmulatorConfig,
  EmulatorOptions,
  EmulatorStats,
  FaultKind,
  FaultOptions,
  Latency,
  QueuedFault,
  RunningEmulator,
} from './options.js';
export { normalizeTelephone } from './telephone.js';
