/** The few lines a person reads at the end of a run (stdout), or the summary as JSON with `--json`. */
import type { RunSummary } from '../pipeline/summary.js';

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
  ];
  const refused = (summary.counts['failed'] ?? 0) + (summary.counts['invalid'] ?? 0);
  if (refused > 0) {
    lines.push(
      `  failed:  ${summary.report.failed} — ${refused} ${refused === 1 ? 'row' : 'rows'} to fix; then import that file with the same mapping, or run: lightfield-import retry ${summary.report.results}`,
    );
  }
  if (summary.stopped) {
    lines.push(`  ${STOP_EXPLANATION[summary.stopped] ?? summary.stopped}; rerun ${resumeCommand ? `'${resumeCommand}'` : 'the same command'} to resume (nothing is sent twice)`);
  }
  lines.push(`exit ${summary.exitCode}`);
  return `${lines.join('\n')}\n`;
}

export function printSummary(summary: RunSummary, json: boolean): void {
  process.stdout.write(json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary));
}
