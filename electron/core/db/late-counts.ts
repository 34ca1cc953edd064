// The lateness counts and threshold alerts (issue 18; schema and triggers in migration 011).
// All the SQL of the lateness feature lives here; electron/core/attendance/lateness/ decides.
import type { Db } from './database';

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

export class LateCountRepository {
  private readonly countStmt;
  private readonly insertAlertStmt;
  private readonly alertsOfEventStmt;

  constructor(private readonly db: Db) {
    this.countStmt = db.prepare('SELECT COALESCE(SUM(lates), 0) AS n FROM late_counts WHERE student_id = ? AND local_date BETWEEN ? AND ?');
    this.insertAlertStmt = db.prepare(
      `INSERT OR REPLACE INTO late_alerts (event_id, rule_id, period_start, count, message, email_to, emailed_at)
       VALUES (@eventId, @ruleId, @periodStart, @count, @message, @emailTo, @emailedAt)`,
    );
    this.alertsOfEventStmt = db.prepare('SELECT * FROM late_alerts WHERE event_id = ? ORDER BY rowid');
  }

  /** A student's lates in [start, end] (school-local dates, inclusive). */
  count(studentId: string, start: string, end: string): number {
    return (this.countStmt.get(studentId, start, end) as { n: number }).n;
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
    return (this.db.prepare('SELECT * FROM late_alerts WHERE email_to IS NOT NULL AND emailed_at IS NULL ORDER BY rowid LIMIT ?').all(limit) as AlertRow[]).map(toAlert);
  }

  /** Who an alert is about, for the staff email. */
  alertStudent(eventId: string): { forename: string; surname: string; year: number | null; form: string | null; localDate: string } | null {
    return (
      (this.db
        .prepare(
          `SELECT s.forename, s.surname, s.year, s.form, e.local_date AS localDate FROM events e JOIN students s ON s.id = e.student_id WHERE e.id = ?`,
        )
        .get(eventId) as { forename: string; surname: string; year: number | null; form: string | null; localDate: string } | undefined) ?? null
    );
  }

  markEmailed(eventId: string, ruleId: string, at: string): void {
    this.db.prepare('UPDATE late_alerts SET emailed_at = ? WHERE event_id = ? AND rule_id = ?').run(at, eventId, ruleId);
  }

  // ---- the report --------------------------------------------------------------------------

  /** Lates per day, year and form in [from, to]: everything the charts need from the counts. */
  byDayYearForm(from: string, to: string): DayYearForm[] {
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
   * Students with at least `min` lates in one of `periods` (inclusive ranges), their highest count,
   * with their name.
   */
  overThreshold(periods: { start: string; end: string }[], min: number): { studentId: string; name: string; count: number }[] {
    if (periods.length === 0) return [];
    const values = periods.map(() => '(?, ?)').join(', ');
    const params = periods.flatMap((p) => [p.start, p.end]);
    return this.db
      .prepare(
        `WITH p(s, e) AS (VALUES ${values}),
         per AS (SELECT c.student_id, p.s, SUM(c.lates) AS n FROM p JOIN late_counts c ON c.local_date BETWEEN p.s AND p.e
                 GROUP BY c.student_id, p.s HAVING n >= ?)
         SELECT per.student_id AS studentId, COALESCE(st.forename || ' ' || st.surname, per.student_id) AS name, MAX(per.n) AS count
         FROM per LEFT JOIN students st ON st.id = per.student_id
         GROUP BY per.student_id ORDER BY count DESC, name`,
      )
      .all(...params, min) as { studentId: string; name: string; count: number }[];
  }

  /**
   * Rebuild the counts from the events still held, for the days they cover (from the earliest
   * held event on): days before it keep their counts, since retention purged the events behind
   * them. Returns the number of day rows written.
   */
  rebuild(): { from: string | null; rows: number } {
    return this.db.transaction(() => {
      const first = (this.db.prepare('SELECT MIN(local_date) AS d FROM events').get() as { d: string | null }).d;
      if (!first) return { from: null, rows: 0 };
      this.db.prepare('DELETE FROM late_counts WHERE local_date >= ?').run(first);
      const rows = this.db
        .prepare(
          `INSERT INTO late_counts (student_id, local_date, year, form, lates)
           SELECT e.student_id, e.local_date, s.year, s.form, COUNT(*)
           FROM events e LEFT JOIN students s ON s.id = e.student_id
           WHERE e.local_date >= ? AND e.${STANDING_LATE.replace(/ AND /g, ' AND e.')}
           GROUP BY e.student_id, e.local_date`,
        )
        .run(first).changes;
      return { from: first, rows };
    })();
  }
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
  return { eventId: r.event_id, ruleId: r.rule_id, periodStart: r.period_start, count: r.count, message: r.message, emailTo: r.email_to, emailedAt: r.emailed_at };
}
