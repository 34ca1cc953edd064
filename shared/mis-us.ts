// Settings for the US connectors: PowerSchool (plugin OAuth, Daily/Time/Meeting modes), Ed-Fi ODS
// and a scheduled file export for any SIS that imports files. Secrets (client secret, Ed-Fi secret,
// SFTP password or key) never live here: they go to the SecretStore under `usSecretKeys`.
// Also the pure rules a school could ask "why?" about: which period a time falls in, which school
// year id PowerSchool expects, what a district's "prevent school overrides" switch means.
import { z } from 'zod';
import { attendanceCode, clockTime, type Period } from './primitives';
import { periodAt, schoolYear } from './school-time';

/** SecretStore keys for the US connectors. The UI writes them and never reads them back. */
export const usSecretKeys = {
  powerschoolClientSecret: 'mis.powerschool.clientSecret',
  edfiClientSecret: 'mis.edfi.clientSecret',
  sftpPassword: 'mis.file.sftpPassword',
  sftpPrivateKey: 'mis.file.sftpPrivateKey',
} as const;

// ---------------------------------------------------------------------------------------------
// PowerSchool

/**
 * The district's PowerSchool address, checked the way the Navigate360 setup page explains it
 * (reference/seeds/004): the base URL used to log into the Admin Portal, https, no trailing
 * slash, no path.
 */
export const powerschoolBaseUrl = z
  .string()
  .trim()
  .superRefine((value, ctx) => {
    const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      fail('Enter the PowerSchool URL for the district, such as https://sample-district.powerschool.com: the address you use to log into the PowerSchool Admin Portal.');
      return;
    }
    if (url.protocol !== 'https:') {
      fail('The PowerSchool URL must start with https://, such as https://sample-district.powerschool.com.');
      return;
    }
    if (value.endsWith('/')) {
      fail('Please exclude any trailing forward-slashes from the end of the URL: use "https://sample-district.powerschool.com", not "https://sample-district.powerschool.com/".');
      return;
    }
    if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
      fail('Give the PowerSchool URL without a path: use "https://sample-district.powerschool.com", not "https://sample-district.powerschool.com/admin".');
    }
  });

export const powerschoolMode = z.enum(['daily', 'time', 'meeting']);
export type PowerschoolMode = z.infer<typeof powerschoolMode>;

export const powerschoolSchool = z.strictObject({
  /** SCHOOLS.SCHOOL_NUMBER, as PowerSchool writes it in every attendance record. */
  schoolId: z.string().trim().regex(/^\d{1,10}$/, 'The PowerSchool school number is digits only, such as 100.'),
  name: z.string().trim().max(100).default(''),
  enabled: z.boolean().default(true),
  /** Must match the attendance mode set for this school in PowerSchool. */
  attendanceMode: powerschoolMode.default('daily'),
  /** PowerSchool's YEARID (2025–26 is 35). Empty: worked out from the date (school year from July). */
  yearId: z.number().int().min(1).max(200).nullable().default(null),
});
export type PowerschoolSchool = z.output<typeof powerschoolSchool>;

