// PIN status, unlock, recovery code, lock, set a PIN (shared/ipc/staff-session.ts). Role 'kiosk':
// these open and close the session, so dispatch checks no token; setPin checks its own (a first
// site admin PIN is set with none).
import type { staffSessionCalls } from '../../../../shared/ipc/contract';
import type { Handlers } from '../context';

export const staffSessionHandlers: Handlers<typeof staffSessionCalls> = {
  staffPinStatus: ({ core }) => core.staff.pinStatus(),
  staffUnlock: ({ core }, req) => core.staff.unlock(req.pin),
  staffRecover: ({ core }, req) => core.staff.recover(req.code),
  staffLock: ({ core }, req) => (core.staff.lock(req.token), {}),
  setPin: ({ core }, req) => core.staff.setPin(req.token, req.role, req.pin),
};
