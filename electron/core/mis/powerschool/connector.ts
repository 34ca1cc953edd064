// The PowerSchool connector: the plugin's OAuth client credentials, the kiosk's school in the
// mode the school uses in PowerSchool (Daily and Time through daily_time — in batches of 200 where
// the server is 25.3 or newer —, Meeting through meeting_interval with the period of the bell
// schedule in force at the time of the event), codes read per school and year, existing marks read
// before writing, students found by the id the district chose to show. Every table read pages at
// ≤100 (PowerSchool's cap). Time mode's total_minutes is the minutes the student ATTENDED (from
// the late arrival to the end of the school day, or from its start to the early leave). Meeting
// mode sends the student's section enrolment (CC.ID) in the section that meets in the period.
// "Today" and the year id are the school's, in its IANA time zone. Wire facts:
// reference/mis-apis.md and mennotech/powerschool-api-docs; the fake in tests/fakes/powerschool.
import type { PowerschoolMode, PowerschoolUsSettings } from '../../../../shared/mis-us';
import { effectiveSchool, minutesOfAttendance, powerschoolYearId, schoolDayBounds, secondsAfterMidnight, usSecretKeys } from '../../../../shared/mis-us';
import type { Period, SessionName } from '../../../../shared/settings';
import { machineTimeZone, periodAt, sessionOfTime, todayIn } from '../../../../shared/school-time';
import { cutText } from '../../../../shared/text';
import { systemClock, type Clock } from '../../clock';
import type { Logger } from '../../logging/logger';
import type { SecretStore } from '../../security/secrets';
import { MisError } from '../errors';
import { tokenBucket, type RateLimiter } from '../rate-limit';
import type { Capabilities, ExistingMark, Lesson, LessonMarkWrite, MisAttendanceCode, MisConnector, RosterPage, SessionMarkWrite, WriteResult } from '../types';
import { messageOf, OAuthHttp } from './oauth-http';
import { countTable, fiql, readTable, readTablePage, SCHEMA_PAGE_SIZE, type SchemaRow } from './schema';

/** PowerSchool 25.3's batch_daily_time takes at most 200 records. */
export const PS_MAX_BATCH = 200;
const CODES_TTL_MS = 60 * 60_000;
const STUDENT_TTL_MS = 24 * 60 * 60_000;
const MODE_CODE: Record<PowerschoolMode, string> = { daily: 'ATT_ModeDaily', time: 'ATT_ModeTime', meeting: 'ATT_ModeMeeting' };
const HINT = 'Admin → SIS connection (PowerSchool)';

export interface PowerschoolConnectorOptions {
  settings: PowerschoolUsSettings;
  secrets: SecretStore;
  logger: Logger;
  /** The site's bell schedule (shared/settings.ts `bellSchedule`), read at send time; Meeting mode needs it. */
  bellSchedule?: () => readonly Period[];
  /** Which session a local time falls in, to place a Meeting-mode mark (default: before 12:00 is AM). */
  sessionAt?: (localTime: string) => SessionName;
  /** The school's IANA time zone (site settings), for "today" and the year id. Default: the kiosk's zone. */
  timeZone?: string | (() => string);
  clock?: Clock;
  limiter?: RateLimiter;
  timeoutMs?: number;
  /** Overrides settings.baseUrl (tests: the fake on http://127.0.0.1). */
  baseUrl?: string;
}

interface CodeList {
  byCode: Map<string, MisAttendanceCode>;
  byId: Map<string, MisAttendanceCode>;
  at: number;
}

interface PsStudent {
  id: string;
  dcid: string | null;
  at: number;
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

export class PowerschoolConnector implements MisConnector {
  readonly name = 'powerschool';
  private readonly http: OAuthHttp;
  private secret: string | null;
  private readonly clock: Clock;
  private readonly codes = new Map<string, CodeList>();
  private readonly students = new Map<string, PsStudent>();
  private readonly periods = new Map<string, PsPeriod[]>();
  /** Enrolments per student and date: one read of CC per student-day (Meeting mode). */
  private readonly enrolments = new Map<string, { list: PsEnrolment[]; at: number }>();
  /** The cycle day letter of a date (only asked when a period has sections on several days). */
  private readonly cycleDays = new Map<string, string | null>();
  /** When each section meets, per section id: shared by every student in it (Meeting mode). */
  private readonly sectionMeetings = new Map<string, { list: PsEnrolment['meetings']; at: number }>();
  /** null until tried; false once SECTION_MEETING answered 404 (then CC.expression is read). */
  private sectionMeetingTable: boolean | null = null;
  /** null until tried; false after a 404 from batch_daily_time (PowerSchool older than 25.3). */
  private batchAvailable: boolean | null;

