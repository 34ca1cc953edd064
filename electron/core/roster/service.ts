// RosterService: the one entry point electron/main, KioskCore and the CLI use for roster imports.
// An import reads its source, plans a sync (plan.ts), checks the calendar (seasons.ts: summer
// pause, new academic year) and the leaver guard, then applies everything in ONE transaction.
// Every import is logged with its counts and bad rows; importNow() resolves with that log entry
// (outcome applied | frozen | rollover_pending | refused | failed) and only throws when no import
// could start at all (another is running, no source configured).
import { EventEmitter } from 'node:events';
import type { Db } from '../db/database';
import { systemClock, type Clock } from '../clock';
import { silentLogger, type Logger } from '../logging/logger';
import { localClock } from '../../../shared/school-time';
import type { SiteSettings } from '../../../shared/settings';
import type { RosterConfig, RosterSourceConfig } from './config';
import { RosterError, type ImportProgress, type ProgressListener, type RosterSource } from './model';
import { freezePlan, planImport, type RosterPlan } from './plan';
import { detectRollover, rosterMode, type RolloverVerdict } from './seasons';
import { appendAudit } from '../db/audit';
import { RosterStore, type ImportRun, type ImportTrigger, type PendingRollover } from '../db/roster-store';
import { RosterSchedule } from './schedule';

export interface RosterServiceOptions {
  db: Db;
  /** The site settings in force (groups, time zone). */
  settings: () => SiteSettings;
  clock?: Clock;
  logger?: Logger;
  /** Builds the configured source for the nightly import (the Wonde one needs the MIS settings and token). */
  sourceFor?: (config: RosterSourceConfig, store: RosterStore) => RosterSource;
  /** Wait after schedule.start() before catching up a missed night (default 60 s). */
  catchUpDelayMs?: number;
}

export interface ImportOptions {
  trigger?: ImportTrigger;
  onProgress?: ProgressListener;
  /** The admin has seen the leaver count and confirms it (the leaver guard is skipped). */
  confirmLeavers?: boolean;
  /** The admin confirms that the demo students leave now that a real roster arrives. */
  replaceDemo?: boolean;
  signal?: AbortSignal;
}

/** Below this many leavers the guard never stops an import, whatever the share (a small school). */
const LEAVER_GUARD_MIN = 20;

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

export class RosterService {
  readonly store: RosterStore;
  readonly schedule: RosterSchedule;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly emitter = new EventEmitter();
  private current: ImportProgress | null = null;

  constructor(private readonly opts: RosterServiceOptions) {
    this.store = new RosterStore(opts.db);
    this.clock = opts.clock ?? systemClock;
    this.log = opts.logger ?? silentLogger;
    const closed = this.store.closeAbandonedRuns(this.nowIso());
    if (closed) this.log.warn('roster: an import was interrupted by a restart', { imports: closed });
    this.schedule = new RosterSchedule({
      config: () => this.store.config(),
      timeZone: () => opts.settings().timeZone,
      lastCompletedAt: () => this.store.lastCompletedAt(),
      clock: this.clock,
      logger: this.log,
      run: () => this.importNow(undefined, { trigger: 'scheduled' }),
      catchUpDelayMs: opts.catchUpDelayMs,
    });
  }

  private nowIso(): string {
    return this.clock.now().toISOString();
  }

  /** Progress of any import (scheduled or manual), for the admin screen. Returns an unsubscribe. */
  onProgress(listener: ProgressListener): () => void {
    this.emitter.on('progress', listener);
    return () => this.emitter.off('progress', listener);
  }

  /** The import under way, if any, as last reported. */
  running(): ImportProgress | null {
    return this.current;
  }

  lastImport(): ImportRun | null {
    return this.store.lastRun();
  }

  history(limit = 20): ImportRun[] {
    return this.store.runs(limit);
  }

  config(): RosterConfig {
    return this.store.config();
  }

  /** Save the roster settings; a running schedule picks up the new time at once. */
  saveConfig(input: unknown, actor: string): RosterConfig {
    const next = this.store.saveConfig(input, actor, this.nowIso());
    this.schedule.restart();
    return next;
  }

  /** The new academic year waiting for the admin (without its records), or null. */
  pendingRollover(): Omit<PendingRollover, 'records'> | null {
    const p = this.store.pendingRollover(false);
    if (!p) return null;
    const { records: _records, ...rest } = p;
    return rest;
  }

