// The Ed-Fi connector against the fake ODS/API: tokens, the event body, upserts, refusals.
import { afterEach, describe, expect, it } from 'vitest';
import { EdfiConnector } from '../../electron/core/mis/edfi/connector';
import { unlimited } from '../../electron/core/mis/rate-limit';
import type { SessionMarkWrite } from '../../electron/core/mis/types';
import { caught } from '../fakes/powerschool/caught';
import { silentLogger } from '../../electron/core/log';
import { memorySecretStore } from '../../electron/core/security/secrets';
import { edfiUsSettings, usSecretKeys, type EdfiUsSettingsInput } from '../../shared/mis-us';
import { FakeEdfi } from '../fakes/edfi/server';

let fake: FakeEdfi | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

async function setup(settings: Partial<EdfiUsSettingsInput> = {}) {
  fake = await new FakeEdfi().start();
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
    expect(marks.map((m) => [m.session, m.code])).toEqual([['AM', 'Tardy']]);
    expect(fake.tokensIssued).toBe(2);
    expect((await connector.fetchAttendanceCodes()).map((c) => c.code)).toContain('Early departure');
  });
});