  constructor(private readonly opts: PowerschoolConnectorOptions) {
    this.clock = opts.clock ?? systemClock;
    this.secret = opts.secrets.get(usSecretKeys.powerschoolClientSecret);
    this.batchAvailable = opts.settings.useBatch ? null : false;
    this.http = new OAuthHttp({
      service: 'PowerSchool',
      baseUrl: opts.baseUrl ?? opts.settings.baseUrl,
      tokenPath: '/oauth/access_token',
      clientId: opts.settings.clientId,
      secret: () => this.secret,
      credentialsHint: HINT,
      limiter: opts.limiter ?? tokenBucket(opts.settings.requestsPerSecond),
      logger: opts.logger,
      timeoutMs: opts.timeoutMs ?? 15_000,
      now: () => this.clock.now().getTime(),
    });
  }

  private get school() {
    const s = effectiveSchool(this.opts.settings, this.opts.settings.schoolId);
    if (!s) throw new MisError('rejected', `School ${this.opts.settings.schoolId} is not in the PowerSchool school list.`);
    return s;
  }

  private yearId(date: string): number {
    return this.school.yearId ?? powerschoolYearId(date);
  }

  async capabilities(): Promise<Capabilities> {
    const { enabled, mode } = this.school;
    if (!enabled) {
      return { sessionMark: false, lessonMark: false, comment: false, minutesLate: false, earlyLeaverCodes: false, readMarks: false, maxBatch: 1 };
    }
    return {
      sessionMark: true,
      lessonMark: false,
      comment: true,
      // Time mode's total_minutes is the minutes ATTENDED, worked out from the event's time: no
      // mode takes minutes late as such (docs/us-sis.md, the per-SIS table).
      minutesLate: false,
      earlyLeaverCodes: true,
      readMarks: true,
      // Meeting mode writes one student-day per call; the batch is split inside writeSessionMarks.
      maxBatch: mode === 'meeting' ? 50 : this.batchAvailable === false ? 20 : PS_MAX_BATCH,
    };
  }

  /** What the admin screen shows: the school, its mode, and whether the server takes batches. */
  describe(): { school: string; mode: PowerschoolMode; enabled: boolean; batch: boolean | null } {
    const s = this.school;
    return { school: s.name || this.opts.settings.schoolId, mode: s.mode, enabled: s.enabled, batch: this.batchAvailable };
  }

  async ping(): Promise<void> {
    await this.http.get('/ws/schema/table/attendance_code', { q: `schoolid==${fiql(this.opts.settings.schoolId)}`, projection: 'id', page: 1, pagesize: 1 });
  }

  async refreshAuth(): Promise<boolean> {
    const fresh = this.opts.secrets.get(usSecretKeys.powerschoolClientSecret);
    const changed = fresh !== this.secret;
    this.secret = fresh;
    if (changed) this.http.invalidate();
    return changed && fresh !== null;
  }

  async fetchAttendanceCodes(): Promise<MisAttendanceCode[]> {
    const list = await this.loadCodes(this.yearId(this.today()), true);
    return [...list.byCode.values()];
  }

  async readMarks(query: { misId: string; date: string; target: 'session' | 'lesson' }): Promise<ExistingMark[]> {
    if (query.target === 'lesson') return [];
    const student = await this.student(query.misId);
    const rows = await readTable(this.http, 'attendance', `studentid==${fiql(student.id)};att_date==${fiql(query.date)};schoolid==${fiql(this.opts.settings.schoolId)}`, ATTENDANCE_PROJECTION);
    return (await this.marksOf(rows, query.date)).map(({ studentId: _s, ...m }) => m);
  }

