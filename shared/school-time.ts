// School time: the ONE place that knows how an instant reads on the school's own clock.
// Every date a school sees (the register day, "today" on the log, the session, the period, the
// school year, the retention cut-off, the export file's name) is computed here, in the school's
// IANA time zone, so that the core, the MIS connectors and the renderer can never disagree.
//
// Intl alone, no date library: shared/ also ships in the renderer bundle (luxon would add ~70 kB
// for what Intl.DateTimeFormat does), and a formatter per zone is cached because building one is
// the slow part. Wall times that fall in a DST gap or overlap resolve the way luxon resolves
// them (a gap moves forward by its length; an overlap takes the earlier instant) so that moving
// off luxon changes no answer.
import type { Period, SessionName } from './primitives';

/** The school's wall clock at an instant. */
export interface LocalClock {
  /** YYYY-MM-DD in the school's zone: the register day. */
  date: string;
  /** HH:MM (24-hour) in the school's zone. */
  time: string;
  /** Minutes since local midnight (0–1439). */
  minuteOfDay: number;
}

// One formatter per zone and precision: building Intl formatters is the slow part (luxon would
// do it per call). localClock is on the scan path, so its formatter leaves the seconds out.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string, seconds = false): Intl.DateTimeFormat {
  const key = seconds ? `${timeZone}|s` : timeZone;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      ...(seconds ? { second: '2-digit' as const } : {}),
      hourCycle: 'h23',
    });
    formatters.set(key, f);
  }
  return f;
}

function instantMs(at: string | number | Date): number {
  const ms = typeof at === 'number' ? at : at instanceof Date ? at.getTime() : Date.parse(at);
  if (Number.isNaN(ms)) throw new RangeError(`Invalid instant: ${String(at)}`);
  return ms;
}

interface WallParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallParts(ms: number, timeZone: string, seconds = true): WallParts {
  // The wall clock is the instant plus the zone's offset; the offset only changes at a DST
  // change. So the offset is asked of Intl once per zone and quarter hour and the rest is
  // arithmetic (formatToParts was a third of the scan path's JavaScript).
  const offset = bucketOffset(ms, timeZone);
  if (offset === null) return formattedParts(ms, timeZone, seconds);
  const d = new Date(ms + offset);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: seconds ? d.getUTCSeconds() : 0,
  };
}

function formattedParts(ms: number, timeZone: string, seconds: boolean): WallParts {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(timeZone, seconds).formatToParts(ms)) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: seconds ? Number(parts.second) : 0,
  };
}

const QUARTER_HOUR = 15 * 60_000;
const offsets = new Map<string, number | null>();

/**
 * The zone's offset (ms) for the quarter hour holding `ms`, or null when it changes inside that
 * quarter hour (then every instant is formatted by Intl). DST changes fall on quarter hours in
 * today's zones; the check of both ends makes the cache right even where one does not.
 */
