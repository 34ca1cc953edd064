// The Wonde connector on the wire (against the fake), the per-MIS table, and the settings schema.
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../electron/core/log';
import { wondeCapabilities, misProfile } from '../../electron/core/mis/capabilities';
import { createConnector } from '../../electron/core/mis';
import { isMisError, type MisError } from '../../electron/core/mis/errors';
import { unlimited } from '../../electron/core/mis/rate-limit';
import { parseRetryAfter, validationError } from '../../electron/core/mis/wonde/http';
import { WondeConnector } from '../../electron/core/mis/wonde/connector';
import { memorySecretStore } from '../../electron/core/security/secrets';
import { misSettings, secretKeys } from '../../shared/mis';
import { startFakeWonde, type FakeWonde, type FakeWondeOptions } from '../fakes/wonde/server';

const SCHOOL = 'A1930499544';
let fake: FakeWonde | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

async function connect(opts: FakeWondeOptions & { flavour?: 'SIMS' | 'Arbor'; students?: string[] } = {}) {
  fake = await startFakeWonde({ lifetimeMs: 30_000, ...opts, schools: [{ id: SCHOOL, flavour: opts.flavour, students: opts.students ?? ['S1'] }] });
  return new WondeConnector({
    settings: { connector: 'wonde', domain: '127.0.0.1', schoolId: SCHOOL, requestsPerSecond: 10, protocol: 'http' },
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
      { ref: 1, misId: 'S1', date: '2026-11-24', session: 'AM', localTime: '09:07', occurredAt: '2026-11-24T09:07:00Z', direction: 'sign_in', code: 'L', comment: 'Traffic', minutesLate: 7 },
    ]);
    expect(res.writebackId).toMatch(/^WB/);
    expect(fake!.writes[0]!.records[0]).toEqual({ student_id: 'S1', date: '2026-11-24', session: 'AM', attendance_code_id: 'A1000003', comment: 'Traffic', minutes_late: 7 });
    const marks = await c.readMarks({ misId: 'S1', date: '2026-11-24', target: 'session' });
    expect(marks).toEqual([{ session: 'AM', lessonId: null, date: '2026-11-24', code: 'L', comment: 'Traffic' }]);
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
      c.writeSessionMarks([{ ref: 42, misId: 'S1', date: '2026-11-24', session: 'AM', localTime: '09:07', occurredAt: '', direction: 'sign_in', code: 'Z', comment: null, minutesLate: null }]),
    );
    expect(e.kind).toBe('unknown_code');
    expect(e.transient).toBe(false);
    expect(e.message).toMatch(/"Z"/);
    expect(e.details.refs).toEqual([42]);
    expect(fake!.writes).toHaveLength(0);
  });

  it('sorts HTTP failures into transient and permanent', async () => {
    const c = await connect();
    const write = () => c.writeSessionMarks([{ ref: 1, misId: 'S1', date: '2026-11-24', session: 'AM', localTime: '', occurredAt: '', direction: 'sign_in', code: 'L', comment: null, minutesLate: null }]);
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
    expect(caps).toMatchObject({ sessionMark: false, lessonMark: true, earlyLeaverCodes: false, readMarks: true });
    const e = await failure(
      c.writeSessionMarks([{ ref: 1, misId: 'S1', date: '2026-11-24', session: 'AM', localTime: '', occurredAt: '', direction: 'sign_in', code: 'L', comment: null, minutesLate: null }]),
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
    const caps = (mis: string) => wondeCapabilities({ mis, allowsWriteback: true, hasLessonAttendance: true }, 100);
    expect(caps('SIMS')).toMatchObject({ sessionMark: true, comment: true, minutesLate: true, earlyLeaverCodes: true });
    expect(caps('Arbor')).toMatchObject({ sessionMark: false, lessonMark: true, earlyLeaverCodes: false });
    expect(caps('Engage')).toMatchObject({ sessionMark: true, comment: true, minutesLate: false });
    expect(caps('Facility')).toMatchObject({ sessionMark: true, comment: false, minutesLate: false });
    expect(caps('Integris')).toMatchObject({ sessionMark: false, lessonMark: false });
    expect(misProfile('iSAMS')?.mis).toBe('iSAMS REST');
    expect(wondeCapabilities({ mis: 'SIMS', allowsWriteback: false, hasLessonAttendance: true }, 100)).toMatchObject({ sessionMark: false, lessonMark: false });
  });
});

describe('MIS settings and the connector factory', () => {
  it('validates the Wonde connection and keeps the token out of settings', () => {
    const ok = misSettings.parse({ connector: 'wonde', schoolId: 'A1930499544' });
    expect(ok).toMatchObject({ connector: 'wonde', domain: 'api.wonde.com', protocol: 'https' });
    expect(JSON.stringify(ok)).not.toMatch(/token/i);
    const bad = misSettings.safeParse({ connector: 'wonde', schoolId: 'A1930499544', domain: 'https://api.wonde.com/v1.0' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toMatch(/host name only/);
  });

  it("returns no connector for 'none' and a Wonde connector for 'wonde'", () => {
    const secrets = memorySecretStore();
    expect(createConnector({ connector: 'none' }, secrets, silentLogger)).toBeNull();
    expect(createConnector(misSettings.parse({ connector: 'wonde', schoolId: 'A1930499544' }), secrets, silentLogger)?.name).toBe('wonde');
  });
});

describe('wire details', () => {
  it('Retry-After in seconds or as an HTTP date', () => {
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter(new Date(Date.UTC(2026, 0, 1, 0, 1)).toUTCString(), Date.UTC(2026, 0, 1))).toBe(60_000);
    expect(parseRetryAfter(undefined)).toBeNull();
  });

  it('a 422 says which field was wrong', () => {
    expect(validationError({ message: 'The given data was invalid.', errors: { 'attendance.0.student_id': ['The selected student id is invalid.'] } }).kind).toBe('student_not_in_mis');
    expect(validationError({ errors: { 'attendance.0.attendance_code_id': ['invalid'] } }).kind).toBe('unknown_code');
    expect(validationError({ error: 'nope' })).toMatchObject({ kind: 'rejected', message: 'Wonde refused the mark: nope' });
  });
});