  /**
   * The register of one day for many students (confirmation read-back): the attendance table by
   * att_date and schoolid, paged at 100, so a day of the school costs a few requests whatever the
   * number of marks. Each mark carries the student's id as the kiosk's roster holds it.
   */
  async readRegister(query: { date: string; target: 'session' | 'lesson'; misIds: string[] }): Promise<ExistingMark[]> {
    if (query.target === 'lesson' || query.misIds.length === 0) return [];
    const byPsId = new Map<string, string>();
    // With SIS ids the roster's id IS STUDENTS.ID: no look-up, a read-back costs only the day's pages.
    const direct = this.opts.settings.visibleStudentId === 'sis_id';
    for (const misId of new Set(query.misIds)) {
      if (direct) {
        byPsId.set(misId, misId);
        continue;
      }
      try {
        byPsId.set((await this.student(misId)).id, misId);
      } catch (e) {
        // A student PowerSchool does not know has no mark there; any other failure is the read's.
        if (!(e instanceof MisError) || e.kind !== 'student_not_in_mis') throw e;
      }
    }
    if (byPsId.size === 0) return [];
    const rows = await readTable(this.http, 'attendance', `att_date==${fiql(query.date)};schoolid==${fiql(this.opts.settings.schoolId)}`, ATTENDANCE_PROJECTION);
    const wanted = rows.filter((r) => byPsId.has(r.studentid ?? ''));
    return (await this.marksOf(wanted, query.date)).map(({ studentId, ...m }) => ({ ...m, misId: byPsId.get(studentId)! }));
  }

  /**
   * Attendance rows as marks, the code id mapped back to the letter the kiosk writes. A row Passdesk
   * cannot read (no code id, a code id not in the school's list) throws a transient error: taking it
   * for "no mark" would write over a mark the school made.
   */
  private async marksOf(rows: SchemaRow[], date: string): Promise<(ExistingMark & { studentId: string })[]> {
    const yearId = this.yearId(date);
    const mode = this.school.mode;
    const marks: (ExistingMark & { studentId: string })[] = [];
    for (const r of rows) {
      if ((r.att_date ?? date).slice(0, 10) !== date) continue;
      if (!r.attendance_codeid || !r.studentid) {
        throw new MisError('server_error', `PowerSchool answered an attendance read without ${r.studentid ? 'attendance_codeid' : 'studentid'}; Passdesk cannot tell what the register holds and will try again.`, { body: r });
      }
      let code = (await this.loadCodes(yearId, false)).byId.get(r.attendance_codeid)?.code;
      if (code === undefined) code = (await this.loadCodes(yearId, true)).byId.get(r.attendance_codeid)?.code;
      if (code === undefined) {
        throw new MisError(
          'server_error',
          `PowerSchool's register holds attendance code id ${r.attendance_codeid}, which is not among school ${this.opts.settings.schoolId}'s codes for year ${yearId}. Passdesk will not write over a mark it cannot read; check the codes in PowerSchool.`,
          { body: r },
        );
      }
      const base = { studentId: r.studentid, date, code: this.ourCode(code), comment: r.att_comment ?? null };
      if (r.att_mode_code === 'ATT_ModeMeeting') {
        if (mode !== 'meeting') continue;
        const session = await this.sessionOfPeriod(r.periodid ?? '', yearId);
        marks.push({ ...base, session, lessonId: r.periodid ?? null });
      } else if (mode !== 'meeting') {
        // A daily (or time) record stands for the whole day: it guards both sessions.
        marks.push({ ...base, session: 'AM', lessonId: null }, { ...base, session: 'PM', lessonId: null });
      }
    }
    return marks;
  }

  /** PowerSchool's Att_Code back to the kiosk's code, through the code map (L→T reads T back as L). */
  private ourCode(attCode: string): string {
    const ours = Object.entries(this.opts.settings.codeMap).filter(([, ps]) => ps === attCode);
    return ours.length === 1 ? ours[0]![0] : attCode;
  }

  async writeSessionMarks(marks: SessionMarkWrite[]): Promise<WriteResult> {
    if (marks.length === 0) return { writebackId: null };
    const { enabled, mode } = this.school;
    if (!enabled) {
      throw new MisError('capability_missing', `Writeback is switched off for school ${this.opts.settings.schoolId} in the PowerSchool settings.`, { refs: marks.map((m) => m.ref) });
    }
    const records = await this.records(marks, mode);
    if (mode === 'meeting') return this.writeMeeting(records);
    return this.writeDaily(records);
  }

