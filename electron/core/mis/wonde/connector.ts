// The Wonde connector: one school, its regional domain, a bearer token from the SecretStore.
// Wonde refers to attendance codes by its own ids, so our letters ("L", "U", "M") are mapped
// through the school's code list; a letter the school does not have is a permanent failure
// that names the letter. Wire facts: reference/mis-apis.md; the fake in tests/fakes/wonde.
import type { WondeSettings } from '../../../../shared/mis';
import { secretKeys } from '../../../../shared/mis';
import type { SessionName } from '../../../../shared/settings';
import type { Logger } from '../../log';
import type { SecretStore } from '../../security/secrets';
import { wondeCapabilities } from '../capabilities';
import { MisError } from '../errors';
import { tokenBucket, type RateLimiter } from '../rate-limit';
import type {
  Capabilities,
  ExistingMark,
  Lesson,
  LessonMarkWrite,
  MisAttendanceCode,
  MisConnector,
  RosterPage,
  SessionMarkWrite,
  WriteResult,
} from '../types';
import { WondeHttp, type WondePage } from './http';

/** Wonde publishes no batch limit; 100 records keeps a request small and a 422 cheap to bisect. */
export const WONDE_MAX_BATCH = 100;
const CODES_TTL_MS = 60 * 60 * 1000;

export interface WondeConnectorOptions {
  settings: WondeSettings;
  secrets: SecretStore;
  logger: Logger;
  limiter?: RateLimiter;
  timeoutMs?: number;
  /** Connections kept open to Wonde (default 8: plenty at a school's request rate). */
  maxSockets?: number;
  /** Overrides `${protocol}://${domain}/v1.0/` (tests). */
  baseUrl?: string;
}

interface WondeSchool {
  id: string;
  name?: string;
  mis?: string | null;
  timezone?: string | null;
  extended?: { allows_writeback?: boolean; has_lesson_attendance?: boolean };
  region?: { domain?: string };
}

type WondeDate = string | { date?: string } | null | undefined;
type IdOrObject = string | { id?: string; code?: string; data?: { id?: string; code?: string } } | null | undefined;

export class WondeConnector implements MisConnector {
  readonly name = 'wonde';
  private readonly http: WondeHttp;
  private token: string | null;
  private school: WondeSchool | null = null;
  private codes: { byLetter: Map<string, MisAttendanceCode>; byId: Map<string, MisAttendanceCode>; at: number } | null = null;
  private readonly base: string;

  constructor(private readonly opts: WondeConnectorOptions) {
    this.token = opts.secrets.get(secretKeys.wondeToken);
    this.base = `schools/${encodeURIComponent(opts.settings.schoolId)}`;
    this.http = new WondeHttp({
      baseUrl: opts.baseUrl ?? `${opts.settings.protocol}://${opts.settings.domain}/v1.0/`,
      token: () => this.token,
      limiter: opts.limiter ?? tokenBucket(opts.settings.requestsPerSecond),
      logger: opts.logger,
      timeoutMs: opts.timeoutMs ?? 15_000,
      ...(opts.maxSockets ? { maxSockets: opts.maxSockets } : {}),
    });
  }

  async capabilities(): Promise<Capabilities> {
    const school = await this.loadSchool();
    const caps = wondeCapabilities(
      {
        mis: school.mis ?? null,
        allowsWriteback: school.extended?.allows_writeback ?? null,
        hasLessonAttendance: school.extended?.has_lesson_attendance ?? null,
      },
      WONDE_MAX_BATCH,
    );
    const { note: _note, ...rest } = caps;
    return rest;
  }

  /** The MIS behind Wonde and what the table says of it, for the admin screen. */
  async describe(): Promise<{ school: string; mis: string | null; note: string | null }> {
    const school = await this.loadSchool();
    const caps = wondeCapabilities(
      { mis: school.mis ?? null, allowsWriteback: school.extended?.allows_writeback ?? null, hasLessonAttendance: school.extended?.has_lesson_attendance ?? null },
      WONDE_MAX_BATCH,
    );
    return { school: school.name ?? school.id, mis: school.mis ?? null, note: caps.note };
  }

