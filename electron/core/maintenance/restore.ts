// Putting a backup back: `kiosk restore` (an admin's decision, with the kiosk stopped) and the
// start-up recovery (a corrupt database). The database in place is never deleted: it is moved
// into `replaced/` with its -wal and -shm, because it may hold sign-ins newer than any backup.
import fs from 'node:fs';
import path from 'node:path';
import { BackupError, backupsDirOf, checkBackup, fsyncDir, fsyncFile, listBackups, type BackupCheck, type BackupInfo } from './backup';
import { systemClock, type Clock } from '../clock';
import { silentLogger, type Logger } from '../logging/logger';

/** Kept in step with KioskCore.open (electron/core/kiosk.ts). */
export const DATABASE_FILE_NAME = 'passdesk.sqlite';
export const REPLACED_DIR_NAME = 'replaced';

export function databaseFileOf(dataDir: string): string {
  return path.join(dataDir, DATABASE_FILE_NAME);
}

export interface RestoreOptions {
  dataDir: string;
  /** A backup file; default: the newest backup that passes its check. */
  from?: string;
  clock?: Clock;
  log?: Logger;
  nativeBinding?: string;
}

export interface RestoreResult {
  restoredFrom: string;
  takenAt: string | null;
  events: number;
  /** Where the database that was in place went (null: there was none). */
  movedAside: string | null;
}

/** The newest backup that is good to run on (and that `accept` takes), with its check; null when there is none. */
export function newestGoodBackup(
  dataDir: string,
  nativeBinding?: string,
  accept: (file: string) => boolean = () => true,
): { backup: BackupInfo; check: BackupCheck & { ok: true } } | null {
  for (const backup of listBackups(backupsDirOf(dataDir))) {
    const check = checkBackup(backup.file, nativeBinding);
    if (check.ok && accept(backup.file)) return { backup, check };
  }
  return null;
}

/**
 * Replace the kiosk database with a backup. The kiosk must not be running (stop the service
 * first): a running kiosk would keep writing to the file that was moved aside.
 */
export function restoreBackup(options: RestoreOptions): RestoreResult {
  const log = options.log ?? silentLogger;
  let from: string;
  let takenAt: string | null = null;
  let check: BackupCheck;
  if (options.from) {
    from = path.resolve(options.from);
    if (!fs.existsSync(from)) throw new BackupError('not_found', `There is no backup at ${from}.`);
    check = checkBackup(from, options.nativeBinding);
    takenAt = listBackups(path.dirname(from)).find((b) => b.file === from)?.takenAt ?? null;
  } else {
    const newest = newestGoodBackup(options.dataDir, options.nativeBinding);
    if (!newest) throw new BackupError('not_found', `There is no usable backup in ${backupsDirOf(options.dataDir)}.`);
    ({ check } = newest);
    from = newest.backup.file;
    takenAt = newest.backup.takenAt;
  }
  if (!check.ok) throw new BackupError('unusable', `${path.basename(from)} cannot be restored: ${check.problem}`);

  const movedAside = moveDatabaseAside(options.dataDir, 'before-restore', options.clock ?? systemClock);
  copyBackupIntoPlace(from, databaseFileOf(options.dataDir));
  log.warn('database restored from backup', { backup: path.basename(from), takenAt, events: check.events, movedAside });
  return { restoredFrom: from, takenAt, events: check.events, movedAside };
}

/**
 * Move passdesk.sqlite and its -wal/-shm into replaced/, named by time and why. The three move
 * together: a -wal without its database, or beside another one, is worse than none.
 */
export function moveDatabaseAside(dataDir: string, why: string, clock: Clock = systemClock): string | null {
  const db = databaseFileOf(dataDir);
  // A -wal left behind by a deleted database goes too: it may hold the last sign-ins, and it
  // must never be replayed into the backup that replaces it.
  if (!['', '-wal', '-shm'].some((suffix) => fs.existsSync(db + suffix))) return null;
  const dir = path.join(dataDir, REPLACED_DIR_NAME);
  fs.mkdirSync(dir, { recursive: true });
  const stamp = clock.now().toISOString().replace(/[:.]/g, '-');
  const target = path.join(dir, `passdesk-${stamp}-${why}.sqlite`);
  for (const suffix of ['', '-wal', '-shm']) {
    if (fs.existsSync(db + suffix)) fs.renameSync(db + suffix, target + suffix);
  }
  fsyncDir(dir);
  fsyncDir(dataDir);
  return target;
}

/** Copy, flush, then rename: the database file is either the old state or the whole backup. */
export function copyBackupIntoPlace(from: string, to: string): void {
  const tmp = `${to}.restoring`;
  fs.copyFileSync(from, tmp);
  fsyncFile(tmp);
  // A -wal left from another database would be replayed into this one.
  for (const suffix of ['-wal', '-shm']) fs.rmSync(to + suffix, { force: true });
  fs.renameSync(tmp, to);
  fsyncDir(path.dirname(to));
}
