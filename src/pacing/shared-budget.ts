/**
 * One organization's rate budget shared through Redis (`--redis`): the connection bottleneck's
 * clustering mode keeps its limiter state on, and the budget id every importer writing into the same
 * organization derives alike, on whatever machine it runs.
 */
import Bottleneck from 'bottleneck';
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { ImportError } from '../errors.js';

export interface SharedBudget {
  /** The bottleneck id prefix: base URL and a hash of the API key, never the key. */
  id: string;
  /** The Redis URL without its password, for messages. */
  label: string;
  connection: Bottleneck.IORedisConnection;
  close(): Promise<void>;
}

/** How long connecting to Redis may take at start-up. */
const CONNECT_TIMEOUT_MS = 5_000;
/** Reconnection attempts after Redis went away mid-run, before the run is told it is gone. */
const RECONNECT_ATTEMPTS = 3;

/** The budget id for an organization: what every importer with the same base URL and key derives. */
export function sharedBudgetId(baseUrl: string, apiKey: string): string {
  const keyHash = createHash('sha256').update(apiKey).digest('hex').slice(0, 16);
  return `lightfield-import:${new URL(baseUrl).origin}:${keyHash}`;
}

/** The Redis URL as it may be shown: without user name or password. */
export function redisLabel(redisUrl: string): string {
  try {
    const url = new URL(redisUrl);
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return '(an unparsable Redis URL)';
  }
}

/**
 * Connects to Redis; an unreachable or refusing Redis is a `rate_limiter_unavailable` ImportError
 * (exit 2: nothing was sent yet).
 */
export async function connectSharedBudget(redisUrl: string, budgetId: string): Promise<SharedBudget> {
  const label = redisLabel(redisUrl);
  if (!/^rediss?:\/\//.test(redisUrl)) {
    throw new ImportError('usage', `--redis must be a redis:// or rediss:// URL, got ${label}`, { subject: '--redis' });
  }
  const options = {
    connectTimeout: CONNECT_TIMEOUT_MS,
    // A command while Redis is away fails at once instead of waiting in a queue: the run then stops
    // (exit 3) rather than hanging.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt: number) => (attempt > RECONNECT_ATTEMPTS ? null : 200 * attempt),
  };
  const client = new Redis(redisUrl, options);
  client.on('error', () => undefined);
  try {
    await connected(client);
  } catch (error) {
    client.disconnect();
    throw new ImportError('rate_limiter_unavailable', `Cannot connect to Redis at ${label} for the shared rate budget: ${(error as Error).message}`, {
      subject: label,
      cause: error,
    });
  }
  const connection = new Bottleneck.IORedisConnection({ client });
  connection.on('error', () => undefined);
  return {
    id: budgetId,
    label,
    connection,
    close: async () => {
      await connection.disconnect(false).catch(() => undefined);
    },
  };
}

function connected(client: Redis): Promise<void> {
  return new Promise((resolve, reject) => {
    const cleanUp = (): void => {
      client.off('ready', onReady);
      client.off('end', onEnd);
      client.off('error', onError);
    };
    let lastError: Error | undefined;
    const onReady = (): void => {
      cleanUp();
      resolve();
    };
    const onError = (error: Error): void => {
      lastError = error;
    };
    const onEnd = (): void => {
      cleanUp();
      reject(lastError ?? new Error('the connection closed'));
    };
    client.on('ready', onReady);
    client.on('error', onError);
    client.on('end', onEnd);
  });
}
