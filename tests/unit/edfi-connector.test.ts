// The Ed-Fi connector against the fake ODS/API: tokens, the event body, upserts, refusals.
import { afterEach, describe, expect, it } from 'vitest';
import { EdfiConnector } from '../../electron/core/mis/edfi/connector';
import { unlimited } from '../../electron/core/mis/rate-limit';
import type { SessionMarkWrite } from '../../electron/core/mis/types';
import { caught } from '../fakes/powerschool/caught';
import { silentLogger } from '../../electron/core/logging/logger';
import { memorySecretStore } from '../../electron/core/security/secrets';
import { edfiUsSettings, usSecretKeys, type EdfiUsSettingsInput } from '../../shared/mis-us';
import { edfiProblem, REASON_MAX } from '../../electron/core/mis/edfi/connector';
import { cutText } from '../../shared/text';
import { EDFI_ERROR_SHAPES, FakeEdfi, type EdfiErrorShape } from '../fakes/edfi/server';

let fake: FakeEdfi | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

async function setup(settings: Partial<EdfiUsSettingsInput> = {}, errorShape: EdfiErrorShape = 'detail') {
  fake = await new FakeEdfi({ errorShape }).start();
  const parsed = edfiUsSettings.parse({ connector: 'edfi', baseUrl: 'https://ods.district.org/api', clientKey: 'edfi-key', schoolId: '255901001', ...settings });
  const connector = new EdfiConnector({ settings: parsed, secrets: memorySecretStore({ [usSecretKeys.edfiClientSecret]: 'edfi-secret' }), logger: silentLogger, baseUrl: fake.url, limiter: unlimited });
  return { fake, connector };
}

let ref = 0;
const mark = (o: Partial<SessionMarkWrite> = {}): SessionMarkWrite => ({
  ref: ++ref,
  misId: '604822',
  date: '2026-11-24',
  session: 'AM',
  localTime: '09:07',
  occurredAt: '2026-11-24T15:07:00Z',
  direction: 'sign_in',
  code: 'T',
  comment: 'Doctor appointment',
  minutesLate: 7,
  ...o,
});

