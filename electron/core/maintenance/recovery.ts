// A corrupt database at start-up (a power cut on a failing SD card, a disk full at the wrong
// moment) must not leave the front desk dark. The damaged file is moved aside (never deleted),
// the newest good backup is put in its place, every row still readable in the damaged file is
// copied back over it, and a notice is left for the admin screen and `kiosk doctor`.
// Every event that reached a backup is kept; most of those after it are too.
//
// A database that VANISHED (deleted, truncated to 0 bytes, replaced by an empty SQLite file) is
// the same loss, only quieter: SQLite would happily create a new empty database, and the empty
// PIN table would offer the first-run set-up to whoever is at the desk. So before the kiosk opens
// its database, a kiosk that has been set up (the marker beside the database, or any backup)
// and finds it missing or empty restores the newest good backup. With no good backup it starts
// locked: the first-run PIN set-up is refused until an admin has dealt with it on the machine.
// Only a truly new kiosk (no marker, no backup) starts empty.
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseError, openDatabase } from '../db/database';
import { backupsDirOf, checkBackup, fsyncFile, hasSetupMarker, listBackups, setupMarkerOf, writeSetupMarker } from './backup';
import { copyBackupIntoPlace, databaseFileOf, moveDatabaseAside, newestGoodBackup } from './restore';
import { salvageInto } from '../db/salvage';
import { appendAudit } from '../db/audit';
import { countEvents, databaseContent } from '../db/maintenance-queries';
import { systemClock, type Clock } from '../clock';
import { silentLogger, type Logger } from '../logging/logger';

export const RECOVERY_NOTICE_FILE = 'recovery-notice.json';

/** What was wrong with the database file at start-up. */
export type DatabaseLoss = 'corrupt' | 'missing' | 'zero_bytes' | 'no_tables' | 'no_content';

export interface RecoveryNotice {
  at: string;
  /** Absent in notices written before Passdesk knew vanished databases: those were all 'corrupt'. */
  kind?: DatabaseLoss;
  /**
   * The kiosk had been set up and nothing could be restored: the first-run PIN set-up is refused
   * (a student must not become site admin) until an admin acknowledges this on the machine.
   */
  setupLocked?: boolean;
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
 * Open the kiosk with `open` (e.g. `() => KioskCore.open(options)`). A vanished or emptied
 * database on a kiosk that was set up is restored first; a corrupt one is recovered and opened
 * again. Other errors (a database from a newer Passdesk) pass through: they need a person.
 */
export function openWithRecovery<T>(open: () => T, options: RecoveryOptions): { value: T; recovery: RecoveryNotice | null } {
  let recovery = recoverVanishedDatabase(options);
  let value: T;
  try {
    value = open();
  } catch (e) {
    if (!(e instanceof DatabaseError) || e.kind !== 'corrupt') throw e;
    recovery = recoverCorruptDatabase(e.message, options);
    value = open();
  }
  markSetUpIfUsed(options);
  return { value, recovery };
}

/**
 * What the database file holds, looked at before the kiosk opens it (which would create it).
 * 'present' covers everything else, including a damaged file: opening it tells.
 */
export function inspectDatabaseFile(file: string, nativeBinding?: string): Exclude<DatabaseLoss, 'corrupt'> | 'present' {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'present';
  }
  if (size === 0) return 'zero_bytes';
  return databaseContent(file, nativeBinding);
}

const LOSS_WORDS: Record<Exclude<DatabaseLoss, 'corrupt'>, string> = {
  missing: 'was missing',
  zero_bytes: 'was empty (0 bytes)',
  no_tables: 'was an empty file with no tables',
  no_content: 'had been replaced by an empty one',
};

/** Fix for the locked state, for the doctor and the notice. */
export const SETUP_LOCKED_FIX =
  'Find a copy of this kiosk\'s backups (its backups folder, a USB stick) and, with Passdesk stopped, run `kiosk restore <file> --yes`, then `kiosk doctor --ack-recovery`. ' +
  'Only if no copy exists anywhere: run `kiosk doctor --ack-recovery` on the kiosk, then set the site admin PIN on the keypad, import the roster and the settings again.';

/**
 * Before the kiosk opens its database: a set-up kiosk whose database is missing or empty gets
 * the newest good backup put back (older ones are tried when the newest fails its integrity
 * check). Returns the notice, or null when there was nothing to do.
 */
