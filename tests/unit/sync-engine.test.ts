// The sync engine against the fake Wonde: what reaches the register, and what the admin sees.
import { afterEach, describe, expect, it } from 'vitest';
import { harness, SCHOOL, students, until, type Harness } from '../fakes/wonde/harness';
import { outboxRow, overrideMark, queueMark, rowsByState } from '../fakes/wonde/seed';
import { secretKeys } from '../../shared/mis';
import { SyncEngine, type SyncEngineOptions, type SyncStatus, type WritebackEvent } from '../../electron/core/sync/engine';
import type { ConfirmSettings } from '../../electron/core/sync/confirm';
import type { MisConnector } from '../../electron/core/mis/types';
import { MisError } from '../../electron/core/mis/errors';
import { systemClock } from '../../electron/core/clock';
import { silentLogger } from '../../electron/core/logging/logger';
import { exportWritebackLog, queryWritebackLog } from '../../electron/core/staff/writeback-log';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CRASH_CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), '../integration/sync-crash-child.ts');

let h: Harness | null = null;
afterEach(async () => {
  await h?.dispose();
  h = null;
});

/** A row with its state as the engine reports it: outcome (not_sent, confirmed, changed_in_mis) refines the stored state. */
const logicalRow = (db: Harness['db'], id: number) => {
  const r = outboxRow(db, id) as ReturnType<typeof outboxRow> & { outcome: string | null };
  return { ...r, state: r.outcome ?? r.state };
};

const settled = (hh: Harness, n: number) => () => {
  const s = rowsByState(hh.db);
  return (
    (s.done ?? 0) + (s.failed_permanent ?? 0) + (s.skipped_protected ?? 0) + (s.superseded ?? 0) + (s.not_sent ?? 0) + (s.confirmed ?? 0) + (s.changed_in_mis ?? 0) >= n
  );
};

describe('writing marks to a SIMS school', () => {
  it('writes each queued mark once, with comment and minutes late, and keeps the writeback id', async () => {
    h = await harness({ school: { students: ['S1', 'S2'] } });
    const a = queueMark(h.db, { eventId: 'e1', studentId: 'S1', code: 'L', minutesLate: 7, comment: 'Bus or train late' });
    const b = queueMark(h.db, { eventId: 'e2', studentId: 'S2', code: 'U', session: 'PM', minutesLate: 25, comment: null });
    const statuses: SyncStatus[] = [];
    h.engine.on('status', (s) => statuses.push(s));
    h.engine.start();
    await until(settled(h, 2), 'both rows settled');

    expect(h.fake.sessionMark(SCHOOL, 'S1', '2026-11-24', 'AM')).toMatchObject({ code: 'L', comment: 'Bus or train late', minutes_late: 7 });
    expect(h.fake.sessionMark(SCHOOL, 'S2', '2026-11-24', 'PM')).toMatchObject({ code: 'U', comment: null, minutes_late: 25 });
    expect(h.fake.sessionWritesFor('S1')).toHaveLength(1);
    expect(h.fake.sessionWritesFor('S1')[0]).toMatchObject({ attendance_code_id: 'A1000003', date: '2026-11-24', session: 'AM' });
    expect(outboxRow(h.db, a)).toMatchObject({ state: 'done', target: 'session AM' });
    expect(outboxRow(h.db, a).writeback_id).toMatch(/^WB/);
    expect(outboxRow(h.db, b).state).toBe('done');
    const last = h.engine.status();
    expect(last.counts.done).toBe(2);
    expect(last.online).toBe(true);
    expect(last.lastSuccessAt).not.toBeNull();
    expect(statuses.at(-1)?.counts.done).toBe(2);
  });

  it('sends a backlog in batches, not one request per mark', async () => {
    const ids = students(120);
    h = await harness({ school: { students: ids }, engine: { batchSize: 50 } });
    ids.forEach((s, i) => queueMark(h!.db, { eventId: `e${i}`, studentId: s }));
    h.engine.start();
    await until(settled(h, 120), 'backlog drained');
    expect(h.fake.stats().records).toBe(120);
    expect(h.fake.writes.length).toBeLessThanOrEqual(3);
  });

  it("applies one student's marks in the order they were made, even when the first needs a retry", async () => {
    h = await harness({ school: { students: ['S1'] } });
    h.fake.inject({ kind: 'status', status: 503, times: 2, match: { method: 'POST' } });
    queueMark(h.db, { eventId: 'e1', studentId: 'S1', code: 'L', session: 'AM' });
    queueMark(h.db, { eventId: 'e2', studentId: 'S1', code: 'M', session: 'PM', direction: 'sign_out' });
    h.engine.start();
    await until(settled(h, 2), 'both settled');
    expect(h.fake.sessionWritesFor('S1').map((r) => r.session)).toEqual(['AM', 'PM']);
  });

  it('reports counts per state, the last error, and each row as it settles', async () => {
    h = await harness({ school: { students: ['S1'] } });
    queueMark(h.db, { eventId: 'e1', studentId: 'S1' });
    queueMark(h.db, { eventId: 'e2', studentId: 'S9', misId: null });
    const rows: WritebackEvent[] = [];
    h.engine.on('writeback', (w) => rows.push(w));
    h.engine.start();
    await until(settled(h, 2), 'settled');
    const st = h.engine.status();
    expect(st.counts).toMatchObject({ done: 1, failed_permanent: 1, pending: 0, in_flight: 0 });
    expect(st.lastError?.kind).toBe('no_mis_id');
    expect(rows.map((r) => r.state).sort()).toEqual(['done', 'failed_permanent']);
  });
});

