// Issue 12: "not sent" and "confirmed in the register". The outbox's state list is a CHECK
// constraint, which SQLite cannot alter, so the table is rebuilt (the documented 12-step way:
// new table, copy, drop, rename; nothing references outbox, so foreign keys stay valid). New:
// - not_sent: the MIS cannot take this mark by design (no early-leaver codes, no lesson in the
//   session, writeback switched off): not a failure, never retried by "retry all failed";
// - confirmed: the register was read back and holds our mark;
// - changed_in_mis: the register holds a different mark (a teacher changed it); register_mark
//   keeps that code. It is never overwritten except by a later kiosk event for the slot.
// confirm_at: when the next read-back of a sent ('done') row is due; NULL = not awaiting one
// (rows sent before this version, and connectors that cannot read the register back).
export const migration006 = {
  version: 6,
  name: 'confirm',
  sql: `
CREATE TABLE outbox_new (
  id INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL REFERENCES events(id),
  student_id TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending'
    CHECK (state IN ('pending', 'in_flight', 'done', 'failed_permanent', 'skipped_protected', 'superseded', 'not_sent', 'confirmed', 'changed_in_mis')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error TEXT,
  last_error_kind TEXT,
  writeback_id TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  sent_at TEXT,
  target TEXT,
  previous_mark TEXT,
  mis_id TEXT,
  lesson_id TEXT,
  confirm_at TEXT,
  confirm_reads INTEGER NOT NULL DEFAULT 0,
  confirmed_at TEXT,
  register_mark TEXT
);
INSERT INTO outbox_new (id, event_id, student_id, idempotency_key, kind, payload, state, attempts, next_attempt_at, last_error,
                        last_error_kind, writeback_id, created_at, updated_at, sent_at, target, previous_mark)
  SELECT id, event_id, student_id, idempotency_key, kind, payload, state, attempts, next_attempt_at, last_error,
         last_error_kind, writeback_id, created_at, updated_at, sent_at, target, previous_mark FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox(state, next_attempt_at);
CREATE INDEX outbox_student ON outbox(student_id, id);
CREATE INDEX outbox_event ON outbox(event_id);
CREATE INDEX outbox_confirm ON outbox(confirm_at) WHERE confirm_at IS NOT NULL;
`,
};
