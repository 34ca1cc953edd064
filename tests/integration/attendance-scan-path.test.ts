// Issue 16, the scan path: what the student and the office see stays the same while the kiosk
// does less per scan (a group's rules and reason buttons worked out once per settings; migration
// 014 drops events_occurred, the writeback log reads its order from events_day).
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../electron/core/db/database';
import { migrations } from '../../electron/core/db/migrations';
import { writebackLogPage } from '../../electron/core/db/writeback-log';
import { openTestCore, tempDir } from '../helpers/core';
import type { Student } from '../../shared/model';

const student = (i: number, year: number): Student => ({
  id: `s${i}`, misId: `m${i}`, forename: `Ava${i}`, surname: 'Smith', year, form: null, groupId: null, badge: String(100_000 + i), photo: null, active: true,
});

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanup) c();
  cleanup = [];
});

describe('the scan path after issue 16', () => {
  it('shows the reasons and applies the rules of the settings saved a moment ago, per group', async () => {
    const t = openTestCore('2026-11-24T09:07:00Z', { demo: false });
    cleanup.push(() => t.dispose());
    const { core } = t;
    core.importStudents([student(1, 9), student(2, 12)], 'test');
    const reasonIds = (code: string) => {
      const r = core.scan({ code });
      if (!r.ok) throw new Error(r.reason);
      return r.flow.reasons.sign_in.map((x) => x.id);
    };
    const before = reasonIds('100001');
    expect(before).toContain('traffic');
    expect(reasonIds('100002')).toEqual(before);

    // The site admin adds a reason and gives the sixth form its own late time and reasons.
    const s = core.getSettings();
    core.updateSettings({
      settings: {
        ...s,
        rules: { ...s.rules, reasons: [...s.rules.reasons, { id: 'snow', label: 'Snow', directions: ['sign_in'] }] },
        groups: [{ id: 'sixth', name: 'Sixth form', years: { from: 12, to: 13 }, overrides: { sessions: { ...s.rules.sessions, AM: { ...s.rules.sessions.AM, lateAfter: '09:30', unauthorisedAfter: '09:45' } }, reasons: [{ id: 'study', label: 'Study period', directions: ['sign_in', 'sign_out'] }] } }],
      },
    });

    expect(reasonIds('100001')).toEqual([...before, 'snow']);
    const sixth = core.scan({ code: '100002' });
    if (!sixth.ok) throw new Error(sixth.reason);
    expect(sixth.flow.student.groupName).toBe('Sixth form');
    expect(sixth.flow.reasons.sign_in.map((x) => x.id)).toEqual(['study']);
    // 09:07 is before the sixth form's 09:30: on time, while Year 9 is late.
    expect(sixth.flow.arrival).toBe('on_time');
    const nine = await core.record({ studentId: 's1', direction: 'sign_in', reasonId: 'snow' });
    expect(nine.event).toMatchObject({ reasonId: 'snow', code: 'L', minutesLate: 7 });
    const six = await core.record({ studentId: 's2', direction: 'sign_in', reasonId: 'study' });
    expect(six.event).toMatchObject({ reasonId: 'study', minutesLate: null });
    // The reason a sixth former may not give is refused, whatever the site's list says.
    await expect(core.record({ studentId: 's2', direction: 'sign_in', reasonId: 'traffic' })).rejects.toThrow(/not offered/);
  });

  it('refuses the sign-in of a student taken off the roster after the scan, and writes nothing', async () => {
    const t = openTestCore('2026-11-24T09:07:00Z', { demo: false });
    cleanup.push(() => t.dispose());
    const { core } = t;
    core.importStudents([student(1, 9)], 'test');
    const scan = core.scan({ code: '100001' });
    expect(scan.ok).toBe(true);
    core.importStudents([{ ...student(1, 9), active: false }], 'test');
    await expect(core.record({ studentId: 's1', direction: 'sign_in', reasonId: 'traffic' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(core.record({ studentId: 'nobody', direction: 'sign_in', reasonId: 'traffic' })).rejects.toMatchObject({ code: 'not_found' });
    expect(core.db.prepare('SELECT (SELECT COUNT(*) FROM events) + (SELECT COUNT(*) FROM outbox) + (SELECT COUNT(*) FROM late_pending) AS n').get()).toEqual({ n: 0 });
  });

  it('a kiosk file from before migration 014 keeps its events, and the writeback log still lists them newest first across days', () => {
    const dataDir = tempDir();
    const file = path.join(dataDir, 'passdesk.sqlite');
    const old = openDatabase(file, { migrations: migrations.filter((m) => m.version <= 13) });
    old.prepare(`INSERT INTO students (id, forename, surname, year, badge, updated_at) VALUES ('s1', 'Ava', 'Smith', 9, '100001', '2026-11-01')`).run();
    const insert = old.prepare(
      `INSERT INTO events (id, student_id, direction, occurred_at, local_date, local_time, session, code, minutes_late, writeback, actor, created_at)
       VALUES (?, 's1', ?, ?, ?, ?, 'AM', 'L', 5, 1, 'kiosk', ?)`,
    );
    // Inserted out of time order, as an override or a salvage can leave them.
    insert.run('late-evening', 'sign_out', '2026-11-23T23:30:00Z', '2026-11-23', '23:30', '2026-11-23T23:30:00Z');
    insert.run('next-morning', 'sign_in', '2026-11-24T08:50:00Z', '2026-11-24', '08:50', '2026-11-24T08:50:00Z');
    insert.run('same-morning-earlier', 'sign_in', '2026-11-24T08:10:00Z', '2026-11-24', '08:10', '2026-11-24T08:10:00Z');
    insert.run('day-before', 'sign_in', '2026-11-23T09:05:00Z', '2026-11-23', '09:05', '2026-11-23T09:05:00Z');
    expect(old.prepare(`SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'events_occurred'`).get()).toEqual({ n: 1 });
    old.close();

    const t = openTestCore('2026-11-24T09:07:00Z', { dataDir, demo: false });
    cleanup.push(() => t.dispose());
    const db = t.core.db;
    expect(db.prepare(`SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'events_occurred'`).get()).toEqual({ n: 0 });
    const { rows, total } = writebackLogPage(db, {}, 0, 10);
    expect(total).toBe(4);
    expect(rows.map((r) => r.eventId)).toEqual(['next-morning', 'same-morning-earlier', 'late-evening', 'day-before']);
    // Paging walks the same order.
    expect(writebackLogPage(db, {}, 1, 2).rows.map((r) => r.eventId)).toEqual(['same-morning-earlier', 'late-evening']);
    expect(writebackLogPage(db, { from: '2026-11-23', to: '2026-11-23' }, 0, 10).rows.map((r) => r.eventId)).toEqual(['late-evening', 'day-before']);
  });
});
