// Backups, restore, and the start-up recovery of a corrupt database, on real files.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestCore, tempDir } from '../helpers/core';
import { KioskCore } from '../../electron/core/kiosk';
import { fixedClock } from '../../electron/core/clock';
import { latestVersion } from '../../electron/core/db/database';
import { backupDatabase, backupsDirOf, checkBackup, listBackups } from '../../electron/core/maintenance/backup';
import { restoreBackup } from '../../electron/core/maintenance/restore';
import { openWithRecovery, readRecoveryNotices } from '../../electron/core/maintenance/recovery';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

const AT = '2026-11-24T09:07:00Z';

function kiosk(dataDir?: string) {
  const t = openTestCore(AT, dataDir ? { dataDir } : {});
  cleanups.push(t.dispose);
  return t;
}

async function signIns(core: KioskCore, students: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const s of students) ids.push((await core.record({ studentId: s, direction: 'sign_in', reasonId: 'overslept' })).event.id);
  return ids;
}

const eventIds = (core: KioskCore) => (core.db.prepare('SELECT id FROM events ORDER BY id').all() as { id: string }[]).map((r) => r.id).sort();

/** Overwrite one b-tree page of a closed database with garbage: the file opens, its check fails. */
function damagePageOf(file: string, indexName: string): void {
  const db = new Database(file, { readonly: true });
  const { rootpage } = db.prepare('SELECT rootpage FROM sqlite_master WHERE name = ?').get(indexName) as { rootpage: number };
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.close();
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (rootpage - 1) * pageSize);
  fs.closeSync(fd);
}

describe('nightly backup', () => {
  it('copies the live database while sign-ins go on, and the copy passes a full integrity check', async () => {
    const { core, clock, dataDir } = kiosk();
    await signIns(core, ['demo-1', 'demo-2']);
    const backingUp = backupDatabase(core.db, backupsDirOf(dataDir), { keep: 3, clock });
    await signIns(core, ['demo-3']); // the kiosk does not wait for the backup
    const info = await backingUp;
    expect(info).toMatchObject({ ok: true, schemaVersion: latestVersion() });
    expect(info.events).toBeGreaterThanOrEqual(2);
    expect(path.basename(info.file)).toBe('passdesk-2026-11-24T09-07-00-000Z.sqlite');
    expect(fs.readdirSync(backupsDirOf(dataDir))).toEqual([path.basename(info.file)]); // one self-contained file
    expect(checkBackup(info.file)).toMatchObject({ ok: true });
  });

  it('is one snapshot of what was committed when it started, in a self-contained file, while sign-ins go on', async () => {
    const { core, clock, dataDir } = kiosk();
    const before = await signIns(core, ['demo-1', 'demo-2', 'demo-3']);
    let done = false;
    const backingUp = backupDatabase(core.db, backupsDirOf(dataDir), { keep: 3, clock }).finally(() => (done = true));
    const during: string[] = [];
    for (const s of ['demo-4', 'demo-5', 'demo-6', 'demo-7', 'demo-8']) {
      if (done) break;
      during.push(...(await signIns(core, [s])));
      await new Promise((r) => setImmediate(r));
    }
    const info = await backingUp;

    const copy = new Database(info.file, { readonly: true });
    try {
      expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
      const inCopy = (copy.prepare('SELECT id FROM events').all() as { id: string }[]).map((r) => r.id);
      expect(inCopy).toEqual(expect.arrayContaining(before));
      expect(inCopy.every((id) => before.includes(id) || during.includes(id))).toBe(true);
      expect(info.events).toBe(inCopy.length);
      // Never half a sign-in: each event in the copy has its writeback job.
      expect(copy.prepare('SELECT COUNT(*) AS n FROM events WHERE id NOT IN (SELECT event_id FROM outbox)').get()).toEqual({ n: 0 });
    } finally {
      copy.close();
    }
    expect(fs.readdirSync(backupsDirOf(dataDir))).toEqual([path.basename(info.file)]);
    expect(eventIds(core)).toEqual([...before, ...during].sort()); // the kiosk's own database has them all
  });

  it('keeps the newest N and lists them newest first', async () => {
    const { core, clock, dataDir } = kiosk();
    for (const day of ['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23', '2026-11-24']) {
      clock.set(`${day}T02:30:00Z`);
      await backupDatabase(core.db, backupsDirOf(dataDir), { keep: 3, clock });
    }
    expect(listBackups(backupsDirOf(dataDir)).map((b) => b.takenAt)).toEqual([
      '2026-11-24T02:30:00.000Z',
      '2026-11-23T02:30:00.000Z',
      '2026-11-22T02:30:00.000Z',
    ]);
  });

  it('says why it failed when the backup folder cannot be written', async () => {
    const { core, dataDir } = kiosk();
    const blocked = path.join(dataDir, 'not-a-folder');
    fs.writeFileSync(blocked, 'x');
    await expect(backupDatabase(core.db, blocked, { keep: 3 })).rejects.toThrow(/could not be written to/);
  });
});

