/**
 * Where a run keeps its ledger when `--state` is not given: in the user's state folder, one file per
 * organization. A path relative to the working folder would give the same nightly job an empty
 * ledger whenever it ran from another folder (cron's, a fresh workspace), and every row would be
 * created again.
 */
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

export interface LedgerPlace {
  /** The API base URL the run talks to. */
  baseUrl: string;
  /** The API key: only a hash of it is part of the file name. */
  apiKey: string;
  /** @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** @default os.homedir() */
  homeDirectory?: string;
}

/**
 * `$XDG_STATE_HOME/lightfield-import/<host>-<hash>.db`, else `~/.local/state/lightfield-import/…`,
 * `<hash>` being the first 12 hex digits of the key's SHA-256: one ledger per organization (a key
 * belongs to one), and the key itself never on disk.
 */
export function defaultLedgerPath(place: LedgerPlace): string {
  const configured = (place.env ?? process.env)['XDG_STATE_HOME'];
  // The XDG spec says to ignore a relative XDG_STATE_HOME.
  const stateHome =
    configured !== undefined && path.isAbsolute(configured)
      ? configured
      : path.join(place.homeDirectory ?? os.homedir(), '.local', 'state');
  const url = new URL(place.baseUrl);
  const host = `${url.hostname}${url.port === '' ? '' : `_${url.port}`}`.replace(/[^A-Za-z0-9._-]/g, '_');
  const keyHash = createHash('sha256').update(place.apiKey).digest('hex').slice(0, 12);
  return path.join(stateHome, 'lightfield-import', `${host}-${keyHash}.db`);
}