describe('transient failures are retried until the mark is on the register, exactly once', () => {
  const cases = [
    { name: '5xx', fault: { kind: 'status', status: 500, times: 3 } },
    { name: '502 on the read before the write', fault: { kind: 'status', status: 502, times: 2, match: { method: 'GET', path: '/attendance/session' } } },
    { name: 'a dropped connection', fault: { kind: 'drop', times: 2 } },
    { name: 'a write that landed but whose answer was lost', fault: { kind: 'drop_after_write', times: 1, match: { method: 'POST' } } },
    { name: 'a slow answer', fault: { kind: 'slow', delayMs: 200, times: 1, match: { method: 'POST' } } },
    { name: 'an answer slower than the timeout', fault: { kind: 'slow', delayMs: 500, times: 1, match: { method: 'POST' } } },
  ] as const;
  for (const c of cases) {
    it(c.name, async () => {
      h = await harness({ school: { students: ['S1', 'S2'] }, timeoutMs: 300 });
      h.fake.inject(c.fault);
      const id = queueMark(h.db, { eventId: 'e1', studentId: 'S1' });
      queueMark(h.db, { eventId: 'e2', studentId: 'S2' });
      h.engine.start();
      await until(settled(h, 2), 'both settled');
      // A slow answer still lands after the client gave up: let it, then count.
      await new Promise((r) => setTimeout(r, c.fault.kind === 'slow' ? c.fault.delayMs : 0));
      expect(outboxRow(h.db, id).state).toBe('done');
      expect(h.fake.sessionWritesFor('S1')).toHaveLength(1);
      expect(h.fake.sessionWritesFor('S2')).toHaveLength(1);
      expect(h.fake.sessionMark(SCHOOL, 'S1', '2026-11-24', 'AM')?.code).toBe('L');
    });
  }

  it('429: waits as long as Retry-After says before trying again', async () => {
    h = await harness({ school: { students: ['S1'] } });
    h.fake.inject({ kind: 'rate_limit', retryAfter: '3', times: 1, match: { method: 'POST' } });
    const id = queueMark(h.db, { eventId: 'e1', studentId: 'S1' });
    h.engine.start();
    await until(() => outboxRow(h!.db, id).last_error_kind === 'rate_limited', 'the 429 is recorded');
    const row = outboxRow(h.db, id);
    expect(row.state).toBe('pending');
    // Measured from when the 429 was recorded, not from now: a busy machine may look a second late.
    expect(Date.parse(row.next_attempt_at) - Date.parse(row.updated_at)).toBeGreaterThan(2_000);
    expect(h.engine.status().lastError?.message).toMatch(/slow down/);
  });

  it('an expired token: a new one pasted by the admin is picked up without losing the mark', async () => {
    h = await harness({ school: { students: ['S1'] } });
    h.fake.tokens.clear();
    h.fake.tokens.add('new-token');
    const id = queueMark(h.db, { eventId: 'e1', studentId: 'S1' });
    h.engine.start();
    await until(() => h!.engine.status().lastError?.kind === 'auth', 'the 401 is reported');
    expect(outboxRow(h.db, id).state).toBe('pending');
    expect(h.engine.status().lastError?.message).toMatch(/token/);
    h.secrets.set(secretKeys.wondeToken, 'new-token');
    await until(() => outboxRow(h!.db, id).state === 'done', 'written with the new token', 15_000);
    expect(h.fake.sessionWritesFor('S1')).toHaveLength(1);
  });

  it('goes offline while the MIS cannot be reached, and drains when it answers again', async () => {
    h = await harness({ school: { students: ['S1'] } });
    h.fake.inject({ kind: 'drop', times: 4 });
    const seen: (boolean | null)[] = [];
    h.engine.on('status', (s) => seen.push(s.online));
    queueMark(h.db, { eventId: 'e1', studentId: 'S1' });
    h.engine.start();
    await until(settled(h, 1), 'written after the outage');
    expect(seen).toContain(false);
    expect(h.engine.status().online).toBe(true);
    expect(h.fake.sessionWritesFor('S1')).toHaveLength(1);
  });
});

