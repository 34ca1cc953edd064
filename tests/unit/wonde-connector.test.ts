// The Wonde connector on the wire (against the fake), the per-MIS table, and the settings schema.
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../electron/core/logging/logger';
import { wondeCapabilities, misProfile } from '../../electron/core/mis/capabilities';
import { createConnector } from '../../electron/core/mis';
import { isMisError, type MisError } from '../../electron/core/mis/errors';
import { unlimited } from '../../electron/core/mis/rate-limit';
import { parseRetryAfter, validationError } from '../../electron/core/mis/wonde/http';
import { WondeConnector } from '../../electron/core/mis/wonde/connector';
import { memorySecretStore } from '../../electron/core/security/secrets';
import { misSettings, secretKeys } from '../../shared/mis';
import {
  READ_SHAPES,
  startFakeWonde,
  type DateShape,
  type FakeWonde,
  type FakeWondeOptions,
} from '../fakes/wonde/server';
import type { FakeLesson } from '../fakes/wonde/school';
import { harness, until, type Harness } from '../fakes/wonde/harness';
import { outboxRow, queueMark } from '../fakes/wonde/seed';

const SCHOOL = 'A1930499544';
let fake: FakeWonde | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

async function connect(
  opts: FakeWondeOptions & { flavour?: 'SIMS' | 'Arbor'; students?: string[]; lessons?: FakeLesson[] } = {},
) {
  fake = await startFakeWonde({
    lifetimeMs: 30_000,
    ...opts,
    schools: [
      { id: SCHOOL, flavour: opts.flavour, students: opts.students ?? ['S1'], lessons: opts.lessons ?? [] },
    ],
  });
  return new WondeConnector({
    settings: {
      connector: 'wonde',
      domain: '127.0.0.1',
      schoolId: SCHOOL,
      requestsPerSecond: 10,
      protocol: 'http',
    },
    secrets: memorySecretStore({ [secretKeys.wondeToken]: 'test-token' }),
    logger: silentLogger,
    baseUrl: fake.baseUrl,
    limiter: unlimited,
    timeoutMs: 2_000,
  });
}

async function failure(p: Promise<unknown>): Promise<MisError> {
  try {
    await p;
  } catch (e) {
    if (isMisError(e)) return e;
    throw e;
  }
  throw new Error('expected a MisError');
}

