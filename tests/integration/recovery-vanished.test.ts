// A vanished or emptied database on a kiosk that was set up: the newest good backup comes back
// (never an empty kiosk whose first-run flow hands the site admin PIN to whoever is at the desk),
// or, with no backup to restore, the kiosk starts locked and says so. Real files, real SQLite.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/core';
import { runCli as cli } from '../helpers/cli';
import { KioskCore } from '../../electron/core/kiosk';
import { fixedClock } from '../../electron/core/clock';
import { dispatch } from '../../electron/core/ipc/dispatch';
import { backupDatabase, backupsDirOf, hasSetupMarker, listBackups, SETUP_MARKER_FILE } from '../../electron/core/maintenance/backup';
import { acknowledgeRecoveryNotices, openWithRecovery, readRecoveryNotices } from '../../electron/core/maintenance/recovery';
import { runDoctor } from '../../electron/core/maintenance/doctor';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

const AT = '2026-11-24T09:07:00Z';
const ADMIN_PIN = '246810';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;
async function call(core: KioskCore, name: string, payload: unknown) {
  return dispatch(core, name, payload) as Promise<{ ok: boolean; value?: Loose; error?: Loose }>;
}

function newDataDir(): string {
  const dir = tempDir();
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Start the kiosk the way electron/main does: through openWithRecovery. */
function start(dataDir: string, clock = fixedClock(AT)) {
  const opened = openWithRecovery(() => KioskCore.open({ dataDir, clock }), { dataDir, clock });
  cleanups.push(() => {
    try {
      opened.value.close();
    } catch {
      /* closed by the test */
    }
  });
  return { core: opened.value, recovery: opened.recovery, clock };
}

/** A kiosk as a school has it: site admin PIN set on the keypad, three sign-ins, a backup. */
async function setUpKiosk(backups = 1) {
  const dataDir = newDataDir();
  const { core, clock } = start(dataDir);
  expect((await call(core, 'setPin', { role: 'site_admin', pin: ADMIN_PIN })).ok).toBe(true);
  const ids: string[] = [];
  for (const s of ['demo-1', 'demo-2', 'demo-3']) ids.push((await core.record({ studentId: s, direction: 'sign_in', reasonId: 'overslept' })).event.id);
  for (let i = 0; i < backups; i++) {
    clock.set(`2026-11-24T0${2 + i}:30:00Z`);
    await backupDatabase(core.db, backupsDirOf(dataDir), { keep: 5, clock });
  }
  core.close();
  return { dataDir, ids: ids.sort() };
}

const dbFile = (dataDir: string) => path.join(dataDir, 'passdesk.sqlite');
const eventIds = (core: KioskCore) => (core.db.prepare('SELECT id FROM events').all() as { id: string }[]).map((r) => r.id).sort();

function removeDatabase(dataDir: string) {
  for (const s of ['', '-wal', '-shm']) fs.rmSync(dbFile(dataDir) + s, { force: true });
}

const losses: [string, (dataDir: string) => void, string][] = [
  ['deleted', removeDatabase, 'missing'],
  [
    'truncated to 0 bytes',
    (d) => {
      removeDatabase(d);
      fs.writeFileSync(dbFile(d), '');
    },
    'zero_bytes',
  ],
  [
    'replaced by an empty SQLite database',
    (d) => {
      removeDatabase(d);
      const raw = new Database(dbFile(d));
      raw.pragma('user_version = 0');
      raw.exec('VACUUM'); // writes the header: a real, valid, empty database file
      raw.close();
    },
    'no_tables',
  ],
  [
    'replaced by a new empty Passdesk database (what opening a missing file makes)',
    (d) => {
      removeDatabase(d);
      KioskCore.open({ dataDir: d, demo: false }).close();
    },
    'no_content',
  ],
];

describe('a vanished database on a kiosk that was set up', () => {
  it('writes the set-up marker beside the database when the site admin PIN is set', async () => {
    const dataDir = newDataDir();
    const { core } = start(dataDir);
    expect(hasSetupMarker(dataDir)).toBe(false); // a new kiosk is not "set up" by being opened
    await call(core, 'setPin', { role: 'site_admin', pin: ADMIN_PIN });
    expect(fs.existsSync(path.join(dataDir, SETUP_MARKER_FILE))).toBe(true);
  });

  for (const [how, lose, kind] of losses) {
    it(`restores the newest good backup when the database was ${how}, and tells the admin`, async () => {
      const { dataDir, ids } = await setUpKiosk();
      lose(dataDir);
      const { core, recovery } = start(dataDir, fixedClock('2026-11-24T10:00:00Z'));

      expect(recovery).toMatchObject({ kind, startedEmpty: false, setupLocked: false, eventsInBackup: 3 });
      expect(recovery!.message).toMatch(/restored from the backup of 2026-11-24T02:30:00.000Z/);
      expect(eventIds(core)).toEqual(ids);
      // The PINs came back: no first-run flow, and the old PIN works.
      expect((await call(core, 'staffPinStatus', {})).value).toMatchObject({ site_admin: true, setupLocked: false });
      expect((await call(core, 'setPin', { role: 'site_admin', pin: '111111' })).error.code).toBe('forbidden');
      expect((await call(core, 'staffUnlock', { pin: ADMIN_PIN })).value.role).toBe('site_admin');
      // Audit, idle-screen status and doctor all say it.
      const audit = core.db.prepare(`SELECT action, after FROM audit_log WHERE action = 'database.recovered'`).all() as { after: string }[];
      expect(audit).toHaveLength(1);
      expect(JSON.parse(audit[0]!.after)).toMatchObject({ kind });
      expect((await core.getStatus()).recovery).toMatchObject({ restored: true, locked: false, backupTakenAt: '2026-11-24T02:30:00.000Z' });
      const doctor = await runDoctor({ dataDir, db: core.db, settings: core.getSettings() }, ['database']);
      expect(doctor.checks[0]).toMatchObject({ status: 'note', summary: expect.stringMatching(/restored from the backup/) });
    });
  }

  it('a site admin acknowledges the restore on the admin screen: the idle screen chip goes, the audit log keeps it', async () => {
    const { dataDir } = await setUpKiosk();
    removeDatabase(dataDir);
    const { core } = start(dataDir);
    const admin = (await call(core, 'staffUnlock', { pin: ADMIN_PIN })).value.token as string;
    expect((await call(core, 'acknowledgeRecovery', { token: 'not-a-real-token-at-all' })).error.code).toBe('forbidden');
    expect((await call(core, 'acknowledgeRecovery', { token: admin })).ok).toBe(true);
    expect((await core.getStatus()).recovery).toBeNull();
    expect(readRecoveryNotices(dataDir)).toEqual([]);
    expect(core.staff.auditLog(20).map((a) => a.action)).toEqual(expect.arrayContaining(['database.recovered', 'database.recovery_acknowledged']));
  });

  it('skips a newest backup that fails its integrity check and restores the one before', async () => {
    const { dataDir, ids } = await setUpKiosk(2);
    const [newest, older] = listBackups(backupsDirOf(dataDir));
    const fd = fs.openSync(newest!.file, 'r+');
    fs.writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, 4096); // junk over page 2
    fs.closeSync(fd);
    removeDatabase(dataDir);
    const { core, recovery } = start(dataDir);
    expect(recovery).toMatchObject({ restoredFrom: older!.file, backupTakenAt: '2026-11-24T02:30:00.000Z' });
    expect(eventIds(core)).toEqual(ids);
  });

  it('passes over a newer backup of an empty database (no PINs: its first-run set-up would be open to anyone)', async () => {
    const { dataDir, ids } = await setUpKiosk();
    // What an older `kiosk backup` made after the database had vanished: an empty, intact backup.
    const emptyDir = newDataDir();
    const empty = KioskCore.open({ dataDir: emptyDir, demo: false });
    await backupDatabase(empty.db, backupsDirOf(dataDir), { keep: 5, clock: fixedClock('2026-11-24T08:00:00Z') });
    empty.close();
    expect(listBackups(backupsDirOf(dataDir))).toHaveLength(2);
    removeDatabase(dataDir);
    const { core, recovery } = start(dataDir);
    expect(recovery).toMatchObject({ backupTakenAt: '2026-11-24T02:30:00.000Z', eventsInBackup: 3, setupLocked: false });
    expect(eventIds(core)).toEqual(ids);
    expect((await call(core, 'staffPinStatus', {})).value).toMatchObject({ site_admin: true });
  });

  it('restores again across a restart only when needed: the restored kiosk opens normally next time', async () => {
    const { dataDir } = await setUpKiosk();
    removeDatabase(dataDir);
    start(dataDir).core.close();
    const again = start(dataDir);
    expect(again.recovery).toBeNull();
    expect(readRecoveryNotices(dataDir)).toHaveLength(1);
  });
});

