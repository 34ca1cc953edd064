// The Ed-Fi ODS/API connector: OAuth client credentials (key:secret), then each late arrival or
// early departure as a StudentSchoolAttendanceEvent — category Tardy or Early departure (or the
// descriptor the school maps a code to), the arrival or departure time, and the reason. POST is an
// upsert by the natural key (category, date, school, session, student), so a resend after a crash
// updates the same event instead of adding another. Wire facts: reference/mis-apis.md; the fake
// in tests/fakes/edfi.
import type { EdfiUsSettings } from '../../../../shared/mis-us';
import { usSecretKeys } from '../../../../shared/mis-us';
import type { SessionName } from '../../../../shared/settings';
import { systemClock, type Clock } from '../../clock';
import type { Logger } from '../../log';
import type { SecretStore } from '../../security/secrets';
import { MisError } from '../errors';
import { messageOf, OAuthHttp } from '../powerschool/oauth-http';
import { tokenBucket, type RateLimiter } from '../rate-limit';
import type { Capabilities, ExistingMark, Lesson, LessonMarkWrite, MisAttendanceCode, MisConnector, RosterPage, SessionMarkWrite, WriteResult } from '../types';

const DATA = '/data/v3/ed-fi';
const HINT = 'Admin → SIS connection (Ed-Fi)';
const SESSIONS_TTL_MS = 6 * 60 * 60_000;
/** The Ed-Fi data standard's attendanceEventReason is a string of at most 255 characters. */
const REASON_MAX = 255;

export interface EdfiConnectorOptions {
  settings: EdfiUsSettings;
  secrets: SecretStore;
  logger: Logger;
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
    const res = await this.http.get<EdfiEvent[]>(`${DATA}/studentSchoolAttendanceEvents`, {
      studentUniqueId: query.misId,
      schoolId: this.opts.settings.schoolId,
      eventDate: query.date,
      limit: 100,
    });
    const reverse = new Map(Object.entries(this.opts.settings.descriptors.byCode).map(([code, uri]) => [uri.toLowerCase(), code]));
    const marks: ExistingMark[] = [];
    for (const ev of Array.isArray(res.data) ? res.data : []) {
      if (ev.eventDate && ev.eventDate.slice(0, 10) !== query.date) continue;
      const uri = ev.attendanceEventCategoryDescriptor ?? '';
      const code = reverse.get(uri.toLowerCase()) ?? uri.slice(uri.indexOf('#') + 1);
      const at = ev.arrivalTime ?? ev.departureTime ?? null;
      const sessions: SessionName[] = at ? [at < '12:00' ? 'AM' : 'PM'] : ['AM', 'PM'];
      for (const session of sessions) marks.push({ session, lessonId: null, date: query.date, code, comment: ev.attendanceEventReason ?? null });
    }
    return marks;
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
      ...(reason ? { attendanceEventReason: reason.slice(0, REASON_MAX) } : {}),
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

/** 400 (validation) and 409 (a reference that does not resolve) as the admin needs to read them. */
function refused(status: number, body: unknown, m: SessionMarkWrite): MisError {
  const text = messageOf(body) || `Ed-Fi refused the attendance event (${status}).`;
  const all = `${JSON.stringify(body ?? '')} ${text}`.toLowerCase();
  const details = { status, body, refs: [m.ref] };
  if (/descriptor/.test(all)) return new MisError('unknown_code', `The Ed-Fi ODS has no such attendance event category for code "${m.code}": ${text}`, details);
  if (/'student'|student resource|studentuniqueid|studentreference/.test(all)) return new MisError('student_not_in_mis', `The Ed-Fi ODS has no student ${m.misId}: ${text}`, details);
  if (/'session'|session/.test(all)) return new MisError('rejected', `The Ed-Fi ODS has no such session: ${text} Check the session in Passdesk's Ed-Fi settings.`, details);
  return new MisError('rejected', `Ed-Fi refused the attendance event: ${text}`, details);
}