describe('Wonde connector', () => {
  it('follows `next` links through every page', async () => {
    const ids = Array.from({ length: 450 }, (_, i) => `P${i}`);
    const c = await connect({ students: ids });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await c.fetchRosterPage(cursor);
      seen.push(...page.students.map((s) => s.misId));
      cursor = page.next;
      pages += 1;
    } while (cursor);
    expect(seen.sort()).toEqual([...ids].sort());
    expect(pages).toBeGreaterThan(1);
    // Codes come through the paginated list too.
    expect((await c.fetchAttendanceCodes()).map((x) => x.code)).toContain('L');
  });

  it('maps our letters to Wonde code ids and sends comment and minutes late', async () => {
    const c = await connect();
    const res = await c.writeSessionMarks([
      {
        ref: 1,
        misId: 'S1',
        date: '2026-11-24',
        session: 'AM',
        localTime: '09:07',
        occurredAt: '2026-11-24T09:07:00Z',
        direction: 'sign_in',
        code: 'L',
        comment: 'Traffic',
        minutesLate: 7,
      },
    ]);
    expect(res.writebackId).toMatch(/^WB/);
    expect(fake!.writes[0]!.records[0]).toEqual({
      student_id: 'S1',
      date: '2026-11-24',
      session: 'AM',
      attendance_code_id: 'A1000003',
      comment: 'Traffic',
      minutes_late: 7,
    });
    const marks = await c.readMarks({ misId: 'S1', date: '2026-11-24', target: 'session' });
    expect(marks).toEqual([
      { session: 'AM', lessonId: null, date: '2026-11-24', code: 'L', comment: 'Traffic' },
    ]);
  });

  it('reads marks correctly even when Wonde ignores the filters', async () => {
    const c = await connect({ honourReadFilters: false, students: ['S1', 'S2'], defaultPerPage: 1 });
    fake!.setSessionMark(SCHOOL, 'S2', '2026-11-24', 'AM', 'M');
    fake!.setSessionMark(SCHOOL, 'S1', '2026-11-23', 'AM', 'U');
    fake!.setSessionMark(SCHOOL, 'S1', '2026-11-24', 'PM', 'L');
    const marks = await c.readMarks({ misId: 'S1', date: '2026-11-24', target: 'session' });
    expect(marks.map((m) => `${m.session}:${m.code}`)).toEqual(['PM:L']);
  });

  it('a letter the school does not have is a permanent failure that names it and the record', async () => {
    const c = await connect();
    const e = await failure(
      c.writeSessionMarks([
        {
          ref: 42,
          misId: 'S1',
          date: '2026-11-24',
          session: 'AM',
          localTime: '09:07',
          occurredAt: '',
          direction: 'sign_in',
          code: 'Z',
          comment: null,
          minutesLate: null,
        },
      ]),
    );
    expect(e.kind).toBe('unknown_code');
    expect(e.transient).toBe(false);
    expect(e.message).toMatch(/"Z"/);
    expect(e.details.refs).toEqual([42]);
    expect(fake!.writes).toHaveLength(0);
  });

  it('sorts HTTP failures into transient and permanent', async () => {
    const c = await connect();
    const write = () =>
      c.writeSessionMarks([
        {
          ref: 1,
          misId: 'S1',
          date: '2026-11-24',
          session: 'AM',
          localTime: '',
          occurredAt: '',
          direction: 'sign_in',
          code: 'L',
          comment: null,
          minutesLate: null,
        },
      ]);
    await c.fetchAttendanceCodes();
    fake!.inject({ kind: 'status', status: 503 });
    expect((await failure(write())).kind).toBe('server_error');
    fake!.inject({ kind: 'rate_limit', retryAfter: '7' });
    const limited = await failure(write());
    expect(limited).toMatchObject({ kind: 'rate_limited', transient: true });
    expect(limited.details.retryAfterMs).toBe(7000);
    fake!.inject({ kind: 'drop' });
    expect((await failure(write())).kind).toBe('network');
    fake!.inject({ kind: 'status', status: 403 });
    expect((await failure(write())).transient).toBe(false);
    fake!.tokens.clear();
    expect((await failure(write())).kind).toBe('auth');
  });

  it('an Arbor-like school refuses session marks with a 422, and the table says why', async () => {
    const c = await connect({ flavour: 'Arbor' });
    const caps = await c.capabilities();
    expect(caps).toMatchObject({
      sessionMark: false,
      lessonMark: true,
      earlyLeaverCodes: false,
      readMarks: true,
    });
    const e = await failure(
      c.writeSessionMarks([
        {
          ref: 1,
          misId: 'S1',
          date: '2026-11-24',
          session: 'AM',
          localTime: '',
          occurredAt: '',
          direction: 'sign_in',
          code: 'L',
          comment: null,
          minutesLate: null,
        },
      ]),
    );
    expect(e).toMatchObject({ kind: 'rejected', transient: false });
    expect(e.message).toMatch(/not supported by Arbor/);
  });

  it('never sends the token to a host other than the school domain', async () => {
    const c = await connect();
    const e = await failure(c.fetchRosterPage('http://evil.example/v1.0/schools/x/students?page=2'));
    expect(e.message).toMatch(/another host/);
  });
});

