// The PowerSchool connector against the fake: tokens, modes, codes, students, batches and faults.
import { afterEach, describe, expect, it } from 'vitest';
import { parseExpression, PowerschoolConnector } from '../../electron/core/mis/powerschool/connector';
import { unlimited } from '../../electron/core/mis/rate-limit';
import type { SessionMarkWrite } from '../../electron/core/mis/types';
import { caught } from '../fakes/powerschool/caught';
import { silentLogger } from '../../electron/core/logging/logger';
import { fixedClock } from '../../electron/core/clock';
import { memorySecretStore } from '../../electron/core/security/secrets';
import { powerschoolUsSettings, usSecretKeys, type PowerschoolUsSettingsInput } from '../../shared/mis-us';
import type { Period } from '../../shared/settings';
import { demoPowerschool, PS_PAGE_CAP, psYear, type FakePowerschool, type FakePowerschoolOptions, type PsMode } from '../fakes/powerschool/server';

const bell: Period[] = [
  { name: 'P1', start: '08:00', end: '09:00' },
  { name: 'P2', start: '09:00', end: '10:00' },
  { name: 'P3', start: '10:00', end: '11:00' },
  { name: 'P4', start: '11:00', end: '12:30' },
];

let fake: FakePowerschool | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

const setupBase = setup;
async function setup(
  mode: PsMode,
  o: { settings?: Partial<PowerschoolUsSettingsInput>; batch?: boolean; tokenLifetime?: number; secret?: string; fake?: FakePowerschoolOptions; bell?: Period[]; timeZone?: string; now?: string } = {},
) {
  fake = await demoPowerschool(mode, { batch: o.batch ?? true, tokenLifetime: o.tokenLifetime ?? 3600, ...o.fake }).start();
  const settings = powerschoolUsSettings.parse({
    connector: 'powerschool',
    baseUrl: 'https://sample-district.powerschool.com',
    clientId: 'ps-client',
    schoolId: '100',
    schools: [{ schoolId: '100', name: 'Lincoln High', attendanceMode: mode }],
    ...o.settings,
  });
  const secrets = memorySecretStore({ [usSecretKeys.powerschoolClientSecret]: o.secret ?? 'ps-secret' });
  const clock = fixedClock(o.now ?? '2026-11-24T14:07:00Z');
  const schedule = o.bell ?? bell;
  const connector = new PowerschoolConnector({ settings, secrets, logger: silentLogger, baseUrl: fake.url, limiter: unlimited, bellSchedule: () => schedule, clock, timeZone: o.timeZone ?? 'America/Chicago' });
  return { fake, connector, secrets, clock };
}

let ref = 0;
function mark(o: Partial<SessionMarkWrite> = {}): SessionMarkWrite {
  return { ref: ++ref, misId: '1001', date: '2026-11-24', session: 'AM', localTime: '09:07', occurredAt: '2026-11-24T15:07:00Z', direction: 'sign_in', code: 'T', comment: 'Bus late', minutesLate: 7, ...o };
}