describe('restore', () => {
  it('puts a backup back and keeps the database it replaced', async () => {
    const { core, clock, dataDir } = kiosk();
    const before = await signIns(core, ['demo-1', 'demo-2', 'demo-3']);
    await backupDatabase(core.db, backupsDirOf(dataDir), { keep: 3, clock });
    await signIns(core, ['demo-4', 'demo-5']);
    core.close();

    const result = restoreBackup({ dataDir, clock: fixedClock('2026-11-24T12:00:00Z') });
    expect(result).toMatchObject({ events: 3 });
    expect(result.movedAside).toMatch(/replaced\/passdesk-2026-11-24T12-00-00-000Z-before-restore\.sqlite$/);

    const reopened = KioskCore.open({ dataDir, clock });
    cleanups.push(() => reopened.close());
    expect(eventIds(reopened)).toEqual(before.sort());
    const aside = new Database(result.movedAside!, { readonly: true });
    expect(aside.prepare('SELECT COUNT(*) AS n FROM events').get()).toEqual({ n: 5 });
    aside.close();
  });

  it('refuses a file that is not a good Passdesk database, and changes nothing', async () => {
    const { core, dataDir } = kiosk();
    await signIns(core, ['demo-1']);
    core.close();
    const junk = path.join(dataDir, 'junk.sqlite');
    fs.writeFileSync(junk, 'this is not a database at all, just some text that is long enough'.repeat(100));
    expect(() => restoreBackup({ dataDir, from: junk })).toThrow(/cannot be restored/);
    expect(() => restoreBackup({ dataDir })).toThrow(/no usable backup/);
    const reopened = KioskCore.open({ dataDir });
    cleanups.push(() => reopened.close());
    expect(eventIds(reopened)).toHaveLength(1);
  });
});

