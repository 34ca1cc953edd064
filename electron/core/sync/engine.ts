// The sync engine: drains the outbox to the school's MIS from the main process. It runs at once
// after a new event (kick), on an interval, and when connectivity returns; claims due rows in
// batches, sends them with bounded concurrency (one student's rows in order), and settles each
// row durably. Start-up puts rows a crash left in flight back in the queue; the writeback step
// reads the MIS before resending them, so nothing is written twice.
import { EventEmitter } from 'node:events';
import type { Db } from '../db/database';
import type { Clock } from '../clock';
import type { Logger } from '../logging/logger';
import type { Capabilities, MisConnector } from '../mis/types';
import { nextConfirmAt } from '../db/outbox-confirmations';
import { asMisError, type MisError } from '../mis/errors';
import { withAuthRetry } from './auth-retry';
import { backoffDelay, defaultBackoff } from './backoff';
import { confirmLoop } from './confirm';
import {
  awaitingRegister,
  claimDue,
  lastSuccessAt,
  nextDueAt,
  outboxCounts,
  recordSyncRun,
  recoverInFlight,
  retryRows,
  settle,
  wakeNetworkWaiters,
  type OutboxRow,
} from './outbox';
import { processBatch } from './writeback';
import { mapLimit } from './map-limit';

import { defaultConfirmation, type SyncEngineOptions, type SyncStatus, type WritebackEvent } from './engine-types';

export type { SyncEngineOptions, SyncStatus, WritebackEvent } from './engine-types';
export { defaultConfirmation };

const NETWORK_KINDS = new Set(['network', 'timeout']);
const CAPS_TTL_MS = 60 * 60_000;

export class SyncEngine {
  private readonly db: Db;
  private readonly connector: MisConnector;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly opts: Required<Omit<SyncEngineOptions, 'db' | 'connector' | 'clock' | 'logger'>>;
  private readonly emitter = new EventEmitter();
  private running = false;
  private draining: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private probeTimer: NodeJS.Timeout | null = null;
  private online: boolean | null = null;
  private lastError: SyncStatus['lastError'] = null;
  private lastSuccess: string | null;
  private caps: Capabilities | null = null;
  private capsAt = 0;
  private capsFailures = 0;
  /** After the MIS could not even say what it takes, nothing is tried before this instant. */
  private pausedUntil = 0;
  private capsLoading: Promise<Capabilities> | null = null;
  /** Read-back cost since start: reads made, rows they settled (confirmed, changed or resent). */
  private readBack = { reads: 0, rows: 0 };

  constructor(options: SyncEngineOptions) {
    this.db = options.db;
    this.connector = withAuthRetry(options.connector);
    this.clock = options.clock;
    this.log = options.logger;
    this.opts = {
      rulesFor: options.rulesFor ?? (() => ({ protectedCodes: [] })),
      batchSize: options.batchSize ?? 50,
      concurrency: Math.max(1, options.concurrency ?? 4),
      readConcurrency: Math.max(1, options.readConcurrency ?? 8),
      intervalMs: options.intervalMs ?? 30_000,
      probeMs: options.probeMs ?? 15_000,
      backoff: options.backoff ?? defaultBackoff,
      timeoutRetryFloorMs: options.timeoutRetryFloorMs ?? 30_000,
      random: options.random ?? Math.random,
      confirmation: options.confirmation ?? (() => defaultConfirmation),
      confirmBatch: Math.max(1, options.confirmBatch ?? 500),
    };
    this.lastSuccess = lastSuccessAt(this.db);
    this.emitter.setMaxListeners(50);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const recovered = recoverInFlight(this.db, this.nowIso());
    if (recovered > 0) this.log.warn('sync: rows left in flight by the last run will be checked against the MIS before any resend', { rows: recovered });
    this.kick();
  }

  /** Stops scheduling and waits for the batches already sent to be settled. */
  async stop(): Promise<void> {
    this.running = false;
    this.clearTimers();
    await this.draining;
  }

  /** A new event was queued: send it now rather than at the next sweep. */
  kick(): void {
    if (!this.running) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = this.drain().finally(() => {
      this.draining = null;
      if (!this.running) return;
      if (this.again) {
        this.again = false;
        this.kick();
      } else this.schedule();
    });
  }

  /** The OS says the network is back (electron/main: powerMonitor / net.online). */
  connectivityChanged(online: boolean): void {
    if (!online) return;
    wakeNetworkWaiters(this.db, this.nowIso());
    this.pausedUntil = 0;
    this.kick();
  }

  /** After the admin fixed settings: failed rows (or the given ones) go back to the queue. */
  retry(which: number[] | 'all_failed'): number {
    const n = retryRows(this.db, which, this.nowIso());
    this.caps = null; // settings may have changed what the MIS takes
    this.pausedUntil = 0;
    this.log.info('sync: rows queued again by the admin', { rows: n });
    this.emitStatus();
    this.kick();
    return n;
  }

