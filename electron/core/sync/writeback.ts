// One batch of claimed outbox rows → the MIS. For each row: check what the MIS can take, find
// the register slot (the session, or the first lesson of the session where the MIS takes no
// session marks), read the mark it holds now, then write, skip or settle. Every row ends in an
// Outcome; nothing here throws, so one bad row can never hold up the others.
import type { Capabilities, ExistingMark, LessonMarkWrite, MisConnector, SessionMarkWrite } from '../mis/types';
import { asMisError, type MisError } from '../mis/errors';
import { ourLastMark, sessionMarkPayload, type OutboxRow, type Outcome, type SessionMarkPayload } from './outbox';
import type { Db } from '../db/database';
import { StudentRepository } from '../db/students';
import { DEFAULT_SESSIONS } from '../../../shared/school-time';

/** What the engine needs of the school's rules at send time (settings may change after the event). */
export interface RowRules {
  protectedCodes: readonly string[];
  /** The site's present codes (AM/PM): an early sign-out may replace these even when protected. */
  presentCodes?: readonly string[];
  /** Session bounds, "HH:MM" local, to find the first lesson of a session. */
  sessions?: { AM: { start: string; end: string }; PM: { start: string; end: string } };
}

export interface BatchContext {
  db: Db;
  connector: MisConnector;
  caps: Capabilities;
  rulesFor: (p: SessionMarkPayload) => RowRules;
  /** Transient failure → when to try again. */
  retryAt: (row: OutboxRow, error: MisError) => string;
  mapLimit: <T, R>(items: T[], fn: (t: T) => Promise<R>) => Promise<R[]>;
  onTransient: (error: MisError) => void;
  onSuccess: () => void;
}


type Planned =
  | { row: OutboxRow; kind: 'session'; write: SessionMarkWrite; target: string; previousMark: string | null }
  | { row: OutboxRow; kind: 'lesson'; write: LessonMarkWrite; target: string; previousMark: string | null };

const permanent = (row: OutboxRow, kind: string, message: string, target: string | null = null): Outcome => ({
  id: row.id,
  state: 'failed_permanent',
  kind,
  message,
  target,
});

/** The MIS cannot take this by design: not a failure, nothing for the admin to fix, never retried by "retry all". */
const notSent = (row: OutboxRow, kind: string, message: string, target: string | null = null): Outcome => ({
  id: row.id,
  state: 'not_sent',
  kind,
  message,
  target,
});

/** The connector's own sentence about the school's MIS (Wonde: "Arbor takes no session writeback…"), if it has one. */
function misNote(caps: Capabilities): string {
  const note = (caps as Capabilities & { note?: unknown }).note;
  return typeof note === 'string' && note ? ` ${note}` : '';
}

export async function processBatch(rows: OutboxRow[], ctx: BatchContext): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const planned: Planned[] = [];
  const results = await ctx.mapLimit(rows, (row) => planRow(row, ctx));
  for (const r of results) {
    if ('state' in r) outcomes.push(r);
    else planned.push(r);
  }
  const sessions = planned.filter((p): p is Extract<Planned, { kind: 'session' }> => p.kind === 'session');
  const lessons = planned.filter((p): p is Extract<Planned, { kind: 'lesson' }> => p.kind === 'lesson');
  outcomes.push(...(await writeAll(sessions, (ws) => ctx.connector.writeSessionMarks(ws), ctx)));
  outcomes.push(...(await writeAll(lessons, (ws) => ctx.connector.writeLessonMarks(ws), ctx)));
  return outcomes;
}

function currentMisId(ctx: BatchContext, studentId: string): string | null {
  // Only for a row queued without an MIS id (rare): a repository per call costs nothing that matters.
  return new StudentRepository(ctx.db).get(studentId)?.misId ?? null;
}