describe('corrupt database at start-up', () => {
  it('restores the last good backup, reads back later sign-ins, and tells the admin', async () => {
    const { core, clock, dataDir } = kiosk();
    const inBackup = await signIns(core, ['demo-1', 'demo-2', 'demo-3']);
    await backupDatabase(core.db, backupsDirOf(dataDir), { keep: 3, clock });
    const afterBackup = await signIns(core, ['demo-4', 'demo-5']);
    core.close();
    damagePageOf(path.join(dataDir, 'passdesk.sqlite'), 'events_day');

    const opened = openWithRecovery(() => KioskCore.open({ dataDir, clock }), { dataDir, clock });
    cleanups.push(() => opened.value.close());

    expect(eventIds(opened.value)).toEqual([...inBackup, ...afterBackup].sort());
    expect(opened.recovery).toMatchObject({ eventsInBackup: 3, eventsSalvaged: 2, startedEmpty: false, partialTables: [] });
    expect(opened.recovery!.message).toMatch(/restored from the backup of 2026-11-24T09:07:00.000Z; 2 later sign-in\(s\) were read back/);
    expect(fs.existsSync(opened.recovery!.damagedFile!)).toBe(true);
    expect(readRecoveryNotices(dataDir)).toHaveLength(1);
    // The outbox rows came back too, so the marks still go to the MIS; the database is whole.
    expect(opened.value.db.prepare(`SELECT COUNT(*) AS n FROM outbox`).get()).toEqual({ n: 5 });
    expect(opened.value.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(opened.value.db.pragma('foreign_key_check')).toEqual([]);
    expect(opened.value.db.prepare(`SELECT action FROM audit_log WHERE action = 'database.recovered'`).all()).toHaveLength(1);
    // Name search still works after the students were copied back.
    expect(opened.value.searchStudents({ query: 'Novak' }).map((h) => h.id)).toContain('demo-1');
    // Each late counts once (issue 18's counts, caught up from late_pending since issue 16), not
    // once from the backup and again from the sign-ins read back.
    expect(opened.value.lateness.report('2026-11-23', '2026-11-27').lates).toBe(5);
    expect(opened.value.lateness.counts.count('demo-1', '2026-11-23', '2026-11-29')).toBe(1);
  });

  // Issue 16: a late is counted from a note (late_pending) until the catch-up folds it into the
  // counts; the salvage copies the counts and must carry the notes by event id (rowids change).
  it.each([
    ['both files still hold their notes', false, false],
    ['the backup holds counts, the damaged file notes for the later lates', true, false],
    ['both files hold counts only', true, true],
  ])('after a salvage each late counts once: %s', async (_, caughtUpBeforeBackup, caughtUpAfter) => {
    const { core, clock, dataDir } = kiosk();
    await signIns(core, ['demo-1', 'demo-2', 'demo-3']);
    if (caughtUpBeforeBackup) core.lateness.counts.catchUp();
    await backupDatabase(core.db, backupsDirOf(dataDir), { keep: 3, clock });
    await signIns(core, ['demo-4', 'demo-5']);
    if (caughtUpAfter) core.lateness.counts.catchUp();
    core.close();
    damagePageOf(path.join(dataDir, 'passdesk.sqlite'), 'events_day');

    const opened = openWithRecovery(() => KioskCore.open({ dataDir, clock }), { dataDir, clock });
    cleanups.push(() => opened.value.close());
    expect(opened.recovery).toMatchObject({ eventsInBackup: 3, eventsSalvaged: 2 });
    expect(opened.value.lateness.report('2026-11-23', '2026-11-27').lates).toBe(5);
    for (const s of ['demo-1', 'demo-4']) expect(opened.value.lateness.counts.count(s, '2026-11-23', '2026-11-29')).toBe(1);
    opened.value.lateness.counts.catchUp();
    expect(opened.value.lateness.report('2026-11-23', '2026-11-27').lates).toBe(5);
  });

  it('restores the backup even when the damaged file cannot be read at all', async () => {
    const { core, clock, dataDir } = kiosk();
    const inBackup = await signIns(core, ['demo-1']);
    await backupDatabase(core.db, backupsDirOf(dataDir), { keep: 3, clock });
    core.close();
    const file = path.join(dataDir, 'passdesk.sqlite');
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(100, 0x42), 0, 100, 0); // the header: "file is not a database"
    fs.closeSync(fd);

    const opened = openWithRecovery(() => KioskCore.open({ dataDir, clock }), { dataDir, clock });
    cleanups.push(() => opened.value.close());
    expect(eventIds(opened.value)).toEqual(inBackup);
    expect(opened.recovery).toMatchObject({ eventsInBackup: 1, eventsSalvaged: 0, startedEmpty: false });
  });

  it('starts with a new database when there is no backup, saying so', async () => {
    const { core, clock, dataDir } = kiosk();
    await signIns(core, ['demo-1']);
    core.close();
    const file = path.join(dataDir, 'passdesk.sqlite');
    fs.writeFileSync(file, Buffer.alloc(8192, 0x42));
    const opened = openWithRecovery(() => KioskCore.open({ dataDir, clock }), { dataDir, clock });
    cleanups.push(() => opened.value.close());
    expect(opened.recovery).toMatchObject({ startedEmpty: true, restoredFrom: null });
    expect(opened.recovery!.message).toMatch(/no usable backup/);
    expect(opened.value.students.count()).toBeGreaterThan(0); // the kiosk runs
  });

  it('leaves a database from a newer Passdesk alone: that needs a person, not a restore', () => {
    const dataDir = tempDir();
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const raw = new Database(path.join(dataDir, 'passdesk.sqlite'));
    raw.pragma(`user_version = ${latestVersion() + 1}`);
    raw.close();
    expect(() => openWithRecovery(() => KioskCore.open({ dataDir }), { dataDir })).toThrow(/newer version of Passdesk/);
    expect(fs.existsSync(path.join(dataDir, 'replaced'))).toBe(false);
  });
});