  status(): SyncStatus {
    const { oldestPendingAt, ...counts } = outboxCounts(this.db);
    const windowStart = new Date(this.clock.now().getTime() - this.opts.confirmation().windowMs).toISOString();
    return {
      counts,
      oldestPendingAt,
      lastSuccessAt: this.lastSuccess,
      lastError: this.lastError,
      awaitingRegister: awaitingRegister(this.db, windowStart),
      online: this.online,
      running: this.running,
    };
  }

  /** Whether the MIS answered last time (null until tried): what the idle screen's chip shows, without counting the outbox. */
  isOnline(): boolean | null {
    return this.online;
  }

  /**
   * 'change': something in the status changed (a batch settled, the MIS went away or came back);
   * the listener reads what it needs. 'status' hands over the whole status, counted afresh for
   * every change: the full count scans the outbox (tests use it).
   */
  on(event: 'change', fn: () => void): () => void;
  on(event: 'status', fn: (s: SyncStatus) => void): () => void;
  on(event: 'writeback', fn: (w: WritebackEvent) => void): () => void;
  on(event: 'change' | 'status' | 'writeback', fn: (() => void) | ((s: SyncStatus) => void) | ((w: WritebackEvent) => void)): () => void {
    const listener = fn as (arg: unknown) => void;
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  /** What the read-back has cost so far: reads made and rows they settled (the bench reports reads per 100 marks). */
  readBackStats(): { reads: number; rows: number } {
    return { ...this.readBack };
  }

  /** Resolves when nothing is due now (tests, the CLI's `sync --once`). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    const batch = Math.max(1, this.opts.batchSize);
    const workers = Array.from({ length: this.opts.concurrency }, async () => {
      while (this.running) {
        const caps = await this.capabilities();
        if (!caps) return;
        const rows = claimDue(this.db, this.nowIso(), Math.min(batch, Math.max(1, caps.maxBatch)));
        if (rows.length === 0) return;
        await this.runBatch(rows, caps);
      }
    });
    // The read-back runs beside the writes (one reader), so a long backlog does not hold up
    // confirmation, and both share the connector's rate limiter.
    const writers = { busy: true };
    await Promise.all([
      Promise.all(workers).finally(() => {
        writers.busy = false;
      }),
      this.confirmLoop(writers),
    ]);
  }

  /** The read-back beside the writes (sync/confirm.ts runs it); the engine only reports what it found. */
  private confirmLoop(writers: { busy: boolean }): Promise<void> {
    return confirmLoop({
      db: this.db,
      batch: this.opts.confirmBatch,
      running: () => this.running,
      writersBusy: () => writers.busy,
      now: () => this.clock.now().getTime(),
      capabilities: () => this.capabilities(),
      context: (caps) => ({
        db: this.db,
        connector: this.connector,
        caps,
        settings: this.opts.confirmation(),
        now: () => this.clock.now().getTime(),
        backoff: (attempts, retryAfterMs) => backoffDelay(attempts, this.opts.backoff, this.opts.random, retryAfterMs),
        // As many reads in flight as all the write workers' reads together: the limiter sets the pace.
        mapLimit: (items, fn) => mapLimit(items, this.opts.readConcurrency * this.opts.concurrency, fn),
        onTransient: (err) => this.noteTransient(err),
        onSuccess: () => this.markOnline(),
        onRead: () => {
          this.readBack.reads += 1;
        },
      }),
      settled: (verdicts) => {
        this.readBack.rows += verdicts.filter((v) => v.verdict === 'confirmed' || v.verdict === 'changed' || v.verdict === 'resend').length;
        for (const v of verdicts) {
          if (v.verdict === 'confirmed' || v.verdict === 'changed' || v.verdict === 'resend') {
            this.emitter.emit('writeback', {
              outboxId: v.id,
              state: v.verdict === 'confirmed' ? 'confirmed' : v.verdict === 'changed' ? 'changed_in_mis' : 'pending',
              kind: v.verdict === 'confirmed' ? null : v.verdict === 'changed' ? 'changed_in_mis' : 'not_in_register',
              message: v.verdict === 'confirmed' ? null : v.message,
              writebackId: null,
            } satisfies WritebackEvent);
          }
        }
        this.emitStatus();
      },
    });
  }

  private async capabilities(): Promise<Capabilities | null> {
    const now = this.clock.now().getTime();
    // Re-asked hourly: a school can switch writeback on or change MIS behind Wonde.
    if (this.caps && now - this.capsAt < CAPS_TTL_MS) return this.caps;
    if (now < this.pausedUntil) return null;
    this.capsLoading ??= this.connector.capabilities().finally(() => {
      this.capsLoading = null;
    });
    try {
      this.caps = await this.capsLoading;
      this.capsAt = now;
      this.capsFailures = 0;
      this.markOnline();
      return this.caps;
    } catch (e) {
      const err = asMisError(e);
      this.capsFailures += 1;
      this.pausedUntil = now + backoffDelay(this.capsFailures, this.opts.backoff, this.opts.random, err.details.retryAfterMs);
      this.noteTransient(err);
      this.emitStatus();
      return null;
    }
  }

  private async runBatch(rows: OutboxRow[], caps: Capabilities): Promise<void> {
    const outcomes = await processBatch(rows, {
      db: this.db,
      connector: this.connector,
      caps,
      rulesFor: this.opts.rulesFor,
      retryAt: (row, err) => {
        let wait = backoffDelay(row.attempts, this.opts.backoff, this.opts.random, err.details.retryAfterMs);
        if (err.kind === 'timeout') wait = Math.max(wait, this.opts.timeoutRetryFloorMs);
        return new Date(this.clock.now().getTime() + wait).toISOString();
      },
      mapLimit: (items, fn) => mapLimit(items, this.opts.readConcurrency, fn),
      onTransient: (err) => this.noteTransient(err),
      onSuccess: () => this.markOnline(),
    });
    const now = this.nowIso();
    const conf = this.opts.confirmation();
    // A connector that cannot read the register (the file export) leaves its rows "Sent".
    const confirmAt = caps.readMarks && conf.enabled ? new Date(this.clock.now().getTime() + conf.firstReadMs).toISOString() : null;
    // Settled in one transaction: the rows' states are durable before we look at the next batch.
    settle(this.db, outcomes, now, confirmAt);
    for (const o of outcomes) {
      if (o.state === 'done') this.lastSuccess = now;
      if (o.state === 'failed_permanent') this.lastError = { at: now, kind: o.kind, message: o.message };
      this.emitter.emit('writeback', {
        outboxId: o.id,
        state: o.state,
        kind: o.state === 'done' ? null : o.state === 'skipped_protected' ? 'protected_code' : o.kind,
        message: o.state === 'done' ? (o.note ?? null) : o.message,
        writebackId: o.state === 'done' ? o.writebackId : null,
      } satisfies WritebackEvent);
    }
    const sent = outcomes.filter((o) => o.state === 'done').length;
    const failed = outcomes.filter((o) => o.state === 'failed_permanent').length;
    if (sent || failed) {
      recordSyncRun(this.db, now, sent, failed, this.lastError?.message ?? null);
    }
    this.log.debug('sync: batch settled', { rows: rows.length, sent, failed });
    this.emitStatus();
  }

  private noteTransient(err: MisError): void {
    this.lastError = { at: this.nowIso(), kind: err.kind, message: err.message };
    if (NETWORK_KINDS.has(err.kind) && this.online !== false) {
      this.online = false;
      this.log.warn('sync: the MIS cannot be reached; marks wait on the kiosk', { kind: err.kind });
      this.startProbe();
      this.emitStatus();
    }
  }

  private markOnline(): void {
    if (this.online === true) return;
    const wasOffline = this.online === false;
    this.online = true;
    this.stopProbe();
    if (wasOffline) {
      this.log.info('sync: the MIS answers again');
      this.pausedUntil = 0;
      wakeNetworkWaiters(this.db, this.nowIso());
      this.again = true;
    }
    this.emitStatus();
  }

  private startProbe(): void {
    if (this.probeTimer || !this.running) return;
    this.probeTimer = setInterval(() => {
      this.connector.ping().then(
        () => {
          this.markOnline();
          this.kick();
        },
        () => undefined,
      );
    }, this.opts.probeMs);
    this.probeTimer.unref?.();
  }

  private stopProbe(): void {
    if (this.probeTimer) clearInterval(this.probeTimer);
    this.probeTimer = null;
  }

  /** Sleep until the next row is due, but never longer than the sweep interval. */
  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    const now = this.clock.now().getTime();
    const dueWrite = nextDueAt(this.db);
    const dueRead = nextConfirmAt(this.db);
    const due = dueWrite === null ? dueRead : dueRead === null ? dueWrite : dueRead < dueWrite ? dueRead : dueWrite;
    let wait = due === null ? this.opts.intervalMs : Math.min(this.opts.intervalMs, Math.max(50, Date.parse(due) - now));
    if (this.pausedUntil > now) wait = Math.max(wait, this.pausedUntil - now);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.kick();
    }, wait);
    this.timer.unref?.();
  }

  private clearTimers(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.stopProbe();
  }

  private emitStatus(): void {
    this.emitter.emit('change');
    if (this.emitter.listenerCount('status') === 0) return;
    this.emitter.emit('status', this.status());
  }

  private nowIso(): string {
    return this.clock.now().toISOString();
  }
}
