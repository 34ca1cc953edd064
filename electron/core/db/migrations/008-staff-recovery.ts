// Staff lockout per keypad session, and the site admin's recovery code (issue 13).
// last_failure_at: when the last wrong PIN was typed, so a keypad session that has gone quiet
// starts afresh. staff_recovery_code: one code, scrypt-hashed like the PINs, shown once.
export const migration008 = {
  version: 8,
  name: 'staff-recovery',
  sql: `
ALTER TABLE staff_lockout ADD COLUMN last_failure_at TEXT;
CREATE TABLE staff_recovery_code (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  salt TEXT NOT NULL,
  hash TEXT NOT NULL,
  params TEXT NOT NULL,
  created_at TEXT NOT NULL
);
`,
};
