// The message outbox's SQL (issue 17, part 3): e-mails to parents and webhook deliveries, queued
// with (or right after) the event that caused them, claimed → sending → sent | pending | failed.
// Every state change is one short transaction (synchronous=FULL), so a kill at any moment leaves a
// row where it was or where it was going. See electron/core/messages/README.md for the guarantees.
import type { Db } from './database';

export type MessageState = 'pending' | 'sending' | 'sent' | 'failed';
export type MessageKind = 'early_leave' | 'late_arrival' | 'test';
export type MessageChannel = 'email' | 'webhook';

export interface MessageRow {
  id: number;
  event_id: string;
  student_id: string;
  kind: MessageKind;
  channel: MessageChannel;
  recipient: string;
  recipient_name: string | null;
  message_id: string;
  subject: string | null;
  body: string;
  state: MessageState;
  attempts: number;
  next_attempt_at: string;
  give_up_at: string;
  last_error: string | null;
  last_error_kind: string | null;
  server_reply: string | null;
  sending_at: string | null;
  sent_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface NewMessage {
  eventId: string;
  studentId: string;
  kind: MessageKind;
  channel: MessageChannel;
  recipient: string;
  recipientName: string | null;
  messageId: string;
  subject: string | null;
  body: string;
  giveUpAt: string;
}

export class MessageRepository {
  constructor(private readonly db: Db) {}

  /** Has this event been decided (messages queued, or none and why)? */
  decided(eventId: string): boolean {
    return !!this.db.prepare('SELECT 1 FROM message_triggers WHERE event_id = ?').get(eventId);
  }

  /**
   * Record the decision for one event and queue its messages. Call inside the event's own
   * transaction, or alone (the start-up sweep): either way it is one transaction with the marker,
   * and a second call for the same event does nothing.
   */
  queueForEvent(eventId: string, messages: NewMessage[], note: string | null, nowIso: string): number {
    return this.db.transaction(() => {
      const marked = this.db
        .prepare('INSERT OR IGNORE INTO message_triggers (event_id, decided_at, queued, note) VALUES (?, ?, ?, ?)')
        .run(eventId, nowIso, messages.length, note).changes;
      if (marked === 0) return 0;
      return this.insert(messages, nowIso);
    })();
  }

  /** Queue messages with no event behind them (the admin's "send a test message"). */
  insert(messages: NewMessage[], nowIso: string): number {
    const ins = this.db.prepare(
      `INSERT OR IGNORE INTO message_outbox (event_id, student_id, kind, channel, recipient, recipient_name, message_id, subject, body, state, attempts,
         next_attempt_at, give_up_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?)`,
    );
    let n = 0;
    for (const m of messages) {
      n += ins.run(m.eventId, m.studentId, m.kind, m.channel, m.recipient, m.recipientName, m.messageId, m.subject, m.body, nowIso, m.giveUpAt, nowIso, nowIso).changes;
    }
    return n;
  }

  /**
   * Events that may need messages and have not been decided: today's (school-local) first-hand
   * sign-ins and sign-outs since messages were switched on. Overrides (supersedes set) change a
   * reason or code, not whether the student left: they never tell home a second time.
   */
  undecidedEvents(localDate: string, sinceIso: string, limit: number): { id: string; studentId: string }[] {
    return this.db
      .prepare(
        `SELECT e.id AS id, e.student_id AS studentId FROM events e
         WHERE e.local_date = ? AND e.occurred_at >= ? AND e.supersedes IS NULL
           AND NOT EXISTS (SELECT 1 FROM message_triggers t WHERE t.event_id = e.id)
         ORDER BY e.occurred_at LIMIT ?`,
      )
      .all(localDate, sinceIso, limit) as { id: string; studentId: string }[];
  }

