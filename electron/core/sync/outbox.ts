// The outbox: the durable job queue of writebacks (Signal's job-queue idea). A row is written in
// the SAME transaction as its event, so an event can never exist without its writeback job.
import { z } from 'zod';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/database';
import type { Direction, SessionName } from '../../../shared/settings';

/**
 * done: sent (the MIS accepted the write); with confirm_at set, a read-back of the register is due.
 * confirmed: the register was read back and holds the mark. changed_in_mis: it holds another
 * mark (a teacher changed it). not_sent: the MIS cannot take this by design; not a failure.
 */
export type OutboxState =
  | 'pending'
  | 'in_flight'
  | 'done'
  | 'failed_permanent'
  | 'skipped_protected'
  | 'superseded'
  | 'not_sent'
  | 'confirmed'
  | 'changed_in_mis';

/**
 * The row's state as the engine and the screens see it. Stored additively (migration 006): the
 * `state` column keeps its original CHECK list, and `outcome` refines a finished row — not_sent
 * is stored as skipped_protected + 'not_sent' (finished, not a failure, retried only by hand);
 * confirmed and changed_in_mis as done + outcome (our mark was sent).
 */
export const STATE_SQL = 'COALESCE(outcome, state)';

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

// Issue 16: the scan path and the status chips prepare their statements once per connection,
// not once per sign-in.
function oncePerConnection(sql: string): (db: Db) => Statement<unknown[]> {
  const byDb = new WeakMap<Db, Statement<unknown[]>>();
  return (db) => {
    let stmt = byDb.get(db);
    if (!stmt) byDb.set(db, (stmt = db.prepare(sql)));
    return stmt;
  };
}

const enqueueStatement = oncePerConnection(
  `INSERT INTO outbox (event_id, student_id, idempotency_key, kind, payload, state, attempts, next_attempt_at, created_at, updated_at)
   VALUES (?, ?, ?, 'session_mark', ?, 'pending', 0, ?, ?, ?)`,
);

/** Call inside the event's transaction. */
export function enqueueSessionMark(db: Db, payload: SessionMarkPayload, nowIso: string): number {
  const insert = enqueueStatement(db);
  const info = insert.run(payload.eventId, payload.studentId, idempotencyKey(payload.eventId, 'session_mark'), JSON.stringify(payload), nowIso, nowIso, nowIso);
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
    not_sent: 0,
    confirmed: 0,
    changed_in_mis: 0,
  };
  for (const row of db.prepare(`SELECT ${STATE_SQL} AS state, COUNT(*) AS n FROM outbox GROUP BY 1`).all() as { state: OutboxState; n: number }[]) {
    counts[row.state] = row.n;
  }
  const oldest = db
    .prepare(`SELECT MIN(created_at) AS t FROM outbox WHERE state IN ('pending', 'in_flight')`)
    .get() as { t: string | null };
  return { ...counts, oldestPendingAt: oldest.t };
}

/** queueCounts' statement (a test checks its query plan uses the state index). */
export const QUEUE_COUNTS_SQL = `SELECT SUM(state != 'failed_permanent') AS waiting, SUM(state = 'failed_permanent') AS failed,
       MIN(CASE WHEN state != 'failed_permanent' THEN created_at END) AS oldest
  FROM outbox WHERE state IN ('pending', 'in_flight', 'failed_permanent')`;
const queueStatement = oncePerConnection(QUEUE_COUNTS_SQL);

/**
 * What the idle screen's chips need after every sign-in and every sent batch: the marks still to
 * send and the failed ones. Read through the state index (outbox_due), so its cost follows the
 * backlog, not the years of sent marks behind it; outboxCounts scans every row (45 ms at 50,000
 * on the 2-core test machine, against well under 1 ms for this with no backlog) and is kept for
 * the admin's and the CLI's full breakdown. Failed rows never carry an outcome (migration 006
 * refines finished rows only), so `state` is their state here.
 */
export function queueCounts(db: Db): { waiting: number; failed: number; oldestPendingAt: string | null } {
  const r = queueStatement(db).get() as { waiting: number | null; failed: number | null; oldest: string | null };
  return { waiting: r.waiting ?? 0, failed: r.failed ?? 0, oldestPendingAt: r.oldest };
}

// ---------------------------------------------------------------------------------------------
// The engine's side of the queue. Every state change is one short transaction, so that a kill at
// any moment leaves each row either where it was or where it was going, never half-way.

export const sessionMarkPayload = z.object({
  eventId: z.string().min(1),
  studentId: z.string().min(1),
  misId: z.string().nullable(),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  session: z.enum(['AM', 'PM']),
  localTime: z.string().regex(/^\d{2}:\d{2}$/),
  occurredAt: z.string(),
  direction: z.enum(['sign_in', 'sign_out']),
  code: z.string().min(1),
  comment: z.string().nullable(),
  minutesLate: z.number().int().nullable(),
  reasonId: z.string().nullable(),
  supersedesEventId: z.string().nullable(),
});

