// The sync engine against the fake Wonde: what reaches the register, and what the admin sees.
import { afterEach, describe, expect, it } from 'vitest';
import { harness, SCHOOL, students, until, type Harness } from '../fakes/wonde/harness';
import { outboxRow, overrideMark, queueMark, rowsByState } from '../fakes/wonde/seed';
import { secretKeys } from '../../shared/mis';
import type { SyncStatus, WritebackEvent } from '../../electron/core/sync/engine';

let h: Harness | null = null;
afterEach(async () => {
  await h?.dispose();
  h = null;
});

const settled = (hh: Harness, n: number) => () => {
  const s = rowsByState(hh.db);
  return (s.done ?? 0) + (s.failed_permanent ?? 0) + (s.skipped_protected ?? 0) + (s.superseded ?? 0) >= n;
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
    expect(Date.parse(row.next_attempt_at) - Date.now()).toBeGreaterThan(2_000);
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

  it('does not write early-leaver codes, and says so', async () => {
    h = await harness({ school: { flavour: 'Arbor', students: ['S1'], lessons } });
    const out = queueMark(h.db, { eventId: 'e1', studentId: 'S1', direction: 'sign_out', code: 'M' });
    h.engine.start();
    await until(settled(h, 1), 'settled');
    expect(outboxRow(h.db, out)).toMatchObject({ state: 'failed_permanent', last_error_kind: 'capability_missing' });
    expect(outboxRow(h.db, out).last_error).toMatch(/no early-leaver codes/);
    expect(h.fake.writes).toHaveLength(0);
  });

  it('a student with no lesson in the session: a permanent, explained failure', async () => {
    h = await harness({ school: { flavour: 'Arbor', students: ['S2'], lessons } });
    const id = queueMark(h.db, { eventId: 'e1', studentId: 'S2', session: 'PM' });
    h.engine.start();
    await until(settled(h, 1), 'settled');
    expect(outboxRow(h.db, id)).toMatchObject({ state: 'failed_permanent', last_error_kind: 'no_lesson' });
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
