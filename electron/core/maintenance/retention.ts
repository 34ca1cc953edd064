// Retention: a school must not hoard children's data. Sign-in events older than the school's
// retention period are deleted once the MIS has them (or was never meant to have them), with
// everything that hangs off them (writeback jobs, printed-pass records, and whatever a later
// table links to an event). An event whose writeback is still pending or failed is kept until
// an admin has dealt with it, however old: deleting it would hide a mark the register lacks.
// The count goes in the audit log; SQLite's secure_delete overwrites the freed pages so the
// data is gone from the file, not only from the tables.
import { DateTime } from 'luxon';
import type { Db } from '../db/database';
import { silentLogger, type Logger } from '../logging/logger';

/** Outbox states in which the MIS does not have the mark yet and a person may still need the event. */
export const UNFINISHED_WRITEBACK = ['pending', 'in_flight', 'failed_permanent'] as const;

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
  const start = DateTime.fromJSDate(now, { zone: timeZone }).startOf('day').minus({ days });
  return { date: start.toISODate()!, instant: start.toUTC().toISO()! };
}

export function purgeExpiredEvents(db: Db, options: PurgeOptions): PurgeResult {
  const log = options.log ?? silentLogger;
  const cutoff = retentionCutoff(options.now, options.days, options.timeZone);
  const unfinished = UNFINISHED_WRITEBACK.map((s) => `'${s}'`).join(', ');
  const wasSecure = db.pragma('secure_delete', { simple: true }) as number;
  const hadForeignKeys = db.pragma('foreign_keys', { simple: true }) as number;
  db.pragma('secure_delete = ON');
  // Row-by-row foreign-key checks would scan the whole events table for every deleted event
  // (nothing indexes events.supersedes): minutes for a year of events. Children go first and
  // chains stay whole by construction, and a check before commit proves it.
  db.pragma('foreign_keys = OFF');
  let result: PurgeResult;
  try {
    result = db.transaction((): PurgeResult => {
      db.exec('DROP TABLE IF EXISTS temp.retention_purge; CREATE TEMP TABLE retention_purge (id TEXT PRIMARY KEY)');
      db.prepare(
        `INSERT INTO temp.retention_purge (id)
         SELECT e.id FROM events e
         WHERE e.local_date < ?
           AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.event_id = e.id AND o.state IN (${unfinished}))
         ORDER BY e.local_date LIMIT ?`,
      ).run(cutoff.date, options.limit ?? -1);
      // Through the outbox's state index: the old events whose mark the MIS does not have yet.
      const keptAwaitingWriteback = options.countKept === false ? 0 : (
        db
          .prepare(
            `SELECT COUNT(DISTINCT o.event_id) AS n FROM outbox o JOIN events e ON e.id = o.event_id
             WHERE o.state IN (${unfinished}) AND e.local_date < ?`,
          )
          .get(cutoff.date) as { n: number }
      ).n;
      // An override and the event it replaced go together: never leave a kept event pointing at a purged one.
      const unlinkKept = db.prepare(
        `DELETE FROM temp.retention_purge WHERE id IN (
           SELECT supersedes FROM events WHERE supersedes IS NOT NULL AND id NOT IN (SELECT id FROM temp.retention_purge)
           UNION SELECT superseded_by FROM events WHERE superseded_by IS NOT NULL AND id NOT IN (SELECT id FROM temp.retention_purge))`,
      );
      while (unlinkKept.run().changes > 0);

      const related: Record<string, number> = {};
      const events = deleteWithChildren(db, 'events', 'id IN (SELECT id FROM temp.retention_purge)', related, 0);
      delete related.events;
      const scanRejections = db.prepare('DELETE FROM scan_rejections WHERE at < ?').run(cutoff.instant).changes;
      const outcome: PurgeResult = { cutoffDate: cutoff.date, events, related, scanRejections, keptAwaitingWriteback };
      if (options.audit !== false) auditPurge(db, options, outcome);
      // Every table pointing at events lost its rows above; only links between events could
      // still point at a purged one. A throw here rolls the whole purge back.
      const { n: dangling } = db
        .prepare(
          `SELECT COUNT(*) AS n FROM events
           WHERE supersedes IN (SELECT id FROM temp.retention_purge) OR superseded_by IN (SELECT id FROM temp.retention_purge)`,
        )
        .get() as { n: number };
      if (dangling) throw new Error(`Retention would leave ${dangling} event(s) linked to a purged one; nothing was purged.`);
      db.exec('DROP TABLE temp.retention_purge');
      return outcome;
    })();
  } finally {
    db.pragma(`secure_delete = ${wasSecure ? 'ON' : 'OFF'}`);
    db.pragma(`foreign_keys = ${hadForeignKeys ? 'ON' : 'OFF'}`);
  }
  if (options.audit !== false) finishPurge(db, options, result, log);
  return result;
}

