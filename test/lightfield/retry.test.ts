import { describe, expect, test } from '@jest/globals';

import {
  backoffDelayMs,
  MAX_SERVER_DELAY_MS,
  parseRateLimit,
  retryDelayMs,
  serverRetryAfterMs,
  shouldRetry,
} from '../../src/lightfield/retry.js';

const NOW = Date.parse('2026-05-01T12:00:00Z');

describe('shouldRetry()', () => {
  test.each([
    [null, true],
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [408, true],
    [415, false],
    [422, false],
    [429, true],
    [500, true],
    [502, true],
    [503, true],
    [504, true],
  ])('status %p → retry %p', (status, expected) => {
    expect(shouldRetry({ status, headers: new Headers() })).toBe(expected);
  });

  test.each([
    ['idempotency_conflict', undefined, true],
    [undefined, 'idempotency_conflict', true],
    ['conflict', 'idempotency_conflict', true],
    ['conflict', undefined, false],
    ['conflict', 'duplicate_definition', false],
    [undefined, undefined, false],
  ])('409 with type %p and code %p → retry %p', (errorType, errorCode, expected) => {
    expect(shouldRetry({ status: 409, errorType, errorCode })).toBe(expected);
  });

  test.each([
    [400, 'true', true],
    [503, 'false', false],
    [429, 'FALSE', false],
    [500, 'maybe', true],
    [404, 'maybe', false],
  ])('status %p with x-should-retry %p → retry %p', (status, header, expected) => {
    expect(shouldRetry({ status, headers: new Headers({ 'x-should-retry': header }) })).toBe(expected);
  });
});

describe('serverRetryAfterMs()', () => {
  test.each<[string, Record<string, string>, number | undefined]>([
    ['no headers', {}, undefined],
    ['retry-after-ms', { 'retry-after-ms': '250' }, 250],
    ['retry-after-ms wins over Retry-After', { 'retry-after-ms': '250', 'retry-after': '3' }, 250],
    ['Retry-After seconds', { 'retry-after': '2' }, 2000],
    ['Retry-After fractional seconds', { 'retry-after': '1.5' }, 1500],
    ['Retry-After HTTP date', { 'retry-after': new Date(NOW + 7000).toUTCString() }, 7000],
    ['Retry-After date in the past', { 'retry-after': new Date(NOW - 7000).toUTCString() }, 0],
    ['unreadable retry-after-ms falls to Retry-After', { 'retry-after-ms': 'soon', 'retry-after': '1' }, 1000],
    ['negative Retry-After', { 'retry-after': '-5' }, undefined],
    ['garbage Retry-After', { 'retry-after': 'later' }, undefined],
    ['huge value is reported uncapped', { 'retry-after': '3600' }, 3_600_000],
  ])('%s', (_name, headers, expected) => {
    expect(serverRetryAfterMs(new Headers(headers), NOW)).toBe(expected);
  });
});

describe('retryDelayMs()', () => {
  test.each<[string, Record<string, string>, number]>([
    ['retry-after-ms', { 'retry-after-ms': '120' }, 120],
    ['Retry-After seconds', { 'retry-after': '1' }, 1000],
    ['Retry-After HTTP date', { 'retry-after': new Date(NOW + 3000).toUTCString() }, 3000],
    ['Retry-After: 0', { 'retry-after': '0' }, 0],
    ['Retry-After above the cap', { 'retry-after': '3600' }, MAX_SERVER_DELAY_MS],
    ['retry-after-ms above the cap', { 'retry-after-ms': '999999999' }, MAX_SERVER_DELAY_MS],
  ])('honours %s', (_name, headers, expected) => {
    expect(retryDelayMs({ retriesMade: 3, headers: new Headers(headers), random: () => 0.9, now: NOW })).toBe(expected);
  });

  test('falls back to backoff without a usable server hint', () => {
    const headers = new Headers({ 'retry-after': 'later' });
    expect(retryDelayMs({ retriesMade: 1, headers, random: () => 0, now: NOW })).toBe(1000);
    expect(retryDelayMs({ retriesMade: 1, random: () => 0, now: NOW })).toBe(1000);
  });
});

describe('backoffDelayMs()', () => {
  test.each([
    [0, 500],
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [4, 8000],
    [5, 8000],
    [30, 8000],
  ])('retry %p without jitter waits %p ms', (retriesMade, expected) => {
    expect(backoffDelayMs(retriesMade, () => 0)).toBe(expected);
  });

  test.each([
    [0, 0.5, 437.5],
    [0, 0.999999, 375.000125],
    [2, 1, 1500],
    [4, 0.5, 7000],
  ])('retry %p with random %p waits %p ms', (retriesMade, random, expected) => {
    expect(backoffDelayMs(retriesMade, () => random)).toBeCloseTo(expected, 6);
  });

  test.each([Number.NaN, -1, 7])('a misbehaving random (%p) stays within 75–100 %% of the step', (random) => {
    const delay = backoffDelayMs(1, () => random);
    expect(delay).toBeGreaterThanOrEqual(750);
    expect(delay).toBeLessThanOrEqual(1000);
  });
});

describe('parseRateLimit()', () => {
  test.each<[string, Record<string, string>, ReturnType<typeof parseRateLimit>]>([
    [
      'all three headers',
      { 'x-ratelimit-limit': '25', 'x-ratelimit-remaining': '3', 'x-ratelimit-reset': '1777636801' },
      { limit: 25, remaining: 3, reset: 1777636801 },
    ],
    ['no headers', {}, undefined],
    ['reset missing', { 'x-ratelimit-limit': '25', 'x-ratelimit-remaining': '3' }, undefined],
    [
      'a non-number',
      { 'x-ratelimit-limit': 'many', 'x-ratelimit-remaining': '3', 'x-ratelimit-reset': '1777636801' },
      undefined,
    ],
  ])('%s', (_name, headers, expected) => {
    expect(parseRateLimit(new Headers(headers))).toEqual(expected);
  });
});
