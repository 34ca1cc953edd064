// An Ed-Fi ODS/API for tests, mounted under /api like a real deployment. Each wire fact and its
// public source:
// - POST /api/oauth/token, Basic key:secret, grant_type=client_credentials → {access_token,
//   expires_in (a number), token_type}: Ed-Fi ODS/API "Authentication" (docs.ed-fi.org, API client
//   developers' guide); reference/mis-apis.md.
// - /api/data/v3/ed-fi/studentSchoolAttendanceEvents: POST upserts by the natural key
//   (attendanceEventCategoryDescriptor, eventDate, schoolReference, sessionReference,
//   studentReference): 201 on insert, 200 on update, Location header; optional arrivalTime,
//   departureTime, attendanceEventReason: Ed-Fi Data Standard (Ed-Fi-Alliance-OSS/Ed-Fi-Data-Standard)
//   and reference/mis-apis.md. GET filters by the resource's fields as query parameters, with
//   `limit` (at most 500; a larger one is a 400) and `offset`: Ed-Fi ODS/API paging (docs.ed-fi.org).
// - attendanceEventReason is NVARCHAR(255) (Ed-Fi-Alliance-OSS/Ed-Fi-ODS migration script
//   "ALTER COLUMN AttendanceEventReason NVARCHAR(255)" on edfi.StudentSchoolAttendanceEvent): longer
//   (in UTF-16 code units, as .NET/SQL Server count) is refused, and so is a lone surrogate.
// - Category descriptors uri://ed-fi.org/AttendanceEventCategoryDescriptor#Tardy, #Early departure…:
//   Ed-Fi-Data-Standard Descriptors/AttendanceEventCategoryDescriptor.xml.
// - Errors, switch `errorShape` (which shape a district's ODS answers depends on its version):
//   'legacy'     {"message": "..."} — ODS/API before 7 (reference/mis-apis.md);
//   'detail'     problem details with the message in `detail`, empty validationErrors/errors, e.g.
//                409 {"detail":"The referenced Student item(s) do not exist.","type":
//                "urn:ed-fi:api:conflict:unresolved-reference","title":"Unresolved Reference",
//                "status":409,"correlationId",…} — Ed-Fi-Alliance-OSS/Data-Management-Service e2e
//                features and FailureResponse.ForUnresolvedReference (type urn:ed-fi:api:conflict:
//                unresolved-reference; some DMS builds spell it urn:ed-fi:api:data-conflict:…);
//   'validation' the generic detail "… See 'validationErrors' for details." with the message in
//                validationErrors {"$.path":[msgs]} — Data-Management-Service UpdateByIdHandlerTests
//                ("$.schoolReference": ["The referenced School item does not exist."]);
//   'errors'     a generic detail and the message in errors:[msgs] — same FailureResponse model.
// Faults: ../powerschool/faults.ts.
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
  /** How refusals are shaped (see the header). Default 'detail'. */
  errorShape?: EdfiErrorShape;
  lifetimeMs?: number;
}