describe('a vanished database with no backup to restore', () => {
  async function markerOnly() {
    const dataDir = newDataDir();
    const { core } = start(dataDir);
    await call(core, 'setPin', { role: 'site_admin', pin: ADMIN_PIN });
    core.close();
    removeDatabase(dataDir);
    return dataDir;
  }

  it('starts locked: first-run PIN set-up refused, the doctor says what to do, the status and audit say it', async () => {
    const dataDir = await markerOnly();
    const { core, recovery } = start(dataDir);
    expect(recovery).toMatchObject({ kind: 'missing', startedEmpty: true, setupLocked: true });
    expect((await call(core, 'staffPinStatus', {})).value).toMatchObject({ site_admin: false, setupLocked: true });
    const refused = await call(core, 'setPin', { role: 'site_admin', pin: '111111' });
    expect(refused.error).toMatchObject({ code: 'locked', message: expect.stringMatching(/kiosk doctor/) });
    expect(core.staff.pins.status().site_admin).toBe(false);
    expect((await core.getStatus()).recovery).toMatchObject({ restored: false, locked: true });
    const doctor = await runDoctor({ dataDir, db: core.db, settings: core.getSettings() }, ['database']);
    expect(doctor.checks[0]).toMatchObject({ status: 'fail', summary: expect.stringMatching(/was missing and no backup could be restored/), fix: expect.stringMatching(/kiosk restore <file> --yes/) });
    expect(core.db.prepare(`SELECT COUNT(*) AS n FROM audit_log WHERE action = 'database.lost'`).get()).toEqual({ n: 1 });
  });

  it('a corrupt (not vanished) database with no backup on a set-up kiosk also starts locked', async () => {
    const dataDir = await markerOnly();
    fs.writeFileSync(dbFile(dataDir), Buffer.alloc(8192, 0x42)); // "file is not a database"
    const { core, recovery } = start(dataDir);
    expect(recovery).toMatchObject({ kind: 'corrupt', startedEmpty: true, setupLocked: true });
    expect((await call(core, 'setPin', { role: 'site_admin', pin: '111111' })).error.code).toBe('locked');
  });

  it('stays locked across restarts without piling up notices, and an admin acknowledgement on the machine lifts it', async () => {
    const dataDir = await markerOnly();
    start(dataDir).core.close();
    const { core, recovery } = start(dataDir);
    expect(recovery).toBeNull();
    expect(readRecoveryNotices(dataDir)).toHaveLength(1);
    expect((await call(core, 'setPin', { role: 'site_admin', pin: '111111' })).error.code).toBe('locked');
    // `kiosk doctor --ack-recovery` on the kiosk itself (a person with access to the machine).
    acknowledgeRecoveryNotices(dataDir);
    expect((await call(core, 'setPin', { role: 'site_admin', pin: '111111' })).ok).toBe(true);
  });

  it('`kiosk doctor --ack-recovery` with Passdesk stopped lifts the lock for good: the next start does not lock again', async () => {
    const dataDir = await markerOnly();
    start(dataDir).core.close(); // the locked start
    expect(await cli(['doctor', '--only', 'database', '--ack-recovery', '--data-dir', dataDir])).toMatchObject({ code: 0 });
    const { core, recovery } = start(dataDir);
    expect(recovery).toBeNull();
    expect((await call(core, 'staffPinStatus', {})).value).toMatchObject({ site_admin: false, setupLocked: false });
    expect((await call(core, 'setPin', { role: 'site_admin', pin: '111111' })).ok).toBe(true);
    expect(hasSetupMarker(dataDir)).toBe(true); // set up again from here on
  });

  it('a backup copied into the backups folder while locked is restored at the next start', async () => {
    const { dataDir: source } = await setUpKiosk();
    const dataDir = await markerOnly();
    start(dataDir).core.close();
    const backup = listBackups(backupsDirOf(source))[0]!;
    fs.mkdirSync(backupsDirOf(dataDir), { recursive: true });
    fs.copyFileSync(backup.file, path.join(backupsDirOf(dataDir), path.basename(backup.file)));
    const { core, recovery } = start(dataDir);
    expect(recovery).toMatchObject({ kind: 'no_content', setupLocked: false, eventsInBackup: 3 });
    expect((await call(core, 'staffPinStatus', {})).value).toMatchObject({ site_admin: true });
  });
});


