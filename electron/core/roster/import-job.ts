// One roster import after its run was logged: read the source, plan the sync, check the calendar
// and the leaver guard, write. It runs in the import worker (import-worker.ts) on the worker's own
// connection, or in-process for a database in memory; either way it touches nothing of the main
// thread but what it is given. The caller logs the run's end (finishRun) from what it returns.
import type { Db } from '../db/database';
import { syncWrites } from '../db/database';
import { writePlanInChunks } from '../db/roster-writer';
import type { WriteGate } from '../db/write-gate';
import type { Logger } from '../logging/logger';
import { localClock } from '../../../shared/school-time';
import type { SiteSettings } from '../../../shared/settings';
import type { ImportProgress, ProgressListener, RosterIssue, SourceContext, SourceResult } from './model';
import { freezePlan, planImport, type PlanCounts, type RosterPlan } from './plan';
import { detectRollover, rosterMode, type RolloverVerdict } from './seasons';
import type { ImportRun, ImportTrigger, RosterStore } from '../db/roster-store';

/** Below this many leavers the guard never stops an import, whatever the share (a small school). */
const LEAVER_GUARD_MIN = 20;

export interface JobInput {
  runId: number;
  trigger: ImportTrigger;
  sourceKind: string;
  confirmLeavers?: boolean;
  replaceDemo?: boolean;
  /** The import's time: stored on every row it writes, and read against the summer pause. */
  nowIso: string;
  settings: SiteSettings;
}

export interface JobDeps {
  db: Db;
  store: RosterStore;
  logger: Logger;
  progress: ProgressListener;
  gate?: WriteGate;
  signal?: AbortSignal;
  /** The connection commits without fsync (the worker's): sync between write steps, and at the end. */
  syncBetween?: boolean;
}

/** What finishRun needs, as plain data (it crosses from the worker). */
export interface JobFinish {
  outcome: 'applied' | 'frozen' | 'rollover_pending' | 'refused';
  message: string | null;
  counts: ImportRun['counts'];
  issues: RosterIssue[];
  sourceLabel: string;
  received: number;
}

/** What a frozen import really did and held back, in the admin's words. */
function frozenMessage(pause: { from: string; to: string } | null, held: { added: number; updated: number; leavers: number }, contacts: number): string {
  const until = pause ? ` (until ${pause.to}, month-day)` : '';
  const heldParts = [`${held.added} new`, `${held.updated} changed`, `${held.leavers} leaving`].join(', ');
  return (
    `Summer pause${until}: the roster is frozen, so no student was added, changed or deactivated (held back: ${heldParts}). ` +
    `Contact details were updated for ${contacts} student(s). The held-back changes come in with the first import after the pause.`
  );
}

const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));

