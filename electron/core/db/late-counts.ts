// The lateness counts and threshold alerts (issue 18; schema and triggers in migration 011).
// All the SQL of the lateness feature lives here; electron/core/attendance/lateness/ decides.
import { keptStatement, withoutCommitSync, type Db } from './database';

export interface LateAlertRow {
  eventId: string;
  ruleId: string;
  periodStart: string;
  count: number;
  message: string;
  emailTo: string | null;
  emailedAt: string | null;
}

export interface DayYearForm {
  date: string;
  year: number | null;
  form: string | null;
  lates: number;
}

/** The standing late sign-ins (not superseded) of a school-local date range. */
const STANDING_LATE = `direction = 'sign_in' AND minutes_late > 0 AND superseded_by IS NULL`;

/** The late sign-ins noted by the insert trigger and not yet in the counts (migration 013), standing ones only. */
const STANDING_E = `e.${STANDING_LATE.replace(/ AND /g, ' AND e.')}`;
const PENDING = `late_pending p CROSS JOIN events e ON e.rowid = p.event_rowid WHERE ${STANDING_E}`;

/**
 * Bring the counts up to date with the late sign-ins noted since the last catch-up (migration
 * 013 took this off the scan path), in the caller's transaction: each student's day, week and
 * periods gain their pending lates, and the notes go. A late superseded while pending is not
 * counted (its replacement, if late, is pending itself). `limit`: at most this many notes, the
 * oldest (a backlog is folded in steps of a few ms on the kiosk's main thread). Returns how
 * many notes were folded in.
 */
export function catchUpLateCounts(db: Db, limit = Number.MAX_SAFE_INTEGER): number {
  // The newest note of this step (null: nothing pending).
  const last = db
    .prepare(
      'SELECT MAX(event_rowid) FROM (SELECT event_rowid FROM late_pending ORDER BY event_rowid LIMIT ?)',
    )
    .pluck()
    .get(limit) as number | null;
  if (last === null) return 0;
  // CROSS JOIN: the notes drive (a rowid range), never a walk of every standing late.
  foldNotes(
    db,
    `late_pending p CROSS JOIN events e ON e.rowid = p.event_rowid WHERE p.event_rowid <= ? AND ${STANDING_E}`,
    [last],
  );
  return db.prepare('DELETE FROM late_pending WHERE event_rowid <= ?').run(last).changes;
}

/**
 * The retention purge's part (in its transaction): fold in the notes of the events it is about
 * to delete (`ids`: an SQL query of their ids), whatever else is pending, so the counts keep
 * them and no note outlives its event.
 */
export function catchUpLateCountsOf(db: Db, ids: string): void {
  foldNotes(
    db,
    `events e CROSS JOIN late_pending p ON p.event_rowid = e.rowid WHERE e.id IN (${ids}) AND ${STANDING_E}`,
    [],
  );
  keptStatement(
    db,
    `DELETE FROM late_pending WHERE event_rowid IN (SELECT rowid FROM events WHERE id IN (${ids}))`,
  ).run();
}

/** The notes' lates into the three counts; `from` joins late_pending p and events e (and ends in a WHERE). */
function foldNotes(db: Db, from: string, params: unknown[]): void {
  // Year and form as the note has them (the student's at the sign-in); the WHERE in `from`
  // also keeps SQLite's upsert-after-SELECT parse unambiguous.
  keptStatement(
    db,
    `INSERT INTO late_counts (student_id, local_date, year, form, lates)
     SELECT e.student_id, e.local_date, p.year, p.form, COUNT(*) FROM ${from}
     GROUP BY e.student_id, e.local_date
     ON CONFLICT (student_id, local_date) DO UPDATE SET lates = lates + excluded.lates`,
  ).run(...params);
  keptStatement(
    db,
    `INSERT INTO late_weeks (week_start, student_id, lates)
     SELECT date(e.local_date, 'weekday 0', '-6 days'), e.student_id, COUNT(*) FROM ${from}
     GROUP BY 1, 2
     ON CONFLICT (week_start, student_id) DO UPDATE SET lates = lates + excluded.lates`,
  ).run(...params);
  keptStatement(
    db,
    `INSERT INTO late_period_counts (kind, period_start, student_id, lates)
     SELECT lp.kind, lp.first_day, e.student_id, COUNT(*) FROM ${from.replace(' WHERE ', ' JOIN late_periods lp ON e.local_date BETWEEN lp.first_day AND lp.last_day WHERE ')}
     GROUP BY 1, 2, 3
     ON CONFLICT (kind, period_start, student_id) DO UPDATE SET lates = lates + excluded.lates`,
  ).run(...params);
}

export class LateCountRepository {
  private readonly countStmt;
  private readonly insertAlertStmt;
  private readonly alertsOfEventStmt;
  private readonly anyPendingStmt;

