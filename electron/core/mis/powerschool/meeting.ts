// PowerSchool Meeting mode's period and section enrolment, apart from the connector's reads and
// writes: which PowerSchool period the bell schedule puts a mark in, which section enrolment
// (CC.ID) of the student meets in it that day (SECTION_MEETING, or the enrolment's schedule
// expression where that table cannot be read; the cycle day letter where sections differ by
// day), and the session a period's mark belongs to. Caches per school year, student-day, section.
// Wire facts: reference/mis-apis.md and mennotech/powerschool-api-docs; the fake in tests/fakes/powerschool.
import type { PowerschoolUsSettings } from '../../../../shared/mis-us';
import { secondsAfterMidnight } from '../../../../shared/mis-us';
import type { Period, SessionName } from '../../../../shared/settings';
import { periodAt, sessionOfTime } from '../../../../shared/school-time';
import type { Clock } from '../../clock';
import { MisError } from '../errors';
import type { SessionMarkWrite } from '../types';
import type { OAuthHttp } from './oauth-http';
import { fiql, readTable, type SchemaRow } from './schema';

/** Enrolments and section meetings change at most daily: kept a day, like the student ids. */
const TTL_MS = 24 * 60 * 60_000;

export interface MeetingOptions {
  settings: Pick<PowerschoolUsSettings, 'schoolId'>;
  /** The site's bell schedule, read at send time. */
  bellSchedule?: () => readonly Period[];
  /** Which session a local time falls in (default: before 12:00 is AM). */
  sessionAt?: (localTime: string) => SessionName;
}

/** A section enrolment (CC row) of one student, with the periods its section meets in. */
interface PsEnrolment {
  ccid: string;
  sectionId: string;
  /** Period numbers the section meets in, each with the cycle day letter ('' when every day). */
  meetings: { period: string; day: string }[];
}

interface PsPeriod {
  id: string;
  number: string;
  name: string;
  abbreviation: string;
}

/** Meeting mode's period and enrolment lookups for one connector (one school). */
export class MeetingResolver {
  private readonly periods = new Map<string, PsPeriod[]>();
  /** Enrolments per student and date: one read of CC per student-day (Meeting mode). */
  private readonly enrolments = new Map<string, { list: PsEnrolment[]; at: number }>();
  /** The cycle day letter of a date (only asked when a period has sections on several days). */
  private readonly cycleDays = new Map<string, string | null>();
  /** When each section meets, per section id: shared by every student in it (Meeting mode). */
  private readonly sectionMeetings = new Map<string, { list: PsEnrolment['meetings']; at: number }>();
  /** null until tried; false once SECTION_MEETING answered 404 (then CC.expression is read). */
  private sectionMeetingTable: boolean | null = null;

  constructor(
    private readonly http: OAuthHttp,
    private readonly clock: Clock,
    private readonly opts: MeetingOptions,
  ) {}

  /** The PowerSchool period for a Meeting-mode mark: the bell schedule's period at the event's time. */
  async meetingPeriod(m: SessionMarkWrite, yearId: number, studentId: string): Promise<Record<string, string | number>> {
    const schedule = this.opts.bellSchedule?.() ?? [];
    if (schedule.length === 0) {
      throw new MisError('rejected', 'PowerSchool Meeting mode needs the bell schedule: add the periods in Admin → Bell schedule, then retry.', { refs: [m.ref] });
    }
    const bell = periodAt(schedule, m.localTime);
    if (!bell) {
      throw new MisError('rejected', `At ${m.localTime} no period of the bell schedule is in force, so PowerSchool Meeting attendance has no period to take this mark.`, { refs: [m.ref] });
    }
    const periods = await this.loadPeriods(yearId);
    const wanted = squash(bell.name);
    const ps = periods.find((p) => squash(p.name) === wanted || squash(p.abbreviation) === wanted || squash(p.number) === wanted || `p${squash(p.number)}` === wanted);
    if (!ps) {
      throw new MisError(
        'rejected',
        `The bell schedule's period "${bell.name}" has no match among PowerSchool's periods for school ${this.opts.settings.schoolId} (${periods.map((p) => p.abbreviation || p.name).join(', ') || 'none'}). Name the periods as PowerSchool does.`,
        { refs: [m.ref] },
      );
    }
    const ccid = await this.enrolmentIn(studentId, m, ps);
    // start_time/end_time are integers (seconds after midnight), unlike every other value.
    return { ccid, periodid: ps.id, start_time: secondsAfterMidnight(bell.start), end_time: secondsAfterMidnight(bell.end) };
  }

