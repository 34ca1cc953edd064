// A strict fake Wonde on 127.0.0.1 that follows the public model on the wire, with fault
// injection (5xx, 429 with Retry-After, slow answers, dropped connections, expired tokens). Every
// write is recorded so tests can count them. It stops by itself after `lifetimeMs`.
//
// Wire facts and their public sources:
// - Base path `/v1.0/`, school-scoped paths `schools/{id}/…`: wondeltd/php-client
//   src/Endpoints/BootstrapEndpoint.php (getEndpoint), src/Endpoints/Schools.php.
// - Auth: `Authorization: Basic base64(token + ":")` (php-client BootstrapEndpoint::client) or
//   `bearer <token>` (dotnet-client Wonde/EndPoints/BootstrapEndpoint.cs getClient; the scheme is
//   case-insensitive, RFC 7235 §2.1); anything else is 401.
// - Lists: `{data: [...], meta: {pagination: {next, …}}}` with `next` an absolute URL followed as
//   given: php-client src/ResultIterator.php (valid()); the other pagination fields (previous, more,
//   per_page, current_page) from reference/mis-apis.md. Largest per_page is UNCONFIRMED: capped at
//   200 here.
// - `GET attendance-codes` → `id`, `code`, `description`, `type`; writeback names a code by its
//   Wonde `id`: php-client src/Writeback/SessionAttendanceRecord.php (setAttendanceCodeId: "Attendance
//   codes can be fetched from the attendance-code endpoint"), readme "Attendance Codes".
// - `GET lessons` (php-client src/Endpoints/Lessons.php, readme "Lessons"), `include=class.students`
//   nested as `{data: …}` (reference/mis-apis.md, Wonde "Lessons": Wonde's includes nest relations).
//   The time fields `start_at`/`end_at` and the `lessons_start_after`/`_before` filters are
//   UNCONFIRMED (no public client spells them out); served with the date shape below.
// - Register reads `GET attendance/session` and `GET attendance/lesson`: php-client
//   src/Endpoints/Attendance.php, src/Endpoints/LessonAttendance.php (uri). Their row shape is
//   UNCONFIRMED, so `readShape` serves each plausible one (the connector is tested against all):
//     'included'  Wonde's relation convention: `attendance_code` is the code's id, or
//                 `{"data":{id, code, description}}` when `include=attendance_code` (the default);
//     'id'        `attendance_code` always the id, whatever `include` says;
//     'attendance_code_id'  flat `student_id`, `lesson_id`, `attendance_code_id` fields;
//     'letter'    `attendance_code` is the bare letter ("L").
//   and `dateShape` serves dates as PHP's date object `{"date":"YYYY-MM-DD HH:MM:SS.000000",
//   "timezone_type":3,"timezone":"Europe/London"}` ('object', default) or a plain
//   "YYYY-MM-DD HH:MM:SS" string ('string'). Read filters (`date`, `student_id`) are UNCONFIRMED:
//   honoured unless `honourReadFilters: false`.
// - Session writeback `POST attendance/session` with `{attendance: [record…]}`, a record being the
//   public SessionAttendanceRecord: `student_id`, `date` (Y-m-d), `session` (AM|PM),
//   `attendance_code_id`, optional `comment` (string) and `minutes_late` (integer ≥ 0):
//   php-client src/Writeback/SessionAttendanceRecord.php (toArray), dotnet-client
//   WriteBack/SessionAttendanceRecord.cs (minutes_late set only when ≥ 0), php-client readme
//   ("POST Attendance"). Any other field is refused.
// - Lesson writeback `POST attendance/lesson`: a record is exactly `lesson_id`, `student_id`,
//   `attendance_code_id` (php-client src/Writeback/LessonAttendanceRecord.php toArray, dotnet-client
//   WriteBack/LessionAttendanceRecord.cs). Any other field (comment, minutes_late) is refused.
// - A write answers `{writeback_id}`: php-client readme ("Writeback id is part of the response").
// - A refusal is HTTP 422 with a JSON body of validation errors (php-client BootstrapEndpoint
//   throwError: "Status code 422 is a validation error", body decoded as the errors; dotnet-client
//   BootstrapEndpoint.cs throwError, the body read as a JSON dictionary). The body's
//   shape is UNCONFIRMED: `validationShape` 'laravel' (default) answers `{message, errors:
//   {"attendance.N.field": [msg]}}`, 'errors' answers `{errors: {…}}` alone; both name the record
//   by its index N. One bad record refuses the whole request, nothing applied (Laravel validation's
//   way; UNCONFIRMED for Wonde).
// - The school object `GET schools/{id}` → `{data: {id, name, mis, timezone, extended:
//   {allows_writeback, has_lesson_attendance}, region: {domain}}}`: reference/mis-apis.md (Wonde
//   "School object"), php-client src/Endpoints/Schools.php and tests/MiscEndPointsRegionalDomainTest.php.
// - Rate limits, 429 and Retry-After are UNCONFIRMED (reference/mis-apis.md): served on demand.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { makeSchool, type FakeSchool, type SchoolInput, type SessionMarkRecord } from './school';

