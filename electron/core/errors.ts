// Errors the core means to show: each carries a code from the IPC contract and a message a
// receptionist or site admin can act on. Anything else is a bug, logged and shown as "internal".
import type { ErrorCode } from '../../shared/ipc/contract';

export class CoreError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'CoreError';
  }
}
