// Taking back what an import wrote (db/roster-writer.ts undoPlan): a student added tonight who
// has already signed in is kept, inactive, with the sign-in; a failure of the undo itself reaches
// the caller as itself (a full disk is reported as a full disk, not as a missing savepoint).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../electron/core/db/database';
import { undoPlan, writePlanInChunks, type ChunkedWriteOptions } from '../../electron/core/db/roster-writer';
import type { Student } from '../../shared/model';

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanup.splice(0).reverse()) c();
});

function kiosk(): Db {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passdesk-undo-'));
  const db = openDatabase(path.join(dir, 'kiosk.db'));
  cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }), () => db.close());
  return db;
}

const NOW = '2026-12-01T09:00:00Z';
const student = (id: string): Student => ({ id, misId: id, forename: 'Ava', surname: `Smith ${id}`, year: 9, form: '9A', groupId: null, badge: `B${id}`, photo: null, active: true });
const options = (): ChunkedWriteOptions => ({ source: 'csv', nowIso: NOW, keepPhotos: false, before: new Map(), contactsBefore: new Map() });
const plan = (added: Student[]) => ({ added, updated: [], leavers: [], releasedBadges: [], contacts: [] });

function signIn(db: Db, studentId: string): void {
  db.prepare(
    `INSERT INTO events (id, student_id, direction, occurred_at, local_date, local_time, writeback, actor, created_at)
     VALUES (?, ?, 'sign_in', ?, '2026-12-01', '09:00', 0, 'kiosk', ?)`,
  ).run(`e-${studentId}`, studentId, NOW, NOW);
}

describe('taking back an import', () => {
  it('deletes the students it added, and keeps (inactive, badge freed) one who signed in meanwhile', async () => {
    const db = kiosk();
    const added = [student('s1'), student('s2')];
    await writePlanInChunks(db, plan(added), options());
    signIn(db, 's2');
    await undoPlan(db, plan(added), options());
    expect(db.prepare('SELECT id, active, badge FROM students ORDER BY id').all()).toEqual([{ id: 's2', active: 0, badge: null }]);
    expect(db.prepare('SELECT COUNT(*) FROM events').pluck().get()).toBe(1);
  });

  it('deletes a student it put on the desk whose contacts were written early (their contacts go with them)', async () => {
    const db = kiosk();
    const s = student('s1');
    await writePlanInChunks(db, { ...plan([s]), contacts: [{ studentId: 's1', contacts: [{ name: 'Parent', phone: '07700 900001' }] }] }, { ...options(), held: true });
    await writePlanInChunks(db, { ...plan([]), activate: ['s1'] }, options());
    // Taking back the activation alone (the early write's contacts are not in this undo's plan).
    await undoPlan(db, { ...plan([]), activate: ['s1'] }, options());
    expect(db.prepare('SELECT COUNT(*) FROM students').pluck().get()).toBe(0);
    expect(db.prepare('SELECT COUNT(*) FROM student_contacts').pluck().get()).toBe(0);
  });

  it('reports its own failure as it came, when SQLite rolled the whole step back', async () => {
    const db = kiosk();
    const added = [student('s1'), student('s2')];
    await writePlanInChunks(db, plan(added), options());
    // A failure that ends the whole transaction, as a full disk or an I/O error does.
    db.exec(`CREATE TRIGGER fail_delete BEFORE DELETE ON students WHEN old.id = 's2' BEGIN SELECT RAISE(ROLLBACK, 'database or disk is full'); END`);
    await expect(undoPlan(db, plan(added), options())).rejects.toThrow('database or disk is full');
    db.exec('DROP TRIGGER fail_delete');
    // Nothing half-done is left in a transaction.
    expect(db.inTransaction).toBe(false);
  });
});
