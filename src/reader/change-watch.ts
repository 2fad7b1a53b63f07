/**
 * A CSV that changes while it is read (an export still being written, a file truncated and
 * rewritten) cannot be imported as it is: a row cut off mid-cell would land as it was read. The
 * file's size and modification time, taken when it was opened, are compared again after each chunk
 * is read (so that no row read after a change comes out) and when its last row is taken.
 */
import { Transform, type TransformCallback } from 'node:stream';
import type { FileHandle } from 'node:fs/promises';
import { ImportError } from '../errors.js';

export interface FileState {
  size: number;
  modifiedMs: number;
}

/** Passes the file's chunks on, once the file is checked unchanged after each was read. */
export class ChangeWatch extends Transform {
  readonly #check: () => Promise<ImportError | undefined>;

  constructor(handle: FileHandle, opened: FileState, path: string) {
    super();
    this.#check = () => changeSince(handle, opened, path);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#check().then(
      (changed) => (changed ? callback(changed) : callback(null, chunk)),
      (error: unknown) => callback(error as Error),
    );
  }
}

/** The `file_changed` error when the file is no longer as it was opened. */
export async function changeSince(handle: FileHandle, opened: FileState, path: string): Promise<ImportError | undefined> {
  const now = await handle.stat();
  if (now.size === opened.size && now.mtimeMs === opened.modifiedMs) return undefined;
  const what =
    now.size > opened.size
      ? `it grew from ${opened.size} to ${now.size} bytes`
      : now.size < opened.size
        ? `it shrank from ${opened.size} to ${now.size} bytes`
        : `it was modified at ${new Date(now.mtimeMs).toISOString()}`;
  return new ImportError(
    'file_changed',
    `${path} changed while it was read (${what}): is it still being written? No row read after the change was sent. ` +
      'Rerun once the file is complete: rows already imported end `unchanged`.',
    { subject: path },
  );
}
