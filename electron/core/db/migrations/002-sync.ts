// The sync engine's additions to the outbox, for the admin's writeback log: when the mark went,
// where it went (the session, or the lesson an Arbor school takes it on), and what the register
// held before we wrote (so "why was this skipped?" has an answer). Additive only.
export const migration002 = {
  version: 2,
  name: 'sync',
  sql: `
ALTER TABLE outbox ADD COLUMN sent_at TEXT;
ALTER TABLE outbox ADD COLUMN target TEXT;
ALTER TABLE outbox ADD COLUMN previous_mark TEXT;
`,
};