/**
 * The same purge in batches, yielding to the event loop between them: a kiosk's first purge
 * after a year (or a catch-up run in the school day) never freezes the desk. Issue 16: the batch
 * size follows the time a batch takes (aiming at 10–30 ms, from 50 to `batch` events), the
 * checkpoint that folds each batch into the file is a step of its own, and the count of events
 * kept for their writeback (a join over the outbox) is made once at the end, not per batch.
 * One audit row for the whole run.
 */
export async function purgeInBatches(db: Db, options: PurgeOptions & { batch?: number }): Promise<PurgeResult> {
  const total: PurgeResult = { cutoffDate: retentionCutoff(options.now, options.days, options.timeZone).date, events: 0, related: {}, scanRejections: 0, keptAwaitingWriteback: 0 };
  const yieldNow = () => new Promise((resolve) => setImmediate(resolve));
  const most = options.batch ?? 500;
  let size = Math.min(100, most);
  for (;;) {
    const t0 = performance.now();
    const r = purgeExpiredEvents(db, { ...options, limit: size, audit: false, countKept: false });
    const took = performance.now() - t0;
    total.events += r.events;
    total.scanRejections += r.scanRejections;
    for (const [table, n] of Object.entries(r.related)) total.related[table] = (total.related[table] ?? 0) + n;
    if (r.events === 0) break;
    size = took > 30 ? Math.max(50, Math.floor(size / 2)) : took < 10 ? Math.min(most, size * 2) : size;
    await yieldNow();
    // Fold each batch into the file as it goes: one big checkpoint at the end would be the stall.
    db.pragma('wal_checkpoint(PASSIVE)');
    await yieldNow();
  }
  // Nothing left to delete: this last pass only counts what waits for its writeback.
  total.keptAwaitingWriteback = purgeExpiredEvents(db, { ...options, limit: 0, audit: false }).keptAwaitingWriteback;
  auditPurge(db, options, total);
  await yieldNow();
  finishPurge(db, options, total, options.log ?? silentLogger);
  return total;
}

function auditPurge(db: Db, options: PurgeOptions, outcome: PurgeResult): void {
  db.prepare(`INSERT INTO audit_log (at, actor, action, subject, before, after) VALUES (?, ?, 'retention.purge', 'events', NULL, ?)`).run(
    options.now.toISOString(),
    options.actor ?? 'retention',
    JSON.stringify({ days: options.days, ...outcome }),
  );
}

function finishPurge(db: Db, options: PurgeOptions, result: PurgeResult, log: Logger): void {
  // The WAL still holds copies of the deleted pages until a checkpoint folds it into the file.
  if (result.events > 0) db.pragma('wal_checkpoint(TRUNCATE)');
  log.info('retention purge', { days: options.days, cutoff: result.cutoffDate, events: result.events, kept: result.keptAwaitingWriteback, ...result.related });
}

/**
 * Delete rows of `table` matching `where`, after the rows of every table that points at them
 * (found from the schema's foreign keys, so a table another issue adds is covered too).
 */
function deleteWithChildren(db: Db, table: string, where: string, counts: Record<string, number>, depth: number): number {
  if (depth > 4) throw new Error(`Retention: foreign keys nest too deep under ${table}.`);
  for (const child of childrenOf(db, table)) {
    const parentKey = child.to ?? 'rowid';
    const childWhere = `"${child.from}" IN (SELECT "${parentKey}" FROM "${table}" WHERE ${where})`;
    deleteWithChildren(db, child.table, childWhere, counts, depth + 1);
  }
  const n = db.prepare(`DELETE FROM "${table}" WHERE ${where}`).run().changes;
  if (n) counts[table] = (counts[table] ?? 0) + n;
  return n;
}

function childrenOf(db: Db, parent: string): { table: string; from: string; to: string | null }[] {
  const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).all() as { name: string }[];
  const out: { table: string; from: string; to: string | null }[] = [];
  for (const { name } of tables) {
    if (name === parent) continue; // self-links (supersedes) are handled by keeping chains whole
    for (const fk of db.prepare('SELECT "table", "from", "to" FROM pragma_foreign_key_list(?)').all(name) as { table: string; from: string; to: string | null }[]) {
      if (fk.table === parent) out.push({ table: name, from: fk.from, to: fk.to });
    }
  }
  return out;
}
