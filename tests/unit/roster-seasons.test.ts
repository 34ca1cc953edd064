import { describe, expect, it } from 'vitest';
import { detectRollover, isImportOverdue, isSummerPause, rosterMode, summerPause } from '../../electron/core/roster/seasons';

describe('summer pause (roster frozen except contact details)', () => {
  const uk = { from: '07-23', to: '08-31' };
  const southern = { from: '12-15', to: '01-31' }; // wraps over New Year
  it.each([
    ['2026-07-22', uk, false],
    ['2026-07-23', uk, true],
    ['2026-08-15', uk, true],
    ['2026-08-31', uk, true],
    ['2026-09-01', uk, false],
    ['2026-12-14', southern, false],
    ['2026-12-15', southern, true],
    ['2027-01-01', southern, true],
    ['2027-01-31', southern, true],
    ['2027-02-01', southern, false],
    ['2026-08-15', null, false],
  ])('%s with pause %j → paused %s', (date, pause, paused) => {
    expect(isSummerPause(date, pause)).toBe(paused);
    expect(rosterMode(date, pause)).toBe(paused ? 'frozen' : 'open');
  });

  it.each(['7-23', '13-01', '02-30', '2026-07-23'])('refuses the pause date %j with a message', (bad) => {
    const r = summerPause.safeParse({ from: bad, to: '08-31' });
    expect(r.success).toBe(false);
  });
});

describe('new academic year (roll-over) detection', () => {
  const roster = (n: number, year = (i: number) => 7 + (i % 5), form = (i: number) => `F${i % 3}`) =>
    Array.from({ length: n }, (_, i) => ({ id: `s${i}`, year: year(i), form: form(i), active: true }));

  it.each([
    ['everyone moved up a year', 100, (i: number) => 8 + (i % 5), true],
    ['nobody moved', 100, (i: number) => 7 + (i % 5), false],
    ['a few moved up mid-year', 100, (i: number) => 7 + (i % 5) + (i < 10 ? 1 : 0), false],
    ['exactly half moved up', 100, (i: number) => 7 + (i % 5) + (i % 2), true],
    ['too few students to tell', 5, (i: number) => 8 + (i % 5), false],
  ])('%s → %s', (_what, n, nextYear, expected) => {
    const v = detectRollover(roster(n), roster(n, nextYear));
    expect(v.isRollover).toBe(expected);
    expect(v.reasons.length).toBeGreaterThan(0);
  });

  it('counts joiners, leavers and form changes for the admin screen', () => {
    const current = roster(20);
    const incoming = [...roster(18, (i) => 8 + (i % 5), (i) => `G${i % 3}`), { id: 'new1', year: 7, form: '7A' }];
    const v = detectRollover(current, incoming);
    expect(v).toMatchObject({ isRollover: true, continuing: 18, promoted: 18, formChanged: 18, joining: 1, leaving: 2 });
    expect(v.reasons[0]).toBe('18 of 18 continuing students moved up a year (100%).');
  });

  it('ignores inactive students on the kiosk and a roster without years', () => {
    const current = roster(20).map((s) => ({ ...s, active: false }));
    expect(detectRollover(current, roster(20, (i) => 8 + (i % 5))).isRollover).toBe(false);
    const noYears = roster(20, () => null as unknown as number);
    expect(detectRollover(noYears, noYears).reasons[0]).toMatch(/no years/);
  });
});

describe('missed nightly import', () => {
  it.each([
    ['ran last night, now morning', '2026-11-24T02:31:00Z', '2026-11-24T08:00:00Z', false],
    ['ran the night before, now morning', '2026-11-23T02:31:00Z', '2026-11-24T08:00:00Z', true],
    ['ran the night before, not yet tonight’s time', '2026-11-23T02:31:00Z', '2026-11-24T02:00:00Z', false],
    ['never ran', null, '2026-11-24T08:00:00Z', true],
  ])('%s → overdue %s', (_what, last, now, overdue) => {
    expect(isImportOverdue(last, now, '02:30', 'Europe/London')).toBe(overdue);
  });

  it('reads the set time in the school’s zone, not the kiosk’s', () => {
    // 02:30 in Chicago is 08:30 UTC in November.
    expect(isImportOverdue('2026-11-24T08:00:00Z', '2026-11-24T09:00:00Z', '02:30', 'America/Chicago')).toBe(true);
    expect(isImportOverdue('2026-11-24T08:31:00Z', '2026-11-24T09:00:00Z', '02:30', 'America/Chicago')).toBe(false);
  });
});
