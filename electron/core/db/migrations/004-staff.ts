// Staff: PINs (scrypt) with a persistent lockout, so a restart does not reset the count;
// an index for the writeback log's date order.
export const migration004 = {
  version: 4,
  name: 'staff',
  sql: `
CREATE TABLE staff_pins (
  role TEXT PRIMARY KEY CHECK (role IN ('receptionist', 'site_admin')),
  salt TEXT NOT NULL,
  hash TEXT NOT NULL,
  params TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE staff_lockout (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  failures INTEGER NOT NULL DEFAULT 0,
  lockouts INTEGER NOT NULL DEFAULT 0,
  locked_until TEXT
);
INSERT INTO staff_lockout (id, failures, lockouts, locked_until) VALUES (1, 0, 0, NULL);
CREATE INDEX events_occurred ON events(occurred_at);
`,
};
