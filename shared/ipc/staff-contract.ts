// Staff calls of the IPC contract: receptionist and site admin. Every one carries the token a
// PIN unlock returned; main never trusts the renderer's idea of who is at the desk.
import { z } from 'zod';
import { signEvent } from '../model';
import { direction, siteSettings } from '../settings';
import { doctorReport } from '../fleet';
import { passOutcome, recordResult } from './results';

const token = z.string().min(10).max(200);
const role = z.enum(['receptionist', 'site_admin']);

export const staffEventRow = z.object({
  event: signEvent,
  studentName: z.string(),
  year: z.number().nullable(),
  writeback: z.object({ state: z.string(), lastError: z.string().nullable() }).nullable(),
  /** The student's late sign-ins this school week, Monday to today (issue 15). */
  latesThisWeek: z.number().int().optional(),
  /** Issue 18: the lateness thresholds the student reached today ("3rd late this week — …"). */
  lateAlerts: z.array(z.string()).optional(),
});
export type StaffEventRow = z.infer<typeof staffEventRow>;

export const writebackLogFilter = z
  .object({
    status: z.enum(['all', 'pending', 'succeeded', 'failed', 'skipped', /* issue 12: */ 'confirmed', 'changed', 'not_sent']).optional(),
    name: z.string().max(64).optional(),
    type: direction.optional(),
    from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
    to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  })
  .strict();

export const writebackLogRow = z.object({
  eventId: z.string(),
  outboxId: z.number().nullable(),
  type: direction,
  studentName: z.string(),
  misId: z.string().nullable(),
  date: z.string(),
  time: z.string(),
  year: z.number().nullable(),
  reason: z.string().nullable(),
  code: z.string().nullable(),
  status: z.enum(['pending', 'succeeded', 'failed', 'skipped', /* issue 12: */ 'confirmed', 'changed', 'not_sent']),
  detail: z.string().nullable(),
  attempts: z.number(),
  superseded: z.boolean(),
});
export type WritebackLogRow = z.infer<typeof writebackLogRow>;

export const fieldLock = z.object({ path: z.string(), reason: z.string(), district: z.string() });

/** A student as reception sees them when signing by hand: the full name, unlike the kiosk's search. */
export const staffStudentHit = z.object({ id: z.string(), name: z.string(), year: z.number().nullable(), form: z.string().nullable() });
export type StaffStudentHit = z.infer<typeof staffStudentHit>;