export interface OutboxRow {
  id: number;
  event_id: string;
  student_id: string;
  idempotency_key: string;
  kind: string;
  payload: string;
  /** The stored state (see STATE_SQL): never 'not_sent', 'confirmed' or 'changed_in_mis' here. */
  state: OutboxState;
  /** Refines a finished row: 'not_sent' | 'confirmed' | 'changed_in_mis' | null. */
  outcome: string | null;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  last_error_kind: string | null;
  writeback_id: string | null;
  sent_at: string | null;
  target: string | null;
  previous_mark: string | null;
  mis_id: string | null;
  lesson_id: string | null;
  confirm_at: string | null;
  confirm_reads: number;
  confirmed_at: string | null;
  register_mark: string | null;
  created_at: string;
  updated_at: string;
}

/**
 * A receptionist's override: the old event's mark is replaced by `newPayload` (null: the new
 * reason writes nothing). Call inside the override's transaction. A mark not yet sent is never
 * sent; one already sent (or being sent) stays, and the new row, queued behind it for the same
 * student, writes the correction over it.
 */
export function supersede(
  db: Db,
  oldEventId: string,
  newPayload: SessionMarkPayload | null,
  nowIso: string,
): { superseded: number; outboxId: number | null } {
  const info = db
    .prepare(
      `UPDATE outbox SET state = 'superseded', outcome = NULL, last_error_kind = 'superseded',
         last_error = 'Replaced by an override before it was sent.', updated_at = ?
       WHERE event_id = ? AND state IN ('pending', 'failed_permanent', 'skipped_protected')`,
    )
    .run(nowIso, oldEventId);
  const outboxId = newPayload ? enqueueSessionMark(db, { ...newPayload, supersedesEventId: oldEventId }, nowIso) : null;
  return { superseded: info.changes, outboxId };
}

/**
 * Claim up to `limit` due rows and mark them in_flight (attempts + 1) in one transaction. A row
 * is due only when no earlier row of the same student is still pending or in flight, so one
 * student's marks reach the MIS in the order they were made; other students are not held up.
 */
export function claimDue(db: Db, nowIso: string, limit: number): OutboxRow[] {
  return db.transaction(() => {
    const rows = db
      .prepare(
        `SELECT o.* FROM outbox o
         WHERE o.state = 'pending' AND o.next_attempt_at <= ?
           AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.student_id = o.student_id AND p.id < o.id AND p.state IN ('pending', 'in_flight'))
         ORDER BY o.next_attempt_at, o.id LIMIT ?`,
      )
      .all(nowIso, limit) as OutboxRow[];
    const claim = db.prepare(`UPDATE outbox SET state = 'in_flight', attempts = attempts + 1, updated_at = ? WHERE id = ? AND state = 'pending'`);
    for (const r of rows) {
      claim.run(nowIso, r.id);
      r.state = 'in_flight';
      r.attempts += 1;
    }
    return rows;
  })();
}

export type Outcome =
  | {
      id: number;
      state: 'done';
      writebackId: string | null;
      target: string | null;
      previousMark: string | null;
      note?: string;
      /** Where the mark went, for the read-back: the student's MIS id and, for a lesson mark, the lesson. */
      misId?: string | null;
      lessonId?: string | null;
    }
  | { id: number; state: 'not_sent'; kind: string; message: string; target?: string | null }
  | { id: number; state: 'pending'; nextAttemptAt: string; kind: string; message: string }
  | { id: number; state: 'failed_permanent'; kind: string; message: string; target?: string | null; previousMark?: string | null }
  | { id: number; state: 'skipped_protected'; message: string; target: string | null; previousMark: string | null };

/**
 * Record what happened to claimed rows, all in one transaction. Only in_flight rows move.
 * `confirmAt`: when a sent row's first read-back of the register is due (null: the connector
 * cannot read the register, or confirmation is off — the row stays "Sent").
 */
