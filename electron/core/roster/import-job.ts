// One roster import after its run was logged: read the source, plan the sync, check the calendar
// and the leaver guard, write. It runs in the import worker (import-worker.ts) on the worker's own
// connection, or in-process for a database in memory; either way it touches nothing of the main
// thread but what it is given. The caller logs the run's end (finishRun) from what it returns.
import type { Db } from '../db/database';
import { syncWrites, walSyncer } from '../db/database';
import { pauseNameMerges, removeHeld, resumeNameMerges, undoPlan, writePlanInChunks } from '../db/roster-writer';
import type { WriteGate } from '../db/write-gate';
import type { Logger } from '../logging/logger';
import { localClock } from '../../../shared/school-time';
import type { SiteSettings } from '../../../shared/settings';
import type { Student } from '../../../shared/model';
import type { ImportProgress, ProgressListener, RosterIssue, RosterRecord, SourceContext, SourceResult } from './model';
import { EarlyAdds, freezePlan, planImport, sameStudent, type ContactChange, type PlanCounts, type RosterPlan } from './plan';
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

/**
 * While the pages are read, the students written early are synced at least this often (ms of
 * writing): a checkpoint per 2 ms chunk cost the read ~0.3 s of 50,000 students, and a scan's own
 * fsync then has at most this much of the import's writes to flush (a Wonde page may hold up to
 * 1,000 students).
 */
const EARLY_SYNC_MS = 10;
/** While the pages are read and nothing is written, the WAL is still folded back this often (see onPage). */
const READ_SYNC_MS = 200;
/**
 * How often the import folds the WAL back into the database (between its syncs of the WAL alone).
 * The import's connection and, meanwhile, the desk's have SQLite's automatic checkpoint off
 * (database.ts openSideConnection, service.ts); the kiosk's checkpoint worker (every 2 s,
 * maintenance/checkpointer.ts) may fold it too, and whichever comes second finds the lock taken
 * and skips (harmless: the WAL is synced first). A long WAL slows every read of the desk's.
 */
const CHECKPOINT_MS = 50;
/** Longest chunk of the write after the reading (see its call). */
const FINAL_CHUNK_MS = 5;
/** Students written early at a time, between looks at whether the next page is in (~1–2 ms of writing). */
const EARLY_BATCH = 64;
/**
 * How long the import waits for the next page before it writes early: the fake Wonde here answers
 * a page of 200 in 8–18 ms; Wonde itself, across the internet, in a good part of a second.
 */
const EARLY_WAIT_MS = 50;

