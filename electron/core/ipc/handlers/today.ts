// The receptionist's Today screen (shared/ipc/today.ts). Dispatch has checked the token; `role`
// is who did it, for the audit log.
import type { todayCalls } from '../../../../shared/ipc/contract';
import type { Handlers } from '../context';

export const todayHandlers: Handlers<typeof todayCalls> = {
  staffEvents: ({ core }, req) => core.staff.events({ query: req.query, direction: req.direction }),
  overrideEvent: ({ core, role }, req) => core.staff.override({ eventId: req.eventId, reasonId: req.reasonId, code: req.code, note: req.note }, role),
  staffFindStudents: ({ core }, req) => core.attendance.staffSearch(req.query),
  manualSign: ({ core, role }, req) => core.attendance.signByHand({ studentId: req.studentId, direction: req.direction, reasonId: req.reasonId, note: req.note }, role),
  reprintPass: ({ core, role }, req) => core.attendance.reprintPass(req.eventId, role),
  finaliseEvent: ({ core, role }, req) => core.staff.finalise(req.eventId, req.excused, role),
};
