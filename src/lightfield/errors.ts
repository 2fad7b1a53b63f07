/**
 * The client's one error tree. Everything the client throws is a {@link LightfieldError}:
 *
 * - {@link APIError}: the API answered with an error status; `APIError.generate()` picks the
 *   subclass by status (`BadRequestError`, `RateLimitError`, …).
 * - {@link APIConnectionError}: no answer (network failure); {@link APIConnectionTimeoutError}
 *   when the per-attempt timeout ran out. The outcome of a write is then unknown.
 * - {@link APIUserAbortError}: the caller's `AbortSignal` fired.
 *
 * No error holds the request or its headers, so the API key cannot leak through one.
 */
import { parseRateLimit } from './retry.js';
import type { ApiErrorBody, RateLimitInfo } from './types.js';

/** Options every Lightfield error accepts. */
export interface LightfieldErrorOptions {
  /** How many attempts (HTTP requests) were made for the call, retries included. @default 1 */
  attempts?: number;
  cause?: unknown;
}

export class LightfieldError extends Error {
  override name = 'LightfieldError';
  /** How many attempts (HTTP requests) were made for the call, retries included. */
  readonly attempts: number;

  constructor(message: string, options: LightfieldErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.attempts = options.attempts ?? 1;
  }
}

/** The API answered, with an error status. */
export class APIError extends LightfieldError {
  override name = 'APIError';
  readonly status: number;
  /** The error's `type` (`bad_request`, `too_many_requests`, …), if the body had one. */
  readonly type: string | undefined;
  /** The finer machine-readable `code` (`unknown_field`, `idempotency_conflict`, …). */
  readonly code: string | undefined;
  /** Where in the request the problem is (`fields.$name`, `Idempotency-Key`). */
  readonly param: string | undefined;
  /** The response's headers (never the request's). */
  readonly headers: Headers;
  /** The parsed error object (`body.error ?? body`), or `undefined` when the body was not a JSON object. */
  readonly body: ApiErrorBody | undefined;
  /** The response's `X-RateLimit-*` headers, when all were present. */
  readonly rateLimit: RateLimitInfo | undefined;

  constructor(status: number, body: ApiErrorBody | undefined, headers: Headers, options: LightfieldErrorOptions = {}) {
    super(describeApiError(status, body), options);
    this.status = status;
    this.body = body;
    this.headers = headers;
    this.type = body?.type;
    this.code = body?.code;
    this.param = body?.param;
    this.rateLimit = parseRateLimit(headers);
  }

  /**
   * The error for an error response, of the subclass its status calls for.
   * @param body the parsed JSON response body (either `{ error: {...} }` or the bare error object)
   */
  static generate(status: number, body: unknown, headers: Headers, options: LightfieldErrorOptions = {}): APIError {
    const errorBody = unwrapErrorBody(body);
    const ErrorClass = errorClassForStatus(status);
    return new ErrorClass(status, errorBody, headers, options);
  }
}

export class BadRequestError extends APIError {
  override name = 'BadRequestError';
}
export class AuthenticationError extends APIError {
  override name = 'AuthenticationError';
}
export class PermissionDeniedError extends APIError {
  override name = 'PermissionDeniedError';
}
export class NotFoundError extends APIError {
  override name = 'NotFoundError';
}
export class ConflictError extends APIError {
  override name = 'ConflictError';
}
export class UnsupportedMediaTypeError extends APIError {
  override name = 'UnsupportedMediaTypeError';
}
export class UnprocessableEntityError extends APIError {
  override name = 'UnprocessableEntityError';
}
export class RateLimitError extends APIError {
  override name = 'RateLimitError';
}
export class InternalServerError extends APIError {
  override name = 'InternalServerError';
}

/** No answer arrived: the connection failed or broke. A write may or may not have happened. */
export class APIConnectionError extends LightfieldError {
  override name = 'APIConnectionError';
}

/** No answer arrived within the per-attempt timeout. A write may or may not have happened. */
export class APIConnectionTimeoutError extends APIConnectionError {
  override name = 'APIConnectionTimeoutError';
}

/** The caller's `AbortSignal` fired; the call was given up without further retries. */
export class APIUserAbortError extends LightfieldError {
  override name = 'APIUserAbortError';
}

type APIErrorClass = new (
  status: number,
  body: ApiErrorBody | undefined,
  headers: Headers,
  options?: LightfieldErrorOptions,
) => APIError;

const ERROR_CLASS_BY_STATUS: ReadonlyMap<number, APIErrorClass> = new Map<number, APIErrorClass>([
  [400, BadRequestError],
  [401, AuthenticationError],
  [403, PermissionDeniedError],
  [404, NotFoundError],
  [409, ConflictError],
  [415, UnsupportedMediaTypeError],
  [422, UnprocessableEntityError],
  [429, RateLimitError],
]);

function errorClassForStatus(status: number): APIErrorClass {
  if (status >= 500) return InternalServerError;
  return ERROR_CLASS_BY_STATUS.get(status) ?? APIError;
}

/** The docs wrap errors in `{ error: {...} }`; the OpenAPI spec and some examples do not. */
function unwrapErrorBody(body: unknown): ApiErrorBody | undefined {
  if (!isPlainObject(body)) return undefined;
  const inner = body['error'];
  const candidate = isPlainObject(inner) ? inner : body;
  return {
    ...candidate,
    type: typeof candidate['type'] === 'string' ? candidate['type'] : 'unknown',
    message: typeof candidate['message'] === 'string' ? candidate['message'] : '',
    ...optionalString('code', candidate['code']),
    ...optionalString('param', candidate['param']),
  };
}

function optionalString<K extends string>(key: K, value: unknown): Partial<Record<K, string>> {
  return typeof value === 'string' ? ({ [key]: value } as Record<K, string>) : {};
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** e.g. `400 bad_request (unknown_field, param fields.bogus): Unrecognized field 'bogus'.` */
function describeApiError(status: number, body: ApiErrorBody | undefined): string {
  if (body === undefined) return `${status} status code (no JSON error body)`;
  const details = [body.code, body.param === undefined ? undefined : `param ${body.param}`].filter(
    (part): part is string => part !== undefined && part !== '',
  );
  const detailText = details.length > 0 ? ` (${details.join(', ')})` : '';
  const messageText = body.message === '' ? '' : `: ${body.message}`;
  return `${status} ${body.type}${detailText}${messageText}`;
}