export const powerschoolUsSettings = z
  .strictObject({
    connector: z.literal('powerschool'),
    baseUrl: powerschoolBaseUrl,
    /** From the plugin's Data Provider Configuration; the secret goes to the SecretStore. */
    clientId: z.string().trim().min(1, 'Enter the Client ID shown in the plugin’s Data Provider Configuration.'),
    /** Which id the kiosk's roster carries as the student's MIS id (and the badge shows). */
    visibleStudentId: z.enum(['sis_id', 'student_number']).default('sis_id'),
    /** The school this kiosk stands in (one of `schools`). */
    schoolId: z.string().trim().regex(/^\d{1,10}$/, 'The PowerSchool school number is digits only, such as 100.'),
    schools: z.array(powerschoolSchool).min(1, 'Add at least one school.'),
    district: z
      .strictObject({
        /** On: every school is enabled, in the district's mode; building admins cannot opt out. */
        preventSchoolOverrides: z.boolean().default(false),
        attendanceMode: powerschoolMode.default('daily'),
      })
      .default({ preventSchoolOverrides: false, attendanceMode: 'daily' }),
    /** Our code → PowerSchool Att_Code, where a reason's code differs from the SIS's spelling. */
    codeMap: z.record(attendanceCode, attendanceCode).default({}),
    requestsPerSecond: z.number().min(0.5).max(100).default(10),
    /** Try /ws/attendance/batch_daily_time (PowerSchool 25.3+); older servers fall back by themselves. */
    useBatch: z.boolean().default(true),
    /**
     * The school day that bounds Time mode's total_minutes ("minutes of attendance"): a late
     * arrival attends from its time to `end`, an early leaver from `start` to its time. Empty: the
     * bell schedule's first start and last end, or 08:00–15:00 without a bell schedule.
     */
    schoolDay: z
      .strictObject({ start: clockTime, end: clockTime })
      .refine((d) => d.start < d.end, { message: 'The school day must end after it starts.', path: ['end'] })
      .nullable()
      .default(null),
  })
  .superRefine((s, ctx) => {
    if (!s.schools.some((x) => x.schoolId === s.schoolId)) {
      ctx.addIssue({ code: 'custom', path: ['schoolId'], message: `School ${s.schoolId} is not in the list of schools: add it under School Building Setup.` });
    }
    const seen = new Set<string>();
    s.schools.forEach((x, i) => {
      if (seen.has(x.schoolId)) ctx.addIssue({ code: 'custom', path: ['schools', i, 'schoolId'], message: `School ${x.schoolId} is listed twice.` });
      seen.add(x.schoolId);
    });
  });
export type PowerschoolUsSettings = z.output<typeof powerschoolUsSettings>;
export type PowerschoolUsSettingsInput = z.input<typeof powerschoolUsSettings>;

/** What is in force for one school: the district's choice wins when it prevents school overrides. */
export function effectiveSchool(settings: PowerschoolUsSettings, schoolId: string): { enabled: boolean; mode: PowerschoolMode; yearId: number | null; name: string } | null {
  const school = settings.schools.find((s) => s.schoolId === schoolId);
  if (!school) return null;
  if (settings.district.preventSchoolOverrides) {
    return { enabled: true, mode: settings.district.attendanceMode, yearId: school.yearId, name: school.name };
  }
  return { enabled: school.enabled, mode: school.attendanceMode, yearId: school.yearId, name: school.name };
}

/** Without a setting and without a bell schedule, Time mode counts minutes within 08:00–15:00. */
export const DEFAULT_SCHOOL_DAY = { start: '08:00', end: '15:00' } as const;

/** The bounds of the school day for total_minutes: the setting, else the bell schedule, else 08:00–15:00. */
export function schoolDayBounds(setting: { start: string; end: string } | null | undefined, bellSchedule: readonly Period[]): { start: string; end: string } {
  if (setting) return setting;
  if (bellSchedule.length > 0) {
    const start = bellSchedule.reduce((a, p) => (p.start < a ? p.start : a), bellSchedule[0]!.start);
    const end = bellSchedule.reduce((a, p) => (p.end > a ? p.end : a), bellSchedule[0]!.end);
    if (start < end) return { start, end };
  }
  return { ...DEFAULT_SCHOOL_DAY };
}

/**
 * PowerSchool's total_minutes is "Total minutes of attendance for this record" (mennotech/
 * powerschool-api-docs, plugins/powerschool-api-attendance.md): a late arrival attends from its
 * time to the end of the day, an early leaver from the start of the day to its time. Clamped to
 * the day (a student who arrives after the last bell attended 0 minutes).
 */
