// The roster's calendar: the summer pause (SchoolStatus, reference/seeds/002: the nightly sync
// stops over the summer except contact details) and the new academic year (the MIS "rolls over":
// students promoted, new forms and schedules), which the admin sees before it replaces the roster.
// Pure functions, tested with tables of cases.
import { z } from 'zod';
import type { Student } from '../../../shared/model';
import { addDays, instantAt, isCalendarDate, localClock } from '../../../shared/school-time';

/** "MM-DD": the pause repeats every year; from > to wraps over New Year (a southern-hemisphere summer). */
export const monthDay = z
  .string()
  .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'Use month-day, such as 07-22.')
  .refine((md) => isCalendarDate(`2024-${md}`), 'That day does not exist.');

export const summerPause = z.object({ from: monthDay, to: monthDay });
export type SummerPause = z.infer<typeof summerPause>;

/** Is this school-local date ("YYYY-MM-DD") inside the pause? Both ends count as paused. */
export function isSummerPause(localDate: string, pause: SummerPause | null | undefined): boolean {
  if (!pause) return false;
  const md = localDate.slice(5, 10);
  return pause.from <= pause.to ? md >= pause.from && md <= pause.to : md >= pause.from || md <= pause.to;
}

/** What tonight's import may change. */
export type RosterMode = 'open' | 'frozen';

export function rosterMode(localDate: string, pause: SummerPause | null | undefined): RosterMode {
  return isSummerPause(localDate, pause) ? 'frozen' : 'open';
}

export interface RolloverVerdict {
  isRollover: boolean;
  /** Students on the kiosk's roster and in the source. */
  continuing: number;
  /** Of those, how many moved up exactly one year. */
  promoted: number;
  /** Of those, how many changed form/homeroom. */
  formChanged: number;
  /** In the source, not on the kiosk. */
  joining: number;
  /** On the kiosk, not in the source. */
  leaving: number;
  /** Sentences for the admin screen: why this looks (or does not look) like a new year. */
  reasons: string[];
}

export interface RolloverRule {
  /** Share of continuing students that moved up one year for the import to count as a new year. */
  promotedShare: number;
  /** Below this many continuing students, never call it a new year (a tiny or first roster). */
  minContinuing: number;
}

export const defaultRolloverRule: RolloverRule = { promotedShare: 0.5, minContinuing: 10 };

const pct = (n: number, d: number) => (d === 0 ? 0 : Math.round((100 * n) / d));

/**
 * Does the incoming roster belong to a new academic year? Most continuing students one year up
 * is the MIS's roll-over; a handful promoted mid-year (a student moved up a year) is not.
 */
export function detectRollover(
  current: Pick<Student, 'id' | 'year' | 'form' | 'active'>[],
  incoming: Pick<Student, 'id' | 'year' | 'form'>[],
  rule: RolloverRule = defaultRolloverRule,
): RolloverVerdict {
  const now = new Map(current.filter((s) => s.active).map((s) => [s.id, s]));
  let continuing = 0;
  let promoted = 0;
  let formChanged = 0;
  let withYears = 0;
  const seen = new Set<string>();
  for (const s of incoming) {
    seen.add(s.id);
    const before = now.get(s.id);
    if (!before) continue;
    continuing++;
    if (before.year !== null && s.year !== null) {
      withYears++;
      if (s.year === before.year + 1) promoted++;
    }
    if ((before.form ?? '') !== (s.form ?? '')) formChanged++;
  }
  const joining = incoming.length - continuing;
  let leaving = 0;
  for (const id of now.keys()) if (!seen.has(id)) leaving++;

  const reasons: string[] = [];
  let isRollover = false;
  if (continuing < rule.minContinuing) {
    reasons.push(`Only ${continuing} student(s) are on both rosters, too few to tell a new year.`);
  } else if (withYears === 0) {
    reasons.push('The roster carries no years, so a new year cannot be told.');
  } else {
    isRollover = promoted / withYears >= rule.promotedShare;
    reasons.push(`${promoted} of ${withYears} continuing students moved up a year (${pct(promoted, withYears)}%).`);
  }
  if (continuing > 0) reasons.push(`${formChanged} of ${continuing} continuing students changed form (${pct(formChanged, continuing)}%).`);
  reasons.push(`${joining} student(s) join and ${leaving} leave.`);
  return { isRollover, continuing, promoted, formChanged, joining, leaving, reasons };
}

/**
 * Was last night's import missed (the kiosk was off at the set time)? True when the most recent
 * scheduled time (today's if passed, else yesterday's) is after the last finished import.
 */
export function isImportOverdue(lastFinishedAt: string | null, nowIso: string, at: string, timeZone: string): boolean {
  const today = localClock(nowIso, timeZone).date;
  let due = instantAt(today, at, timeZone);
  if (due.getTime() > Date.parse(nowIso)) due = instantAt(addDays(today, -1), at, timeZone);
  if (!lastFinishedAt) return true;
  return Date.parse(lastFinishedAt) < due.getTime();
}