export const staffCalls = {
  staffPinStatus: {
    request: z.object({}).strict(),
    response: z.object({
      receptionist: z.boolean(),
      site_admin: z.boolean(),
      lockedForSeconds: z.number().nullable(),
      /** Set up before, database lost, nothing restored: the first-run PIN set-up is refused. */
      setupLocked: z.boolean().optional(),
      /** A site admin recovery code exists (the keypad offers "Use the recovery code"). */
      recoveryCode: z.boolean().optional(),
    }),
  },
  staffUnlock: {
    request: z.object({ pin: z.string().max(16) }).strict(),
    response: z.object({ role, token: z.string(), idleSeconds: z.number() }),
  },
  /** The site admin's recovery code (12 digits): works during a lockout, opens a site admin session, is used up. */
  staffRecover: {
    request: z.object({ code: z.string().max(20) }).strict(),
    response: z.object({ role, token: z.string(), idleSeconds: z.number() }),
  },
  staffLock: { request: z.object({ token }).strict(), response: z.object({}) },
  setPin: {
    request: z.object({ token: token.optional(), role, pin: z.string().max(16) }).strict(),
    /** recoveryCode: issued with a site admin PIN when none exists; shown once, never again. */
    response: z.object({ recoveryCode: z.string().optional() }),
  },
  staffEvents: {
    request: z.object({ token, query: z.string().max(64).optional(), direction: direction.optional() }).strict(),
    response: z.array(staffEventRow),
  },
  overrideEvent: {
    request: z
      .object({ token, eventId: z.string().min(1).max(64), reasonId: z.string().min(1).max(64), code: z.string().max(8).nullable().optional(), note: z.string().max(200).optional() })
      .strict(),
    response: signEvent,
  },
  /** Reception's search for signing by hand: full names, active students only, at most 12. */
  staffFindStudents: {
    request: z.object({ token, query: z.string().max(64) }).strict(),
    response: z.array(staffStudentHit),
  },
  manualSign: {
    request: z
      .object({ token, studentId: z.string().min(1).max(64), direction, reasonId: z.string().min(1).max(64), note: z.string().max(200).optional() })
      .strict(),
    response: recordResult,
  },
  reprintPass: {
    request: z.object({ token, eventId: z.string().min(1).max(64) }).strict(),
    response: passOutcome,
  },
  finaliseEvent: {
    request: z.object({ token, eventId: z.string().min(1).max(64), excused: z.boolean() }).strict(),
    response: signEvent,
  },
  writebackLog: {
    request: z.object({ token, filter: writebackLogFilter, offset: z.number().int().min(0), limit: z.number().int().min(1).max(500) }).strict(),
    response: z.object({ rows: z.array(writebackLogRow), total: z.number() }),
  },
  retryWriteback: {
    request: z.object({ token, outboxIds: z.union([z.array(z.number().int()).max(1000), z.literal('all_failed')]) }).strict(),
    response: z.object({ retried: z.number() }),
  },
  exportWritebackLog: {
    request: z.object({ token, filter: writebackLogFilter }).strict(),
    response: z.object({ path: z.string(), rows: z.number() }),
  },
  adminSettings: {
    request: z.object({ token }).strict(),
    response: z.object({
      settings: siteSettings,
      locks: z.array(fieldLock),
      secrets: z.object({ backend: z.string(), weak: z.boolean() }),
    }),
  },
  saveSettings: {
    request: z.object({ token, settings: z.unknown() }).strict(),
    response: siteSettings,
  },
  /** A sample pass to the configured printer, from the settings screen. */
  testPrint: {
    request: z.object({ token }).strict(),
    response: passOutcome,
  },
  /** "Test connection": says exactly what failed (address, credentials, permissions). */
  testMisConnection: {
    request: z.object({ token }).strict(),
    response: z.object({ ok: z.boolean(), message: z.string() }),
  },
  /** Credentials go straight into the secret store and are never sent back to the screen. */
  saveSecret: {
    request: z.object({ token, name: z.string().regex(/^[a-z0-9]+(\.[a-zA-Z0-9]+)+$/), value: z.string().min(1).max(4096) }).strict(),
    response: z.object({}),
  },
  secretsSet: {
    request: z.object({ token, names: z.array(z.string().max(64)).max(20) }).strict(),
    response: z.record(z.string(), z.boolean()),
  },
  /** `kiosk doctor` on the admin screen: each check with its fix. */
  runDoctor: {
    request: z.object({ token }).strict(),
    response: doctorReport,
  },
  /** Where a support bundle can go: USB sticks first, then the kiosk's own folder. */
  supportBundleTargets: {
    request: z.object({ token }).strict(),
    response: z.array(z.string()),
  },
  writeSupportBundle: {
    request: z.object({ token, target: z.string().min(1).max(500) }).strict(),
    response: z.object({ folder: z.string(), files: z.array(z.string()), bytes: z.number() }),
  },
  /** The site admin has read the database recovery notice: the idle screen's chip goes. */
  acknowledgeRecovery: {
    request: z.object({ token }).strict(),
    response: z.object({}),
  },
  auditLog: {
    request: z.object({ token, limit: z.number().int().min(1).max(500) }).strict(),
    response: z.array(
      z.object({ at: z.string(), actor: z.string(), action: z.string(), subject: z.string().nullable(), before: z.string().nullable(), after: z.string().nullable() }),
    ),
  },
} as const;
