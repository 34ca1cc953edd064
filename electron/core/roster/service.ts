// RosterService: the one entry point electron/main, KioskCore and the CLI use for roster imports.
// An import reads its source, plans a sync (plan.ts), checks the calendar (seasons.ts: summer
// pause, new academic year) and the leaver guard, then applies everything in ONE transaction.
// Every import is logged with its counts and bad rows; importNow() resolves with that log entry
// (outcome applied | frozen | rollover_pending | refused | failed) and only throws when no import
// could start at all (another is running, no source configured).
import { EventEmitter } from 'node:events';
import { pauseAutoCheckpoint, type Db } from '../db/database';
import { nameMergesAfterKill } from '../db/roster-writer';
import { systemClock, type Clock } from '../clock';
import { silentLogger, type Logger } from '../logging/logger';
import type { SiteSettings } from '../../../shared/settings';
import type { RosterConfig, RosterSourceConfig } from './config';
import { RosterError, type ImportProgress, type ProgressListener, type RosterSource } from './model';
import { runImportJob, type JobFinish, type JobInput } from './import-job';
import { describes, type DescribedSource } from './sources/spec-types';
import { appendAudit } from '../db/audit';
import { RosterStore, type ImportRun, type ImportTrigger, type PendingRollover } from '../db/roster-store';
import type { Worker } from 'node:worker_threads';
import { runInWorker, startImportWorker, workerIsBundled } from './worker-client';
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
  /** better-sqlite3's native build for the worker's connection (Electron's own; see db/database.ts). */
  nativeBinding?: string;
  /** Run the import on the main thread (a database in memory always does). For benches comparing the two. */
  inProcess?: boolean;
  /**
   * Let prepareImport start the import worker ahead (default: where the worker is the built
   * bundle, as in the kiosk; from the sources, in tests, a worker compiles TypeScript as it starts,
   * which every visit of a test to the roster screen would pay for).
   */
  workerAhead?: boolean;
}

/**
 * How long a worker started ahead (prepareImport) waits for its import, after the last call, before
 * it is let go: the admin left the roster screen open without importing. Its memory is then returned.
 */
const WORKER_AHEAD_MS = 5 * 60_000;

export interface ImportOptions {
  trigger?: ImportTrigger;
  onProgress?: ProgressListener;
  /** The admin has seen the leaver count and confirms it (the leaver guard is skipped). */
  confirmLeavers?: boolean;
  /** The admin confirms that the demo students leave now that a real roster arrives. */
  replaceDemo?: boolean;
  signal?: AbortSignal;
}

export class RosterService {
  readonly store: RosterStore;
  readonly schedule: RosterSchedule;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly emitter = new EventEmitter();
  private current: ImportProgress | null = null;
  /** The import worker started ahead (prepareImport), waiting for the next import. */
  private ahead: { worker: Worker; ready: Promise<void>; timer: NodeJS.Timeout; release: () => void } | null = null;
  private closed = false;

