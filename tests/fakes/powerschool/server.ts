// A PowerSchool server for tests, written from the public model, not from the connector. Each wire
// fact and its public source:
// - POST /oauth/access_token, Basic base64(client_id:client_secret), form grant_type=
//   client_credentials → {access_token, token_type:"Bearer", expires_in} with expires_in a STRING:
//   reference/mis-apis.md; the Basic client:secret token call as Tools4everBV/HelloID-Conn-Prov-
//   Source-PowerSchool-SIS-Students departments.ps1 makes it.
// - POST /ws/attendance/daily_time (one record), /batch_daily_time (≤200, 25.3+; 404 before),
//   /meeting_interval (one student and one day per call; ccid = CC.ID, periodid = PERIOD.ID),
//   envelope {"name":"ATTENDANCE","record":[{"name":"ATTENDANCE","tables":{"attendance":{…}}}]},
//   ATT_MODE_CODE ATT_ModeDaily|ATT_ModeTime|ATT_ModeMeeting, total_minutes = "Total minutes of
//   attendance for this record" (Time mode), 400 payload / 403 permission: mennotech/
//   powerschool-api-docs plugins/powerschool-api-attendance.md. Every value a string except
//   meeting_interval's start_time/end_time, integers (seconds after midnight): same file
//   (reference/mis-apis.md, CORRECTED). The mode must match the school's mode: reference/seeds/004.
// - GET /ws/schema/table/{table} with q (FIQL: ==, =gt=, =ge=, =lt=, =le=, joined by ;),
//   projection, page (from 1), pagesize; answer {name, record:[{id, name, tables:{table:{…}}}]};
//   GET /ws/schema/table/{table}/count: mennotech/powerschool-api-docs plugins/powerschool-api-schema.md.
//   The count body is {"count":n} there (named-query count model); {"resource":{"count":n}} is the
//   /ws/v1 count shape (Tools4everBV/HelloID-Conn-Prov-Source-PowerSchool-SIS-Students
//   departments.ps1): which one table counts use is UNCONFIRMED → option `countShape`.
// - pagesize is capped at 100, a larger one is answered with HTTP 400 (reference/mis-apis.md,
//   CORRECTED; PowerShell Invoke-PowerQuery and the HelloID connector page by 100). The 400 body's
//   shape is UNCONFIRMED ({"message"} here). The default page size without `pagesize`: UNCONFIRMED (100).
//   Whether an empty result carries `record: []` or leaves it out: UNCONFIRMED → option `emptyRecord`.
// - Tables: ATTENDANCE_CODE (ID, Att_Code, Description, Presence_Status_CD, SchoolID, YearID),
//   ATTENDANCE, PERIOD (ID, Period_Number, Name, Abbreviation, SchoolID, Year_ID), STUDENTS,
//   CC (ID, StudentID, SectionID — negative once dropped —, SchoolID, TermID, DateEnrolled,
//   DateLeft, Expression such as "2(A-B)"; enrolled on D when DateEnrolled ≤ D < DateLeft), SECTION_MEETING (SectionID,
//   Period_Number, Cycle_Day_Letter), CALENDAR_DAY (Date_Value, SchoolID, Cycle_Day_ID), CYCLE_DAY
//   (ID, Letter): PowerSchool SIS Data Dictionary (ps.powerschool-docs.com/pssis-data-dictionary/
//   latest/, "CC", "Sections", "Section_Meeting", "Period", "Calendar_Day", "Cycle_Day"); the
//   DateEnrolled ≤ D < DateLeft and ABS(sectionid) conventions as public district queries use them.
//   Whether SECTION_MEETING is readable through /ws/schema/table for a plugin: UNCONFIRMED →
//   option `sectionMeetingTable` (false: 404, and only CC.Expression tells the periods).
// - /ws/v1/school/{id}/student: a single item comes back as an object, not an array (the HelloID
//   connector's departments.ps1 tests `-is [array]` for exactly this).
// Faults: see faults.ts.
import { basicAuth, FaultBook, startFakeHttp, type Fault, type LoggedRequest } from './faults';

export type PsMode = 'daily' | 'time' | 'meeting';
type Row = Record<string, string>;

