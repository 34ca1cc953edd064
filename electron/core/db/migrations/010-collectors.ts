// Issue 17: who collected a student at an early sign-out. One row per sign event that named a
// collector: a contact from the roster (kind 'contact', approval 'not_needed'), a name typed at a
// "collected by" reason (kind 'typed'), or "Someone else" (kind 'someone_else'), which waits for
// reception to approve (approval 'pending' → 'approved'). The row goes with its event: the
// foreign key lets the retention purge (maintenance/retention.ts) delete it with the event.
export const migration010 = {
  version: 10,
  name: 'collectors',
  sql: `
CREATE TABLE event_collectors (
  event_id TEXT PRIMARY KEY REFERENCES events(id),
  student_id TEXT NOT NULL,
  name TEXT NOT NULL,
  relationship TEXT,
  kind TEXT NOT NULL CHECK (kind IN ('contact', 'typed', 'someone_else')),
  approval TEXT NOT NULL CHECK (approval IN ('not_needed', 'pending', 'approved')),
  approved_by TEXT,
  approved_at TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX event_collectors_pending ON event_collectors (approval) WHERE approval = 'pending';
`,
};