describe('PowerSchool: tokens', () => {
  it('caches one token (expires_in arrives as a string) across many calls', async () => {
    const { fake, connector } = await setup('daily');
    await connector.fetchAttendanceCodes();
    await connector.writeSessionMarks([mark()]);
    await connector.readMarks({ misId: '1001', date: '2026-11-24', target: 'session' });
    expect(fake.tokensIssued).toBe(1);
    const tokenCall = fake.requests.find((r) => r.path === '/oauth/access_token')!;
    expect(tokenCall.headers.authorization).toBe(`Basic ${Buffer.from('ps-client:ps-secret').toString('base64')}`);
    expect(tokenCall.body).toEqual({ grant_type: 'client_credentials' });
  });

  it('a revoked token is refreshed once and the call goes through', async () => {
    const { fake, connector } = await setup('daily');
    await connector.fetchAttendanceCodes();
    fake.expireTokens();
    await connector.writeSessionMarks([mark()]);
    expect(fake.tokensIssued).toBe(2);
    expect(fake.attendance).toHaveLength(1);
  });

  it('a second 401 after a fresh token is an auth error that names the plugin, not a loop', async () => {
    const { fake, connector } = await setup('daily');
    fake.inject({ path: '/ws/schema/table/attendance_code', status: 401, times: 5 });
    const e = await caught(connector.fetchAttendanceCodes());
    expect(e.kind).toBe('auth');
    expect(fake.tokensIssued).toBe(2);
  });

  it('a wrong secret is an auth error; the engine’s refresh picks up the corrected secret', async () => {
    const { connector, secrets } = await setup('daily', { secret: 'wrong' });
    const e = await caught(connector.fetchAttendanceCodes());
    expect(e.kind).toBe('auth');
    expect(e.message).toMatch(/client id and secret/);
    expect(await connector.refreshAuth()).toBe(false);
    secrets.set(usSecretKeys.powerschoolClientSecret, 'ps-secret');
    expect(await connector.refreshAuth()).toBe(true);
    expect((await connector.fetchAttendanceCodes()).map((c) => c.code).sort()).toEqual(['A', 'EX', 'ISS', 'T']);
  });
});

describe('PowerSchool: attendance modes', () => {
  it('Daily: one record per student in the ATTENDANCE envelope, every value a string', async () => {
    const { fake, connector } = await setup('daily');
    const res = await connector.writeSessionMarks([mark()]);
    expect(res.writebackId).toBeTruthy();
    const [w] = fake.writes('/ws/attendance/daily_time');
    const att = (w!.body as { record: { tables: { attendance: Record<string, unknown> } }[] }).record[0]!.tables.attendance;
    expect(att).toEqual({ studentid: '1001', schoolid: '100', yearid: psYear, att_date: '2026-11-24', att_mode_code: 'ATT_ModeDaily', attendance_codeid: '11', att_comment: 'Bus late' });
  });

  it('Daily and Time go in one batch_daily_time call where the server offers it', async () => {
    const { fake, connector } = await setup('time');
    await connector.writeSessionMarks([
      mark(),
      mark({ misId: '1002', localTime: '10:30', minutesLate: 90 }),
      mark({ misId: '1003', localTime: '11:00', direction: 'sign_out', code: 'EX', minutesLate: null }),
    ]);
    expect(fake.writes('/ws/attendance/batch_daily_time')).toHaveLength(1);
    // total_minutes is the minutes ATTENDED (issue 12: it used to carry the minutes late). The bell
    // schedule bounds the day (08:00–12:30): in at 09:07 → 203, in at 10:30 → 120, out at 11:00 → 180.
    expect(fake.attendance.map((a) => [a.studentid, a.att_mode_code, a.total_minutes])).toEqual([
      ['1001', 'ATT_ModeTime', '203'],
      ['1002', 'ATT_ModeTime', '120'],
      ['1003', 'ATT_ModeTime', '180'],
    ]);
  });

  it('an older server without the batch endpoint gets one record per call, and is remembered', async () => {
    const { fake, connector } = await setup('daily', { batch: false });
    await connector.writeSessionMarks([mark(), mark({ misId: '1002' })]);
    await connector.writeSessionMarks([mark({ misId: '1003' }), mark({ misId: '1001', code: 'EX', direction: 'sign_out' })]);
    expect(fake.requests.filter((r) => r.path === '/ws/attendance/batch_daily_time')).toHaveLength(1);
    expect(fake.writes('/ws/attendance/daily_time')).toHaveLength(4);
    // Daily is one record per student per day: the early dismissal replaced the tardy.
    expect(fake.attendance.filter((a) => a.studentid === '1001').map((a) => a.attendance_codeid)).toEqual(['12']);
    expect((await connector.capabilities()).maxBatch).toBeLessThan(200);
  });

  it('Meeting: meeting_interval with the period of the bell schedule in force at the event', async () => {
    const { fake, connector } = await setup('meeting');
    await connector.writeSessionMarks([mark({ localTime: '09:07' }), mark({ misId: '1002', localTime: '10:59' })]);
    const calls = fake.writes('/ws/attendance/meeting_interval');
    expect(calls).toHaveLength(2); // one student and one day per call
    expect(fake.attendance.map((a) => [a.studentid, a.periodid, a.start_time, a.end_time, a.att_mode_code])).toEqual([
      ['1001', '302', String(9 * 3600), String(10 * 3600), 'ATT_ModeMeeting'],
      ['1002', '303', String(10 * 3600), String(11 * 3600), 'ATT_ModeMeeting'],
    ]);
  });

  it('Meeting: a time at a period boundary belongs to the period that starts then', async () => {
    const { fake, connector } = await setup('meeting');
    await connector.writeSessionMarks([mark({ localTime: '10:00' })]);
    expect(fake.attendance[0]!.periodid).toBe('303');
  });

  it('Meeting: a time outside the bell schedule is refused with a message, not guessed', async () => {
    const { connector } = await setup('meeting');
    const e = await caught(connector.writeSessionMarks([mark({ localTime: '07:30' })]));
    expect(e.kind).toBe('rejected');
    expect(e.message).toMatch(/07:30 no period of the bell schedule/);
    expect(e.transient).toBe(false);
  });

  it('a mode that does not match PowerSchool’s is refused with the reason', async () => {
    const { connector } = await setup('daily', { settings: { schools: [{ schoolId: '100', attendanceMode: 'time' }] } });
    const e = await caught(connector.writeSessionMarks([mark()]));
    expect(e.kind).toBe('rejected');
    expect(e.message).toMatch(/must match the mode set in PowerSchool/);
  });

  it('a disabled school takes nothing; the district switch overrides the school', async () => {
    const off = await setup('daily', { settings: { schools: [{ schoolId: '100', enabled: false }] } });
    expect((await off.connector.capabilities()).sessionMark).toBe(false);
    await off.fake.close();
    const forced = await setup('daily', {
      settings: { schools: [{ schoolId: '100', enabled: false, attendanceMode: 'meeting' }], district: { preventSchoolOverrides: true, attendanceMode: 'daily' } },
    });
    expect((await forced.connector.capabilities()).sessionMark).toBe(true);
    await forced.connector.writeSessionMarks([mark()]);
    expect(forced.fake.attendance[0]!.att_mode_code).toBe('ATT_ModeDaily');
  });
});