describe('the admin CLI on a set-up kiosk whose database vanished', () => {
  // Opening the database from the CLI would create an empty one: `settings import` or
  // `import-roster` then made it look used (no restore at the next start, first-run PIN set-up
  // open to anyone), `backup` saved an empty "good" backup as the newest and pruned a real one.
  it('refuses every command that opens the database, creates nothing, and the next start still restores', async () => {
    const { dataDir, ids } = await setUpKiosk();
    removeDatabase(dataDir);
    const settingsFile = path.join(dataDir, 'site.json');
    fs.writeFileSync(settingsFile, '{}');
    const roster = path.join(dataDir, 'roster.csv');
    fs.writeFileSync(roster, 'id,forename,surname,year,badge\nx1,Ada,Lovelace,9,555001\n');
    const backupsBefore = listBackups(backupsDirOf(dataDir)).map((b) => b.file);
    for (const args of [
      ['settings', 'import', settingsFile],
      ['import-roster', roster, '--replace-demo'],
      ['events'],
      ['backup'],
      ['purge', '--days', '30'],
    ]) {
      const r = await cli([...args, '--data-dir', dataDir]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.err, args.join(' ')).toMatch(/was missing, on a kiosk that has been set up.*restart\) Passdesk: it puts back the newest good backup/s);
      expect(fs.existsSync(dbFile(dataDir)), args.join(' ')).toBe(false);
    }
    const doctor = await cli(['doctor', '--only', 'database', '--data-dir', dataDir]);
    expect(doctor.code).toBe(1);
    expect(doctor.out).toMatch(/was missing, on a kiosk that has been set up/);
    expect(fs.existsSync(dbFile(dataDir))).toBe(false);
    expect(listBackups(backupsDirOf(dataDir)).map((b) => b.file)).toEqual(backupsBefore);

    const { core, recovery } = start(dataDir);
    expect(recovery).toMatchObject({ kind: 'missing', eventsInBackup: 3 });
    expect(eventIds(core)).toEqual(ids);
    expect((await call(core, 'staffPinStatus', {})).value).toMatchObject({ site_admin: true });
  });

  it('works as before on a truly new kiosk (provisioning from the CLI)', async () => {
    const dataDir = newDataDir();
    const r = await cli(['events', '--data-dir', dataDir, '--json']);
    expect(r.code).toBe(0);
    expect(fs.existsSync(dbFile(dataDir))).toBe(true);
  });
});

