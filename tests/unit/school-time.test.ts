import { describe, expect, it } from 'vitest';
import {
  addDays,
  formatSchoolDate,
  instantAt,
  isCalendarDate,
  localClock,
  minutesBetween,
  mondayOf,
  periodAt,
  schoolYear,
  sessionAt,
  sessionOfTime,
  startOfDay,
  timeWithSeconds,
  todayIn,
  weekdayOf,
} from '../../shared/school-time';

const rules = { sessions: { AM: { end: '12:30' }, PM: { end: '15:30' } } };

describe('school time', () => {
  it('reads an instant on the school clock: date, time, minute, weekday', () => {
    expect(localClock('2026-11-24T09:07:40Z', 'Europe/London')).toEqual({ date: '2026-11-24', time: '09:07', minuteOfDay: 547 });
    expect(timeWithSeconds('2026-11-24T09:07:40Z', 'Europe/London')).toBe('09:07:40');
    expect(localClock('2026-06-16T07:20:00Z', 'Europe/London').time).toBe('08:20'); // BST
    expect(localClock(new Date('2026-11-25T03:00:00Z'), 'America/Chicago').date).toBe('2026-11-24');
    expect(() => localClock('not a date', 'Europe/London')).toThrow(RangeError);
  });

  it('reads the clock right on both sides of a DST change, every minute, wherever the offset is odd (the per-quarter-hour offset cache)', () => {
    // Each zone's wall clock, minute by minute across a change, against Intl itself.
    const cases: [string, string][] = [
      ['Europe/London', '2026-03-29T00:30:00Z'],
      ['Europe/London', '2026-10-25T00:30:00Z'],
      ['America/New_York', '2026-11-01T05:30:00Z'],
      ['Australia/Lord_Howe', '2026-10-03T15:00:00Z'], // a 30-minute change at 02:00
      ['Asia/Kathmandu', '2026-06-01T00:00:00Z'], // +05:45
      ['Pacific/Chatham', '2026-04-04T13:30:00Z'], // +13:45 → +12:45
    ];
    for (const [zone, from] of cases) {
      const intl = new Intl.DateTimeFormat('en-GB', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
      for (let m = 0; m < 120; m++) {
        const at = Date.parse(from) + m * 60_000 + 59_000;
        const p = Object.fromEntries(intl.formatToParts(at).map((x) => [x.type, x.value]));
        expect(localClock(at, zone)).toMatchObject({ date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` });
        expect(timeWithSeconds(at, zone)).toBe(`${p.hour}:${p.minute}:${p.second}`);
      }
    }
  });

  it("today is the school's date, not the UTC one", () => {
    expect(todayIn('America/Los_Angeles', '2026-09-01T05:00:00Z')).toBe('2026-08-31');
    expect(todayIn('Australia/Sydney', '2026-11-24T23:30:00Z')).toBe('2026-11-25');
  });

  it('turns a wall time into an instant across DST, resolving gaps forward and overlaps to the first', () => {
    expect(instantAt('2026-11-24', '09:00', 'Europe/London').toISOString()).toBe('2026-11-24T09:00:00.000Z');
    expect(instantAt('2026-06-16', '09:00', 'Europe/London').toISOString()).toBe('2026-06-16T08:00:00.000Z');
    // UK spring forward 2026-03-29 01:00 GMT → 02:00 BST: 01:30 does not exist and becomes 02:30 BST.
    expect(instantAt('2026-03-29', '01:30', 'Europe/London').toISOString()).toBe('2026-03-29T01:30:00.000Z');
    // UK fall back 2026-10-25 02:00 BST → 01:00 GMT: 01:30 happens twice; the first is BST.
    expect(instantAt('2026-10-25', '01:30', 'Europe/London').toISOString()).toBe('2026-10-25T00:30:00.000Z');
    // US spring forward 2026-03-08 02:00 CST → 03:00 CDT.
    expect(instantAt('2026-03-08', '02:30', 'America/Chicago').toISOString()).toBe('2026-03-08T08:30:00.000Z');
    expect(startOfDay('2026-09-25', 'Europe/London').toISOString()).toBe('2026-09-24T23:00:00.000Z');
  });

  it('counts real minutes over a DST change', () => {
    const before = instantAt('2026-03-29', '00:30', 'Europe/London');
    const after = instantAt('2026-03-29', '02:30', 'Europe/London');
    expect(minutesBetween(before, after)).toBe(60);
  });

  it('does calendar arithmetic on dates without zones', () => {
    expect(addDays('2026-11-24', -6)).toBe('2026-11-18');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-28', 1)).toBe('2026-03-29');
    expect(weekdayOf('2026-11-29')).toBe(7);
    expect(mondayOf('2026-11-29')).toBe('2026-11-23');
    expect(mondayOf('2027-01-01')).toBe('2026-12-28');
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2025-02-29')).toBe(false);
    expect(formatSchoolDate('2026-11-24', 'en-GB', { weekday: 'long', day: 'numeric', month: 'long' })).toBe('Tuesday 24 November');
  });

  it('names the session and period of a time', () => {
    expect(sessionAt(rules, 12 * 60 + 29)).toBe('AM');
    expect(sessionAt(rules, 12 * 60 + 30)).toBe('PM');
    expect(sessionAt(rules, 15 * 60 + 30)).toBeNull();
    expect(sessionOfTime('16:00', rules)).toBe('PM');
    expect(sessionOfTime('11:59')).toBe('AM');
    expect(sessionOfTime('12:00')).toBe('PM');
    const bell = [
      { name: 'P1', start: '08:00', end: '09:00' },
      { name: 'P2', start: '09:00', end: '10:00' },
    ];
    expect(periodAt(bell, '09:00')?.name).toBe('P2');
    expect(periodAt(bell, '10:00')).toBeNull();
  });

  it('puts a date in its school year, turning over in July', () => {
    expect(schoolYear('2026-06-30')).toEqual({ startYear: 2025, label: '2025–26' });
    expect(schoolYear('2026-07-01')).toEqual({ startYear: 2026, label: '2026–27' });
    expect(schoolYear('2099-09-01').label).toBe('2099–00');
  });
});
