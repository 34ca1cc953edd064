// Confirmed in the register: after a write lands ("Sent"), read the register back and say what
// it shows. Reads are batched by day: sent rows are grouped by date and register (session or
// lesson) and each group costs one readRegister call, or, for a connector without it, one
// readMarks per student. Every read goes through the connector, so its rate limiter applies.
// A read that fails proves nothing: it never confirms and never un-confirms.
import type { Capabilities, ExistingMark, MisConnector } from '../mis/types';
import { asMisError, type MisError } from '../mis/errors';
import type { Db } from '../db/database';
import { sessionMarkPayload, type OutboxRow } from './outbox';
import { dueConfirmations, laterMarkForSlot, nextConfirmAt, settleConfirmations, type ConfirmVerdict } from '../db/outbox-confirmations';

export interface ConfirmSettings {
  enabled: boolean;
  /** Wait after the write before the first read (an MIS may apply a write a moment later). */
  firstReadMs: number;
  /** A mark the register does not show within this long after it was sent is sent again. */
  windowMs: number;
}

export interface ConfirmContext {
  db: Db;
  connector: MisConnector;
  caps: Capabilities;
  settings: ConfirmSettings;
  now: () => number;
  /** Delay before read/attempt `attempts + 1`. */
  backoff: (attempts: number, retryAfterMs?: number) => number;
  mapLimit: <T, R>(items: T[], fn: (t: T) => Promise<R>) => Promise<R[]>;
  onTransient: (error: MisError) => void;
  onSuccess: () => void;
  /** Counts each read the read-back makes (one readRegister, or one readMarks), for the bench and logs. */
  onRead?: () => void;
}

/** What the read-back loop needs from the engine that runs it beside its write workers. */
export interface ConfirmLoopHost {
  db: Db;
  /** Rows read back per round. */
  batch: number;
  /** False once the engine stops. */
  running: () => boolean;
  /** True while the write workers still have rows: sent rows fall due for their read soon. */
  writersBusy: () => boolean;
  now: () => number;
  /** The MIS's capabilities, or null while it is unreachable (the loop stops; the next drain starts it again). */
  capabilities: () => Promise<Capabilities | null>;
  context: (caps: Capabilities) => ConfirmContext;
  /** One round's verdicts, already settled durably. */
  settled: (verdicts: ConfirmVerdict[]) => void;
}

/** Read back the rows that fall due until none are left and the writers are done. */
export async function confirmLoop(host: ConfirmLoopHost): Promise<void> {
  while (host.running()) {
    const rows = dueConfirmations(host.db, new Date(host.now()).toISOString(), host.batch);
    if (rows.length === 0) {
      // While a backlog is being written, rows sent a moment ago fall due for their read-back:
      // look again shortly rather than leave every read until the backlog is done.
      if (!host.writersBusy()) return;
      const next = nextConfirmAt(host.db);
      const wait = next === null ? 200 : Math.min(200, Math.max(10, Date.parse(next) - host.now()));
      await new Promise((r) => setTimeout(r, wait));
      continue;
    }
    const caps = await host.capabilities();
    if (!caps) return;
    host.settled(await confirmRows(rows, host.context(caps)));
  }
}

interface Pending {
  row: OutboxRow;
  misId: string;
  date: string;
  session: 'AM' | 'PM';
  code: string;
  lessonId: string | null;
}

type Read = { ok: true; marks: ExistingMark[] } | { ok: false; error: MisError };

