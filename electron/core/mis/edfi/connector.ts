// The Ed-Fi ODS/API connector: OAuth client credentials (key:secret), then each late arrival or
// early departure as a StudentSchoolAttendanceEvent — category Tardy or Early departure (or the
// descriptor the school maps a code to), the arrival or departure time, and the reason. POST is an
// upsert by the natural key (category, date, school, session, student), so a resend after a crash
// updates the same event instead of adding another. Refusals arrive as problem details (current
// ODS/API and Data Management Service) or as {message} (older ODS/API); the admin reads the first
// concrete message, never "See 'validationErrors' for details". Wire facts: reference/mis-apis.md;
// the fake in tests/fakes/edfi names the public source of each.
import type { EdfiUsSettings } from '../../../../shared/mis-us';
import { usSecretKeys } from '../../../../shared/mis-us';
import { cutText } from '../../../../shared/text';
import type { SessionName } from '../../../../shared/settings';
import { sessionOfTime } from '../../../../shared/school-time';
import { systemClock, type Clock } from '../../clock';
import type { Logger } from '../../logging/logger';
import type { SecretStore } from '../../security/secrets';
import { MisError } from '../errors';
import { messageOf, OAuthHttp, problemMessage } from '../powerschool/oauth-http';
import { tokenBucket, type RateLimiter } from '../rate-limit';
import type { Capabilities, ExistingMark, Lesson, LessonMarkWrite, MisAttendanceCode, MisConnector, RosterPage, SessionMarkWrite, WriteResult } from '../types';

const DATA = '/data/v3/ed-fi';
const HINT = 'Admin → SIS connection (Ed-Fi)';
const SESSIONS_TTL_MS = 6 * 60 * 60_000;
/**
 * attendanceEventReason is NVARCHAR(255) in the ODS (Ed-Fi-ODS migration: ALTER COLUMN
 * edfi.StudentSchoolAttendanceEvent.AttendanceEventReason NVARCHAR(255)); NVARCHAR and .NET count
 * UTF-16 code units, so the reason is cut to 255 of those, on a grapheme boundary.
 */
export const REASON_MAX = 255;
/** GET pages: the ODS/API's limit is at most 500; 100 keeps each answer small. */
const PAGE = 100;

export interface EdfiConnectorOptions {
  settings: EdfiUsSettings;
  secrets: SecretStore;
  logger: Logger;
  /**
   * Which session a local "HH:MM" falls in (the site's AM/PM times), to read an event back as the
   * session's mark the engine wrote. Default: before 12:00 is AM.
   */
  sessionAt?: (localTime: string) => SessionName;
  clock?: Clock;
  limiter?: RateLimiter;
  timeoutMs?: number;
  /** Overrides settings.baseUrl (tests: the fake on http://127.0.0.1). */
  baseUrl?: string;
}

interface EdfiSession {
  sessionName: string;
  schoolYear: number;
  beginDate: string;
  endDate: string;
}

interface EdfiEvent {
  id?: string;
  attendanceEventCategoryDescriptor?: string;
  eventDate?: string;
  arrivalTime?: string | null;
  departureTime?: string | null;
  attendanceEventReason?: string | null;
  studentReference?: { studentUniqueId?: string };
}

export class EdfiConnector implements MisConnector {
  readonly name = 'edfi';
  private readonly http: OAuthHttp;
  private secret: string | null;
  private readonly clock: Clock;
  private sessions: { list: EdfiSession[]; at: number } | null = null;

  constructor(private readonly opts: EdfiConnectorOptions) {
    this.clock = opts.clock ?? systemClock;
    this.secret = opts.secrets.get(usSecretKeys.edfiClientSecret);
    this.http = new OAuthHttp({
      service: 'Ed-Fi',
      baseUrl: opts.baseUrl ?? opts.settings.baseUrl,
      tokenPath: '/oauth/token',
      clientId: opts.settings.clientKey,
      secret: () => this.secret,
      credentialsHint: HINT,
      limiter: opts.limiter ?? tokenBucket(opts.settings.requestsPerSecond),
      logger: opts.logger,
      timeoutMs: opts.timeoutMs ?? 15_000,
      now: () => this.clock.now().getTime(),
    });
  }

