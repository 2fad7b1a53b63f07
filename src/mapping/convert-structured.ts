/**
 * ADDRESS and FULL_NAME values. One column per address part is out of scope: an address cell is
 * either a JSON object (`{"city":"Berlin","country":"DE"}`) or plain text, which goes whole into
 * `street` rather than being split on a guess.
 */
import type { AddressValue, FieldWriteValue, FullNameValue } from '../lightfield/types.js';
import type { Conversion } from './types.js';

const ADDRESS_TEXT_PARTS = ['street', 'street2', 'city', 'state', 'postalCode', 'country'] as const;
const ADDRESS_NUMBER_PARTS = ['latitude', 'longitude'] as const;
const ADDRESS_EXPECTED = `an address: plain text (sent as the street) or a JSON object with ${[
  ...ADDRESS_TEXT_PARTS,
  ...ADDRESS_NUMBER_PARTS,
].join(', ')}; country as a 2-letter code`;

export function readAddress(cell: string): Conversion {
  if (!cell.startsWith('{')) return { ok: true, value: { street: cell } };
  let parsed: unknown;
  try {
    parsed = JSON.parse(cell);
  } catch {
    return { ok: false, code: 'bad_address', expected: ADDRESS_EXPECTED };
  }
  return checkAddress(parsed);
}

/** Checks an address object (from a cell or the mapping) and keeps only its known parts. */
export function checkAddress(value: unknown): Conversion {
  const refused: Conversion = { ok: false, code: 'bad_address', expected: ADDRESS_EXPECTED };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return refused;
  const source = value as Record<string, unknown>;
  const known = new Set<string>([...ADDRESS_TEXT_PARTS, ...ADDRESS_NUMBER_PARTS]);
  if (Object.keys(source).some((key) => !known.has(key))) return refused;
  const address: AddressValue = {};
  for (const part of ADDRESS_TEXT_PARTS) {
    const text = source[part];
    if (text === undefined || text === null) continue;
    if (typeof text !== 'string') return refused;
    const trimmed = text.trim();
    if (trimmed !== '') address[part] = trimmed;
  }
  if (address.country !== undefined) {
    if (!/^[A-Za-z]{2}$/.test(address.country)) return refused;
    address.country = address.country.toUpperCase();
  }
  for (const part of ADDRESS_NUMBER_PARTS) {
    const number = source[part];
    if (number === undefined || number === null) continue;
    const limit = part === 'latitude' ? 90 : 180;
    if (typeof number !== 'number' || !Number.isFinite(number) || Math.abs(number) > limit) return refused;
    address[part] = number;
  }
  if (Object.keys(address).length === 0) return refused;
  return { ok: true, value: address };
}

const FULL_NAME_EXPECTED = 'a person\'s name like "Ada Lovelace" or "Lovelace, Ada"';

/**
 * `First Last` (the last word is the last name), `Last, First`, or a JSON object with
 * firstName/lastName. A single word is a first name.
 */
export function readFullName(cell: string): Conversion {
  if (cell.startsWith('{')) {
    try {
      return checkFullName(JSON.parse(cell));
    } catch {
      return { ok: false, code: 'bad_name', expected: FULL_NAME_EXPECTED };
    }
  }
  const commaParts = cell.split(',');
  if (commaParts.length > 2) return { ok: false, code: 'bad_name', expected: FULL_NAME_EXPECTED };
  if (commaParts.length === 2) {
    const lastName = collapse(commaParts[0] ?? '');
    const firstName = collapse(commaParts[1] ?? '');
    if (lastName === '' || firstName === '') return { ok: false, code: 'bad_name', expected: FULL_NAME_EXPECTED };
    return { ok: true, value: { firstName, lastName } };
  }
  const words = collapse(cell).split(' ');
  const lastName = words.length > 1 ? words.pop() : undefined;
  const name: FullNameValue = { firstName: words.join(' ') };
  if (lastName !== undefined) name.lastName = lastName;
  return { ok: true, value: name };
}

export function checkFullName(value: unknown): Conversion {
  const refused: Conversion = { ok: false, code: 'bad_name', expected: FULL_NAME_EXPECTED };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return refused;
  const source = value as Record<string, unknown>;
  if (Object.keys(source).some((key) => key !== 'firstName' && key !== 'lastName')) return refused;
  const name: FullNameValue = {};
  for (const part of ['firstName', 'lastName'] as const) {
    const text = source[part];
    if (text === undefined || text === null) continue;
    if (typeof text !== 'string') return refused;
    if (collapse(text) !== '') name[part] = collapse(text);
  }
  if (name.firstName === undefined && name.lastName === undefined) return refused;
  return { ok: true, value: name satisfies FieldWriteValue };
}

function collapse(text: string): string {
  return text.trim().replace(/\s+/g, ' ');
}
