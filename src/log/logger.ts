/**
 * Logs go to stderr (stdout is kept for `--json`): human-readable on a terminal, one JSON object a
 * line otherwise, for log pipelines. Anything that looks like a credential is redacted, although the
 * API key is never handed to the logger in the first place.
 */
import pino, { type Logger } from 'pino';
import pinoPretty from 'pino-pretty';

export type { Logger } from 'pino';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

export interface LoggerOptions {
  /** @default 'info' */
  level?: LogLevel;
  /** Human-readable lines. @default whether stderr is a terminal */
  pretty?: boolean;
  /** Where the lines go. @default process.stderr */
  destination?: NodeJS.WritableStream;
}

export const REDACTED_PATHS = [
  'apiKey',
  '*.apiKey',
  'api_key',
  '*.api_key',
  // The environment variable, should an environment ever be logged.
  'LIGHTFIELD_API_KEY',
  '*.LIGHTFIELD_API_KEY',
  'authorization',
  '*.authorization',
  'Authorization',
  '*.Authorization',
  'headers.authorization',
  '*.headers.authorization',
  'headers.Authorization',
  '*.headers.Authorization',
];

export function createLogger(options: LoggerOptions = {}): Logger {
  const destination = options.destination ?? process.stderr;
  const pretty = options.pretty ?? Boolean((destination as NodeJS.WriteStream).isTTY);
  const base = {
    level: options.level ?? 'info',
    base: undefined,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  if (pretty) {
    return pino(base, pinoPretty({ destination, colorize: true, sync: true, ignore: 'pid,hostname' }));
  }
  return pino(base, destination);
}

/** A logger that drops everything (library use without logs). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