describe('the per-MIS table', () => {
  it('encodes the Sign In App article', () => {
    const caps = (mis: string) =>
      wondeCapabilities({ mis, allowsWriteback: true, hasLessonAttendance: true }, 100);
    expect(caps('SIMS')).toMatchObject({
      sessionMark: true,
      comment: true,
      minutesLate: true,
      earlyLeaverCodes: true,
    });
    expect(caps('Arbor')).toMatchObject({ sessionMark: false, lessonMark: true, earlyLeaverCodes: false });
    // Arbor's marks go to lessons, and Wonde's lesson record has no comment or minutes late field.
    expect(caps('Arbor')).toMatchObject({ comment: false, minutesLate: false });
    // Any MIS whose marks go to lessons (session writeback off for it) loses them the same way.
    expect(caps('PupilAsset')).toMatchObject({ sessionMark: true, comment: true, minutesLate: true });
    expect(caps('Engage')).toMatchObject({ sessionMark: true, comment: true, minutesLate: false });
    expect(caps('Facility')).toMatchObject({ sessionMark: true, comment: false, minutesLate: false });
    expect(caps('Integris')).toMatchObject({ sessionMark: false, lessonMark: false });
    expect(misProfile('iSAMS')?.mis).toBe('iSAMS REST');
    expect(
      wondeCapabilities({ mis: 'SIMS', allowsWriteback: false, hasLessonAttendance: true }, 100),
    ).toMatchObject({ sessionMark: false, lessonMark: false });
  });
});

