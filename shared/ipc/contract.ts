// The IPC contract: the one source of truth for every call from the renderer to main and
// every event from main to the renderer. electron/main registers a handler per call,
// electron/preload builds `window.kiosk` from the names, and the e2e tests bind the same
// map to a KioskCore in the test process. Add a call here first; the types follow.
import { z } from 'zod';
import { scanRejection, searchHit, signEvent, studentCard } from '../model';
import { direction, locale, siteSettings } from '../settings';
import { staffCalls } from './staff-contract';
import { adminCalls, rosterProgress } from './admin-contract';
import { latenessCalls } from './lateness-contract';
import { passOutcome, recordResult } from './results';

export { passOutcome, recordResult };
export type { PassOutcome, RecordResult } from './results';

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

const empty = z.object({}).strict();

export const calls = {
  getKioskInfo: { request: empty, response: kioskInfo },
  getStatus: { request: empty, response: kioskStatus },
  // A scan longer than any badge is still accepted here so that the core can refuse it with a
  // typed reason ("too_long") rather than a schema error.
  scan: { request: z.object({ code: z.string().max(4096) }).strict(), response: scanResult },
  selectStudent: { request: z.object({ studentId: z.string().min(1).max(64) }).strict(), response: studentFlow },
  searchStudents: {
    request: z.object({ query: z.string().max(64) }).strict(),
    response: z.array(searchHit),
  },
  record: {
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
  todayEvents: { request: empty, response: z.array(signEvent) },
  /** Read-only; changing settings takes a site admin's token (saveSettings). */
  getSettings: { request: empty, response: siteSettings },
  ...staffCalls,
  ...adminCalls,
  // Issue 18: lateness report (site admin).
  ...latenessCalls,
} as const;

export const events = {
  /** A code read by a HID POS scanner in main; the renderer treats it like a wedge burst. */
  scannerCode: z.object({ code: z.string().max(4096) }),
  status: kioskStatus,
  /** A long roster import's progress, for the admin screen. */
  rosterProgress,
} as const;

export type Calls = typeof calls;
export type CallName = keyof Calls;
export type CallRequest<N extends CallName> = z.input<Calls[N]['request']>;
export type CallResponse<N extends CallName> = z.output<Calls[N]['response']>;
export type EventName = keyof typeof events;
export type EventPayload<N extends EventName> = z.output<(typeof events)[N]>;

export const errorCodes = [
  'invalid_request',
  'validation_failed',
  'not_found',
  'locked',
  'forbidden',
  'internal',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export interface IpcError {
  code: ErrorCode;
  message: string;
  issues?: { path: string; message: string }[];
}

/** Errors cross the boundary as values, never as throws. */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

/** `window.kiosk`, as the preload exposes it and the e2e tests bind it. */
export type KioskApi = {
  [N in CallName]: (request: CallRequest<N>) => Promise<IpcResult<CallResponse<N>>>;
} & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};

export const callNames = Object.keys(calls) as CallName[];
export const eventNames = Object.keys(events) as EventName[];
export const IPC_CHANNEL_PREFIX = 'kiosk:';