async function planRow(row: OutboxRow, ctx: BatchContext): Promise<Planned | Outcome> {
  const parsed = sessionMarkPayload.safeParse(safeJson(row.payload));
  if (!parsed.success) return permanent(row, 'bad_payload', `This queued mark cannot be read (${parsed.error.issues[0]?.message ?? 'invalid'}); it was not sent.`);
  const p = { ...parsed.data };
  const { caps } = ctx;
  // The MIS id is read again at send time: the admin's fix for "no MIS id" is a roster import.
  if (!p.misId) p.misId = currentMisId(ctx, p.studentId);
  if (!p.misId) {
    return permanent(row, 'no_mis_id', `Student ${p.studentId} has no MIS id on the kiosk's roster. Re-import the roster from the MIS, then retry.`);
  }
  if (p.direction === 'sign_out' && !caps.earlyLeaverCodes) {
    return notSent(row, 'capability_missing', `Not sent: the school's MIS takes no early-leaver codes through ${ctx.connector.name}, so this early sign-out is kept on the kiosk only.`);
  }
  const comment = caps.comment ? p.comment : null;
  const minutesLate = caps.minutesLate ? p.minutesLate : null;
  const rules = ctx.rulesFor(p);
  // The register is read only when its answer can change what we do: a protected code may be
  // there, or an earlier attempt may have landed. Otherwise the read is a wasted request.
  const mustRead = caps.readMarks && (rules.protectedCodes.length > 0 || row.attempts > 1);
  try {
    if (caps.sessionMark) {
      const target = `session ${p.session}`;
      const existing = mustRead ? pick(await ctx.connector.readMarks({ misId: p.misId, date: p.date, target: 'session' }), (m) => m.session === p.session) : null;
      const verdict = judge(row, p, existing, rules, target, null, ctx);
      if (verdict) return verdict;
      return {
        row,
        kind: 'session',
        target,
        previousMark: existing?.code ?? null,
        write: { ref: row.id, misId: p.misId, date: p.date, session: p.session, localTime: p.localTime, occurredAt: p.occurredAt, direction: p.direction, code: p.code, comment, minutesLate },
      };
    }
    if (caps.lessonMark) {
      const bounds = (rules.sessions ?? DEFAULT_SESSIONS)[p.session];
      const lessons = await ctx.connector.listLessons({ misId: p.misId, date: p.date });
      const lesson = lessons.find((l) => l.start >= bounds.start && l.start < bounds.end);
      if (!lesson) {
        return notSent(
          row,
          'no_lesson',
          `Not sent: the school's MIS takes marks on lessons only, and it lists no lesson for this student in the ${p.session} session of ${p.date}, so the mark is kept on the kiosk only.`,
        );
      }
      const target = `lesson ${lesson.id}${lesson.name ? ` (${lesson.name} ${lesson.start})` : ''}`;
      const existing = mustRead ? pick(await ctx.connector.readMarks({ misId: p.misId, date: p.date, target: 'lesson' }), (m) => m.lessonId === lesson.id) : null;
      const verdict = judge(row, p, existing, rules, target, lesson.id, ctx);
      if (verdict) return verdict;
      return {
        row,
        kind: 'lesson',
        target,
        previousMark: existing?.code ?? null,
        write: { ref: row.id, misId: p.misId, lessonId: lesson.id, date: p.date, code: p.code, comment, minutesLate },
      };
    }
    return notSent(row, 'writeback_off', `Not sent: the school's MIS takes no attendance writeback through ${ctx.connector.name}; the mark is kept on the kiosk only.${misNote(caps)}`);
  } catch (e) {
    return failure(row, asMisError(e), ctx);
  }
}

/**
 * What the register holds decides between writing, skipping and "already there":
 * - after a crash or an ambiguous failure (attempts > 1), our own code already on the register
 *   means the earlier attempt landed: settle as done, do not write twice;
 * - a protected code the school put there is never overwritten; one we wrote ourselves is.
 */