  async writeLessonMarks(marks: LessonMarkWrite[]): Promise<WriteResult> {
    throw new MisError('capability_missing', 'PowerSchool marks are written by day, time or meeting, not to lessons.', { refs: marks.map((m) => m.ref) });
  }

  async listLessons(): Promise<Lesson[]> {
    return [];
  }

  async fetchRosterPage(cursor: string | null): Promise<RosterPage> {
    // The cursor is "page:total": the count is asked once, on the first page, so the import knows
    // it is complete without asking for an empty page after a full one.
    const [p, t] = (cursor ?? '').split(':');
    const page = p ? Number(p) : 1;
    const q = `schoolid==${fiql(this.opts.settings.schoolId)};enroll_status==0`;
    const total = t ? Number(t) : await countTable(this.http, 'students', q);
    const { rows } = await readTablePage(this.http, 'students', q, ['id', 'dcid', 'student_number', 'first_name', 'last_name', 'grade_level', 'home_room'], page, SCHEMA_PAGE_SIZE);
    const more = page * SCHEMA_PAGE_SIZE < total && rows.length === SCHEMA_PAGE_SIZE;
    const visible = this.opts.settings.visibleStudentId;
    return {
      students: rows.map((r) => {
        const misId = visible === 'student_number' ? (r.student_number ?? '') : (r.id ?? '');
        if (r.id) this.students.set(`${visible}:${misId}`, { id: r.id, dcid: r.dcid ?? null, at: this.clock.now().getTime() });
        const grade = r.grade_level !== undefined && /^-?\d+$/.test(r.grade_level) ? Number(r.grade_level) : null;
        return { misId, forename: r.first_name ?? '', surname: r.last_name ?? '', upn: null, year: grade, form: r.home_room || null };
      }),
      next: more ? `${page + 1}:${total}` : null,
    };
  }

  // -------------------------------------------------------------------------------------------

  /** One PowerSchool attendance record per mark; unknown codes and students fail with their refs. */
  private async records(marks: SessionMarkWrite[], mode: PowerschoolMode): Promise<{ mark: SessionMarkWrite; tables: Record<string, string | number> }[]> {
    const schoolId = this.opts.settings.schoolId;
    const missingCodes: SessionMarkWrite[] = [];
    const out: { mark: SessionMarkWrite; tables: Record<string, string | number> }[] = [];
    for (const m of marks) {
      const yearId = this.yearId(m.date);
      const attCode = this.opts.settings.codeMap[m.code] ?? m.code;
      let code = (await this.loadCodes(yearId, false)).byCode.get(attCode);
      if (!code) code = (await this.loadCodes(yearId, true)).byCode.get(attCode);
      if (!code) {
        missingCodes.push(m);
        continue;
      }
      const student = await this.student(m.misId, m.ref);
      const rec: Record<string, string | number> = {
        studentid: student.id,
        schoolid: schoolId,
        yearid: String(yearId),
        att_date: m.date,
        att_mode_code: MODE_CODE[mode],
        attendance_codeid: code.misCodeId,
      };
      if (m.comment) rec.att_comment = cutText(m.comment, 4000);
      if (mode === 'time') rec.total_minutes = String(minutesOfAttendance(m.direction, m.localTime, this.schoolDay()));
      if (mode === 'meeting') Object.assign(rec, await this.meetingPeriod(m, yearId, student.id));
      out.push({ mark: m, tables: rec });
    }
    if (missingCodes.length) {
      const letters = [...new Set(missingCodes.map((m) => this.opts.settings.codeMap[m.code] ?? m.code))];
      throw new MisError(
        'unknown_code',
        `PowerSchool has no attendance code ${letters.map((c) => `"${c}"`).join(', ')} for school ${schoolId} this year. Add it in PowerSchool (or map the reason to an existing code), import the codes again, then retry.`,
        { refs: missingCodes.map((m) => m.ref) },
      );
    }
    return out;
  }