export function recoverVanishedDatabase(options: RecoveryOptions): RecoveryNotice | null {
  const target = databaseFileOf(options.dataDir);
  const loss = vanishedDatabase(options);
  if (!loss) return null;
  const { state, good } = loss;

  const log = options.log ?? silentLogger;
  const clock = options.clock ?? systemClock;
  log.error('kiosk database is missing or empty on a kiosk that was set up; restoring', { state });
  const movedAside = moveDatabaseAside(options.dataDir, state.replace('_', '-'), clock);
  if (good) copyBackupIntoPlace(good.backup.file, target);
  const at = clock.now().toISOString();
  const what = `The kiosk database ${LOSS_WORDS[state]}`;
  const message = good
    ? `${what} and has been restored from the backup of ${good.backup.takenAt} (${good.check.events} sign-in(s)). Sign-ins made after that backup are not on the kiosk: check them against the register.`
    : `${what} and no backup could be restored. The kiosk has started locked: staff PIN set-up is refused until an admin deals with it. ${SETUP_LOCKED_FIX}`;
  const notice: RecoveryNotice = {
    at,
    kind: state,
    setupLocked: !good,
    reason: `database ${LOSS_WORDS[state]}`,
    damagedFile: movedAside,
    restoredFrom: good?.backup.file ?? null,
    backupTakenAt: good?.backup.takenAt ?? null,
    eventsInBackup: good?.check.events ?? 0,
    eventsSalvaged: 0,
    partialTables: [],
    startedEmpty: !good,
    message,
  };
  // Opening applies any migration the backup is behind on (or makes the new, locked database).
  const db = openDatabase(target, { nativeBinding: options.nativeBinding });
  try {
    appendAudit(db, {
      at,
      actor: 'system',
      action: good ? 'database.recovered' : 'database.lost',
      subject: path.basename(target),
      before: null,
      after: JSON.stringify({ ...notice, message: undefined }),
    });
  } finally {
    db.close();
  }
  writeRecoveryNotice(options.dataDir, notice);
  log.warn(good ? 'kiosk database restored from a backup' : 'kiosk database lost and no backup: started locked', {
    state,
    restoredFrom: notice.restoredFrom && path.basename(notice.restoredFrom),
    eventsInBackup: notice.eventsInBackup,
  });
  return notice;
}

/**
 * Is the database missing or empty on a kiosk that was set up, with something to do about it?
 * The one test for the kiosk's start (which restores) and the CLI (which refuses to open it).
 */
function vanishedDatabase(
  options: Pick<RecoveryOptions, 'dataDir' | 'nativeBinding'>,
): { state: Exclude<DatabaseLoss, 'corrupt'>; good: ReturnType<typeof newestBackupWithContent> } | null {
  const state = inspectDatabaseFile(databaseFileOf(options.dataDir), options.nativeBinding);
  if (state === 'present') return null;
  // 'no_content' may be a new kiosk that was opened and never used: only the marker (which is
  // written once the school put something in) makes it a loss. The rest need any sign of set-up.
  if (state === 'no_content' ? !hasSetupMarker(options.dataDir) : !setUpBefore(options)) return null;
  const good = newestBackupWithContent(options);
  // Already started locked after an earlier loss, and still nothing to restore: stay as we are.
  if (!good && isSetupLocked(options.dataDir)) return null;
  return { state, good };
}

/**
 * The newest good backup that holds something a school put there. An empty one (taken of an
 * empty database: by an older `kiosk backup` after a loss, or of a locked start) passes the
 * integrity check, but putting it back gives a kiosk with no PINs, whose first-run set-up is
 * open to anyone at the desk, and hides the real backups behind it.
 */
function newestBackupWithContent(options: Pick<RecoveryOptions, 'dataDir' | 'nativeBinding'>) {
  return newestGoodBackup(options.dataDir, options.nativeBinding, (file) => inspectDatabaseFile(file, options.nativeBinding) === 'present');
}

/**
 * Has this kiosk ever been set up? The marker, or a backup that is damaged (it may have held
 * anything) or holds something a school put there. Intact backups of an empty database (a new
 * kiosk's scheduled backups while nobody has set it up yet) are no sign of set-up: a new kiosk
 * whose database is deleted starts new, not locked.
 */
function setUpBefore(options: Pick<RecoveryOptions, 'dataDir' | 'nativeBinding'>): boolean {
  if (hasSetupMarker(options.dataDir)) return true;
  return listBackups(backupsDirOf(options.dataDir)).some(
    (b) => !checkBackup(b.file, options.nativeBinding).ok || inspectDatabaseFile(b.file, options.nativeBinding) === 'present',
  );
}

/**
 * For the admin CLI, before it opens the database (which would create an empty one): on a
 * set-up kiosk whose database vanished, `settings import` or `import-roster` would make an empty
 * kiosk look used (no restore at the next start, and the first-run PIN set-up open to anyone at
 * the desk), and `kiosk backup` would save an empty backup as the newest good one and prune a
 * real one. The kiosk's own start restores the backup and tells the admin; the CLI says so.
 * Returns the reason not to open, or null.
 */
export function cliMustNotOpen(dataDir: string): string | null {
  const loss = vanishedDatabase({ dataDir });
  if (!loss) return null;
  return (
    `The kiosk database (${databaseFileOf(dataDir)}) ${LOSS_WORDS[loss.state]}, on a kiosk that has been set up; the admin CLI does not open it (that would make an empty one). ` +
    (loss.good
      ? `Start (or restart) Passdesk: it puts back the newest good backup (${loss.good.backup.takenAt}) and tells the admin. Or, with Passdesk stopped, run \`kiosk restore --yes\`.`
      : 'No backup here can be restored: start (or restart) Passdesk once (it starts locked, with staff PIN set-up refused), then `kiosk doctor` says what to do.')
  );
}

