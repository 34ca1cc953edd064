// Retention: a school must not hoard children's data. Sign-in events older than the school's
// retention period are deleted once the MIS has them (or was never meant to have them), with
// everything that hangs off them (writeback jobs, printed-pass records, and whatever a later
// table links to an event). An event whose writeback is still pending or failed is kept until
// an admin has dealt with it, however old: deleting it would hide a mark the register lacks.
// The count goes in the audit log; SQLite's secure_delete overwrites the freed pages so the
// data is gone from the file, not only from the tables.
import { addDays, startOfDay, todayIn } from '../../../shared/school-time';
import { syncWalOffThread, truncateWal, withoutCommitSync, type Db } from '../db/database';
import { appendAudit } from '../db/audit';
import { checkpointWal, purgeEventsBefore, UNFINISHED_WRITEBACK, walCheckpointPragma } from '../db/retention';
import { pragmaInWorker } from './backup';
import { silentLogger, type Logger } from '../logging/logger';

export { UNFINISHED_WRITEBACK };

export interface PurgeOptions {
  days: number;
  now: Date;
  /** The school's IANA zone: "older than 60 days" is counted in school days, not UTC ones. */
  timeZone: string;
  actor?: string;
  log?: Logger;
  /** At most this many events in this call, oldest first (see purgeInBatches). */
  limit?: number;
  /** Write the audit row (default true; purgeInBatches writes one for the whole run). */
  audit?: boolean;
  /** Count the old events kept for their writeback (default true; purgeInBatches counts once, at the end). */
  countKept?: boolean;
}

export interface PurgeResult {
  /** Events on dates before this (school-local) were purged. */
  cutoffDate: string;
  events: number;
  /** Rows deleted with them, per table (outbox, passes, …). */
  related: Record<string, number>;
  scanRejections: number;
  /** Old events kept because their writeback is not finished. */
  keptAwaitingWriteback: number;
}

export function retentionCutoff(now: Date, days: number, timeZone: string): { date: string; instant: string } {
  const date = addDays(todayIn(timeZone, now), -days);
  return { date, instant: startOfDay(date, timeZone).toISOString() };
}

export function purgeExpiredEvents(db: Db, options: PurgeOptions): PurgeResult {
  const log = options.log ?? silentLogger;
  const cutoff = retentionCutoff(options.now, options.days, options.timeZone);
  const rows = purgeEventsBefore(
    db,
    cutoff,
    options.limit,
    (r) => {
      if (options.audit !== false) auditPurge(db, options, { cutoffDate: cutoff.date, ...r });
    },
    options.countKept !== false,
  );
  const result: PurgeResult = { cutoffDate: cutoff.date, ...rows };
  if (options.audit !== false) finishPurge(db, options, result, log);
  return result;
}

/**
 * The same purge in batches, yielding to the event loop between them: a kiosk's first purge
 * after a year (or a catch-up run in the school day) never freezes the desk. Issue 16: each batch
 * (its transaction; since the tenth pass without the commit's fsync, the WAL synced off this thread
 * before the checkpoint) is a stall of the main thread, so the batch size follows
 * the time the last one took, in proportion, aiming at about 5 ms (from 25 to `batch` events):
 * the disk's pace varies, and a fixed size tuned on a quiet machine is a long stall on a busy one.
 * The checkpoint that folds each batch into the file is a step of its own, as is the last one
 * before the WAL is truncated (which then has nothing left to copy), and the count of events kept
 * for their writeback (a join over the outbox) is made once, at the end. One audit row for the run.
 */
/**
 * What one batch of purgeInBatches aims to take on the main thread: the longer of its transaction
 * and the checkpoint after it (copying its pages into the file and syncing the file). A step that
 * meets a slow fsync takes several times its aim: purging 60,000 events (issue 16's bench, three
 * runs each, when each batch's commit still synced), aiming at 10 ms gave longest stalls of 30, 31
 * and 59 ms; at 5 ms, 24, 25 and 29 ms, for a purge ~20% longer (10.6–13.5 s against 9.3–10.7 s),
 * at night.
 */
const BATCH_AIM_MS = 5;

