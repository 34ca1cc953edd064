// An Ed-Fi ODS/API for tests, mounted under /api like a real deployment: POST /api/oauth/token
// (Basic key:secret, client_credentials), and under /api/data/v3/ed-fi: schools, sessions,
// attendanceEventCategoryDescriptors, and studentSchoolAttendanceEvents (POST upserts by the
// natural key: 201 on insert, 200 on update, Location header; 400 for an unknown descriptor, 409
// for a student or session that does not resolve; GET filters by query). Faults: ../powerschool/faults.ts.
import { randomUUID } from 'node:crypto';
import { basicAuth, FaultBook, startFakeHttp, type Fault, type LoggedRequest } from '../powerschool/faults';

export interface StoredEvent {
  id: string;
  attendanceEventCategoryDescriptor: string;
  eventDate: string;
  schoolReference: { schoolId: number };
  sessionReference: { schoolId: number; schoolYear: number; sessionName: string };
  studentReference: { studentUniqueId: string };
  arrivalTime?: string;
  departureTime?: string;
  attendanceEventReason?: string;
}

export interface FakeEdfiOptions {
  key?: string;
  secret?: string;
  tokenLifetime?: number;
  schoolId?: number;
  students?: string[];
  sessions?: { sessionName: string; schoolYear: number; beginDate: string; endDate: string }[];
  descriptors?: string[];
  lifetimeMs?: number;
}

const NS = 'uri://ed-fi.org/AttendanceEventCategoryDescriptor';

export class FakeEdfi {
  readonly faults = new FaultBook();
  readonly requests: LoggedRequest[] = [];
  readonly events: StoredEvent[] = [];
  tokensIssued = 0;
  tokenLifetime: number;
  private readonly tokens = new Map<string, number>();
  private server: { url: string; close: () => Promise<void> } | null = null;
  readonly schoolId: number;
  readonly students: Set<string>;
  readonly sessions: NonNullable<FakeEdfiOptions['sessions']>;
  readonly descriptors: string[];

  constructor(private readonly o: FakeEdfiOptions = {}) {
    this.tokenLifetime = o.tokenLifetime ?? 1800;
    this.schoolId = o.schoolId ?? 255901001;
    this.students = new Set(o.students ?? ['604822', '604823', '604824']);
    this.sessions = o.sessions ?? [
      { sessionName: '2026-2027 Fall Semester', schoolYear: 2027, beginDate: '2026-08-17', endDate: '2026-12-18' },
      { sessionName: '2026-2027 Spring Semester', schoolYear: 2027, beginDate: '2027-01-04', endDate: '2027-05-28' },
    ];
    this.descriptors = o.descriptors ?? ['Tardy', 'Early departure', 'In Attendance', 'Excused Absence', 'Unexcused Absence'];
  }