  constructor(private readonly db: Db) {
    // The counts plus the student's lates still pending (a second old at most, normally).
    this.countStmt = db.prepare(
      `SELECT (SELECT COALESCE(SUM(lates), 0) FROM late_counts WHERE student_id = ?1 AND local_date BETWEEN ?2 AND ?3)
            + (SELECT COUNT(*) FROM ${PENDING} AND e.student_id = ?1 AND e.local_date BETWEEN ?2 AND ?3) AS n`,
    );
    this.insertAlertStmt = db.prepare(
      `INSERT OR REPLACE INTO late_alerts (event_id, rule_id, period_start, count, message, email_to, emailed_at)
       VALUES (@eventId, @ruleId, @periodStart, @count, @message, @emailTo, @emailedAt)`,
    );
    this.alertsOfEventStmt = db.prepare('SELECT * FROM late_alerts WHERE event_id = ? ORDER BY rowid');
    this.anyPendingStmt = db.prepare('SELECT 1 FROM late_pending LIMIT 1').pluck();
  }

  /**
   * Fold the pending lates into the counts (its own transaction); how many notes were folded.
   * Every reader of the counts below calls it first (all of them); the background catch-up
   * (LatenessService) takes `limit` at a time.
   */
  catchUp(limit?: number): number {
    // A plain read when nothing is pending (the usual case): a report needs no write lock then.
    if (this.db.readonly || !this.anyPendingStmt.get()) return 0;
    // Counts are folded from notes that stay until folded: a fold a power cut undoes is done again.
    return withoutCommitSync(this.db, () => this.db.transaction(() => catchUpLateCounts(this.db, limit))());
  }

  /** Before a read of the counts: caught up, or (another process holding the write lock) as they are, a second's lates short at most. */
  private fresh(): void {
    try {
      this.catchUp();
    } catch (e) {
      if (!/^SQLITE_BUSY/.test((e as { code?: string }).code ?? '')) throw e;
    }
  }

  /** The oldest day with a count kept (null: none). */
  oldestDay(): string | null {
    this.fresh();
    return (this.db.prepare('SELECT MIN(local_date) AS d FROM late_counts').get() as { d: string | null }).d;
  }

  /** A student's lates in [start, end] (school-local dates, inclusive). */
  count(studentId: string, start: string, end: string): number {
    return (this.countStmt.get({ 1: studentId, 2: start, 3: end }) as { n: number }).n;
  }

  insertAlert(a: LateAlertRow): void {
    this.insertAlertStmt.run(a);
  }

  alertsOf(eventId: string): LateAlertRow[] {
    return (this.alertsOfEventStmt.all(eventId) as AlertRow[]).map(toAlert);
  }

  /** Today's alerts by student, for the receptionist's Today flags. */
  alertsOnDay(localDate: string): (LateAlertRow & { studentId: string })[] {
    return (
      this.db
        .prepare(
          `SELECT a.*, e.student_id FROM late_alerts a JOIN events e ON e.id = a.event_id
           WHERE e.local_date = ? ORDER BY e.occurred_at`,
        )
        .all(localDate) as (AlertRow & { student_id: string })[]
    ).map((r) => ({ ...toAlert(r), studentId: r.student_id }));
  }

  /** Alerts whose email is still to go (the mail outbox, or a later run, picks them up). */
  unsentEmails(limit = 100): LateAlertRow[] {
    return (
      this.db
        .prepare(
          'SELECT * FROM late_alerts WHERE email_to IS NOT NULL AND emailed_at IS NULL ORDER BY rowid LIMIT ?',
        )
        .all(limit) as AlertRow[]
    ).map(toAlert);
  }

  /** Who an alert is about, for the staff email. */
  alertStudent(eventId: string): {
    studentId: string;
    forename: string;
    surname: string;
    year: number | null;
    form: string | null;
    localDate: string;
  } | null {
    return (
      (this.db
        .prepare(
          `SELECT s.id AS studentId, s.forename, s.surname, s.year, s.form, e.local_date AS localDate FROM events e JOIN students s ON s.id = e.student_id WHERE e.id = ?`,
        )
        .get(eventId) as
        | {
            studentId: string;
            forename: string;
            surname: string;
            year: number | null;
            form: string | null;
            localDate: string;
          }
        | undefined) ?? null
    );
  }

  /** The alerts one e-mail carried, all marked or none. */
  markEmailed(alerts: readonly { eventId: string; ruleId: string }[], at: string): void {
    const mark = this.db.prepare('UPDATE late_alerts SET emailed_at = ? WHERE event_id = ? AND rule_id = ?');
    this.db.transaction(() => {
      for (const a of alerts) mark.run(at, a.eventId, a.ruleId);
    })();
  }