export type Fault =
  | { kind: 'status'; status: number; times?: number; match?: RouteMatch }
  | { kind: 'rate_limit'; retryAfter: string; times?: number; match?: RouteMatch }
  | { kind: 'slow'; delayMs: number; times?: number; match?: RouteMatch }
  /** Close the socket without an answer, before doing anything. */
  | { kind: 'drop'; times?: number; match?: RouteMatch }
  /** Apply the write, then close the socket without an answer: the client cannot know it landed. */
  | { kind: 'drop_after_write'; times?: number; match?: RouteMatch }
  /** Answer 200 with this body instead of the real one (a register read Wonde might garble). */
  | { kind: 'body'; body: unknown; times?: number; match?: RouteMatch };

export type ReadShape = 'included' | 'id' | 'attendance_code_id' | 'letter';
export type DateShape = 'object' | 'string';
export const READ_SHAPES: readonly ReadShape[] = ['included', 'id', 'attendance_code_id', 'letter'];

export interface RouteMatch {
  method?: 'GET' | 'POST';
  /** Substring of the path, e.g. '/attendance/session'. */
  path?: string;
}

export interface WriteRecord {
  seq: number;
  school: string;
  kind: 'session' | 'lesson';
  writebackId: string;
  records: Record<string, unknown>[];
}

export interface FakeWondeOptions {
  schools?: SchoolInput[];
  tokens?: string[];
  /** Requests per second the fake accepts before answering 429 (token bucket). */
  rateLimit?: { perSecond: number; burst?: number };
  /** Added to every answer, ms. */
  latencyMs?: number;
  defaultPerPage?: number;
  /** false: ignore student_id/date filters on mark reads (the filters are undocumented). */
  honourReadFilters?: boolean;
  /** How register reads carry the code (see the header). Default 'included'. */
  readShape?: ReadShape;
  /** How register reads carry dates. Default 'object'. */
  dateShape?: DateShape;
  /** The body of a 422. Default 'laravel'. */
  validationShape?: 'laravel' | 'errors';
  lifetimeMs?: number;
}

export interface FakeWonde {
  url: string;
  /** What the connector takes as baseUrl: http://127.0.0.1:PORT/v1.0/ */
  baseUrl: string;
  port: number;
  schools: Map<string, FakeSchool>;
  tokens: Set<string>;
  writes: WriteRecord[];
  requests: { method: string; path: string; status: number }[];
  inject(fault: Fault): void;
  /**
   * Called as each answer is decided, before it goes out (and, for a write, after it is applied):
   * the crash test kills its client at such moments, so a write can land unacknowledged.
   */
  onAnswer(listener: (r: { method: string; path: string; status: number }) => void): () => void;
  clearFaults(): void;
  /** Every written session record for one student (how many times a mark was written). */
  sessionWritesFor(studentId: string): Record<string, unknown>[];
  setSessionMark(school: string, student: string, date: string, session: 'AM' | 'PM', code: string, comment?: string | null): void;
  setLessonMark(school: string, student: string, lessonId: string, code: string): void;
  sessionMark(school: string, student: string, date: string, session: 'AM' | 'PM'): (SessionMarkRecord & { code: string }) | null;
  stats(): { requests: number; rejected429: number; writes: number; records: number };
  close(): Promise<void>;
}

