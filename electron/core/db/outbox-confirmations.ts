// Confirmed in the register: the read-back of sent rows, on the outbox table. A 'done' row with
// confirm_at set awaits a read; the read's verdict moves it (only if it is still 'done' and still
// awaiting), so a kill at any moment leaves the row 'done' with its read still due, and start-up
// simply reads again. The queue itself (enqueue, claim, settle, retry) is sync/outbox.ts; what a
// read shows is judged in sync/confirm.ts.
import type { Db } from './database';
import type { OutboxRow } from '../sync/outbox';

/** Sent rows whose read-back is due now, oldest first. */
export function dueConfirmations(db: Db, nowIso: string, limit: number): OutboxRow[] {
  return db
    .prepare(`SELECT * FROM outbox WHERE state = 'done' AND outcome IS NULL AND confirm_at IS NOT NULL AND confirm_at <= ? ORDER BY confirm_at, id LIMIT ?`)
    .all(nowIso, limit) as OutboxRow[];
}

/** When the next read-back is due (null: none awaited). */
export function nextConfirmAt(db: Db): string | null {
  return (db.prepare(`SELECT MIN(confirm_at) AS t FROM outbox WHERE state = 'done' AND outcome IS NULL AND confirm_at IS NOT NULL`).get() as { t: string | null }).t;
}

/**
 * True when a later row of the same student for the same register slot was sent or is on its
 * way: the register may rightly show that newer mark, so the older row's read-back proves
 * nothing either way and is dropped (the row stays "Sent").
 */
export function laterMarkForSlot(db: Db, row: { id: number; studentId: string; date: string; session: string }): boolean {
  return !!db
    .prepare(
      `SELECT 1 FROM outbox
       WHERE student_id = ? AND id > ? AND state NOT IN ('superseded', 'failed_permanent', 'skipped_protected')
         AND json_extract(payload, '$.date') = ? AND json_extract(payload, '$.session') = ? LIMIT 1`,
    )
    .get(row.studentId, row.id, row.date, row.session);
}

export type ConfirmVerdict =
  | { id: number; verdict: 'confirmed' }
  | { id: number; verdict: 'changed'; registerMark: string; message: string }
  /** Not there yet: read again at `confirmAt`. */
  | { id: number; verdict: 'wait'; confirmAt: string }
  /** Not there within the window: back to the queue, where the resend path reads first. */
  | { id: number; verdict: 'resend'; nextAttemptAt: string; message: string }
  /** Nothing to prove (a later mark for the slot, or confirmation switched off): stays "Sent". */
  | { id: number; verdict: 'drop'; note?: string }
  /** The read failed: never confirms, never un-confirms; read again at `confirmAt`. */
  | { id: number; verdict: 'read_failed'; confirmAt: string };

/** Apply read-back verdicts in one transaction. Only rows still 'done' and awaiting a read move. */
export function settleConfirmations(db: Db, verdicts: ConfirmVerdict[], nowIso: string): void {
  if (verdicts.length === 0) return;
  const guard = `WHERE id = ? AND state = 'done' AND outcome IS NULL AND confirm_at IS NOT NULL`;
  const confirmed = db.prepare(`UPDATE outbox SET outcome = 'confirmed', confirmed_at = ?, confirm_at = NULL, confirm_reads = confirm_reads + 1, updated_at = ? ${guard}`);
  const changed = db.prepare(
    `UPDATE outbox SET outcome = 'changed_in_mis', register_mark = ?, last_error = ?, last_error_kind = 'changed_in_mis', confirmed_at = ?, confirm_at = NULL,
       confirm_reads = confirm_reads + 1, updated_at = ? ${guard}`,
  );
  const wait = db.prepare(`UPDATE outbox SET confirm_at = ?, confirm_reads = confirm_reads + 1, updated_at = ? ${guard}`);
  const resend = db.prepare(
    `UPDATE outbox SET state = 'pending', next_attempt_at = ?, last_error = ?, last_error_kind = 'not_in_register', confirm_at = NULL,
       confirm_reads = confirm_reads + 1, updated_at = ? ${guard}`,
  );
  const drop = db.prepare(`UPDATE outbox SET confirm_at = NULL, last_error = COALESCE(?, last_error), updated_at = ? ${guard}`);
  const readFailed = db.prepare(`UPDATE outbox SET confirm_at = ?, updated_at = ? ${guard}`);
  db.transaction(() => {
    for (const v of verdicts) {
      if (v.verdict === 'confirmed') confirmed.run(nowIso, nowIso, v.id);
      else if (v.verdict === 'changed') changed.run(v.registerMark, v.message, nowIso, nowIso, v.id);
      else if (v.verdict === 'wait') wait.run(v.confirmAt, nowIso, v.id);
      else if (v.verdict === 'resend') resend.run(v.nextAttemptAt, v.message, nowIso, v.id);
      else if (v.verdict === 'drop') drop.run(v.note ?? null, nowIso, v.id);
      else readFailed.run(v.confirmAt, nowIso, v.id);
    }
  })();
}
