// Handlers for the site admin's lateness calls (shared/ipc/lateness-contract.ts, issue 18).
import path from 'node:path';
import type { output } from 'zod';
import type { latenessCalls } from '../../../shared/ipc/lateness-contract';
import type { KioskCore } from '../kiosk';
import { CoreError } from '../errors';
import { checkRange, lastFourWeeks } from '../attendance/lateness/service';

type Req<N extends keyof typeof latenessCalls> = output<(typeof latenessCalls)[N]['request']>;

function range(core: KioskCore, req: { from?: string; to?: string }): { from: string; to: string } {
  const d = lastFourWeeks(core.today());
  const from = req.from ?? d.from;
  const to = req.to ?? d.to;
  const problem = checkRange(from, to);
  if (problem) throw new CoreError('invalid_request', problem);
  return { from, to };
}

export const latenessHandlers: { [N in keyof typeof latenessCalls]: (core: KioskCore, req: Req<N>) => unknown } = {
  latenessReport: (core, req) => {
    core.staff.require(req.token, 'site_admin');
    const { from, to } = range(core, req);
    return { ...core.lateness.report(from, to), rules: core.getSettings().lateness.thresholds.length };
  },
  latenessExportCsv: (core, req) => {
    const role = core.staff.require(req.token, 'site_admin');
    const { from, to } = range(core, req);
    const out = core.lateness.exportCsv(req.table, from, to, path.join(core.dataDir, 'exports'), core.clock.now().toISOString());
    core.staff.audit(role, 'lateness.export', req.table, null, { from, to, rows: out.rows });
    return out;
  },
};
