/** A fresh temporary folder per test, removed after it. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from '@jest/globals';

export function useTemporaryFolder(): () => string {
  const folders: string[] = [];
  afterEach(() => {
    for (const folder of folders.splice(0)) {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
  return () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'lightfield-ledger-'));
    folders.push(folder);
    return folder;
  };
}
