// The outbox: the durable job queue of writebacks (Signal's job-queue idea). A row is written in
// the SAME transaction as its event, so an event can never exist without its writeback job.
import type { Db } from '../db/database';
import type { Direction, SessionName } from '../../../shared/settings';

export type OutboxState = 'pending' | 'in_flight' | 'done' | 'failed_permanent' | 'skipped_protected' | 'superseded';

/** What the connector needs to write one session mark. Parsed with zod by the engine. */
export interface SessionMarkPayload {
  eventId: string;
  studentId: string;
  misId: string | null;
  date: string;
  session: SessionName;
  localTime: string;
  occurredAt: string;
  direction: Direction;
  code: string;
  comment: string | null;
  minutesLate: number | null;
  reasonId: string | null;
  /** Set when a receptionist's override replaces an earlier event's mark. */
  supersedesEventId: string | null;
}

export function idempotencyKey(eventId: string, kind: string): string {
  return `${eventId}:${kind}`;
}

/** Call inside the event's transaction. */
export function enqueueSessionMark(db: Db, payload: SessionMarkPayload, nowIso: string): number {
  const info = db
    .prepare(
      `INSERT INTO outbox (event_id, student_id, idempotency_key, kind, payload, state, attempts, next_attempt_at, created_at, updated_at)
       VALUES (?, ?, ?, 'session_mark', ?, 'pending', 0, ?, ?, ?)`,
    )
    .run(payload.eventId, payload.studentId, idempotencyKey(payload.eventId, 'session_mark'), JSON.stringify(payload), nowIso, nowIso, nowIso);
  return Number(info.lastInsertRowid);
}

export function outboxCounts(db: Db): Record<OutboxState, number> & { oldestPendingAt: string | null } {
  const counts: Record<OutboxState, number> = {
    pending: 0,
    in_flight: 0,
    done: 0,
    failed_permanent: 0,
    skipped_protected: 0,
    superseded: 0,
  };
  for (const row of db.prepare('SELECT state, COUNT(*) AS n FROM outbox GROUP BY state').all() as { state: OutboxState; n: number }[]) {
    counts[row.state] = row.n;
  }
  const oldest = db
    .prepare(`SELECT MIN(created_at) AS t FROM outbox WHERE state IN ('pending', 'in_flight')`)
    .get() as { t: string | null };
  return { ...counts, oldestPendingAt: oldest.t };
}