describe('PowerSchool: codes, students, marks', () => {
  it('a code the school does not have in PowerSchool fails permanently, naming the code and the record', async () => {
    const { connector } = await setup('daily');
    const good = mark();
    const bad = mark({ misId: '1002', code: 'TX' });
    const e = await caught(connector.writeSessionMarks([good, bad]));
    expect(e.kind).toBe('unknown_code');
    expect(e.message).toContain('"TX"');
    expect(e.details.refs).toEqual([bad.ref]);
  });

  it('codes are per school and year; a code map translates our code to PowerSchool’s', async () => {
    const { fake, connector } = await setup('daily', { settings: { codeMap: { L: 'T' } } });
    await connector.writeSessionMarks([mark({ code: 'L' })]);
    expect(fake.attendance[0]!.attendance_codeid).toBe('11'); // school 100's T, not school 200's
  });

  it('students are found by student number when the district shows student numbers', async () => {
    const { fake, connector } = await setup('daily', { settings: { visibleStudentId: 'student_number' } });
    await connector.writeSessionMarks([mark({ misId: '240002' })]);
    expect(fake.attendance[0]!.studentid).toBe('1002');
    const e = await caught(connector.writeSessionMarks([mark({ misId: '999999' })]));
    expect(e.kind).toBe('student_not_in_mis');
    expect(e.message).toMatch(/student number 999999/);
  });

  it('reads the marks a student holds: a daily mark guards both sessions', async () => {
    const { fake, connector } = await setup('daily');
    fake.addMark({ studentid: '1001', att_date: '2026-11-24', schoolid: '100', yearid: psYear, att_mode_code: 'ATT_ModeDaily', attendance_codeid: '14' });
    const marks = await connector.readMarks({ misId: '1001', date: '2026-11-24', target: 'session' });
    expect(marks.map((m) => [m.session, m.code])).toEqual([
      ['AM', 'ISS'],
      ['PM', 'ISS'],
    ]);
  });

  it('the roster carries the visible id', async () => {
    const { connector } = await setup('daily', { settings: { visibleStudentId: 'student_number' } });
    const page = await connector.fetchRosterPage(null);
    expect(page.students.map((s) => s.misId)).toEqual(['240001', '240002', '240003']);
    expect(page.next).toBeNull();
  });

  it('server errors and 429 are transient; 429 carries Retry-After', async () => {
    const { fake, connector } = await setup('daily');
    fake.inject({ path: '/ws/attendance', status: 503 });
    expect((await caught(connector.writeSessionMarks([mark()]))).kind).toBe('server_error');
    fake.inject({ path: '/ws/attendance', status: 429, headers: { 'Retry-After': '0' } });
    const e = await caught(connector.writeSessionMarks([mark()]));
    expect(e.kind).toBe('rate_limited');
    expect(e.details.retryAfterMs).toBe(0);
    fake.inject({ path: '/ws/attendance', drop: true });
    expect((await caught(connector.writeSessionMarks([mark()]))).kind).toBe('network');
  });
});