describe('a truly new kiosk', () => {
  it('with no marker and no backup starts empty and offers the first-run PIN set-up', async () => {
    const dataDir = newDataDir();
    const { core, recovery } = start(dataDir);
    expect(recovery).toBeNull();
    expect(readRecoveryNotices(dataDir)).toEqual([]);
    expect((await call(core, 'staffPinStatus', {})).value).toMatchObject({ site_admin: false, setupLocked: false });
    expect((await call(core, 'setPin', { role: 'site_admin', pin: ADMIN_PIN })).ok).toBe(true);
  });

  it('whose database is deleted starts new, not locked, when its only backups are of its empty database', async () => {
    const dataDir = newDataDir();
    const { core } = start(dataDir);
    await backupDatabase(core.db, backupsDirOf(dataDir), { keep: 5, clock: fixedClock(AT) }); // the nightly backup of a demo kiosk
    core.close();
    removeDatabase(dataDir);
    const again = start(dataDir);
    expect(again.recovery).toBeNull();
    expect((await call(again.core, 'staffPinStatus', {})).value).toMatchObject({ site_admin: false, setupLocked: false });
  });

  it('a kiosk set up before the marker existed gets one at its next start', async () => {
    const dataDir = newDataDir();
    const old = KioskCore.open({ dataDir, clock: fixedClock(AT) });
    await old.staff.pins.setPin('site_admin', ADMIN_PIN); // as an older Passdesk did: no marker
    old.close();
    expect(hasSetupMarker(dataDir)).toBe(false);
    start(dataDir);
    expect(hasSetupMarker(dataDir)).toBe(true);
  });
});
