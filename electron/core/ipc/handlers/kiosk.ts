// The student's kiosk calls (shared/ipc/kiosk.ts): straight to the KioskCore facade.
import type { kioskCalls } from '../../../../shared/ipc/contract';
import type { Handlers } from '../context';

export const kioskHandlers: Handlers<typeof kioskCalls> = {
  getKioskInfo: ({ core }) => core.getKioskInfo(),
  getStatus: ({ core }) => core.getStatus(),
  scan: ({ core }, req) => core.scan(req),
  selectStudent: ({ core }, req) => core.selectStudent(req),
  searchStudents: ({ core }, req) => core.searchStudents(req),
  record: ({ core }, req) => core.record(req),
  todayEvents: ({ core }) => core.todayEvents(),
  getSettings: ({ core }) => core.getSettings(),
};
