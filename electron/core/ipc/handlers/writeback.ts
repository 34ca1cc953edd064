// Writeback for the site admin (shared/ipc/writeback.ts): the log, retry, export, the MIS's
// attendance codes, "Test connection".
import path from 'node:path';
import type { writebackCalls } from '../../../../shared/ipc/contract';
import { CoreError } from '../../errors';
import { exportWritebackLog, queryWritebackLog } from '../../staff/writeback-log';
import type { Handlers } from '../context';

export const writebackHandlers: Handlers<typeof writebackCalls> = {
  writebackLog: ({ core }, req) => queryWritebackLog(core.db, req.filter, req.offset, req.limit),
  retryWriteback: ({ core, role }, req) => ({ retried: core.staff.retry(req.outboxIds, role) }),
  exportWritebackLog: ({ core }, req) => exportWritebackLog(core.db, req.filter, path.join(core.dataDir, 'exports'), core.clock.now().toISOString()),
  misAttendanceCodes: async ({ core, role }, req) => {
    if (req.refresh) {
      const fetch = core.diagnostics.misCodes;
      if (!fetch) throw new CoreError('invalid_request', 'No MIS is connected. Choose one and save the settings first.');
      let codes;
      try {
        codes = await fetch();
      } catch (e) {
        throw new CoreError('invalid_request', `The MIS did not give its codes: ${(e as Error).message}`);
      }
      core.misCodes.replace(codes, core.clock.now().toISOString());
      core.staff.audit(role, 'mis.codes', null, null, { codes: codes.length });
    }
    return core.misCodes.list();
  },
  testMisConnection: async ({ core }) => {
    if (!core.sync?.testConnection) return { ok: false, message: 'No MIS is connected. Choose one and save the settings first.' };
    return core.sync.testConnection();
  },
};