export interface FakePowerschoolOptions {
  clientId?: string;
  clientSecret?: string;
  /** Seconds, sent as a string like PowerSchool does. */
  tokenLifetime?: number;
  /** false: an older server without batch_daily_time (404). */
  batch?: boolean;
  schools?: Record<string, { mode: PsMode }>;
  codes?: { id: string; att_code: string; description?: string; presence_status_cd?: string; schoolid: string; yearid: string }[];
  students?: { id: string; dcid?: string; student_number: string; first_name: string; last_name: string; schoolid: string; grade_level?: string; home_room?: string }[];
  periods?: { id: string; period_number: string; name: string; abbreviation: string; schoolid: string; year_id: string }[];
  cc?: { id: string; studentid: string; sectionid: string; schoolid: string; termid?: string; dateenrolled: string; dateleft: string }[];
  sectionMeetings?: { sectionid: string; period_number: string; cycle_day_letter: string; schoolid: string }[];
  calendarDays?: { id: string; date_value: string; schoolid: string; cycle_day_id: string }[];
  cycleDays?: { id: string; letter: string; schoolid: string }[];
  /** false: SECTION_MEETING is not readable (404) and CC rows carry `expression` instead (UNCONFIRMED which). */
  sectionMeetingTable?: boolean;
  /** The /count body: {"count":n} (default) or {"resource":{"count":n}} (UNCONFIRMED which). */
  countShape?: 'count' | 'resource';
  /** An empty table answer: `record: []` (default) or no `record` at all (UNCONFIRMED which). */
  emptyRecord?: 'array' | 'omitted';
  lifetimeMs?: number;
}

/** PowerSchool's cap on pagesize for /ws/schema/table/* (reference/mis-apis.md, CORRECTED). */
export const PS_PAGE_CAP = 100;

const MODE_CODE: Record<PsMode, string> = { daily: 'ATT_ModeDaily', time: 'ATT_ModeTime', meeting: 'ATT_ModeMeeting' };

export class FakePowerschool {
  readonly faults = new FaultBook();
  readonly requests: LoggedRequest[] = [];
  /** Every attendance row the server holds, as the schema table shows it. */
  readonly attendance: Row[] = [];
  codes: Row[];
  students: Row[];
  periods: Row[];
  cc: Row[];
  sectionMeetings: Row[];
  calendarDays: Row[];
  cycleDays: Row[];
  countShape: 'count' | 'resource';
  emptyRecord: 'array' | 'omitted';
  schools: Record<string, { mode: PsMode }>;
  batch: boolean;
  tokenLifetime: number;
  tokensIssued = 0;
  private readonly tokens = new Map<string, number>();
  private nextId = 5000;
  private server: { url: string; close: () => Promise<void> } | null = null;

  constructor(private readonly o: FakePowerschoolOptions = {}) {
    this.codes = (o.codes ?? []).map((c) => ({ description: '', presence_status_cd: 'Present', ...c }));
    this.students = (o.students ?? []).map((s) => ({ dcid: String(Number(s.id) + 100000), grade_level: '9', home_room: '', enroll_status: '0', ...s }));
    this.periods = [...(o.periods ?? [])];
    // CC.Expression is the schedule expression of the enrolment's section ("2(A-B)": period 2 on
    // days A and B), derived here from the section's meetings.
    this.cc = (o.cc ?? []).map((c) => ({ termid: '3600', expression: expressionOf(o.sectionMeetings ?? [], c.sectionid.replace(/^-/, '')), ...c }));
    this.sectionMeetings = [...(o.sectionMeetings ?? [])];
    this.calendarDays = [...(o.calendarDays ?? [])];
    this.cycleDays = [...(o.cycleDays ?? [])];
    this.countShape = o.countShape ?? 'count';
    this.emptyRecord = o.emptyRecord ?? 'array';
    this.schools = o.schools ?? { '100': { mode: 'daily' } };
    this.batch = o.batch ?? true;
    this.tokenLifetime = o.tokenLifetime ?? 3600;
  }

  get url(): string {
    if (!this.server) throw new Error('FakePowerschool not started');
    return this.server.url;
  }

  async start(): Promise<this> {
    this.server = await startFakeHttp((r) => this.handle(r), this.faults, this.requests, this.o.lifetimeMs);
    return this;
  }

  close(): Promise<void> {
    return this.server?.close() ?? Promise.resolve();
  }

  inject(f: Fault): void {
    this.faults.inject(f);
  }

  /** Every token handed out so far stops working (a revocation, or a server restart). */
  expireTokens(): void {
    this.tokens.clear();
  }

  /** Tokens stop working once this many more attendance writes have succeeded (mid-drain expiry). */
  expireTokensAfterWrites(n: number): void {
    this.expireAfter = n;
  }
  private expireAfter: number | null = null;

