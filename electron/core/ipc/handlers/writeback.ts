// Writeback for the site admin (shared/ipc/writeback.ts): the log, retry, export, the MIS's
// attendance codes, "Test connection".
import type { writebackCalls } from '../../../../shared/ipc/contract';
import type { Handlers } from '../context';

export const writebackHandlers: Handlers<typeof writebackCalls> = {
  writebackLog: ({ core }, req) => core.staff.writebackLog(req.filter, req.offset, req.limit),
  retryWriteback: ({ core, role }, req) => ({ retried: core.staff.retry(req.outboxIds, role) }),
  exportWritebackLog: ({ core }, req) => core.staff.exportWritebackLog(req.filter),
  misAttendanceCodes: async ({ core, role }, req) => {
    // The doctor's probe: the running MIS port's fetch (a test may stand in for it).
    if (req.refresh) await core.settings.refreshMisCodes(core.maintenance.probes.misCodes, role);
    return core.settings.misCodes();
  },
  testMisConnection: ({ core }) => core.sync.testConnection(),
};
