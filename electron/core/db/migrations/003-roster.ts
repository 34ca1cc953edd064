// Roster import (issue 7): a record of every import with its counts and bad rows, the admin's
// saved CSV column mappings, a new academic year waiting for the admin, and contact details
// (the one thing a summer pause still updates). Additive only.
export const migration003 = {
  version: 3,
  name: 'roster',
  sql: `
CREATE TABLE roster_imports (
  id INTEGER PRIMARY KEY,
  trigger TEXT NOT NULL CHECK (trigger IN ('scheduled', 'manual', 'rollover_approval')),
  source_kind TEXT NOT NULL,
  source_label TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  outcome TEXT NOT NULL DEFAULT 'running'
    CHECK (outcome IN ('running', 'applied', 'frozen', 'rollover_pending', 'refused', 'failed')),
  counts TEXT NOT NULL DEFAULT '{}',
  issue_count INTEGER NOT NULL DEFAULT 0,
  -- The first few hundred issues, for the admin screen; issue_count says how many there were.
  issues TEXT NOT NULL DEFAULT '[]',
  message TEXT
);
CREATE INDEX roster_imports_started ON roster_imports(started_at);

CREATE TABLE roster_mappings (
  name TEXT PRIMARY KEY,
  json TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- At most one new academic year waits for the admin; a later import replaces it.
CREATE TABLE roster_pending_rollover (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  import_id INTEGER NOT NULL REFERENCES roster_imports(id),
  detected_at TEXT NOT NULL,
  source_kind TEXT NOT NULL,
  source_label TEXT NOT NULL,
  verdict TEXT NOT NULL,
  records TEXT NOT NULL
);

CREATE TABLE student_contacts (
  student_id TEXT PRIMARY KEY REFERENCES students(id),
  json TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
`,
};
