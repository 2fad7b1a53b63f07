/**
 * Opens the CSV file and reads its first bytes, turning the file system's errors into
 * {@link ImportError}s that name the file.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { ImportError } from '../errors.js';

export interface OpenedFile {
  handle: FileHandle;
  /** Size in bytes when opened. */
  size: number;
  /** Modification time when opened, in epoch milliseconds. */
  modifiedMs: number;
}

/** Opens `path` for reading; it must be a regular file. */
export async function openFile(path: string): Promise<OpenedFile> {
  if (path === '-') {
    // The file is read twice (its start to guess the encoding and delimiter, then whole): a pipe cannot be.
    throw new ImportError(
      'usage',
      'Reading the CSV from standard input (`-`) is not supported: save it to a file first and name that file (a file called "-" is ./-)',
      { subject: '-' },
    );
  }
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw fileError(error, path);
  }
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) {
      throw new ImportError('file_unreadable', `${path} is a directory, not a CSV file`, { subject: path });
    }
    if (!stats.isFile()) {
      throw new ImportError('file_unreadable', `${path} is not a regular file (a pipe or a device cannot be read twice); save it to a file first`, {
        subject: path,
      });
    }
    return { handle, size: stats.size, modifiedMs: stats.mtimeMs };
  } catch (error) {
    await handle.close();
    throw fileError(error, path);
  }
}

/** Up to `length` bytes from the start of the file, without moving the position a stream reads from. */
export async function readStart(file: OpenedFile, length: number, path: string): Promise<Buffer> {
  const buffer = Buffer.alloc(Math.min(length, file.size));
  try {
    const { bytesRead } = await file.handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } catch (error) {
    throw fileError(error, path);
  }
}

/** The {@link ImportError} for a file system error about `path` (an ImportError passes through). */
export function fileError(error: unknown, path: string): ImportError {
  if (error instanceof ImportError) return error;
  const code = errorCode(error);
  const reason = error instanceof Error ? error.message : String(error);
  if (code === 'ENOENT') {
    return new ImportError('file_not_found', `${path} does not exist`, { subject: path, cause: error });
  }
  if (code === 'EISDIR') {
    return new ImportError('file_unreadable', `${path} is a directory, not a CSV file`, { subject: path, cause: error });
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new ImportError('file_unreadable', `${path} cannot be read: permission denied`, { subject: path, cause: error });
  }
  return new ImportError('file_unreadable', `${path} cannot be read: ${reason}`, { subject: path, cause: error });
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
