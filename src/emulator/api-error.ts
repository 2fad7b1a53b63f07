/**
 * The API's error answers, thrown by validation and handlers and turned into `{ error: {...} }` bodies,
 * or unwrapped `{ type, message, ... }` ones when the emulator is set to the OpenAPI spec's envelope.
 */
import type { ErrorEnvelopeStyle } from './options.js';

const TYPE_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable_content',
  429: 'too_many_requests',
  500: 'internal_server_error',
  503: 'service_unavailable',
  504: 'gateway_timeout',
};

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly type: string;
  readonly code: string | undefined;
  readonly param: string | undefined;
  /** Extra keys of the error object, e.g. `candidates` of `ambiguous_stage_label`. */
  readonly extra: Record<string, unknown>;

  constructor(status: number, message: string, details: { code?: string; param?: string; type?: string; extra?: Record<string, unknown> } = {}) {
    super(message);
    this.status = status;
    this.type = details.type ?? TYPE_BY_STATUS[status] ?? 'error';
    this.code = details.code;
    this.param = details.param;
    this.extra = details.extra ?? {};
  }

  toBody(envelope: ErrorEnvelopeStyle = 'wrapped'): string {
    const error: Record<string, unknown> = { type: this.type, message: this.message };
    if (this.code !== undefined) error['code'] = this.code;
    if (this.param !== undefined) error['param'] = this.param;
    const content = { ...error, ...this.extra };
    return JSON.stringify(envelope === 'wrapped' ? { error: content } : content);
  }
}

/** A wrapped error body without a status to go with it (admin and non-API answers). */
export function errorBody(type: string, message: string): string {
  return JSON.stringify({ error: { type, message } });
}

/** A 400 `bad_request` with a code and the request location it is about. */
export function badRequest(code: string, param: string | undefined, message: string): ApiError {
  return new ApiError(400, message, param === undefined ? { code } : { code, param });
}

/** A 400 `invalid_type` for a value that does not fit its field. */
export function invalidType(param: string, message: string): ApiError {
  return badRequest('invalid_type', param, message);
}
