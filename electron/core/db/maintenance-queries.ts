// The small read-only queries of per-kiosk maintenance (maintenance/: backup checks, recovery,
// the support bundle, the doctor): what a database file holds, counted, never changed.
import Database from 'better-sqlite3';
import { bindingOptions, type Db } from './database';

/**
 * How many sign-in events a database holds, and when the newest was made. The text is exported
 * for the backup's worker thread (maintenance/backup.ts), which runs it on a connection of its own.
 */
export const EVENT_STATS_SQL = 'SELECT COUNT(*) AS n, MAX(created_at) AS newest FROM events';

export function eventStats(db: Db): { events: number; newestEventAt: string | null } {
  const row = db.prepare(EVENT_STATS_SQL).get() as { n: number; newest: string | null };
  return { events: row.n, newestEventAt: row.newest };
}

export function countEvents(db: Db): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
}

/** Rows in `table`, or null when the table cannot be read (absent in this schema, damaged). */
export function countRowsOrNull(db: Db, table: string): number | null {
  try {
    return (db.prepare(`SELECT COUNT(*) AS n FROM "${table.replace(/"/g, '""')}"`).get() as { n: number }).n;
  } catch {
    return null;
  }
}

/**
 * What a database file holds, read without migrating it: 'no_tables' (an empty SQLite file),
 * 'no_content' (a Passdesk schema with nothing a school put in it: what `KioskCore.open`, the CLI
 * say, makes of a missing file), or 'present' (anything else, including a file that cannot be
 * read: that is for the integrity check to judge, not this).
 */
export function databaseContent(file: string, nativeBinding?: string): 'no_tables' | 'no_content' | 'present' {
  let db: Db;
  try {
    db = new Database(file, { fileMustExist: true, ...bindingOptions(nativeBinding) });
  } catch {
    return 'present';
  }
  try {
    const tables = (db.prepare(`SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'`).get() as { n: number }).n;
    if (tables === 0) return 'no_tables';
    // Older schemas without one of these tables count as present.
    const row = db
      .prepare(
        // EXISTS, not COUNT: a year of events must not slow the start-up down.
        `SELECT EXISTS (SELECT 1 FROM staff_pins) + EXISTS (SELECT 1 FROM settings WHERE key = 'site')
              + EXISTS (SELECT 1 FROM events) + EXISTS (SELECT 1 FROM students WHERE source <> 'demo') AS n`,
      )
      .get() as { n: number };
    return row.n === 0 ? 'no_content' : 'present';
  } catch {
    return 'present';
  } finally {
    db.close();
  }
}
