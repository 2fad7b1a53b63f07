/** lightfield-import as a library: the same runs the CLI makes, plus the client and the emulator. */
export { runImport, runPlan, type RunSummary } from './pipeline/run.js';
export { runRetry, type RetryOptions } from './pipeline/retry-rows.js';
export type { RunOptions } from './pipeline/options.js';
export type { RowStatus, ImportStatus, PlanStatus } from './report/row-outcome.js';
export { ImportError, type ImportErrorCode, type RowProblem } from './errors.js';
export { LightfieldClient } from './lightfield/client.js';
export * from './lightfield/errors.js';
export { startEmulator } from './emulator/index.js';
export type { MappingFile } from './mapping/types.js';
export { suggestMapping, type InitReport, type MappingInitInput, type MappingSuggestion } from './mapping-init/index.js';
