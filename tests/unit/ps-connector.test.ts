// The PowerSchool connector against the fake: tokens, modes, codes, students, batches and faults.
import { afterEach, describe, expect, it } from 'vitest';
import { PowerschoolConnector } from '../../electron/core/mis/powerschool/connector';
import { unlimited } from '../../electron/core/mis/rate-limit';
import type { SessionMarkWrite } from '../../electron/core/mis/types';
import { caught } from '../fakes/powerschool/caught';
import { silentLogger } from '../../electron/core/log';
import { fixedClock } from '../../electron/core/clock';
import { memorySecretStore } from '../../electron/core/security/secrets';
import { powerschoolUsSettings, usSecretKeys, type PowerschoolUsSettingsInput } from '../../shared/mis-us';
import type { Period } from '../../shared/settings';
import { demoPowerschool, psYear, type FakePowerschool, type PsMode } from '../fakes/powerschool/server';

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

async function setup(mode: PsMode, o: { settings?: Partial<PowerschoolUsSettingsInput>; batch?: boolean; tokenLifetime?: number; secret?: string } = {}) {
  fake = await demoPowerschool(mode, { batch: o.batch ?? true, tokenLifetime: o.tokenLifetime ?? 3600 }).start();
  const settings = powerschoolUsSettings.parse({
    connector: 'powerschool',
    baseUrl: 'https://sample-district.powerschool.com',
    clientId: 'ps-client',
    schoolId: '100',
    schools: [{ schoolId: '100', name: 'Lincoln High', attendanceMode: mode }],
    ...o.settings,
  });
  const secrets = memorySecretStore({ [usSecretKeys.powerschoolClientSecret]: o.secret ?? 'ps-secret' });
  const clock = fixedClock('2026-11-24T14:07:00Z');
  const connector = new PowerschoolConnector({ settings, secrets, logger: silentLogger, baseUrl: fake.url, limiter: unlimited, bellSchedule: () => bell, clock });
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
    await connector.writeSessionMarks([mark(), mark({ misId: '1002' }), mark({ misId: '1003', minutesLate: 12 })]);
    expect(fake.writes('/ws/attendance/batch_daily_time')).toHaveLength(1);
    expect(fake.attendance.map((a) => [a.studentid, a.att_mode_code, a.total_minutes])).toEqual([
      ['1001', 'ATT_ModeTime', '7'],
      ['1002', 'ATT_ModeTime', '7'],
      ['1003', 'ATT_ModeTime', '12'],
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