export async function purgeInBatches(db: Db, options: PurgeOptions & { batch?: number }): Promise<PurgeResult> {
  const total: PurgeResult = { cutoffDate: retentionCutoff(options.now, options.days, options.timeZone).date, events: 0, related: {}, scanRejections: 0, keptAwaitingWriteback: 0 };
  const yieldNow = () => new Promise((resolve) => setImmediate(resolve));
  const most = options.batch ?? 500;
  const least = Math.min(25, most);
  // The first batch starts at the least: it also prepares the purge's statements and reads its
  // pages into a cold cache (issue 16's fleet bench: 47-60 ms for a first batch of 100 events,
  // the purge's longest stall, against ~10 ms for a first batch of 25).
  let size = least;
  for (;;) {
    const t0 = performance.now();
    // Without the commit's fsync (a batch a power cut undoes is purged on the next run); the WAL
    // is synced off this thread below, so the checkpoint finds it already on the disk.
    const r = withoutCommitSync(db, () => purgeExpiredEvents(db, { ...options, limit: size, audit: false, countKept: false }));
    const took = performance.now() - t0;
    total.events += r.events;
    total.scanRejections += r.scanRejections;
    for (const [table, n] of Object.entries(r.related)) total.related[table] = (total.related[table] ?? 0) + n;
    if (r.events === 0) break;
    await syncWalOffThread(db);
    await yieldNow();
    // Fold each batch into the file as it goes: one big checkpoint at the end would be the stall.
    const c0 = performance.now();
    checkpointWal(db, 'PASSIVE');
    // The checkpoint (which syncs the file) grows with the batch: the next size follows the longer step.
    const longest = Math.max(took, performance.now() - c0);
    // Towards BATCH_AIM_MS a step; never more than doubling, so one quick batch cannot make the next a long one.
    size = Math.round(Math.min(most, Math.max(least, size * Math.min(2, BATCH_AIM_MS / Math.max(longest, 1)))));
    await yieldNow();
  }
  // Nothing left to delete: this last pass only counts what waits for its writeback.
  total.keptAwaitingWriteback = purgeExpiredEvents(db, { ...options, limit: 0, audit: false }).keptAwaitingWriteback;
  await yieldNow();
  auditPurge(db, options, total);
  await yieldNow();
  // The last batches and the audit row into the file, so the truncation below only truncates.
  checkpointWal(db, 'PASSIVE');
  await yieldNow();
  if (total.events > 0) await truncateWalOffThread(db, options.log ?? silentLogger);
  logPurge(options, total, options.log ?? silentLogger);
  return total;
}

/**
 * checkpointWal(db, 'TRUNCATE') on a worker's connection: truncating a WAL that grew to tens of
 * megabytes (a big import, a long backup holding its snapshot) is tens of milliseconds of the
 * file system freeing blocks. The kiosk's connection is idle between scans, so the worker gets the
 * locks at once; a scan that comes meanwhile waits for the truncation (busy_timeout), as it would
 * have waited behind it on this thread. In-memory, or when no worker starts: here.
 */
async function truncateWalOffThread(db: Db, log: Logger): Promise<void> {
  if (!db.memory) {
    // Only one checkpoint runs at a time: a TRUNCATE that meets another (the checkpoint worker's,
    // every 2 s; a reader's snapshot) answers busy at once. Tried again a little later, a few times.
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const r = await pragmaInWorker(db.name, walCheckpointPragma('TRUNCATE'), false);
        if (r.ok && r.value === '0') return;
      } catch {
        break; // No worker: below, on this thread.
      }
      await new Promise((resolve) => setTimeout(resolve, 50 * (attempt + 1)));
    }
  }
  if (!truncateWal(db)) log.warn('retention purge: the WAL could not be truncated; the next checkpoint folds it back');
}

function auditPurge(db: Db, options: PurgeOptions, outcome: PurgeResult): void {
  appendAudit(db, {
    at: options.now.toISOString(),
    actor: options.actor ?? 'retention',
    action: 'retention.purge',
    subject: 'events',
    before: null,
    after: JSON.stringify({ days: options.days, ...outcome }),
  });
}

function finishPurge(db: Db, options: PurgeOptions, result: PurgeResult, log: Logger): void {
  // The WAL still holds copies of the deleted pages until a checkpoint folds it into the file.
  if (result.events > 0 && !truncateWal(db)) log.warn('retention purge: the WAL could not be truncated; the next checkpoint folds it back');
  logPurge(options, result, log);
}

function logPurge(options: PurgeOptions, result: PurgeResult, log: Logger): void {
  log.info('retention purge', { days: options.days, cutoff: result.cutoffDate, events: result.events, kept: result.keptAwaitingWriteback, ...result.related });
}
