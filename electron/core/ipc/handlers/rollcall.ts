// Issue 17: the roll call and approving who collects a student (shared/ipc/rollcall.ts).
import type { rollCallCalls } from '../../../../shared/ipc/contract';
import type { Handlers } from '../context';

export const rollCallHandlers: Handlers<typeof rollCallCalls> = {
  rollCall: ({ core }) => core.rollCall(),
  printRollCall: ({ core, role }) => core.printRollCall(role),
  approveCollector: ({ core, role }, req) => {
    core.approveCollector(req.eventId, role);
    return {};
  },
};