/** The public SessionAttendanceRecord's fields (see the header); nothing else is accepted. */
const SESSION_FIELDS = new Set(['student_id', 'date', 'session', 'attendance_code_id', 'comment', 'minutes_late']);
/** The public LessonAttendanceRecord's fields: exactly three. */
const LESSON_FIELDS = new Set(['lesson_id', 'student_id', 'attendance_code_id']);

export async function startFakeWonde(options: FakeWondeOptions = {}): Promise<FakeWonde> {
  const schools = new Map<string, FakeSchool>((options.schools ?? []).map((s) => [s.id, makeSchool(s)]));
  const tokens = new Set(options.tokens ?? ['test-token']);
  const faults: (Fault & { left: number })[] = [];
  const writes: WriteRecord[] = [];
  const requests: FakeWonde['requests'] = [];
  const sockets = new Set<Socket>();
  const listeners = new Set<(r: { method: string; path: string; status: number }) => void>();
  let seq = 0;
  let rejected429 = 0;
  let bucket = options.rateLimit ? (options.rateLimit.burst ?? Math.max(1, Math.ceil(options.rateLimit.perSecond / 10))) : 0;
  let bucketAt = Date.now();

  const takeFault = (method: string, path: string): Fault | null => {
    const i = faults.findIndex((f) => (!f.match?.method || f.match.method === method) && (!f.match?.path || path.includes(f.match.path)));
    if (i < 0) return null;
    const f = faults[i]!;
    f.left -= 1;
    if (f.left <= 0) faults.splice(i, 1);
    return f;
  };

  const rateLimited = (): boolean => {
    if (!options.rateLimit) return false;
    const now = Date.now();
    const burst = options.rateLimit.burst ?? Math.max(1, Math.ceil(options.rateLimit.perSecond / 10));
    bucket = Math.min(burst, bucket + ((now - bucketAt) / 1000) * options.rateLimit.perSecond);
    bucketAt = now;
    if (bucket >= 1) {
      bucket -= 1;
      return false;
    }
    return true;
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
      const method = req.method ?? 'GET';
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        requests.push({ method, path: url.pathname, status });
        for (const l of listeners) l({ method, path: url.pathname, status });
        const go = () => {
          if (res.destroyed) return;
          res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
          res.end(JSON.stringify(body));
        };
        if (options.latencyMs) setTimeout(go, options.latencyMs);
        else go();
      };
      if (url.pathname.startsWith('/__fake/')) return send(200, control(url.pathname));
      const fault = takeFault(method, url.pathname);
      if (fault?.kind === 'drop') return void req.socket.destroy();
      if (fault?.kind === 'status') return send(fault.status, { error: 'Server Error' });
      if (fault?.kind === 'body') return send(200, fault.body);
      if (fault?.kind === 'rate_limit') {
        rejected429 += 1;
        return send(429, { error: 'Too Many Requests' }, { 'Retry-After': fault.retryAfter });
      }
      if (rateLimited()) {
        rejected429 += 1;
        return send(429, { error: 'Too Many Requests' }, { 'Retry-After': '1' });
      }
      if (!authorised(req.headers.authorization)) return send(401, { error: 'Unauthenticated.' });
      const answer = () => {
        const out = route(method, url, Buffer.concat(chunks).toString('utf8'));
        if (fault?.kind === 'drop_after_write') return void req.socket.destroy();
        send(out.status, out.body);
      };
      if (fault?.kind === 'slow') setTimeout(answer, fault.delayMs);
      else answer();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  const authorised = (header: string | undefined): boolean => {
    if (!header) return false;
    const [rawScheme, value] = header.split(' ');
    const scheme = (rawScheme ?? '').toLowerCase();
    if (scheme === 'bearer') return tokens.has(value ?? '');
    if (scheme === 'basic') return tokens.has(Buffer.from(value ?? '', 'base64').toString('utf8').replace(/:$/, ''));
    return false;
  };

  const page = <T>(url: URL, items: T[]) => {
    const perPage = Math.min(200, Math.max(1, Number(url.searchParams.get('per_page') ?? options.defaultPerPage ?? 50)));
    const current = Math.max(1, Number(url.searchParams.get('page') ?? 1));
    const data = items.slice((current - 1) * perPage, current * perPage);
    const more = current * perPage < items.length;
    const link = (p: number) => {
      const u = new URL(url);
      u.searchParams.set('page', String(p));
      return u.toString();
    };
    return {
      status: 200,
      body: { data, meta: { pagination: { next: more ? link(current + 1) : null, previous: current > 1 ? link(current - 1) : null, more, per_page: perPage, current_page: current } } },
    };
  };

  const wondeDate = (d: string) =>
    options.dateShape === 'string' ? d : { date: `${d}.000000`, timezone_type: 3, timezone: 'Europe/London' };

  /** One register row in the configured shape. */
  const markRow = (school: FakeSchool, include: string[], r: { key: string; student: string; date: string; session?: string; lesson?: string; mark: SessionMarkRecord }) => {
    const shape = options.readShape ?? 'included';
    const c = school.codes.find((x) => x.id === r.mark.code_id);
    const base: Record<string, unknown> = { id: r.key };
    const flat = shape === 'attendance_code_id';
    base[flat ? 'student_id' : 'student'] = r.student;
    if (r.lesson !== undefined) base[flat ? 'lesson_id' : 'lesson'] = r.lesson;
    if (r.session !== undefined) base.session = r.session;
    base.date = wondeDate(`${r.date} 00:00:00`);
    if (shape === 'letter') base.attendance_code = c?.code ?? null;
    else if (flat) base.attendance_code_id = r.mark.code_id;
    else if (shape === 'included' && include.includes('attendance_code') && c) base.attendance_code = { data: { id: c.id, code: c.code, description: c.description } };
    else base.attendance_code = r.mark.code_id;
    base.comment = r.mark.comment;
    return base;
  };

  const route = (method: string, url: URL, raw: string): { status: number; body: unknown } => {
    const m = /^\/v1\.0\/schools\/([^/]+)(\/.*)?$/.exec(url.pathname);
    if (!m) return { status: 404, body: { error: 'Not found' } };
    const school = schools.get(decodeURIComponent(m[1]!));
    if (!school) return { status: 404, body: { error: 'School not found' } };
    const rest = m[2] ?? '';
    const include = (url.searchParams.get('include') ?? '').split(',');
    if (method === 'GET' && rest === '') {
      return {
        status: 200,
        body: {
          data: {
            id: school.id,
            name: school.name,
            mis: school.mis,
            timezone: school.timezone,
            extended: { allows_writeback: school.allowsWriteback, has_lesson_attendance: school.lessonWriteback },
            region: { domain: url.host },
          },
        },
      };
    }
    if (method === 'GET' && rest === '/attendance-codes') return page(url, school.codes);
    if (method === 'GET' && rest === '/students') return page(url, [...school.students.values()].map((s) => ({ ...s, mis_id: s.id })));
    if (method === 'GET' && rest === '/lessons') {
      const after = url.searchParams.get('lessons_start_after');
      const before = url.searchParams.get('lessons_start_before');
      const items = school.lessons
        .filter((l) => (!after || `${l.date} ${l.start}:00` >= after) && (!before || `${l.date} ${l.start}:00` <= before))
        .map((l) => ({
          id: l.id,
          start_at: wondeDate(`${l.date} ${l.start}:00`),
          end_at: wondeDate(`${l.date} ${l.end}:00`),
          ...(include.includes('class.students') || include.includes('class')
            ? { class: { data: { id: `C-${l.id}`, name: l.className, ...(include.includes('class.students') ? { students: { data: l.students.map((id) => ({ id })) } } : {}) } } }
            : {}),
        }));
      return page(url, items);
    }
    const filterStudent = options.honourReadFilters === false ? null : url.searchParams.get('student_id');
    const filterDate = options.honourReadFilters === false ? null : url.searchParams.get('date');
    if (method === 'GET' && rest === '/attendance/session') {
      // A student's day has two keys (AM, PM): looked up, not found by scanning every mark the
      // school holds, so that serving a backlog's reads stays cheap (the sync bench shares two
      // cores between this process, the kiosk and a CPU hog; a scan made the fake the bottleneck).
      const entries: [string, SessionMarkRecord][] =
        filterStudent && filterDate
          ? ['AM', 'PM'].flatMap((session) => {
              const key = `${filterStudent}|${filterDate}|${session}`;
              const mark = school.sessionMarks.get(key);
              return mark ? [[key, mark] as [string, SessionMarkRecord]] : [];
            })
          : [...school.sessionMarks];
      const items = entries
        .map(([key, mark]) => {
          const [student, date, session] = key.split('|') as [string, string, string];
          return { key, student, date, session, mark };
        })
        .filter((r) => (!filterStudent || r.student === filterStudent) && (!filterDate || r.date === filterDate))
        .map((r) => markRow(school, include, r));
      return page(url, items);
    }
    if (method === 'GET' && rest === '/attendance/lesson') {
      const items = [...school.lessonMarks]
        .map(([key, mark]) => {
          const [lesson, student] = key.split('|') as [string, string];
          const l = school.lessons.find((x) => x.id === lesson);
          return { key, lesson, student, date: l?.date ?? '', mark };
        })
        .filter((r) => (!filterStudent || r.student === filterStudent) && (!filterDate || r.date === filterDate))
        .map((r) => markRow(school, include, r));
      return page(url, items);
    }
    if (method === 'POST' && (rest === '/attendance/session' || rest === '/attendance/lesson')) {
      return write(school, rest === '/attendance/session' ? 'session' : 'lesson', raw);
    }
    return { status: 404, body: { error: 'Not found' } };
  };

  /** Laravel validation: every record is checked; one bad record refuses the whole request. */
  const write = (school: FakeSchool, kind: 'session' | 'lesson', raw: string): { status: number; body: unknown } => {
    let body: { attendance?: Record<string, unknown>[] };
    try {
      body = JSON.parse(raw) as typeof body;
    } catch {
      return { status: 400, body: { error: 'Malformed JSON' } };
    }
    const errors: Record<string, string[]> = {};
    const fail = (field: string, msg: string) => (errors[field] ??= []).push(msg);
    if (!school.allowsWriteback) fail('attendance', 'Writeback is not enabled for this school.');
    if (kind === 'session' && !school.sessionWriteback) fail('attendance', `Session attendance writeback is not supported by ${school.mis}.`);
    if (kind === 'lesson' && !school.lessonWriteback) fail('attendance', `Lesson attendance writeback is not supported by ${school.mis}.`);
    const records = Array.isArray(body.attendance) ? body.attendance : [];
    if (records.length === 0) fail('attendance', 'The attendance field is required.');
    records.forEach((r, i) => {
      if (!r || typeof r !== 'object' || Array.isArray(r)) return fail(`attendance.${i}`, `The attendance.${i} must be an object.`);
      for (const field of Object.keys(r)) {
        if (!(kind === 'session' ? SESSION_FIELDS : LESSON_FIELDS).has(field)) fail(`attendance.${i}.${field}`, `The attendance.${i}.${field} field is prohibited.`);
      }
      if (typeof r.student_id !== 'string' || !school.students.has(r.student_id)) fail(`attendance.${i}.student_id`, 'The selected student id is invalid.');
      if (typeof r.attendance_code_id !== 'string' || !school.codes.some((c) => c.id === r.attendance_code_id))
        fail(`attendance.${i}.attendance_code_id`, 'The selected attendance code id is invalid.');
      if (kind === 'session') {
        if (typeof r.date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(r.date)) fail(`attendance.${i}.date`, 'The date does not match the format Y-m-d.');
        if (r.session !== 'AM' && r.session !== 'PM') fail(`attendance.${i}.session`, 'The selected session is invalid.');
        if (r.comment !== undefined && (typeof r.comment !== 'string' || !school.comment)) fail(`attendance.${i}.comment`, `${school.mis} does not accept comments.`);
        if (r.minutes_late !== undefined && (!school.minutesLate || !Number.isInteger(r.minutes_late) || (r.minutes_late as number) < 0))
          fail(`attendance.${i}.minutes_late`, 'The minutes late must be an integer of 0 or more.');
      } else if (typeof r.lesson_id !== 'string' || !school.lessons.some((l) => l.id === r.lesson_id)) {
        fail(`attendance.${i}.lesson_id`, 'The selected lesson id is invalid.');
      }
    });
    if (Object.keys(errors).length) {
      return { status: 422, body: options.validationShape === 'errors' ? { errors } : { message: 'The given data was invalid.', errors } };
    }
    seq += 1;
    const writebackId = `WB${String(seq).padStart(8, '0')}`;
    for (const r of records) {
      const mark = { code_id: String(r.attendance_code_id), comment: typeof r.comment === 'string' ? r.comment : null, minutes_late: typeof r.minutes_late === 'number' ? r.minutes_late : null };
      if (kind === 'session') school.sessionMarks.set(`${String(r.student_id)}|${String(r.date)}|${String(r.session)}`, mark);
      else school.lessonMarks.set(`${String(r.lesson_id)}|${String(r.student_id)}`, mark);
    }
    writes.push({ seq, school: school.id, kind, writebackId, records });
    return { status: 200, body: { writeback_id: writebackId } };
  };

  const stats = () => ({ requests: requests.length, rejected429, writes: writes.length, records: writes.reduce((n, w) => n + w.records.length, 0) });

  const control = (path: string): unknown => {
    if (path === '/__fake/stats') return stats();
    if (path === '/__fake/writes') return writes;
    return { error: 'unknown control path' };
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const lifetime = setTimeout(() => void close(), options.lifetimeMs ?? 5 * 60_000);
  lifetime.unref();

  const close = () =>
    new Promise<void>((resolve) => {
      clearTimeout(lifetime);
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });

  return {
    url: `http://127.0.0.1:${port}`,
    baseUrl: `http://127.0.0.1:${port}/v1.0/`,
    port,
    schools,
    tokens,
    writes,
    requests,
    inject(fault) {
      faults.push({ ...fault, left: fault.times ?? 1 });
    },
    onAnswer(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    clearFaults() {
      faults.length = 0;
    },
    sessionWritesFor(studentId) {
      return writes.filter((w) => w.kind === 'session').flatMap((w) => w.records.filter((r) => r.student_id === studentId));
    },
    setSessionMark(schoolId, student, date, session, code, comment = null) {
      const school = schools.get(schoolId)!;
      const c = school.codes.find((x) => x.code === code);
      if (!c) throw new Error(`fake: school ${schoolId} has no code ${code}`);
      school.sessionMarks.set(`${student}|${date}|${session}`, { code_id: c.id, comment, minutes_late: null });
    },
    setLessonMark(schoolId, student, lessonId, code) {
      const school = schools.get(schoolId)!;
      const c = school.codes.find((x) => x.code === code);
      if (!c) throw new Error(`fake: school ${schoolId} has no code ${code}`);
      school.lessonMarks.set(`${lessonId}|${student}`, { code_id: c.id, comment: null, minutes_late: null });
    },
    sessionMark(schoolId, student, date, session) {
      const school = schools.get(schoolId)!;
      const m = school.sessionMarks.get(`${student}|${date}|${session}`);
      if (!m) return null;
      return { ...m, code: school.codes.find((c) => c.id === m.code_id)?.code ?? '?' };
    },
    stats,
    close,
  };
}
