/** The ImportError a run or an open was refused with; fails the test when it was not refused. */
import { ImportError } from '../../src/errors.js';

export async function importErrorOf(attempt: Promise<unknown>): Promise<ImportError> {
  try {
    await attempt;
  } catch (error) {
    if (error instanceof ImportError) return error;
    throw error;
  }
  throw new Error('expected an ImportError, but it succeeded');
}