  // ---- the report --------------------------------------------------------------------------

  /** Lates per day, year and form in [from, to]: everything the charts need from the counts. */
  byDayYearForm(from: string, to: string): DayYearForm[] {
    this.fresh();
    return this.db
      .prepare(
        `SELECT local_date AS date, year, form, SUM(lates) AS lates FROM late_counts
         WHERE local_date BETWEEN ? AND ? AND lates > 0 GROUP BY local_date, year, form`,
      )
      .all(from, to) as DayYearForm[];
  }

  /** Reasons and minutes: only from the events retention still holds. */
  reasonsAndMinutes(from: string, to: string): { reason: string | null; count: number; minutes: number }[] {
    return this.db
      .prepare(
        `SELECT reason_label AS reason, COUNT(*) AS count, COALESCE(SUM(minutes_late), 0) AS minutes FROM events
         WHERE local_date BETWEEN ? AND ? AND ${STANDING_LATE} GROUP BY reason_label`,
      )
      .all(from, to) as { reason: string | null; count: number; minutes: number }[];
  }

  /**
   * Students whose count in one of `weeks` (Mondays) reached `min`, with their highest count:
   * read from the weekly counts, touching only the weeks that reached it.
   */
  overInWeeks(from: string, to: string, min: number): { studentId: string; count: number }[] {
    this.fresh();
    return this.db
      .prepare(
        `SELECT student_id AS studentId, MAX(lates) AS count FROM late_weeks INDEXED BY late_weeks_count
         WHERE week_start BETWEEN ? AND ? AND lates >= ? GROUP BY student_id`,
      )
      .all(from, to, min) as { studentId: string; count: number }[];
  }

  /**
   * Each student's count in each of `periods` (inclusive date ranges), for those who reached
   * `min[i]` in period i: one pass over the day counts in key order (student, day), no sorting.
   */
  overInPeriods(
    periods: { start: string; end: string }[],
    min: number[],
  ): { studentId: string; counts: number[] }[] {
    this.fresh();
    if (periods.length === 0) return [];
    const cols = periods
      .map(
        (_, i) =>
          `SUM(CASE WHEN local_date BETWEEN ?${2 * i + 3} AND ?${2 * i + 4} THEN lates ELSE 0 END) AS c${i}`,
      )
      .join(', ');
    const having = periods.map((_, i) => `c${i} >= ?${2 * periods.length + 3 + i}`).join(' OR ');
    const rows = this.db
      .prepare(
        `SELECT student_id, ${cols} FROM late_counts NOT INDEXED WHERE local_date BETWEEN ?1 AND ?2 GROUP BY student_id HAVING ${having}`,
      )
      .raw()
      // better-sqlite3 binds numbered parameters (?3) from an object keyed by their numbers.
      .all(
        Object.fromEntries(
          [
            periods.reduce((m, p) => (p.start < m ? p.start : m), periods[0]!.start),
            periods.reduce((m, p) => (p.end > m ? p.end : m), periods[0]!.end),
            ...periods.flatMap((p) => [p.start, p.end]),
            ...min,
          ].map((v, i) => [i + 1, v]),
        ),
      ) as [string, ...number[]][];
    return rows.map(([studentId, ...counts]) => ({ studentId, counts }));
  }

  /** The half-terms and terms the triggers count into (see migration 011). */
  storedPeriods(): { kind: 'half_term' | 'term'; start: string; end: string }[] {
    return this.db
      .prepare(
        'SELECT kind, first_day AS start, last_day AS "end" FROM late_periods ORDER BY kind, first_day',
      )
      .all() as {
      kind: 'half_term' | 'term';
      start: string;
      end: string;
    }[];
  }

  /** New school dates: the periods replaced, and every student's count per period summed again from the day counts. */
  replacePeriods(periods: { kind: 'half_term' | 'term'; start: string; end: string }[]): void {
    this.db.transaction(() => {
      catchUpLateCounts(this.db);
      this.db.prepare('DELETE FROM late_periods').run();
      const ins = this.db.prepare(
        'INSERT OR IGNORE INTO late_periods (kind, first_day, last_day) VALUES (?, ?, ?)',
      );
      for (const p of periods) ins.run(p.kind, p.start, p.end);
      refillPeriodCounts(this.db);
    })();
  }

  /** Students whose count in one of the stored periods starting on `starts` reached `min`: their highest count. */
  overInStoredPeriods(
    kind: 'half_term' | 'term',
    starts: string[],
    min: number,
  ): { studentId: string; count: number }[] {
    this.fresh();
    if (starts.length === 0) return [];
    return this.db
      .prepare(
        `SELECT student_id AS studentId, MAX(lates) AS count FROM late_period_counts INDEXED BY late_period_counts_count
         WHERE kind = ? AND period_start IN (SELECT value FROM json_each(?)) AND lates >= ? GROUP BY student_id`,
      )
      .all(kind, JSON.stringify(starts), min) as { studentId: string; count: number }[];
  }