export function minutesOfAttendance(direction: 'sign_in' | 'sign_out', localTime: string, day: { start: string; end: string }): number {
  const m = (t: string) => secondsAfterMidnight(t) / 60;
  const at = Math.min(Math.max(m(localTime), m(day.start)), m(day.end));
  return Math.round(direction === 'sign_in' ? m(day.end) - at : at - m(day.start));
}

/** PowerSchool's YEARID for a date: the school year starting in July, counted from 1990 (2025–26 → 35). */
export function powerschoolYearId(date: string): number {
  return schoolYear(date).startYear - 1990;
}

// ---------------------------------------------------------------------------------------------
// The bell schedule

// periodAt lives with the rest of school time (shared/school-time.ts); re-exported for callers here.
export { periodAt };

/** "HH:MM" → seconds after midnight, as PowerSchool's meeting start_time/end_time want it. */
export function secondsAfterMidnight(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 3600 + m * 60;
}

// ---------------------------------------------------------------------------------------------
// Ed-Fi ODS API

const DESCRIPTOR_NS = 'uri://ed-fi.org/AttendanceEventCategoryDescriptor';

const descriptorUri = z
  .string()
  .trim()
  .regex(/^uri:\/\/[^#\s]+#.+$/, 'A descriptor looks like uri://ed-fi.org/AttendanceEventCategoryDescriptor#Tardy.');

export const edfiUsSettings = z.strictObject({
  connector: z.literal('edfi'),
  /** The ODS/API root, such as https://ods.district.org/api (oauth/ and data/v3/ hang below it). */
  baseUrl: z
    .string()
    .trim()
    .url('Give the Ed-Fi ODS/API address, such as https://ods.district.org/api.')
    .refine((u) => !u.endsWith('/'), 'Leave out the trailing slash.'),
  clientKey: z.string().trim().min(1, 'Enter the key the ODS/API administrator gave Passdesk.'),
  /** The Ed-Fi schoolId (an integer in the ODS). */
  schoolId: z.string().trim().regex(/^\d{1,12}$/, 'The Ed-Fi school id is digits only.'),
  /** The session (term) events belong to; empty: the ODS session whose dates hold the event. */
  session: z.strictObject({ sessionName: z.string().trim().min(1), schoolYear: z.number().int().min(1990).max(2100) }).nullable().default(null),
  /** Student references use studentUniqueId; the roster's MIS id must be that id. */
  descriptors: z
    .strictObject({
      tardy: descriptorUri.default(`${DESCRIPTOR_NS}#Tardy`),
      earlyDeparture: descriptorUri.default(`${DESCRIPTOR_NS}#Early departure`),
      /** Our code → a category descriptor, where a code means something other than tardy/early. */
      byCode: z.record(attendanceCode, descriptorUri).default({}),
    })
    .default({ tardy: `${DESCRIPTOR_NS}#Tardy`, earlyDeparture: `${DESCRIPTOR_NS}#Early departure`, byCode: {} }),
  /**
   * Read-back: an event's category is mapped back to the letter code the kiosk wrote, so the engine
   * can compare what the register holds with what it sent. byCode entries map back first; a Tardy
   * event reads back as `tardyCode`, an Early departure as `earlyDepartureCode` (set them to the
   * codes the writeback rules give a late arrival and an early sign-out).
   */
  readBack: z
    .strictObject({ tardyCode: attendanceCode.default('T'), earlyDepartureCode: attendanceCode.default('E') })
    .default({ tardyCode: 'T', earlyDepartureCode: 'E' }),
  /** Some ODS require attendanceEventReason; it carries our reason/comment (max 255). */
  requestsPerSecond: z.number().min(0.5).max(100).default(10),
});
export type EdfiUsSettings = z.output<typeof edfiUsSettings>;
export type EdfiUsSettingsInput = z.input<typeof edfiUsSettings>;

// ---------------------------------------------------------------------------------------------
// File export (SchoolMint Hero's way: reference/seeds/000 and 001)

export const exportField = z.enum([
  'student_id',
  'first_name',
  'last_name',
  'full_name',
  'date',
  'time',
  'period',
  'code',
  'comment',
  'minutes_late',
  'event_type',
  'school_id',
]);
export type ExportField = z.infer<typeof exportField>;

export const exportFrequency = z.enum(['daily', 'weekdays', 'hourly', 'every_15_minutes']);

export const fileDestination = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('folder'),
    /** A local folder or a mounted share (\\server\share or /mnt/sis). */
    path: z.string().trim().min(1, 'Choose the folder the SIS imports from.'),
  }),
  z.strictObject({
    kind: z.literal('sftp'),
    host: z.string().trim().min(1, 'Enter the SFTP server name.'),
    port: z.number().int().min(1).max(65535).default(22),
    username: z.string().trim().min(1, 'Enter the SFTP user name.'),
    folder: z.string().trim().default('.'),
    auth: z.enum(['password', 'key']).default('password'),
    /** SHA-256 of the server's host key (base64, as ssh-keygen -l prints after "SHA256:"). Empty: trust on first use is refused. */
    hostKeySha256: z.string().trim().regex(/^(SHA256:)?[A-Za-z0-9+/]{43}=?$/, 'Paste the server’s SHA256 host key fingerprint, as ssh-keygen -lf prints it.'),
  }),
]);
export type FileDestination = z.output<typeof fileDestination>;