describe('permanent failures park the row with a reason, and never block the others', () => {
  it('a student Wonde does not know, an unknown code, and a student with no MIS id', async () => {
    h = await harness({ school: { students: students(6) } });
    const good = students(6).map((s, i) => queueMark(h!.db, { eventId: `g${i}`, studentId: s }));
    const stranger = queueMark(h.db, { eventId: 'x1', studentId: 'GHOST' });
    const badCode = queueMark(h.db, { eventId: 'x2', studentId: 'S7', misId: 'S00001', code: 'Q', session: 'PM' });
    const noMis = queueMark(h.db, { eventId: 'x3', studentId: 'S8', misId: null });
    h.engine.start();
    await until(settled(h, 9), 'all settled');
    for (const id of good) expect(outboxRow(h.db, id).state).toBe('done');
    expect(outboxRow(h.db, stranger)).toMatchObject({ state: 'failed_permanent', last_error_kind: 'student_not_in_mis' });
    expect(outboxRow(h.db, badCode)).toMatchObject({ state: 'failed_permanent', last_error_kind: 'unknown_code' });
    expect(outboxRow(h.db, badCode).last_error).toMatch(/no attendance code "Q"/);
    expect(outboxRow(h.db, noMis)).toMatchObject({ state: 'failed_permanent', last_error_kind: 'no_mis_id' });
    expect(h.fake.stats().records).toBe(6);
  });

  it('after the admin fixes the cause, retry sends the failed rows', async () => {
    h = await harness({ school: { students: ['S1'] } });
    const id = queueMark(h.db, { eventId: 'e1', studentId: 'LATE-JOINER' });
    h.engine.start();
    await until(() => outboxRow(h!.db, id).state === 'failed_permanent', 'refused');
    h.fake.schools.get(SCHOOL)!.students.set('LATE-JOINER', { id: 'LATE-JOINER', forename: 'New', surname: 'Pupil', upi: 'X' });
    expect(h.engine.retry('all_failed')).toBe(1);
    await until(() => outboxRow(h!.db, id).state === 'done', 'sent after retry');
    expect(h.fake.sessionWritesFor('LATE-JOINER')).toHaveLength(1);
  });
});

describe('protected codes', () => {
  it('never overwrites a protected code the school put on the register, and says why', async () => {
    h = await harness({ school: { students: ['S1', 'S2'] }, engine: { rulesFor: () => ({ protectedCodes: ['/', '\\', 'M'] }) } });
    h.fake.setSessionMark(SCHOOL, 'S1', '2026-11-24', 'AM', 'M', 'Dentist');
    h.fake.setSessionMark(SCHOOL, 'S2', '2026-11-24', 'AM', 'N');
    const kept = queueMark(h.db, { eventId: 'e1', studentId: 'S1', code: 'L' });
    const over = queueMark(h.db, { eventId: 'e2', studentId: 'S2', code: 'L' });
    h.engine.start();
    await until(settled(h, 2), 'settled');
    expect(outboxRow(h.db, kept)).toMatchObject({ state: 'skipped_protected', previous_mark: 'M' });
    expect(outboxRow(h.db, kept).last_error).toMatch(/already holds M, a protected code/);
    expect(h.fake.sessionMark(SCHOOL, 'S1', '2026-11-24', 'AM')?.code).toBe('M');
    expect(h.fake.sessionWritesFor('S1')).toHaveLength(0);
    expect(outboxRow(h.db, over)).toMatchObject({ state: 'done', previous_mark: 'N' });
    expect(h.fake.sessionMark(SCHOOL, 'S2', '2026-11-24', 'AM')?.code).toBe('L');
  });
});

