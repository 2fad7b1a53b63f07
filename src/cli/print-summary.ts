/** The few lines a person reads at the end of a run (stdout), or the summary as JSON with `--json`. */
import type { RunSummary } from '../pipeline/summary.js';
import type { VerifySummary } from '../verify/verify.js';

const STOP_EXPLANATION: Record<string, string> = {
  signal: 'stopped by a signal (Ctrl-C / SIGTERM)',
  max_errors: 'stopped after --max-errors failed or invalid rows',
  auth: 'stopped: Lightfield refused the API key during the run',
  storage: 'stopped: the run ledger or the report could not be written (disk full?); the error is in the log',
  rate_limiter: 'stopped: the shared rate budget in Redis (--redis) stopped answering; start Redis again (or drop --redis)',
  outage: 'stopped: Lightfield is not answering (connection refused, timeouts or 5xx on every request); once it answers again',
  source_changed: 'stopped: the CSV file changed while it was read (is it still being written?); no row read after the change was sent; once the file is complete',
};

export function formatSummary(summary: RunSummary, resumeCommand?: string): string {
  const counts = Object.entries(summary.counts)
    .map(([status, count]) => `${status} ${count}`)
    .join(' · ');
  const lines = [
    `${summary.command} finished in ${summary.durationSeconds.toFixed(1)} s: ${summary.rowsRead} rows read, ${summary.rowsPerSecond} rows/s`,
    `  ${counts}`,
    `  requests ${summary.requests.total} (${summary.requests.write} writes, ${summary.retries} retries, ${summary.rateLimited} answered 429)`,
    `  report:  ${summary.report.results}`,
    `  ledger:  ${summary.settings.state}`,
  ];
  const refused = (summary.counts['failed'] ?? 0) + (summary.counts['invalid'] ?? 0);
  if (refused > 0) {
    lines.push(
      `  failed:  ${summary.report.failed} — ${refused} ${refused === 1 ? 'row' : 'rows'} to fix; then import that file with the same mapping, or run: lightfield-import retry ${summary.report.results}`,
    );
  }
  lines.push(...formatProblems(summary));
  if (summary.stopped) {
    lines.push(`  ${STOP_EXPLANATION[summary.stopped] ?? summary.stopped}; rerun ${resumeCommand ? `'${resumeCommand}'` : 'the same command'} to resume (nothing is sent twice)`);
  }
  lines.push(`exit ${summary.exitCode}`);
  return `${lines.join('\n')}\n`;
}

/** Groups of problems shown on the terminal; the rest are in problems.csv. */
const PROBLEM_GROUPS_SHOWN = 5;

function formatProblems(summary: RunSummary): string[] {
  if (summary.problems.length === 0) return [];
  const lines = [`  problems (all in ${summary.report.problems}):`];
  for (const group of summary.problems.slice(0, PROBLEM_GROUPS_SHOWN)) {
    const where = group.column === '' ? '' : ` in "${group.column}"`;
    const values = group.values.length > 0 ? `: ${group.values.slice(0, 3).map((value) => JSON.stringify(value)).join(', ')}${group.values.length > 3 ? ', …' : ''}` : '';
    lines.push(`    ${group.count} × ${group.code}${where}${values} (${group.lines.length === 1 ? 'line' : 'lines'} ${group.lines.slice(0, 5).join(', ')}${group.lines.length > 5 ? ', …' : ''})`);
    if (group.hint !== '') lines.push(`      → ${group.hint}`);
  }
  if (summary.problems.length > PROBLEM_GROUPS_SHOWN) lines.push(`    … and ${summary.problems.length - PROBLEM_GROUPS_SHOWN} more groups`);
  return lines;
}

export function printSummary(summary: RunSummary, json: boolean): void {
  process.stdout.write(json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary));
}

export function printVerifySummary(summary: VerifySummary, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ command: 'verify', ...summary }, null, 2)}\n`);
    return;
  }
  const { ok, mismatch, missing } = summary.counts;
  const lines = [
    `verify: ${summary.records} records read back: ${ok} ok · ${mismatch} mismatch · ${missing} missing` +
      (summary.skipped > 0 ? ` (${summary.skipped} rows had not landed and were not checked)` : ''),
    `  details: ${summary.file}`,
    `exit ${summary.exitCode}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