  /**
   * CC.ID of the student's enrolment in the section that meets in `period` on the mark's date:
   * enrolments active that day (dateenrolled ≤ date < dateleft, a dropped one has a negative
   * sectionid), then SECTION_MEETING says which section meets in that period; where sections of
   * that period meet on different cycle days, the date's cycle day letter decides.
   */
  private async enrolmentIn(studentId: string, m: SessionMarkWrite, period: PsPeriod): Promise<string> {
    const list = await this.enrolmentsOn(studentId, m.date);
    const inPeriod = list.filter((e) => e.meetings.some((x) => x.period === period.number));
    let hits = inPeriod;
    if (new Set(inPeriod.map((e) => e.ccid)).size > 1) {
      const letter = await this.cycleDayOf(m.date);
      hits = inPeriod.filter((e) => e.meetings.some((x) => x.period === period.number && (x.day === '' || letter === null || x.day === letter)));
    }
    const ids = [...new Set(hits.map((e) => e.ccid))];
    if (ids.length === 1) return ids[0]!;
    const label = period.abbreviation || period.name || period.number;
    if (ids.length === 0) {
      throw new MisError(
        'rejected',
        `PowerSchool has no section enrolment for student ${m.misId} that meets in period ${label} on ${m.date}, so Meeting attendance has nowhere to take this mark. Check the student's schedule in PowerSchool, then retry.`,
        { refs: [m.ref] },
      );
    }
    throw new MisError('rejected', `Student ${m.misId} has ${ids.length} sections meeting in period ${label} on ${m.date} (CC ids ${ids.join(', ')}); fix the schedule in PowerSchool, then retry.`, { refs: [m.ref] });
  }

  private async enrolmentsOn(studentId: string, date: string): Promise<PsEnrolment[]> {
    const key = `${studentId}|${date}`;
    const hit = this.enrolments.get(key);
    if (hit && this.clock.now().getTime() - hit.at < TTL_MS) return hit.list;
    const cc = await readTable(this.http, 'cc', `studentid==${fiql(studentId)};schoolid==${fiql(this.opts.settings.schoolId)};dateenrolled=le=${fiql(date)};dateleft=gt=${fiql(date)}`, [
      'id',
      'studentid',
      'sectionid',
      'dateenrolled',
      'dateleft',
      'expression',
    ]);
    // The server filters by date already; checked again so a server that ignores =le=/=gt= cannot
    // hand us last term's section.
    const active = cc.filter((r) => r.id && r.sectionid && Number(r.sectionid) > 0 && (r.dateenrolled ?? '') <= date && date < (r.dateleft ?? ''));
    const list: PsEnrolment[] = [];
    for (const r of active) {
      let meetings: PsEnrolment['meetings'] | null = null;
      const cached = this.sectionMeetings.get(r.sectionid!);
      if (cached && this.clock.now().getTime() - cached.at < TTL_MS) meetings = cached.list;
      else if (this.sectionMeetingTable !== false) {
        try {
          const rows = await readTable(this.http, 'section_meeting', `sectionid==${fiql(r.sectionid!)}`, ['sectionid', 'period_number', 'cycle_day_letter']);
          this.sectionMeetingTable = true;
          meetings = rows.map((x) => ({ period: x.period_number ?? '', day: x.cycle_day_letter ?? '' }));
          this.sectionMeetings.set(r.sectionid!, { list: meetings, at: this.clock.now().getTime() });
        } catch (e) {
          // Whether a plugin may read SECTION_MEETING through /ws/schema/table is UNCONFIRMED: on a
          // 404 the enrolment's own schedule expression ("2(A)", "1-2(A-B)") says the same.
          if (!(e instanceof MisError) || e.details.status !== 404) throw e;
          this.sectionMeetingTable = false;
        }
      }
      meetings ??= parseExpression(r.expression ?? '');
      list.push({ ccid: r.id!, sectionId: r.sectionid!, meetings });
    }
    this.enrolments.set(key, { list, at: this.clock.now().getTime() });
    return list;
  }