function bucketOffset(ms: number, timeZone: string): number | null {
  const bucket = Math.floor(ms / QUARTER_HOUR);
  const key = `${timeZone}|${bucket}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const start = bucket * QUARTER_HOUR;
    const atStart = offsetOf(start, timeZone);
    offset = atStart === offsetOf(start + QUARTER_HOUR - 1000, timeZone) ? atStart : null;
    if (offsets.size > 2000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

/** The offset at an instant, from Intl (the formatter with seconds; the instant's milliseconds left out). */
function offsetOf(ms: number, timeZone: string): number {
  const w = formattedParts(ms, timeZone, true);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - (ms - (((ms % 1000) + 1000) % 1000));
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The school's wall clock at an instant (UTC ISO string, epoch ms or Date). */
export function localClock(at: string | number | Date, timeZone: string): LocalClock {
  const w = wallParts(instantMs(at), timeZone, false);
  return { date: `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`, time: `${pad(w.hour)}:${pad(w.minute)}`, minuteOfDay: w.hour * 60 + w.minute };
}

/** The school's wall clock to the second ("HH:MM:SS"), for file names and the like. */
export function timeWithSeconds(at: string | number | Date, timeZone: string): string {
  const w = wallParts(instantMs(at), timeZone);
  return `${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}

/** An instant in words as the school's clock shows it ("24 Nov 2026", "9:07 AM"), in the viewer's locale. */
export function formatInstant(at: string | number | Date, timeZone: string, locale: string, options: Omit<Intl.DateTimeFormatOptions, 'timeZone'>): string {
  return new Intl.DateTimeFormat(locale, { ...options, timeZone }).format(instantMs(at));
}

/** Today's date (YYYY-MM-DD) on the school's clock. */
export function todayIn(timeZone: string, now: string | number | Date): string {
  return localClock(now, timeZone).date;
}

/** The zone this machine's OS is set to (the fallback when a school has not set one). */
export function machineTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** True when `timeZone` is an IANA zone this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  if (!timeZone) return false;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Calendar dates (YYYY-MM-DD, no zone: a school day is a day whatever the offset)

function dateParts(date: string): [number, number, number] {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`Invalid date: ${date}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** True when `date` is a real YYYY-MM-DD day (2024-02-29 is, 2025-02-29 is not). */
export function isCalendarDate(date: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === date;
}

/** The date `days` calendar days after (or before, when negative) `date`. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = dateParts(date);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/**
 * A calendar date in words ("Fri 14 Mar", "Friday 14 November 2026"): formatted at UTC, since
 * the date is already the school's own and must not shift by the viewer's zone.
 */
export function formatSchoolDate(date: string, locale: string, options: Omit<Intl.DateTimeFormatOptions, 'timeZone'>): string {
  const [y, m, d] = dateParts(date);
  return new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, d, 12)));
}

/** The Monday of a date's week (Sunday belongs to the week before). */
export function mondayOf(date: string): string {
  return addDays(date, 1 - weekdayOf(date));
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function weekdayOf(date: string): number {
  const [y, m, d] = dateParts(date);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay() || 7;
}

// ---------------------------------------------------------------------------------------------
// Wall time → instant, across DST

/** The zone's offset from UTC at an instant, in milliseconds (+01:00 → 3 600 000). */
export function offsetMs(at: number, timeZone: string): number {
  return bucketOffset(at, timeZone) ?? offsetOf(at, timeZone);
}

/**
 * The instant at which the school's clock reads `time` on `date`. A wall time skipped by the
 * spring DST change moves forward by the gap (01:30 on the UK's spring day → 02:30 BST); one
 * repeated in autumn is the first of the two (as luxon's DateTime.set() from earlier that day did).
 */
export function instantAt(date: string, time: string, timeZone: string): Date {
  const [y, mo, d] = dateParts(date);
  const [h, mi, s] = time.split(':').map(Number) as [number, number, number | undefined];
  const wall = Date.UTC(y, mo - 1, d, h, mi, s ?? 0);
  // The offsets in force a day either side: at most one DST change lies between them.
  const before = wall - offsetMs(wall - 86_400_000, timeZone);
  const after = wall - offsetMs(wall + 86_400_000, timeZone);
  const reads = (t: number) => t + offsetMs(t, timeZone) === wall;
  const valid = [before, after].filter(reads);
  // Neither reads `wall`: it is in a spring gap, and the offset before the change moves it forward.
  return new Date(valid.length ? Math.min(...valid) : before);
}

/** The instant the school's day `date` begins (local midnight, or the first minute after it in a DST gap). */
export function startOfDay(date: string, timeZone: string): Date {
  return instantAt(date, '00:00', timeZone);
}

/** Whole minutes of school time from `from` to `to` (real minutes: a DST change is not a gap in the day). */
export function minutesBetween(from: string | number | Date, to: string | number | Date): number {
  return Math.floor((instantMs(to) - instantMs(from)) / 60_000);
}

// ---------------------------------------------------------------------------------------------
// Clock times (HH:MM), sessions, periods

/** "HH:MM" → minutes since midnight. */
export function toMinutes(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/** Minutes since midnight → "HH:MM" (wraps at midnight). */
export function fromMinutes(minutes: number): string {
  const m = ((Math.round(minutes) % 1440) + 1440) % 1440;
  return `${pad(Math.floor(m / 60))}:${pad(m % 60)}`;
}

/** The times of the two sessions, as the writeback rules hold them. */
export interface SessionTimes {
  AM: { end: string };
  PM: { end: string };
}

/** Where the school day splits when a school has set no session times: noon. */
export const NOON = '12:00';

/** Sessions for a school without session times: AM until noon, PM to the end of the day. */
export const DEFAULT_SESSIONS = { AM: { start: '00:00', end: NOON }, PM: { start: NOON, end: '23:59' } } as const;

/** The session an instant belongs to: AM until the AM session ends, then PM (lunch counts as PM); null after the day. */
export function sessionAt(rules: { sessions: SessionTimes }, minuteOfDay: number): SessionName | null {
  const { AM, PM } = rules.sessions;
  if (minuteOfDay < toMinutes(AM.end)) return 'AM';
  if (minuteOfDay < toMinutes(PM.end)) return 'PM';
  return null;
}

/**
 * The session of a local "HH:MM" for a connector that must name one: the school's sessions
 * when given (after the day counts as PM), else split at noon.
 */
export function sessionOfTime(localTime: string, rules?: { sessions: SessionTimes } | null): SessionName {
  if (!rules) return localTime < NOON ? 'AM' : 'PM';
  return sessionAt(rules, toMinutes(localTime)) ?? 'PM';
}

/**
 * The period in force at a local "HH:MM". A time at a boundary belongs to the period that starts
 * then (09:00 with P1 08:00–09:00 and P2 09:00–10:00 is P2); the last period's end is outside it.
 */
export function periodAt(bellSchedule: readonly Period[], localTime: string): Period | null {
  let found: Period | null = null;
  for (const p of bellSchedule) {
    if (p.start <= localTime && localTime < p.end) found = p;
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// School year

/** The month a school year starts in: July (a US year and an English academic year both turn over in summer). */
export const SCHOOL_YEAR_START_MONTH = 7;

/** The school year a date belongs to: the calendar year it started in, and its label ("2025–26"). */
export function schoolYear(date: string, startMonth = SCHOOL_YEAR_START_MONTH): { startYear: number; label: string } {
  const [y, m] = dateParts(date);
  const startYear = m >= startMonth ? y : y - 1;
  return { startYear, label: `${startYear}–${pad((startYear + 1) % 100)}` };
}
