// Reading Wonde's answers: one row of a session or lesson register read as a mark, whatever
// plausible shape the school's Wonde answers in, and Wonde's date values. Apart from the
// connector (which makes the requests and writes) so that each reads in one sitting.
// Wire facts: reference/mis-apis.md; the fake in tests/fakes/wonde.
import type { SessionName } from '../../../../shared/settings';
import { MisError } from '../errors';
import type { ExistingMark } from '../types';

/** A date as Wonde sends it: a string, or PHP's {date, timezone_type, timezone} object. */
export type WondeDate = string | { date?: string } | null | undefined;

/**
 * One row of `GET /attendance/session|lesson` → a mark, or null for a slot with no mark in it or
 * a row of a student not `wanted`.
 * Which shape a school's Wonde answers in is not settled by any public source (reference/mis-apis.md),
 * so every plausible one is read: a relation as an id, as an included `{data: {...}}` object or as
 * a flat `…_id` field; the code as a Wonde id or a bare letter; dates as strings or as PHP's
 * `{date, timezone_type, timezone}` object. The code is returned as written (id or letter) for
 * the caller to resolve. What cannot be read throws (transient): a register we
 * cannot read must never look empty.
 */
export function readRow(
  row: unknown,
  target: 'session' | 'lesson',
  wanted: ReadonlySet<string>,
): (Omit<ExistingMark, 'date'> & { misId: string; date: string | null }) | null {
  const unreadable = (what: string) =>
    new MisError(
      'server_error',
      `Wonde answered a ${target} register read Passdesk cannot understand (${what}); the register will be read again later.`,
      { body: row },
    );
  if (!row || typeof row !== 'object') throw unreadable('a row that is not an object');
  const r = row as Record<string, unknown>;
  const misId = relationId(r, 'student');
  if (misId === undefined || misId === null) throw unreadable('no student on a row');
  if (!wanted.has(misId)) return null;
  const rawDate = r.date ?? r.attendance_date;
  const date = rawDate === undefined || rawDate === null ? null : dayOf(rawDate as WondeDate);
  if (rawDate !== undefined && rawDate !== null && date === null)
    throw unreadable(`a date "${JSON.stringify(rawDate)}"`);
  let session: SessionName | null = null;
  let lessonId: string | null = null;
  if (target === 'session') {
    const s = typeof r.session === 'string' ? r.session.trim().toUpperCase() : '';
    if (s !== 'AM' && s !== 'PM') throw unreadable(`a session "${String(r.session)}"`);
    session = s;
  } else {
    lessonId = relationId(r, 'lesson') ?? null;
    if (!lessonId) throw unreadable('no lesson on a lesson mark');
  }
  const code = codeValue(r);
  if (code === undefined) throw unreadable('no attendance code field');
  if (code === null) return null; // the slot exists and holds no mark yet
  return { misId, session, lessonId, date, code, comment: typeof r.comment === 'string' ? r.comment : null };
}

/** `student`/`lesson` as an id, an included object, or a flat `student_id`; undefined when absent, null when empty. */
function relationId(r: Record<string, unknown>, name: string): string | null | undefined {
  // A null relation next to a flat id field (`student: null, student_id: "…"`) is the id.
  const v =
    r[name] !== undefined && r[name] !== null
      ? r[name]
      : r[`${name}_id`] !== undefined
        ? r[`${name}_id`]
        : r[name];
  if (v === undefined) return undefined;
  if (v === null) return null;
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  if (typeof v === 'object') {
    const o = v as { id?: unknown; data?: unknown };
    if (o.data === null) return null;
    const inner = (o.data && typeof o.data === 'object' ? o.data : o) as { id?: unknown };
    if (typeof inner.id === 'string' || typeof inner.id === 'number') return String(inner.id);
  }
  return undefined;
}

/** The code a row holds as written (id or letter); undefined when there is no code field, null when empty. */
function codeValue(r: Record<string, unknown>): string | null | undefined {
  // `attendance_code: null` next to `attendance_code_id: "…"` is that id, never an empty slot.
  const nested = r.attendance_code;
  const v =
    nested !== undefined &&
    nested !== null &&
    !(typeof nested === 'object' && (nested as { data?: unknown }).data === null)
      ? nested
      : r.attendance_code_id !== undefined
        ? r.attendance_code_id
        : nested;
  if (v === undefined) return undefined;
  if (v === null || v === '') return null;
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  if (typeof v === 'object') {
    const o = v as { data?: unknown };
    if (o.data === null) return null;
    const inner = (o.data && typeof o.data === 'object' ? o.data : v) as { id?: unknown; code?: unknown };
    // An included object carries both: its id is the exact key, its letter a fallback.
    if (typeof inner.id === 'string' || typeof inner.id === 'number') return String(inner.id);
    if (typeof inner.code === 'string' && inner.code !== '') return inner.code;
  }
  return undefined;
}

/** Wonde dates come as "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS(.ffffff)" or {date: that, timezone_type, timezone}. */
function dateString(v: WondeDate): string | null {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof v.date === 'string') return v.date;
  return null;
}
export function dayOf(v: WondeDate): string | null {
  const s = dateString(v);
  return s && /^\d{4}-\d{2}-\d{2}/.test(s) ? s.slice(0, 10) : null;
}
export function timeOf(v: WondeDate): string | null {
  const m = /[ T](\d{2}:\d{2})/.exec(dateString(v) ?? '');
  return m ? m[1]! : null;
}
