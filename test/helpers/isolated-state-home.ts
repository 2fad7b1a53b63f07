/**
 * Jest setup: runs that are not given `--state` keep their ledger in $XDG_STATE_HOME. Every test
 * file gets its own, so that no test writes into the developer's ~/.local/state or sees another
 * file's ledger; child processes inherit it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from '@jest/globals';

const stateHome = mkdtempSync(join(tmpdir(), 'lfi-state-home-'));
process.env['XDG_STATE_HOME'] = stateHome;

afterAll(() => {
  rmSync(stateHome, { recursive: true, force: true });
});
