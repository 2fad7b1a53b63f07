/** `summary.json` and the run's exit code (design.md, "Report" and "Exit codes"). */
import type { ReportFiles } from '../report/report-writer.js';
import type { ProblemGroup } from '../report/problems.js';
import type { RateLimiter } from '../pacing/rate-limiter.js';
import type { RunMode, RunSettings } from './setup.js';
import { IMPORT_STATUSES, PLAN_STATUSES } from '../report/row-outcome.js';

/**
 * Why a run stopped before its last row: Ctrl-C/SIGTERM, `--max-errors`, the key stopped working, or
 * the ledger or the report could not be written (disk full), or the shared rate budget (Redis) went
 * away, or the CSV changed while it was read, or Lightfield stopped answering.
 */
export type StopReason = 'signal' | 'max_errors' | 'auth' | 'storage' | 'rate_limiter' | 'source_changed' | 'outage';

export interface RunSummary {
  command: string;
  runId: string;
  exitCode: number;
  /** Null when the run went through every row. */
  stopped: StopReason | null;
  /** Rows per status; every status of the command is present. */
  counts: Record<string, number>;
  rowsRead: number;
  /** Rows whose cells are all empty (spreadsheet leftovers): skipped, not reported row by row. */
  blankRows: number;
  /** A plan: the distinct related records find-or-create lookups would make, per object (`{ "account": 40 }`). */
  wouldCreate?: Record<string, number>;
  /** The invalid and failed rows' problems grouped by (code, column), the largest first, each with a hint. */
  problems: ProblemGroup[];
  /** HTTP requests sent, retries included: writes, reads (definitions) and searches (lookups). */
  requests: { total: number; write: number; read: number; search: number };
  retries: number;
  /** 429 answers received. */
  rateLimited: number;
  durationSeconds: number;
  rowsPerSecond: number;
  startedAt: string;
  finishedAt: string;
  settings: RunSettings;
  report: { dir: string; results: string; failed: string; summary: string; problems: string };
}

export function exitCodeFor(mode: RunMode, counts: Record<string, number>, stopped: StopReason | null): number {
  if (stopped) return 3;
  const refused = (counts['failed'] ?? 0) + (counts['invalid'] ?? 0);
  return refused > 0 ? 1 : 0;
}

export function buildSummary(input: {
  command: string;
  runId: string;
  mode: RunMode;
  startedAt: number;
  finishedAt: number;
  counts: Record<string, number>;
  rowsRead: number;
  blankRows: number;
  wouldCreate: Record<string, number>;
  problems: ProblemGroup[];
  pacer: RateLimiter;
  retries: number;
  stopReason: StopReason | null;
  settings: RunSettings;
  files: ReportFiles;
}): RunSummary {
  const counts: Record<string, number> = {};
  for (const status of input.mode === 'plan' ? PLAN_STATUSES : IMPORT_STATUSES) counts[status] = input.counts[status] ?? 0;
  const durationSeconds = (input.finishedAt - input.startedAt) / 1000;
  const write = input.pacer.requests('write');
  const read = input.pacer.requests('read');
  const search = input.pacer.requests('search');
  return {
    command: input.command,
    runId: input.runId,
    exitCode: exitCodeFor(input.mode, counts, input.stopReason),
    stopped: input.stopReason,
    counts,
    rowsRead: input.rowsRead,
    blankRows: input.blankRows,
    ...(input.mode === 'plan' ? { wouldCreate: input.wouldCreate } : {}),
    problems: input.problems,
    requests: { total: write + read + search, write, read, search },
    retries: input.retries,
    rateLimited: input.pacer.rateLimited,
    durationSeconds: Number(durationSeconds.toFixed(3)),
    rowsPerSecond: durationSeconds > 0 ? Number((input.rowsRead / durationSeconds).toFixed(1)) : input.rowsRead,
    startedAt: new Date(input.startedAt).toISOString(),
    finishedAt: new Date(input.finishedAt).toISOString(),
    settings: input.settings,
    report: { dir: input.files.dir, results: input.files.results, failed: input.files.failed, summary: input.files.summary, problems: input.files.problems },
  };
}