  async ping(): Promise<void> {
    this.school = null;
    await this.loadSchool();
  }

  async refreshAuth(): Promise<boolean> {
    const fresh = this.opts.secrets.get(secretKeys.wondeToken);
    const changed = fresh !== this.token;
    this.token = fresh;
    return changed && fresh !== null;
  }

  async fetchAttendanceCodes(): Promise<MisAttendanceCode[]> {
    const out: MisAttendanceCode[] = [];
    for await (const c of this.http.all<{ id: string; code: string; description?: string; type?: string }>(`${this.base}/attendance-codes`, { per_page: 200 })) {
      out.push({ code: String(c.code), misCodeId: String(c.id), description: c.description ?? null, type: c.type ?? null });
    }
    this.codes = {
      byLetter: new Map(out.map((c) => [c.code, c])),
      byId: new Map(out.map((c) => [c.misCodeId, c])),
      at: Date.now(),
    };
    return out;
  }

  async readMarks(query: { misId: string; date: string; target: 'session' | 'lesson' }): Promise<ExistingMark[]> {
    // Filter parameters are not documented: ask for the student and day, and filter here too, so
    // a Wonde that ignores them is still read correctly (only more slowly).
    const params = { student_id: query.misId, date: query.date, include: 'attendance_code', per_page: 200 };
    const marks: ExistingMark[] = [];
    for await (const row of this.http.all<Record<string, unknown>>(`${this.base}/attendance/${query.target}`, params)) {
      if (idOf(row.student as IdOrObject) !== query.misId && row.student_id !== query.misId) continue;
      const date = dayOf(row.date as WondeDate);
      if (date !== null && date !== query.date) continue;
      const code = await this.codeLetterOf(row);
      if (!code) continue;
      const session = typeof row.session === 'string' && (row.session === 'AM' || row.session === 'PM') ? (row.session as SessionName) : null;
      const lessonId = idOf(row.lesson as IdOrObject) ?? (typeof row.lesson_id === 'string' ? row.lesson_id : null);
      marks.push({ session, lessonId, date: date ?? query.date, code, comment: typeof row.comment === 'string' ? row.comment : null });
    }
    return marks;
  }

  async writeSessionMarks(marks: SessionMarkWrite[]): Promise<WriteResult> {
    const ids = await this.codeIds(marks);
    const attendance = marks.map((m) => ({
      student_id: m.misId,
      date: m.date,
      session: m.session,
      attendance_code_id: ids.get(m.code)!,
      ...(m.comment ? { comment: m.comment } : {}),
      ...(m.minutesLate !== null && m.minutesLate > 0 ? { minutes_late: m.minutesLate } : {}),
    }));
    return writeback(await this.http.post(`${this.base}/attendance/session`, { attendance }));
  }

  async writeLessonMarks(marks: LessonMarkWrite[]): Promise<WriteResult> {
    const ids = await this.codeIds(marks);
    const attendance = marks.map((m) => ({
      lesson_id: m.lessonId,
      student_id: m.misId,
      attendance_code_id: ids.get(m.code)!,
      ...(m.comment ? { comment: m.comment } : {}),
      ...(m.minutesLate !== null && m.minutesLate > 0 ? { minutes_late: m.minutesLate } : {}),
    }));
    return writeback(await this.http.post(`${this.base}/attendance/lesson`, { attendance }));
  }

  async listLessons(query: { misId: string; date: string }): Promise<Lesson[]> {
    const params = {
      lessons_start_after: `${query.date} 00:00:00`,
      lessons_start_before: `${query.date} 23:59:59`,
      include: 'class.students',
      per_page: 200,
    };
    const lessons: Lesson[] = [];
    for await (const l of this.http.all<Record<string, unknown>>(`${this.base}/lessons`, params)) {
      const start = timeOf(l.start_at as WondeDate);
      if (!start || dayOf(l.start_at as WondeDate) !== query.date) continue;
      const cls = (l.class ?? {}) as { data?: { name?: string; students?: { data?: { id: string }[] } } };
      const students = cls.data?.students?.data;
      // Without the class list we cannot tell whose lesson it is: skip rather than mark a stranger's.
      if (!students || !students.some((s) => s.id === query.misId)) continue;
      lessons.push({ id: String(l.id), start, end: timeOf(l.end_at as WondeDate) ?? start, name: cls.data?.name ?? null });
    }
    return lessons.sort((a, b) => a.start.localeCompare(b.start));
  }

