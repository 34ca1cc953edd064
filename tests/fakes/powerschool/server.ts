// A PowerSchool server for tests, speaking the plugin wire format of reference/mis-apis.md:
// POST /oauth/access_token (Basic client:secret → expires_in as a string), the attendance plugin
// endpoints (daily_time, batch_daily_time, meeting_interval, in the ATTENDANCE envelope with every
// value a string), schema table reads (attendance_code, attendance, period, students) with FIQL
// `q` and pages, and /ws/v1/school/{id}/student. Each school has an attendance mode; a record in
// another mode is refused, as PowerSchool refuses it. Faults: see faults.ts.
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
  lifetimeMs?: number;
}

const MODE_CODE: Record<PsMode, string> = { daily: 'ATT_ModeDaily', time: 'ATT_ModeTime', meeting: 'ATT_ModeMeeting' };

export class FakePowerschool {
  readonly faults = new FaultBook();
  readonly requests: LoggedRequest[] = [];
  /** Every attendance row the server holds, as the schema table shows it. */
  readonly attendance: Row[] = [];
  codes: Row[];
  students: Row[];
  periods: Row[];
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

  private records(body: unknown): Row[] | string {
    const b = body as { name?: string; record?: { tables?: { attendance?: Record<string, unknown> } }[] } | null;
    if (!b || !Array.isArray(b.record) || b.record.length === 0) return 'The payload has no attendance record.';
    const out: Row[] = [];
    for (const rec of b.record) {
      const a = rec.tables?.attendance;
      if (!a) return 'A record has no tables.attendance.';
      const row: Row = {};
      for (const [k, v] of Object.entries(a)) row[k.toLowerCase()] = String(v);
      out.push(row);
    }
    return out;
  }

  private check(row: Row, mode: PsMode): string | null {
    for (const f of ['studentid', 'att_date', 'schoolid', 'yearid', 'att_mode_code', 'attendance_codeid']) if (!row[f]) return `Missing required field ${f.toUpperCase()}`;
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
    const rows = this.records(body);
    if (typeof rows === 'string') return { status: 400, body: { message: rows } };
    const first = rows[0]!;
    if (rows.some((r) => r.studentid !== first.studentid || r.att_date !== first.att_date)) return { status: 400, body: { message: 'All records must be for a single student for a single day' } };
    for (const row of rows) {
      const e = this.check(row, 'meeting');
      if (e) return { status: 400, body: { message: e } };
      if (!row.periodid && !(row.start_time && row.end_time)) return { status: 400, body: { message: 'ATT_ModeMeeting needs periodid or start_time and end_time' } };
      if (row.periodid && !this.periods.some((p) => p.id === row.periodid)) return { status: 400, body: { message: `Invalid periodid ${row.periodid}` } };
    }
    const refs = rows.map((row) => this.store(row, this.attendance.find((a) => a.studentid === row.studentid && a.att_date === row.att_date && a.periodid === row.periodid && a.att_mode_code === 'ATT_ModeMeeting')));
    return { status: 200, body: { result: refs.map((id) => ({ status: 'SUCCESS', id, ref: `${this.url}/ws/schema/table/attendance/${id}` })) } };
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

  private table(name: string, query: URLSearchParams) {
    const source: Record<string, Row[]> = { attendance_code: this.codes, attendance: this.attendance, period: this.periods, students: this.students };
    const rows = source[name];
    if (!rows) return { status: 404, body: { message: `Table ${name} not found` } };
    const terms = (query.get('q') ?? '').split(';').filter(Boolean).map((t) => {
      const i = t.indexOf('==');
      if (i < 0) throw new Error(`Unsupported query term ${t}`);
      return [t.slice(0, i).toLowerCase(), t.slice(i + 2)] as const;
    });
    const projection = (query.get('projection') ?? '*').split(',').map((p) => p.trim().toLowerCase());
    const page = Number(query.get('page') ?? 1);
    const size = Math.min(Number(query.get('pagesize') ?? 100), 1000);
    const hits = rows.filter((row) => terms.every(([k, v]) => (row[k] ?? '') === v));
    const slice = hits.slice((page - 1) * size, page * size);
    return {
      status: 200,
      body: {
        name,
        record: slice.map((row) => ({
          id: Number(row.id ?? 0),
          name,
          tables: { [name]: Object.fromEntries(Object.entries(row).filter(([k]) => projection.includes('*') || projection.includes(k))) },
        })),
        '@extensions': '',
      },
    };
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
    ...more,
  });
}
