/** The local Lightfield API emulator: a real HTTP server for tests, benchmarks and the demo. */
export { startEmulator } from './server.js';
export { buildSeed } from './seed.js';
export type { ResolvedAccount, ResolvedContact, ResolvedMember, SeedAccount, SeedContact, SeedData, SeedMember } from './seed.js';
export { FAULT_KINDS } from './options.js';
export { OBJECT_TYPES } from './objects.js';
export type { ObjectType } from './objects.js';
export type {
  ConflictTypeStyle,
  EmulatorConfig,
  EmulatorOptions,
  EmulatorStats,
  ErrorEnvelopeStyle,
  FaultKind,
  FaultOptions,
  Latency,
  QueuedFault,
  RecordEdit,
  RunningEmulator,
} from './options.js';
export { normalizeTelephone } from './telephone.js';
