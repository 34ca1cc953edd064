// The student's kiosk: badge scan, picking a name, searching, signing in or out, and what the idle
// screen shows (status, school info, today's list). No PIN: role 'kiosk'.
import { z } from 'zod';
import { searchHit, signEvent, studentCard, scanRejection } from '../model';
import { direction, locale, siteSettings } from '../settings';
import { empty, type CallMap } from './common';
import { recordResult } from './results';

export const reasonView = z.object({
  id: z.string(),
  label: z.string(),
  code: z.string().nullable(),
  prompt: z.enum(['none', 'comment', 'collected_by']),
});
export type ReasonView = z.infer<typeof reasonView>;

export const studentFlow = z.object({
  student: studentCard,
  /** The likely direction: sign-in unless the student is already in today. */
  suggested: direction,
  signedInToday: z.boolean(),
  reasons: z.object({ sign_in: z.array(reasonView), sign_out: z.array(reasonView) }),
  // ---- issue 15: the morning queue ----
  /** The name as the school wants the queue to read it (kioskFlow.nameDisplay): "Ava S." by default. */
  displayName: z.string(),
  /**
   * The student's last sign-in or sign-out today, when it was within kioskFlow.rescanMinutes: a
   * "did it work?" re-scan. The kiosk then offers "That's all" and pre-selects no direction.
   */
  recent: z.object({ direction, localTime: z.string() }).nullable(),
  /** What a sign-in now would be: the kiosk says "Sign in" (no "late") unless it is 'late'. */
  arrival: z.enum(['on_time', 'late', 'outside']),
  /** An on-time sign-in asks for a reason (kioskFlow.onTimeReason); otherwise it needs none. */
  onTimeReason: z.boolean(),
});
export type StudentFlow = z.infer<typeof studentFlow>;

export const scanResult = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), flow: studentFlow }),
  z.object({ ok: z.literal(false), reason: scanRejection }),
]);
export type ScanResult = z.infer<typeof scanResult>;

export const kioskStatus = z.object({
  /** null: no MIS is connected, so there is nothing to be offline from. */
  online: z.boolean().nullable(),
  outbox: z.object({
    pending: z.number(),
    failed: z.number(),
    oldestPendingAt: z.string().nullable(),
    /** Issue 12: sent marks the register has not shown for longer than the confirmation window. */
    sentWaiting: z.number().optional(),
  }),
  printer: z.object({ state: z.enum(['ok', 'problem', 'disabled']), problem: z.string().nullable() }),
  scanner: z.object({ state: z.enum(['ok', 'problem', 'none']), problem: z.string().nullable() }),
  /** weak: secrets are only obfuscated (Linux basic_text, or a plain file): staff should be told. */
  secrets: z.object({ backend: z.string(), weak: z.boolean() }),
  /**
   * The database was restored from a backup (or lost with nothing to restore: `locked`) and no
   * admin has acknowledged it yet. Absent or null: nothing to tell.
   */
  recovery: z.object({ at: z.string(), restored: z.boolean(), locked: z.boolean(), backupTakenAt: z.string().nullable() }).nullable().optional(),
});
export type KioskStatus = z.infer<typeof kioskStatus>;

export const kioskInfo = z.object({
  schoolName: z.string(),
  locale,
  timeZone: z.string(),
  now: z.string(),
  sessions: z.object({ AM: z.object({ start: z.string() }), PM: z.object({ start: z.string() }) }),
  kiosk: z.object({ doneSeconds: z.number(), idleSeconds: z.number(), showCodeOnDone: z.boolean() }),
  scanner: z.object({ prefix: z.string(), suffix: z.string(), maxKeyGapMs: z.number(), minLength: z.number() }),
});
export type KioskInfo = z.infer<typeof kioskInfo>;

export const kioskCalls = {
  getKioskInfo: { role: 'kiosk', request: empty, response: kioskInfo },
  getStatus: { role: 'kiosk', request: empty, response: kioskStatus },
  // A scan longer than any badge is still accepted here so that the core can refuse it with a
  // typed reason ("too_long") rather than a schema error.
  scan: { role: 'kiosk', request: z.object({ code: z.string().max(4096) }).strict(), response: scanResult },
  selectStudent: { role: 'kiosk', request: z.object({ studentId: z.string().min(1).max(64) }).strict(), response: studentFlow },
  searchStudents: {
    role: 'kiosk',
    request: z.object({ query: z.string().max(64) }).strict(),
    response: z.array(searchHit),
  },
  record: {
    role: 'kiosk',
    request: z
      .object({
        studentId: z.string().min(1).max(64),
        direction,
        /** Left out only by an on-time sign-in at a school that asks no reason for one. */
        reasonId: z.string().min(1).max(64).optional(),
        note: z.string().max(200).optional(),
      })
      .strict(),
    response: recordResult,
  },
  todayEvents: { role: 'kiosk', request: empty, response: z.array(signEvent) },
  /** Read-only; changing settings takes a site admin's token (saveSettings). */
  getSettings: { role: 'kiosk', request: empty, response: siteSettings },
} as const satisfies CallMap;

export const kioskEvents = {
  /** A code read by a HID POS scanner in main; the renderer treats it like a wedge burst. */
  scannerCode: z.object({ code: z.string().max(4096) }),
  status: kioskStatus,
} as const;
