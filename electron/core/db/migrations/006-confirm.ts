// Issue 12: "not sent" and "confirmed in the register". Additive only: the outbox's state column
// keeps its CHECK list (SQLite cannot widen a CHECK without rebuilding the table, and shipped
// migrations never drop or rename), so the finer outcome of a finished row goes in `outcome`:
// - 'not_sent' (state 'skipped_protected'): the MIS cannot take this mark by design (no
//   early-leaver codes, no lesson in the session, writeback switched off); not a failure, never
//   retried by "retry all failed";
// - 'confirmed' (state 'done'): the register was read back and holds our mark;
// - 'changed_in_mis' (state 'done'): the register holds another mark (a teacher changed it);
//   register_mark keeps that code. It is never overwritten except by a later kiosk event.
// The engine reads COALESCE(outcome, state) as the row's state (sync/outbox.ts).
// confirm_at: when the next read-back of a sent row is due; NULL = none awaited (rows sent
// before this version, and connectors that cannot read the register back).
export const migration006 = {
  version: 6,
  name: 'confirm',
  sql: `
ALTER TABLE outbox ADD COLUMN outcome TEXT CHECK (outcome IS NULL OR outcome IN ('not_sent', 'confirmed', 'changed_in_mis'));
ALTER TABLE outbox ADD COLUMN mis_id TEXT;
ALTER TABLE outbox ADD COLUMN lesson_id TEXT;
ALTER TABLE outbox ADD COLUMN confirm_at TEXT;
ALTER TABLE outbox ADD COLUMN confirm_reads INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN confirmed_at TEXT;
ALTER TABLE outbox ADD COLUMN register_mark TEXT;
CREATE INDEX outbox_confirm ON outbox(confirm_at) WHERE confirm_at IS NOT NULL;
`,
};