describe('MIS settings and the connector factory', () => {
  it('validates the Wonde connection and keeps the token out of settings', () => {
    const ok = misSettings.parse({ connector: 'wonde', schoolId: 'A1930499544' });
    expect(ok).toMatchObject({ connector: 'wonde', domain: 'api.wonde.com', protocol: 'https' });
    expect(JSON.stringify(ok)).not.toMatch(/token/i);
    const bad = misSettings.safeParse({
      connector: 'wonde',
      schoolId: 'A1930499544',
      domain: 'https://api.wonde.com/v1.0',
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toMatch(/host name only/);
  });

  it("returns no connector for 'none' and a Wonde connector for 'wonde'", () => {
    const secrets = memorySecretStore();
    expect(createConnector({ connector: 'none' }, secrets, silentLogger)).toBeNull();
    expect(
      createConnector(
        misSettings.parse({ connector: 'wonde', schoolId: 'A1930499544' }),
        secrets,
        silentLogger,
      )?.name,
    ).toBe('wonde');
  });
});

describe('wire details', () => {
  it('Retry-After in seconds or as an HTTP date', () => {
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter(new Date(Date.UTC(2026, 0, 1, 0, 1)).toUTCString(), Date.UTC(2026, 0, 1))).toBe(
      60_000,
    );
    expect(parseRetryAfter(undefined)).toBeNull();
  });

  it('a 422 says which field was wrong', () => {
    expect(
      validationError({
        message: 'The given data was invalid.',
        errors: { 'attendance.0.student_id': ['The selected student id is invalid.'] },
      }).kind,
    ).toBe('student_not_in_mis');
    expect(validationError({ errors: { 'attendance.0.attendance_code_id': ['invalid'] } }).kind).toBe(
      'unknown_code',
    );
    expect(validationError({ error: 'nope' })).toMatchObject({
      kind: 'rejected',
      message: 'Wonde refused the mark: nope',
    });
  });
});

const write = (ref: number, misId: string, code = 'L', session: 'AM' | 'PM' = 'AM') => ({
  ref,
  misId,
  date: '2026-11-24',
  session,
  localTime: '09:07',
  occurredAt: '2026-11-24T09:07:00Z',
  direction: 'sign_in' as const,
  code,
  comment: 'Traffic',
  minutesLate: 7,
});

const LESSONS: FakeLesson[] = [
  {
    id: 'L-P1',
    date: '2026-11-24',
    start: '08:50',
    end: '09:50',
    className: '9X/Ma',
    students: ['S1', 'S2'],
  },
  {
    id: 'L-P1-y',
    date: '2026-11-23',
    start: '08:50',
    end: '09:50',
    className: '9X/Ma',
    students: ['S1', 'S2'],
  },
];

// Which shape Wonde answers register reads in is not settled by any public source: the connector
// must read every one the strict fake can serve, dates as strings and as PHP date objects.
describe.each(
  READ_SHAPES.flatMap((readShape) =>
    (['object', 'string'] as DateShape[]).map((dateShape) => ({ readShape, dateShape })),
  ),
)('register reads, codes as $readShape, dates as $dateShape', ({ readShape, dateShape }) => {
  it('reads session marks as letters, for one student and for the whole day', async () => {
    const c = await connect({ readShape, dateShape, students: ['S1', 'S2', 'S3'] });
    await c.writeSessionMarks([write(1, 'S1')]);
    fake!.setSessionMark(SCHOOL, 'S1', '2026-11-24', 'PM', 'M', 'Dentist');
    fake!.setSessionMark(SCHOOL, 'S2', '2026-11-24', 'AM', '\\');
    fake!.setSessionMark(SCHOOL, 'S3', '2026-11-24', 'AM', 'U');
    fake!.setSessionMark(SCHOOL, 'S1', '2026-11-23', 'AM', 'I');
    const mine = await c.readMarks({ misId: 'S1', date: '2026-11-24', target: 'session' });
    expect(mine.map((m) => `${m.session}:${m.code}`).sort()).toEqual(['AM:L', 'PM:M']);
    expect(mine.find((m) => m.session === 'PM')).toEqual({
      session: 'PM',
      lessonId: null,
      date: '2026-11-24',
      code: 'M',
      comment: 'Dentist',
    });
    const day = await c.readRegister({ date: '2026-11-24', target: 'session', misIds: ['S1', 'S2'] });
    expect(day.map((m) => `${m.misId}:${m.session}:${m.code}`).sort()).toEqual([
      'S1:AM:L',
      'S1:PM:M',
      'S2:AM:\\',
    ]);
  });

  it('reads lesson marks with their lesson, and only that day', async () => {
    const c = await connect({
      readShape,
      dateShape,
      flavour: 'Arbor',
      students: ['S1', 'S2'],
      lessons: LESSONS,
    });
    fake!.setLessonMark(SCHOOL, 'S1', 'L-P1', 'M');
    fake!.setLessonMark(SCHOOL, 'S2', 'L-P1', 'L');
    fake!.setLessonMark(SCHOOL, 'S1', 'L-P1-y', 'U');
    const marks = await c.readRegister({ date: '2026-11-24', target: 'lesson', misIds: ['S1', 'S2'] });
    expect(marks.map((m) => `${m.misId}:${m.lessonId}:${m.code}`).sort()).toEqual(['S1:L-P1:M', 'S2:L-P1:L']);
  });

  it("finds the student's lessons of the day", async () => {
    const c = await connect({
      readShape,
      dateShape,
      flavour: 'Arbor',
      students: ['S1', 'S2'],
      lessons: LESSONS,
    });
    expect(await c.listLessons({ misId: 'S1', date: '2026-11-24' })).toEqual([
      { id: 'L-P1', start: '08:50', end: '09:50', name: '9X/Ma' },
    ]);
  });

  it('gives the same answer when Wonde ignores the filters and pages one row at a time', async () => {
    const c = await connect({
      readShape,
      dateShape,
      honourReadFilters: false,
      defaultPerPage: 1,
      students: ['S1', 'S2'],
    });
    fake!.setSessionMark(SCHOOL, 'S2', '2026-11-24', 'AM', 'M');
    fake!.setSessionMark(SCHOOL, 'S1', '2026-11-23', 'AM', 'U');
    fake!.setSessionMark(SCHOOL, 'S1', '2026-11-24', 'PM', 'L');
    const marks = await c.readMarks({ misId: 'S1', date: '2026-11-24', target: 'session' });
    expect(marks.map((m) => `${m.session}:${m.code}`)).toEqual(['PM:L']);
  });
});

describe('register reads that cannot be understood', () => {
  const unreadable = [
    { what: 'a body that is not a list', body: { message: 'Maintenance' } },
    {
      what: 'a row without any code field',
      body: {
        data: [{ id: 'x', student: 'S1', session: 'AM', date: '2026-11-24 00:00:00' }],
        meta: { pagination: { next: null } },
      },
    },
    {
      what: 'a code that is not in the school list',
      body: {
        data: [{ id: 'x', student: 'S1', session: 'AM', date: '2026-11-24', attendance_code: 'ZZ9' }],
        meta: { pagination: { next: null } },
      },
    },
    {
      what: 'a session that is neither AM nor PM',
      body: {
        data: [{ id: 'x', student: 'S1', session: 'EVE', date: '2026-11-24', attendance_code: 'A1000005' }],
        meta: { pagination: { next: null } },
      },
    },
    {
      what: 'a date that is not a date',
      body: {
        data: [
          { id: 'x', student: 'S1', session: 'AM', date: { when: 'today' }, attendance_code: 'A1000005' },
        ],
        meta: { pagination: { next: null } },
      },
    },
  ];
  it.each(unreadable)('$what is a transient error, never "no mark"', async ({ body }) => {
    const c = await connect();
    await c.fetchAttendanceCodes();
    fake!.inject({ kind: 'body', body, times: 2, match: { method: 'GET', path: '/attendance/session' } });
    const e = await failure(c.readMarks({ misId: 'S1', date: '2026-11-24', target: 'session' }));
    expect(e.transient).toBe(true);
    expect(e.message).toMatch(/Wonde/);
  });

  it("another student's odd row does not fail the read (a Wonde that ignores the filters serves the whole school)", async () => {
    const c = await connect({ students: ['S1', 'S2'] });
    await c.fetchAttendanceCodes();
    fake!.inject({
      kind: 'body',
      body: {
        data: [
          { id: 'w', student: 'S2', session: 'EVE', date: { when: 'today' }, attendance_code: 'ZZ9' },
          { id: 'x', student: 'S1', session: 'AM', date: '2026-11-24', attendance_code: 'A1000005' },
        ],
        meta: { pagination: { next: null } },
      },
      match: { method: 'GET', path: '/attendance/session' },
    });
    const marks = await c.readMarks({ misId: 'S1', date: '2026-11-24', target: 'session' });
    expect(marks.map((m) => `${m.session}:${m.code}`)).toEqual(['AM:M']);
  });

  it('an empty slot (code null) is read as no mark, and a code added since is found by refreshing the list', async () => {
    const c = await connect({ students: ['S1'] });
    await c.fetchAttendanceCodes();
    fake!.schools.get(SCHOOL)!.codes = [
      ...fake!.schools.get(SCHOOL)!.codes,
      { id: 'A1000099', code: 'B', description: 'Educated off site', type: 'present' },
    ];
    fake!.inject({
      kind: 'body',
      body: {
        data: [
          { id: 'x', student: 'S1', session: 'AM', date: '2026-11-24', attendance_code: null },
          { id: 'y', student: 'S1', session: 'PM', date: '2026-11-24', attendance_code: 'A1000099' },
          // A relation left out as null next to its flat id field is the id, not an empty slot.
          {
            id: 'z',
            student: null,
            student_id: 'S1',
            session: 'AM',
            date: '2026-11-25',
            attendance_code: null,
            attendance_code_id: 'A1000005',
          },
        ],
        meta: { pagination: { next: null } },
      },
      match: { method: 'GET', path: '/attendance/session' },
    });
    const marks = await c.readRegister({ date: '2026-11-24', target: 'session', misIds: ['S1'] });
    expect(marks.map((m) => `${m.session}:${m.code}`)).toEqual(['PM:B']);
    fake!.inject({
      kind: 'body',
      body: {
        data: [
          {
            id: 'z',
            student: null,
            student_id: 'S1',
            session: 'AM',
            date: '2026-11-25',
            attendance_code: null,
            attendance_code_id: 'A1000005',
          },
        ],
        meta: { pagination: { next: null } },
      },
      match: { method: 'GET', path: '/attendance/session' },
    });
    expect(
      (await c.readMarks({ misId: 'S1', date: '2026-11-25', target: 'session' })).map(
        (m) => `${m.session}:${m.code}`,
      ),
    ).toEqual(['AM:M']);
  });
});

describe('reading a day back for confirmation', () => {
  it('reads 300 students in one day-wide paged read, not one read each', async () => {
    const ids = Array.from({ length: 300 }, (_, i) => `R${i}`);
    const c = await connect({ students: ids });
    for (const id of ids) fake!.setSessionMark(SCHOOL, id, '2026-11-24', 'AM', 'L');
    fake!.setSessionMark(SCHOOL, 'R0', '2026-11-25', 'AM', 'U');
    await c.fetchAttendanceCodes();
    const before = fake!.requests.length;
    const marks = await c.readRegister({ date: '2026-11-24', target: 'session', misIds: ids.slice(0, 250) });
    expect(marks).toHaveLength(250);
    expect(marks.every((m) => m.code === 'L' && m.date === '2026-11-24' && m.misId !== undefined)).toBe(true);
    const reads = fake!.requests.slice(before).filter((r) => r.path.endsWith('/attendance/session'));
    expect(reads.length).toBe(2); // 300 rows of that day at 200 a page
  });
});

describe('lesson writeback', () => {
  it('sends exactly lesson_id, student_id and attendance_code_id', async () => {
    const c = await connect({ flavour: 'Arbor', students: ['S1'], lessons: LESSONS });
    await c.writeLessonMarks([
      {
        ref: 1,
        misId: 'S1',
        lessonId: 'L-P1',
        date: '2026-11-24',
        code: 'L',
        comment: 'Traffic',
        minutesLate: 7,
      },
    ]);
    expect(fake!.writes[0]!.records[0]).toEqual({
      lesson_id: 'L-P1',
      student_id: 'S1',
      attendance_code_id: 'A1000003',
    });
  });

  it('the strict fake refuses a lesson record with more than the three public fields', async () => {
    await connect({ flavour: 'Arbor', students: ['S1'], lessons: LESSONS });
    const res = await fetch(`${fake!.baseUrl}schools/${SCHOOL}/attendance/lesson`, {
      method: 'POST',
      headers: { Authorization: 'Bearer test-token', 'Content-Type': 'application/json' },
      body: JSON.stringify({
        attendance: [
          {
            lesson_id: 'L-P1',
            student_id: 'S1',
            attendance_code_id: 'A1000003',
            comment: 'x',
            minutes_late: 3,
          },
        ],
      }),
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { errors: Record<string, string[]> };
    expect(Object.keys(body.errors).sort()).toEqual(['attendance.0.comment', 'attendance.0.minutes_late']);
    expect(fake!.writes).toHaveLength(0);
  });
});

describe.each(['laravel', 'errors'] as const)('a 422 that names rows (%s body)', (validationShape) => {
  it('puts exactly the named records in details.refs, each with its own message', async () => {
    const c = await connect({ validationShape, students: ['S1', 'S3'] });
    const e = await failure(
      c.writeSessionMarks([write(11, 'S1'), write(12, 'GONE'), write(13, 'S3'), write(14, 'S1', 'L', 'PM')]),
    );
    expect(e).toMatchObject({ kind: 'student_not_in_mis', transient: false });
    expect(e.details.refs).toEqual([12]);
    expect(e.details.refMessages?.[12]).toMatch(/student id is invalid/);
    expect(fake!.writes).toHaveLength(0);
  });

  it('a refusal of the whole request names every record', async () => {
    const c = await connect({ validationShape, flavour: 'Arbor', students: ['S1'] });
    const e = await failure(c.writeSessionMarks([write(21, 'S1'), write(22, 'S1', 'L', 'PM')]));
    expect(e.details.refs).toEqual([21, 22]);
    expect(e.message).toMatch(/not supported by Arbor/);
  });
});

describe('the engine with a 422 that names a row', () => {
  let h: Harness | null = null;
  afterEach(async () => {
    await h?.dispose();
    h = null;
  });
  it('parks just that row with the MIS message and writes the others without bisecting', async () => {
    h = await harness({ school: { students: ['S1', 'S2', 'S4'] } });
    const rows = ['S1', 'S2', 'S3', 'S4'].map((s, i) => queueMark(h!.db, { eventId: `e${i}`, studentId: s }));
    h.engine.start();
    await until(
      () => rows.every((id) => ['done', 'failed_permanent'].includes(outboxRow(h!.db, id).state)),
      'every row settled',
    );
    expect(rows.map((id) => outboxRow(h!.db, id).state)).toEqual([
      'done',
      'done',
      'failed_permanent',
      'done',
    ]);
    expect(outboxRow(h.db, rows[2]!).last_error).toMatch(/student id is invalid/);
    // One refused request, then one that writes the other three: no halving down to single records.
    const posts = h.fake.requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.status)).toEqual([422, 200]);
    expect(h.fake.sessionWritesFor('S1')).toHaveLength(1);
  });
});