/** Did `p` settle within `ms`? (The timer is cleared either way.) */
async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
  try {
    return await Promise.race([p.then(() => true, () => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

export async function runImportJob(deps: JobDeps, input: JobInput, read: (ctx: SourceContext) => Promise<SourceResult>): Promise<JobFinish> {
  // The name index merges in small steps between the import's chunks, not in one long statement
  // inside one (db/roster-writer.ts NAMES_PER_MERGE), for as long as the import runs.
  try {
    pauseNameMerges(deps.db, deps.gate);
  } catch (e) {
    // Only the import's smoothness is lost: FTS5 merges as it writes, as it always did.
    deps.logger.warn('roster: the name index\'s automatic merging could not be paused', { error: (e as Error).message });
  }
  try {
    return await importWithMergesPaused(deps, input, read);
  } finally {
    try {
      resumeNameMerges(deps.db, deps.gate);
      if (deps.syncBetween) syncWrites(deps.db);
    } catch (e) {
      // Whatever the import's outcome, it stands: the index works either way (see resumeNameMerges).
      deps.logger.warn('roster: the name index\'s automatic merging could not be put back', { error: (e as Error).message });
    }
  }
}

async function importWithMergesPaused(deps: JobDeps, input: JobInput, read: (ctx: SourceContext) => Promise<SourceResult>): Promise<JobFinish> {
  const { store, progress } = deps;
  const settings = input.settings;
  // The roster as it stands, read before the source: the plan is made against it, and so are the
  // new students written while the source is still being read. Photos are large: they are read
  // after the source, and only if it brings photos to compare with.
  const config = store.config();
  // Students an earlier import wrote while reading and never applied (a kill cut it short): off
  // the roster before anything else, so that to this import they were never there (a new student
  // is counted as new, one the MIS has dropped since leaves no row and no contacts behind).
  const leftover = store.heldStudents();
  if (leftover.length) {
    await removeHeld(deps.db, leftover, { nowIso: input.nowIso, gate: deps.gate, between: yieldToEventLoop });
    if (deps.syncBetween) syncWrites(deps.db);
    deps.logger.info('roster: students held by an import cut short were taken off', { count: leftover.length });
  }
  const current = store.currentStudents(false);
  const currentContacts = store.currentContacts();
  const isDemo = (s: { source: string }) => s.source === 'demo';
  const active = current.filter((s) => s.active && s.source !== 'manual' && !isDemo(s)).length;
  const demoActive = current.filter((s) => s.active && isDemo(s)).length;
  const approval = input.trigger === 'rollover_approval';
  // The first real roster into a kiosk that has none (a school installing in August) is never
  // frozen by the summer pause: there is nothing to protect, and the school needs its students.
  const firstRoster = active === 0;
  const paused = rosterMode(localClock(input.nowIso, settings.timeZone).date, config.summerPause) === 'frozen';
  const mode = approval || firstRoster ? 'open' : paused ? 'frozen' : 'open';

  const before = new Map(current.map((s) => [s.id, s]));
  const writeOptions = (keepPhotos: boolean) => ({
    source: input.sourceKind,
    nowIso: input.nowIso,
    keepPhotos,
    before,
    contactsBefore: currentContacts,
    gate: deps.gate,
  });
  // The worker's connection commits without fsync (db/database.ts openSideConnection): each chunk
  // is synced before the next, holding no lock a scan would wait for. After every chunk: a scan's
  // commit syncs the same WAL file, and with the import's chunks left unsynced for 50 ms, a scan
  // during the import had a p99 (CPU wait taken out) of 6.3–8.3 ms instead of 4.0–5.4 ms (issue
  // 16's bench). The sync is of the WAL file alone (walSyncer), and the WAL is folded back into
  // the database (a checkpoint: two fsyncs and a copy of the pages) once every CHECKPOINT_MS: a
  // checkpoint after every chunk cost the import ~0.4 s of its thread's CPU in 50,000 students,
  // mostly in fsync.
  let lastSync = performance.now();
  let lastCheckpoint = lastSync;
  const wal = deps.syncBetween ? walSyncer(deps.db) : null;
  const syncChunk = () => {
    lastSync = performance.now();
    if (!wal) return;
    // First the WAL, always: a PASSIVE checkpoint that readers keep from copying skips its sync.
    wal.sync();
    if (lastSync - lastCheckpoint < CHECKPOINT_MS) return;
    lastCheckpoint = lastSync;
    syncWrites(deps.db);
  };

  // Writing while reading (issue 16): new students that no later page can change are written
  // while the next page is fetched (plan.ts EarlyAdds; when, below), held off the desk (inactive)
  // until the import is applied, when one cheap update puts them on. Only where the import will
  // almost surely apply: the roster is open (no summer freeze), this is not a new year being
  // approved, and no demo students wait for the admin's confirmation. If the import is refused or
  // fails after all, they are undone (undoEarly) and the roster is as it was; if the kiosk is
  // killed meanwhile, they stay held, off the desk, and the next import takes them off first
  // (removeHeld above) and adds again those it lists.
  const early: { added: Student[]; contacts: ContactChange[] } = { added: [], contacts: [] };
  const earlyAdds =
    mode === 'open' && !approval && (demoActive === 0 || input.replaceDemo)
      ? new EarlyAdds({ current, settings, currentContacts, requireBadge: !config.allowNoBadge })
      : null;
  // The students EarlyAdds cleared, not yet written (in the source's order), with their contacts.
  // They are written while the import would otherwise sit idle: once the next page has been
  // awaited EARLY_WAIT_MS, and only until it is in. Writing early costs more than writing with
  // the plan (held, then put on the desk; more syncs), so it pays only where the MIS is slow to
  // answer. Where it answers at once, the import thread that reads the pages is better left to
  // read them: with the fake Wonde on this 2-core machine, writing each page's students before
  // reading on cost the import ~1 s of CPU and ~0.7 s in all (issue 16's bench, medians of 5 runs).
  // What the reading leaves unwritten is written with the plan, straight onto the desk.
  const queued: Student[] = [];
  const queuedContacts = new Map<string, ContactChange>();
  const writeEarly = async (added: Student[]) => {
    const contacts: ContactChange[] = [];
    for (const s of added) {
      const c = queuedContacts.get(s.id);
      if (c) contacts.push(c);
      queuedContacts.delete(s.id);
    }
    await writePlanInChunks(deps.db, { added, updated: [], leavers: [], releasedBadges: [], contacts }, {
      ...writeOptions(true),
      held: true,
      between: async () => {
        if (performance.now() - lastSync >= EARLY_SYNC_MS) syncChunk();
        await yieldToEventLoop();
      },
    });
    early.added.push(...added);
    early.contacts.push(...contacts);
  };
  // The pages EarlyAdds has not looked at yet, in the source's order. It looks at them only when
  // the import is about to write early: where every page comes at once (the fake Wonde here), that
  // never happens, and looking at every page anyway cost the reading ~0.2 s of CPU in 50,000
  // students (issue 16's bench), on the thread that reads the pages.
  const unseen: RosterRecord[][] = [];
  const queueUnseen = () => {
    for (const records of unseen.splice(0)) {
      const page = earlyAdds!.page(records);
      queued.push(...page.added);
      for (const c of page.contacts) queuedContacts.set(c.studentId, c);
    }
  };
  const onPage = earlyAdds
    ? async (records: RosterRecord[], nextPage?: Promise<unknown> | null) => {
        // The desk's own commits fill the WAL meanwhile, and nothing else folds it back while the
        // import runs (see CHECKPOINT_MS): a 38 ms stall of the desk in issue 16's bench, once the
        // import no longer wrote, and synced, every page.
        if (performance.now() - lastSync >= READ_SYNC_MS) syncChunk();
        // The last page: nothing to wait for, so nothing to write meanwhile.
        if (nextPage === null) return;
        unseen.push(records);
        // A source that cannot say when its next page comes: this page's students, now.
        if (nextPage === undefined) {
          queueUnseen();
          return queued.length ? writeEarly(queued.splice(0)) : undefined;
        }
        let arrived = false;
        const settled = nextPage.then(
          () => (arrived = true),
          () => (arrived = true),
        );
        if (await within(settled, EARLY_WAIT_MS)) return;
        queueUnseen();
        while (queued.length && !arrived && !deps.signal?.aborted) await writeEarly(queued.splice(0, EARLY_BATCH));
        if (performance.now() - lastSync >= EARLY_SYNC_MS) syncChunk();
      }
    : undefined;
  /** Undo what was written early: all of it, or only the students `keep` turns down. */
  const undoEarly = async (keep: (id: string) => boolean = () => false) => {
    const added = early.added.filter((s) => !keep(s.id));
    const contacts = early.contacts.filter((c) => !keep(c.studentId));
    if (!added.length && !contacts.length) return;
    await undoPlan(deps.db, { added, updated: [], leavers: [], releasedBadges: [], contacts }, { ...writeOptions(true), between: betweenChunks });
    // Forgotten only once undone: an undo that failed half-way is tried again (every step of it can be).
    early.added = early.added.filter((s) => keep(s.id));
    early.contacts = early.contacts.filter((c) => keep(c.studentId));
    syncChunk();
  };
  async function betweenChunks(): Promise<void> {
    syncChunk();
    // Let a stop request or a page answer in (the worker's own loop), between chunks.
    await yieldToEventLoop();
  }

  try {
    return await planAndWrite();
  } catch (e) {
    // A failure (a page that never came, a stop request, a full disk) leaves the roster as it was.
    await undoEarly().catch((u: Error) => deps.logger.error('roster: the students written early could not be undone', { error: u.message }));
    throw e;
  } finally {
    wal?.close();
  }

  async function planAndWrite(): Promise<JobFinish> {
    const result = await read({ progress, signal: deps.signal, onPage });
    progress({ phase: 'checking', done: 0, total: result.records.length, message: `Checking ${result.records.length} students against the roster` });
    await yieldToEventLoop();

    const photos = result.records.some((r) => r.photoGiven);
    if (photos) {
      const held = store.currentPhotos();
      for (const s of current) s.photo = held.get(s.id) ?? null;
    }
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
    // Refused: nothing of this import stays, including what was written early.
    const refuse = async (message: string, extra?: Record<string, unknown>) => {
      await undoEarly();
      return finish('refused', message, extra);
    };
    const write = async (p: RosterPlan, alsoInLastChunk?: () => void) => {
      // Every student written early is one the plan adds, exactly so (EarlyAdds' rule). Should one
      // ever not be (a source that changed a record after handing it over, e.g. Wonde's photos,
      // read after the pages), it is taken out again and the plan writes it afresh: what lands is
      // exactly the plan, whatever order the plan's badge moves need.
      const planned = new Map(p.added.map((s) => [s.id, s]));
      const earlyById = new Map(early.added.map((s) => [s.id, s]));
      await undoEarly((id) => {
        const plan = planned.get(id);
        const wrote = earlyById.get(id);
        return plan !== undefined && (wrote === undefined || sameStudent(wrote, plan));
      });
      // What is left of the early writes is exactly as planned.
      const rest = withoutEarly(p, early);
      const total = rest.added.length + rest.updated.length + rest.leavers.length + rest.contacts.length + (rest.activate?.length ?? 0);
      progress({ phase: 'writing', done: 0, total, message: `Saving ${total} change(s)` });
      await yieldToEventLoop();
      const step = Math.max(1000, Math.ceil(total / 20));
      let reported = 0;
      await writePlanInChunks(deps.db, rest, {
        ...writeOptions(!photos),
        // Longer chunks than the writer's default 2 ms, so fewer commits, syncs and name-index
        // segments: a chunk still ends as soon as a scan waits (db/write-gate.ts), so a scan waits
        // no longer. Measured (issue 16's bench, medians of 5 runs): 5 ms chunks with the WAL-only
        // sync, 4.22 s and 2.84 s of the thread's CPU, against 5.00 s and 3.28 s for 2 ms chunks
        // and a checkpoint after each; 10 ms chunks with a checkpoint every 100 ms made the scans'
        // p99 longer (12.1 ms against 9.3 ms).
        chunkMs: FINAL_CHUNK_MS,
        alsoInLastChunk: alsoInLastChunk ? () => alsoInLastChunk() : undefined,
        between: async (done, all) => {
          if (all && done - reported >= step && done < all) {
            reported = done;
            progress({ phase: 'writing', done, total: all, message: `Saving ${done} of ${all}` } satisfies ImportProgress);
          }
          await betweenChunks();
        },
      });
      // Applied: what was written early is now part of it, never to be undone.
      early.added = [];
      early.contacts = [];
      syncChunk();
    };

    if (result.records.length === 0 && active + demoActive > 0) {
      return refuse(`${result.label} gave no usable students, so nothing was changed (${plan.counts.skipped} row(s) had problems). Check the file or the mapping.`);
    }
    // Demo students (seeded so a new kiosk can be tried) that this roster does not list.
    const demoIds = new Set(current.filter(isDemo).map((s) => s.id));
    const demoLeaving = plan.leavers.filter((l) => demoIds.has(l.id)).length;

    let verdict: RolloverVerdict | null = null;
    if (!approval) {
      verdict = detectRollover(current, result.records.map((r) => r.student));
      if (verdict.isRollover) {
        // The new intake written early is not on the kiosk until the admin approves the new year.
        await undoEarly();
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
      return refuse(
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
      return refuse(
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
}

/**
 * The plan less what was written early, which `write` has already cut down to the students planned
 * exactly so (see EarlyAdds): those are only put on the desk (`activate`); the rest is written.
 */
function withoutEarly(plan: RosterPlan, early: { added: Student[]; contacts: ContactChange[] }): RosterPlan & { activate?: string[] } {
  if (!early.added.length && !early.contacts.length) return plan;
  const added = new Set(early.added.map((s) => s.id));
  const contacts = new Map(early.contacts.map((c) => [c.studentId, c.contacts]));
  const activate: string[] = [];
  return {
    ...plan,
    activate,
    added: plan.added.filter((s) => {
      if (!added.has(s.id)) return true;
      activate.push(s.id);
      return false;
    }),
    // The same array as written early (EarlyAdds hands on the record's own), or written again.
    contacts: plan.contacts.filter((c) => contacts.get(c.studentId) !== c.contacts),
  };
}

export type { PlanCounts };
