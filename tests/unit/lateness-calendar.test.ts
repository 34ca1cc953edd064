// The school calendar of issue 18: weeks (Monday to Sunday), half-terms and terms, from the
// school's own term dates or the built-in calendar; and the words of a threshold.
import { describe, expect, it } from 'vitest';
import {
  builtInTerm,
  latenessSettings,
  mondayOf,
  ordinal,
  periodOf,
  periodsOverlapping,
  reportCsv,
  ruleLabel,
  ruleMessage,
  type SchoolTerm,
} from '../../shared/lateness';

const AUTUMN: SchoolTerm = { name: 'Autumn', start: '2026-09-02', end: '2026-12-18', halfTermStart: '2026-11-02' };
const SPRING: SchoolTerm = { name: 'Spring', start: '2027-01-04', end: '2027-03-26', halfTermStart: '2027-02-22' };

describe('weeks', () => {
  it('start on Monday; a weekend belongs to the week before it', () => {
    expect(mondayOf('2026-11-30')).toBe('2026-11-30'); // Monday
    expect(mondayOf('2026-12-04')).toBe('2026-11-30'); // Friday
    expect(mondayOf('2026-12-06')).toBe('2026-11-30'); // Sunday
    expect(mondayOf('2027-01-01')).toBe('2026-12-28'); // across the new year
    expect(periodOf('week', '2026-12-02', [], 'en-GB')).toMatchObject({ start: '2026-11-30', end: '2026-12-06' });
  });
});

describe('terms and half-terms', () => {
  it('come from the school’s dates, split at the second half’s first day', () => {
    expect(periodOf('half_term', '2026-10-23', [AUTUMN, SPRING], 'en-GB')).toMatchObject({ start: '2026-09-02', end: '2026-11-01', label: 'Autumn (1)' });
    expect(periodOf('half_term', '2026-11-02', [AUTUMN, SPRING], 'en-GB')).toMatchObject({ start: '2026-11-02', end: '2026-12-18', label: 'Autumn (2)' });
    expect(periodOf('term', '2026-11-02', [AUTUMN, SPRING], 'en-GB')).toMatchObject({ start: '2026-09-02', end: '2026-12-18', label: 'Autumn' });
  });

  it('fall back to the built-in calendar between the school’s terms, never overlapping them', () => {
    const holiday = periodOf('term', '2026-12-22', [AUTUMN, SPRING], 'en-GB');
    expect(holiday.start).toBe('2026-12-19');
    expect(holiday.end).toBe('2026-12-31');
    expect(builtInTerm('2027-05-10', 'en-GB')).toMatchObject({ name: 'Summer 2027', halfTermStart: '2027-06-01' });
    // US schools: semesters in quarters.
    expect(builtInTerm('2026-09-10', 'en-US')).toMatchObject({ name: 'Fall 2026', start: '2026-07-01', end: '2026-12-31' });
    expect(periodOf('half_term', '2026-10-20', [], 'en-US')).toMatchObject({ start: '2026-10-16', end: '2026-12-31' });
  });

  it('lists every period a range touches', () => {
    expect(periodsOverlapping('week', '2026-11-04', '2026-11-20', [], 'en-GB').map((p) => p.start)).toEqual(['2026-11-02', '2026-11-09', '2026-11-16']);
    expect(periodsOverlapping('half_term', '2026-10-01', '2027-01-10', [AUTUMN, SPRING], 'en-GB').map((p) => p.label)).toEqual([
      'Autumn (1)',
      'Autumn (2)',
      'Autumn 2026', // the Christmas holidays, then the days before Spring starts
      'Spring 2027',
      'Spring (1)',
    ]);
  });

  it('refuse overlapping terms and a second half outside its term, with the field to fix', () => {
    const r = latenessSettings.safeParse({ terms: [AUTUMN, { ...SPRING, start: '2026-12-01', halfTermStart: '2027-05-01' }] });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(paths).toContain('terms.1.halfTermStart: The second half must start inside the term, after its first day.');
    expect(paths).toContain('terms.1.start: This term overlaps Autumn.');
  });
});

describe('threshold words', () => {
  const rule = { id: 'three-a-week', count: 3, period: 'week' as const, message: { 'en-GB': '{ordinal} late this week — see your head of year at break', 'en-US': '{ordinal} tardy this week — see the dean' } };
  it('fill in the ordinal in the school’s locale', () => {
    expect(ruleMessage(rule, 3, 'en-GB')).toBe('3rd late this week — see your head of year at break');
    expect(ruleMessage(rule, 4, 'en-US')).toBe('4th tardy this week — see the dean');
    expect([1, 2, 3, 11, 12, 13, 21, 22, 23].map((n) => ordinal(n, 'en-GB'))).toEqual(['1st', '2nd', '3rd', '11th', '12th', '13th', '21st', '22nd', '23rd']);
    expect(ruleLabel(rule, 'en-GB')).toBe('3 lates in a week');
    expect(ruleLabel({ count: 5, period: 'half_term' }, 'en-US')).toBe('5 tardies in a quarter');
  });

  it('CSV is Excel-safe: BOM, CRLF, quotes, no formulas', () => {
    const csv = reportCsv(
      { from: 'a', to: 'b', lates: 0, byDay: [], byYear: [], byForm: [], topReasons: [{ reason: '=HYPERLINK("x")', count: 2 }, { reason: 'Bus, late', count: 1 }], averageMinutesLate: null, overThreshold: [] },
      'topReasons',
    );
    expect(csv).toBe('\ufeffreason,count\r\n"\'=HYPERLINK(""x"")",2\r\n"Bus, late",1\r\n');
  });
});
