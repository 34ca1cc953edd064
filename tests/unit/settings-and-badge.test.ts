import { describe, expect, it } from 'vitest';
import { describeIssues, siteSettings, splitReasonLabel, groupForStudent, bellSchedule } from '../../shared/settings';
import { defaultSettings } from '../../shared/defaults';
import { normaliseScan } from '../../shared/badge';

const rules = { badgePattern: '^\\d{5,10}$', prefix: '', suffix: '' };

describe('badge normaliser', () => {
  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['1'.repeat(129), 'too_long'],
    ['1234\u00075678', 'control_chars'],
    ['abc', 'bad_pattern'],
    ['https://clever.com/in/badge?token=s3cret', 'bad_pattern'],
    ['1234', 'bad_pattern'],
  ])('refuses %j as %s', (raw, reason) => {
    expect(normaliseScan(raw, rules)).toEqual({ ok: false, reason });
  });

  it('accepts a badge and strips the Enter, an AIM identifier and configured prefix/suffix', () => {
    expect(normaliseScan('100003\r\n', rules)).toEqual({ ok: true, badge: '100003' });
    expect(normaliseScan(']C0100003', rules)).toEqual({ ok: true, badge: '100003' });
    expect(normaliseScan('#100003$', { ...rules, prefix: '#', suffix: '$' })).toEqual({ ok: true, badge: '100003' });
  });
});

describe('site settings validation', () => {
  it('accepts the defaults (the article’s worked example)', () => {
    expect(siteSettings.safeParse(defaultSettings).success).toBe(true);
  });

  it('refuses field by field with messages a site admin understands', () => {
    const bad = structuredClone(defaultSettings) as typeof defaultSettings & Record<string, unknown>;
    bad.timeZone = 'London';
    bad.rules.sessions.AM.lateAfter = '08:00';
    bad.rules.sessions.PM.unauthorisedAfter = '12:59';
    (bad.rules as Record<string, unknown>).lateCode = '';
    const r = siteSettings.safeParse(bad);
    expect(r.success).toBe(false);
    const issues = describeIssues(r.error!);
    const byPath = Object.fromEntries(issues.map((i) => [i.path, i.message]));
    expect(byPath['timeZone']).toMatch(/IANA time zone/);
    expect(byPath['rules.sessions.AM.lateAfter']).toMatch(/late time must be at or after the session start/);
    expect(byPath['rules.sessions.PM.unauthorisedAfter']).toMatch(/unauthorised time must be at or after the late time/);
    expect(byPath['rules.lateCode']).toMatch(/cannot be empty/);
  });

  it('reads the code before the hyphen of a reason label, and only a real code', () => {
    expect(splitReasonLabel('M - Medical appointment')).toEqual({ code: 'M', text: 'Medical appointment' });
    expect(splitReasonLabel('Bus - late')).toEqual({ code: null, text: 'Bus - late' });
    const parsed = siteSettings.parse(defaultSettings);
    expect(parsed.rules.reasons.find((r) => r.id === 'medical')?.code).toBe('M');
    expect(parsed.rules.reasons.find((r) => r.id === 'traffic')?.code).toBeNull();
  });

  it('puts students in groups by year unless the roster names one', () => {
    const s = siteSettings.parse(defaultSettings);
    expect(groupForStudent(s, { year: 12 })).toBe('sixth-form');
    expect(groupForStudent(s, { year: 9 })).toBe('years-7-11');
    expect(groupForStudent(s, { year: 9, groupId: 'sixth-form' })).toBe('sixth-form');
    expect(groupForStudent(s, { year: null })).toBeNull();
  });

  it('refuses a bell schedule with a gap or an overlap', () => {
    const gap = bellSchedule.safeParse([
      { name: 'Period 1', start: '08:00', end: '09:15' },
      { name: 'Period 2', start: '09:20', end: '10:30' },
    ]);
    expect(gap.success).toBe(false);
    expect(gap.error!.issues[0]!.message).toMatch(/gap between Period 1 \(ends 09:15\) and Period 2/);
    const overlap = bellSchedule.safeParse([
      { name: 'Period 1', start: '08:00', end: '09:25' },
      { name: 'Period 2', start: '09:20', end: '10:30' },
    ]);
    expect(overlap.error!.issues[0]!.message).toMatch(/overlaps/);
  });
});