export function settle(db: Db, outcomes: Outcome[], nowIso: string, confirmAt: string | null = null): void {
  if (outcomes.length === 0) return;
  const done = db.prepare(
    `UPDATE outbox SET state = 'done', writeback_id = ?, target = ?, previous_mark = ?, sent_at = ?, last_error = ?, last_error_kind = NULL, updated_at = ?,
       mis_id = ?, lesson_id = ?, confirm_at = ?, confirm_reads = 0, register_mark = NULL, outcome = NULL
     WHERE id = ? AND state = 'in_flight'`,
  );
  const notSent = db.prepare(
    `UPDATE outbox SET state = 'skipped_protected', outcome = 'not_sent', last_error = ?, last_error_kind = ?, target = COALESCE(?, target), confirm_at = NULL, updated_at = ?
     WHERE id = ? AND state = 'in_flight'`,
  );
  const retry = db.prepare(
    `UPDATE outbox SET state = 'pending', next_attempt_at = ?, last_error = ?, last_error_kind = ?, updated_at = ? WHERE id = ? AND state = 'in_flight'`,
  );
  const fail = db.prepare(
    `UPDATE outbox SET state = ?, last_error = ?, last_error_kind = ?, target = COALESCE(?, target), previous_mark = ?, updated_at = ?
     WHERE id = ? AND state = 'in_flight'`,
  );
  db.transaction(() => {
    for (const o of outcomes) {
      if (o.state === 'done') {
        // sent_at starts the confirmation window: a resend (or a read that found the mark) restarts it.
        done.run(o.writebackId, o.target, o.previousMark, nowIso, o.note ?? null, nowIso, o.misId ?? null, o.lessonId ?? null, confirmAt, o.id);
      } else if (o.state === 'not_sent') notSent.run(o.message, o.kind, o.target ?? null, nowIso, o.id);
      else if (o.state === 'pending') retry.run(o.nextAttemptAt, o.message, o.kind, nowIso, o.id);
      else if (o.state === 'failed_permanent') fail.run('failed_permanent', o.message, o.kind, o.target ?? null, o.previousMark ?? null, nowIso, o.id);
      else fail.run('skipped_protected', o.message, 'protected_code', o.target, o.previousMark, nowIso, o.id);
    }
    // A receptionist may have replaced the mark while it was in flight: a row whose event is
    // superseded and did not land is never tried again (the correction is queued behind it).
    db.prepare(
      `UPDATE outbox SET state = 'superseded', last_error_kind = 'superseded',
         last_error = 'Replaced by a receptionist’s change while it was being sent; not sent again.', updated_at = ?
       WHERE state IN ('pending', 'failed_permanent') AND attempts > 0
         AND event_id IN (SELECT id FROM events WHERE superseded_by IS NOT NULL)`,
    ).run(nowIso);
  })();
}

/**
 * At start-up: rows left in_flight by a crash go back to pending, due now. Their attempts stay
 * above zero, which tells the engine to read the MIS's current mark before any resend.
 */
export function recoverInFlight(db: Db, nowIso: string): number {
  return db
    .prepare(`UPDATE outbox SET state = 'pending', next_attempt_at = ?, updated_at = ? WHERE state = 'in_flight'`)
    .run(nowIso, nowIso).changes;
}

/**
 * After the admin fixed settings: failed (or, by id, skipped or not-sent) rows go back to the
 * queue. "Retry all failed" never takes not-sent rows: the MIS cannot take them by design; one
 * is retried only when the admin picks it (say, after the school switched writeback on).
 */
export function retryRows(db: Db, which: number[] | 'all_failed', nowIso: string): number {
  const ids =
    which === 'all_failed'
      ? (db.prepare(`SELECT id FROM outbox WHERE state = 'failed_permanent'`).all() as { id: number }[]).map((r) => r.id)
      : which;
  // A retried row goes to the back of its student's line. If a later mark for the same register
  // slot was written (or is waiting) since, sending this one would put the older mark over the
  // newer: it is retired instead. A replaced event's row is never sent again.
  const row = db.prepare(
    `SELECT o.id, o.student_id, json_extract(o.payload, '$.date') AS date, json_extract(o.payload, '$.session') AS session,
            e.superseded_by AS supersededBy
     FROM outbox o JOIN events e ON e.id = o.event_id
     WHERE o.id = ? AND o.state IN ('failed_permanent', 'skipped_protected')`,
  );
  const newer = db.prepare(
    `SELECT 1 FROM outbox WHERE student_id = ? AND id > ? AND state IN ('pending', 'in_flight', 'done')
       AND json_extract(payload, '$.date') = ? AND json_extract(payload, '$.session') = ? LIMIT 1`,
  );
  const requeue = db.prepare(`UPDATE outbox SET state = 'pending', outcome = NULL, attempts = 0, next_attempt_at = ?, updated_at = ? WHERE id = ?`);
  const retire = db.prepare(`UPDATE outbox SET state = 'superseded', outcome = NULL, last_error_kind = 'superseded', last_error = ?, updated_at = ? WHERE id = ?`);
  return db.transaction(() => {
    let n = 0;
    for (const id of ids) {
      const r = row.get(id) as { id: number; student_id: string; date: string; session: string; supersededBy: string | null } | undefined;
      if (!r) continue;
      if (r.supersededBy) {
        retire.run('Replaced by a receptionist’s change; the correction is sent instead.', nowIso, id);
      } else if (newer.get(r.student_id, id, r.date, r.session)) {
        retire.run('A later mark for this session was written since; this older one is not sent over it.', nowIso, id);
      } else {
        requeue.run(nowIso, nowIso, id);
        n++;
      }
    }
    return n;
  })();
}

