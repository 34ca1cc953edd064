// Telling home (issue 17, part 3): the message outbox, its own table beside the writeback outbox.
// One row per message (one e-mail to one contact, or one webhook delivery), with its text as it
// was rendered when queued, so a resend after a crash is the same message with the same
// Message-ID. `sending` is written (and synced) before the network is touched: a row found in
// `sending` at start-up is the one message that may have reached the server unrecorded.
// message_triggers: each event decided once (queued N messages, or none and why), so the
// start-up sweep that catches an event queued without its messages never decides it twice.
export const migration012 = {
  version: 12,
  name: 'messages',
  sql: `
CREATE TABLE message_outbox (
  id INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL,
  student_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('early_leave', 'late_arrival', 'test')),
  channel TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
  recipient TEXT NOT NULL,
  recipient_name TEXT,
  message_id TEXT NOT NULL UNIQUE,
  subject TEXT,
  body TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  give_up_at TEXT NOT NULL,
  last_error TEXT,
  last_error_kind TEXT,
  server_reply TEXT,
  sending_at TEXT,
  sent_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (event_id, channel, recipient)
);
CREATE INDEX message_outbox_due ON message_outbox (state, next_attempt_at);
CREATE INDEX message_outbox_created ON message_outbox (created_at);
CREATE TABLE message_triggers (
  event_id TEXT PRIMARY KEY,
  decided_at TEXT NOT NULL,
  queued INTEGER NOT NULL,
  note TEXT
);
CREATE TABLE message_state (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`,
};
