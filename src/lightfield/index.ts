/** The Lightfield API client: the public pieces. */
export { LightfieldClient, LIST_PAGE_SIZE } from './client.js';
export type {
  ApiResult,
  DefinitionsObjectType,
  LightfieldClientOptions,
  ListObjectType,
  ListQuery,
  RequestOptions,
  WriteRequestOptions,
} from './options.js';

export {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  LightfieldError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
  UnsupportedMediaTypeError,
  type LightfieldErrorOptions,
} from './errors.js';
export {
  backoffDelayMs,
  isIdempotencyConflict,
  parseRateLimit,
  retryDelayMs,
  serverRetryAfterMs,
  shouldRetry,
  type FailedAttempt,
  type RetryDelayInput,
} from './retry.js';
export * from './types.js';
