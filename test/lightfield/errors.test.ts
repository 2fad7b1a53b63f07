import { describe, expect, test } from '@jest/globals';

import {
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
} from '../../src/lightfield/errors.js';

describe('APIError.generate()', () => {
  test.each([
    [400, BadRequestError],
    [401, AuthenticationError],
    [403, PermissionDeniedError],
    [404, NotFoundError],
    [409, ConflictError],
    [415, UnsupportedMediaTypeError],
    [422, UnprocessableEntityError],
    [429, RateLimitError],
    [500, InternalServerError],
    [503, InternalServerError],
    [504, InternalServerError],
  ])('status %p → %p', (status, ErrorClass) => {
    const error = APIError.generate(status, { error: { type: 'x', message: 'y' } }, new Headers());
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toBeInstanceOf(APIError);
    expect(error).toBeInstanceOf(LightfieldError);
    expect(error.name).toBe(ErrorClass.name);
    expect(error.status).toBe(status);
  });

  test.each([408, 418])('status %p without a class of its own → APIError', (status) => {
    const error = APIError.generate(status, undefined, new Headers());
    expect(error.constructor).toBe(APIError);
  });

  test.each([
    ['the documented envelope', { error: { type: 'bad_request', message: 'Unrecognized field.', code: 'unknown_field', param: 'fields.bogus' } }],
    ['an unwrapped error object', { type: 'bad_request', message: 'Unrecognized field.', code: 'unknown_field', param: 'fields.bogus' }],
  ])('reads type, code and param from %s', (_name, body) => {
    const error = APIError.generate(400, body, new Headers());
    expect(error).toMatchObject({ type: 'bad_request', code: 'unknown_field', param: 'fields.bogus' });
    expect(error.body).toMatchObject({ type: 'bad_request', message: 'Unrecognized field.' });
    expect(error.message).toBe('400 bad_request (unknown_field, param fields.bogus): Unrecognized field.');
  });

  test('keeps extra keys of the error object (stage candidates)', () => {
    const candidates = [{ stageOptionId: 'opt_1', stageLabel: 'Won', pipelineId: 'pd_1', pipelineName: 'Sales' }];
    const error = APIError.generate(
      422,
      { error: { type: 'unprocessable_content', message: 'Ambiguous.', code: 'ambiguous_stage_label', candidates } },
      new Headers(),
    );
    expect(error.body?.['candidates']).toEqual(candidates);
  });

  test.each([
    ['no body', undefined],
    ['a JSON string', 'Service Unavailable'],
    ['a JSON array', [1, 2]],
  ])('with %s the error still names the status', (_name, body) => {
    const error = APIError.generate(503, body, new Headers());
    expect(error.message).toBe('503 status code (no JSON error body)');
    expect(error.body).toBeUndefined();
    expect(error.type).toBeUndefined();
  });

  test('carries attempts and the response rate-limit headers', () => {
    const headers = new Headers({ 'x-ratelimit-limit': '25', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1777636801' });
    const error = APIError.generate(429, { type: 'too_many_requests', message: 'Slow down.' }, headers, { attempts: 4 });
    expect(error.attempts).toBe(4);
    expect(error.rateLimit).toEqual({ limit: 25, remaining: 0, reset: 1777636801 });
    expect(error.headers.get('x-ratelimit-limit')).toBe('25');
  });
});

describe('connection and abort errors', () => {
  test('a timeout is a connection error and keeps attempts', () => {
    const error = new APIConnectionTimeoutError('no answer', { attempts: 3 });
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error).toBeInstanceOf(LightfieldError);
    expect(error.attempts).toBe(3);
    expect(error.name).toBe('APIConnectionTimeoutError');
  });

  test('a connection error keeps its cause', () => {
    const cause = new Error('ECONNREFUSED');
    expect(new APIConnectionError('down', { cause }).cause).toBe(cause);
  });

  test('a user abort is neither an API nor a connection error', () => {
    const error = new APIUserAbortError('aborted', { attempts: 0 });
    expect(error).toBeInstanceOf(LightfieldError);
    expect(error).not.toBeInstanceOf(APIError);
    expect(error).not.toBeInstanceOf(APIConnectionError);
    expect(error.attempts).toBe(0);
  });
});