  /**
   * Claim due rows: each goes pending → sending (attempts + 1, sending_at) in one transaction
   * that is on disk before any byte leaves for the server.
   */
  claimDue(nowIso: string, limit: number): MessageRow[] {
    return this.db.transaction(() => {
      const rows = this.db
        .prepare(`SELECT * FROM message_outbox WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`)
        .all(nowIso, limit) as MessageRow[];
      const claim = this.db.prepare(
        `UPDATE message_outbox SET state = 'sending', attempts = attempts + 1, sending_at = ?, updated_at = ? WHERE id = ? AND state = 'pending'`,
      );
      for (const r of rows) {
        claim.run(nowIso, nowIso, r.id);
        r.state = 'sending';
        r.attempts += 1;
        r.sending_at = nowIso;
      }
      return rows;
    })();
  }

  /** Claim one row by its Message-ID (the admin's test message, sent at once). */
  claimById(messageId: string, nowIso: string): MessageRow | null {
    const changed = this.db
      .prepare(`UPDATE message_outbox SET state = 'sending', attempts = attempts + 1, sending_at = ?, updated_at = ? WHERE message_id = ? AND state = 'pending'`)
      .run(nowIso, nowIso, messageId).changes;
    if (!changed) return null;
    return this.db.prepare('SELECT * FROM message_outbox WHERE message_id = ?').get(messageId) as MessageRow;
  }

  markSent(id: number, reply: string | null, nowIso: string): void {
    this.db
      .prepare(
        `UPDATE message_outbox SET state = 'sent', sent_at = ?, server_reply = ?, last_error = NULL, last_error_kind = NULL, updated_at = ?
         WHERE id = ? AND state = 'sending'`,
      )
      .run(nowIso, reply, nowIso, id);
  }

  markRetry(id: number, nextAttemptAt: string, kind: string, message: string, nowIso: string): void {
    this.db
      .prepare(`UPDATE message_outbox SET state = 'pending', next_attempt_at = ?, last_error = ?, last_error_kind = ?, updated_at = ? WHERE id = ? AND state = 'sending'`)
      .run(nextAttemptAt, message, kind, nowIso, id);
  }

  markFailed(id: number, kind: string, message: string, nowIso: string): void {
    this.db
      .prepare(`UPDATE message_outbox SET state = 'failed', last_error = ?, last_error_kind = ?, updated_at = ? WHERE id = ? AND state IN ('sending', 'pending')`)
      .run(message, kind, nowIso, id);
  }

  /**
   * At start-up: rows left `sending` by a crash go back to the queue, due now, with the same
   * Message-ID. Their send may or may not have reached the server (see the README).
   */
  recoverSending(nowIso: string): number {
    return this.db
      .prepare(
        `UPDATE message_outbox SET state = 'pending', next_attempt_at = ?, last_error_kind = 'interrupted',
           last_error = 'The kiosk stopped while sending; sent again with the same Message-ID.', updated_at = ?
         WHERE state = 'sending'`,
      )
      .run(nowIso, nowIso).changes;
  }

  /** Pending rows whose time is up: given up, never sent hours late. */
  giveUpStale(nowIso: string): number {
    return this.db
      .prepare(
        `UPDATE message_outbox SET state = 'failed', last_error_kind = 'expired',
           last_error = 'Not sent in time (' || COALESCE(last_error, 'no answer') || '); given up so it does not arrive hours late.', updated_at = ?
         WHERE state = 'pending' AND give_up_at <= ?`,
      )
      .run(nowIso, nowIso).changes;
  }

  /** After the admin fixed the settings: waiting rows go at once, failed ones (by id, or all) again. */
  retry(which: number[] | 'all_failed' | 'waiting', nowIso: string, giveUpAt: string): number {
    if (which === 'waiting') {
      return this.db.prepare(`UPDATE message_outbox SET next_attempt_at = ?, updated_at = ? WHERE state = 'pending' AND next_attempt_at > ?`).run(nowIso, nowIso, nowIso).changes;
    }
    const stmt = this.db.prepare(
      `UPDATE message_outbox SET state = 'pending', attempts = 0, next_attempt_at = ?, give_up_at = MAX(give_up_at, ?), updated_at = ? WHERE state = 'failed' AND (? = 1 OR id = ?)`,
    );
    return this.db.transaction(() => {
      if (which === 'all_failed') return stmt.run(nowIso, giveUpAt, nowIso, 1, 0).changes;
      let n = 0;
      for (const id of which) n += stmt.run(nowIso, giveUpAt, nowIso, 0, id).changes;
      return n;
    })();
  }

