/** One HTTP attempt: send, read the whole answer, and say why there was none if there was none. */

/** What one attempt produced: an answer read in full, or the reason there was none. */
export type AttemptResult =
  | { kind: 'response'; status: number; headers: Headers; text: string }
  /** The per-attempt timeout ran out. */
  | { kind: 'timeout' }
  /** The caller's signal fired. */
  | { kind: 'abort' }
  /** The connection failed or broke. */
  | { kind: 'network'; cause: unknown };

export interface AttemptRequest {
  fetch: typeof fetch;
  url: string;
  init: RequestInit;
  /** Covers sending and reading the whole body. */
  timeoutMs: number;
  signal: AbortSignal | undefined;
}

/**
 * Sends one request under its own timeout. Never throws: failures come back as a result kind,
 * told apart by which signal fired rather than by the error's type. The caller's signal is
 * linked by a listener that is removed afterwards, because `AbortSignal.any` on Node 20 keeps
 * every derived signal alive as long as the caller's (one per request, for a whole run).
 */
export async function sendAttempt(request: AttemptRequest): Promise<AttemptResult> {
  const { signal } = request;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, request.timeoutMs);
  const onCallerAbort = (): void => controller.abort();
  signal?.addEventListener('abort', onCallerAbort, { once: true });
  if (signal?.aborted === true) controller.abort();
  try {
    const response = await request.fetch(request.url, { ...request.init, signal: controller.signal });
    const text = await response.text();
    return { kind: 'response', status: response.status, headers: response.headers, text };
  } catch (cause) {
    if (signal?.aborted === true) return { kind: 'abort' };
    if (timedOut) return { kind: 'timeout' };
    return { kind: 'network', cause };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onCallerAbort);
  }
}

/**
 * A short reason for a network failure. undici reports `fetch failed` and keeps the useful part
 * (`connect ECONNREFUSED …`, `other side closed`) in its cause. Read by shape, not `instanceof`:
 * the error may come from another realm.
 */
export function describeNetworkFailure(cause: unknown): string {
  const outer = readErrorShape(cause);
  const useful = readErrorShape(outer?.cause) ?? outer;
  if (useful === undefined) return String(cause);
  if (useful.code === undefined || useful.message.includes(useful.code)) return useful.message;
  return `${useful.code}: ${useful.message}`;
}

function readErrorShape(value: unknown): { message: string; code: string | undefined; cause: unknown } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as { message?: unknown; code?: unknown; cause?: unknown };
  if (typeof record.message !== 'string') return undefined;
  return { message: record.message, code: typeof record.code === 'string' ? record.code : undefined, cause: record.cause };
}
