// The writeback log, as Navigate360 shows it: one row per event — type, student, MIS id, date and
// time, year/grade, reason, code, status (pending, sent, confirmed in the register, changed in
// the MIS, not sent, failed, skipped and why) and the
// error detail. Paged SQL so 100,000 rows stay smooth; CSV export for the office.
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/database';
import { writebackLogPage, type WritebackLogFilter, type WritebackLogRow } from '../db/writeback-log';

export type { LogStatus, WritebackLogFilter, WritebackLogRow } from '../db/writeback-log';

const SKIP_WORDS: Record<string, string> = {
  protected_code: 'The register already held a protected code.',
  present_writeback_off: 'On time; present marks are not written back.',
  no_leaver_code: 'Early sign-out with no leaver code configured.',
  outside_sessions: 'Outside the school day.',
  no_code: 'No code to write.',
};

export function queryWritebackLog(db: Db, filter: WritebackLogFilter, offset: number, limit: number): { rows: WritebackLogRow[]; total: number } {
  const { rows: raw, total } = writebackLogPage(db, filter, offset, limit);
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
