// Issue 16: the roster import syncs its writes between chunks by syncing the WAL file alone
// (db/database.ts walSyncer), folding the WAL back into the database only now and then. What a
// school would notice: every student the import wrote is there after a kill, and a kiosk whose WAL
// file cannot be opened that way still syncs (by a checkpoint, as before).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, openSideConnection, syncWrites, walSyncer } from '../../electron/core/db/database';
import type { Db } from '../../electron/core/db/database';

const open: Db[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function kiosk() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passdesk-walsync-'));
  dirs.push(dir);
  const file = path.join(dir, 'kiosk.db');
  const main = openDatabase(file);
  const side = openSideConnection(file);
  open.push(side, main);
  return { file, main, side };
}

/** [frames in the WAL, frames folded back into the database] (a PASSIVE checkpoint of nothing new reports them). */
const walFrames = (db: Db) => {
  const [r] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
  return r!;
};

const addStudents = (db: Db, from: number, n: number) =>
  db.transaction(() => {
    const put = db.prepare(`INSERT INTO students (id, forename, surname, active, source, updated_at) VALUES (?, ?, ?, 1, 'csv', '2026-12-01T09:00:00Z')`);
    for (let i = from; i < from + n; i++) put.run(`s${i}`, `Ava${i}`, `Smith${i}`);
  })();

describe('the import connection syncing its WAL', () => {
  it('syncs the WAL without folding it back, and the students are there', () => {
    const { side, main, file } = kiosk();
    side.pragma('wal_checkpoint(TRUNCATE)');
    const size = fs.statSync(file).size;
    const wal = walSyncer(side);
    addStudents(side, 0, 500);
    wal.sync();
    // Not folded back: the database file has not grown (a checkpoint copies the new pages into it).
    expect(fs.statSync(file).size).toBe(size);
    expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(0);
    expect(main.prepare('SELECT COUNT(*) FROM students').pluck().get()).toBe(500);
    syncWrites(side);
    expect(fs.statSync(file).size).toBeGreaterThan(size);
    wal.close();
  });

  // Renaming a file SQLite holds open is refused on Windows; the fallback itself is the same there.
  it.skipIf(process.platform === 'win32')('falls back to a checkpoint where the WAL file cannot be opened', () => {
    const { side, file } = kiosk();
    const wal = walSyncer(side);
    addStudents(side, 0, 200);
    // The WAL file taken away under the connection (as a platform that refuses the open would).
    fs.renameSync(`${file}-wal`, `${file}-wal.moved`);
    try {
      wal.sync();
    } finally {
      fs.renameSync(`${file}-wal.moved`, `${file}-wal`);
    }
    addStudents(side, 200, 100);
    wal.sync();
    // Each sync was a checkpoint: nothing is left in the WAL unfolded.
    const f = walFrames(side);
    expect(f.checkpointed).toBe(f.log);
    wal.close();
  });

  // (What reaches the disk is the OS's business; this holds the WAL left unfolded to be complete and replayed.)
  it('leaves every written student in the database after the connections are dropped without a checkpoint', () => {
    const { side, main, file } = kiosk();
    const wal = walSyncer(side);
    addStudents(side, 0, 300);
    wal.sync();
    wal.close();
    // A kill: the WAL is left as it is (no checkpoint on close), and the next start replays it.
    const walCopy = fs.readFileSync(`${file}-wal`);
    const dbCopy = fs.readFileSync(file);
    side.close();
    main.close();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passdesk-walsync-kill-'));
    dirs.push(dir);
    const copy = path.join(dir, 'kiosk.db');
    fs.writeFileSync(copy, dbCopy);
    fs.writeFileSync(`${copy}-wal`, walCopy);
    const again = openDatabase(copy);
    open.push(again);
    expect(again.prepare('SELECT COUNT(*) FROM students').pluck().get()).toBe(300);
  });
});
