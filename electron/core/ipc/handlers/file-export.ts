// The file export for the site admin (shared/ipc/file-export.ts): status, run now, write a day again.
import type { fileExportCalls } from '../../../../shared/ipc/contract';
import { CoreError } from '../../errors';
import type { KioskCore } from '../../kiosk';
import type { Handlers } from '../context';

function fileExport(core: KioskCore) {
  const connector = core.sync.fileExport;
  if (!connector) throw new CoreError('invalid_request', 'The file export is not the configured MIS connection. Choose it under MIS connection and save.');
  return connector;
}

export const fileExportHandlers: Handlers<typeof fileExportCalls> = {
  fileExportStatus: ({ core }) => {
    const connector = core.sync.fileExport;
    if (!connector) return { available: false, waiting: 0, nextRunAt: null, destination: null, runs: [] };
    const s = connector.status();
    return { available: true, waiting: s.waiting, nextRunAt: s.nextRunAt, destination: s.destination, runs: connector.recentRuns(10) };
  },
  fileExportRunNow: async ({ core, role }) => {
    const run = await fileExport(core).runNow();
    core.staff.audit(role, 'file_export.run_now', run?.fileName ?? null, null, { records: run?.records ?? 0 });
    return { run };
  },
  fileExportRerunDay: async ({ core, role }, req) => {
    const run = await fileExport(core).rerunDay(req.day);
    core.staff.audit(role, 'file_export.rerun_day', req.day, null, { records: run.records });
    return { run };
  },
};
