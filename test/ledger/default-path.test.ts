/** Where a run keeps its ledger without `--state`: one file per organization in the user's state folder. */
import { describe, expect, test } from '@jest/globals';
import { defaultLedgerPath } from '../../src/ledger/index.js';

const KEY = 'sk_lf_0123456789abcdef';
/** sha256 of KEY, first 12 hex digits. */
const KEY_HASH = '770eb41e0b90';

describe('defaultLedgerPath()', () => {
  test.each<[string, Record<string, string | undefined>, string, string]>([
    ['$XDG_STATE_HOME', { XDG_STATE_HOME: '/state' }, 'https://api.lightfield.app', `/state/lightfield-import/api.lightfield.app-${KEY_HASH}.db`],
    ['~/.local/state without it', {}, 'https://api.lightfield.app', `/home/me/.local/state/lightfield-import/api.lightfield.app-${KEY_HASH}.db`],
    ['~/.local/state when it is relative (the XDG spec says to ignore it)', { XDG_STATE_HOME: 'state' }, 'https://api.lightfield.app', `/home/me/.local/state/lightfield-import/api.lightfield.app-${KEY_HASH}.db`],
    ['the port in the name', { XDG_STATE_HOME: '/state' }, 'http://127.0.0.1:4010', `/state/lightfield-import/127.0.0.1_4010-${KEY_HASH}.db`],
    ['an IPv6 host made a file name', { XDG_STATE_HOME: '/state' }, 'http://[::1]:4010/v2', `/state/lightfield-import/___1__4010-${KEY_HASH}.db`],
  ])('%s', (_name, env, baseUrl, expected) => {
    expect(defaultLedgerPath({ baseUrl, apiKey: KEY, env, homeDirectory: '/home/me' })).toBe(expected);
  });

  test('another key is another file, and no file name holds the key', () => {
    const place = { baseUrl: 'https://api.lightfield.app', env: { XDG_STATE_HOME: '/state' } };
    const first = defaultLedgerPath({ ...place, apiKey: KEY });
    const second = defaultLedgerPath({ ...place, apiKey: `${KEY}x` });
    expect(first).not.toBe(second);
    for (const file of [first, second]) expect(file).not.toContain('0123456789abcdef');
  });
});