  nextDueAt(): string | null {
    return (this.db.prepare(`SELECT MIN(next_attempt_at) AS t FROM message_outbox WHERE state = 'pending'`).get() as { t: string | null }).t;
  }

  counts(): Record<MessageState, number> {
    const out: Record<MessageState, number> = { pending: 0, sending: 0, sent: 0, failed: 0 };
    for (const r of this.db.prepare('SELECT state, COUNT(*) AS n FROM message_outbox GROUP BY state').all() as { state: MessageState; n: number }[]) out[r.state] = r.n;
    return out;
  }

  /**
   * For the doctor: how many wait or failed, since when, and the newest reason a message is not
   * through (a refused SMTP sign-in keeps every message waiting, so the admin must hear of it).
   */
  health(): { waiting: number; failed: number; oldestWaitingAt: string | null; latest: { state: MessageState; kind: string | null; reason: string; attempts: number } | null } {
    const c = this.db
      .prepare(
        `SELECT SUM(state IN ('pending', 'sending')) AS waiting, SUM(state = 'failed') AS failed,
                MIN(CASE WHEN state IN ('pending', 'sending') THEN created_at END) AS oldest
         FROM message_outbox WHERE kind != 'test'`,
      )
      .get() as { waiting: number | null; failed: number | null; oldest: string | null };
    const latest = this.db
      .prepare(
        `SELECT state, last_error_kind AS kind, last_error AS reason, attempts FROM message_outbox
         WHERE state IN ('pending', 'failed') AND last_error IS NOT NULL AND kind != 'test' ORDER BY updated_at DESC, id DESC LIMIT 1`,
      )
      .get() as { state: MessageState; kind: string | null; reason: string; attempts: number } | undefined;
    return { waiting: c.waiting ?? 0, failed: c.failed ?? 0, oldestWaitingAt: c.oldest, latest: latest ?? null };
  }

  get(id: number): MessageRow | null {
    return (this.db.prepare('SELECT * FROM message_outbox WHERE id = ?').get(id) as MessageRow | undefined) ?? null;
  }

  /** The log, newest first, with the student's name for the admin screen. */
  log(filter: { state?: MessageState | 'all' }, offset: number, limit: number): { rows: (MessageRow & { forename: string | null; surname: string | null })[]; total: number } {
    const where = filter.state && filter.state !== 'all' ? 'WHERE m.state = ?' : '';
    const args = filter.state && filter.state !== 'all' ? [filter.state] : [];
    const rows = this.db
      .prepare(
        `SELECT m.*, s.forename AS forename, s.surname AS surname FROM message_outbox m LEFT JOIN students s ON s.id = m.student_id
         ${where} ORDER BY m.id DESC LIMIT ? OFFSET ?`,
      )
      .all(...args, limit, offset) as (MessageRow & { forename: string | null; surname: string | null })[];
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM message_outbox m ${where}`).get(...args) as { n: number }).n;
    return { rows, total };
  }

  /** Privacy: finished messages (their text and addresses) older than the keep period go. */
  purge(beforeIso: string): number {
    return this.db.transaction(() => {
      const n = this.db.prepare(`DELETE FROM message_outbox WHERE state IN ('sent', 'failed') AND created_at < ?`).run(beforeIso).changes;
      this.db.prepare('DELETE FROM message_triggers WHERE decided_at < ?').run(beforeIso);
      return n;
    })();
  }

  getState(key: string): string | null {
    return (this.db.prepare('SELECT value FROM message_state WHERE key = ?').get(key) as { value: string } | undefined)?.value ?? null;
  }

  setState(key: string, value: string | null): void {
    if (value === null) this.db.prepare('DELETE FROM message_state WHERE key = ?').run(key);
    else this.db.prepare('INSERT INTO message_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }
}
