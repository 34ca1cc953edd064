// The retention purge's SQL: delete the events dated before a cutoff whose writeback is finished
// (with every row that hangs off them, found from the schema's foreign keys), in one transaction,
// with secure_delete on so the freed pages are overwritten. When to purge and how far back is
// decided in maintenance/retention.ts.
import { keptStatement, type Db } from './database';
import { catchUpLateCountsOf } from './late-counts';

/** Outbox states in which the MIS does not have the mark yet and a person may still need the event. */
export const UNFINISHED_WRITEBACK = ['pending', 'in_flight', 'failed_permanent'] as const;

export interface PurgedRows {
  events: number;
  /** Rows deleted with them, per table (outbox, passes, …). */
  related: Record<string, number>;
  scanRejections: number;
  /** Old events kept because their writeback is not finished. */
  keptAwaitingWriteback: number;
}

export interface PurgeCutoff {
  /** Events on school-local dates before this go. */
  date: string;
  /** Scan rejections before this instant go. */
  instant: string;
}

/**
 * Purge in one transaction. `inTransaction` runs inside it once the rows are gone (the audit
 * row), before the final check that no kept event links to a purged one: a throw from either
 * rolls the whole purge back. `limit`: at most this many events, oldest first.
 */
/** `countKept` false: skip counting the old events kept for their writeback (a join over the outbox; issue 16's batches count once, at the end). */
export function purgeEventsBefore(
  db: Db,
  cutoff: PurgeCutoff,
  limit: number | undefined,
  inTransaction?: (r: PurgedRows) => void,
  countKept = true,
): PurgedRows {
  const unfinished = UNFINISHED_WRITEBACK.map((s) => `'${s}'`).join(', ');
  // Every statement here is kept per connection (keptStatement), and the pragmas are set through
  // exec (no statement object at all): the purge runs in hundreds of batches on the main thread,
  // and statements prepared afresh for each were finalized by the garbage collector in long pauses
  // (issue 16).
  const wasSecure = db.pragma('secure_delete', { simple: true }) as number;
  const hadForeignKeys = db.pragma('foreign_keys', { simple: true }) as number;
  db.exec('PRAGMA secure_delete = ON');
  // Row-by-row foreign-key checks would scan the whole events table for every deleted event
  // (nothing indexes events.supersedes): minutes for a year of events. Children go first and
  // chains stay whole by construction, and a check before commit proves it.
  db.exec('PRAGMA foreign_keys = OFF');
  try {
    return db.transaction((): PurgedRows => {
      // The batch's ids, in a table of this connection's own that stays between batches (emptied,
      // not dropped: no schema change per batch; the foreign_keys pragma around each batch expires
      // the connection's statements anyway, and SQLite prepares them again in place, which also
      // keeps the kept DELETEs compiled with foreign keys off). Made inside the transaction: a
      // rollback takes it away and the next batch makes it again.
      db.exec('CREATE TEMP TABLE IF NOT EXISTS retention_purge (id TEXT PRIMARY KEY)');
      keptStatement(db, 'DELETE FROM temp.retention_purge').run();
      keptStatement(
        db,
        `INSERT INTO temp.retention_purge (id)
         SELECT e.id FROM events e
         WHERE e.local_date < ?
           AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.event_id = e.id AND o.state IN (${unfinished}))
         ORDER BY e.local_date LIMIT ?`,
      ).run(cutoff.date, limit ?? -1);
      // The lateness counts outlive the purge: a purged late still pending (migration 013) is counted first.
      catchUpLateCountsOf(db, 'SELECT id FROM temp.retention_purge');
      // An override and the event it replaced go together: never leave a kept event pointing at a purged one.
      const unlinkKept = keptStatement(
        db,
        `DELETE FROM temp.retention_purge WHERE id IN (
           SELECT supersedes FROM events WHERE supersedes IS NOT NULL AND id NOT IN (SELECT id FROM temp.retention_purge)
           UNION SELECT superseded_by FROM events WHERE superseded_by IS NOT NULL AND id NOT IN (SELECT id FROM temp.retention_purge))`,
      );
      while (unlinkKept.run().changes > 0);

      const related: Record<string, number> = {};
      const events = deleteWithChildren(
        db,
        foreignKeys(db),
        'events',
        'id IN (SELECT id FROM temp.retention_purge)',
        related,
        0,
      );
      delete related.events;
      const scanRejections = keptStatement(db, 'DELETE FROM scan_rejections WHERE at < ?').run(cutoff.instant).changes;
      // The old events whose mark the MIS does not have yet: counted once the others are gone, from
      // the events (what is left before the cutoff is few: those kept) to their outbox rows. The
      // outbox's state index first (SQLite's own choice) looked up every unfinished mark's event,
      // old or new: 12-30 ms of the main thread at the end of issue 16's fleet purge. The purged
      // events had no unfinished mark, so the count is the same either side of the delete.
      const keptAwaitingWriteback = !countKept
        ? 0
        : (
            keptStatement(
              db,
              `SELECT COUNT(DISTINCT o.event_id) AS n FROM events e CROSS JOIN outbox o ON o.event_id = e.id
               WHERE e.local_date < ? AND o.state IN (${unfinished})`,
            ).get(cutoff.date) as { n: number }
          ).n;
      const outcome: PurgedRows = { events, related, scanRejections, keptAwaitingWriteback };
      inTransaction?.(outcome);
      // Every table pointing at events lost its rows above; only links between events could
      // still point at a purged one. A throw here rolls the whole purge back.
      const { n: dangling } = keptStatement(
        db,
        `SELECT COUNT(*) AS n FROM events
         WHERE supersedes IN (SELECT id FROM temp.retention_purge) OR superseded_by IN (SELECT id FROM temp.retention_purge)`,
      ).get() as { n: number };
      if (dangling)
        throw new Error(
          `Retention would leave ${dangling} event(s) linked to a purged one; nothing was purged.`,
        );
      keptStatement(db, 'DELETE FROM temp.retention_purge').run();
      return outcome;
    })();
  } finally {
    db.exec(`PRAGMA secure_delete = ${wasSecure ? 'ON' : 'OFF'}; PRAGMA foreign_keys = ${hadForeignKeys ? 'ON' : 'OFF'}`);
  }
}

