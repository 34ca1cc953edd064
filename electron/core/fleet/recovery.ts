// A corrupt database at start-up (a power cut on a failing SD card, a disk full at the wrong
// moment) must not leave the front desk dark. The damaged file is moved aside (never deleted),
// the newest good backup is put in its place, every row still readable in the damaged file is
// copied back over it, and a notice is left for the admin screen and `kiosk doctor`.
// Every event that reached a backup is kept; most of those after it are too.
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseError, openDatabase } from '../db/database';
import { fsyncFile } from './backup';
import { copyBackupIntoPlace, databaseFileOf, moveDatabaseAside, newestGoodBackup } from './restore';
import { salvageInto } from './salvage';
import { systemClock, type Clock } from '../clock';
import { silentLogger, type Logger } from '../log';

export const RECOVERY_NOTICE_FILE = 'recovery-notice.json';

export interface RecoveryNotice {
  at: string;
  /** The integrity failure, as SQLite put it. */
  reason: string;
  /** Where the damaged database is now (for a specialist, or for a second salvage attempt). */
  damagedFile: string | null;
  restoredFrom: string | null;
  backupTakenAt: string | null;
  eventsInBackup: number;
  /** Events read back from the damaged file that the backup did not have. */
  eventsSalvaged: number;
  /** Tables of the damaged file that could not be read to the end: something may be lost. */
  partialTables: string[];
  /** No usable backup: the kiosk starts from an empty database (plus what could be salvaged). */
  startedEmpty: boolean;
  /** What the admin reads. */
  message: string;
}

export interface RecoveryOptions {
  dataDir: string;
  clock?: Clock;
  log?: Logger;
  nativeBinding?: string;
}

/**
 * Open the kiosk with `open` (e.g. `() => KioskCore.open(options)`); if the database is corrupt,
 * recover it and open again. Other errors (a database from a newer Passdesk) pass through: they
 * need a person, not a restore.
 */
export function openWithRecovery<T>(open: () => T, options: RecoveryOptions): { value: T; recovery: RecoveryNotice | null } {
  try {
    return { value: open(), recovery: null };
  } catch (e) {
    if (!(e instanceof DatabaseError) || e.kind !== 'corrupt') throw e;
    const recovery = recoverCorruptDatabase(e.message, options);
    return { value: open(), recovery };
  }
}

export function recoverCorruptDatabase(reason: string, options: RecoveryOptions): RecoveryNotice {
  const log = options.log ?? silentLogger;
  const clock = options.clock ?? systemClock;
  log.error('kiosk database is damaged; recovering', { reason });
  const target = databaseFileOf(options.dataDir);
  const good = newestGoodBackup(options.dataDir, options.nativeBinding);
  const damagedFile = moveDatabaseAside(options.dataDir, 'corrupt', clock);
  if (good) copyBackupIntoPlace(good.backup.file, target);

  // Opening applies any migration the backup is behind on; then the salvage writes into it.
  const db = openDatabase(target, { nativeBinding: options.nativeBinding });
  const countEvents = () => (db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
  let notice: RecoveryNotice;
  try {
    const before = countEvents();
    const salvage = damagedFile ? salvageInto(db, damagedFile, options.nativeBinding) : null;
    const eventsSalvaged = countEvents() - before;
    const partialTables = salvage?.partialTables ?? [];
    const at = clock.now().toISOString();
    const message = good
      ? `The kiosk database was damaged and has been restored from the backup of ${good.backup.takenAt}` +
        `${eventsSalvaged ? `; ${eventsSalvaged} later sign-in(s) were read back from the damaged file` : ''}.` +
        (partialTables.length ? ` Part of the damaged file could not be read (${partialTables.join(', ')}): check today's sign-ins against the register.` : '')
      : 'The kiosk database was damaged and there was no usable backup: the kiosk started with a new database' +
        `${eventsSalvaged ? ` and ${eventsSalvaged} sign-in(s) read back from the damaged file` : ''}. Import the roster again and check the settings.`;
    notice = {
      at,
      reason,
      damagedFile,
      restoredFrom: good?.backup.file ?? null,
      backupTakenAt: good?.backup.takenAt ?? null,
      eventsInBackup: good?.check.events ?? 0,
      eventsSalvaged,
      partialTables,
      startedEmpty: !good,
      message,
    };
    db.prepare(`INSERT INTO audit_log (at, actor, action, subject, before, after) VALUES (?, 'system', 'database.recovered', ?, NULL, ?)`).run(
      at,
      path.basename(damagedFile ?? target),
      JSON.stringify({ ...notice, message: undefined }),
    );
  } finally {
    db.close();
  }
  writeRecoveryNotice(options.dataDir, notice);
  log.warn('kiosk database recovered', {
    restoredFrom: notice.restoredFrom && path.basename(notice.restoredFrom),
    eventsInBackup: notice.eventsInBackup,
    eventsSalvaged: notice.eventsSalvaged,
    partialTables: notice.partialTables,
    startedEmpty: notice.startedEmpty,
  });
  return notice;
}

/** The notices not yet acknowledged by an admin, oldest first. */
export function readRecoveryNotices(dataDir: string): RecoveryNotice[] {
  try {
    const parsed = JSON.parse(fs.readFileSync(path.join(dataDir, RECOVERY_NOTICE_FILE), 'utf8')) as unknown;
    return Array.isArray(parsed) ? (parsed as RecoveryNotice[]) : [];
  } catch {
    return [];
  }
}

/** The admin has read them: keep them in the audit log only. */
export function acknowledgeRecoveryNotices(dataDir: string): void {
  fs.rmSync(path.join(dataDir, RECOVERY_NOTICE_FILE), { force: true });
}

function writeRecoveryNotice(dataDir: string, notice: RecoveryNotice): void {
  const file = path.join(dataDir, RECOVERY_NOTICE_FILE);
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify([...readRecoveryNotices(dataDir), notice], null, 2));
  fsyncFile(tmp);
  fs.renameSync(tmp, file);
}
