// Sign events: written once, never updated except to link a superseding event or to finalise
// (excused / not excused). Reads are by school-local day.
import type { Db } from './database';
import type { SignEvent } from '../../../shared/model';

interface EventRow {
  id: string;
  student_id: string;
  direction: 'sign_in' | 'sign_out';
  occurred_at: string;
  local_date: string;
  local_time: string;
  session: 'AM' | 'PM' | null;
  reason_id: string | null;
  reason_label: string | null;
  code: string | null;
  minutes_late: number | null;
  comment: string | null;
  writeback: number;
  skip_reason: SignEvent['skipReason'];
  actor: string;
  supersedes: string | null;
  superseded_by: string | null;
  excused: number | null;
}

export function rowToEvent(r: EventRow): SignEvent {
  return {
    id: r.id,
    studentId: r.student_id,
    direction: r.direction,
    occurredAt: r.occurred_at,
    localDate: r.local_date,
    localTime: r.local_time,
    session: r.session,
    reasonId: r.reason_id,
    reasonLabel: r.reason_label,
    code: r.code,
    minutesLate: r.minutes_late,
    comment: r.comment,
    writeback: r.writeback === 1,
    skipReason: r.skip_reason,
    actor: r.actor,
    supersedes: r.supersedes,
    supersededBy: r.superseded_by,
    excused: r.excused === null ? null : r.excused === 1,
  };
}

export class EventRepository {
  private readonly insertStmt;
  private readonly lastTodayStmt;
  private readonly byDayStmt;
  private readonly byIdStmt;

  constructor(private readonly db: Db) {
    // Positional parameters: binding 19 named ones from a spread copy of the event cost more
    // than the row's own b-tree work on the scan path (issue 16).
    this.insertStmt = db.prepare(
      `INSERT INTO events (id, student_id, direction, occurred_at, local_date, local_time, session, reason_id, reason_label,
         code, minutes_late, comment, writeback, skip_reason, actor, supersedes, superseded_by, excused, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.lastTodayStmt = db.prepare(
      `SELECT * FROM events WHERE student_id = ? AND local_date = ? AND superseded_by IS NULL ORDER BY occurred_at DESC, rowid DESC LIMIT 1`,
    );
    this.byDayStmt = db.prepare('SELECT * FROM events WHERE local_date = ? ORDER BY occurred_at DESC, rowid DESC');
    this.byIdStmt = db.prepare('SELECT * FROM events WHERE id = ?');
  }

  insert(e: SignEvent, createdAt: string): void {
    this.insertStmt.run(
      e.id, e.studentId, e.direction, e.occurredAt, e.localDate, e.localTime, e.session, e.reasonId, e.reasonLabel,
      e.code, e.minutesLate, e.comment, e.writeback ? 1 : 0, e.skipReason, e.actor, e.supersedes, e.supersededBy,
      e.excused === null ? null : e.excused ? 1 : 0, createdAt,
    );
  }

  /** The student's latest standing event of the day, to tell "in" from "out". */
  lastOfDay(studentId: string, localDate: string): SignEvent | null {
    const r = this.lastTodayStmt.get(studentId, localDate) as EventRow | undefined;
    return r ? rowToEvent(r) : null;
  }

  ofDay(localDate: string): SignEvent[] {
    return (this.byDayStmt.all(localDate) as EventRow[]).map(rowToEvent);
  }

  get(id: string): SignEvent | null {
    const r = this.byIdStmt.get(id) as EventRow | undefined;
    return r ? rowToEvent(r) : null;
  }
  /** Link an event to the one that replaces it (an override); only inside the caller's transaction. */
  markSuperseded(oldId: string, newId: string): void {
    this.db.prepare('UPDATE events SET superseded_by = ? WHERE id = ?').run(newId, oldId);
  }

  /** Navigate360's "finalise": excused or not. */
  setExcused(id: string, excused: boolean): void {
    this.db.prepare('UPDATE events SET excused = ? WHERE id = ?').run(excused ? 1 : 0, id);
  }

  /** The reception desk's list of a day: each event with its student and its latest writeback state. */
  deskRows(localDate: string): { id: string; forename: string; surname: string; year: number | null; state: string | null; last_error: string | null }[] {
    return this.db
      .prepare(
        `SELECT e.id, s.forename, s.surname, s.year,
                (SELECT COALESCE(o.outcome, o.state) FROM outbox o WHERE o.event_id = e.id ORDER BY o.id DESC LIMIT 1) AS state,
                (SELECT o.last_error FROM outbox o WHERE o.event_id = e.id ORDER BY o.id DESC LIMIT 1) AS last_error
         FROM events e JOIN students s ON s.id = e.student_id
         WHERE e.local_date = ? ORDER BY e.occurred_at DESC, e.rowid DESC`,
      )
      .all(localDate) as never;
  }

  /** Standing late sign-ins per student between two school-local dates (inclusive). */
  latesBetween(from: string, to: string): Map<string, number> {
    const rows = this.db
      .prepare(
        `SELECT student_id, COUNT(*) AS n FROM events
         WHERE direction = 'sign_in' AND minutes_late > 0 AND superseded_by IS NULL AND local_date BETWEEN ? AND ?
         GROUP BY student_id`,
      )
      .all(from, to) as { student_id: string; n: number }[];
    return new Map(rows.map((r) => [r.student_id, r.n]));
  }
}