/** Read the register for `rows` (all 'done', read-back due), settle each verdict durably, return them. */
export async function confirmRows(rows: OutboxRow[], ctx: ConfirmContext): Promise<ConfirmVerdict[]> {
  const verdicts: ConfirmVerdict[] = [];
  const pending: Pending[] = [];
  for (const row of rows) {
    const parsed = sessionMarkPayload.safeParse(safeJson(row.payload));
    const misId = row.mis_id ?? (parsed.success ? parsed.data.misId : null);
    // Confirmation switched off, or the connector lost its read-back (settings changed): stays "Sent".
    if (!ctx.settings.enabled || !ctx.caps.readMarks || !parsed.success || !misId) {
      verdicts.push({ id: row.id, verdict: 'drop' });
      continue;
    }
    pending.push({ row, misId, date: parsed.data.date, session: parsed.data.session, code: parsed.data.code, lessonId: row.lesson_id });
  }

  // Batched by day: one group per date and register.
  const groups = new Map<string, Pending[]>();
  for (const p of pending) {
    const key = `${p.date}|${p.lessonId ? 'lesson' : 'session'}`;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  for (const group of groups.values()) {
    const { date } = group[0]!;
    const target = group[0]!.lessonId ? 'lesson' : 'session';
    const misIds = [...new Set(group.map((p) => p.misId))];
    const reads = new Map<string, Read>();
    if (ctx.connector.readRegister) {
      const read = await attempt(() => ctx.connector.readRegister!({ date, target, misIds }), ctx);
      // A register read that names no student can only be placed when the group has one student.
      const forStudent = (id: string): Read =>
        read.ok ? { ok: true, marks: read.marks.filter((m) => m.misId === id || (m.misId === undefined && misIds.length === 1)) } : read;
      for (const id of misIds) reads.set(id, forStudent(id));
    } else {
      const each = await ctx.mapLimit(misIds, (misId) => attempt(() => ctx.connector.readMarks({ misId, date, target }), ctx));
      misIds.forEach((id, i) => reads.set(id, each[i]!));
    }
    for (const p of group) verdicts.push(judgeRead(p, reads.get(p.misId)!, ctx));
  }
  // Checked and settled in one synchronous step: no other write can settle in between.
  const final = verdicts.map((v) => {
    if (v.verdict !== 'confirmed' && v.verdict !== 'drop') {
      const p = pending.find((x) => x.row.id === v.id)!;
      if (laterMarkForSlot(ctx.db, { id: p.row.id, studentId: p.row.student_id, date: p.date, session: p.session })) {
        return { id: v.id, verdict: 'drop' } as const;
      }
    }
    return v;
  });
  settleConfirmations(ctx.db, final, new Date(ctx.now()).toISOString());
  return final;
}

async function attempt(read: () => Promise<ExistingMark[]>, ctx: ConfirmContext): Promise<Read> {
  ctx.onRead?.();
  try {
    const marks = await read();
    ctx.onSuccess();
    return { ok: true, marks };
  } catch (e) {
    const error = asMisError(e);
    if (error.transient) ctx.onTransient(error);
    return { ok: false, error };
  }
}

function judgeRead(p: Pending, read: Read, ctx: ConfirmContext): ConfirmVerdict {
  const now = ctx.now();
  const sentAt = Date.parse(p.row.sent_at ?? p.row.updated_at);
  const deadline = sentAt + ctx.settings.windowMs;
  const iso = (ms: number) => new Date(ms).toISOString();
  if (!read.ok) {
    // A permanent read error (say, no permission to read) will not cure itself: once the window
    // is over, stop reading; the row stays "Sent". A transient one is read again with backoff.
    if (!read.error.transient && now >= deadline) {
      return { id: p.row.id, verdict: 'drop', note: `The register could not be read back (${read.error.message}); the mark stays "Sent".` };
    }
    return { id: p.row.id, verdict: 'read_failed', confirmAt: iso(now + ctx.backoff(p.row.confirm_reads + 1, read.error.details.retryAfterMs)) };
  }
  const found =
    read.marks.find((m) => (m.date === undefined || m.date === p.date) && (p.lessonId ? m.lessonId === p.lessonId : m.session === p.session)) ?? null;
  if (found && found.code === p.code) return { id: p.row.id, verdict: 'confirmed' };
  const later = now >= deadline;
  // The read-back schedule: first read after firstReadMs, then 2x, 4x … apart, the last at the
  // window's end. A mark confirmed at the first read (the usual case) costs one read.
  const nextRead = iso(Math.min(deadline, now + ctx.settings.firstReadMs * 2 ** Math.max(0, p.row.confirm_reads + 1)));
  if (found) {
    // The register shows another mark. If it is the one that was there before our write, the MIS
    // has not applied the write yet: that is "not there yet". If the previous mark is unknown, it
    // may still be that, so wait for the window to end before calling it a teacher's change.
    const stale = p.row.previous_mark !== null && found.code === p.row.previous_mark;
    if (stale && later) return resend(p, now, ctx);
    if (stale || (p.row.previous_mark === null && !later)) return { id: p.row.id, verdict: 'wait', confirmAt: nextRead };
    return {
      id: p.row.id,
      verdict: 'changed',
      registerMark: found.code,
      message: `Changed in the MIS: the register now holds ${found.code}, not the kiosk's ${p.code}. It was left as it is; a later sign-in or sign-out for this session is still sent.`,
    };
  }
  if (later) return resend(p, now, ctx);
  return { id: p.row.id, verdict: 'wait', confirmAt: nextRead };
}

function resend(p: Pending, now: number, ctx: ConfirmContext): ConfirmVerdict {
  const minutes = Math.round(ctx.settings.windowMs / 60_000);
  return {
    id: p.row.id,
    verdict: 'resend',
    nextAttemptAt: new Date(now + ctx.backoff(Math.max(1, p.row.attempts))).toISOString(),
    message: `Not in the register yet: the MIS accepted the mark but its register did not show it within ${minutes} minute${minutes === 1 ? '' : 's'}. It will be checked and sent again.`,
  };
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}
