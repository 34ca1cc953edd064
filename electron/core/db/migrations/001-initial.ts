// The first schema. Times are UTC ISO instants; local_date/local_time are the school's own
// wall clock at the event, kept so "today" never depends on the kiosk's time zone.
export const migration001 = {
  version: 1,
  name: 'initial',
  sql: `
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  json TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE students (
  id TEXT PRIMARY KEY,
  mis_id TEXT,
  forename TEXT NOT NULL,
  surname TEXT NOT NULL,
  year INTEGER,
  form TEXT,
  group_id TEXT,
  badge TEXT,
  photo TEXT,
  active INTEGER NOT NULL DEFAULT 1,
  source TEXT NOT NULL DEFAULT 'manual',
  updated_at TEXT NOT NULL
);
-- One student per badge: a clash is refused at import, not discovered at the desk.
CREATE UNIQUE INDEX students_badge ON students(badge) WHERE badge IS NOT NULL;
CREATE INDEX students_mis_id ON students(mis_id);

-- Name search for the forgot-my-badge path; kept in step by triggers.
CREATE VIRTUAL TABLE students_fts USING fts5(
  forename, surname, content='students', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER students_ai AFTER INSERT ON students BEGIN
  INSERT INTO students_fts(rowid, forename, surname) VALUES (new.rowid, new.forename, new.surname);
END;
CREATE TRIGGER students_ad AFTER DELETE ON students BEGIN
  INSERT INTO students_fts(students_fts, rowid, forename, surname) VALUES ('delete', old.rowid, old.forename, old.surname);
END;
CREATE TRIGGER students_au AFTER UPDATE OF forename, surname ON students BEGIN
  INSERT INTO students_fts(students_fts, rowid, forename, surname) VALUES ('delete', old.rowid, old.forename, old.surname);
  INSERT INTO students_fts(rowid, forename, surname) VALUES (new.rowid, new.forename, new.surname);
END;

CREATE TABLE events (
  id TEXT PRIMARY KEY,
  student_id TEXT NOT NULL REFERENCES students(id),
  direction TEXT NOT NULL CHECK (direction IN ('sign_in', 'sign_out')),
  occurred_at TEXT NOT NULL,
  local_date TEXT NOT NULL,
  local_time TEXT NOT NULL,
  session TEXT CHECK (session IN ('AM', 'PM')),
  reason_id TEXT,
  reason_label TEXT,
  code TEXT,
  minutes_late INTEGER,
  comment TEXT,
  writeback INTEGER NOT NULL,
  skip_reason TEXT,
  actor TEXT NOT NULL,
  supersedes TEXT REFERENCES events(id),
  superseded_by TEXT REFERENCES events(id),
  excused INTEGER,
  created_at TEXT NOT NULL
);
CREATE INDEX events_day ON events(local_date, occurred_at);
CREATE INDEX events_student_day ON events(student_id, local_date);

-- The durable job queue of writebacks. A row is written in the same transaction as its event.
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL REFERENCES events(id),
  student_id TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending'
    CHECK (state IN ('pending', 'in_flight', 'done', 'failed_permanent', 'skipped_protected', 'superseded')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error TEXT,
  last_error_kind TEXT,
  writeback_id TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX outbox_due ON outbox(state, next_attempt_at);
CREATE INDEX outbox_student ON outbox(student_id, id);
CREATE INDEX outbox_event ON outbox(event_id);

CREATE TABLE sync_runs (
  id INTEGER PRIMARY KEY,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  sent INTEGER NOT NULL DEFAULT 0,
  failed INTEGER NOT NULL DEFAULT 0,
  error TEXT
);

CREATE TABLE passes (
  id INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL REFERENCES events(id),
  requested_at TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('printed', 'failed', 'disabled')),
  problem TEXT,
  actor TEXT NOT NULL
);
CREATE INDEX passes_event ON passes(event_id);

CREATE TABLE attendance_codes (
  code TEXT PRIMARY KEY,
  mis_code_id TEXT,
  description TEXT,
  type TEXT,
  fetched_at TEXT NOT NULL
);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  subject TEXT,
  before TEXT,
  after TEXT
);

-- Refused scans: the reason only. The scanned text is kept only when it looked like a badge
-- (unknown_badge), never when it could be a password.
CREATE TABLE scan_rejections (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  reason TEXT NOT NULL,
  badge TEXT
);
`,
};
