/** Small node:http helpers: reading a body, answering JSON, and the request checks every /v1 POST shares. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LIGHTFIELD_VERSION } from '../lightfield/types.js';
import { ApiError, badRequest } from './api-error.js';
import { MAX_KEY_LENGTH } from './idempotency.js';

/** Bodies above this are refused rather than buffered; a create body is a few kilobytes. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** The whole body, or `undefined` once it passes {@link MAX_BODY_BYTES} (the rest is drained and dropped). */
export function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

export function sendJson(response: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  if (response.destroyed || response.headersSent) return;
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    ...headers,
  });
  response.end(body);
}

/** The bearer token of a request, if it sent one. */
function bearerToken(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** 401 for a missing or unknown key; the key itself never appears in the answer. */
export function checkAuthorization(request: IncomingMessage, apiKey: string | undefined): ApiError | undefined {
  const token = bearerToken(request);
  const accepted = token !== undefined && (apiKey === undefined ? token.startsWith('sk_lf_') && token.length > 6 : token === apiKey);
  if (accepted) return undefined;
  const message = token === undefined ? 'Missing API key: send Authorization: Bearer <key>.' : 'Invalid API key.';
  return new ApiError(401, message);
}

export function checkVersion(request: IncomingMessage): ApiError | undefined {
  const version = request.headers['lightfield-version'];
  if (version === LIGHTFIELD_VERSION) return undefined;
  const problem = version === undefined ? 'Missing' : 'Unsupported';
  return badRequest('version_header', 'Lightfield-Version', `${problem} Lightfield-Version header; send Lightfield-Version: ${LIGHTFIELD_VERSION}.`);
}

/** The parsed JSON body of a POST: 415 unless sent as application/json, 400 `invalid_json` when it does not parse. */
export function parseJsonBody(request: IncomingMessage, body: Buffer | undefined): unknown {
  const contentType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (contentType !== 'application/json') {
    throw new ApiError(415, `Request bodies must be sent as application/json, got '${contentType || 'nothing'}'.`);
  }
  if (body === undefined) throw new ApiError(413, `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw badRequest('invalid_json', undefined, `The request body is not valid JSON: ${(error as Error).message}`);
  }
}

/** The `Idempotency-Key` of a POST, `undefined` when absent or empty; 400 when longer than 255 characters. */
export function idempotencyKey(request: IncomingMessage): string | undefined {
  const header = request.headers['idempotency-key'];
  const key = Array.isArray(header) ? header[0] : header;
  if (key === undefined || key === '') return undefined;
  if (key.length > MAX_KEY_LENGTH) {
    throw badRequest('idempotency_key_too_long', 'Idempotency-Key', `Idempotency-Key must be at most ${MAX_KEY_LENGTH} characters, got ${key.length}.`);
  }
  return key;
}
