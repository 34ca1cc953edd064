// What goes in an export file, as pure functions: the record for one mark (resolved when the mark
// is handed over, so a file can be written again byte for byte), the CSV text, the file name.
import type { ExportField, FileExportUsSettings } from '../../../../shared/mis-us';
import { periodAt } from '../../../../shared/school-time';
import type { Period } from '../../../../shared/settings';
import type { SessionMarkWrite } from '../types';

/** One exported line's values, frozen at hand-over time. */
export interface ExportRecord {
  ref: number;
  studentId: string;
  firstName: string;
  lastName: string;
  date: string;
  time: string;
  period: string;
  /** The SIS's external code, exactly as the SIS spells it. */
  code: string;
  comment: string;
  minutesLate: number | null;
  direction: 'sign_in' | 'sign_out';
  schoolId: string;
}

export const DEFAULT_HEADERS: Record<ExportField, string> = {
  student_id: 'Student ID',
  first_name: 'First Name',
  last_name: 'Last Name',
  full_name: 'Student Name',
  date: 'Date',
  time: 'Time',
  period: 'Period',
  code: 'Code',
  comment: 'Comment',
  minutes_late: 'Minutes Late',
  event_type: 'Type',
  school_id: 'School',
};

export function toRecord(
  m: SessionMarkWrite,
  settings: FileExportUsSettings,
  externalCode: string,
  name: { forename: string; surname: string } | null,
  bellSchedule: readonly Period[],
): ExportRecord {
  return {
    ref: m.ref,
    studentId: m.misId,
    firstName: name?.forename ?? '',
    lastName: name?.surname ?? '',
    date: m.date,
    time: m.localTime,
    period: periodAt(bellSchedule, m.localTime)?.name ?? '',
    code: externalCode,
    comment: m.comment ?? '',
    minutesLate: m.direction === 'sign_in' ? m.minutesLate : null,
    direction: m.direction,
    schoolId: settings.schoolId,
  };
}

function formatDate(iso: string, f: FileExportUsSettings['dateFormat']): string {
  if (f === 'YYYY-MM-DD') return iso;
  const [y, m, d] = iso.split('-');
  return `${m}/${d}/${y}`;
}

function formatTime(hhmm: string, f: FileExportUsSettings['timeFormat']): string {
  if (f === 'HH:mm') return hhmm;
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return `${h % 12 === 0 ? 12 : h % 12}:${String(m).padStart(2, '0')} ${h < 12 ? 'AM' : 'PM'}`;
}

export function fieldValue(r: ExportRecord, field: ExportField, s: FileExportUsSettings): string {
  switch (field) {
    case 'student_id':
      return r.studentId;
    case 'first_name':
      return r.firstName;
    case 'last_name':
      return r.lastName;
    case 'full_name':
      return [r.firstName, r.lastName].filter(Boolean).join(' ');
    case 'date':
      return formatDate(r.date, s.dateFormat);
    case 'time':
      return formatTime(r.time, s.timeFormat);
    case 'period':
      return r.period;
    case 'code':
      return r.code;
    case 'comment':
      return r.comment;
    case 'minutes_late':
      return r.minutesLate === null ? '' : String(r.minutesLate);
    case 'event_type':
      return r.direction === 'sign_in' ? 'Tardy' : 'Early Dismissal';
    case 'school_id':
      return r.schoolId;
  }
}

/** RFC 4180 quoting: a value with the delimiter, a quote or a line break is quoted, quotes doubled. */
function quote(v: string, delimiter: string): string {
  // A comment is free text: line breaks inside a record would break most SIS importers' line
  // reading even when quoted, so they become spaces.
  const flat = v.replace(/\r\n|\r|\n/g, ' ');
  return flat.includes(delimiter) || flat.includes('"') ? `"${flat.replace(/"/g, '""')}"` : flat;
}

export function renderCsv(records: readonly ExportRecord[], s: FileExportUsSettings): string {
  const eol = s.lineEnding === 'crlf' ? '\r\n' : '\n';
  const lines: string[] = [];
  if (s.header) lines.push(s.fields.map((f) => quote(f.header ?? DEFAULT_HEADERS[f.field], s.delimiter)).join(s.delimiter));
  const sorted = [...records].sort((a, b) => a.date.localeCompare(b.date) || a.time.localeCompare(b.time) || a.ref - b.ref);
  for (const r of sorted) lines.push(s.fields.map((f) => quote(fieldValue(r, f.field, s), s.delimiter)).join(s.delimiter));
  return lines.length ? lines.join(eol) + eol : '';
}

/** The file name for a run: tokens {school} {date} {time} {run}, local wall clock "YYYYMMDD" / "HHmmss". */
export function fileNameFor(pattern: string, o: { school: string; localDate: string; localTime: string; run: number; rerunOf?: string }): string {
  const name = pattern
    .replace(/\{school\}/g, o.school.replace(/[^A-Za-z0-9_-]/g, ''))
    .replace(/\{date\}/g, o.localDate.replace(/-/g, ''))
    .replace(/\{time\}/g, o.localTime.replace(/:/g, ''))
    .replace(/\{run\}/g, String(o.run));
  if (!o.rerunOf) return name;
  // A re-run never overwrites the original file: the SIS may not have imported it yet.
  const dot = name.lastIndexOf('.');
  const tag = `-rerun-${o.rerunOf.replace(/-/g, '')}`;
  return dot > 0 ? `${name.slice(0, dot)}${tag}${name.slice(dot)}` : `${name}${tag}`;
}
