// PowerSchool's reference reads for one school, cached: its attendance codes per school year
// (ATTENDANCE_CODE, an hour) and STUDENTS.ID for the id the roster holds (a day). Apart from the
// connector so that its reads and writes read in one sitting. Wire facts: reference/mis-apis.md
// and mennotech/powerschool-api-docs; the fake in tests/fakes/powerschool.
import type { PowerschoolUsSettings } from '../../../../shared/mis-us';
import type { Clock } from '../../clock';
import { MisError } from '../errors';
import type { MisAttendanceCode } from '../types';
import type { OAuthHttp } from './oauth-http';
import { fiql, readTable } from './schema';

const CODES_TTL_MS = 60 * 60_000;
const STUDENT_TTL_MS = 24 * 60 * 60_000;

export interface CodeList {
  byCode: Map<string, MisAttendanceCode>;
  byId: Map<string, MisAttendanceCode>;
  at: number;
}

export interface PsStudent {
  id: string;
  dcid: string | null;
  at: number;
}

export class PsLookups {
  private readonly codeLists = new Map<string, CodeList>();
  private readonly students = new Map<string, PsStudent>();

  constructor(
    private readonly http: OAuthHttp,
    private readonly clock: Clock,
    private readonly opts: { settings: Pick<PowerschoolUsSettings, 'schoolId' | 'visibleStudentId'> },
  ) {}

  async codes(yearId: number, force: boolean): Promise<CodeList> {
    const key = `${this.opts.settings.schoolId}:${yearId}`;
    const cached = this.codeLists.get(key);
    if (cached && !force && this.clock.now().getTime() - cached.at < CODES_TTL_MS) return cached;
    const rows = await readTable(this.http, 'attendance_code', `schoolid==${fiql(this.opts.settings.schoolId)};yearid==${yearId}`, [
      'id',
      'att_code',
      'description',
      'presence_status_cd',
      'schoolid',
      'yearid',
    ]);
    const list: CodeList = { byCode: new Map(), byId: new Map(), at: this.clock.now().getTime() };
    for (const r of rows) {
      if (!r.id || r.att_code === undefined) continue;
      const c: MisAttendanceCode = { code: r.att_code, misCodeId: r.id, description: r.description ?? null, type: r.presence_status_cd ?? null };
      list.byCode.set(c.code, c);
      list.byId.set(c.misCodeId, c);
    }
    this.codeLists.set(key, list);
    return list;
  }

  /** A student the roster read just saw: no lookup when a mark for them is sent. */
  remember(misId: string, ids: { id: string; dcid: string | null }): void {
    this.students.set(`${this.opts.settings.visibleStudentId}:${misId}`, { ...ids, at: this.clock.now().getTime() });
  }

  /** STUDENTS.ID (what attendance records carry) for the id the kiosk's roster holds. */
  async student(misId: string, ref?: number): Promise<PsStudent> {
    const visible = this.opts.settings.visibleStudentId;
    const key = `${visible}:${misId}`;
    const hit = this.students.get(key);
    if (hit && this.clock.now().getTime() - hit.at < STUDENT_TTL_MS) return hit;
    const field = visible === 'student_number' ? 'student_number' : 'id';
    const label = visible === 'student_number' ? 'student number' : 'SIS id';
    let q: string;
    try {
      q = `${field}==${fiql(misId)}`;
    } catch {
      throw new MisError('student_not_in_mis', `"${misId}" is not a PowerSchool ${label}. Check the Visible Student ID setting and re-import the roster.`, ref !== undefined ? { refs: [ref] } : {});
    }
    const rows = await readTable(this.http, 'students', q, ['id', 'dcid', 'student_number', 'schoolid']);
    const row = rows.find((r) => (field === 'id' ? r.id === misId : r.student_number === misId));
    if (!row?.id) {
      throw new MisError('student_not_in_mis', `PowerSchool has no student with ${label} ${misId}. Check the Visible Student ID setting (SIS ID or Student Number) and re-import the roster.`, ref !== undefined ? { refs: [ref] } : {});
    }
    const s: PsStudent = { id: row.id, dcid: row.dcid ?? null, at: this.clock.now().getTime() };
    this.students.set(key, s);
    return s;
  }
}