  private async writeDaily(records: { mark: SessionMarkWrite; tables: Record<string, string | number> }[]): Promise<WriteResult> {
    const ids: string[] = [];
    if (this.batchAvailable !== false && records.length > 1) {
      for (let i = 0; i < records.length; i += PS_MAX_BATCH) {
        const chunk = records.slice(i, i + PS_MAX_BATCH);
        const res = await this.http.post('/ws/attendance/batch_daily_time', envelope(chunk.map((r) => r.tables)), [400, 404, 405]);
        if (res.status === 404 || res.status === 405) {
          this.opts.logger.info('powerschool: no batch_daily_time on this server (older than 25.3); writing one record per call');
          this.batchAvailable = false;
          return this.writeDaily(records.slice(i)).then((r) => ({ writebackId: [...ids, r.writebackId].filter(Boolean).join(' ') || null }));
        }
        if (res.status === 400) throw this.refused(res.data, chunk.map((r) => r.mark));
        this.batchAvailable = true;
        ids.push(...receipts(res.data));
      }
      return { writebackId: ids.join(' ') || null };
    }
    for (const r of records) {
      const res = await this.http.post('/ws/attendance/daily_time', envelope([r.tables]), [400]);
      if (res.status === 400) throw this.refused(res.data, [r.mark]);
      ids.push(...receipts(res.data));
    }
    return { writebackId: ids.join(' ') || null };
  }