  writes(path?: string): LoggedRequest[] {
    return this.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/ws/attendance') && (!path || r.path === path) && r.status === 200);
  }

  private handle(r: { method: string; path: string; query: URLSearchParams; headers: Record<string, string | string[] | undefined>; raw: string }): { status: number; body?: unknown; headers?: Record<string, string> } {
    if (r.method === 'POST' && r.path === '/oauth/access_token') return this.token(r);
    const m = /^Bearer\s+(.+)$/.exec(String(r.headers.authorization ?? ''));
    const exp = m ? this.tokens.get(m[1]!) : undefined;
    if (exp === undefined || exp < Date.now()) return { status: 401, body: { message: 'Invalid or expired access token' } };
    const body = r.raw ? (JSON.parse(r.raw) as unknown) : null;
    if (r.method === 'POST' && r.path.startsWith('/ws/attendance/')) {
      const res =
        r.path === '/ws/attendance/daily_time'
          ? this.dailyTime(body, 1)
          : r.path === '/ws/attendance/batch_daily_time'
            ? this.batch
              ? this.dailyTime(body, 200)
              : { status: 404, body: { message: 'Not Found' } }
            : r.path === '/ws/attendance/meeting_interval'
              ? this.meeting(body)
              : { status: 404, body: { message: 'Not Found' } };
      if (res.status === 200 && this.expireAfter !== null && --this.expireAfter <= 0) {
        this.expireAfter = null;
        this.tokens.clear();
      }
      return res;
    }
    const count = /^\/ws\/schema\/table\/([a-z_]+)\/count$/.exec(r.path);
    if (r.method === 'GET' && count) return this.count(count[1]!, r.query);
    const table = /^\/ws\/schema\/table\/([a-z_]+)$/.exec(r.path);
    if (r.method === 'GET' && table) return this.table(table[1]!, r.query);
    const v1 = /^\/ws\/v1\/school\/(\d+)\/student$/.exec(r.path);
    if (r.method === 'GET' && v1) return this.v1Students(v1[1]!, r.query);
    return { status: 404, body: { message: `No resource ${r.method} ${r.path}` } };
  }