/**
 * When the network comes back, rows waiting out a network backoff are due at once. Not those
 * that timed out: their write may still be landing, and they keep their wait (see the engine).
 */
export function wakeNetworkWaiters(db: Db, nowIso: string): number {
  return db
    .prepare(`UPDATE outbox SET next_attempt_at = ? WHERE state = 'pending' AND next_attempt_at > ? AND last_error_kind = 'network'`)
    .run(nowIso, nowIso).changes;
}

export function nextDueAt(db: Db): string | null {
  // Only rows that are first in their student's line: a row waiting behind another is not "due".
  return (
    db
      .prepare(
        `SELECT MIN(o.next_attempt_at) AS t FROM outbox o WHERE o.state = 'pending'
           AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.student_id = o.student_id AND p.id < o.id AND p.state IN ('pending', 'in_flight'))`,
      )
      .get() as { t: string | null }
  ).t;
}

export function lastSuccessAt(db: Db): string | null {
  return (db.prepare(`SELECT MAX(sent_at) AS t FROM outbox WHERE state = 'done'`).get() as { t: string | null }).t;
}

/**
 * The code our own last sent mark put on this register slot, if any: overwriting it with a
 * correction is fine even when that code is protected (we wrote it, the school did not). Not
 * when the read-back found the school had changed that mark since (changed_in_mis): the slot is
 * the school's again, and the same code there now is theirs, not ours.
 */
export function ourLastMark(db: Db, studentId: string, date: string, session: string, beforeId: number): string | null {
  const row = db
    .prepare(
      `SELECT CASE WHEN outcome = 'changed_in_mis' THEN NULL ELSE json_extract(payload, '$.code') END AS code FROM outbox
       WHERE student_id = ? AND state = 'done' AND id < ? AND json_extract(payload, '$.date') = ? AND json_extract(payload, '$.session') = ?
       ORDER BY id DESC LIMIT 1`,
    )
    .get(studentId, beforeId, date, session) as { code: string } | undefined;
  return row?.code ?? null;
}

/** For the admin's writeback log: what became of an event's mark. */
export function writebackFor(
  db: Db,
  eventId: string,
): Pick<OutboxRow, 'id' | 'state' | 'attempts' | 'last_error' | 'last_error_kind' | 'writeback_id' | 'sent_at' | 'target' | 'previous_mark' | 'confirm_at' | 'confirmed_at' | 'register_mark'>[] {
  return db
    .prepare(
      `SELECT id, ${STATE_SQL} AS state, attempts, last_error, last_error_kind, writeback_id, sent_at, target, previous_mark, confirm_at, confirmed_at, register_mark
       FROM outbox WHERE event_id = ? ORDER BY id`,
    )
    .all(eventId) as ReturnType<typeof writebackFor>;
}

// The read-back of sent rows (due reads, verdicts) is db/outbox-confirmations.ts.

/**
 * Sent rows still waiting for the register after `olderThanIso` (the confirmation window): the
 * idle screen's quiet "sent, waiting for the register" chip counts these, and only these.
 */
export function awaitingRegister(db: Db, olderThanIso: string): number {
  return (
    db.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE state = 'done' AND outcome IS NULL AND confirm_at IS NOT NULL AND sent_at < ?`).get(olderThanIso) as { n: number }
  ).n;
}

/** Rows not yet sent or finished, for the CLI (oldest first) and the support bundle (newest first, with errors' kinds and times). */
export function unfinishedOutboxRows(db: Db, o: { limit: number; newestFirst: boolean; detail: boolean }): ({ id: number; state: string; student_id: string; attempts: number; last_error: string | null } & Record<string, unknown>)[] {
  const columns = o.detail
    ? 'id, event_id, student_id, kind, state, attempts, next_attempt_at, last_error, last_error_kind, created_at, updated_at'
    : 'id, event_id, student_id, state, attempts, next_attempt_at, last_error';
  return db.prepare(`SELECT ${columns} FROM outbox WHERE state != 'done' ORDER BY id ${o.newestFirst ? 'DESC' : ''} LIMIT ?`).all(o.limit) as ReturnType<typeof unfinishedOutboxRows>;
}

/** One line per batch that sent or failed something: the kiosk's sync history. */
export function recordSyncRun(db: Db, atIso: string, sent: number, failed: number, error: string | null): void {
  db.prepare(`INSERT INTO sync_runs (started_at, finished_at, sent, failed, error) VALUES (?, ?, ?, ?, ?)`).run(atIso, atIso, sent, failed, error);
}
