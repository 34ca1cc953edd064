// The attendance decision, as a table of cases a school could ask "why?" about. The first block
// is the worked example of the Sign In App article (reference/seeds/003).
import { describe, expect, it } from 'vitest';
import { arrivalAt, decide } from '../../shared/attendance/decision';
import { resolveRules, siteSettings, type Direction, type WritebackRules } from '../../shared/settings';
import { defaultSettings } from '../../shared/defaults';

const settings = siteSettings.parse(defaultSettings);
const rules = settings.rules;
const reason = (id: string) => rules.reasons.find((r) => r.id === id)!;
const LONDON = 'Europe/London';

interface Case {
  name: string;
  at: string; // UTC instant
  direction?: Direction;
  reason?: string;
  existing?: string;
  rules?: Partial<WritebackRules>;
  tz?: string;
  expect: { session: 'AM' | 'PM' | null; code: string | null; minutesLate?: number | null; writeback: boolean; skip?: string };
}

// 24 November 2026 is GMT, so UTC = London wall clock.
const cases: Case[] = [
  { name: 'before the AM late time: present / written back', at: '2026-11-24T08:55:00Z', reason: 'overslept', expect: { session: 'AM', code: '/', minutesLate: null, writeback: true } },
  { name: 'exactly 09:00 is not late', at: '2026-11-24T09:00:00Z', reason: 'overslept', expect: { session: 'AM', code: '/', writeback: true } },
  { name: '09:00:59 shows 09:00 on the clock: not late', at: '2026-11-24T09:00:59Z', reason: 'overslept', expect: { session: 'AM', code: '/', writeback: true } },
  { name: '09:01 is L, 1 minute late', at: '2026-11-24T09:01:00Z', reason: 'overslept', expect: { session: 'AM', code: 'L', minutesLate: 1, writeback: true } },
  { name: 'at the unauthorised time 09:20 still L', at: '2026-11-24T09:20:30Z', reason: 'traffic', expect: { session: 'AM', code: 'L', minutesLate: 20, writeback: true } },
  { name: 'after 09:20 is U', at: '2026-11-24T09:21:00Z', reason: 'traffic', expect: { session: 'AM', code: 'U', minutesLate: 21, writeback: true } },
  { name: 'M - Medical appointment wins over the time (L)', at: '2026-11-24T09:05:00Z', reason: 'medical', expect: { session: 'AM', code: 'M', minutesLate: 5, writeback: true } },
  // The vendor article (reference seeds 003): a coded reason on sign-in "will be written back regardless of the late sign in times".
  { name: 'M wins before the late time too (a school that asks on-time arrivals why)', at: '2026-11-24T08:55:00Z', reason: 'medical', expect: { session: 'AM', code: 'M', minutesLate: null, writeback: true } },
  { name: 'M wins over U too', at: '2026-11-24T10:30:00Z', reason: 'medical', expect: { session: 'AM', code: 'M', minutesLate: 90, writeback: true } },
  { name: 'lunch counts as PM: present \\', at: '2026-11-24T12:30:00Z', reason: 'overslept', expect: { session: 'PM', code: '\\', writeback: true } },
  { name: 'after 13:00 is L in the PM', at: '2026-11-24T13:05:00Z', reason: 'overslept', expect: { session: 'PM', code: 'L', minutesLate: 5, writeback: true } },
  { name: 'after 13:15 is U in the PM', at: '2026-11-24T13:16:00Z', reason: 'overslept', expect: { session: 'PM', code: 'U', minutesLate: 16, writeback: true } },
  { name: 'after the school day: nothing written', at: '2026-11-24T16:00:00Z', reason: 'overslept', expect: { session: null, code: null, writeback: false, skip: 'outside_sessions' } },
  { name: 'protected / already in the register: not overwritten', at: '2026-11-24T09:10:00Z', reason: 'overslept', existing: '/', expect: { session: 'AM', code: 'L', writeback: false, skip: 'protected_code' } },
  { name: 'protected M already in the register: L not written', at: '2026-11-24T09:10:00Z', reason: 'overslept', existing: 'M', expect: { session: 'AM', code: 'L', writeback: false, skip: 'protected_code' } },
  { name: 'protected \\ in the PM', at: '2026-11-24T13:30:00Z', reason: 'overslept', existing: '\\', expect: { session: 'PM', code: 'U', writeback: false, skip: 'protected_code' } },
  { name: 'an unprotected N (no reason yet) is overwritten', at: '2026-11-24T09:10:00Z', reason: 'overslept', existing: 'N', expect: { session: 'AM', code: 'L', writeback: true } },
  { name: 'present writeback off: on time is not written', at: '2026-11-24T08:50:00Z', reason: 'overslept', rules: { presentWriteback: false }, expect: { session: 'AM', code: null, writeback: false, skip: 'present_writeback_off' } },
  { name: 'present writeback off does not stop a late mark', at: '2026-11-24T09:10:00Z', reason: 'overslept', rules: { presentWriteback: false }, expect: { session: 'AM', code: 'L', writeback: true } },
  { name: 'early sign-out with a coded reason: M in the AM', at: '2026-11-24T10:30:00Z', direction: 'sign_out', reason: 'medical', expect: { session: 'AM', code: 'M', minutesLate: null, writeback: true } },
  { name: 'early sign-out in the PM: the session signed out during', at: '2026-11-24T14:00:00Z', direction: 'sign_out', reason: 'unwell', expect: { session: 'PM', code: 'I', minutesLate: null, writeback: true } },
  { name: 'early sign-out after registration: the leaver code replaces a protected present mark', at: '2026-11-24T10:30:00Z', direction: 'sign_out', reason: 'medical', existing: '/', expect: { session: 'AM', code: 'M', writeback: true } },
  { name: 'early sign-out never replaces a protected M', at: '2026-11-24T10:30:00Z', direction: 'sign_out', reason: 'unwell', existing: 'M', expect: { session: 'AM', code: 'I', writeback: false, skip: 'protected_code' } },
  { name: 'early sign-out, reason without a code, no leaver code: not written', at: '2026-11-24T10:30:00Z', direction: 'sign_out', reason: 'other', expect: { session: 'AM', code: null, writeback: false, skip: 'no_leaver_code' } },
  { name: 'early sign-out, reason without a code: the leaver code', at: '2026-11-24T10:30:00Z', direction: 'sign_out', reason: 'other', rules: { leaverCode: 'E' }, expect: { session: 'AM', code: 'E', minutesLate: null, writeback: true } },
  // Kiosk clocks run in UTC; the school is in London. BST began on 29 March 2026: 08:05 UTC is 09:05 BST.
  { name: 'BST: 08:05 UTC is 09:05 in London, L 5 minutes', at: '2026-03-30T08:05:00Z', reason: 'overslept', expect: { session: 'AM', code: 'L', minutesLate: 5, writeback: true } },
  { name: 'BST: 07:55 UTC is 08:55 in London, present', at: '2026-03-30T07:55:00Z', reason: 'overslept', expect: { session: 'AM', code: '/', writeback: true } },
  { name: 'the Sunday of the change (01:00 UTC → 02:00 BST) still maps', at: '2026-03-29T08:30:00Z', reason: 'overslept', expect: { session: 'AM', code: 'U', minutesLate: 30, writeback: true } },
  { name: 'GMT again after 25 October 2026: 09:05 UTC is 09:05', at: '2026-10-26T09:05:00Z', reason: 'overslept', expect: { session: 'AM', code: 'L', minutesLate: 5, writeback: true } },
  { name: 'a US school: 09:05 CST is 15:05 UTC', at: '2026-11-24T15:05:00Z', tz: 'America/Chicago', reason: 'overslept', expect: { session: 'AM', code: 'L', minutesLate: 5, writeback: true } },
];