  private token(r: { headers: Record<string, string | string[] | undefined>; raw: string }) {
    const who = basicAuth(String(r.headers.authorization ?? ''));
    const form = new URLSearchParams(r.raw);
    if (form.get('grant_type') !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type' } };
    if (!who || who.id !== (this.o.clientId ?? 'ps-client') || who.secret !== (this.o.clientSecret ?? 'ps-secret')) return { status: 401, body: { error: 'invalid_client' } };
    const token = `ps-${++this.tokensIssued}-${Math.random().toString(36).slice(2)}`;
    this.tokens.set(token, Date.now() + this.tokenLifetime * 1000);
    return { status: 200, body: { access_token: token, token_type: 'Bearer', expires_in: String(this.tokenLifetime) } };
  }

  /** The envelope's records; every value must be a string except the fields in `integers`. */
  private records(body: unknown, integers: readonly string[] = []): Row[] | string {
    const b = body as { name?: string; record?: { tables?: { attendance?: Record<string, unknown> } }[] } | null;
    if (!b || !Array.isArray(b.record) || b.record.length === 0) return 'The payload has no attendance record.';
    const out: Row[] = [];
    for (const rec of b.record) {
      const a = rec.tables?.attendance;
      if (!a) return 'A record has no tables.attendance.';
      const row: Row = {};
      for (const [k, v] of Object.entries(a)) {
        const key = k.toLowerCase();
        if (integers.includes(key)) {
          if (typeof v !== 'number' || !Number.isInteger(v)) return `${key.toUpperCase()} must be an integer (seconds after midnight)`;
        } else if (typeof v !== 'string') return `${key.toUpperCase()} must be a string`;
        row[key] = String(v);
      }
      if (row.total_minutes !== undefined && !/^\d+$/.test(row.total_minutes)) return 'TOTAL_MINUTES must be a whole number of minutes';
      out.push(row);
    }
    return out;
  }

  private check(row: Row, mode: PsMode): string | null {
    for (const f of ['studentid', 'att_date', 'schoolid', 'yearid', 'att_mode_code', 'attendance_codeid']) if (!row[f]) return `Missing required field ${f.toUpperCase()}`;
    // total_minutes belongs to Time mode only (powerschool-api-attendance.md: "Time mode only").
    if (row.total_minutes !== undefined && row.att_mode_code !== 'ATT_ModeTime') return 'TOTAL_MINUTES is only accepted with ATT_ModeTime';
    const school = this.schools[row.schoolid!];
    if (!school) return `Invalid schoolid ${row.schoolid}`;
    if (row.att_mode_code !== MODE_CODE[school.mode] || school.mode !== mode) return `ATT_MODE_CODE ${row.att_mode_code} does not match the attendance mode of school ${row.schoolid}`;
    if (!this.students.some((s) => s.id === row.studentid)) return `Invalid studentid ${row.studentid}`;
    if (!this.codes.some((c) => c.id === row.attendance_codeid && c.schoolid === row.schoolid && c.yearid === row.yearid)) return `Invalid attendance_codeid ${row.attendance_codeid} for school ${row.schoolid} year ${row.yearid}`;
    return null;
  }

  private dailyTime(body: unknown, max: number) {
    const rows = this.records(body);
    if (typeof rows === 'string') return { status: 400, body: { message: rows } };
    if (rows.length > max) return { status: 400, body: { message: `At most ${max} record(s) per request` } };
    const errors = rows.map((row, i) => ({ i, e: this.check(row, row.att_mode_code === 'ATT_ModeTime' ? 'time' : 'daily') })).filter((x) => x.e);
    if (errors.length) return { status: 400, body: { errors: errors.map((x) => ({ index: x.i, message: x.e })) } };
    const refs = rows.map((row) => {
      // Daily: one record per student per day (create or update). Time: a new record unless dcid.
      const existing = row.att_mode_code === 'ATT_ModeDaily' ? this.attendance.find((a) => a.studentid === row.studentid && a.att_date === row.att_date && a.att_mode_code === 'ATT_ModeDaily') : row.dcid ? this.attendance.find((a) => a.dcid === row.dcid) : undefined;
      return this.store(row, existing);
    });
    return { status: 200, body: { result: refs.map((id) => ({ status: 'SUCCESS', id, ref: `${this.url}/ws/schema/table/attendance/${id}` })) } };
  }

  private meeting(body: unknown) {
    const rows = this.records(body, ['start_time', 'end_time']);
    if (typeof rows === 'string') return { status: 400, body: { message: rows } };
    const first = rows[0]!;
    if (rows.some((r) => r.studentid !== first.studentid || r.att_date !== first.att_date)) return { status: 400, body: { message: 'All records must be for a single student for a single day' } };
    for (const row of rows) {
      const e = this.check(row, 'meeting');
      if (e) return { status: 400, body: { message: e } };
      if (!row.periodid && !(row.start_time && row.end_time)) return { status: 400, body: { message: 'ATT_ModeMeeting needs periodid or start_time and end_time' } };
      if (row.periodid && !this.periods.some((p) => p.id === row.periodid)) return { status: 400, body: { message: `Invalid periodid ${row.periodid}` } };
      const ccErr = this.checkCc(row);
      if (ccErr) return { status: 400, body: { message: ccErr } };
    }
    const refs = rows.map((row) => this.store(row, this.attendance.find((a) => a.studentid === row.studentid && a.att_date === row.att_date && a.periodid === row.periodid && a.att_mode_code === 'ATT_ModeMeeting')));
    return { status: 200, body: { result: refs.map((id) => ({ status: 'SUCCESS', id, ref: `${this.url}/ws/schema/table/attendance/${id}` })) } };
  }

  /** ccid must be the student's enrolment, active on att_date, in a section meeting in the period. */
  private checkCc(row: Row): string | null {
    if (!row.ccid) return 'Missing required field CCID';
    const cc = this.cc.find((c) => c.id === row.ccid);
    if (!cc || cc.studentid !== row.studentid) return `Invalid ccid ${row.ccid} for student ${row.studentid}`;
    if (!(cc.dateenrolled! <= row.att_date! && row.att_date! < cc.dateleft!) || Number(cc.sectionid) < 0) return `The student is not enrolled in ccid ${row.ccid} on ${row.att_date}`;
    const period = this.periods.find((p) => p.id === row.periodid);
    if (period && !this.sectionMeetings.some((m) => m.sectionid === cc.sectionid && m.period_number === period.period_number)) return `Section ${cc.sectionid} does not meet in period ${period.period_number}`;
    return null;
  }

  private store(row: Row, existing: Row | undefined): string {
    if (existing) {
      Object.assign(existing, row);
      return existing.id!;
    }
    const id = String(++this.nextId);
    this.attendance.push({ ...row, id, dcid: String(Number(id) + 900000) });
    return id;
  }

  /** Seed a mark the school made by hand (a protected code, say). */
  addMark(row: { studentid: string; att_date: string; schoolid: string; yearid: string; att_mode_code: string; attendance_codeid: string; periodid?: string; att_comment?: string }): string {
    return this.store({ ...row }, undefined);
  }

  private source(name: string): Row[] | undefined {
    if (name === 'section_meeting' && this.o.sectionMeetingTable === false) return undefined;
    const tables: Record<string, Row[]> = {
      attendance_code: this.codes,
      attendance: this.attendance,
      period: this.periods,
      students: this.students,
      cc: this.cc,
      section_meeting: this.sectionMeetings,
      calendar_day: this.calendarDays,
      cycle_day: this.cycleDays,
    };
    return tables[name];
  }

  /** Rows matching a FIQL q, or the 400 message for a query PowerSchool would refuse. */
  private matching(rows: Row[], q: string): Row[] | string {
    const terms: [string, string, string][] = [];
    for (const t of q.split(';').filter(Boolean)) {
      const m = /^([a-z_0-9]+)(==|=gt=|=ge=|=lt=|=le=)(.*)$/i.exec(t);
      if (!m) return `Invalid query term ${t}`;
      terms.push([m[1]!.toLowerCase(), m[2]!, m[3]!]);
    }
    const numeric = (a: string, b: string) => /^-?\d+$/.test(a) && /^-?\d+$/.test(b);
    const cmp = (a: string, b: string) => (numeric(a, b) ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0);
    return rows.filter((row) =>
      terms.every(([k, op, v]) => {
        const x = row[k];
        if (x === undefined) return false;
        const c = cmp(x, v);
        return op === '==' ? x === v : op === '=gt=' ? c > 0 : op === '=ge=' ? c >= 0 : op === '=lt=' ? c < 0 : c <= 0;
      }),
    );
  }

  private table(name: string, query: URLSearchParams) {
    const rows = this.source(name);
    if (!rows) return { status: 404, body: { message: `Table ${name} not found` } };
    const projection = (query.get('projection') ?? '*').split(',').map((p) => p.trim().toLowerCase());
    const page = Number(query.get('page') ?? 1);
    const size = Number(query.get('pagesize') ?? PS_PAGE_CAP);
    if (!Number.isInteger(size) || size < 1 || size > PS_PAGE_CAP) return { status: 400, body: { message: `Invalid pagesize ${query.get('pagesize')}: the maximum page size is ${PS_PAGE_CAP}` } };
    if (!Number.isInteger(page) || page < 1) return { status: 400, body: { message: `Invalid page ${query.get('page')}` } };
    const hits = this.matching(rows, query.get('q') ?? '');
    if (typeof hits === 'string') return { status: 400, body: { message: hits } };
    const slice = hits.slice((page - 1) * size, page * size);
    const record = slice.map((row) => ({
      id: Number(row.id ?? 0),
      name,
      tables: { [name]: Object.fromEntries(Object.entries(row).filter(([k]) => projection.includes('*') || projection.includes(k))) },
    }));
    return { status: 200, body: { name, ...(record.length || this.emptyRecord === 'array' ? { record } : {}), '@extensions': '' } };
  }

  private count(name: string, query: URLSearchParams) {
    const rows = this.source(name);
    if (!rows) return { status: 404, body: { message: `Table ${name} not found` } };
    const hits = this.matching(rows, query.get('q') ?? '');
    if (typeof hits === 'string') return { status: 400, body: { message: hits } };
    return { status: 200, body: this.countShape === 'count' ? { count: hits.length } : { resource: { count: hits.length } } };
  }

  private v1Students(schoolId: string, query: URLSearchParams) {
    const page = Number(query.get('page') ?? 1);
    const size = Number(query.get('pagesize') ?? 100);
    const hits = this.students.filter((s) => s.schoolid === schoolId).slice((page - 1) * size, page * size);
    const student = hits.map((s) => ({ id: Number(s.dcid), local_id: Number(s.student_number), name: { first_name: s.first_name, last_name: s.last_name } }));
    // PowerSchool's quirk: a single student comes back as an object, not a one-item array.
    return { status: 200, body: { students: { student: student.length === 1 ? student[0] : student } } };
  }
}

function expressionOf(meetings: { sectionid: string; period_number: string; cycle_day_letter: string }[], sectionId: string): string {
  const byPeriod = new Map<string, string[]>();
  for (const m of meetings.filter((x) => x.sectionid === sectionId)) byPeriod.set(m.period_number, [...(byPeriod.get(m.period_number) ?? []), m.cycle_day_letter]);
  return [...byPeriod].map(([p, days]) => `${p}(${days.sort().join(',')})`).join(' ');
}

export const psYear = '36'; // 2026–27, the year of the tests' dates

/** A district with one school in the given mode, codes T (tardy) and EX (early dismissal), three students, P1–P4. */
export function demoPowerschool(mode: PsMode, more: FakePowerschoolOptions = {}): FakePowerschool {
  return new FakePowerschool({
    schools: { '100': { mode } },
    codes: [
      { id: '11', att_code: 'T', description: 'Tardy', schoolid: '100', yearid: psYear },
      { id: '12', att_code: 'EX', description: 'Early dismissal', schoolid: '100', yearid: psYear },
      { id: '13', att_code: 'A', description: 'Absent', presence_status_cd: 'Absent', schoolid: '100', yearid: psYear },
      { id: '14', att_code: 'ISS', description: 'In-school suspension', schoolid: '100', yearid: psYear },
      { id: '21', att_code: 'T', description: 'Tardy (other school)', schoolid: '200', yearid: psYear },
    ],
    students: [
      { id: '1001', student_number: '240001', first_name: 'Ava', last_name: 'Lopez', schoolid: '100' },
      { id: '1002', student_number: '240002', first_name: 'Ben', last_name: 'Okafor', schoolid: '100' },
      { id: '1003', student_number: '240003', first_name: 'Cy', last_name: 'Nguyen', schoolid: '100' },
    ],
    periods: [
      { id: '301', period_number: '1', name: 'Period 1', abbreviation: 'P1', schoolid: '100', year_id: psYear },
      { id: '302', period_number: '2', name: 'Period 2', abbreviation: 'P2', schoolid: '100', year_id: psYear },
      { id: '303', period_number: '3', name: 'Period 3', abbreviation: 'P3', schoolid: '100', year_id: psYear },
      { id: '304', period_number: '4', name: 'Period 4', abbreviation: 'P4', schoolid: '100', year_id: psYear },
    ],
    // Sections 401–404 meet in periods 1–4 every day; students 1001–1003 are enrolled for the fall
    // term. 1001 also holds a dropped enrolment (negative sectionid) and last year's enrolment in
    // period 2; 1003's period 3 is an A/B-day pair (sections 413 on A, 423 on B).
    cc: [
      ...['1001', '1002', '1003'].flatMap((st) =>
        ['1', '2', '3', '4']
          .filter((p) => !(st === '1003' && p === '3'))
          .map((p) => ({ id: `7${st.slice(-1)}0${p}`, studentid: st, sectionid: `40${p}`, schoolid: '100', dateenrolled: '2026-08-17', dateleft: '2026-12-19' })),
      ),
      { id: '7199', studentid: '1001', sectionid: '-402', schoolid: '100', dateenrolled: '2026-08-17', dateleft: '2026-12-19' },
      { id: '7198', studentid: '1001', sectionid: '402', schoolid: '100', dateenrolled: '2025-08-18', dateleft: '2026-06-01' },
      { id: '7313', studentid: '1003', sectionid: '413', schoolid: '100', dateenrolled: '2026-08-17', dateleft: '2026-12-19' },
      { id: '7323', studentid: '1003', sectionid: '423', schoolid: '100', dateenrolled: '2026-08-17', dateleft: '2026-12-19' },
    ],
    sectionMeetings: [
      ...['1', '2', '3', '4'].flatMap((p) => ['A', 'B'].map((d) => ({ sectionid: `40${p}`, period_number: p, cycle_day_letter: d, schoolid: '100' }))),
      { sectionid: '413', period_number: '3', cycle_day_letter: 'A', schoolid: '100' },
      { sectionid: '423', period_number: '3', cycle_day_letter: 'B', schoolid: '100' },
    ],
    // 2026-11-24 is an A day, 2026-11-25 a B day.
    calendarDays: [
      { id: '9001', date_value: '2026-11-24', schoolid: '100', cycle_day_id: '81' },
      { id: '9002', date_value: '2026-11-25', schoolid: '100', cycle_day_id: '82' },
    ],
    cycleDays: [
      { id: '81', letter: 'A', schoolid: '100' },
      { id: '82', letter: 'B', schoolid: '100' },
    ],
    ...more,
  });
}