export async function runImportJob(deps: JobDeps, input: JobInput, read: (ctx: SourceContext) => Promise<SourceResult>): Promise<JobFinish> {
  const { store, progress } = deps;
  const result = await read({ progress, signal: deps.signal });
  progress({ phase: 'checking', done: 0, total: result.records.length, message: `Checking ${result.records.length} students against the roster` });
  await yieldToEventLoop();

  const settings = input.settings;
  const config = store.config();
  const photos = result.records.some((r) => r.photoGiven);
  const current = store.currentStudents(photos);
  const currentContacts = store.currentContacts();
  let plan: RosterPlan = planImport({
    current,
    incoming: result.records,
    sourceIssues: result.issues,
    settings,
    currentContacts,
    requireBadge: !config.allowNoBadge,
  });
  const finish = (outcome: JobFinish['outcome'], message: string | null, extra: Record<string, unknown> = {}): JobFinish => ({
    outcome,
    message,
    counts: { ...plan.counts, groups: plan.groups, ...extra } as ImportRun['counts'],
    issues: plan.issues,
    sourceLabel: result.label,
    received: result.records.length,
  });
  const write = async (p: RosterPlan, alsoInLastChunk?: () => void) => {
    const total = p.added.length + p.updated.length + p.leavers.length + p.contacts.length;
    progress({ phase: 'writing', done: 0, total, message: `Saving ${total} change(s)` });
    await yieldToEventLoop();
    const step = Math.max(1000, Math.ceil(total / 20));
    let reported = 0;
    await writePlanInChunks(deps.db, p, {
      source: input.sourceKind,
      nowIso: input.nowIso,
      keepPhotos: !photos,
      before: new Map(current.map((s) => [s.id, s])),
      contactsBefore: currentContacts,
      gate: deps.gate,
      alsoInLastChunk: alsoInLastChunk ? () => alsoInLastChunk() : undefined,
      between: async (done, all) => {
        // The worker's connection commits without fsync (db/database.ts openSideConnection):
        // each chunk is synced and checkpointed here, holding no lock a scan would wait for.
        // After every chunk, not every 50 ms: with the WAL folded back each time, a scan during
        // the import had a p99 (CPU wait taken out) of 4.0–5.4 ms instead of 6.3–8.3 ms (issue
        // 16's bench), for a slower import (a checkpoint per chunk).
        if (deps.syncBetween) syncWrites(deps.db);
        if (all && done - reported >= step && done < all) {
          reported = done;
          progress({ phase: 'writing', done, total: all, message: `Saving ${done} of ${all}` } satisfies ImportProgress);
        }
        // Let a stop request or a page answer in (the worker's own loop), between chunks.
        await yieldToEventLoop();
      },
    });
    if (deps.syncBetween) syncWrites(deps.db);
  };

  const isDemo = (s: { source: string }) => s.source === 'demo';
  const active = current.filter((s) => s.active && s.source !== 'manual' && !isDemo(s)).length;
  const demoActive = current.filter((s) => s.active && isDemo(s)).length;
  if (result.records.length === 0 && active + demoActive > 0) {
    return finish('refused', `${result.label} gave no usable students, so nothing was changed (${plan.counts.skipped} row(s) had problems). Check the file or the mapping.`);
  }
  // Demo students (seeded so a new kiosk can be tried) that this roster does not list.
  const demoIds = new Set(current.filter(isDemo).map((s) => s.id));
  const demoLeaving = plan.leavers.filter((l) => demoIds.has(l.id)).length;

  const approval = input.trigger === 'rollover_approval';
  // The first real roster into a kiosk that has none (a school installing in August) is never
  // frozen by the summer pause: there is nothing to protect, and the school needs its students.
  const firstRoster = active === 0;
  const paused = rosterMode(localClock(input.nowIso, settings.timeZone).date, config.summerPause) === 'frozen';
  const mode = approval || firstRoster ? 'open' : paused ? 'frozen' : 'open';

  let verdict: RolloverVerdict | null = null;
  if (!approval) {
    verdict = detectRollover(current, result.records.map((r) => r.student));
    if (verdict.isRollover) {
      store.stageRollover({
        importId: input.runId,
        detectedAt: input.nowIso,
        sourceKind: input.sourceKind,
        sourceLabel: result.label,
        verdict,
        records: result.records,
      });
      // Until the admin approves, the old roster stays; contact details still come in.
      const frozen = freezePlan(plan);
      plan = frozen;
      await write(plan);
      return finish('rollover_pending', 'A new academic year was found in the roster. It waits for approval in Admin → Roster before it replaces this year\'s roster.', {
        held: frozen.held,
        rollover: verdict,
      });
    }
  }

  // The demo students leave when the first real roster arrives, once the admin has said so
  // (approving a new academic year is itself that confirmation); their events stay, as every
  // leaver's do (deactivated, never deleted).
  if (demoLeaving > 0 && !input.replaceDemo && !approval && mode === 'open') {
    return finish(
      'refused',
      `The kiosk still holds the ${demoLeaving} demo students. They leave when this first real roster comes in: confirm to replace them ` +
        '(Admin → Roster: "Replace the demo students"; command line: import-roster --replace-demo). Nothing was changed.',
      { demo: demoLeaving },
    );
  }

  if (mode === 'frozen') {
    const frozen = freezePlan(plan);
    plan = frozen;
    await write(plan);
    return finish('frozen', frozenMessage(config.summerPause, frozen.held, plan.counts.contactsChanged), { held: frozen.held });
  }

  // Demo students leaving are expected (confirmed above): the guard counts real students only.
  const realLeavers = plan.leavers.length - demoLeaving;
  const guard = Math.max(LEAVER_GUARD_MIN, Math.floor(config.maxLeaverShare * active));
  if (!input.confirmLeavers && realLeavers > guard) {
    return finish(
      'refused',
      `This import would deactivate ${realLeavers} of ${active} students (more than ${Math.round(config.maxLeaverShare * 100)}%). ` +
        'Nothing was changed. If that is right (e.g. a whole year group left), run the import again and confirm the leavers.',
    );
  }

  // Demo students this roster lists (same ids) now belong to it, even when nothing else changed.
  const claimed = demoIds.size ? result.records.map((r) => r.student.id).filter((id) => demoIds.has(id)) : [];
  const staged = !approval && verdict ? store.pendingRollover(false) !== null : false;
  await write(plan, () => {
    if (input.sourceKind !== 'demo') store.claimDemo(claimed, input.sourceKind);
    // A normal year's roster came in after a staged roll-over: the MIS went back; the stage is stale.
    if (staged || approval) store.clearRollover();
  });
  const notes: string[] = [];
  if (demoLeaving > 0) notes.push(`The ${demoLeaving} demo students were replaced by this roster (their test sign-ins are kept).`);
  if (firstRoster && paused && !approval) {
    notes.push(
      'This was the kiosk’s first roster, so it was imported in full although the summer pause is on. ' +
        'Until the pause ends, later imports update contact details only.',
    );
  }
  return finish('applied', notes.length ? notes.join(' ') : null, demoLeaving > 0 ? { demoReplaced: demoLeaving } : {});
}

export type { PlanCounts };