  /** meeting_interval takes one student and one day per call. */
  private async writeMeeting(records: { mark: SessionMarkWrite; tables: Record<string, string | number> }[]): Promise<WriteResult> {
    const groups = new Map<string, typeof records>();
    for (const r of records) {
      const key = `${r.tables.studentid}|${r.mark.date}`;
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    const ids: string[] = [];
    for (const group of groups.values()) {
      const res = await this.http.post('/ws/attendance/meeting_interval', envelope(group.map((r) => r.tables)), [400]);
      if (res.status === 400) throw this.refused(res.data, group.map((r) => r.mark));
      ids.push(...receipts(res.data));
    }
    return { writebackId: ids.join(' ') || null };
  }

  /** The PowerSchool period for a Meeting-mode mark: the bell schedule's period at the event's time. */
  private async meetingPeriod(m: SessionMarkWrite, yearId: number, studentId: string): Promise<Record<string, string | number>> {
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
    if (hit && this.clock.now().getTime() - hit.at < STUDENT_TTL_MS) return hit.list;
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
      if (cached && this.clock.now().getTime() - cached.at < STUDENT_TTL_MS) meetings = cached.list;
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

  /** The day that bounds total_minutes: the setting, else the bell schedule, else 08:00–15:00. */
  private schoolDay(): { start: string; end: string } {
    return schoolDayBounds(this.opts.settings.schoolDay, this.opts.bellSchedule?.() ?? []);
  }

  /** A 400 from an attendance endpoint: which kind, from what the body names (shape UNCONFIRMED). */
  private refused(body: unknown, marks: SessionMarkWrite[]): MisError {
    const text = messageOf(body) || 'PowerSchool refused the attendance record (400).';
    const all = `${JSON.stringify(body ?? '')} ${text}`.toLowerCase();
    const refs = marks.length === 1 ? { refs: [marks[0]!.ref] } : {};
    if (/att_mode|attendance mode/.test(all)) {
      return new MisError('rejected', `PowerSchool refused the mark: the attendance mode set for this school in Passdesk (${this.school.mode}) must match the mode set in PowerSchool. ${text}`, { status: 400, body, ...refs });
    }
    if (/attendance_codeid|attendance code/.test(all)) return new MisError('unknown_code', `PowerSchool refused the attendance code: ${text}`, { status: 400, body, ...refs });
    if (/studentid|student/.test(all)) return new MisError('student_not_in_mis', `PowerSchool does not know this student: ${text}`, { status: 400, body, ...refs });
    return new MisError('rejected', `PowerSchool refused the mark: ${text}`, { status: 400, body, ...refs });
  }

  private async loadCodes(yearId: number, force: boolean): Promise<CodeList> {
    const key = `${this.opts.settings.schoolId}:${yearId}`;
    const cached = this.codes.get(key);
    if (cached && !force && this.clock.now().getTime() - cached.at < CODES_TTL_MS) return cached;
    const rows = await readTable(this.http, 'attendance_code', `schoolid==${fiql(this.opts.settings.schoolId)};yearid==${yearId}`, [
      'id',
      'att_code',
      'description',
      'presence_status_cd',
      'schoolid',
      'yearid',
    ]);
    const list: CodeList = { byCode: new Map(), byId: new Map(), at: this.clock.now().getTime() };
    for (const r of rows) {
      if (!r.id || r.att_code === undefined) continue;
      const c: MisAttendanceCode = { code: r.att_code, misCodeId: r.id, description: r.description ?? null, type: r.presence_status_cd ?? null };
      list.byCode.set(c.code, c);
      list.byId.set(c.misCodeId, c);
    }
    this.codes.set(key, list);
    return list;
  }

  /** STUDENTS.ID (what attendance records carry) for the id the kiosk's roster holds. */
  private async student(misId: string, ref?: number): Promise<PsStudent> {
    const visible = this.opts.settings.visibleStudentId;
    const key = `${visible}:${misId}`;
    const hit = this.students.get(key);
    if (hit && this.clock.now().getTime() - hit.at < STUDENT_TTL_MS) return hit;
    const field = visible === 'student_number' ? 'student_number' : 'id';
    const label = visible === 'student_number' ? 'student number' : 'SIS id';
    let q: string;
    try {
      q = `${field}==${fiql(misId)}`;
    } catch {
      throw new MisError('student_not_in_mis', `"${misId}" is not a PowerSchool ${label}. Check the Visible Student ID setting and re-import the roster.`, ref !== undefined ? { refs: [ref] } : {});
    }
    const rows = await readTable(this.http, 'students', q, ['id', 'dcid', 'student_number', 'schoolid']);
    const row = rows.find((r) => (field === 'id' ? r.id === misId : r.student_number === misId));
    if (!row?.id) {
      throw new MisError('student_not_in_mis', `PowerSchool has no student with ${label} ${misId}. Check the Visible Student ID setting (SIS ID or Student Number) and re-import the roster.`, ref !== undefined ? { refs: [ref] } : {});
    }
    const s: PsStudent = { id: row.id, dcid: row.dcid ?? null, at: this.clock.now().getTime() };
    this.students.set(key, s);
    return s;
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
  private async sessionOfPeriod(periodId: string, yearId: number): Promise<SessionName | null> {
    const ps = (await this.loadPeriods(yearId)).find((p) => p.id === periodId);
    if (!ps) return null;
    const bell = (this.opts.bellSchedule?.() ?? []).find((b) => [ps.name, ps.abbreviation, ps.number, `p${ps.number}`].some((n) => squash(n) === squash(b.name)));
    if (!bell) return null;
    return this.opts.sessionAt ? this.opts.sessionAt(bell.start) : sessionOfTime(bell.start);
  }

  /** The school's date now: in the evening in a US zone the UTC date is already tomorrow. */
  private today(): string {
    const tz = typeof this.opts.timeZone === 'function' ? this.opts.timeZone() : this.opts.timeZone;
    return todayIn(tz || machineTimeZone(), this.clock.now());
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

const ATTENDANCE_PROJECTION = ['id', 'studentid', 'attendance_codeid', 'att_mode_code', 'att_comment', 'periodid', 'att_date'] as const;

function envelope(tables: Record<string, string | number>[]): unknown {
  return { name: 'ATTENDANCE', record: tables.map((attendance) => ({ name: 'ATTENDANCE', tables: { attendance } })) };
}

/** The ids or URIs a 200 lists (shape UNCONFIRMED: strings, {id}, {ref}, {uri}, nested). */
function receipts(body: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown, depth: number) => {
    if (depth > 5 || out.length > 200) return;
    if (Array.isArray(v)) return v.forEach((x) => walk(x, depth + 1));
    if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if ((k === 'id' || k === 'ref' || k === 'uri') && (typeof x === 'string' || typeof x === 'number')) {
          const s = String(x);
          out.push(s.includes('/') ? s.slice(s.lastIndexOf('/') + 1) : s);
        } else walk(x, depth + 1);
      }
    } else if (typeof v === 'string' && /\/ws\//.test(v)) out.push(v.slice(v.lastIndexOf('/') + 1));
  };
  walk(body, 0);
  return [...new Set(out)];
}

const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
