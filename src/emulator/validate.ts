/**
 * Write-value checks per valueType (API doc §4): a bare value in, the stored value out, or a 400 `invalid_type`
 * naming `fields.<key>`. `null` always clears.
 */
import type { FieldDefinition } from '../lightfield/types.js';
import { ApiError, invalidType } from './api-error.js';
import { matchOptions } from './select-options.js';
import { normalizeTelephone } from './telephone.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):?(\d{2}))$/i;
const ADDRESS_TEXT_KEYS = ['street', 'street2', 'city', 'state', 'postalCode'] as const;
const ADDRESS_KEYS = new Set<string>([...ADDRESS_TEXT_KEYS, 'country', 'latitude', 'longitude']);
const FULL_NAME_KEYS = new Set(['firstName', 'lastName']);

const SOCIAL_HOSTS: Record<string, { hosts: string[]; paths?: RegExp }> = {
  LINKEDIN: { hosts: ['linkedin.com'], paths: /^\/(in|company)\/[^/]+/ },
  TWITTER: { hosts: ['x.com', 'twitter.com'], paths: /^\/[^/]+/ },
  FACEBOOK: { hosts: ['facebook.com'], paths: /^\/[^/]+/ },
  INSTAGRAM: { hosts: ['instagram.com'], paths: /^\/[^/]+/ },
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

/** A URL with or without scheme, as people type them (`acme.com`, `https://acme.com/x`). */
function parseLooseUrl(text: string): URL | undefined {
  const candidate = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  try {
    const url = new URL(candidate);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.includes('.')) return url;
  } catch {
    // Not a URL; the caller reports it.
  }
  return undefined;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** ISO 8601 date-time with an offset, as UTC ISO text; date-only and offset-less values are refused. */
export function parseDateTime(text: string): string | undefined {
  const match = DATETIME.exec(text.trim());
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction, zulu, sign, offsetHours, offsetMinutes] = match;
  const numbers = [year, month, day, hour, minute, second ?? '0'].map(Number) as [number, number, number, number, number, number];
  const [y, mo, d, h, mi, s] = numbers;
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return undefined;
  let offset = 0;
  if (!zulu) {
    const oh = Number(offsetHours);
    const om = Number(offsetMinutes);
    if (oh > 14 || om > 59) return undefined;
    offset = (sign === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const milliseconds = Number((fraction ?? '').padEnd(3, '0').slice(0, 3));
  const utc = Date.UTC(y, mo - 1, d, h, mi, s, milliseconds) - offset * 60_000;
  return new Date(utc).toISOString();
}

function hasAtMostTwoDecimals(value: number): boolean {
  if (Number.isInteger(value)) return true;
  const text = String(value);
  if (text.includes('e')) return false;
  return (text.split('.')[1] ?? '').length <= 2;
}

/** EMAIL and URL take a string or a list; stored as a list when the field holds several values. */
function validateList(
  param: string,
  definition: FieldDefinition,
  value: unknown,
  check: (item: string) => string | undefined,
  what: string,
): string | string[] {
  const items = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(items) || !items.every((item) => typeof item === 'string')) {
    throw invalidType(param, `Expected ${what} or an array of them for '${param}', got ${describe(value)}.`);
  }
  const stored = items.map((item) => {
    const checked = check(item.trim());
    if (checked === undefined) throw invalidType(param, `'${item}' is not a valid ${what} for '${param}'.`);
    return checked;
  });
  if (definition.typeConfiguration.multipleValues) return stored;
  if (stored.length > 1) throw invalidType(param, `'${param}' holds a single ${what}, got ${stored.length}.`);
  return stored[0] ?? '';
}

function validateAddress(param: string, value: unknown): Record<string, unknown> {
  if (!isPlainObject(value)) throw invalidType(param, `Expected an address object for '${param}', got ${describe(value)}.`);
  const stored: Record<string, unknown> = {};
  for (const [key, part] of Object.entries(value)) {
    if (!ADDRESS_KEYS.has(key)) throw invalidType(`${param}.${key}`, `Unknown address part '${key}' in '${param}'.`);
    if (part === null || part === undefined) continue;
    if (key === 'country') {
      if (typeof part !== 'string' || !/^[A-Za-z]{2}$/.test(part)) {
        throw invalidType(`${param}.country`, `Expected a 2-letter ISO 3166-1 country code for '${param}.country', got ${describe(part)}.`);
      }
      stored[key] = part.toUpperCase();
    } else if (key === 'latitude' || key === 'longitude') {
      const limit = key === 'latitude' ? 90 : 180;
      if (typeof part !== 'number' || !Number.isFinite(part) || Math.abs(part) > limit) {
        throw invalidType(`${param}.${key}`, `Expected a number from -${limit} to ${limit} for '${param}.${key}'.`);
      }
      stored[key] = part;
    } else {
      if (typeof part !== 'string') throw invalidType(`${param}.${key}`, `Expected a string for '${param}.${key}', got ${describe(part)}.`);
      stored[key] = part;
    }
  }
  return stored;
}

function validateFullName(param: string, value: unknown): Record<string, string> {
  if (!isPlainObject(value)) throw invalidType(param, `Expected { firstName, lastName } for '${param}', got ${describe(value)}.`);
  const stored: Record<string, string> = {};
  for (const [key, part] of Object.entries(value)) {
    if (!FULL_NAME_KEYS.has(key)) throw invalidType(`${param}.${key}`, `Unknown name part '${key}' in '${param}'.`);
    if (part === null || part === undefined) continue;
    if (typeof part !== 'string') throw invalidType(`${param}.${key}`, `Expected a string for '${param}.${key}', got ${describe(part)}.`);
    stored[key] = part;
  }
  return stored;
}

function validateSocialHandle(param: string, definition: FieldDefinition, value: unknown): string {
  if (typeof value !== 'string') throw invalidType(param, `Expected a profile URL for '${param}', got ${describe(value)}.`);
  const url = parseLooseUrl(value.trim());
  const service = definition.typeConfiguration.handleService;
  const rule = service ? SOCIAL_HOSTS[service] : undefined;
  const host = url?.hostname.toLowerCase().replace(/^www\./, '');
  const fits = url !== undefined && (!rule || (rule.hosts.includes(host ?? '') && (!rule.paths || rule.paths.test(url.pathname))));
  if (!fits) throw invalidType(param, `'${value}' is not a ${service ?? 'profile'} URL for '${param}'.`);
  return value.trim();
}

function resolveSelect(param: string, key: string, definition: FieldDefinition, value: unknown): string {
  if (typeof value !== 'string') throw invalidType(param, `Expected an option ID or label for '${param}', got ${describe(value)}.`);
  const matches = matchOptions(definition, value);
  if (matches.length === 1 && matches[0]) return matches[0].id;
  if (matches.length > 1 && key === '$stage') {
    throw new ApiError(422, `The stage label '${value}' exists in several pipelines.`, {
      code: 'ambiguous_stage_label',
      param,
      extra: {
        candidates: matches.map((option) => ({ stageOptionId: option.id, stageLabel: option.label, pipelineId: null, pipelineName: null })),
      },
    });
  }
  const labels = (definition.typeConfiguration.options ?? []).map((option) => option.label).join(', ');
  const problem = matches.length > 1 ? 'matches several options' : 'is not an option';
  throw invalidType(param, `'${value}' ${problem} of '${param}'; expected one of: ${labels}.`);
}

/** Checks one bare write value against its definition and returns what is stored (select labels become option IDs). */
export function validateFieldValue(key: string, definition: FieldDefinition, value: unknown): unknown {
  const param = `fields.${key}`;
  if (value === null) return null;
  switch (definition.valueType) {
    case 'TEXT':
    case 'MARKDOWN':
    case 'HTML':
      if (typeof value !== 'string') throw invalidType(param, `Expected a string for '${param}', got ${describe(value)}.`);
      return value;
    case 'NUMBER':
      if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER) {
        throw invalidType(param, `Expected a number within the safe integer range for '${param}', got ${describe(value)}.`);
      }
      if (!hasAtMostTwoDecimals(value)) throw invalidType(param, `'${param}' allows at most 2 decimal places, got ${value}.`);
      return value;
    case 'CURRENCY':
      if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER) {
        throw invalidType(param, `Expected an amount (number) for '${param}', got ${describe(value)}.`);
      }
      return value;
    case 'CHECKBOX':
      if (typeof value !== 'boolean') throw invalidType(param, `Expected true or false for '${param}', got ${describe(value)}.`);
      return value;
    case 'DATETIME': {
      const parsed = typeof value === 'string' ? parseDateTime(value) : undefined;
      if (parsed === undefined) {
        throw invalidType(param, `Expected an ISO 8601 date-time with offset (e.g. 2026-10-31T00:00:00+00:00) for '${param}', got ${describe(value)}.`);
      }
      return parsed;
    }
    case 'EMAIL':
      return validateList(param, definition, value, (item) => (EMAIL.test(item) ? item : undefined), 'email address');
    case 'URL':
      return validateList(param, definition, value, (item) => (parseLooseUrl(item) ? item : undefined), 'URL');
    case 'TELEPHONE': {
      const items = typeof value === 'string' ? [value] : value;
      if (!Array.isArray(items) || !items.every((item) => typeof item === 'string')) {
        throw invalidType(param, `Expected an array of telephone numbers for '${param}', got ${describe(value)}.`);
      }
      return items.map((item) => {
        const normalized = normalizeTelephone(item);
        if (normalized === undefined) throw invalidType(param, `'${item}' is not a valid telephone number for '${param}'.`);
        return normalized;
      });
    }
    case 'ADDRESS':
      return validateAddress(param, value);
    case 'FULL_NAME':
      return validateFullName(param, value);
    case 'SOCIAL_HANDLE':
      return validateSocialHandle(param, definition, value);
    case 'SINGLE_SELECT':
      return resolveSelect(param, key, definition, value);
    case 'MULTI_SELECT': {
      if (!Array.isArray(value)) throw invalidType(param, `Expected an array of option IDs or labels for '${param}', got ${describe(value)}.`);
      return [...new Set(value.map((item) => resolveSelect(param, key, definition, item)))];
    }
  }
}
