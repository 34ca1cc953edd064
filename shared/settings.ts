// Site settings: everything a site admin (or the district, through a policy file) can change.
// Names follow the Sign In App writeback article (reference/seeds/003): lateAfter,
// unauthorisedAfter, presentWriteback, leaverCode, protectedCodes, groups that override.
import { z } from 'zod';
import { attendanceCode, clockTime, direction, locale, period, sessionName } from './primitives';
import { printerSettings } from './pass';
import { misSettings } from './mis';
import { fleetSettings } from './fleet';
import { isValidTimeZone } from './school-time';

export { attendanceCode, clockTime, direction, locale, sessionName };
export type { Direction, Locale, SessionName } from './primitives';

export const sessionTimes = z
  .strictObject({
    start: clockTime,
    lateAfter: clockTime,
    unauthorisedAfter: clockTime,
    end: clockTime,
  })
  .superRefine((s, ctx) => {
    if (!(s.start <= s.lateAfter))
      ctx.addIssue({ code: 'custom', path: ['lateAfter'], message: 'The late time must be at or after the session start.' });
    if (!(s.lateAfter <= s.unauthorisedAfter))
      ctx.addIssue({
        code: 'custom',
        path: ['unauthorisedAfter'],
        message: 'The unauthorised time must be at or after the late time.',
      });
    if (!(s.unauthorisedAfter < s.end))
      ctx.addIssue({ code: 'custom', path: ['end'], message: 'The session must end after the unauthorised time.' });
  });
export type SessionTimes = z.infer<typeof sessionTimes>;

/** What a reason asks for beyond the tap: nothing, a short comment, or who collected the student. */
export const reasonPrompt = z.enum(['none', 'comment', 'collected_by']);