function judge(
  row: OutboxRow,
  p: SessionMarkPayload,
  existing: ExistingMark | null,
  rules: RowRules,
  target: string,
  lessonId: string | null,
  ctx: BatchContext,
): Outcome | null {
  if (!existing) return null;
  if (row.attempts > 1 && existing.code === p.code) {
    return {
      id: row.id,
      state: 'done',
      writebackId: null,
      target,
      previousMark: null,
      note: 'Confirmed on the MIS after an interrupted attempt; not written again.',
      misId: p.misId,
      lessonId,
    };
  }
  // Protected present codes stop a late L/U replacing a teacher's "present"; an early sign-out's
  // leaver code exists to follow a present mark, so it may replace one (never M or the like).
  const presentForLeaver = p.direction === 'sign_out' && (rules.presentCodes ?? ['/', '\\']).includes(existing.code);
  if (!presentForLeaver && rules.protectedCodes.includes(existing.code) && ourLastMark(ctx.db, p.studentId, p.date, p.session, row.id) !== existing.code) {
    return {
      id: row.id,
      state: 'skipped_protected',
      target,
      previousMark: existing.code,
      message: `The register already holds ${existing.code}, a protected code: ${p.code} was not written over it.`,
    };
  }
  return null;
}

/** Write a group in batches; on a permanent refusal, isolate the bad records and write the rest. */
async function writeAll<W extends { ref: number; misId: string }>(
  items: { row: OutboxRow; write: W; target: string; previousMark: string | null }[],
  send: (ws: W[]) => Promise<{ writebackId: string | null }>,
  ctx: BatchContext,
): Promise<Outcome[]> {
  const out: Outcome[] = [];
  for (let i = 0; i < items.length; i += Math.max(1, ctx.caps.maxBatch)) {
    out.push(...(await writeChunk(items.slice(i, i + Math.max(1, ctx.caps.maxBatch)), send, ctx)));
  }
  return out;
}

async function writeChunk<W extends { ref: number; misId: string }>(
  items: { row: OutboxRow; write: W; target: string; previousMark: string | null }[],
  send: (ws: W[]) => Promise<{ writebackId: string | null }>,
  ctx: BatchContext,
): Promise<Outcome[]> {
  if (items.length === 0) return [];
  try {
    const { writebackId } = await send(items.map((i) => i.write));
    ctx.onSuccess();
    return items.map((i) => ({
      id: i.row.id,
      state: 'done',
      writebackId,
      target: i.target,
      previousMark: i.previousMark,
      misId: i.write.misId,
      lessonId: 'lessonId' in i.write && typeof i.write.lessonId === 'string' ? i.write.lessonId : null,
    }));
  } catch (e) {
    const err = asMisError(e);
    if (err.transient) return items.map((i) => failure(i.row, err, ctx));
    const refs = new Set(err.details.refs ?? []);
    if (refs.size > 0) {
      const bad = items.filter((i) => refs.has(i.write.ref));
      const good = items.filter((i) => !refs.has(i.write.ref));
      return [...bad.map((i) => permanent(i.row, err.kind, err.details.refMessages?.[i.write.ref] ?? err.message, i.target)), ...(await writeChunk(good, send, ctx))];
    }
    if (items.length === 1) return [permanent(items[0]!.row, err.kind, err.message, items[0]!.target)];
    // The MIS refused the batch without saying which record: halve until the bad one is alone.
    const mid = Math.ceil(items.length / 2);
    return [...(await writeChunk(items.slice(0, mid), send, ctx)), ...(await writeChunk(items.slice(mid), send, ctx))];
  }
}

function failure(row: OutboxRow, err: MisError, ctx: BatchContext): Outcome {
  if (!err.transient) return permanent(row, err.kind, err.message);
  ctx.onTransient(err);
  return { id: row.id, state: 'pending', nextAttemptAt: ctx.retryAt(row, err), kind: err.kind, message: err.message };
}

function pick(marks: ExistingMark[], match: (m: ExistingMark) => boolean): ExistingMark | null {
  return marks.find(match) ?? null;
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}
