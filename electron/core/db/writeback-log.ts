// The writeback log's query: one row per event with the state of its latest outbox row, filtered
// and paged in SQL so that 100,000 rows stay smooth. The words shown for each row are chosen in
// staff/writeback-log.ts.
import type { Db } from './database';

/**
 * succeeded: sent (the MIS accepted it; "Sent"). confirmed: read back from the register.
 * changed: the register holds another mark (a teacher changed it). not_sent: the MIS cannot take
 * this by design — not a failure, and not in "retry all failed".
 */
export type LogStatus = 'pending' | 'succeeded' | 'confirmed' | 'changed' | 'not_sent' | 'failed' | 'skipped';

export interface WritebackLogFilter {
  status?: LogStatus | 'all';
  name?: string;
  type?: 'sign_in' | 'sign_out';
  /** School-local dates, inclusive. */
  from?: string;
  to?: string;
}

export interface WritebackLogRow {
  eventId: string;
  outboxId: number | null;
  type: 'sign_in' | 'sign_out';
  studentName: string;
  misId: string | null;
  date: string;
  time: string;
  year: number | null;
  reason: string | null;
  code: string | null;
  status: LogStatus;
  /** Why a row was skipped or failed, in words an admin can act on. */
  detail: string | null;
  attempts: number;
  superseded: boolean;
}

/** A row as the query returns it, before staff/writeback-log.ts words its detail. */
export type WritebackLogRawRow = Omit<WritebackLogRow, 'detail' | 'superseded'> & {
  state: string | null;
  lastError: string | null;
  skipReason: string | null;
  superseded: number;
};

// The status of an event is the state of its latest outbox row, or "skipped" when it had none.
// The row's state as the engine sees it (sync/outbox.ts STATE_SQL): outcome refines done/skipped.
const O_STATE = 'COALESCE(o.outcome, o.state)';
const STATUS_SQL = `CASE
  WHEN o.state IS NULL THEN 'skipped'
  WHEN o.state IN ('pending', 'in_flight') THEN 'pending'
  WHEN ${O_STATE} = 'done' THEN 'succeeded'
  WHEN ${O_STATE} = 'confirmed' THEN 'confirmed'
  WHEN ${O_STATE} = 'changed_in_mis' THEN 'changed'
  WHEN ${O_STATE} = 'not_sent' THEN 'not_sent'
  WHEN o.state = 'failed_permanent' THEN 'failed'
  ELSE 'skipped' END`;

function whereClause(f: WritebackLogFilter): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (f.status && f.status !== 'all') {
    parts.push(`${STATUS_SQL} = ?`);
    params.push(f.status);
  }
  if (f.type) {
    parts.push('e.direction = ?');
    params.push(f.type);
  }
  if (f.from) {
    parts.push('e.local_date >= ?');
    params.push(f.from);
  }
  if (f.to) {
    parts.push('e.local_date <= ?');
    params.push(f.to);
  }
  if (f.name?.trim()) {
    parts.push(`(s.forename || ' ' || s.surname) LIKE ? ESCAPE '\\'`);
    params.push(`%${f.name.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  }
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

const FROM = `FROM events e
  JOIN students s ON s.id = e.student_id
  LEFT JOIN outbox o ON o.id = (SELECT MAX(id) FROM outbox WHERE event_id = e.id)`;

export function writebackLogPage(db: Db, filter: WritebackLogFilter, offset: number, limit: number): { rows: WritebackLogRawRow[]; total: number } {
  const w = whereClause(filter);
  const total = (db.prepare(`SELECT COUNT(*) AS n ${FROM} ${w.sql}`).get(...w.params) as { n: number }).n;
  // Newest first, day by day: events_day's order (migration 014), read without sorting.
  const rows = db
    .prepare(
      `SELECT e.id AS eventId, o.id AS outboxId, e.direction AS type, s.forename || ' ' || s.surname AS studentName, s.mis_id AS misId,
              e.local_date AS date, e.local_time AS time, s.year AS year, e.reason_label AS reason, e.code AS code,
              ${STATUS_SQL} AS status, o.state AS state, o.last_error AS lastError, e.skip_reason AS skipReason,
              COALESCE(o.attempts, 0) AS attempts, e.superseded_by IS NOT NULL AS superseded
       ${FROM} ${w.sql}
       ORDER BY e.local_date DESC, e.occurred_at DESC, e.rowid DESC LIMIT ? OFFSET ?`,
    )
    .all(...w.params, limit, offset) as WritebackLogRawRow[];
  return { rows, total };
}
