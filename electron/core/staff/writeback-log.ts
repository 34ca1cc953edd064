// The writeback log, as Navigate360 shows it: one row per event — type, student, MIS id, date and
// time, year/grade, reason, code, status (pending, sent, confirmed in the register, changed in
// the MIS, not sent, failed, skipped and why) and the
// error detail. Paged SQL so 100,000 rows stay smooth; CSV export for the office.
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/database';

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

const SKIP_WORDS: Record<string, string> = {
  protected_code: 'The register already held a protected code.',
  present_writeback_off: 'On time; present marks are not written back.',
  no_leaver_code: 'Early sign-out with no leaver code configured.',
  outside_sessions: 'Outside the school day.',
  no_code: 'No code to write.',
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

export function queryWritebackLog(db: Db, filter: WritebackLogFilter, offset: number, limit: number): { rows: WritebackLogRow[]; total: number } {
  const w = whereClause(filter);
  const total = (db.prepare(`SELECT COUNT(*) AS n ${FROM} ${w.sql}`).get(...w.params) as { n: number }).n;
  const raw = db
    .prepare(
      `SELECT e.id AS eventId, o.id AS outboxId, e.direction AS type, s.forename || ' ' || s.surname AS studentName, s.mis_id AS misId,
              e.local_date AS date, e.local_time AS time, s.year AS year, e.reason_label AS reason, e.code AS code,
              ${STATUS_SQL} AS status, o.state AS state, o.last_error AS lastError, e.skip_reason AS skipReason,
              COALESCE(o.attempts, 0) AS attempts, e.superseded_by IS NOT NULL AS superseded
       ${FROM} ${w.sql}
       ORDER BY e.occurred_at DESC, e.rowid DESC LIMIT ? OFFSET ?`,
    )
    .all(...w.params, limit, offset) as (Omit<WritebackLogRow, 'detail' | 'superseded'> & {
    state: string | null;
    lastError: string | null;
    skipReason: string | null;
    superseded: number;
  })[];
  const rows = raw.map(({ state, lastError, skipReason, superseded, ...r }) => ({
    ...r,
    superseded: superseded === 1,
    detail:
      state === 'superseded'
        ? 'Replaced by a receptionist’s change before it was sent.'
        : lastError ?? (skipReason ? SKIP_WORDS[skipReason] ?? skipReason : null),
  }));
  return { rows, total };
}

/** A spreadsheet must never run a cell: values starting with = + - @ are quoted as text. */
function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function exportWritebackLog(db: Db, filter: WritebackLogFilter, dir: string, stamp: string): { path: string; rows: number } {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `writeback-log-${stamp.replace(/[:.]/g, '-')}.csv`);
  const header = ['Type', 'Student', 'MIS id', 'Date', 'Time', 'Year', 'Reason', 'Code', 'Status', 'Detail', 'Attempts'];
  const lines = [header.join(',')];
  let count = 0;
  for (let offset = 0; ; offset += 5000) {
    const { rows } = queryWritebackLog(db, filter, offset, 5000);
    for (const r of rows) {
      lines.push(
        [r.type === 'sign_in' ? 'Late sign-in' : 'Early sign-out', r.studentName, r.misId, r.date, r.time, r.year, r.reason, r.code, r.status, r.detail, r.attempts]
          .map(csvCell)
          .join(','),
      );
    }
    count += rows.length;
    if (rows.length < 5000) break;
  }
  // Written whole, then renamed: a half-written export never appears in the folder.
  fs.writeFileSync(`${file}.tmp`, lines.join('\r\n') + '\r\n');
  fs.renameSync(`${file}.tmp`, file);
  return { path: file, rows: count };
}