export type EdfiErrorShape = 'legacy' | 'detail' | 'validation' | 'errors';
export const EDFI_ERROR_SHAPES: readonly EdfiErrorShape[] = ['legacy', 'detail', 'validation', 'errors'];
/** The ODS/API's largest `limit`. */
export const EDFI_LIMIT_MAX = 500;
export const REASON_MAX_UTF16 = 255;

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
  errorShape: EdfiErrorShape;

  constructor(private readonly o: FakeEdfiOptions = {}) {
    this.tokenLifetime = o.tokenLifetime ?? 1800;
    this.schoolId = o.schoolId ?? 255901001;
    this.students = new Set(o.students ?? ['604822', '604823', '604824']);
    this.sessions = o.sessions ?? [
      { sessionName: '2026-2027 Fall Semester', schoolYear: 2027, beginDate: '2026-08-17', endDate: '2026-12-18' },
      { sessionName: '2026-2027 Spring Semester', schoolYear: 2027, beginDate: '2027-01-04', endDate: '2027-05-28' },
    ];
    this.descriptors = o.descriptors ?? ['Tardy', 'Early departure', 'In Attendance', 'Excused Absence', 'Unexcused Absence'];
    this.errorShape = o.errorShape ?? 'detail';
  }

  /**
   * A refusal in the configured shape. `path` is the JSON path problem details name, `message` the
   * concrete words; `kind` picks the problem type.
   */
  private problem(status: number, kind: 'validation' | 'unresolved', path: string, message: string, legacyMessage = message): { status: number; body: unknown } {
    const correlationId = randomUUID();
    const type = kind === 'unresolved' ? 'urn:ed-fi:api:conflict:unresolved-reference' : 'urn:ed-fi:api:bad-request:data-validation-failed';
    const title = kind === 'unresolved' ? 'Unresolved Reference' : 'Data Validation Failed';
    switch (this.errorShape) {
      case 'legacy':
        return { status, body: { message: legacyMessage } };
      case 'detail':
        return { status, body: { detail: message, type, title, status, correlationId, validationErrors: {}, errors: [] } };
      case 'validation':
        return {
          status,
          body: {
            detail: kind === 'unresolved' ? "One or more references could not be resolved. See 'validationErrors' for details." : "Data validation failed. See 'validationErrors' for details.",
            type,
            title,
            status,
            correlationId,
            validationErrors: { [path]: [message] },
            errors: [],
          },
        };
      case 'errors':
        return { status, body: { detail: "The request could not be processed. See 'errors' for details.", type, title, status, correlationId, validationErrors: {}, errors: [message] } };
    }
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
      case 'GET /data/v3/ed-fi/studentSchoolAttendanceEvents': {
        const limit = Number(q.get('limit') ?? 25);
        const offset = Number(q.get('offset') ?? 0);
        if (!Number.isInteger(limit) || limit < 0 || limit > EDFI_LIMIT_MAX) return this.problem(400, 'validation', '$.limit', `Limit must be omitted or set to a value between 0 and ${EDFI_LIMIT_MAX}.`);
        const hits = this.events.filter(
          (e) =>
            (!q.get('studentUniqueId') || e.studentReference.studentUniqueId === q.get('studentUniqueId')) &&
            (!q.get('schoolId') || String(e.schoolReference.schoolId) === q.get('schoolId')) &&
            (!q.get('eventDate') || e.eventDate === q.get('eventDate')),
        );
        return { status: 200, body: hits.slice(offset, offset + limit) };
      }
      case 'POST /data/v3/ed-fi/studentSchoolAttendanceEvents':
        return this.upsert(JSON.parse(r.raw) as StoredEvent);
      default:
        return { status: 404, body: { message: `No resource ${r.method} ${path}` } };
    }
  }

  private upsert(b: StoredEvent): { status: number; body?: unknown; headers?: Record<string, string> } {
    const missing = ['attendanceEventCategoryDescriptor', 'eventDate', 'schoolReference', 'sessionReference', 'studentReference'].filter((k) => !(k in b));
    if (missing.length) return this.problem(400, 'validation', `$.${missing[0]}`, `${missing[0]} is required.`);
    const reason = b.attendanceEventReason;
    if (reason !== undefined) {
      if (typeof reason !== 'string' || reason.length > REASON_MAX_UTF16) return this.problem(400, 'validation', '$.attendanceEventReason', `AttendanceEventReason must be a string of at most ${REASON_MAX_UTF16} characters.`);
      if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(reason)) return this.problem(400, 'validation', '$.attendanceEventReason', 'AttendanceEventReason is not valid UTF-16 text.');
    }
    const cat = b.attendanceEventCategoryDescriptor;
    if (!cat.startsWith(`${NS}#`) || !this.descriptors.includes(cat.slice(NS.length + 1))) {
      return this.problem(400, 'validation', '$.attendanceEventCategoryDescriptor', `AttendanceEventCategoryDescriptor value '${cat}' does not exist.`, `Validation of 'StudentSchoolAttendanceEvent' failed.\n\tAttendanceEventCategoryDescriptor value '${cat}' does not exist.`);
    }
    if (!this.students.has(b.studentReference?.studentUniqueId)) return this.problem(409, 'unresolved', '$.studentReference', 'The referenced Student item(s) do not exist.', `Unable to resolve value '${b.studentReference?.studentUniqueId}' to an existing 'Student' resource.`);
    const s = b.sessionReference;
    if (!this.sessions.some((x) => x.sessionName === s?.sessionName && x.schoolYear === s?.schoolYear) || s.schoolId !== this.schoolId) {
      return this.problem(409, 'unresolved', '$.sessionReference', 'The referenced Session item(s) do not exist.', `Unable to resolve value '${s?.sessionName}' to an existing 'Session' resource.`);
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
