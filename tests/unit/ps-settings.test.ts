// The US settings and the pure rules behind them: the PowerSchool URL check (Navigate360's
// wording), the district switch, the school year id, the period in force, export settings.
import { describe, expect, it } from 'vitest';
import {
  edfiUsSettings,
  effectiveSchool,
  fileExportUsSettings,
  periodAt,
  powerschoolBaseUrl,
  powerschoolUsSettings,
  powerschoolYearId,
  secondsAfterMidnight,
  schoolDayBounds,
  minutesOfAttendance,
  DEFAULT_SCHOOL_DAY,
} from '../../shared/mis-us';
import { secretKeys } from '../../shared/mis';
import { localClock } from '../../shared/attendance/decision';
import { usSecretKeys } from '../../shared/mis-us';
import { fileNameFor, renderCsv, type ExportRecord } from '../../electron/core/mis/fileexport/render';

const messageOf = (v: string) => {
  const r = powerschoolBaseUrl.safeParse(v);
  return r.success ? null : r.error.issues[0]!.message;
};

describe('PowerSchool base URL', () => {
  it.each([
    ['https://sample-district.powerschool.com', null],
    ['https://sample-district.powerschool.com/', /trailing forward-slashes/],
    ['https://sample-district.powerschool.com/admin', /without a path/],
    ['http://sample-district.powerschool.com', /https:\/\//],
    ['sample-district.powerschool.com', /PowerSchool URL for the district/],
    ['https://sample-district.powerschool.com?x=1', /without a path/],
  ])('%s', (url, expected) => {
    const m = messageOf(url);
    if (expected === null) expect(m).toBeNull();
    else expect(m).toMatch(expected);
  });
});

describe('PowerSchool schools', () => {
  const base = { connector: 'powerschool', baseUrl: 'https://d.powerschool.com', clientId: 'c', schoolId: '100' } as const;

  it('the kiosk’s school must be in the list, once', () => {
    const r = powerschoolUsSettings.safeParse({ ...base, schools: [{ schoolId: '200' }, { schoolId: '200' }] });
    expect(r.success).toBe(false);
    const msgs = r.error!.issues.map((i) => i.message).join(' | ');
    expect(msgs).toMatch(/School 100 is not in the list/);
    expect(msgs).toMatch(/School 200 is listed twice/);
  });

  it('each school keeps its own switch and mode unless the district prevents overrides', () => {
    const s = powerschoolUsSettings.parse({ ...base, schools: [{ schoolId: '100', enabled: false, attendanceMode: 'meeting' }, { schoolId: '200', attendanceMode: 'time', yearId: 35 }] });
    expect(effectiveSchool(s, '100')).toMatchObject({ enabled: false, mode: 'meeting' });
    expect(effectiveSchool(s, '200')).toMatchObject({ enabled: true, mode: 'time', yearId: 35 });
    const locked = powerschoolUsSettings.parse({ ...s, district: { preventSchoolOverrides: true, attendanceMode: 'daily' } });
    expect(effectiveSchool(locked, '100')).toMatchObject({ enabled: true, mode: 'daily' });
    expect(effectiveSchool(locked, '999')).toBeNull();
  });

  it('the school year id follows PowerSchool: the year starting in July, counted from 1990', () => {
    expect(powerschoolYearId('2025-08-20')).toBe(35);
    expect(powerschoolYearId('2026-06-30')).toBe(35);
    expect(powerschoolYearId('2026-07-01')).toBe(36);
  });

  it('secret keys agree with the ones shared/mis.ts already names', () => {
    expect(usSecretKeys.powerschoolClientSecret).toBe(secretKeys.powerschoolClientSecret);
    expect(usSecretKeys.edfiClientSecret).toBe(secretKeys.edfiClientSecret);
  });
});

describe('the period in force', () => {
  const bell = [
    { name: 'P1', start: '08:00', end: '09:00' },
    { name: 'P2', start: '09:00', end: '10:00' },
  ];
  it.each([
    ['07:59', null],
    ['08:00', 'P1'],
    ['08:59', 'P1'],
    ['09:00', 'P2'], // a boundary belongs to the period that starts then
    ['09:59', 'P2'],
    ['10:00', null],
  ])('%s → %s', (t, name) => {
    expect(periodAt(bell, t)?.name ?? null).toBe(name);
  });
  it('meeting times go to PowerSchool in seconds after midnight', () => {
    expect(secondsAfterMidnight('09:05')).toBe(32_700);
  });
});

describe('Ed-Fi and file export settings', () => {
  it('Ed-Fi defaults to the Tardy and Early departure descriptors', () => {
    const s = edfiUsSettings.parse({ connector: 'edfi', baseUrl: 'https://ods.example.org/api', clientKey: 'k', schoolId: '255901001' });
    expect(s.descriptors.tardy).toBe('uri://ed-fi.org/AttendanceEventCategoryDescriptor#Tardy');
    expect(s.descriptors.earlyDeparture).toBe('uri://ed-fi.org/AttendanceEventCategoryDescriptor#Early departure');
    expect(edfiUsSettings.safeParse({ ...s, baseUrl: 'https://ods.example.org/api/' }).success).toBe(false);
  });

  it('an export needs fields, codes, and a pinned host key for SFTP', () => {
    const r = fileExportUsSettings.safeParse({
      connector: 'file',
      schoolId: '042',
      fields: [],
      codeMap: {},
      destination: { kind: 'sftp', host: 'sis.example.org', username: 'u', hostKeySha256: '' },
    });
    const msgs = r.error!.issues.map((i) => i.message).join(' | ');
    expect(msgs).toMatch(/at least one field/);
    expect(msgs).toMatch(/at least one code/);
    expect(msgs).toMatch(/host key fingerprint/);
  });

  it('file names fill their tokens; a re-run never takes the original’s name', () => {
    expect(fileNameFor('passdesk-{school}-{date}-{time}-{run}.csv', { school: '042', localDate: '2026-11-24', localTime: '16:00:00', run: 7 })).toBe('passdesk-042-20261124-160000-7.csv');
    expect(fileNameFor('t-{run}.csv', { school: '042', localDate: '2026-11-24', localTime: '16:00:00', run: 8, rerunOf: '2026-11-23' })).toBe('t-8-rerun-20261123.csv');
  });

  it('an empty export with a header is just the header; without, nothing', () => {
    const s = fileExportUsSettings.parse({ connector: 'file', schoolId: '1', fields: [{ field: 'student_id' }], codeMap: { L: 'T' }, destination: { kind: 'folder', path: '/tmp' } });
    const none: ExportRecord[] = [];
    expect(renderCsv(none, s)).toBe('Student ID\r\n');
    expect(renderCsv(none, { ...s, header: false })).toBe('');
  });
});

describe('PowerSchool Time mode: the school day and minutes of attendance', () => {
  const bell = [
    { name: 'P1', start: '07:50', end: '09:00' },
    { name: 'P2', start: '09:00', end: '14:55' },
  ];
  const base = { connector: 'powerschool', baseUrl: 'https://d.powerschool.com', clientId: 'c', schoolId: '100', schools: [{ schoolId: '100' }] } as const;

  it('the day is the setting, else the bell schedule’s first start and last end, else 08:00–15:00', () => {
    expect(schoolDayBounds({ start: '08:10', end: '15:20' }, bell)).toEqual({ start: '08:10', end: '15:20' });
    expect(schoolDayBounds(null, bell)).toEqual({ start: '07:50', end: '14:55' });
    expect(schoolDayBounds(null, [])).toEqual(DEFAULT_SCHOOL_DAY);
    expect(powerschoolUsSettings.parse(base).schoolDay).toBeNull();
  });

  it('a school day that ends before it starts is refused with the reason', () => {
    const r = powerschoolUsSettings.safeParse({ ...base, schoolDay: { start: '15:00', end: '08:00' } });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toMatch(/end after it starts/);
  });

  it.each([
    ['sign_in', '09:07', 353], // 09:07 → 15:00
    ['sign_in', '07:30', 420], // before the day: all of it
    ['sign_in', '15:30', 0], // after the day: none
    ['sign_out', '11:15', 195], // 08:00 → 11:15
    ['sign_out', '16:00', 420],
  ] as const)('%s at %s attended %i minutes of 08:00–15:00', (dir, t, n) => {
    expect(minutesOfAttendance(dir, t, DEFAULT_SCHOOL_DAY)).toBe(n);
  });
});

describe('the school’s date', () => {
  // The PowerSchool connector's "today": the site's one wall-clock helper, in the school's zone.
  const localDateIn = (timeZone: string, at: Date) => localClock(at.getTime(), timeZone).date;
  it('is the date in the school’s zone, not UTC’s, across the evening and DST', () => {
    expect(localDateIn('America/Chicago', new Date('2026-11-25T04:30:00Z'))).toBe('2026-11-24');
    expect(localDateIn('America/Los_Angeles', new Date('2026-03-08T07:59:00Z'))).toBe('2026-03-07');
    expect(localDateIn('Europe/London', new Date('2026-11-25T04:30:00Z'))).toBe('2026-11-25');
    expect(powerschoolYearId(localDateIn('America/Chicago', new Date('2026-07-01T03:00:00Z')))).toBe(35);
  });
});
