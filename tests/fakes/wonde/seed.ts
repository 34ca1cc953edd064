// A kiosk database with students and queued marks, as KioskCore.record would leave it, for the
// sync tests, the crash test's child and the benchmark.
import { openDatabase, type Db } from '../../../electron/core/db/database';
import { enqueueSessionMark, supersede, type SessionMarkPayload } from '../../../electron/core/sync/outbox';

export function openSeedDb(file: string): Db {
  return openDatabase(file);
}

export function addStudent(db: Db, id: string, misId: string | null): void {
  db.prepare(`INSERT OR IGNORE INTO students (id, mis_id, forename, surname, updated_at) VALUES (?, ?, 'Test', ?, '2026-11-24T08:00:00Z')`).run(id, misId, id);
}

export interface MarkInput {
  eventId: string;
  studentId: string;
  misId?: string | null;
  date?: string;
  session?: 'AM' | 'PM';
  code?: string;
  direction?: 'sign_in' | 'sign_out';
  comment?: string | null;
  minutesLate?: number | null;
  localTime?: string;
}

export function payloadOf(m: MarkInput): SessionMarkPayload {
  return {
    eventId: m.eventId,
    studentId: m.studentId,
    misId: m.misId === undefined ? m.studentId : m.misId,
    date: m.date ?? '2026-11-24',
    session: m.session ?? 'AM',
    localTime: m.localTime ?? '09:07',
    occurredAt: `${m.date ?? '2026-11-24'}T${m.localTime ?? '09:07'}:00Z`,
    direction: m.direction ?? 'sign_in',
    code: m.code ?? 'L',
    comment: m.comment === undefined ? 'Bus or train late' : m.comment,
    minutesLate: m.minutesLate === undefined ? 7 : m.minutesLate,
    reasonId: 'transport',
    supersedesEventId: null,
  };
}

function insertEvent(db: Db, p: SessionMarkPayload, supersedes: string | null = null): void {
  db.prepare(
    `INSERT INTO events (id, student_id, direction, occurred_at, local_date, local_time, session, reason_id, reason_label, code, minutes_late, comment, writeback, actor, supersedes, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 'kiosk', ?, ?)`,
  ).run(p.eventId, p.studentId, p.direction, p.occurredAt, p.date, p.localTime, p.session, p.reasonId, p.reasonId, p.code, p.minutesLate, p.comment, supersedes, p.occurredAt);
}

/** A signed-in student: the event and its outbox row in one transaction, as the core does it. */
export function queueMark(db: Db, m: MarkInput, nowIso = new Date().toISOString()): number {
  const p = payloadOf(m);
  return db.transaction(() => {
    addStudent(db, p.studentId, p.misId);
    insertEvent(db, p);
    return enqueueSessionMark(db, p, nowIso);
  })();
}

/** A receptionist's override of `oldEventId`, as the core's override will do it. */
export function overrideMark(db: Db, oldEventId: string, m: MarkInput, nowIso = new Date().toISOString()): number | null {
  const p = payloadOf(m);
  return db.transaction(() => {
    insertEvent(db, p, oldEventId);
    db.prepare(`UPDATE events SET superseded_by = ? WHERE id = ?`).run(p.eventId, oldEventId);
    return supersede(db, oldEventId, p, nowIso).outboxId;
  })();
}

export function rowsByState(db: Db): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of db.prepare(`SELECT state, COUNT(*) AS n FROM outbox GROUP BY state`).all() as { state: string; n: number }[]) out[r.state] = r.n;
  return out;
}

export function outboxRow(db: Db, id: number) {
  return db.prepare(`SELECT * FROM outbox WHERE id = ?`).get(id) as {
    state: string;
    attempts: number;
    last_error: string | null;
    last_error_kind: string | null;
    writeback_id: string | null;
    target: string | null;
    previous_mark: string | null;
    next_attempt_at: string;
    updated_at: string;
  };
}