  async fetchRosterPage(cursor: string | null): Promise<RosterPage> {
    const page = cursor
      ? await this.http.get<WondePage<Record<string, unknown>>>(cursor)
      : await this.http.get<WondePage<Record<string, unknown>>>(`${this.base}/students`, { per_page: 200 });
    return {
      students: (page.data ?? []).map((s) => ({
        misId: String(s.id),
        forename: String(s.forename ?? ''),
        surname: String(s.surname ?? ''),
        upn: typeof s.upi === 'string' ? s.upi : null,
        year: null,
        form: null,
      })),
      next: page.meta?.pagination?.next ?? null,
    };
  }

  private async loadSchool(): Promise<WondeSchool> {
    if (this.school) return this.school;
    const res = await this.http.get<{ data: WondeSchool }>(this.base);
    this.school = res.data;
    const regional = res.data.region?.domain;
    if (regional && regional !== this.opts.settings.domain && !this.opts.baseUrl) {
      this.opts.logger.warn('wonde: school lives on another regional domain', { configured: this.opts.settings.domain, regional });
    }
    return res.data;
  }

  /** Our letters → Wonde code ids; refreshes the list once when a letter is missing. */
  private async codeIds(marks: { ref: number; code: string }[]): Promise<Map<string, string>> {
    if (!this.codes || Date.now() - this.codes.at > CODES_TTL_MS || marks.some((m) => !this.codes!.byLetter.has(m.code))) {
      await this.fetchAttendanceCodes();
    }
    const missing = marks.filter((m) => !this.codes!.byLetter.has(m.code));
    if (missing.length) {
      const letters = [...new Set(missing.map((m) => m.code))];
      throw new MisError(
        'unknown_code',
        `The school's MIS has no attendance code ${letters.map((l) => `"${l}"`).join(', ')}. Add it in the MIS, or change the code in Passdesk's writeback settings, then retry.`,
        { refs: missing.map((m) => m.ref) },
      );
    }
    return new Map([...this.codes!.byLetter].map(([letter, c]) => [letter, c.misCodeId]));
  }

  private async codeLetterOf(row: Record<string, unknown>): Promise<string | null> {
    const ac = row.attendance_code as IdOrObject;
    const inline = typeof ac === 'object' && ac ? (ac.code ?? ac.data?.code) : undefined;
    if (inline) return inline;
    const id = idOf(ac) ?? (typeof row.attendance_code_id === 'string' ? row.attendance_code_id : null);
    if (!id) return null;
    if (!this.codes || !this.codes.byId.has(id)) await this.fetchAttendanceCodes();
    return this.codes!.byId.get(id)?.code ?? null;
  }
}

function writeback(res: unknown): WriteResult {
  const r = (res ?? {}) as { writeback_id?: unknown; data?: { writeback_id?: unknown } };
  const id = r.writeback_id ?? r.data?.writeback_id;
  return { writebackId: id === undefined || id === null ? null : String(id) };
}

function idOf(v: IdOrObject): string | null {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object') return v.id ?? v.data?.id ?? null;
  return null;
}

/** Wonde dates come as "YYYY-MM-DD HH:MM:SS(.ffffff)" or {date: that, timezone}. */
function dateString(v: WondeDate): string | null {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof v.date === 'string') return v.date;
  return null;
}
function dayOf(v: WondeDate): string | null {
  const s = dateString(v);
  return s && /^\d{4}-\d{2}-\d{2}/.test(s) ? s.slice(0, 10) : null;
}
function timeOf(v: WondeDate): string | null {
  const m = /[ T](\d{2}:\d{2})/.exec(dateString(v) ?? '');
  return m ? m[1]! : null;
}