export const fileExportUsSettings = z
  .strictObject({
    connector: z.literal('file'),
    /** This kiosk's school, as the SIS numbers it (written in the school_id column). */
    schoolId: z.string().trim().min(1, 'Enter the school’s number in the SIS.'),
    /** Schools whose events go in the file; empty: every school. */
    schools: z.array(z.string().trim().min(1)).default([]),
    fields: z
      .array(z.strictObject({ field: exportField, header: z.string().trim().max(40).optional() }))
      .min(1, 'Add at least one field to the export.'),
    /** The codes that are exported, each with the SIS's external code exactly as the SIS spells it. */
    codeMap: z.record(attendanceCode, z.string().min(1).max(20)).refine((m) => Object.keys(m).length > 0, 'Choose at least one code to export.'),
    schedule: z.strictObject({ frequency: exportFrequency.default('daily'), at: clockTime.default('16:00') }).default({ frequency: 'daily', at: '16:00' }),
    destination: fileDestination,
    /** Tokens: {school} {date} {time} {run}. */
    fileName: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_{}.-]+$/, 'Use letters, digits, - _ . and the tokens {school} {date} {time} {run}.')
      .default('passdesk-{school}-{date}-{time}-{run}.csv'),
    delimiter: z.enum([',', ';', '\t', '|']).default(','),
    header: z.boolean().default(true),
    dateFormat: z.enum(['YYYY-MM-DD', 'MM/DD/YYYY']).default('MM/DD/YYYY'),
    timeFormat: z.enum(['HH:mm', 'h:mm A']).default('HH:mm'),
    lineEnding: z.enum(['crlf', 'lf']).default('crlf'),
    /** Write a header-only file when nothing happened (some imports expect a file every run). */
    writeEmptyFiles: z.boolean().default(false),
  });
export type FileExportUsSettings = z.output<typeof fileExportUsSettings>;
export type FileExportUsSettingsInput = z.input<typeof fileExportUsSettings>;

/** The croner pattern for an export schedule (minute hour day month weekday). */
export function exportCron(schedule: FileExportUsSettings['schedule']): string {
  const [h, m] = schedule.at.split(':').map(Number) as [number, number];
  switch (schedule.frequency) {
    case 'daily':
      return `${m} ${h} * * *`;
    case 'weekdays':
      return `${m} ${h} * * 1-5`;
    case 'hourly':
      return `${m} * * * *`;
    case 'every_15_minutes':
      return `*/15 * * * *`;
  }
}

export const usMisSettings = z.union([powerschoolUsSettings, edfiUsSettings, fileExportUsSettings]);
export type UsMisSettings = z.output<typeof usMisSettings>;
