// Handlers for the site admin's roster and file-export calls (shared/ipc/admin-contract.ts).
import type { output } from 'zod';
import type { adminCalls, ImportRunView } from '../../../shared/ipc/admin-contract';
import type { KioskCore } from '../kiosk';
import type { ImportRun } from '../roster';
import { RosterError } from '../roster';
import { CoreError } from '../errors';
import { ZodError } from 'zod';
import { describeIssues } from '../../../shared/settings';

type Req<N extends keyof typeof adminCalls> = output<(typeof adminCalls)[N]['request']>;

const SHOWN_ISSUES = 100;

function runView(r: ImportRun): ImportRunView {
  return {
    id: r.id,
    trigger: r.trigger,
    sourceLabel: r.sourceLabel,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    outcome: r.outcome,
    counts: r.counts as Record<string, unknown>,
    issueCount: r.issueCount,
    issues: r.issues.slice(0, SHOWN_ISSUES).map((i) => ({ line: i.line, severity: i.severity, message: i.message })),
    message: r.message,
  };
}

async function importing(run: () => Promise<ImportRun>): Promise<ImportRunView> {
  try {
    return runView(await run());
  } catch (e) {
    // busy / no_source: an import could not even start; say why in the admin's words.
    if (e instanceof RosterError) throw new CoreError('invalid_request', e.message);
    throw e;
  }
}

function fileExport(core: KioskCore) {
  if (!core.fileExport) throw new CoreError('invalid_request', 'The file export is not the configured MIS connection. Choose it under MIS connection and save.');
  return core.fileExport;
}

export const adminHandlers: { [N in keyof typeof adminCalls]: (core: KioskCore, req: Req<N>) => unknown } = {
  misAttendanceCodes: async (core, req) => {
    const role = core.staff.require(req.token, 'site_admin');
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
  rosterStatus: (core, req) => {
    core.staff.require(req.token, 'site_admin');
    const pending = core.roster.pendingRollover();
    return {
      config: core.roster.config() as unknown as Record<string, unknown>,
      lastImport: ((r) => (r ? runView(r) : null))(core.roster.lastImport()),
      history: core.roster.history(10).map(runView),
      running: core.roster.running(),
      pendingRollover: pending ? { importId: pending.importId, detectedAt: pending.detectedAt, sourceLabel: pending.sourceLabel, verdict: pending.verdict } : null,
    };
  },
  rosterImportNow: (core, req) => {
    core.staff.require(req.token, 'site_admin');
    return importing(() => core.roster.importNow(undefined, { trigger: 'manual', confirmLeavers: req.confirmLeavers, replaceDemo: req.replaceDemo }));
  },
  rosterSaveConfig: (core, req) => {
    const role = core.staff.require(req.token, 'site_admin');
    try {
      return core.roster.saveConfig(req.config, role) as unknown as Record<string, unknown>;
    } catch (e) {
      if (e instanceof ZodError) throw new CoreError('validation_failed', 'Some roster settings need fixing.', describeIssues(e));
      throw e;
    }
  },
  rosterRollover: async (core, req) => {
    const role = core.staff.require(req.token, 'site_admin');
    if (req.decision === 'discard') {
      return { run: null, message: core.roster.discardRollover(role).message };
    }
    return { run: await importing(() => core.roster.approveRollover(role)) };
  },
  fileExportStatus: (core, req) => {
    core.staff.require(req.token, 'site_admin');
    if (!core.fileExport) return { available: false, waiting: 0, nextRunAt: null, destination: null, runs: [] };
    const s = core.fileExport.status();
    return { available: true, waiting: s.waiting, nextRunAt: s.nextRunAt, destination: s.destination, runs: core.fileExport.recentRuns(10) };
  },
  fileExportRunNow: async (core, req) => {
    const role = core.staff.require(req.token, 'site_admin');
    const run = await fileExport(core).runNow();
    core.staff.audit(role, 'file_export.run_now', run?.fileName ?? null, null, { records: run?.records ?? 0 });
    return { run };
  },
  fileExportRerunDay: async (core, req) => {
    const role = core.staff.require(req.token, 'site_admin');
    const run = await fileExport(core).rerunDay(req.day);
    core.staff.audit(role, 'file_export.rerun_day', req.day, null, { records: run.records });
    return { run };
  },
};