describe("a receptionist's override", () => {
  const rules = { rulesFor: () => ({ protectedCodes: ['/', '\\', 'M'] }) };

  it('replaces a mark not yet sent: the old one is never sent', async () => {
    h = await harness({ school: { students: ['S1'] }, engine: rules });
    const old = queueMark(h.db, { eventId: 'e1', studentId: 'S1', code: 'U' });
    const fresh = overrideMark(h.db, 'e1', { eventId: 'e2', studentId: 'S1', code: 'M', comment: 'Dentist' })!;
    h.engine.start();
    await until(settled(h, 2), 'settled');
    expect(outboxRow(h.db, old).state).toBe('superseded');
    expect(outboxRow(h.db, fresh).state).toBe('done');
    expect(h.fake.sessionWritesFor('S1').map((r) => r.attendance_code_id)).toEqual(['A1000005']);
  });

  it('corrects a mark already sent, even over our own protected present mark', async () => {
    h = await harness({ school: { students: ['S1'] }, engine: rules });
    queueMark(h.db, { eventId: 'e1', studentId: 'S1', code: '/', minutesLate: null });
    h.engine.start();
    await until(settled(h, 1), 'first sent');
    overrideMark(h.db, 'e1', { eventId: 'e2', studentId: 'S1', code: 'M', minutesLate: null, comment: 'Orthodontist' });
    h.engine.kick();
    await until(settled(h, 2), 'correction sent');
    expect(h.fake.sessionMark(SCHOOL, 'S1', '2026-11-24', 'AM')).toMatchObject({ code: 'M', comment: 'Orthodontist' });
    expect(h.fake.sessionWritesFor('S1')).toHaveLength(2);
  });

  it('does not overwrite a protected code the school entered after our mark', async () => {
    h = await harness({ school: { students: ['S1'] }, engine: rules });
    queueMark(h.db, { eventId: 'e1', studentId: 'S1', code: 'L' });
    h.engine.start();
    await until(settled(h, 1), 'first sent');
    h.fake.setSessionMark(SCHOOL, 'S1', '2026-11-24', 'AM', 'M');
    const fix = overrideMark(h.db, 'e1', { eventId: 'e2', studentId: 'S1', code: 'U' })!;
    h.engine.kick();
    await until(settled(h, 2), 'settled');
    expect(outboxRow(h.db, fix).state).toBe('skipped_protected');
    expect(h.fake.sessionMark(SCHOOL, 'S1', '2026-11-24', 'AM')?.code).toBe('M');
  });
});

describe('an Arbor-like school: lesson marks only, no leaver codes', () => {
  const lessons = [
    { id: 'L-P2', date: '2026-11-24', start: '09:50', end: '10:50', className: '9X/Ma', students: ['S1'] },
    { id: 'L-P1', date: '2026-11-24', start: '08:50', end: '09:50', className: '9X/En', students: ['S1'] },
    { id: 'L-P4', date: '2026-11-24', start: '13:00', end: '14:15', className: '9X/Sc', students: ['S1'] },
    { id: 'L-OTHER', date: '2026-11-24', start: '08:50', end: '09:50', className: '9Y/En', students: ['S2'] },
  ];

  it('writes a late mark to the first lesson of the session', async () => {
    h = await harness({ school: { flavour: 'Arbor', students: ['S1', 'S2'], lessons } });
    const am = queueMark(h.db, { eventId: 'e1', studentId: 'S1', session: 'AM', code: 'L' });
    const pm = queueMark(h.db, { eventId: 'e2', studentId: 'S1', session: 'PM', code: 'L', localTime: '13:10' });
    h.engine.start();
    await until(settled(h, 2), 'settled');
    expect(outboxRow(h.db, am)).toMatchObject({ state: 'done' });
    expect(outboxRow(h.db, am).target).toMatch(/^lesson L-P1/);
    expect(outboxRow(h.db, pm).target).toMatch(/^lesson L-P4/);
    expect(h.fake.writes.every((w) => w.kind === 'lesson')).toBe(true);
    expect(h.fake.schools.get(SCHOOL)!.lessonMarks.has('L-P1|S1')).toBe(true);
  });

  // Issue 12 point 4: this used to park as failed_permanent, which the issue calls wrong (the MIS
  // simply does not take it): it is now 'not_sent', not a failure.
  it('does not write early-leaver codes, and says so', async () => {
    h = await harness({ school: { flavour: 'Arbor', students: ['S1'], lessons } });
    const out = queueMark(h.db, { eventId: 'e1', studentId: 'S1', direction: 'sign_out', code: 'M' });
    h.engine.start();
    await until(settled(h, 1), 'settled');
    expect(logicalRow(h.db, out)).toMatchObject({ state: 'not_sent', last_error_kind: 'capability_missing' });
    expect(logicalRow(h.db, out).last_error).toMatch(/no early-leaver codes/);
    expect(h.fake.writes).toHaveLength(0);
  });

  // Issue 12 point 4: was failed_permanent (wrong, per the issue); now 'not_sent', explained.
  it('a student with no lesson in the session: not sent, explained, not a failure', async () => {
    h = await harness({ school: { flavour: 'Arbor', students: ['S2'], lessons } });
    const id = queueMark(h.db, { eventId: 'e1', studentId: 'S2', session: 'PM' });
    h.engine.start();
    await until(settled(h, 1), 'settled');
    expect(logicalRow(h.db, id)).toMatchObject({ state: 'not_sent', last_error_kind: 'no_lesson' });
    expect(logicalRow(h.db, id).last_error).toMatch(/lists no lesson for this student in the PM session/);
  });
});