  /** The admin accepts the new year: the staged roster replaces the old one (even in the summer pause). */
  async approveRollover(actor: string, onProgress?: ProgressListener): Promise<ImportRun> {
    const pending = this.store.pendingRollover(true);
    if (!pending) throw new RosterError('no_pending_rollover', 'There is no new academic year waiting for approval.');
    this.audit(actor, 'roster.rollover.approve', JSON.stringify(pending.verdict));
    const source: RosterSource = {
      kind: pending.sourceKind,
      read: async () => ({ records: pending.records, issues: [], label: pending.sourceLabel }),
    };
    return this.importNow(source, { trigger: 'rollover_approval', onProgress, confirmLeavers: true });
  }

  /**
   * The admin rejects the staged year (e.g. the MIS was rolled over by mistake). Nothing waiting
   * (already discarded, or applied by a later import) is an answer, not a failure: it says so.
   */
  discardRollover(actor: string): { discarded: boolean; message: string } {
    const pending = this.store.pendingRollover(false);
    if (!pending) return { discarded: false, message: 'There was no new academic year waiting, so there was nothing to discard. The roster is unchanged.' };
    this.store.clearRollover();
    this.audit(actor, 'roster.rollover.discard', JSON.stringify(pending.verdict));
    return { discarded: true, message: 'The new academic year was discarded. This year’s roster stays in use.' };
  }

  /** Import now from `source`, or from the configured source. */
  async importNow(source?: RosterSource, options: ImportOptions = {}): Promise<ImportRun> {
    if (this.current) throw new RosterError('busy', 'A roster import is already running; wait for it to finish.');
    const trigger = options.trigger ?? 'manual';
    let src: RosterSource;
    try {
      src = source ?? this.configuredSource();
    } catch (e) {
      // Nobody watches a nightly run: leave the reason in the import log for the admin screen.
      if (trigger === 'scheduled' && e instanceof RosterError) {
        const id = this.store.beginRun(trigger, this.store.config().source?.kind ?? 'none', 'not set up', this.nowIso());
        this.store.finishRun(id, 'failed', this.nowIso(), { message: e.message });
      }
      throw e;
    }
    const runId = this.store.beginRun(trigger, src.kind, src.kind, this.nowIso());
    const progress: ProgressListener = (p) => {
      this.current = p;
      options.onProgress?.(p);
      this.emitter.emit('progress', p);
    };
    progress({ phase: 'reading', done: 0, total: null, message: 'Starting the roster import' });
    this.log.info('roster: import started', { run: runId, trigger, source: src.kind });
    try {
      const run = await this.runImport(runId, src, trigger, options, progress);
      this.log.info('roster: import finished', { run: runId, outcome: run.outcome, ...run.counts, groups: undefined, held: undefined });
      return run;
    } catch (e) {
      const message =
        e instanceof RosterError ? e.message : `The roster import failed: ${(e as Error).message}. The roster was left as it was.`;
      if (!(e instanceof RosterError)) this.log.error('roster: import failed', { run: runId, error: (e as Error).stack ?? String(e) });
      else this.log.warn('roster: import failed', { run: runId, kind: e.kind });
      this.store.finishRun(runId, 'failed', this.nowIso(), { message });
      return this.store.lastRun()!;
    } finally {
      this.current = null;
      this.emitter.emit('progress', { phase: 'done', done: 0, total: 0, message: 'No import running' } satisfies ImportProgress);
    }
  }

  private configuredSource(): RosterSource {
    const cfg = this.store.config().source;
    if (!cfg) throw new RosterError('no_source', 'No roster source is set up. Choose the MIS, a CSV file or a OneRoster folder in Admin → Roster.');
    if (!this.opts.sourceFor) throw new RosterError('no_source', 'This kiosk cannot build the configured roster source.');
    return this.opts.sourceFor(cfg, this.store);
  }