  /** The cycle day letter of a date (CALENDAR_DAY.cycle_day_id → CYCLE_DAY.letter); null when unknown. */
  private async cycleDayOf(date: string): Promise<string | null> {
    const key = `${this.opts.settings.schoolId}|${date}`;
    if (this.cycleDays.has(key)) return this.cycleDays.get(key)!;
    const days = await readTable(this.http, 'calendar_day', `schoolid==${fiql(this.opts.settings.schoolId)};date_value==${fiql(date)}`, ['id', 'date_value', 'cycle_day_id']);
    const cycleId = days[0]?.cycle_day_id;
    let letter: string | null = null;
    if (cycleId) letter = (await readTable(this.http, 'cycle_day', `id==${fiql(cycleId)}`, ['id', 'letter']))[0]?.letter ?? null;
    this.cycleDays.set(key, letter);
    return letter;
  }

  private async loadPeriods(yearId: number): Promise<PsPeriod[]> {
    const key = `${this.opts.settings.schoolId}:${yearId}`;
    const cached = this.periods.get(key);
    if (cached) return cached;
    const rows = await readTable(this.http, 'period', `schoolid==${fiql(this.opts.settings.schoolId)};year_id==${yearId}`, ['id', 'period_number', 'name', 'abbreviation']);
    const list = rows.filter((r) => r.id).map((r: SchemaRow) => ({ id: r.id!, number: r.period_number ?? '', name: r.name ?? '', abbreviation: r.abbreviation ?? '' }));
    this.periods.set(key, list);
    return list;
  }

  /** The session a PowerSchool period's mark belongs to, through the bell schedule's times. */
  async sessionOfPeriod(periodId: string, yearId: number): Promise<SessionName | null> {
    const ps = (await this.loadPeriods(yearId)).find((p) => p.id === periodId);
    if (!ps) return null;
    const bell = (this.opts.bellSchedule?.() ?? []).find((b) => [ps.name, ps.abbreviation, ps.number, `p${ps.number}`].some((n) => squash(n) === squash(b.name)));
    if (!bell) return null;
    return this.opts.sessionAt ? this.opts.sessionAt(bell.start) : sessionOfTime(bell.start);
  }
}

/**
 * A PowerSchool schedule expression as periods and cycle days: "2(A)" → period 2 on day A,
 * "1-2(A-B)" → periods 1 and 2 on days A and B, "3(A,C) 5(B)" → …; "4" alone → every day.
 */
export function parseExpression(expression: string): { period: string; day: string }[] {
  const out: { period: string; day: string }[] = [];
  for (const m of expression.matchAll(/(\d+)(?:-(\d+))?(?:\(([^)]*)\))?/g)) {
    const from = Number(m[1]);
    const to = m[2] ? Number(m[2]) : from;
    const days: string[] = [];
    for (const part of (m[3] ?? '').split(',').map((x) => x.trim()).filter(Boolean)) {
      const r = /^([A-Za-z])-([A-Za-z])$/.exec(part);
      if (r) for (let c = r[1]!.toUpperCase().charCodeAt(0); c <= r[2]!.toUpperCase().charCodeAt(0); c++) days.push(String.fromCharCode(c));
      else days.push(part.toUpperCase());
    }
    for (let p = from; p <= to && p - from < 50; p++) for (const day of days.length ? days : ['']) out.push({ period: String(p), day });
  }
  return out;
}

const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