/**
 * Fold the WAL into the database file. TRUNCATE after a purge: the WAL still holds copies of the
 * deleted pages until then. PASSIVE between batches: never waits for a reader.
 */
export function checkpointWal(db: Db, mode: 'PASSIVE' | 'TRUNCATE'): void {
  db.exec(`PRAGMA ${walCheckpointPragma(mode)}`);
}

/** The pragma checkpointWal runs (maintenance/retention.ts runs it on a worker's connection too). */
export function walCheckpointPragma(mode: 'PASSIVE' | 'TRUNCATE'): string {
  return `wal_checkpoint(${mode})`;
}

/**
 * Delete rows of `table` matching `where`, after the rows of every table that points at them
 * (found from the schema's foreign keys, so a table another issue adds is covered too).
 */
function deleteWithChildren(
  db: Db,
  keys: ForeignKey[],
  table: string,
  where: string,
  counts: Record<string, number>,
  depth: number,
): number {
  if (depth > 4) throw new Error(`Retention: foreign keys nest too deep under ${table}.`);
  // Self-links (supersedes) are handled by keeping chains whole.
  for (const child of keys.filter((k) => k.parent === table && k.table !== table)) {
    const parentKey = child.to ?? 'rowid';
    const childWhere = `"${child.from}" IN (SELECT "${parentKey}" FROM "${table}" WHERE ${where})`;
    deleteWithChildren(db, keys, child.table, childWhere, counts, depth + 1);
  }
  const n = keptStatement(db, `DELETE FROM "${table}" WHERE ${where}`).run().changes;
  if (n) counts[table] = (counts[table] ?? 0) + n;
  return n;
}

interface ForeignKey {
  /** The table holding the key, its column, and the table and column it points at. */
  table: string;
  from: string;
  parent: string;
  to: string | null;
}

/**
 * Every foreign key in the schema, in one query (issue 16: one prepared statement per table, per
 * batch of the purge, was a few milliseconds of every batch).
 */
function foreignKeys(db: Db): ForeignKey[] {
  return keptStatement(
    db,
    `SELECT m.name AS "table", f."from" AS "from", f."table" AS parent, f."to" AS "to"
     FROM sqlite_master m, pragma_foreign_key_list(m.name) f
     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'`,
  ).all() as ForeignKey[];
}