  private async runImport(runId: number, src: RosterSource, trigger: ImportTrigger, options: ImportOptions, progress: ProgressListener): Promise<ImportRun> {
    const result = await src.read({ progress, signal: options.signal });
    progress({ phase: 'checking', done: 0, total: result.records.length, message: `Checking ${result.records.length} students against the roster` });
    await yieldToEventLoop();

    const settings = this.opts.settings();
    const config = this.store.config();
    const photos = result.records.some((r) => r.photoGiven);
    const current = this.store.currentStudents(photos);
    let plan: RosterPlan = planImport({
      current,
      incoming: result.records,
      sourceIssues: result.issues,
      settings,
      currentContacts: this.store.currentContacts(),
      requireBadge: !config.allowNoBadge,
    });
    const finish = (outcome: 'applied' | 'frozen' | 'rollover_pending' | 'refused', message: string | null, extra: Record<string, unknown> = {}) => {
      this.store.finishRun(runId, outcome, this.nowIso(), {
        counts: { ...plan.counts, groups: plan.groups, ...extra },
        issues: plan.issues,
        message,
        sourceLabel: result.label,
      });
      progress({ phase: 'done', done: result.records.length, total: result.records.length, message: message ?? 'Roster imported' });
      return this.store.lastRun()!;
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

    const approval = trigger === 'rollover_approval';
    // The first real roster into a kiosk that has none (a school installing in August) is never
    // frozen by the summer pause: there is nothing to protect, and the school needs its students.
    const firstRoster = active === 0;
    const paused = rosterMode(localClock(this.nowIso(), settings.timeZone).date, config.summerPause) === 'frozen';
    const mode = approval || firstRoster ? 'open' : paused ? 'frozen' : 'open';

    let verdict: RolloverVerdict | null = null;
    if (!approval) {
      verdict = detectRollover(current, result.records.map((r) => r.student));
      if (verdict.isRollover) {
        this.store.stageRollover({
          importId: runId,
          detectedAt: this.nowIso(),
          sourceKind: src.kind,
          sourceLabel: result.label,
          verdict,
          records: result.records,
        });
        // Until the admin approves, the old roster stays; contact details still come in.
        const frozen = freezePlan(plan);
        plan = frozen;
        await this.write(plan, src.kind, progress, photos);
        return finish('rollover_pending', 'A new academic year was found in the roster. It waits for approval in Admin → Roster before it replaces this year\'s roster.', {
          held: frozen.held,
          rollover: verdict,
        });
      }
    }

    // The demo students leave when the first real roster arrives, once the admin has said so
    // (approving a new academic year is itself that confirmation); their events stay, as every
    // leaver's do (deactivated, never deleted).
    if (demoLeaving > 0 && !options.replaceDemo && !approval && mode === 'open') {
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
      await this.write(plan, src.kind, progress, photos);
      return finish('frozen', frozenMessage(config.summerPause, frozen.held, plan.counts.contactsChanged), { held: frozen.held });
    }

    // Demo students leaving are expected (confirmed above): the guard counts real students only.
    const realLeavers = plan.leavers.length - demoLeaving;
    const guard = Math.max(LEAVER_GUARD_MIN, Math.floor(config.maxLeaverShare * active));
    if (!options.confirmLeavers && realLeavers > guard) {
      return finish(
        'refused',
        `This import would deactivate ${realLeavers} of ${active} students (more than ${Math.round(config.maxLeaverShare * 100)}%). ` +
          'Nothing was changed. If that is right (e.g. a whole year group left), run the import again and confirm the leavers.',
      );
    }

    // Demo students this roster lists (same ids) now belong to it, even when nothing else changed.
    const claimed = demoIds.size ? result.records.map((r) => r.student.id).filter((id) => demoIds.has(id)) : [];
    await this.write(plan, src.kind, progress, photos, () => {
      if (src.kind !== 'demo') this.store.claimDemo(claimed, src.kind);
      // A normal year's roster came in after a staged roll-over: the MIS went back; the stage is stale.
      if (!approval && verdict && this.store.pendingRollover(false)) this.store.clearRollover();
      if (approval) this.store.clearRollover();
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

  private async write(plan: RosterPlan, source: string, progress: ProgressListener, photosRead: boolean, alsoInTransaction?: () => void): Promise<void> {
    const total = plan.added.length + plan.updated.length + plan.leavers.length + plan.contacts.length;
    progress({ phase: 'writing', done: 0, total, message: `Saving ${total} change(s)` });
    await yieldToEventLoop();
    this.opts.db.transaction(() => {
      this.store.apply(plan, source, this.nowIso(), progress, { keepPhotos: !photosRead });
      alsoInTransaction?.();
    })();
  }

  private audit(actor: string, action: string, after: string): void {
    appendAudit(this.opts.db, { at: this.nowIso(), actor, action, subject: 'roster', before: null, after });
  }
}