describe('attendance decision', () => {
  it.each(cases)('$name', (c) => {
    const r: WritebackRules = { ...rules, ...c.rules };
    const d = decide({ rules: r, at: c.at, timeZone: c.tz ?? LONDON, direction: c.direction ?? 'sign_in', reason: c.reason ? reason(c.reason) : null, existingMark: c.existing });
    expect(d.session).toBe(c.expect.session);
    expect(d.code).toBe(c.expect.code);
    expect(d.writeback).toBe(c.expect.writeback);
    if ('minutesLate' in c.expect) expect(d.minutesLate).toBe(c.expect.minutesLate);
    expect(d.skipReason).toBe(c.expect.skip ?? null);
    expect(d.why.length).toBeGreaterThan(10);
  });

  it('puts the reason, without its code, into the comment, with the student’s note', () => {
    const d = decide({ rules, at: '2026-11-24T09:05:00Z', timeZone: LONDON, direction: 'sign_in', reason: reason('medical'), note: 'dentist on High St' });
    expect(d.comment).toBe('Medical appointment — dentist on High St');
  });

  it('leaves the comment empty when the site keeps reasons out of the register', () => {
    const d = decide({ rules: { ...rules, reasonInComment: false }, at: '2026-11-24T09:05:00Z', timeZone: LONDON, direction: 'sign_in', reason: reason('traffic') });
    expect(d.comment).toBeNull();
  });

  it('reports the school-local date, not the UTC one', () => {
    const d = decide({ rules, at: '2026-11-24T23:30:00Z', timeZone: 'Pacific/Auckland', direction: 'sign_in', reason: null });
    expect(d.localDate).toBe('2026-11-25');
  });

  it('applies a group’s overrides: the sixth form writes no present marks', () => {
    const sixth = resolveRules(settings, 'sixth-form');
    const d = decide({ rules: sixth, at: '2026-11-24T08:55:00Z', timeZone: LONDON, direction: 'sign_in', reason: reason('overslept') });
    expect(d.writeback).toBe(false);
    expect(d.skipReason).toBe('present_writeback_off');
    expect(resolveRules(settings, 'years-7-11').presentWriteback).toBe(true);
  });
});

describe('arrivalAt: the words the kiosk offers for a sign-in now', () => {
  it.each([
    ['08:55, before the 09:00 late time', '2026-11-24T08:55:00Z', 'on_time'],
    ['09:00:59 shows 09:00: on time', '2026-11-24T09:00:59Z', 'on_time'],
    ['09:01 is late', '2026-11-24T09:01:00Z', 'late'],
    ['11:00 is late for the AM session', '2026-11-24T11:00:00Z', 'late'],
    ['12:50, before the PM late time', '2026-11-24T12:50:00Z', 'on_time'],
    ['13:40 is late for the PM session', '2026-11-24T13:40:00Z', 'late'],
    ['16:00 is after the school day', '2026-11-24T16:00:00Z', 'outside'],
  ])('%s', (_name, at, expected) => {
    expect(arrivalAt(rules, at, LONDON)).toBe(expected);
  });
});