  async capabilities(): Promise<Capabilities> {
    // One resource per POST; a batch is written one by one, each an idempotent upsert.
    return { sessionMark: true, lessonMark: false, comment: true, minutesLate: false, earlyLeaverCodes: true, readMarks: true, maxBatch: 25 };
  }

  async ping(): Promise<void> {
    await this.http.get(`${DATA}/schools`, { schoolId: this.opts.settings.schoolId, limit: 1 });
  }

  async refreshAuth(): Promise<boolean> {
    const fresh = this.opts.secrets.get(usSecretKeys.edfiClientSecret);
    const changed = fresh !== this.secret;
    this.secret = fresh;
    if (changed) this.http.invalidate();
    return changed && fresh !== null;
  }

  async fetchAttendanceCodes(): Promise<MisAttendanceCode[]> {
    const out: MisAttendanceCode[] = [];
    for (let offset = 0; offset < 5000; offset += 500) {
      const res = await this.http.get<{ codeValue?: string; namespace?: string; shortDescription?: string; description?: string }[]>(`${DATA}/attendanceEventCategoryDescriptors`, { limit: 500, offset });
      const page = Array.isArray(res.data) ? res.data : [];
      for (const d of page) {
        if (!d.codeValue || !d.namespace) continue;
        out.push({ code: d.codeValue, misCodeId: `${d.namespace}#${d.codeValue}`, description: d.description ?? d.shortDescription ?? null, type: 'AttendanceEventCategory' });
      }
      if (page.length < 500) break;
    }
    return out;
  }

  async readMarks(query: { misId: string; date: string; target: 'session' | 'lesson' }): Promise<ExistingMark[]> {
    if (query.target === 'lesson') return [];
    const events = await this.events({ studentUniqueId: query.misId, schoolId: this.opts.settings.schoolId, eventDate: query.date });
    return events.flatMap((ev) => this.marksOf(ev, query.date)).map(({ misId: _m, ...m }) => m);
  }

  /**
   * Read-back for confirmation: the school's events of one day (by schoolId and eventDate, the
   * natural key's own fields), paged, kept for the students asked about.
   */
  async readRegister(query: { date: string; target: 'session' | 'lesson'; misIds: string[] }): Promise<ExistingMark[]> {
    if (query.target === 'lesson' || query.misIds.length === 0) return [];
    const wanted = new Set(query.misIds);
    const events = await this.events({ schoolId: this.opts.settings.schoolId, eventDate: query.date });
    // Every event is read (and an unreadable one throws) before the filter: one we cannot read
    // might be the mark of a student asked about.
    return events.flatMap((ev) => this.marksOf(ev, query.date)).filter((m) => wanted.has(m.misId));
  }

  /** Every event matching the query, `limit`/`offset` paged until a short page. */
  private async events(params: Record<string, string>): Promise<EdfiEvent[]> {
    const out: EdfiEvent[] = [];
    for (let offset = 0; offset < 100_000; offset += PAGE) {
      const res = await this.http.get<unknown>(`${DATA}/studentSchoolAttendanceEvents`, { ...params, limit: PAGE, offset });
      if (!Array.isArray(res.data)) {
        // An HTML page or an object where a list belongs: the register is unknown, not empty.
        throw new MisError('server_error', 'The Ed-Fi ODS answered a read of attendance events with something that is not a list; Passdesk will try again.', { body: typeof res.data === 'string' ? res.data.slice(0, 300) : res.data });
      }
      out.push(...(res.data as EdfiEvent[]));
      if (res.data.length < PAGE) return out;
    }
    // Never a partial list taken for the whole register (a missing mark would be written over).
    throw new MisError('server_error', 'The Ed-Fi ODS kept answering full pages of attendance events; the read was stopped and will be tried again.');
  }

