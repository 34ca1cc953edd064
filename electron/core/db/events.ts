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

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO events (id, student_id, direction, occurred_at, local_date, local_time, session, reason_id, reason_label,
         code, minutes_late, comment, writeback, skip_reason, actor, supersedes, superseded_by, excused, created_at)
       VALUES (@id, @studentId, @direction, @occurredAt, @localDate, @localTime, @session, @reasonId, @reasonLabel,
         @code, @minutesLate, @comment, @writeback, @skipReason, @actor, @supersedes, @supersededBy, @excused, @createdAt)`,
    );
    this.lastTodayStmt = db.prepare(
      `SELECT * FROM events WHERE student_id = ? AND local_date = ? AND superseded_by IS NULL ORDER BY occurred_at DESC, rowid DESC LIMIT 1`,
    );
    this.byDayStmt = db.prepare('SELECT * FROM events WHERE local_date = ? ORDER BY occurred_at DESC, rowid DESC');
    this.byIdStmt = db.prepare('SELECT * FROM events WHERE id = ?');
  }

  insert(e: SignEvent, createdAt: string): void {
    this.insertStmt.run({
      ...e,
      writeback: e.writeback ? 1 : 0,
      excused: e.excused === null ? null : e.excused ? 1 : 0,
      createdAt,
    });
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
}