// A label written "M - Medical appointment" carries its code before the hyphen (the Sign In App
// convention). Only 1–2 upper-case letters or / \ # count, so "Bus - late" is not a code.
const CODE_IN_LABEL = /^([A-Z/\\#]{1,2})\s+-\s+(.+)$/;

export function splitReasonLabel(label: string): { code: string | null; text: string } {
  const m = CODE_IN_LABEL.exec(label.trim());
  return m ? { code: m[1]!, text: m[2]!.trim() } : { code: null, text: label.trim() };
}

export const reason = z
  .strictObject({
    id: z.string().trim().min(1).max(64).regex(/^[a-z0-9][a-z0-9_-]*$/, 'Use lower-case letters, digits, - and _.'),
    label: z.string().trim().min(1, 'A reason needs a label.').max(80),
    /** Code written back when this reason is chosen; it wins over the time-based code. */
    code: attendanceCode.nullable().optional(),
    directions: z.array(direction).min(1).default(['sign_in', 'sign_out']),
    prompt: reasonPrompt.default('none'),
    /** Printed on the pass (SchoolMint Hero prints a message per behaviour code). */
    passMessage: z.string().max(200).optional(),
  })
  .transform((r) => {
    if (r.code !== undefined) return { ...r, code: r.code };
    const { code } = splitReasonLabel(r.label);
    return { ...r, code };
  });
export type Reason = z.output<typeof reason>;
export type ReasonInput = z.input<typeof reason>;

/** The writeback rules a group can override. */
export const writebackRules = z.strictObject({
  sessions: z.strictObject({ AM: sessionTimes, PM: sessionTimes }).superRefine((s, ctx) => {
    if (!(s.AM.end <= s.PM.start))
      ctx.addIssue({ code: 'custom', path: ['PM', 'start'], message: 'The PM session must start after the AM session ends.' });
  }),
  lateCode: attendanceCode.default('L'),
  unauthorisedCode: attendanceCode.default('U'),
  presentWriteback: z.boolean().default(false),
  presentCodes: z.strictObject({ AM: attendanceCode, PM: attendanceCode }).default({ AM: '/', PM: '\\' }),
  /** Code written for an early sign-out when the reason carries none; null: do not write early sign-outs. */
  leaverCode: attendanceCode.nullable().default(null),
  protectedCodes: z.array(attendanceCode).default([]),
  reasonInComment: z.boolean().default(true),
  reasons: z.array(reason).min(1, 'Give at least one reason.'),
  passMessage: z.string().max(200).default(''),
});
export type WritebackRules = z.output<typeof writebackRules>;

const ruleOverrides = z.strictObject({
  sessions: z.strictObject({ AM: sessionTimes, PM: sessionTimes }).optional(),
  lateCode: attendanceCode.optional(),
  unauthorisedCode: attendanceCode.optional(),
  presentWriteback: z.boolean().optional(),
  presentCodes: z.strictObject({ AM: attendanceCode, PM: attendanceCode }).optional(),
  leaverCode: attendanceCode.nullable().optional(),
  protectedCodes: z.array(attendanceCode).optional(),
  reasonInComment: z.boolean().optional(),
  reasons: z.array(reason).min(1).optional(),
  passMessage: z.string().max(200).optional(),
});

export const group = z.strictObject({
  id: z.string().trim().min(1).max(64),
  name: z.string().trim().min(1).max(80),
  /** Students whose year is in this inclusive range belong here unless the roster names a group. */
  years: z
    .strictObject({ from: z.number().int().min(-2).max(14), to: z.number().int().min(-2).max(14) })
    .refine((y) => y.from <= y.to, 'The first year must not be after the last.')
    .optional(),
  overrides: ruleOverrides.default({}),
});
export type Group = z.infer<typeof group>;

// A bell-schedule period lives in primitives.ts: mis-us.ts needs it, and importing it from here
// made a circle (settings → mis → mis-us → settings).
export { period, type Period } from './primitives';

/** A school-wide bell schedule must have no gaps and no overlaps (SchoolMint Hero requires it). */
export const bellSchedule = z.array(period).superRefine((periods, ctx) => {
  periods.forEach((p, i) => {
    if (!(p.start < p.end))
      ctx.addIssue({ code: 'custom', path: [i, 'end'], message: `${p.name} must end after it starts.` });
    const next = periods[i + 1];
    if (next && next.start < p.end)
      ctx.addIssue({ code: 'custom', path: [i + 1, 'start'], message: `${next.name} overlaps ${p.name}.` });
    if (next && next.start > p.end)
      ctx.addIssue({
        code: 'custom',
        path: [i + 1, 'start'],
        message: `There is a gap between ${p.name} (ends ${p.end}) and ${next.name} (starts ${next.start}).`,
      });
  });
});

export const siteSettings = z.strictObject({
  schoolName: z.string().trim().min(1, 'The school needs a name.').max(100),
  locale: locale.default('en-GB'),
  timeZone: z
    .string()
    .refine((tz) => isValidTimeZone(tz), 'Use an IANA time zone such as Europe/London or America/Chicago.'),
  rules: writebackRules,
  groups: z.array(group).default([]),
  bellSchedule: bellSchedule.default([]),
  scanner: z
    .strictObject({
      /** Badge codes must match this pattern; anything else is refused and never stored. */
      badgePattern: z
        .string()
        .refine((p) => isValidRegex(p), 'This is not a valid pattern.')
        .default('^\\d{5,10}$'),
      prefix: z.string().max(8).default(''),
      suffix: z.string().max(8).default(''),
      /** Average gap between a scanner's keystrokes; human typing is slower. */
      maxKeyGapMs: z.number().int().min(5).max(200).default(35),
      minLength: z.number().int().min(1).max(64).default(4),
      hid: z
        .strictObject({
          enabled: z.boolean().default(true),
          devices: z
            .array(z.strictObject({ vendorId: z.number().int().min(0).max(0xffff), productId: z.number().int().min(0).max(0xffff) }))
            .default([]),
        })
        .default({ enabled: true, devices: [] }),
    })
    .default({ badgePattern: '^\\d{5,10}$', prefix: '', suffix: '', maxKeyGapMs: 35, minLength: 4, hid: { enabled: true, devices: [] } }),
  kiosk: z
    .strictObject({
      doneSeconds: z.number().int().min(2).max(30).default(6),
      idleSeconds: z.number().int().min(10).max(300).default(45),
      showCodeOnDone: z.boolean().default(false),
    })
    .default({ doneSeconds: 6, idleSeconds: 45, showCodeOnDone: false }),
  printer: printerSettings.prefault({}),
  mis: misSettings.default({ connector: 'none' }),
  fleet: fleetSettings.prefault({}),
  // ---- issue 12 (sync engine): confirmed in the register ----
  /**
   * After a mark is sent, the register is read back to confirm it. The first read waits a little
   * (an MIS may apply writes a moment later); a mark not shown within the window is sent again
   * (the resend reads the register first, so it is never written twice).
   */
  confirmation: z
    .strictObject({
      enabled: z.boolean().default(true),
      firstReadSeconds: z.number().int().min(5).max(3600).default(60),
      windowMinutes: z.number().int().min(1).max(24 * 60).default(15),
    })
    .prefault({}),
  // ---- The student's flow at the kiosk (issue 15) ----
  kioskFlow: z
    .strictObject({
      /** A scan this many minutes after the student's last sign-in or sign-out asks "That's all?"; 0: never. */
      rescanMinutes: z.number().int().min(0).max(120).default(20),
      /** Ask on-time arrivals for a reason too (most schools do not). */
      onTimeReason: z.boolean().default(false),
      /** How much of a name the student screens show, where the queue can read it. */
      nameDisplay: z.enum(['first_initial', 'first_name', 'full_name']).default('first_initial'),
    })
    .prefault({}),
});
export type SiteSettings = z.output<typeof siteSettings>;
export type SiteSettingsInput = z.input<typeof siteSettings>;

function isValidRegex(p: string): boolean {
  try {
    new RegExp(p);
    return true;
  } catch {
    return false;
  }
}

/** The rules in force for one group: the site's, with the group's overrides on top. */
export function resolveRules(settings: SiteSettings, groupId: string | null | undefined): WritebackRules {
  const g = groupId ? settings.groups.find((x) => x.id === groupId) : undefined;
  if (!g) return settings.rules;
  const o = g.overrides;
  const merged: WritebackRules = { ...settings.rules };
  for (const key of Object.keys(o) as (keyof typeof o)[]) {
    if (o[key] !== undefined) (merged as Record<string, unknown>)[key] = o[key];
  }
  return merged;
}

/** Which site group a student falls in: the roster's explicit group, else the first year rule that fits. */
export function groupForStudent(settings: SiteSettings, student: { groupId?: string | null; year?: number | null }): string | null {
  if (student.groupId && settings.groups.some((g) => g.id === student.groupId)) return student.groupId;
  if (student.year === null || student.year === undefined) return null;
  const y = student.year;
  return settings.groups.find((g) => g.years && y >= g.years.from && y <= g.years.to)?.id ?? null;
}

/** What an unknown key is called in every message: the key's full path comes before it. */
export const UNKNOWN_SETTING = 'unknown setting';

/**
 * Field-by-field messages a site admin can act on: "rules.sessions.AM.lateAfter: The late time must…".
 * Every schema of a settings document is strict, so a typo is refused rather than dropped; zod
 * reports all unknown keys of one object in one issue, split here so each names its own path
 * ("rules.sessions.AM.lateAfterr: unknown setting").
 */
export function describeIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.flatMap((i) => {
    const at = i.path.map(String);
    if (i.code === 'unrecognized_keys') return i.keys.map((k) => ({ path: [...at, k].join('.'), message: UNKNOWN_SETTING }));
    return [{ path: at.join('.'), message: i.message }];
  });
}

/**
 * The paths of unknown keys in a settings document (as described by describeIssues), as key
 * lists, so that a stored document from an older version can have exactly those keys removed.
 */
export function unknownKeyPaths(error: z.ZodError): (string | number)[][] {
  return error.issues.flatMap((i) =>
    i.code === 'unrecognized_keys' ? i.keys.map((k) => [...i.path.filter((p): p is string | number => typeof p !== 'symbol'), k]) : [],
  );
}