  /** One event as marks, its category mapped back to the kiosk's code. Unreadable → transient error. */
  private marksOf(ev: EdfiEvent, date: string): (ExistingMark & { misId: string })[] {
    if (ev.eventDate && ev.eventDate.slice(0, 10) !== date) return [];
    const uri = ev.attendanceEventCategoryDescriptor;
    const misId = ev.studentReference?.studentUniqueId;
    if (typeof uri !== 'string' || !uri.includes('#') || typeof misId !== 'string') {
      throw new MisError('server_error', 'The Ed-Fi ODS answered an attendance event without its category or student; Passdesk cannot tell what the register holds and will try again.', { body: ev });
    }
    const code = this.ourCode(uri);
    const at = (ev.arrivalTime ?? ev.departureTime ?? '').slice(0, 5);
    const sessionAt = this.opts.sessionAt ?? ((t: string) => sessionOfTime(t));
    const sessions: SessionName[] = /^\d\d:\d\d$/.test(at) ? [sessionAt(at)] : ['AM', 'PM'];
    return sessions.map((session) => ({ misId, session, lessonId: null, date, code, comment: ev.attendanceEventReason ?? null }));
  }

  /** A category descriptor back to the letter code the engine wrote (settings.readBack). */
  private ourCode(uri: string): string {
    const d = this.opts.settings.descriptors;
    const key = uri.toLowerCase();
    const mapped = Object.entries(d.byCode).filter(([, u]) => u.toLowerCase() === key);
    if (mapped.length === 1) return mapped[0]![0];
    if (key === d.tardy.toLowerCase()) return this.opts.settings.readBack.tardyCode;
    if (key === d.earlyDeparture.toLowerCase()) return this.opts.settings.readBack.earlyDepartureCode;
    return uri.slice(uri.indexOf('#') + 1);
  }

  async writeSessionMarks(marks: SessionMarkWrite[]): Promise<WriteResult> {
    const ids: string[] = [];
    for (const m of marks) {
      const body = await this.eventFor(m);
      const res = await this.http.post(`${DATA}/studentSchoolAttendanceEvents`, body, [400, 409]);
      if (res.status === 400 || res.status === 409) throw refused(res.status, res.data, m);
      const location = String(res.headers.location ?? '');
      if (location) ids.push(location.slice(location.lastIndexOf('/') + 1));
    }
    return { writebackId: ids.join(' ') || null };
  }

  async writeLessonMarks(marks: LessonMarkWrite[]): Promise<WriteResult> {
    throw new MisError('capability_missing', 'Ed-Fi attendance events are written for the school day, not for lessons.', { refs: marks.map((m) => m.ref) });
  }

  async listLessons(): Promise<Lesson[]> {
    return [];
  }

  async fetchRosterPage(cursor: string | null): Promise<RosterPage> {
    // Rosters for Ed-Fi schools come through OneRoster or the CSV import; the ODS holds no badge.
    void cursor;
    return { students: [], next: null };
  }

  /** The resource body for one mark. */
  private async eventFor(m: SessionMarkWrite): Promise<Record<string, unknown>> {
    const d = this.opts.settings.descriptors;
    const category = d.byCode[m.code] ?? (m.direction === 'sign_in' ? d.tardy : d.earlyDeparture);
    const session = await this.sessionFor(m);
    const schoolId = Number(this.opts.settings.schoolId);
    const time = `${m.localTime}:00`;
    const reason = m.comment?.trim();
    return {
      attendanceEventCategoryDescriptor: category,
      eventDate: m.date,
      schoolReference: { schoolId },
      sessionReference: { schoolId, schoolYear: session.schoolYear, sessionName: session.sessionName },
      studentReference: { studentUniqueId: m.misId },
      ...(m.direction === 'sign_in' ? { arrivalTime: time } : { departureTime: time }),
      ...(reason ? { attendanceEventReason: cutText(reason, REASON_MAX) } : {}),
    };
  }