describe('start-up after a crash', () => {
  it('a row left in flight whose mark is already on the register is settled without writing again', async () => {
    h = await harness({ school: { students: ['S1', 'S2'] } });
    const landed = queueMark(h.db, { eventId: 'e1', studentId: 'S1', code: 'L' });
    const lost = queueMark(h.db, { eventId: 'e2', studentId: 'S2', code: 'L' });
    // As a kill between "sent" and "recorded as sent" leaves it: in flight, one attempt made.
    h.db.prepare(`UPDATE outbox SET state = 'in_flight', attempts = 1`).run();
    h.fake.setSessionMark(SCHOOL, 'S1', '2026-11-24', 'AM', 'L');
    h.engine.start();
    await until(settled(h, 2), 'settled');
    expect(outboxRow(h.db, landed).state).toBe('done');
    expect(h.fake.sessionWritesFor('S1')).toHaveLength(0);
    expect(outboxRow(h.db, lost).state).toBe('done');
    expect(h.fake.sessionWritesFor('S2')).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------------------------
// Issue 12: "not sent" (the MIS cannot take this by design) and "confirmed in the register".

/** A second engine on the harness's database, over a wrapped connector (readRegister, hidden marks, no read-back). */
function engineOver(hh: Harness, connector: MisConnector, confirmation: ConfirmSettings, extra: Partial<SyncEngineOptions> = {}): SyncEngine {
  const e = new SyncEngine({
    db: hh.db,
    connector,
    clock: systemClock,
    logger: silentLogger,
    backoff: { baseMs: 20, capMs: 200 },
    intervalMs: 100,
    probeMs: 50,
    confirmation: () => confirmation,
    ...extra,
  });
  extraEngines.push(e);
  return e;
}
const extraEngines: SyncEngine[] = [];
afterEach(async () => {
  for (const e of extraEngines.splice(0)) await e.stop();
});

/** The Wonde connector with its methods bound, so a test can replace one. */
function wrap(c: MisConnector, over: Partial<MisConnector>): MisConnector {
  return {
    name: c.name,
    capabilities: () => c.capabilities(),
    fetchAttendanceCodes: () => c.fetchAttendanceCodes(),
    readMarks: (q) => c.readMarks(q),
    writeSessionMarks: (m) => c.writeSessionMarks(m),
    writeLessonMarks: (m) => c.writeLessonMarks(m),
    listLessons: (q) => c.listLessons(q),
    fetchRosterPage: (x) => c.fetchRosterPage(x),
    ping: () => c.ping(),
    refreshAuth: () => c.refreshAuth(),
    ...over,
  };
}

const raw = (db: Harness['db'], id: number) => db.prepare(`SELECT * FROM outbox WHERE id = ?`).get(id) as Record<string, unknown>;
const quick: ConfirmSettings = { enabled: true, firstReadMs: 30, windowMs: 60_000 };
const sessionReads = (hh: Harness) => hh.fake.requests.filter((r) => r.method === 'GET' && r.path.includes('/attendance/session')).length;

describe('not sent: what the MIS does not take by design', () => {
  it('a school that has not allowed writeback: not sent, not failed, not in "retry all failed", and the log and CSV say so', async () => {
    h = await harness({ school: { students: ['S1'], allowsWriteback: false } });
    const id = queueMark(h.db, { eventId: 'e1', studentId: 'S1' });
    h.engine.start();
    await until(settled(h, 1), 'settled');
    expect(logicalRow(h.db, id)).toMatchObject({ state: 'not_sent', last_error_kind: 'writeback_off' });
    expect(logicalRow(h.db, id).last_error).toMatch(/^Not sent: the school's MIS takes no attendance writeback/);
    expect(h.fake.writes).toHaveLength(0);
    const st = h.engine.status();
    expect(st.counts).toMatchObject({ not_sent: 1, failed_permanent: 0 });
    expect(st.lastError).toBeNull();
    expect(h.engine.retry('all_failed')).toBe(0);
    expect(logicalRow(h.db, id).state).toBe('not_sent');

    const log = queryWritebackLog(h.db, {}, 0, 10);
    expect(log.rows[0]).toMatchObject({ status: 'not_sent', detail: expect.stringMatching(/^Not sent/) });
    expect(queryWritebackLog(h.db, { status: 'not_sent' }, 0, 10).total).toBe(1);
    expect(queryWritebackLog(h.db, { status: 'failed' }, 0, 10).total).toBe(0);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passdesk-log-'));
    const csv = fs.readFileSync(exportWritebackLog(h.db, {}, dir, 'x').path, 'utf8');
    expect(csv.split('\r\n')[1]).toMatch(/,not_sent,"?Not sent: the school's MIS takes no attendance writeback/);
    fs.rmSync(dir, { recursive: true, force: true });

    // The admin may still pick the row by hand (say, once the school allows writeback).
    expect(h.engine.retry([id])).toBe(1);
  });
});

describe('confirmed in the register', () => {
  it('reads a sent mark back and moves it from Sent to confirmed, with one read per student when there is no readRegister', async () => {
    h = await harness({ school: { students: ['S1', 'S2'] } });
    // The Wonde connector reads a day's register in one call (readRegister); wrap() leaves that
    // out, so this engine reads each student's marks (readMarks), as a connector without it does.
    const e = engineOver(h, wrap(h.connector, {}), quick);
    const a = queueMark(h.db, { eventId: 'e1', studentId: 'S1' });
    const b = queueMark(h.db, { eventId: 'e2', studentId: 'S2', session: 'PM' });
    const states: string[] = [];
    e.on('writeback', (w) => states.push(`${w.outboxId}:${w.state}`));
    e.start();
    await until(() => logicalRow(h!.db, a).state === 'confirmed' && logicalRow(h!.db, b).state === 'confirmed', 'both confirmed', 20_000);
    expect(states).toEqual(expect.arrayContaining([`${a}:done`, `${a}:confirmed`, `${b}:done`, `${b}:confirmed`]));
    expect(logicalRow(h.db, a)).toMatchObject({ confirm_at: null, confirm_reads: 1 });
    expect(raw(h.db, a).confirmed_at).not.toBeNull();
    expect(h.fake.sessionWritesFor('S1')).toHaveLength(1);
    expect(sessionReads(h)).toBe(2);
    expect(e.status().counts).toMatchObject({ confirmed: 2, done: 0 });
    expect(queryWritebackLog(h.db, { status: 'confirmed' }, 0, 10).total).toBe(2);
    expect(queryWritebackLog(h.db, { status: 'succeeded' }, 0, 10).total).toBe(0);
  });

  it('batches the read-back by day: one readRegister per date and register, with all its students', async () => {
    h = await harness({ school: { students: students(30) } });
    const calls: { date: string; target: string; misIds: string[] }[] = [];
    const c = h.connector;
    const e = engineOver(
      h,
      wrap(c, {
        readRegister: async (q) => {
          calls.push({ ...q, misIds: [...q.misIds].sort() });
          const per = await Promise.all(q.misIds.map(async (misId) => (await c.readMarks({ misId, date: q.date, target: q.target })).map((m) => ({ ...m, misId }))));
          return per.flat();
        },
      }),
      quick,
      { batchSize: 10 },
    );
    const ids = students(30).map((s, i) => queueMark(h!.db, { eventId: `e${i}`, studentId: s, date: i < 20 ? '2026-11-24' : '2026-11-23' }));
    e.start();
    await until(() => ids.every((id) => logicalRow(h!.db, id).state === 'confirmed'), 'all confirmed', 20_000);
    // Rows sent in several batches may be read in more than one pass, but each pass reads a day once.
    const byDay = new Map<string, number>();
    for (const call of calls) byDay.set(call.date, (byDay.get(call.date) ?? 0) + call.misIds.length);
    expect(byDay.get('2026-11-24')).toBe(20);
    expect(byDay.get('2026-11-23')).toBe(10);
    expect(calls.length).toBeLessThanOrEqual(6);
    expect(calls.every((x) => x.target === 'session')).toBe(true);
  });

  it('a mark the register does not show within the window goes back to pending ("not in the register yet") and is sent again', async () => {
    h = await harness({ school: { students: ['S1'] } });
    let hidden = true;
    const c = h.connector;
    const e = engineOver(h, wrap(c, { readMarks: async (q) => (hidden ? [] : c.readMarks(q)) }), { enabled: true, firstReadMs: 20, windowMs: 300 });
    const seen: { state: string; kind: string | null; message: string | null }[] = [];
    const id = queueMark(h.db, { eventId: 'e1', studentId: 'S1' });
    e.on('writeback', (w) => {
      if (w.outboxId === id) seen.push({ state: w.state, kind: w.kind, message: w.message });
    });
    e.start();
    await until(() => seen.some((s) => s.kind === 'not_in_register'), 'back to pending', 20_000);
    expect(seen.find((s) => s.kind === 'not_in_register')).toMatchObject({ state: 'pending', message: expect.stringMatching(/^Not in the register yet/) });
    // The resend read the register first (it still showed nothing), so it wrote again.
    await until(() => h!.fake.sessionWritesFor('S1').length === 2, 'sent again', 20_000);
    hidden = false;
    await until(() => logicalRow(h!.db, id).state === 'confirmed', 'confirmed after the resend', 20_000);
    expect(logicalRow(h.db, id).attempts).toBeGreaterThanOrEqual(2);
  });

  it('a resend whose read finds the mark landed meanwhile is not written twice', async () => {
    h = await harness({ school: { students: ['S1'] } });
    const c = h.connector;
    const id = queueMark(h.db, { eventId: 'e1', studentId: 'S1' });
    // The read-back (row Sent) sees nothing until the resend's read (row in flight), which reads the register truly.
    let resent = false;
    const e = engineOver(
      h,
      wrap(c, {
        readMarks: async (q) => {
          if (logicalRow(h!.db, id).state === 'in_flight') resent = true;
          return resent ? c.readMarks(q) : [];
        },
      }),
      { enabled: true, firstReadMs: 20, windowMs: 150 },
    );
    e.start();
    await until(() => logicalRow(h!.db, id).state === 'confirmed', 'confirmed', 20_000);
    expect(h.fake.sessionWritesFor('S1')).toHaveLength(1);
    expect(logicalRow(h.db, id).attempts).toBe(2);
  });

  it("a teacher's change on the register is shown as changed in the MIS, never overwritten; a later kiosk event still is sent", async () => {
    h = await harness({
      school: { students: ['S1'] },
      engine: { rulesFor: () => ({ protectedCodes: ['M'] }), confirmation: () => quick },
    });
    h.fake.setSessionMark(SCHOOL, 'S1', '2026-11-24', 'AM', 'N');
    const id = queueMark(h.db, { eventId: 'e1', studentId: 'S1', code: 'L' });
    // The teacher changes the mark as soon as ours is sent, before any read-back (in the engine's own event).
    h.engine.on('writeback', (w) => {
      if (w.outboxId === id && w.state === 'done') h!.fake.setSessionMark(SCHOOL, 'S1', '2026-11-24', 'AM', 'U');
    });
    h.engine.start();
    await until(() => logicalRow(h!.db, id).state === 'changed_in_mis', 'changed in the MIS', 20_000);
    expect(logicalRow(h.db, id)).toMatchObject({ previous_mark: 'N', register_mark: 'U', last_error_kind: 'changed_in_mis' });
    expect(logicalRow(h.db, id).last_error).toMatch(/register now holds U, not the kiosk's L/);
    expect(h.fake.sessionWritesFor('S1')).toHaveLength(1);
    expect(h.fake.sessionMark(SCHOOL, 'S1', '2026-11-24', 'AM')?.code).toBe('U');
    expect(h.engine.retry('all_failed')).toBe(0);

    // A later kiosk event for the slot follows the rules as before: U is not protected, so it is written.
    const later = overrideMark(h.db, 'e1', { eventId: 'e2', studentId: 'S1', code: 'M', comment: 'Dentist' })!;
    h.engine.kick();
    await until(() => ['confirmed', 'done'].includes(logicalRow(h!.db, later).state), 'the later mark is sent', 20_000);
    expect(h.fake.sessionMark(SCHOOL, 'S1', '2026-11-24', 'AM')?.code).toBe('M');
    expect(logicalRow(h.db, id).state).toBe('changed_in_mis');
  });

  it('an MIS that has not applied the write yet (the old mark still there) is "not there yet", not a teacher\'s change', async () => {
    h = await harness({ school: { students: ['S1'] }, engine: { rulesFor: () => ({ protectedCodes: ['M'] }) } });
    h.fake.setSessionMark(SCHOOL, 'S1', '2026-11-24', 'AM', 'N');
    let stale = true;
    const c = h.connector;
    let reads = 0;
    const e = engineOver(
      h,
      wrap(c, {
        readMarks: async (q) => {
          const marks = await c.readMarks(q);
          reads++;
          // Before the write is applied, the register still shows N (the fake applies at once; this models a queue).
          return stale && reads > 1 ? marks.map((m) => ({ ...m, code: 'N' })) : marks;
        },
      }),
      { enabled: true, firstReadMs: 20, windowMs: 60_000 },
      { rulesFor: () => ({ protectedCodes: ['M'] }) },
    );
    const id = queueMark(h.db, { eventId: 'e1', studentId: 'S1', code: 'L' });
    e.start();
    await until(() => reads >= 3, 'read back twice while the old mark shows', 20_000);
    expect(logicalRow(h.db, id)).toMatchObject({ state: 'done', previous_mark: 'N' });
    stale = false;
    await until(() => logicalRow(h!.db, id).state === 'confirmed', 'confirmed once applied', 20_000);
  });

  it('a read that fails never confirms and never un-confirms, even past the window', async () => {
    h = await harness({ school: { students: ['S1'] } });
    let failing = true;
    let failedReads = 0;
    const c = h.connector;
    const e = engineOver(
      h,
      wrap(c, {
        readMarks: async (q) => {
          if (failing) {
            failedReads++;
            throw new MisError('server_error', 'The MIS answered 503.');
          }
          return c.readMarks(q);
        },
      }),
      { enabled: true, firstReadMs: 20, windowMs: 100 },
    );
    const id = queueMark(h.db, { eventId: 'e1', studentId: 'S1' });
    e.start();
    await until(() => failedReads >= 3 && Date.now() - Date.parse(raw(h!.db, id).sent_at as string) > 200, 'reads failing past the window', 20_000);
    expect(logicalRow(h.db, id)).toMatchObject({ state: 'done', attempts: 1 });
    expect(raw(h.db, id).confirm_at).not.toBeNull();
    expect(h.fake.sessionWritesFor('S1')).toHaveLength(1);
    expect(e.status().awaitingRegister).toBe(1);
    failing = false;
    await until(() => logicalRow(h!.db, id).state === 'confirmed', 'confirmed once reads work', 20_000);
    expect(h.fake.sessionWritesFor('S1')).toHaveLength(1);
    expect(e.status().awaitingRegister).toBe(0);
  });

  it('a connector with no read-back (file export) leaves its rows Sent', async () => {
    h = await harness({ school: { students: ['S1'] } });
    const c = h.connector;
    const e = engineOver(h, wrap(c, { capabilities: async () => ({ ...(await c.capabilities()), readMarks: false }) }), quick);
    const id = queueMark(h.db, { eventId: 'e1', studentId: 'S1' });
    e.start();
    await until(() => logicalRow(h!.db, id).state === 'done', 'sent', 20_000);
    await e.idle();
    expect(logicalRow(h.db, id)).toMatchObject({ state: 'done', confirm_at: null });
    expect(sessionReads(h)).toBe(0);
    expect(e.status().awaitingRegister).toBe(0);
  });

  it('a SIGKILL between the write and the read-back leaves the row Sent; start-up resumes the confirmation', async () => {
    h = await harness({ school: { students: ['S1', 'S2', 'S3'] } });
    const ids = ['S1', 'S2', 'S3'].map((s, i) => queueMark(h!.db, { eventId: `e${i}`, studentId: s }));
    // The crash test's child runs the real engine (default confirmation: first read after a
    // minute) in its own process; it is killed as soon as every mark is sent.
    const child = spawn(process.execPath, ['--import', 'tsx', CRASH_CHILD, h.db.name, h.fake.baseUrl, SCHOOL], { stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    try {
      await until(() => ids.every((id) => logicalRow(h!.db, id).state === 'done'), 'all sent by the child', 20_000);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    for (const id of ids) {
      expect(logicalRow(h.db, id).state).toBe('done');
      expect(raw(h.db, id).confirm_at).not.toBeNull(); // awaiting its read-back, durably
    }
    // The next run reads back at the due time; the test brings that time forward rather than wait a minute.
    h.db.prepare(`UPDATE outbox SET confirm_at = ? WHERE state = 'done'`).run(new Date().toISOString());
    const e = engineOver(h, h.connector, quick);
    e.start();
    await until(() => ids.every((id) => logicalRow(h!.db, id).state === 'confirmed'), 'confirmed after restart', 20_000);
    for (const s of ['S1', 'S2', 'S3']) expect(h.fake.sessionWritesFor(s)).toHaveLength(1);
  });

  it('a row left in flight by a crash, whose write landed, is settled without a second write and then confirmed', async () => {
    h = await harness({ school: { students: ['S1'] }, engine: { confirmation: () => quick } });
    const id = queueMark(h.db, { eventId: 'e1', studentId: 'S1', code: 'L' });
    h.db.prepare(`UPDATE outbox SET state = 'in_flight', attempts = 1`).run();
    h.fake.setSessionMark(SCHOOL, 'S1', '2026-11-24', 'AM', 'L');
    h.engine.start();
    await until(() => logicalRow(h!.db, id).state === 'confirmed', 'confirmed', 20_000);
    expect(h.fake.sessionWritesFor('S1')).toHaveLength(0);
  });
});
