// The Wonde connector: one school, its regional domain, a bearer token from the SecretStore.
// Wonde refers to attendance codes by its own ids, so our letters ("L", "U", "M") are mapped
// through the school's code list; a letter the school does not have is a permanent failure
// that names the letter. Reading a register row's many plausible shapes is rows.ts; the HTTP
// client (paging, rate limit, retries) is http.ts.
// Wire facts: reference/mis-apis.md; the fake in tests/fakes/wonde.
import type { WondeSettings } from '../../../../shared/mis';
import { secretKeys } from '../../../../shared/mis';
import type { Logger } from '../../logging/logger';
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
import { readRow, dayOf, timeOf, type WondeDate } from './rows';

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

export class WondeConnector implements MisConnector {
  readonly name = 'wonde';
  private readonly http: WondeHttp;
  private token: string | null;
  private school: WondeSchool | null = null;
  private codes: {
    byLetter: Map<string, MisAttendanceCode>;
    byId: Map<string, MisAttendanceCode>;
    at: number;
  } | null = null;
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
      {
        mis: school.mis ?? null,
        allowsWriteback: school.extended?.allows_writeback ?? null,
        hasLessonAttendance: school.extended?.has_lesson_attendance ?? null,
      },
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
    for await (const c of this.http.all<{ id: string; code: string; description?: string; type?: string }>(
      `${this.base}/attendance-codes`,
      { per_page: 200 },
    )) {
      out.push({
        code: String(c.code),
        misCodeId: String(c.id),
        description: c.description ?? null,
        type: c.type ?? null,
      });
    }
    this.codes = {
      byLetter: new Map(out.map((c) => [c.code, c])),
      byId: new Map(out.map((c) => [c.misCodeId, c])),
      at: Date.now(),
    };
    return out;
  }

  /** One student's marks on one day: the register read narrowed to that student. */
  async readMarks(query: {
    misId: string;
    date: string;
    target: 'session' | 'lesson';
  }): Promise<ExistingMark[]> {
    const marks = await this.readRegister({ date: query.date, target: query.target, misIds: [query.misId] });
    return marks.map(({ misId: _misId, ...m }) => m);
  }

  /**
   * The day's session or lesson register for many students, in as few requests as Wonde allows: one
   * paged read of the whole day (per_page 200), not one read per student. Wonde documents no
   * filters for these reads, so we send the ones that can only narrow to what we want (`date`, and
   * `student_id` when there is one student) and filter here too: a Wonde that ignores them is still
   * read correctly, only more slowly. We never send a range filter (`…_after`) whose bound could
   * be read as exclusive and silently drop the day we ask for.
   */
  async readRegister(query: {
    date: string;
    target: 'session' | 'lesson';
    misIds: string[];
  }): Promise<ExistingMark[]> {
    if (query.misIds.length === 0) return [];
    const wanted = new Set(query.misIds);
    const params: Record<string, string | number> = {
      date: query.date,
      include: 'attendance_code',
      per_page: 200,
    };
    if (query.misIds.length === 1) params.student_id = query.misIds[0]!;
    const resolver = await this.codeResolver();
    const marks: ExistingMark[] = [];
    for await (const row of this.http.all<unknown>(`${this.base}/attendance/${query.target}`, params)) {
      // Another student's row is skipped before anything else in it is looked at (a Wonde that
      // ignores the filters answers the whole school's register): only the rows we were asked
      // about can fail the read.
      const mark = readRow(row, query.target, wanted);
      if (!mark) continue;
      if (mark.date !== null && mark.date !== query.date) continue;
      marks.push({ ...mark, date: mark.date ?? query.date, code: await resolver(mark.code) });
    }
    return marks;
  }

  async writeSessionMarks(marks: SessionMarkWrite[]): Promise<WriteResult> {
    const ids = await this.codeIds(marks);
    // The public SessionAttendanceRecord: student_id, date, session, attendance_code_id, and the
    // optional comment and minutes_late (wondeltd/dotnet-client WriteBack/SessionAttendanceRecord.cs).
    const attendance = marks.map((m) => ({
      student_id: m.misId,
      date: m.date,
      session: m.session,
      attendance_code_id: ids.get(m.code)!,
      ...(m.comment ? { comment: m.comment } : {}),
      ...(m.minutesLate !== null && m.minutesLate > 0 ? { minutes_late: m.minutesLate } : {}),
    }));
    return writeback(
      await this.http.post(
        `${this.base}/attendance/session`,
        { attendance },
        marks.map((m) => m.ref),
      ),
    );
  }

  async writeLessonMarks(marks: LessonMarkWrite[]): Promise<WriteResult> {
    const ids = await this.codeIds(marks);
    // The public lesson record is exactly these three fields (wondeltd/php-client
    // src/Writeback/LessonAttendanceRecord.php, toArray): a comment or minutes late on the write
    // is dropped here, and capabilities() tells the engine that lesson-only MIS take neither.
    const attendance = marks.map((m) => ({
      lesson_id: m.lessonId,
      student_id: m.misId,
      attendance_code_id: ids.get(m.code)!,
    }));
    return writeback(
      await this.http.post(
        `${this.base}/attendance/lesson`,
        { attendance },
        marks.map((m) => m.ref),
      ),
    );
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
      lessons.push({
        id: String(l.id),
        start,
        end: timeOf(l.end_at as WondeDate) ?? start,
        name: cls.data?.name ?? null,
      });
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
      this.opts.logger.warn('wonde: school lives on another regional domain', {
        configured: this.opts.settings.domain,
        regional,
      });
    }
    return res.data;
  }

  /** Our letters → Wonde code ids; refreshes the list once when a letter is missing. */
  private async codeIds(marks: { ref: number; code: string }[]): Promise<Map<string, string>> {
    if (
      !this.codes ||
      Date.now() - this.codes.at > CODES_TTL_MS ||
      marks.some((m) => !this.codes!.byLetter.has(m.code))
    ) {
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

  /**
   * Turns whatever a register row carries for its code (a Wonde code id, a letter) into the letter,
   * against the school's code list. An unknown value refreshes the list once per read; still
   * unknown, the read fails as transient rather than pass for "no mark".
   */
  private async codeResolver(): Promise<(value: string) => Promise<string>> {
    if (!this.codes || Date.now() - this.codes.at > CODES_TTL_MS) await this.fetchAttendanceCodes();
    let refreshed = false;
    return async (value) => {
      const lookup = () =>
        this.codes!.byId.get(value)?.code ?? (this.codes!.byLetter.has(value) ? value : null);
      let letter = lookup();
      if (letter === null && !refreshed) {
        refreshed = true;
        await this.fetchAttendanceCodes();
        letter = lookup();
      }
      if (letter === null) {
        throw new MisError(
          'server_error',
          `Wonde's register holds an attendance code "${value}" that is not in the school's code list; the register will be read again later.`,
        );
      }
      return letter;
    };
  }
}

function writeback(res: unknown): WriteResult {
  const r = (res ?? {}) as { writeback_id?: unknown; data?: { writeback_id?: unknown } };
  const id = r.writeback_id ?? r.data?.writeback_id;
  return { writebackId: id === undefined || id === null ? null : String(id) };
}