  /** The configured session, or the ODS session of the school whose dates hold the event. */
  private async sessionFor(m: SessionMarkWrite): Promise<{ sessionName: string; schoolYear: number }> {
    if (this.opts.settings.session) return this.opts.settings.session;
    const now = this.clock.now().getTime();
    const find = () => this.sessions?.list.find((s) => s.beginDate <= m.date && m.date <= s.endDate);
    if (!this.sessions || now - this.sessions.at > SESSIONS_TTL_MS || !find()) {
      const res = await this.http.get<{ sessionName?: string; schoolYearTypeReference?: { schoolYear?: number }; beginDate?: string; endDate?: string }[]>(`${DATA}/sessions`, {
        schoolId: this.opts.settings.schoolId,
        limit: 500,
      });
      const list = (Array.isArray(res.data) ? res.data : [])
        .filter((s) => s.sessionName && s.beginDate && s.endDate && s.schoolYearTypeReference?.schoolYear)
        .map((s) => ({ sessionName: s.sessionName!, schoolYear: s.schoolYearTypeReference!.schoolYear!, beginDate: s.beginDate!.slice(0, 10), endDate: s.endDate!.slice(0, 10) }))
        // The shortest session that holds the date: a semester over the school year that holds it.
        .sort((a, b) => a.endDate.localeCompare(b.endDate) || b.beginDate.localeCompare(a.beginDate));
      this.sessions = { list, at: now };
    }
    const hit = find();
    if (!hit) {
      throw new MisError('rejected', `The Ed-Fi ODS has no session for school ${this.opts.settings.schoolId} that holds ${m.date}. Add the session in the ODS, or name it in Passdesk's Ed-Fi settings, then retry.`, { refs: [m.ref] });
    }
    return { sessionName: hit.sessionName, schoolYear: hit.schoolYear };
  }
}

interface Problem {
  type: string;
  /** The first concrete message: a validationErrors entry with its path, an errors entry, the detail. */
  message: string;
  unresolved: boolean;
}

const UNRESOLVED = 'The ODS does not know this student or session (unresolved reference).';
const GENERIC_DETAIL = /see '(validationErrors|errors)'|for details\.?$/i;

/**
 * What an Ed-Fi refusal says, whichever shape it comes in: problem details
 * ({detail, type, title, status, correlationId, validationErrors:{"$.path":[msgs]}, errors:[msgs]})
 * or the older {message}. "See 'validationErrors' for details." is never the message shown.
 */
export function edfiProblem(body: unknown): Problem {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const type = typeof b.type === 'string' ? b.type : '';
  const unresolved = /unresolved-reference/.test(type);
  const concrete = problemMessage(body);
  if (concrete) return { type, unresolved, message: concrete };
  const detail = typeof b.detail === 'string' ? b.detail.trim() : '';
  if (detail && !GENERIC_DETAIL.test(detail)) return { type, unresolved, message: detail };
  if (unresolved) return { type, unresolved, message: UNRESOLVED };
  if (typeof b.message === 'string' && b.message.trim()) return { type, unresolved, message: b.message.trim().replace(/\s+/g, ' ') };
  if (typeof body === 'string' && body.trim()) return { type, unresolved, message: body.trim().slice(0, 300) };
  const title = typeof b.title === 'string' ? b.title : '';
  return { type, unresolved, message: title || messageOf(body) };
}

/** 400 (validation) and 409 (a reference that does not resolve) as the admin needs to read them. */
function refused(status: number, body: unknown, m: SessionMarkWrite): MisError {
  const p = edfiProblem(body);
  const text = p.message || `Ed-Fi refused the attendance event (${status}).`;
  const all = text.toLowerCase();
  const details = { status, body, refs: [m.ref] };
  if (text === UNRESOLVED) return new MisError('rejected', `${UNRESOLVED} Check that student ${m.misId} and the session exist in the ODS.`, details);
  if (/descriptor/.test(all)) return new MisError('unknown_code', `The Ed-Fi ODS has no such attendance event category for code "${m.code}": ${text}`, details);
  if (/\bstudent\b|studentuniqueid|studentreference/.test(all)) return new MisError('student_not_in_mis', `The Ed-Fi ODS has no student ${m.misId}: ${text}`, details);
  if (/session/.test(all)) return new MisError('rejected', `The Ed-Fi ODS has no such session: ${text} Check the session in Passdesk's Ed-Fi settings.`, details);
  if (p.unresolved || (status === 409 && /unresolved|does not exist|not resolve/.test(all))) {
    return new MisError('rejected', `The ODS does not know this student or session (unresolved reference): ${text}`, details);
  }
  return new MisError('rejected', `Ed-Fi refused the attendance event: ${text}`, details);
}