  constructor(private readonly opts: RosterServiceOptions) {
    this.store = new RosterStore(opts.db);
    this.clock = opts.clock ?? systemClock;
    this.log = opts.logger ?? silentLogger;
    const closed = this.store.closeAbandonedRuns(this.nowIso());
    if (closed) this.log.warn('roster: an import was interrupted by a restart', { imports: closed });
    try {
      // Such an import left the name index's automatic merging off (db/roster-writer.ts).
      nameMergesAfterKill(opts.db);
    } catch (e) {
      this.log.warn('roster: the name index\'s automatic merging could not be put back', { error: (e as Error).message });
    }
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
    // The staged records (tens of MB for a big school) are read where the import runs, not here.
    const pending = this.store.pendingRollover(false);
    if (!pending) throw new RosterError('no_pending_rollover', 'There is no new academic year waiting for approval.');
    this.audit(actor, 'roster.rollover.approve', JSON.stringify(pending.verdict));
    const source: DescribedSource = {
      kind: pending.sourceKind,
      spec: () => ({ type: 'pending-rollover' }),
      read: async () => {
        const staged = this.store.pendingRollover(true);
        if (!staged) throw new RosterError('no_pending_rollover', 'There is no new academic year waiting for approval.');
        return { records: staged.records, issues: [], label: staged.sourceLabel };
      },
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

  /**
   * An import is likely soon (the admin opened the roster screen): start its worker thread now, so
   * that the import starts at once. The worker's start (a thread, and 1.5 MB of code to load) took
   * 0.27–0.30 s of the Wonde import's 4.3–4.9 s in issue 16's bench, on a CPU the desk's scans
   * share. One worker waits, holding no database connection (~34 MB of memory, measured under
   * Node 20), until WORKER_AHEAD_MS after the last call. Resolves once it is ready (or could not
   * start, or none was needed); never rejects, never throws.
   */
  prepareImport(): Promise<void> {
    if (this.closed || this.opts.db.memory || this.opts.inProcess === true) return Promise.resolve();
    // Never a second thread starting beside a running import: its CPU is the desk's.
    if (this.current) return Promise.resolve();
    if (this.ahead) {
      this.ahead.timer.refresh();
      return this.ahead.ready;
    }
    try {
      if (!(this.opts.workerAhead ?? workerIsBundled())) return Promise.resolve();
      return this.startWorkerAhead();
    } catch (e) {
      // No thread to be had (memory short): only a head start is lost; the screen still opens.
      this.log.warn('roster: the import worker could not be started ahead', { error: (e as Error).message });
      return Promise.resolve();
    }
  }

  private startWorkerAhead(): Promise<void> {
    const worker = startImportWorker();
    const ready = new Promise<void>((resolve) => {
      worker.once('message', () => resolve()).once('exit', () => resolve());
    });
    // A worker that failed (it could not load) is let go at once: the import starts its own.
    const onError = (e: Error) => {
      this.log.warn('roster: the import worker started ahead failed', { error: e.message });
      if (this.ahead === ahead) this.dropWorkerAhead();
    };
    const onExit = () => {
      if (this.ahead === ahead) this.dropWorkerAhead();
    };
    const ahead = {
      worker,
      ready,
      timer: setTimeout(() => this.dropWorkerAhead(), WORKER_AHEAD_MS),
      // Its listeners while it waits (the import's own take over).
      release: () => worker.off('error', onError).off('exit', onExit),
    };
    ahead.timer.unref();
    worker.on('error', onError).on('exit', onExit);
    this.ahead = ahead;
    return ready;
  }

  /** The worker started ahead, if it is still running, for the import starting now. */
  private takeWorkerAhead(): Worker | undefined {
    const ahead = this.ahead;
    if (!ahead) return undefined;
    this.ahead = null;
    clearTimeout(ahead.timer);
    ahead.release();
    // A thread that has stopped (its 'exit' on its way) is not handed on.
    if (ahead.worker.threadId < 0) return undefined;
    return ahead.worker;
  }

  private dropWorkerAhead(): void {
    const worker = this.takeWorkerAhead();
    if (!worker) return;
    // An error it reports as it stops must find a listener (an unheard 'error' would throw here).
    worker.on('error', () => undefined);
    void worker.terminate();
  }

  /** Let go of a worker started ahead, and start no more (the kiosk is closing). An import under way runs on. */
  close(): void {
    this.closed = true;
    this.dropWorkerAhead();
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

  /**
   * Issue 16: the import runs in a worker thread on its own connection (worker-client.ts), so the
   * kiosk answers scans meanwhile. A database in memory (some tests) cannot be shared with a
   * worker: there the same job runs in-process. A source that cannot describe itself as data (a
   * test's own) is read here and its records handed to the worker.
   */
  private async runImport(runId: number, src: RosterSource, trigger: ImportTrigger, options: ImportOptions, progress: ProgressListener): Promise<ImportRun> {
    const job: JobInput = {
      runId,
      trigger,
      sourceKind: src.kind,
      confirmLeavers: options.confirmLeavers,
      replaceDemo: options.replaceDemo,
      nowIso: this.nowIso(),
      settings: this.opts.settings(),
    };
    const db = this.opts.db;
    let finish: JobFinish;
    if (!db.memory && this.opts.inProcess !== true) {
      const described = describes(src) ? src : null;
      const spec = described?.spec() ?? { type: 'result' as const, result: await src.read({ progress, signal: options.signal }) };
      // The worker's writes grow the WAL; SQLite checkpoints on whichever connection commits past
      // the threshold. A scan's commit must not be the one that folds the import into the file:
      // this connection leaves checkpoints to the worker while it runs.
      const resumeAutoCheckpoint = pauseAutoCheckpoint(db);
      finish = await runInWorker({
        file: db.name,
        nativeBinding: this.opts.nativeBinding,
        job,
        spec,
        page: described?.page ? (cursor) => described.page!(cursor) : undefined,
        progress,
        logger: this.log,
        signal: options.signal,
        worker: this.takeWorkerAhead(),
      }).finally(resumeAutoCheckpoint);
    } else {
      finish = await runImportJob({ db, store: this.store, logger: this.log, progress, signal: options.signal }, job, (ctx) => src.read(ctx));
    }
    this.store.finishRun(runId, finish.outcome, this.nowIso(), {
      counts: finish.counts,
      issues: finish.issues,
      message: finish.message,
      sourceLabel: finish.sourceLabel,
    });
    progress({ phase: 'done', done: finish.received, total: finish.received, message: finish.message ?? 'Roster imported' });
    return this.store.lastRun()!;
  }

  private audit(actor: string, action: string, after: string): void {
    appendAudit(this.opts.db, { at: this.nowIso(), actor, action, subject: 'roster', before: null, after });
  }
}