describe('Ed-Fi', () => {
  it('a late arrival is a Tardy event with arrival time, reason and the session that holds the date', async () => {
    const { fake, connector } = await setup();
    const res = await connector.writeSessionMarks([mark()]);
    expect(res.writebackId).toBe(fake.events[0]!.id);
    const { id: _id, ...body } = fake.events[0]!;
    expect(body).toEqual({
      attendanceEventCategoryDescriptor: 'uri://ed-fi.org/AttendanceEventCategoryDescriptor#Tardy',
      eventDate: '2026-11-24',
      schoolReference: { schoolId: 255901001 },
      sessionReference: { schoolId: 255901001, schoolYear: 2027, sessionName: '2026-2027 Fall Semester' },
      studentReference: { studentUniqueId: '604822' },
      arrivalTime: '09:07:00',
      attendanceEventReason: 'Doctor appointment',
    });
    const token = fake.requests.find((r) => r.path === '/api/oauth/token')!;
    expect(token.headers.authorization).toBe(`Basic ${Buffer.from('edfi-key:edfi-secret').toString('base64')}`);
  });

  it('an early departure is an Early departure event with the departure time', async () => {
    const { fake, connector } = await setup();
    await connector.writeSessionMarks([mark({ direction: 'sign_out', localTime: '13:40', code: 'E', session: 'PM' })]);
    expect(fake.events[0]!.attendanceEventCategoryDescriptor).toMatch(/#Early departure$/);
    expect(fake.events[0]!.departureTime).toBe('13:40:00');
    expect(fake.events[0]!.arrivalTime).toBeUndefined();
  });

  it('a resend is an upsert: the same event, not a second one', async () => {
    const { fake, connector } = await setup();
    await connector.writeSessionMarks([mark()]);
    await connector.writeSessionMarks([mark({ comment: 'Doctor appointment (note seen)' })]);
    expect(fake.events).toHaveLength(1);
    expect(fake.events[0]!.attendanceEventReason).toBe('Doctor appointment (note seen)');
  });

  it('a code mapped to a descriptor the ODS lacks fails permanently as an unknown code', async () => {
    const { connector } = await setup({ descriptors: { byCode: { X: 'uri://ed-fi.org/AttendanceEventCategoryDescriptor#Field trip' } } });
    const bad = mark({ code: 'X' });
    const e = await caught(connector.writeSessionMarks([bad]));
    expect(e.kind).toBe('unknown_code');
    expect(e.details.refs).toEqual([bad.ref]);
  });

  it('an unknown student is reported as such (409)', async () => {
    const { connector } = await setup();
    const e = await caught(connector.writeSessionMarks([mark({ misId: '999' })]));
    expect(e.kind).toBe('student_not_in_mis');
  });

  it('a date outside every session is refused with a message the admin can act on', async () => {
    const { connector } = await setup();
    const e = await caught(connector.writeSessionMarks([mark({ date: '2026-12-24' })]));
    expect(e.kind).toBe('rejected');
    expect(e.message).toMatch(/no session .* holds 2026-12-24/);
  });

  it('a revoked token is renewed once; codes and marks read back', async () => {
    const { fake, connector } = await setup();
    await connector.writeSessionMarks([mark()]);
    fake.expireTokens();
    const marks = await connector.readMarks({ misId: '604822', date: '2026-11-24', target: 'session' });
    // Read back as the code the kiosk wrote (issue 12: it used to read back 'Tardy', which never
    // compares equal to the 'T' the engine wrote).
    expect(marks.map((m) => [m.session, m.code])).toEqual([['AM', 'T']]);
    expect(fake.tokensIssued).toBe(2);
    expect((await connector.fetchAttendanceCodes()).map((c) => c.code)).toContain('Early departure');
  });

  it('an event reads back in the session the site’s times put it in (AM until 12:30 here), not at noon', async () => {
    const { fake, connector: writer } = await setup();
    await writer.writeSessionMarks([mark({ localTime: '12:10' })]);
    const settings = edfiUsSettings.parse({ connector: 'edfi', baseUrl: 'https://ods.district.org/api', clientKey: 'edfi-key', schoolId: '255901001' });
    const secrets = memorySecretStore({ [usSecretKeys.edfiClientSecret]: 'edfi-secret' });
    const sessionAt = (t: string): 'AM' | 'PM' => (t < '12:30' ? 'AM' : 'PM');
    const connector = new EdfiConnector({ settings, secrets, logger: silentLogger, baseUrl: fake.url, limiter: unlimited, sessionAt });
    const marks = await connector.readMarks({ misId: '604822', date: '2026-11-24', target: 'session' });
    expect(marks.map((m) => [m.session, m.code])).toEqual([['AM', 'T']]);
  });
});

describe.each(EDFI_ERROR_SHAPES)('Ed-Fi refusals answered as %s', (shape) => {
  it('an unknown category, student or session reaches the admin as a concrete message, never "See \'validationErrors\'"', async () => {
    const { connector } = await setup({ descriptors: { byCode: { X: 'uri://ed-fi.org/AttendanceEventCategoryDescriptor#Field trip' } } }, shape);
    const code = await caught(connector.writeSessionMarks([mark({ code: 'X' })]));
    expect(code.kind).toBe('unknown_code');
    expect(code.message).toMatch(/Field trip' does not exist/);
    const student = await caught(connector.writeSessionMarks([mark({ misId: '999' })]));
    expect(student.kind).toBe('student_not_in_mis');
    expect(student.message).toMatch(/no student 999: .*Student/);
    for (const e of [code, student]) {
      expect(e.transient).toBe(false);
      expect(e.message).not.toMatch(/See '/);
    }
    await fake!.close();
    const other = await setup({ session: { sessionName: 'Summer', schoolYear: 2027 } }, shape);
    const session = await caught(other.connector.writeSessionMarks([mark()]));
    expect(session.kind).toBe('rejected');
    expect(session.message).toMatch(/no such session: .*Session/);
    expect(session.message).not.toMatch(/See '/);
  });
});

describe('Ed-Fi problem details', () => {
  it('the first validationErrors entry, with its path; then errors; then a concrete detail', () => {
    expect(edfiProblem({ detail: "Data validation failed. See 'validationErrors' for details.", validationErrors: { '$.eventDate': ['eventDate is required.'], '$.x': ['y'] }, errors: [] }).message).toBe('eventDate: eventDate is required.');
    expect(edfiProblem({ detail: "See 'errors' for details.", validationErrors: {}, errors: ['The school year 2031 does not exist.'] }).message).toBe('The school year 2031 does not exist.');
    expect(edfiProblem({ detail: 'The referenced Session item(s) do not exist.', type: 'urn:ed-fi:api:conflict:unresolved-reference' })).toMatchObject({ unresolved: true, message: 'The referenced Session item(s) do not exist.' });
    expect(edfiProblem({ message: 'Validation of X failed.\n\tY' }).message).toBe('Validation of X failed. Y');
  });

  it('a 409 unresolved reference with nothing concrete says so in words', () => {
    expect(edfiProblem({ detail: "One or more references could not be resolved. See 'validationErrors' for details.", type: 'urn:ed-fi:api:data-conflict:unresolved-reference', validationErrors: {}, errors: [] }).message).toBe(
      'The ODS does not know this student or session (unresolved reference).',
    );
  });
});

describe('Ed-Fi attendanceEventReason', () => {
  it('is cut to 255 UTF-16 units between graphemes: no half emoji, no accent without its letter', () => {
    const emoji = 'a'.repeat(254) + '😀 late';
    expect(cutText(emoji, REASON_MAX)).toBe('a'.repeat(254));
    const accent = 'a'.repeat(254) + 'e\u0301';
    expect(cutText(accent, REASON_MAX)).toBe('a'.repeat(254));
    const family = 'b'.repeat(250) + '👨‍👩‍👧‍👦';
    expect(cutText(family, REASON_MAX)).toBe('b'.repeat(250));
    expect(cutText('Bus late 🚌', REASON_MAX)).toBe('Bus late 🚌');
  });

  it('a long reason with an emoji at the cut is accepted by the ODS', async () => {
    const { fake, connector } = await setup();
    await connector.writeSessionMarks([mark({ comment: 'x'.repeat(254) + '🚌🚌' })]);
    expect(fake.events[0]!.attendanceEventReason).toBe('x'.repeat(254));
  });
});

describe('Ed-Fi read-back', () => {
  it('the day’s events of many students, paged, with the codes the kiosk wrote', async () => {
    const { fake, connector } = await setup({ readBack: { tardyCode: 'TU', earlyDepartureCode: 'ED' } });
    for (let i = 0; i < 150; i++) fake.students.add(String(700000 + i));
    for (let i = 0; i < 150; i++) await connector.writeSessionMarks([mark({ misId: String(700000 + i), direction: i % 2 ? 'sign_out' : 'sign_in', localTime: i % 2 ? '13:30' : '09:07' })]);
    const marks = await connector.readRegister({ date: '2026-11-24', target: 'session', misIds: ['700000', '700001', '700149', '604822'] });
    expect(marks.map((m) => [m.misId, m.session, m.code])).toEqual([
      ['700000', 'AM', 'TU'],
      ['700001', 'PM', 'ED'],
      ['700149', 'PM', 'ED'],
    ]);
    const reads = fake.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/studentSchoolAttendanceEvents'));
    expect(reads.map((r) => r.query.get('offset'))).toEqual(['0', '100']);
    expect(Math.max(...reads.map((r) => Number(r.query.get('limit'))))).toBeLessThanOrEqual(500);
  });

  it('an answer that is not a list is an error that retries, never "no mark"', async () => {
    const { fake, connector } = await setup();
    fake.inject({ path: '/studentSchoolAttendanceEvents', method: 'GET', status: 200, body: { message: 'maintenance' } });
    expect((await caught(connector.readMarks({ misId: '604822', date: '2026-11-24', target: 'session' }))).transient).toBe(true);
    fake.inject({ path: '/studentSchoolAttendanceEvents', method: 'GET', status: 200, body: [{ eventDate: '2026-11-24' }] });
    expect((await caught(connector.readRegister({ misIds: ['604822'], date: '2026-11-24', target: 'session' }))).transient).toBe(true);
  });
});

describe('Ed-Fi refusals of reads', () => {
  it('a 400 on a read names the field, not "See \'validationErrors\'"', async () => {
    const { fake, connector } = await setup();
    fake.inject({
      path: '/studentSchoolAttendanceEvents',
      method: 'GET',
      status: 400,
      body: { detail: "Data validation failed. See 'validationErrors' for details.", type: 'urn:ed-fi:api:bad-request:data-validation-failed', title: 'Data Validation Failed', status: 400, validationErrors: { '$.eventDate': ['eventDate is not a valid date.'] }, errors: [] },
    });
    const e = await caught(connector.readMarks({ misId: '604822', date: '2026-11-24', target: 'session' }));
    expect(e.message).toMatch(/eventDate: eventDate is not a valid date\./);
    expect(e.message).not.toMatch(/See '/);
  });
});
