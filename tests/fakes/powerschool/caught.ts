// The MisError a promise rejects with, for tests that look at its kind, message and refs.
import { isMisError, type MisError } from '../../../electron/core/mis/errors';

export async function caught(p: Promise<unknown>): Promise<MisError> {
  try {
    await p;
  } catch (e) {
    if (isMisError(e)) return e;
    throw e;
  }
  throw new Error('expected a MisError');
}
