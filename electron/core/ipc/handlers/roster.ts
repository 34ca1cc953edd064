// The roster for the site admin (shared/ipc/roster.ts): status, import now, its settings, the
// new-year decision.
import { ZodError } from 'zod';
import type { ImportRunView, rosterCalls } from '../../../../shared/ipc/contract';
import { describeIssues } from '../../../../shared/settings';
import { CoreError } from '../../errors';
import { RosterError, type ImportRun } from '../../roster';
import type { Handlers } from '../context';

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

export const rosterHandlers: Handlers<typeof rosterCalls> = {
  rosterStatus: ({ core }) => {
    // The admin is on the roster screen: an import may well follow (see prepareImport), once a
    // source is set up (until then no import can start).
    if (core.roster.config().source) void core.roster.prepareImport();
    const pending = core.roster.pendingRollover();
    const last = core.roster.lastImport();
    return {
      config: core.roster.config() as unknown as Record<string, unknown>,
      lastImport: last ? runView(last) : null,
      history: core.roster.history(10).map(runView),
      running: core.roster.running(),
      pendingRollover: pending ? { importId: pending.importId, detectedAt: pending.detectedAt, sourceLabel: pending.sourceLabel, verdict: pending.verdict } : null,
    };
  },
  rosterImportNow: ({ core }, req) =>
    importing(() => core.roster.importNow(undefined, { trigger: 'manual', confirmLeavers: req.confirmLeavers, replaceDemo: req.replaceDemo })),
  rosterSaveConfig: ({ core, role }, req) => {
    try {
      return core.roster.saveConfig(req.config, role) as unknown as Record<string, unknown>;
    } catch (e) {
      if (e instanceof ZodError) throw new CoreError('validation_failed', 'Some roster settings need fixing.', describeIssues(e));
      throw e;
    }
  },
  rosterRollover: async ({ core, role }, req) => {
    if (req.decision === 'discard') return { run: null, message: core.roster.discardRollover(role).message };
    return { run: await importing(() => core.roster.approveRollover(role)) };
  },
};