/** True while a loss with nothing restored is not yet acknowledged: no first-run PIN set-up. */
export function isSetupLocked(dataDir: string): boolean {
  return readRecoveryNotices(dataDir).some((n) => n.setupLocked === true);
}

/** Once the database holds something a school put there, the marker says so for good. */
export function markSetUpIfUsed(options: Pick<RecoveryOptions, 'dataDir' | 'clock' | 'nativeBinding'>): void {
  if (hasSetupMarker(options.dataDir)) return;
  try {
    if (inspectDatabaseFile(databaseFileOf(options.dataDir), options.nativeBinding) === 'present') {
      writeSetupMarker(options.dataDir, (options.clock ?? systemClock).now(), 'the kiosk database holds staff PINs, settings, a roster or sign-ins');
    }
  } catch {
    // A read-only data folder: the kiosk runs; the next start tries again.
  }
}

export function recoverCorruptDatabase(reason: string, options: RecoveryOptions): RecoveryNotice {
  const log = options.log ?? silentLogger;
  const clock = options.clock ?? systemClock;
  log.error('kiosk database is damaged; recovering', { reason });
  const wasSetUp = setUpBefore(options);
  const target = databaseFileOf(options.dataDir);
  const good = newestBackupWithContent(options);
  const damagedFile = moveDatabaseAside(options.dataDir, 'corrupt', clock);
  if (good) copyBackupIntoPlace(good.backup.file, target);

  // Opening applies any migration the backup is behind on; then the salvage writes into it.
  const db = openDatabase(target, { nativeBinding: options.nativeBinding });
  let notice: RecoveryNotice;
  try {
    const before = countEvents(db);
    const salvage = damagedFile ? salvageInto(db, damagedFile, options.nativeBinding) : null;
    const eventsSalvaged = countEvents(db) - before;
    const partialTables = salvage?.partialTables ?? [];
    const at = clock.now().toISOString();
    const message = good
      ? `The kiosk database was damaged and has been restored from the backup of ${good.backup.takenAt}` +
        `${eventsSalvaged ? `; ${eventsSalvaged} later sign-in(s) were read back from the damaged file` : ''}.` +
        (partialTables.length ? ` Part of the damaged file could not be read (${partialTables.join(', ')}): check today's sign-ins against the register.` : '')
      : 'The kiosk database was damaged and there was no usable backup: the kiosk started with a new database' +
        `${eventsSalvaged ? ` and ${eventsSalvaged} sign-in(s) read back from the damaged file` : ''}. ` +
        (wasSetUp ? `Staff PIN set-up is refused until an admin deals with it. ${SETUP_LOCKED_FIX}` : 'Import the roster again and check the settings.');
    notice = {
      at,
      kind: 'corrupt',
      setupLocked: !good && wasSetUp,
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
    appendAudit(db, {
      at,
      actor: 'system',
      action: 'database.recovered',
      subject: path.basename(damagedFile ?? target),
      before: null,
      after: JSON.stringify({ ...notice, message: undefined }),
    });
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

/**
 * What the idle screen's status chip shows until an admin acknowledges: the latest recovery, and
 * whether the kiosk is locked against first-run PIN set-up. A file read: cheap enough per poll.
 */
export function recoveryStatus(dataDir: string): { at: string; restored: boolean; locked: boolean; backupTakenAt: string | null } | null {
  const notices = readRecoveryNotices(dataDir);
  const last = notices[notices.length - 1];
  if (!last) return null;
  return { at: last.at, restored: last.restoredFrom !== null, locked: notices.some((n) => n.setupLocked === true), backupTakenAt: last.backupTakenAt };
}

/**
 * The admin has read them: keep them in the audit log only. Acknowledging a loss that nothing
 * could be restored for accepts the empty database: the set-up marker goes too (it comes back
 * once the school puts something in, markSetUpIfUsed / the first PIN). Without that, the next
 * start would find an empty database on a "set-up" kiosk and lock it again: an admin who
 * followed the doctor's fix with Passdesk stopped could never get past the lock.
 */
export function acknowledgeRecoveryNotices(dataDir: string, nativeBinding?: string): void {
  const lockedLoss = isSetupLocked(dataDir) && inspectDatabaseFile(databaseFileOf(dataDir), nativeBinding) !== 'present';
  if (lockedLoss) fs.rmSync(setupMarkerOf(dataDir), { force: true });
  fs.rmSync(path.join(dataDir, RECOVERY_NOTICE_FILE), { force: true });
}

function writeRecoveryNotice(dataDir: string, notice: RecoveryNotice): void {
  const file = path.join(dataDir, RECOVERY_NOTICE_FILE);
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify([...readRecoveryNotices(dataDir), notice], null, 2));
  fsyncFile(tmp);
  fs.renameSync(tmp, file);
}