/** Every table read the fake saw asked for at most PowerSchool's cap. */
function pageSizes(f: FakePowerschool): number[] {
  return f.requests.filter((r) => /^\/ws\/schema\/table\/[a-z_]+$/.test(r.path)).map((r) => Number(r.query.get('pagesize')));
}

describe('PowerSchool: table reads page at ≤100 (issue 12)', () => {
  it('the fake refuses a page above 100 with a 400, as PowerSchool does', async () => {
    const { fake } = await setup('daily');
    const token = await (await fetch(`${fake.url}/oauth/access_token`, { method: 'POST', headers: { Authorization: `Basic ${Buffer.from('ps-client:ps-secret').toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' })).json() as { access_token: string };
    const res = await fetch(`${fake.url}/ws/schema/table/attendance_code?pagesize=1000`, { headers: { Authorization: `Bearer ${token.access_token}` } });
    expect(res.status).toBe(400);
  });

  it('a school of 3,000 students and 250 codes: every code, every student, every mark of the day, pages of 100', async () => {
    const students = Array.from({ length: 3000 }, (_, i) => ({ id: String(20000 + i), student_number: String(500000 + i), first_name: `F${i}`, last_name: `L${i}`, schoolid: '100' }));
    const codes = Array.from({ length: 250 }, (_, i) => ({ id: String(1000 + i), att_code: `C${i}`, schoolid: '100', yearid: psYear }));
    const { fake, connector } = await setup('daily', { fake: { students, codes } });
    expect(await connector.fetchAttendanceCodes()).toHaveLength(250);
    const roster: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await connector.fetchRosterPage(cursor);
      roster.push(...page.students.map((s) => s.misId));
      cursor = page.next;
    } while (cursor);
    expect(roster).toHaveLength(3000);
    expect(new Set(roster).size).toBe(3000);
    // The count tells the import it is complete: no empty 31st page.
    expect(fake.requests.filter((r) => r.path === '/ws/schema/table/students/count')).toHaveLength(1);
    expect(fake.requests.filter((r) => r.path === '/ws/schema/table/students')).toHaveLength(30);
    for (let i = 0; i < 250; i++) fake.addMark({ studentid: String(20000 + i), att_date: '2026-11-24', schoolid: '100', yearid: psYear, att_mode_code: 'ATT_ModeDaily', attendance_codeid: String(1000 + i) });
    const register = await connector.readRegister({ date: '2026-11-24', target: 'session', misIds: students.slice(0, 250).map((s) => s.id) });
    expect(register.filter((m) => m.session === 'AM')).toHaveLength(250);
    expect(register.find((m) => m.misId === '20249' && m.session === 'AM')?.code).toBe('C249');
    // 250 marks read back in 3 pages of the attendance table, no student look-ups (SIS ids).
    expect(fake.requests.filter((r) => r.path === '/ws/schema/table/attendance')).toHaveLength(3);
    const sizes = pageSizes(fake);
    expect(sizes.length).toBeGreaterThan(30);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(PS_PAGE_CAP);
  });

  describe.each([
    ['record: [] and {"count":n}', { emptyRecord: 'array', countShape: 'count' }],
    ['no record and {"resource":{"count":n}}', { emptyRecord: 'omitted', countShape: 'resource' }],
  ] as const)('answers with %s', (_name, shape) => {
    it('reads an empty register as empty, a held mark as held, and the roster to the end', async () => {
      const { fake, connector } = await setup('daily', { fake: { ...shape } });
      expect(await connector.readMarks({ misId: '1002', date: '2026-11-24', target: 'session' })).toEqual([]);
      fake.addMark({ studentid: '1002', att_date: '2026-11-24', schoolid: '100', yearid: psYear, att_mode_code: 'ATT_ModeDaily', attendance_codeid: '11' });
      expect((await connector.readMarks({ misId: '1002', date: '2026-11-24', target: 'session' })).map((m) => m.code)).toEqual(['T', 'T']);
      const page = await connector.fetchRosterPage(null);
      expect(page.students).toHaveLength(3);
      expect(page.next).toBeNull();
    });
  });

  it('a 400 on a read says what PowerSchool refused, and that it is not a permission problem', async () => {
    const { fake, connector } = await setup('daily');
    fake.inject({ path: '/ws/schema/table/attendance_code', status: 400, body: { message: 'Invalid projection field att_colour' } });
    const e = await caught(connector.fetchAttendanceCodes());
    expect(e.kind).toBe('rejected');
    expect(e.message).toMatch(/^PowerSchool refused the request: Invalid projection field att_colour/);
    expect(e.message).toMatch(/not a permission problem/);
    expect(e.message).not.toMatch(/permission\./);
  });

  it('an answer that is not a record list is a retryable error, never "no mark"', async () => {
    const { fake, connector } = await setup('daily');
    fake.inject({ path: '/ws/schema/table/attendance', status: 200, body: '<html>Sign in</html>' });
    const e = await caught(connector.readMarks({ misId: '1001', date: '2026-11-24', target: 'session' }));
    expect(e.transient).toBe(true);
    fake.inject({ path: '/ws/schema/table/attendance', status: 200, body: { name: 'attendance', record: [{ id: 1, tables: { attendance: { studentid: '1001', att_date: '2026-11-24' } } }] } });
    expect((await caught(connector.readRegister({ misIds: ['1001'], date: '2026-11-24', target: 'session' }))).transient).toBe(true);
  });
});

describe('PowerSchool: Time mode total_minutes = minutes of attendance', () => {
  it('the school day comes from the setting, else the bell schedule, else 08:00–15:00', async () => {
    const a = await setup('time', { bell: [] });
    await a.connector.writeSessionMarks([mark({ localTime: '09:07' }), mark({ misId: '1002', localTime: '14:00', direction: 'sign_out', code: 'EX' })]);
    expect(a.fake.attendance.map((x) => x.total_minutes)).toEqual([String(15 * 60 - (9 * 60 + 7)), String(6 * 60)]);
    await a.fake.close();
    const b = await setup('time', { settings: { schoolDay: { start: '07:45', end: '14:50' } } });
    await b.connector.writeSessionMarks([mark({ localTime: '09:07' }), mark({ misId: '1002', localTime: '06:00' }), mark({ misId: '1003', localTime: '15:30' })]);
    // A late arrival before the day starts attended all of it; one after it ends attended none.
    expect(b.fake.attendance.map((x) => x.total_minutes)).toEqual(['343', '425', '0']);
  });

  it('does not claim to take minutes late: the minutes sent are those attended, from the event’s time', async () => {
    const { fake, connector } = await setup('time', { bell: [] });
    expect((await connector.capabilities()).minutesLate).toBe(false);
    await connector.writeSessionMarks([mark({ localTime: '09:07', minutesLate: null })]);
    expect(fake.attendance.map((x) => x.total_minutes)).toEqual([String(15 * 60 - (9 * 60 + 7))]);
  });
});

describe('PowerSchool: the school’s date and year', () => {
  it('"today" is the school’s date: 23:30 on 30 June in Chicago is still year 35, not UTC’s 1 July (36)', async () => {
    const { fake, connector } = await setup('daily', { now: '2026-07-01T04:30:00Z', timeZone: 'America/Chicago' });
    await connector.fetchAttendanceCodes();
    const q = fake.requests.find((r) => r.path === '/ws/schema/table/attendance_code')!.query.get('q');
    expect(q).toContain('yearid==35');
  });

  it('the same instant in Europe/Berlin is already 1 July: year 36', async () => {
    const { fake, connector } = await setup('daily', { now: '2026-07-01T04:30:00Z', timeZone: 'Europe/Berlin' });
    await connector.fetchAttendanceCodes();
    expect(fake.requests.find((r) => r.path === '/ws/schema/table/attendance_code')!.query.get('q')).toContain('yearid==36');
  });
});

describe.each([
  ['SECTION_MEETING readable', true],
  ['SECTION_MEETING answering 404 (CC.expression read instead)', false],
] as const)('PowerSchool: Meeting mode ccid, %s', (_name, sectionMeetingTable) => {
  const setup = (mode: PsMode, o: Parameters<typeof setupBase>[1] = {}) => setupBase(mode, { ...o, fake: { sectionMeetingTable, ...o.fake } });
  const body = (f: FakePowerschool) => f.writes('/ws/attendance/meeting_interval').map((w) => (w.body as { record: { tables: { attendance: Record<string, unknown> } }[] }).record[0]!.tables.attendance);

  it('sends the enrolment in the section meeting in that period on that date, integer times, string ids', async () => {
    const { fake, connector } = await setup('meeting');
    await connector.writeSessionMarks([mark({ localTime: '09:07' })]);
    expect(body(fake)[0]).toMatchObject({ ccid: '7102', periodid: '302', start_time: 9 * 3600, end_time: 10 * 3600, studentid: '1001' });
    expect(typeof body(fake)[0]!.start_time).toBe('number');
  });

  it('an A/B-day pair in the same period is settled by the date’s cycle day', async () => {
    const { fake, connector } = await setup('meeting');
    await connector.writeSessionMarks([mark({ misId: '1003', localTime: '10:07', date: '2026-11-24' })]);
    await connector.writeSessionMarks([mark({ misId: '1003', localTime: '10:07', date: '2026-11-25' })]);
    expect(body(fake).map((b) => b.ccid)).toEqual(['7313', '7323']);
  });

  it('CC is read once per student and day', async () => {
    const { fake, connector } = await setup('meeting');
    await connector.writeSessionMarks([mark({ localTime: '09:07' })]);
    await connector.writeSessionMarks([mark({ localTime: '11:15', direction: 'sign_out', code: 'EX' })]);
    expect(fake.requests.filter((r) => r.path === '/ws/schema/table/cc')).toHaveLength(1);
    // Without SECTION_MEETING it is asked once, then the expression is read.
    if (!sectionMeetingTable) expect(fake.requests.filter((r) => r.path === '/ws/schema/table/section_meeting')).toHaveLength(1);
    expect(body(fake).map((b) => b.ccid)).toEqual(['7102', '7104']);
  });

  it('when a section meets is read once for all its students', async () => {
    const { fake, connector } = await setup('meeting');
    await connector.writeSessionMarks([mark({ localTime: '09:07' }), mark({ misId: '1002', localTime: '09:07' })]);
    expect(body(fake).map((b) => b.ccid)).toEqual(['7102', '7202']);
    // 1001 and 1002 share sections 401–404: four reads, not eight (one, then 404, without the table).
    const reads = fake.requests.filter((r) => r.path === '/ws/schema/table/section_meeting').map((r) => r.query.get('q'));
    expect(reads).toHaveLength(sectionMeetingTable ? 4 : 1);
    expect(new Set(reads).size).toBe(reads.length);
  });

  it('no enrolment in that period is refused with what to check', async () => {
    const { fake, connector } = await setup('meeting');
    fake.cc = fake.cc.filter((c) => !(c.studentid === '1002' && c.sectionid === '402'));
    const m = mark({ misId: '1002', localTime: '09:30' });
    const e = await caught(connector.writeSessionMarks([m]));
    expect(e.kind).toBe('rejected');
    expect(e.message).toMatch(/no section enrolment for student 1002 that meets in period P2 on 2026-11-24/);
    expect(e.details.refs).toEqual([m.ref]);
  });
});

describe('PowerSchool: reading the register back', () => {
  it('a day’s register for many students, with each mark’s student and our code', async () => {
    const { connector } = await setup('daily', { settings: { visibleStudentId: 'student_number', codeMap: { L: 'T' } } });
    await connector.writeSessionMarks([mark({ misId: '240001', code: 'L' }), mark({ misId: '240003', code: 'EX', direction: 'sign_out' })]);
    const marks = await connector.readRegister({ date: '2026-11-24', target: 'session', misIds: ['240001', '240002', '240003'] });
    expect(marks.filter((m) => m.session === 'AM').map((m) => [m.misId, m.code])).toEqual([
      ['240001', 'L'],
      ['240003', 'EX'],
    ]);
    expect(await connector.readRegister({ date: '2026-11-23', target: 'session', misIds: ['240001'] })).toEqual([]);
  });

  it('Meeting mode: the period’s mark, in its session', async () => {
    const { connector } = await setup('meeting');
    await connector.writeSessionMarks([mark({ localTime: '09:07' }), mark({ misId: '1002', localTime: '11:10', direction: 'sign_out', code: 'EX' })]);
    const marks = await connector.readRegister({ date: '2026-11-24', target: 'session', misIds: ['1001', '1002'] });
    expect(marks.map((m) => [m.misId, m.session, m.lessonId, m.code])).toEqual([
      ['1001', 'AM', '302', 'T'],
      ['1002', 'AM', '304', 'EX'],
    ]);
  });

  it('a code id the school’s list does not have is an error that retries, not "no mark"', async () => {
    const { fake, connector } = await setup('daily');
    fake.addMark({ studentid: '1001', att_date: '2026-11-24', schoolid: '100', yearid: psYear, att_mode_code: 'ATT_ModeDaily', attendance_codeid: '999' });
    const e = await caught(connector.readRegister({ date: '2026-11-24', target: 'session', misIds: ['1001'] }));
    expect(e.transient).toBe(true);
    expect(e.message).toMatch(/code id 999/);
    expect((await caught(connector.readMarks({ misId: '1001', date: '2026-11-24', target: 'session' }))).transient).toBe(true);
  });
});

describe('PowerSchool schedule expressions', () => {
  it.each([
    ['2(A)', [['2', 'A']]],
    ['1-2(A-B)', [['1', 'A'], ['1', 'B'], ['2', 'A'], ['2', 'B']]],
    ['3(A,C) 5(B)', [['3', 'A'], ['3', 'C'], ['5', 'B']]],
    ['4', [['4', '']]],
  ] as const)('%s', (expr, want) => {
    expect(parseExpression(expr).map((x) => [x.period, x.day])).toEqual(want);
  });
});
