/**
 * Progress of a long run. On a terminal: one live line on stderr (rows, percent of the file, rows/s,
 * ETA, failures, 429s). Otherwise: a structured log line every few seconds, for cron logs.
 */
import type { Logger } from 'pino';

export interface ProgressSnapshot {
  /** Rows read from the file so far (ahead of the rows done by at most the queue). */
  rowsRead: number;
  /** Whether the whole file has been read: then `rowsRead` is the total. */
  readingDone: boolean;
  rowsDone: number;
  failures: number;
  rateLimited: number;
  bytesRead: number;
  totalBytes: number;
}

export interface ProgressOptions {
  logger: Logger;
  /** Draw a live line (a terminal) or log periodically. @default whether stderr is a terminal */
  live?: boolean;
  /** @default 250 ms live, 10 s in logs */
  intervalMs?: number;
  /** @default process.stderr */
  stream?: NodeJS.WriteStream;
  label?: string;
}

export class Progress {
  readonly #options: Required<Omit<ProgressOptions, 'label'>> & { label: string };
  readonly #startedAt = performance.now();
  #timer: NodeJS.Timeout | undefined;
  #snapshot: () => ProgressSnapshot = () => ({
    rowsRead: 0,
    readingDone: false,
    rowsDone: 0,
    failures: 0,
    rateLimited: 0,
    bytesRead: 0,
    totalBytes: 0,
  });
  #drawn = false;

  constructor(options: ProgressOptions) {
    const stream = options.stream ?? process.stderr;
    const live = options.live ?? Boolean(stream.isTTY);
    this.#options = {
      logger: options.logger,
      live,
      stream,
      intervalMs: options.intervalMs ?? (live ? 250 : 10_000),
      label: options.label ?? 'import',
    };
  }

  start(snapshot: () => ProgressSnapshot): void {
    this.#snapshot = snapshot;
    this.#timer = setInterval(() => this.#tick(), this.#options.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#drawn) {
      this.#tick();
      this.#options.stream.write('\n');
      this.#drawn = false;
    }
  }

  #tick(): void {
    const snapshot = this.#snapshot();
    const seconds = (performance.now() - this.#startedAt) / 1000;
    const rowsPerSecond = seconds > 0 ? snapshot.rowsDone / seconds : 0;
    const total = estimatedTotal(snapshot);
    const share = total && total > 0 ? Math.min(1, snapshot.rowsDone / total) : undefined;
    const etaSeconds = total !== undefined && rowsPerSecond > 0 ? Math.max(0, total - snapshot.rowsDone) / rowsPerSecond : undefined;
    if (this.#options.live) {
      const of = total === undefined ? '' : snapshot.readingDone ? ` / ${format(total)}` : ` / ~${format(total)}`;
      const parts = [
        `${this.#options.label}: ${format(snapshot.rowsDone)}${of} rows${share === undefined ? '' : ` (${(share * 100).toFixed(1)}%)`}`,
        `${rowsPerSecond.toFixed(1)} rows/s`,
        etaSeconds === undefined ? 'ETA –' : `ETA ${formatDuration(etaSeconds)}`,
        `${format(snapshot.failures)} failed/invalid`,
        `${format(snapshot.rateLimited)} × 429`,
      ];
      this.#options.stream.write(`\r\u001b[2K${parts.join(' | ')}`);
      this.#drawn = true;
    } else {
      this.#options.logger.info(
        {
          event: 'progress',
          rowsDone: snapshot.rowsDone,
          rowsTotal: total === undefined ? null : Math.round(total),
          totalIsEstimate: !snapshot.readingDone,
          rowsPerSecond: Number(rowsPerSecond.toFixed(1)),
          etaSeconds: etaSeconds === undefined ? null : Math.round(etaSeconds),
          failures: snapshot.failures,
          rateLimited: snapshot.rateLimited,
        },
        'progress',
      );
    }
  }
}

/**
 * The number of rows in the file: exact once it has been read, otherwise extrapolated from the
 * bytes read so far (the file is not counted in advance: that would read it twice).
 */
export function estimatedTotal(snapshot: ProgressSnapshot): number | undefined {
  if (snapshot.readingDone) return snapshot.rowsRead;
  if (snapshot.bytesRead <= 0 || snapshot.rowsRead === 0) return undefined;
  return Math.round((snapshot.rowsRead * snapshot.totalBytes) / snapshot.bytesRead);
}

function format(count: number): string {
  return count.toLocaleString('en-US');
}

export function formatDuration(seconds: number): string {
  const whole = Math.round(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = whole % 60;
  if (hours > 0) return `${hours}h${String(minutes).padStart(2, '0')}m`;
  if (minutes > 0) return `${minutes}m${String(rest).padStart(2, '0')}s`;
  return `${rest}s`;
}
