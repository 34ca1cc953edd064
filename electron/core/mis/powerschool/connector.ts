// The PowerSchool connector: the plugin's OAuth client credentials, the kiosk's school in the
// mode the school uses in PowerSchool (Daily and Time through daily_time — in batches of 200 where
// the server is 25.3 or newer —, Meeting through meeting_interval with the period of the bell
// schedule in force at the time of the event), codes read per school and year, existing marks read
// before writing, students found by the id the district chose to show. Every table read pages at
// ≤100 (PowerSchool's cap). Time mode's total_minutes is the minutes the student ATTENDED (from
// the late arrival to the end of the school day, or from its start to the early leave). Meeting
// mode sends the student's section enrolment (CC.ID) in the section that meets in the period.
// Meeting mode's period and CC.ID resolution live in meeting.ts, the cached code and student
// lookups in lookups.ts, the paged table reads in schema.ts.
// "Today" and the year id are the school's, in its IANA time zone. Wire facts:
// reference/mis-apis.md and mennotech/powerschool-api-docs; the fake in tests/fakes/powerschool.
import type { PowerschoolMode, PowerschoolUsSettings } from '../../../../shared/mis-us';
import { effectiveSchool, minutesOfAttendance, powerschoolYearId, schoolDayBounds, usSecretKeys } from '../../../../shared/mis-us';
import type { Period, SessionName } from '../../../../shared/settings';
import { machineTimeZone, todayIn } from '../../../../shared/school-time';
import { cutText } from '../../../../shared/text';
import { systemClock, type Clock } from '../../clock';
import type { Logger } from '../../logging/logger';
import type { SecretStore } from '../../security/secrets';
import { MisError } from '../errors';
import { tokenBucket, type RateLimiter } from '../rate-limit';
import type { Capabilities, ExistingMark, Lesson, LessonMarkWrite, MisAttendanceCode, MisConnector, RosterPage, SessionMarkWrite, WriteResult } from '../types';
import { messageOf, OAuthHttp } from './oauth-http';
import { countTable, fiql, readTable, readTablePage, SCHEMA_PAGE_SIZE, type SchemaRow } from './schema';
import { PsLookups } from './lookups';
import { MeetingResolver } from './meeting';

// parseExpression moved to meeting.ts with the rest of Meeting mode; re-exported for callers.
export { parseExpression } from './meeting';

/** PowerSchool 25.3's batch_daily_time takes at most 200 records. */
export const PS_MAX_BATCH = 200;
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

export class PowerschoolConnector implements MisConnector {
  readonly name = 'powerschool';
  private readonly http: OAuthHttp;
  private secret: string | null;
  private readonly clock: Clock;
  /** Attendance codes per school year and STUDENTS ids, cached (lookups.ts). */
  private readonly lookups: PsLookups;
  /** null until tried; false after a 404 from batch_daily_time (PowerSchool older than 25.3). */
  private batchAvailable: boolean | null;
  /** Meeting mode's period and section-enrolment lookups (meeting.ts). */
  private readonly meeting: MeetingResolver;

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
    this.meeting = new MeetingResolver(this.http, this.clock, opts);
    this.lookups = new PsLookups(this.http, this.clock, opts);
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
    const list = await this.lookups.codes(this.yearId(this.today()), true);
    return [...list.byCode.values()];
  }

  async readMarks(query: { misId: string; date: string; target: 'session' | 'lesson' }): Promise<ExistingMark[]> {
    if (query.target === 'lesson') return [];
    const student = await this.lookups.student(query.misId);
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
        byPsId.set((await this.lookups.student(misId)).id, misId);
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
      let code = (await this.lookups.codes(yearId, false)).byId.get(r.attendance_codeid)?.code;
      if (code === undefined) code = (await this.lookups.codes(yearId, true)).byId.get(r.attendance_codeid)?.code;
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
        const session = await this.meeting.sessionOfPeriod(r.periodid ?? '', yearId);
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
        if (r.id) this.lookups.remember(misId, { id: r.id, dcid: r.dcid ?? null });
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
      let code = (await this.lookups.codes(yearId, false)).byCode.get(attCode);
      if (!code) code = (await this.lookups.codes(yearId, true)).byCode.get(attCode);
      if (!code) {
        missingCodes.push(m);
        continue;
      }
      const student = await this.lookups.student(m.misId, m.ref);
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
      if (mode === 'meeting') Object.assign(rec, await this.meeting.meetingPeriod(m, yearId, student.id));
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

  /** The school's date now: in the evening in a US zone the UTC date is already tomorrow. */
  private today(): string {
    const tz = typeof this.opts.timeZone === 'function' ? this.opts.timeZone() : this.opts.timeZone;
    return todayIn(tz || machineTimeZone(), this.clock.now());
  }
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

