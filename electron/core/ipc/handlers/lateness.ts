// The site admin's lateness calls (shared/ipc/lateness.ts, issue 18): the report behind "This
// week", and one chart's numbers as CSV into the kiosk's exports folder.
import path from 'node:path';
import type { latenessCalls } from '../../../../shared/ipc/contract';
import type { KioskCore } from '../../kiosk';
import { CoreError } from '../../errors';
import { checkRange, lastFourWeeks } from '../../attendance/lateness/service';
import type { Handlers } from '../context';

function range(core: KioskCore, req: { from?: string; to?: string }): { from: string; to: string } {
  const d = lastFourWeeks(core.today());
  const from = req.from ?? d.from;
  const to = req.to ?? d.to;
  const problem = checkRange(from, to);
  if (problem) throw new CoreError('invalid_request', problem);
  return { from, to };
}

export const latenessHandlers: Handlers<typeof latenessCalls> = {
  latenessReport: ({ core }, req) => {
    const { from, to } = range(core, req);
    return { ...core.lateness.report(from, to), rules: core.getSettings().lateness.thresholds.length };
  },
  latenessExportCsv: ({ core, role }, req) => {
    const { from, to } = range(core, req);
    const out = core.lateness.exportCsv(req.table, from, to, path.join(core.dataDir, 'exports'), core.clock.now().toISOString());
    core.staff.audit(role, 'lateness.export', req.table, null, { from, to, rows: out.rows });
    return out;
  },
};