  /** Names of students, by id (for the "over a threshold" list). */
  names(ids: string[]): Map<string, string> {
    const out = new Map<string, string>();
    if (ids.length === 0) return out;
    const rows = this.db
      .prepare(
        `SELECT s.id, s.forename || ' ' || s.surname FROM json_each(?) j JOIN students s ON s.id = j.value`,
      )
      .raw()
      .all(JSON.stringify(ids)) as [string, string][];
    for (const [id, name] of rows) out.set(id, name);
    return out;
  }

  /**
   * Rebuild the counts from the events still held, for the days they cover (from the earliest
   * held event on): days before it keep their counts, since retention purged the events behind
   * them. Returns the number of day rows written.
   */
  rebuild(): { from: string | null; rows: number } {
    return this.db.transaction(() => rebuildLateCounts(this.db))();
  }
}

/** The counts again from the events still held, in the caller's transaction: see LateCountRepository.rebuild. */
function rebuildLateCounts(db: Db): { from: string | null; rows: number } {
  const first = (db.prepare('SELECT MIN(local_date) AS d FROM events').get() as { d: string | null }).d;
  // Every held event is counted again below: the pending notes are done with.
  db.prepare('DELETE FROM late_pending').run();
  if (!first) return { from: null, rows: 0 };
  db.prepare('DELETE FROM late_counts WHERE local_date >= ?').run(first);
  const rows = db
    .prepare(
      `INSERT INTO late_counts (student_id, local_date, year, form, lates)
           SELECT e.student_id, e.local_date, s.year, s.form, COUNT(*)
           FROM events e LEFT JOIN students s ON s.id = e.student_id
           WHERE e.local_date >= ? AND e.${STANDING_LATE.replace(/ AND /g, ' AND e.')}
           GROUP BY e.student_id, e.local_date`,
    )
    .run(first).changes;
  // The weeks from the first held day's Monday: that week's earlier days are purged days
  // whose counts are kept in late_counts, so the week is summed from there.
  const monday = `date(?, 'weekday 0', '-6 days')`;
  db.prepare(`DELETE FROM late_weeks WHERE week_start >= ${monday}`).run(first);
  db.prepare(
    `INSERT INTO late_weeks (week_start, student_id, lates)
           SELECT date(local_date, 'weekday 0', '-6 days'), student_id, SUM(lates) FROM late_counts
           WHERE local_date >= ${monday} GROUP BY 1, 2`,
  ).run(first);
  refillPeriodCounts(db);
  return { from: first, rows };
}

function refillPeriodCounts(db: Db): void {
  db.prepare('DELETE FROM late_period_counts').run();
  db.prepare(
    `INSERT INTO late_period_counts (kind, period_start, student_id, lates)
       SELECT p.kind, p.first_day, c.student_id, SUM(c.lates) FROM late_periods p
       JOIN late_counts c ON c.local_date BETWEEN p.first_day AND p.last_day
       GROUP BY 1, 2, 3 HAVING SUM(c.lates) > 0`,
  ).run();
}

/**
 * After a salvage (db/salvage.ts), in its transaction: the target's lateness notes (migration
 * 013) become the damaged file's, by event id (the copy does not keep rowids), with the year and
 * form they were noted with. The counts were copied as that file had them; only its pending lates
 * are not in them. A file from before migration 013, or whose notes cannot be read, has none.
 */
export function carryLateNotes(source: Db, target: Db): void {
  let notes: { id: string; year: number | null; form: string | null }[] = [];
  try {
    notes = source
      .prepare('SELECT e.id, p.year, p.form FROM late_pending p JOIN events e ON e.rowid = p.event_rowid')
      .all() as typeof notes;
  } catch {
    // No late_pending in that file, or its pages are gone.
  }
  target.prepare('DELETE FROM late_pending').run();
  const note = target.prepare(
    `INSERT OR IGNORE INTO late_pending (event_rowid, year, form)
     SELECT e.rowid, ?, ? FROM events e WHERE e.id = ? AND ${STANDING_E}`,
  );
  for (const n of notes) note.run(n.year, n.form, n.id);
}

interface AlertRow {
  event_id: string;
  rule_id: string;
  period_start: string;
  count: number;
  message: string;
  email_to: string | null;
  emailed_at: string | null;
}

function toAlert(r: AlertRow): LateAlertRow {
  return {
    eventId: r.event_id,
    ruleId: r.rule_id,
    periodStart: r.period_start,
    count: r.count,
    message: r.message,
    emailTo: r.email_to,
    emailedAt: r.emailed_at,
  };
}
