/**
 * Progress of a long run. On a terminal: one live line on stderr (rows, percent of the file, rows/s,
 * ETA, failures, 429s). Otherwise: a structured log line every few seconds, for cron logs.
 */
import type { Logger } from 'pino';

export interface ProgressSnapshot {
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
  #snapshot: () => ProgressSnapshot = () => ({ rowsDone: 0, failures: 0, rateLimited: 0, bytesRead: 0, totalBytes: 0 });
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
    const share = snapshot.totalBytes > 0 ? Math.min(1, snapshot.bytesRead / snapshot.totalBytes) : 0;
    const etaSeconds = share > 0.001 && share < 1 ? (seconds / share) * (1 - share) : undefined;
    if (this.#options.live) {
      const parts = [
        `${this.#options.label}: ${snapshot.rowsDone.toLocaleString('en-US')} rows`,
        `${(share * 100).toFixed(1)}% of file`,
        `${rowsPerSecond.toFixed(1)} rows/s`,
        etaSeconds === undefined ? 'ETA –' : `ETA ${formatDuration(etaSeconds)}`,
        `${snapshot.failures} failed/invalid`,
        `${snapshot.rateLimited} × 429`,
      ];
      this.#options.stream.write(`\r\u001b[2K${parts.join(' | ')}`);
      this.#drawn = true;
    } else {
      this.#options.logger.info(
        {
          event: 'progress',
          rowsDone: snapshot.rowsDone,
          percentOfFile: Number((share * 100).toFixed(1)),
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

export function formatDuration(seconds: number): string {
  const whole = Math.round(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = whole % 60;
  if (hours > 0) return `${hours}h${String(minutes).padStart(2, '0')}m`;
  if (minutes > 0) return `${minutes}m${String(rest).padStart(2, '0')}s`;
  return `${rest}s`;
}