  /** The API root, as an admin would type it: http://127.0.0.1:port/api */
  get url(): string {
    if (!this.server) throw new Error('FakeEdfi not started');
    return `${this.server.url}/api`;
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

  expireTokens(): void {
    this.tokens.clear();
  }

  private handle(r: { method: string; path: string; query: URLSearchParams; headers: Record<string, string | string[] | undefined>; raw: string }): { status: number; body?: unknown; headers?: Record<string, string> } {
    if (!r.path.startsWith('/api/')) return { status: 404 };
    const path = r.path.slice(4);
    if (r.method === 'POST' && path === '/oauth/token') {
      const who = basicAuth(String(r.headers.authorization ?? ''));
      if (new URLSearchParams(r.raw).get('grant_type') !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type' } };
      if (!who || who.id !== (this.o.key ?? 'edfi-key') || who.secret !== (this.o.secret ?? 'edfi-secret')) return { status: 401, body: { error: 'invalid_client' } };
      const token = randomUUID().replace(/-/g, '');
      this.tokensIssued += 1;
      this.tokens.set(token, Date.now() + this.tokenLifetime * 1000);
      return { status: 200, body: { access_token: token, expires_in: this.tokenLifetime, token_type: 'bearer' } };
    }
    const m = /^Bearer\s+(.+)$/i.exec(String(r.headers.authorization ?? ''));
    const exp = m ? this.tokens.get(m[1]!) : undefined;
    if (exp === undefined || exp < Date.now()) return { status: 401, body: { message: 'Authorization denied. The access token is invalid or has expired.' } };
    const q = r.query;
    switch (`${r.method} ${path}`) {
      case 'GET /data/v3/ed-fi/schools':
        return { status: 200, body: [{ id: 'sch1', schoolId: this.schoolId, nameOfInstitution: 'Grand Bend High School' }].filter((s) => !q.get('schoolId') || String(s.schoolId) === q.get('schoolId')) };
      case 'GET /data/v3/ed-fi/sessions':
        return {
          status: 200,
          body: this.sessions.map((s) => ({ id: s.sessionName, sessionName: s.sessionName, schoolReference: { schoolId: this.schoolId }, schoolYearTypeReference: { schoolYear: s.schoolYear }, beginDate: s.beginDate, endDate: s.endDate })),
        };
      case 'GET /data/v3/ed-fi/attendanceEventCategoryDescriptors':
        return { status: 200, body: this.descriptors.map((d, i) => ({ id: `d${i}`, codeValue: d, namespace: NS, shortDescription: d, description: d })) };
      case 'GET /data/v3/ed-fi/studentSchoolAttendanceEvents':
        return {
          status: 200,
          body: this.events.filter(
            (e) =>
              (!q.get('studentUniqueId') || e.studentReference.studentUniqueId === q.get('studentUniqueId')) &&
              (!q.get('schoolId') || String(e.schoolReference.schoolId) === q.get('schoolId')) &&
              (!q.get('eventDate') || e.eventDate === q.get('eventDate')),
          ),
        };
      case 'POST /data/v3/ed-fi/studentSchoolAttendanceEvents':
        return this.upsert(JSON.parse(r.raw) as StoredEvent);
      default:
        return { status: 404, body: { message: `No resource ${r.method} ${path}` } };
    }
  }

  private upsert(b: StoredEvent): { status: number; body?: unknown; headers?: Record<string, string> } {
    const missing = ['attendanceEventCategoryDescriptor', 'eventDate', 'schoolReference', 'sessionReference', 'studentReference'].filter((k) => !(k in b));
    if (missing.length) return { status: 400, body: { message: `Validation of 'StudentSchoolAttendanceEvent' failed. ${missing.join(', ')} is required.` } };
    const cat = b.attendanceEventCategoryDescriptor;
    if (!cat.startsWith(`${NS}#`) || !this.descriptors.includes(cat.slice(NS.length + 1))) {
      return { status: 400, body: { message: `Validation of 'StudentSchoolAttendanceEvent' failed.\n\tAttendanceEventCategoryDescriptor value '${cat}' does not exist.` } };
    }
    if (!this.students.has(b.studentReference?.studentUniqueId)) return { status: 409, body: { message: `Unable to resolve value '${b.studentReference?.studentUniqueId}' to an existing 'Student' resource.` } };
    const s = b.sessionReference;
    if (!this.sessions.some((x) => x.sessionName === s?.sessionName && x.schoolYear === s?.schoolYear) || s.schoolId !== this.schoolId) {
      return { status: 409, body: { message: `Unable to resolve value '${s?.sessionName}' to an existing 'Session' resource.` } };
    }
    const key = (e: StoredEvent) => [e.attendanceEventCategoryDescriptor, e.eventDate, e.schoolReference.schoolId, e.sessionReference.sessionName, e.sessionReference.schoolYear, e.studentReference.studentUniqueId].join('|');
    const existing = this.events.find((e) => key(e) === key(b));
    if (existing) {
      Object.assign(existing, b, { id: existing.id });
      return { status: 200, headers: { Location: `${this.url}/data/v3/ed-fi/studentSchoolAttendanceEvents/${existing.id}` } };
    }
    const id = randomUUID().replace(/-/g, '');
    this.events.push({ ...b, id });
    return { status: 201, headers: { Location: `${this.url}/data/v3/ed-fi/studentSchoolAttendanceEvents/${id}` } };
  }
}
